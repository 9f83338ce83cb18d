"""build_app: the Bolt app with hirebot's listeners, a Web API client with retries, and no secret in logs."""

import logging

from slack_bolt import App, BoltResponse
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.engine import Engine
from bot.settings import Settings
from bot.slack.converse import Hirebot
from bot.slack.listeners import actions, assistant, commands, events, home, messages, reqs, views
from bot.slack.replies import ReplyOutbox
from bot.slack.server import printable
from bot.store import Store

log = logging.getLogger("hirebot.slack")

# Bolt tries its listeners in the order they were added, each with its own matchers, until one matches: the
# surfaces nearly every request goes to (DMs, mentions, /hire) come first. None of them matches what the reqs
# surfaces take (its shortcut, forms, buttons, App Home), which come before the plain ones they extend.
FIRST = (messages, events, commands)
SURFACES = (actions, views, home)
RETRIES = 2
EARLY_ACK = {"block_actions", "message_action", "shortcut"}  # payload types acked before any listener runs


def web_client(settings: Settings, retries: bool = True) -> WebClient:
    """A WebClient for SLACK_API_URL that retries connection errors, 5xx and 429 (honouring Retry-After);
    `retries=False` for an outbox, which keeps what failed and retries it itself."""
    base = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    return WebClient(
        token=settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None,
        base_url=base,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=RETRIES),
            ServerErrorRetryHandler(max_retry_count=RETRIES),
        ] if retries else [],
    )


class TokenFromClient(logging.Filter):
    """Drops Bolt's start-up warning that `token` is unused because `client` is given: Bolt reads SLACK_BOT_TOKEN
    from the environment itself, and our client (SLACK_API_URL, retries) carries that same token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger("slack_bolt.App").addFilter(TokenFromClient())


def build_app(settings: Settings, engine: Engine, store: Store, *, socket_mode: bool = False) -> App:
    """The Bolt app. HTTP mode verifies request signatures (SLACK_SIGNING_SECRET); Socket Mode needs none.

    Listeners ack first and do the work after (`process_before_response=False`), within Slack's 3 seconds.
    """
    settings.require("SLACK_BOT_TOKEN", *(() if socket_mode else ("SLACK_SIGNING_SECRET",)))
    secret = settings.slack_signing_secret
    app = App(
        client=web_client(settings),
        signing_secret=secret.get_secret_value() if secret and not socket_mode else None,
        request_verification_enabled=not socket_mode,
        process_before_response=False,
    )
    hirebot = Hirebot(engine=engine, store=store)
    hirebot.outbox = ReplyOutbox(store, web_client(settings, retries=False), hirebot.rendered).start()

    for surface in FIRST:
        surface.register(app)
    desk = reqs.register(app, hirebot, settings)  # before the plain surfaces: its App Home buttons extend theirs

    @app.middleware
    def before_listeners(body, ack, context, next):  # Bolt passes arguments by name
        # One middleware for what hirebot does before any listener (Bolt builds each middleware's arguments
        # anew: ~20 us a middleware a request, on one core).
        # Commands and clicks are acked here: Bolt acks them only once one of its listener threads is free,
        # and under load they all wait for the engine (p99 515 ms at 50 concurrent; 84 ms acked here). Not
        # view submissions: their ack may carry validation errors.
        if body.get("command") or body.get("type") in EARLY_ACK:
            ack()
        # A signed request names a workspace; one that is not the workspace the token belongs to (a shared
        # channel's other side, a second install) is acknowledged and ignored.
        installed = context.authorize_result.team_id if context.authorize_result else None
        if installed and context.team_id and context.team_id != installed and not context.enterprise_id:
            log.info("ignored a %s from team %s (installed: %s)", body.get("type") or "request",
                     printable(context.team_id), installed)
            return BoltResponse(status=200, body="")
        context["hirebot"] = hirebot
        reqs.arrived(desk, hirebot, body, context)
        return next()

    assistant.register(app, hirebot)  # a middleware after ours: it takes DM-thread messages before any listener
    for surface in SURFACES:
        surface.register(app)
    return app


class Redact(logging.Filter):
    """Replaces the given secrets in every log record, its traceback included (belt and braces: slack_sdk
    already redacts tokens)."""

    def __init__(self, secrets: list[str]):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def _hide(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s in message for s in self.secrets):
            record.msg, record.args = self._hide(message), None
        if record.exc_info and not record.exc_text:  # the formatter uses exc_text when it is set
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._hide(record.exc_text)
        return True


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    """Log to stderr, with every configured Slack secret redacted."""
    values = [s.get_secret_value() for s in (settings.slack_bot_token, settings.slack_signing_secret,
                                             settings.slack_app_token) if s]
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(Redact(values))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # Bolt logs a refused signature at INFO with the whole request body; hirebot refuses unsigned requests
    # before Bolt sees them (bot/slack/server.py), and this keeps that line out of the log should one get by.
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)
