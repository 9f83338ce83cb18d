"""Slack's assistant pane through Bolt's `Assistant`: a greeting and the knowledge base's starter questions as
suggested prompts when a thread starts; the first question becomes the thread's title; a status while the answer
is made; answers and the walk-through in the thread, as in a DM. Slack's context for a thread (the channel the
user is looking at) is kept in our store (bot/slack/pane.py).

Bolt routes every user message in a DM thread here, so a plain DM thread is answered here too (without the
pane's title and status, which Slack only allows in assistant threads).
"""

import logging
from collections.abc import Callable

from slack_bolt import App, Assistant, BoltContext, BoltRequest, BoltResponse, SetStatus, SetSuggestedPrompts, SetTitle
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.render import blocks
from bot.slack import pane
from bot.slack.converse import Hirebot, answer_in, thread_id

log = logging.getLogger("hirebot.slack")

EVENTS = ("assistant_thread_started", "assistant_thread_context_changed")  # for the manifest's check
GREETING = ("Hi! I help you scope and hire ML roles: pay, time-to-fill, sourcing, interview loops, and which "
            "role you need. Every figure comes with its source and as-of date. Ask away, or pick one below.")
PROMPTS_TITLE = "Try one of these:"
MAX_PROMPTS = 4  # Slack shows at most four suggested prompts
TITLE_CHARS = 60
STATUS = "is looking that up…"
PEOPLES_SUBTYPES = {None, "file_share"}


class Pane(Assistant):
    """Bolt's `Assistant` (a middleware) that lets by at once the requests none of its listeners can take: it
    tries their matchers on every request (~25 us on one core), and most are `/hire` look-ups, mentions and
    top-level DMs."""

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        if not for_the_pane(req.body):
            return next()
        return super().process(req=req, resp=resp, next=next)


def for_the_pane(body: dict) -> bool:
    """False only for a request Bolt's `Assistant` leaves alone: all it takes are events of an assistant thread
    starting or changing context, and DM messages in a thread or about one (an edit, a deletion)."""
    event = body.get("event")
    if not isinstance(event, dict):
        return False
    kind = event.get("type")
    if kind in ("assistant_thread_started", "assistant_thread_context_changed"):
        return True
    return kind == "message" and event.get("channel_type") == "im" and any(
        event.get(key) is not None for key in ("thread_ts", "message", "previous_message"))


def register(app: App, hirebot: Hirebot) -> None:
    """Add the pane's listeners; Slack's thread contexts are kept in hirebot's store."""
    with hirebot.lock:
        pane.ensure(hirebot.store)
    assistant = Pane(thread_context_store=pane.StoredContexts(hirebot.store, hirebot.lock))
    assistant.thread_started(on_thread_started)
    assistant.user_message(on_user_message)
    app.assistant(assistant)


def on_thread_started(payload: dict, context: BoltContext, client: WebClient,
                      set_suggested_prompts: SetSuggestedPrompts) -> None:
    """Greet, keep Slack's context for the thread, and offer the starter questions."""
    hb: Hirebot = context["hirebot"]
    thread = payload["assistant_thread"]
    channel, thread_ts = thread["channel_id"], thread["thread_ts"]
    with hb.lock:
        pane.opened(hb.store, thread_id(channel, thread_ts), thread.get("context") or {})
    client.chat_postMessage(channel=channel, thread_ts=thread_ts, **blocks.notice(GREETING))
    starters = hb.engine.kb.starters[:MAX_PROMPTS]
    if starters:
        set_suggested_prompts(prompts=[{"title": s.title, "message": s.question} for s in starters],
                              title=PROMPTS_TITLE)


def on_user_message(payload: dict, body: dict, context: BoltContext, client: WebClient, set_status: SetStatus,
                    set_title: SetTitle) -> None:
    """A question in an assistant thread (or a plain DM thread): answered there, like a DM."""
    if payload.get("subtype") not in PEOPLES_SUBTYPES or not payload.get("user"):
        return
    hb: Hirebot = context["hirebot"]
    channel, ts, thread_ts, text = payload["channel"], payload["ts"], payload["thread_ts"], payload.get("text", "")
    if not hb.first_time(f"event:{body.get('event_id', '')}", f"msg:{channel}:{ts}"):
        return
    conversation = thread_id(channel, thread_ts)
    with hb.lock:
        in_pane = pane.context_of(hb.store, conversation) is not None
        titled_now = in_pane and pane.needs_title(hb.store, conversation)
    if titled_now:
        _quietly(set_title, blocks.clip_words(" ".join(text.split()), TITLE_CHARS))
    if in_pane:
        _quietly(set_status, STATUS)  # cleared by Slack when the answer is posted
    answer_in(hb, client, channel, thread_ts, conversation, text, payload["user"])


def _quietly(call, *args) -> None:
    """A pane nicety (title, status) that must not stop the answer when Slack refuses it."""
    try:
        call(*args)
    except SlackApiError as err:
        log.info("assistant pane call refused: %s", err.response.get("error"))
