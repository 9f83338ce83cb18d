"""Slack's assistant pane over signed HTTP: greeting and suggested prompts, title, status, context kept, answers
and the walk-through in the thread; a plain DM thread still answered."""

import json

import slackbodies as sb
from standin import button, wait_for

PANE, THREAD = "D0ALICE", "1729999327.187299"


def in_pane(text: str, **kw) -> dict:
    return sb.message(text, channel=PANE, channel_type="im", thread_ts=THREAD, **kw)


def test_a_new_assistant_thread_gets_a_greeting_and_the_kbs_starter_questions(slack_app, standin, kb):
    assert slack_app.event(sb.assistant_thread("assistant_thread_started")) == 200
    [prompts] = standin.wait("assistant.threads.setSuggestedPrompts")
    assert prompts.params["channel_id"] == PANE and prompts.params["thread_ts"] == THREAD
    offered = prompts.params["prompts"]
    offered = json.loads(offered) if isinstance(offered, str) else offered
    assert offered == [{"title": s.title, "message": s.question} for s in kb.starters[:4]]
    [greeting] = standin.wait("chat.postMessage")
    assert greeting.params["thread_ts"] == THREAD and "scope and hire ML roles" in greeting.params["text"]


def test_questions_in_the_pane_get_a_title_a_status_and_an_answer_in_the_thread(slack_app, standin):
    slack_app.event(sb.assistant_thread("assistant_thread_started"))
    standin.wait("chat.postMessage")
    slack_app.event(in_pane("comp for senior AS?"))
    answer = standin.wait("chat.postMessage", 2)[-1]
    assert answer.params["thread_ts"] == THREAD and "480,000" in answer.params["text"]
    [title] = standin.wait("assistant.threads.setTitle")
    assert title.params["title"] == "comp for senior AS?"
    [status] = standin.wait("assistant.threads.setStatus")
    assert status.params["status"] and status.params["thread_ts"] == THREAD
    slack_app.event(in_pane("what about MLE?"))  # follow-ups keep the thread's topic; the title stays
    follow = standin.wait("chat.postMessage", 3)[-1]
    assert "320,000" in follow.params["text"]
    standin.wait("assistant.threads.setStatus", 2)
    assert len(standin.of("assistant.threads.setTitle")) == 1


def test_the_walk_through_runs_in_the_pane_with_its_buttons(slack_app, standin):
    slack_app.event(sb.assistant_thread("assistant_thread_started"))
    standin.wait("chat.postMessage")
    slack_app.event(in_pane("MLE or applied scientist?"))
    question = standin.wait("chat.postMessage", 2)[-1]
    shipping = button(question.blocks(), "Shipping production models")
    container = {"type": "message", "message_ts": "1800000002.000100", "channel_id": PANE, "is_ephemeral": False,
                 "thread_ts": THREAD}
    message = {"type": "message", "ts": "1800000002.000100", "thread_ts": THREAD, "blocks": question.blocks()}
    assert slack_app.click(shipping, container, standin.response_url("p"), message) == 200
    following = standin.wait("chat.postMessage", 3)[-1]
    assert following.params["thread_ts"] == THREAD and "research depth" in following.params["text"].lower()
    slack_app.event(in_pane("nope, no need to publish"))
    tier = standin.wait("chat.postMessage", 4)[-1]
    assert "employer" in tier.params["text"].lower()


def test_the_channel_the_user_looks_at_is_kept_in_our_store_not_read_from_slack(slack_app, standin):
    slack_app.event(sb.assistant_thread("assistant_thread_started", looking_at="C0FIRST"))
    standin.wait("chat.postMessage")
    slack_app.event(sb.assistant_thread("assistant_thread_context_changed", looking_at="C0SECOND"))

    def kept():
        rows = slack_app.store.read("select context from slack_assistant_threads")  # its own connection:
        return rows and json.loads(rows[0][0]).get("channel_id") == "C0SECOND"  # the app's is in use meanwhile

    wait_for(kept, what="the changed context")
    assert not standin.of("conversations.replies") and not standin.of("chat.update")


def test_a_plain_dm_thread_is_answered_without_pane_calls(slack_app, standin):
    slack_app.event(sb.message("ttf MLE?", channel="D0BOB", channel_type="im", user="U0BOB", thread_ts="1700.1"))
    [answer] = standin.wait("chat.postMessage")
    assert answer.params["thread_ts"] == "1700.1" and answer.params["text"]
    assert not standin.of("assistant.threads.setStatus") and not standin.of("assistant.threads.setTitle")


def test_a_refused_status_does_not_stop_the_answer(slack_app, standin):
    slack_app.event(sb.assistant_thread("assistant_thread_started"))
    standin.wait("chat.postMessage")
    standin.fail("assistant.threads.setStatus", 200, error="not_allowed")
    standin.fail("assistant.threads.setTitle", 200, error="not_allowed")
    slack_app.event(in_pane("comp for senior AS?"))
    assert "480,000" in standin.wait("chat.postMessage", 2)[-1].params["text"]


def test_the_pane_lets_by_only_requests_bolts_assistant_would_not_take():
    from urllib.parse import parse_qs

    from slack_bolt.request.payload_utils import (
        is_assistant_event,
        is_assistant_thread_context_changed_event,
        is_other_message_sub_event_in_assistant_thread,
    )

    from bot.slack.listeners.assistant import for_the_pane

    def takes(body: dict) -> bool:  # what Bolt's Assistant matches (it lets everything else by)
        return (is_assistant_event(body) or is_assistant_thread_context_changed_event(body)
                or is_other_message_sub_event_in_assistant_thread(body))

    edited = {"type": "message", "subtype": "message_changed", "channel": PANE, "channel_type": "im",
              "message": {"text": "x", "thread_ts": THREAD}, "ts": "1.2"}
    deleted = {**edited, "subtype": "message_deleted", "message": None, "previous_message": {"thread_ts": THREAD}}
    events = [
        sb.assistant_thread("assistant_thread_started"), sb.assistant_thread("assistant_thread_context_changed"),
        in_pane("comp for senior AS?"), in_pane("with a file", subtype="file_share"),
        sb.bot_message("an answer", channel=PANE, thread_ts=THREAD) | {"channel_type": "im"}, edited, deleted,
        sb.message("top-level DM", channel=PANE, channel_type="im"), sb.mention("comp?"),
        sb.message("in a channel thread", thread_ts="1700.1"), {"type": "app_home_opened", "user": "U0ALICE"},
    ]
    bodies = [json.loads(sb.event_callback(e)) for e in events]
    bodies += [{k: v[0] for k, v in parse_qs(sb.slash("comp MLE", "http://x/r")).items()}, {"type": "block_actions"}]
    taken = [takes(b) for b in bodies]
    assert taken.count(True) == 7  # the first seven: the pane's
    assert all(for_the_pane(b) for b, t in zip(bodies, taken, strict=True) if t)
    assert not any(for_the_pane(b) for b in bodies[7:])  # the rest skip its matchers
