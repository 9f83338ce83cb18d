"""App Home's buttons: "Start the role walk-through" and "Ask a question". The tab itself (blocks.home_view with
the knowledge base's starter questions, plus a lead's open req alerts) is published by the reqs listeners on
app_home_opened."""

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.render import blocks
from bot.slack.converse import START_DIAGNOSTIC, answer_in_dm


def register(app: App) -> None:
    app.action(blocks.START_DIAGNOSTIC)(on_start_diagnostic)
    app.action(blocks.OPEN_ASK)(on_open_ask)


def on_start_diagnostic(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()
    answer_in_dm(context["hirebot"], client, body["user"]["id"], START_DIAGNOSTIC,
                 "Role walk-through: answer here, with the buttons or in your own words.")


def on_open_ask(ack: Ack, body: dict, client: WebClient) -> None:
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=blocks.ask_modal())
