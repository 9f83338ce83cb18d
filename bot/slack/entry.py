"""`hirebot run`, `hirebot serve`, `hirebot gaps`: each returns an exit code and prints one clear line on a
missing setting (exit 2) or a broken knowledge base (exit 1), never a traceback or a secret."""

import logging
import sys
import threading

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackClientError

from bot import gaps as gap_log
from bot.engine import Engine, warm
from bot.engine.understand import Understander
from bot.knowledge import KnowledgeBase, KnowledgeBaseError, load
from bot.settings import MissingSetting, Settings
from bot.slack import workers
from bot.slack.app import build_app, configure_logging
from bot.slack.server import make_server, wsgi
from bot.store import Store

log = logging.getLogger("hirebot")
HTTP_NEEDS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")


def _knowledge(settings: Settings) -> KnowledgeBase | None:
    try:
        return load(settings.kb)
    except KnowledgeBaseError as err:
        print("hirebot: the knowledge base is broken; not starting:", file=sys.stderr)
        print("\n".join(err.problems), file=sys.stderr)
        return None


def _required(settings: Settings, needs: tuple[str, ...]) -> bool:
    try:
        settings.require(*needs)
        return True
    except MissingSetting as err:
        print(f"hirebot: {err}", file=sys.stderr)
        return False


def _app(settings: Settings, needs: tuple[str, ...], socket_mode: bool, kb: KnowledgeBase | None = None,
         vocab: Understander | None = None):
    """(app, exit code): the Bolt app, or None and the code to exit with after saying why. `kb` and its
    Understander `vocab`: already built (by the parent of `serve --workers`), else built here."""
    if not _required(settings, needs):
        return None, 2
    kb = kb or _knowledge(settings)
    if kb is None:
        return None, 1
    engine = Engine(kb, Store(settings.db), vocab=vocab)
    warm(kb)
    configure_logging(settings)
    try:
        return build_app(settings, engine, engine.store, socket_mode=socket_mode), 0
    except BoltError:
        print(f"hirebot: Slack refused SLACK_BOT_TOKEN (auth.test at {settings.slack_api_url} failed); "
              "check the token", file=sys.stderr)
        return None, 2
    except (SlackClientError, OSError) as err:  # unreachable: DNS, refused, TLS, timeout
        reason = getattr(err, "reason", None) or err
        print(f"hirebot: cannot reach Slack at {settings.slack_api_url} ({reason}); check SLACK_API_URL and the "
              "network", file=sys.stderr)
        return None, 1


def run(settings: Settings, host: str = "0.0.0.0", port: int | None = None, routes=None) -> int:
    """The Slack app in Socket Mode (SLACK_BOT_TOKEN, SLACK_APP_TOKEN); runs until interrupted. With `port`,
    also serves `GET /healthz` and `routes` (the req webhooks) there, for a container's health check and
    Greenhouse."""
    app, code = _app(settings, ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"), socket_mode=True)
    if app is None:
        return code
    server = None
    if port is not None:
        server = make_server(wsgi(None, None, routes), host, port)
        threading.Thread(target=server.run, name="hirebot-http", daemon=True).start()
        log.info("hirebot: serving http://%s:%s/healthz and the req webhooks", host, server.effective_port)
    handler = SocketModeHandler(app, app_token=settings.slack_app_token.get_secret_value())
    log.info("hirebot: Socket Mode, Web API at %s", settings.slack_api_url)
    try:
        handler.start()
    except KeyboardInterrupt:
        handler.close()
    finally:
        if server is not None:
            server.close()
    return 0


def serve(settings: Settings, host: str = "0.0.0.0", port: int = 3000, routes=None, workers: int = 1,
          pin: bool = True) -> int:
    """The Slack app in HTTP mode (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET) on waitress; runs until interrupted.
    `workers` > 1: that many processes on the one port (bot/slack/workers.py), each kept on a CPU of its own
    unless not `pin`."""
    if workers > 1:
        return _serve_workers(settings, host, port, routes, workers, pin)
    app, code = _app(settings, HTTP_NEEDS, socket_mode=False)
    if app is None:
        return code
    server = make_server(wsgi(app, settings.slack_signing_secret.get_secret_value(), routes), host, port)
    log.info("hirebot: serving http://%s:%s/slack/events and /healthz", host, server.effective_port)
    try:
        server.run()
    except KeyboardInterrupt:
        server.close()
    return 0


def _serve_workers(settings: Settings, host: str, port: int, routes, n: int, pin: bool) -> int:
    """`serve` with `n` worker processes; the knowledge base is loaded (and checked), and read into an
    Understander, once, before they fork."""
    if not _required(settings, HTTP_NEEDS):
        return 2
    kb = _knowledge(settings)
    if kb is None:
        return 1
    vocab = Understander(kb)
    warm(kb)
    configure_logging(settings)
    try:
        sock = workers.listen(host, port)
    except OSError as err:
        print(f"hirebot: cannot listen on {host}:{port} ({err.strerror or err})", file=sys.stderr)
        return 1

    def worker(sock, ready) -> int:
        app, code = _app(settings, HTTP_NEEDS, socket_mode=False, kb=kb, vocab=vocab)
        if app is None:
            return code
        server = make_server(wsgi(app, settings.slack_signing_secret.get_secret_value(), routes), sock=sock)
        ready()
        server.run()
        return 0

    log.info("hirebot: serving http://%s:%s/slack/events and /healthz with %d workers", host, port, n)
    return workers.serve(n, sock, worker, pin)


def gaps(settings: Settings, limit: int = 20) -> int:
    """Print the most frequent knowledge gaps (out-of-scope questions and "Not helpful" answers)."""
    if str(settings.db) != ":memory:" and not settings.db.exists():
        print(f"No knowledge gaps logged yet ({settings.db} does not exist; set HIREBOT_DB to the bot's database).")
        return 0
    print(gap_log.report(Store(settings.db), limit))
    return 0
