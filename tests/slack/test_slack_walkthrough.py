"""The role walk-through in a Slack thread, once by button clicks and once by typed answers."""

import json
from urllib.parse import parse_qs, urlencode

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
    assert 'Sources: DataDriven Partners Editorial (DataDriven.io), "ML engineer' in str(reply.blocks())
    assert button(reply.blocks(), "The hiring plan (7 more)")["action_id"] == "hb_more"  # the plan: a button


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


def _as_submitted(view: dict) -> dict:
    """view.state.values as Slack sends them when the form is submitted as it was opened."""
    values = {}
    for block in view["blocks"]:
        element = block.get("element") or {}
        if element.get("initial_value"):
            values[block["block_id"]] = {element["action_id"]: {"type": element["type"],
                                                                 "value": element["initial_value"]}}
        elif element.get("initial_option"):
            values[block["block_id"]] = {element["action_id"]: {"type": element["type"],
                                                                 "selected_option": element["initial_option"]}}
    return values


def test_open_a_req_opens_the_req_form_filled_in_from_the_walk_through(slack_app, standin):
    told = "we're a Series B, we need a senior person to ship and monitor our fraud model - AS or MLE?"
    root = sb.mention(told)
    slack_app.event(root)
    done = standin.wait("chat.postMessage")[-1]
    assert done.params["text"].startswith("Hire an ML engineer")
    container = {"type": "message", "message_ts": "1800000009.000100", "channel_id": "C0CHAN", "is_ephemeral": False,
                 "thread_ts": root["ts"]}
    message = {"type": "message", "ts": container["message_ts"], "thread_ts": root["ts"], "blocks": done.blocks()}
    assert slack_app.click(button(done.blocks(), "Open a req"), container, standin.response_url("q"), message) == 200
    [opened] = standin.wait("views.open")
    view = json.loads(opened.params["view"]) if isinstance(opened.params["view"], str) else opened.params["view"]
    fields = {k: next(iter(v.values())) for k, v in _as_submitted(view).items()}
    assert fields["title"]["value"] == "Senior ML engineer"
    assert fields["level"]["selected_option"]["value"] == "senior"
    assert fields["employer_tier"]["selected_option"]["value"] == "series_a_b"
    assert told in fields["description"]["value"]
    assert json.loads(view["private_metadata"])["channel"] == "C0CHAN"
    assert len(standin.of("chat.postMessage")) == 1  # the button opened the form; it asked the engine nothing
    body = json.loads(parse_qs(sb.view_submission(view["callback_id"], _as_submitted(view)))["payload"][0])
    body["view"]["private_metadata"] = view["private_metadata"]
    status, _ = slack_app.post(urlencode({"payload": json.dumps(body)}), form=True)
    assert status == 200
    [shown] = standin.wait("chat.postEphemeral")  # the normal check, shown to the submitter
    assert shown.params["user"] == "U0ALICE" and "Senior ML engineer" in shown.params["text"]
    assert "role_mismatch" not in shown.params["text"]
