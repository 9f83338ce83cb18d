"""message events: DMs, and follow-ups (no mention needed) in threads hirebot takes part in.

Ignored: bots (hirebot itself included), edits, deletions and other subtypes (a reply also sent to the channel
and a message with a file are still a person's message), and channel messages outside hirebot's threads.
A mention also arrives as `app_mention`; whichever comes first is answered, once.
"""

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack.converse import answer_in, is_dm, place

PEOPLES_SUBTYPES = {None, "thread_broadcast", "file_share"}


def register(app: App) -> None:
    app.event("message")(on_message)


def on_message(ack: Ack, event: dict, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()
    if event.get("subtype") not in PEOPLES_SUBTYPES or event.get("bot_id") or not event.get("user"):
        return
    if event["user"] == context.bot_user_id:
        return
    hb = context["hirebot"]
    channel, ts, thread_ts = event["channel"], event["ts"], event.get("thread_ts")
    text = event.get("text", "")
    mentioned = bool(context.bot_user_id) and f"<@{context.bot_user_id}>" in text
    dm = event.get("channel_type") == "im" or is_dm(channel)
    if not (dm or mentioned or (thread_ts and hb.in_thread(channel, thread_ts))):
        return
    conversation, reply_ts = place(channel, ts, thread_ts)
    once = (f"event:{body.get('event_id', '')}", f"msg:{channel}:{ts}")
    answer_in(hb, client, channel, reply_ts, conversation, text, event["user"], once)
