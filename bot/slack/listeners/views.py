"""Modal submissions: the "Ask hirebot" modal of App Home; the answer goes to the user's DM."""

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.render import blocks
from bot.slack.converse import answer_in_dm


def register(app: App) -> None:
    app.view(blocks.ASK_VIEW)(on_ask)


def on_ask(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
    question = ((view["state"]["values"].get(blocks.ASK_BLOCK) or {}).get(blocks.ASK_INPUT) or {}).get("value") or ""
    if not question.strip():
        ack(response_action="errors", errors={blocks.ASK_BLOCK: "Type a question first."})
        return
    ack()
    answer_in_dm(context["hirebot"], client, body["user"]["id"], question, f"You asked: {question}")
