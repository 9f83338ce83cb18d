"""The message shortcut "Check this req": the message's text goes to the engine as a req to review.

The answer is ephemeral with "Share in channel". The reqs module may replace `on_check_req` with a fuller one.
"""

from slack_bolt import Ack, App, BoltContext, Respond

CHECK_REQ = "check_req"


def register(app: App) -> None:
    app.shortcut(CHECK_REQ)(on_check_req)


def on_check_req(ack: Ack, shortcut: dict, context: BoltContext, respond: Respond) -> None:
    ack()
    hb = context["hirebot"]
    user, channel = shortcut["user"]["id"], shortcut["channel"]["id"]
    text = "Check this req:\n" + shortcut.get("message", {}).get("text", "")
    answer = hb.ask(f"{channel}:cmd:{user}", text, user)
    respond(response_type="ephemeral", **hb.message(answer, text, share=True))
