"""app_mention: answer in a thread under the mention (or in the thread it was made in)."""

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack.converse import answer_in, place


def register(app: App) -> None:
    app.event("app_mention")(on_mention)


def on_mention(ack: Ack, event: dict, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()
    if event.get("bot_id") or event.get("subtype"):
        return
    hb = context["hirebot"]
    channel, ts = event["channel"], event["ts"]
    conversation, thread_ts = place(channel, ts, event.get("thread_ts"))
    once = (f"event:{body.get('event_id', '')}", f"msg:{channel}:{ts}")
    answer_in(hb, client, channel, thread_ts, conversation, event.get("text", ""), event.get("user"), once)
