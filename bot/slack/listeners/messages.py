"""message events: DMs and group DMs (every message), and channel threads hirebot takes part in.

In a channel thread a message without a mention is answered only if it is for hirebot (bot/slack/etiquette.py,
bot/engine/overheard.py): people talking to each other get no reply. Ignored: bots (hirebot itself included),
edits, deletions and other subtypes (a reply also sent to the channel and a message with a file are still a
person's message), and channel messages outside hirebot's threads. A mention also arrives as `app_mention`;
whichever comes first is answered, once. Messages in an assistant-pane thread go to listeners/assistant.py.
"""

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack import etiquette
from bot.slack.converse import answer_in, place

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
    channel, ts, thread_ts, user = event["channel"], event["ts"], event.get("thread_ts"), event["user"]
    text = event.get("text", "")
    private = etiquette.is_private_chat(channel, event.get("channel_type"))
    addressed = private or etiquette.mentions_me(text, context.bot_user_id)
    if not (addressed or (thread_ts and hb.may_overhear(channel, thread_ts, user, text, context.bot_user_id))):
        return
    conversation, reply_ts = place(channel, ts, thread_ts, private)
    once = (f"event:{body.get('event_id', '')}", f"msg:{channel}:{ts}")
    answer_in(hb, client, channel, reply_ts, conversation, text, user, once, overheard=not addressed)
