"""The role walk-through in a Slack thread, once by button clicks and once by typed answers."""

import slackbodies as sb
from standin import BOT_USER, button

ANSWERS = ["Shipping production models", "No, proven techniques are enough", "Early-stage startup"]


def test_walk_through_by_button_clicks(slack_app, standin):
    root = sb.mention("MLE or applied scientist?")
    slack_app.event(root)
    reply = standin.wait("chat.postMessage")[-1]
    for n, label in enumerate(ANSWERS, 2):
        assert reply.params["thread_ts"] == root["ts"]
        clicked = button(reply.blocks(), label)
        assert clicked["value"].startswith("diag/")
        message = {"type": "message", "user": BOT_USER, "ts": f"18000000{n}.000100", "thread_ts": root["ts"],
                   "text": reply.params["text"], "blocks": reply.blocks()}
        container = {"type": "message", "message_ts": message["ts"], "channel_id": "C0CHAN", "is_ephemeral": False,
                     "thread_ts": root["ts"]}
        assert slack_app.click(clicked, container, standin.response_url(f"w{n}"), message) == 200
        reply = standin.wait("chat.postMessage", n)[-1]
    assert reply.params["thread_ts"] == root["ts"]
    assert reply.params["text"].startswith("Hire an ML engineer")
    assert "Sources: 000_addf858d7c04a9b8.txt" in str(reply.blocks())


def test_walk_through_by_typed_answers_in_the_thread(slack_app, standin):
    root = sb.mention("MLE or applied scientist?")
    slack_app.event(root)
    standin.wait("chat.postMessage")
    typed = ["we ship production models", "no, proven techniques are enough", "we are a series A startup"]
    for n, text in enumerate(typed, 2):
        slack_app.event(sb.message(text, thread_ts=root["ts"]))  # no mention: hirebot is in the thread
        standin.wait("chat.postMessage", n)
    reply = standin.of("chat.postMessage")[-1]
    assert reply.params["thread_ts"] == root["ts"]
    assert reply.params["text"].startswith("Hire an ML engineer")
