"""End to end over real HTTP: the Bolt app under waitress, signed Slack requests, a recording Web API stand-in."""

import json
import time

import slackbodies as sb
from standin import BOT_USER, button, buttons, text_of


def after_a_barrier(slack_app, standin, answered: int) -> list:
    """Every chat.postMessage once a DM sent now (the barrier, after `answered` replies) is answered, and a
    moment more: events sent before it and wrongly answered would show up by then."""
    slack_app.event(sb.message("ttf MLE?", channel="D0ALICE", channel_type="im"))
    standin.wait("chat.postMessage", answered + 1)
    time.sleep(0.2)
    return standin.of("chat.postMessage")


def test_url_verification_answers_the_challenge(slack_app):
    status, body = slack_app.post(sb.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"))
    assert status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in body


def test_mention_gets_a_threaded_reply_with_blocks_sources_and_feedback(slack_app, standin):
    event = sb.mention("comp for senior AS?")
    assert slack_app.event(event) == 200
    [reply] = standin.wait("chat.postMessage")
    assert reply.params["channel"] == "C0CHAN"
    assert reply.params["thread_ts"] == event["ts"]
    assert "480,000" in reply.params["text"]
    blocks = reply.blocks()
    assert 'Sources: DataDriven Partners Editorial (DataDriven.io), "ML engineer vs applied scientist in 2026" ' \
           "(as of 2026-05)" in text_of(blocks)  # the source by publisher and title, not by file name
    assert text_of(blocks).startswith("*Senior IC applied scientist median total comp")  # the headline first
    assert reply.params["text"].startswith("Senior IC applied scientist median")  # ...and as the notification
    assert {"Helpful", "Not helpful"} <= {e["text"]["text"] for e in buttons(blocks)}
    assert reply.headers["authorization"] == "Bearer xoxb-0000-test-bot-token"


def test_thread_follow_up_without_mention_keeps_context(slack_app, standin):
    root = sb.mention("comp for senior AS?")
    slack_app.event(root)
    standin.wait("chat.postMessage")
    slack_app.event(sb.message("what about MLE?", thread_ts=root["ts"]))
    _, follow_up = standin.wait("chat.postMessage", 2)
    assert follow_up.params["thread_ts"] == root["ts"]
    assert "320,000" in follow_up.params["text"]


def test_thread_reply_also_sent_to_the_channel_is_a_follow_up(slack_app, standin):
    root = sb.mention("comp for senior AS?")
    slack_app.event(root)
    standin.wait("chat.postMessage")
    slack_app.event(sb.message("what about MLE?", thread_ts=root["ts"], subtype="thread_broadcast"))
    _, follow_up = standin.wait("chat.postMessage", 2)
    assert follow_up.params["thread_ts"] == root["ts"] and "320,000" in follow_up.params["text"]


def test_dm_is_answered_in_the_dm(slack_app, standin):
    slack_app.event(sb.message("how long does it take to hire an MLE?", channel="D0ALICE", channel_type="im"))
    [reply] = standin.wait("chat.postMessage")
    assert reply.params["channel"] == "D0ALICE"
    assert "thread_ts" not in reply.params
    assert reply.params["text"]


def test_long_answer_is_collapsed_behind_more_which_expands_it(slack_app, standin):
    event = sb.mention("comp for senior AS?")
    slack_app.event(event)
    [reply] = standin.wait("chat.postMessage")
    short = reply.blocks()
    more = button(short, "More")
    message = {"type": "message", "user": BOT_USER, "ts": "1800000001.000100", "thread_ts": event["ts"],
               "blocks": short, "text": reply.params["text"]}
    container = {"type": "message", "message_ts": "1800000001.000100", "channel_id": "C0CHAN",
                 "is_ephemeral": False, "thread_ts": event["ts"]}
    assert slack_app.click(more, container, standin.response_url("more"), message) == 200
    [expanded] = standin.wait("response_url")
    assert expanded.params["replace_original"] is True
    assert len(text_of(expanded.blocks())) > len(text_of(short))
    assert not [e for e in buttons(expanded.blocks()) if e["action_id"] == more["action_id"]]


def test_channel_message_in_a_thread_hirebot_is_not_part_of_is_ignored(slack_app, standin):
    slack_app.event(sb.message("what about MLE?", thread_ts=sb.new_ts()))
    slack_app.event(sb.message("plain chatter at the top level"))
    assert [c.params["channel"] for c in after_a_barrier(slack_app, standin, 0)] == ["D0ALICE"]


def test_own_and_other_bots_messages_edits_and_deletions_are_ignored(slack_app, standin):
    root = sb.mention("comp for senior AS?")
    slack_app.event(root)
    standin.wait("chat.postMessage")
    slack_app.event(sb.bot_message("Pay: senior applied scientist", thread_ts=root["ts"]))
    slack_app.event(sb.message("what about MLE?", thread_ts=root["ts"], user="U0OTHERBOT", bot_id="B0OTHER",
                               subtype="bot_message"))
    slack_app.event(sb.message("", thread_ts=root["ts"], subtype="message_changed",
                               message={"type": "message", "text": "what about RE?", "user": "U0ALICE"}))
    slack_app.event(sb.message("", thread_ts=root["ts"], subtype="message_deleted"))
    assert [c.params["channel"] for c in after_a_barrier(slack_app, standin, 1)] == ["C0CHAN", "D0ALICE"]


def test_mention_delivered_as_app_mention_and_message_is_answered_once(slack_app, standin):
    event = sb.mention("ttf for an applied scientist?")
    as_message = sb.message(event["text"], ts=event["ts"])
    slack_app.event(event)
    slack_app.event(as_message)
    standin.wait("chat.postMessage")
    assert len(after_a_barrier(slack_app, standin, 1)) == 2


def test_retried_event_is_answered_once(slack_app, standin):
    event = sb.mention("where do I find research engineers?")
    for retry in (None, 1, 2):
        assert slack_app.event(event, event_id="Ev0RETRY1", retry=retry) == 200
    standin.wait("chat.postMessage")
    assert len(after_a_barrier(slack_app, standin, 1)) == 2


def test_forged_signature_gets_401_and_no_reply(slack_app, standin):
    status, _ = slack_app.post(sb.event_callback(sb.mention("comp for senior AS?")), secret="not-the-secret")
    assert status == 401
    status, _ = slack_app.post(sb.event_callback(sb.mention("comp for senior AS?")), signed=False)
    assert status == 401
    assert standin.of("chat.postMessage") == []


def test_stale_timestamp_gets_401(slack_app, standin):
    status, _ = slack_app.post(sb.event_callback(sb.mention("comp for senior AS?")),
                               timestamp=int(time.time()) - 6 * 60)
    assert status == 401
    assert standin.of("chat.postMessage") == []


def test_channel_ping_in_the_question_is_escaped_in_the_reply(slack_app, standin):
    slack_app.event(sb.mention("<!channel> & <!here> what is the weather in <@U0BOSS>? <https://x.io|click>"))
    [reply] = standin.wait("chat.postMessage")
    everything = json.dumps(reply.params)
    assert "<!channel>" not in everything and "<!here>" not in everything and "<@U0BOSS>" not in everything


def test_echoed_user_text_is_escaped(slack_app, standin):
    event = sb.mention("x")
    event["text"] = f"<@{BOT_USER}> what is a <!channel> & <b>"
    slack_app.event(event)
    [reply] = standin.wait("chat.postMessage")
    assert "<!channel>" not in json.dumps(reply.params)


def test_rate_limited_and_failing_web_api_calls_are_retried(slack_app, standin):
    standin.fail("chat.postMessage", 429, retry_after=1)
    standin.fail("chat.postMessage", 500)
    slack_app.event(sb.message("ttf MLE?", channel="D0ALICE", channel_type="im"))
    [reply] = standin.wait("chat.postMessage", timeout=15)
    assert reply.params["channel"] == "D0ALICE"
    assert [c.status for c in standin.of("chat.postMessage", ok_only=False)] == [429, 500, 200]


def test_slash_lookup_replies_ephemerally_with_share_and_share_posts_in_channel(slack_app, standin):
    assert slack_app.command("comp senior AS", standin.response_url("cmd")) == 200
    [reply] = standin.wait("response_url")
    assert reply.params["response_type"] == "ephemeral"
    assert "480,000" in reply.params["text"]
    share = button(reply.blocks(), "Share in channel")
    container = {"type": "message", "message_ts": "1800000009.000100", "channel_id": "C0CHAN", "is_ephemeral": True}
    slack_app.click(share, container, standin.response_url("share"), user="U0BOB")
    calls = standin.wait("response_url", 3)
    shared = next(c for c in calls if c.params.get("response_type") == "in_channel")
    assert "480,000" in shared.params["text"]
    assert "Shared by <@U0BOB>" in text_of(shared.blocks())
    assert any(c.params.get("delete_original") for c in calls)


def test_slash_verbs_map_to_questions(slack_app, standin):
    for n, (text, expected) in enumerate([("ttf MLE", "day"), ("channels AS", "arxiv"),
                                          ("loop AS", "loop"), ("compare RE AS", "research engineer"),
                                          ("help", "hire")], 1):
        slack_app.command(text, standin.response_url(f"v{n}"))
        reply = standin.wait("response_url", n)[-1]
        assert expected in reply.params["text"].lower(), (text, reply.params["text"][:300])


def test_slash_diagnose_starts_the_walk_through_in_a_thread(slack_app, standin):
    slack_app.command("diagnose", standin.response_url("d"))
    root, first = standin.wait("chat.postMessage", 2)
    assert root.params["channel"] == "C0CHAN" and "thread_ts" not in root.params
    assert first.params["thread_ts"]
    assert button(first.blocks(), "Shipping production models")


def test_helpful_and_not_helpful_buttons_log_gaps(slack_app, standin):
    from bot import gaps

    slack_app.event(sb.message("what's the best pizza in Naples?", channel="D0ALICE", channel_type="im"))
    standin.wait("chat.postMessage")
    slack_app.event(sb.message("ttf MLE?", channel="D0ALICE", channel_type="im"))
    _, ttf = standin.wait("chat.postMessage", 2)
    container = {"type": "message", "message_ts": "1800000002.000100", "channel_id": "D0ALICE", "is_ephemeral": False}
    slack_app.click(button(ttf.blocks(), "Not helpful"), container, standin.response_url("f1"))
    slack_app.click(button(ttf.blocks(), "Helpful"), container, standin.response_url("f2"))
    standin.wait("response_url", 2)
    rows = gaps.frequent(slack_app.store)
    assert {r["reasons"] for r in rows} == {"out_of_scope", "not_helpful"}
    assert {r["text"] for r in rows} == {"what's the best pizza in Naples?", "ttf MLE?"}
    raw = list(slack_app.store.db.query("select user_hash from gaps"))
    assert all(r["user_hash"] and "U0ALICE" not in r["user_hash"] for r in raw)


def test_app_home_shows_examples_and_buttons_answer_in_the_dm(slack_app, standin):
    slack_app.event({"type": "app_home_opened", "user": "U0ALICE", "channel": "D0ALICE", "tab": "home",
                     "event_ts": sb.new_ts()})
    [published] = standin.wait("views.publish")
    view = json.loads(published.params["view"]) if isinstance(published.params["view"], str) \
        else published.params["view"]
    assert published.params["user_id"] == "U0ALICE"
    example = button(view["blocks"], "Pay for a senior applied scientist")
    start = button(view["blocks"], "Start the role walk-through")
    container = {"type": "view", "view_id": "V0HOME"}
    slack_app.click(example, container, standin.response_url("h1"))
    intro, answer = standin.wait("chat.postMessage", 2)
    assert intro.params["channel"] == "U0ALICE" and answer.params["channel"] == "D0ALICE"
    assert "480,000" in answer.params["text"]
    slack_app.click(start, container, standin.response_url("h2"))
    walk = standin.wait("chat.postMessage", 4)[-1]
    assert button(walk.blocks(), "Shipping production models")


def test_ask_modal_opens_and_its_submission_is_answered_in_the_dm(slack_app, standin):
    from bot.render import blocks as bk

    slack_app.click(button(bk.home_view([])["blocks"], "Ask a question"), {"type": "view", "view_id": "V0HOME"},
                    standin.response_url("o"))
    [opened] = standin.wait("views.open")
    view = json.loads(opened.params["view"]) if isinstance(opened.params["view"], str) else opened.params["view"]
    assert view["callback_id"] == bk.ASK_VIEW
    values = {bk.ASK_BLOCK: {bk.ASK_INPUT: {"type": "plain_text_input", "value": "ttf for a research scientist?"}}}
    status, body = slack_app.post(sb.view_submission(bk.ASK_VIEW, values), form=True)
    assert status == 200
    _, answer = standin.wait("chat.postMessage", 2)
    assert answer.params["channel"] == "D0ALICE"
    empty = {bk.ASK_BLOCK: {bk.ASK_INPUT: {"type": "plain_text_input", "value": "  "}}}
    status, body = slack_app.post(sb.view_submission(bk.ASK_VIEW, empty), form=True)
    assert status == 200 and json.loads(body)["response_action"] == "errors"


def test_check_req_shortcut_reviews_the_message_ephemerally(slack_app, standin):
    req = ("Senior Research Scientist. You will ship and maintain our fraud model in production, own the "
           "serving pipeline and on-call, and improve latency. PhD required. Series A startup.")
    status, _ = slack_app.post(sb.message_shortcut("check_req", req, standin.response_url("s")), form=True)
    assert status == 200
    [reply] = standin.wait("response_url")
    assert reply.params["response_type"] == "ephemeral"
    assert reply.params["text"]


def test_healthz_and_unknown_paths(slack_app):
    import urllib.request

    with urllib.request.urlopen(slack_app.url + "/healthz", timeout=5) as response:
        assert response.status == 200 and json.loads(response.read()) == {"ok": True}
    status, _ = slack_app.post("{}", path="/nope")
    assert status == 404


def test_dm_top_level_follow_up_keeps_context(slack_app, standin):
    slack_app.event(sb.message("comp for senior AS?", channel="D0ALICE", channel_type="im"))
    standin.wait("chat.postMessage")
    slack_app.event(sb.message("what about MLE?", channel="D0ALICE", channel_type="im"))
    _, follow_up = standin.wait("chat.postMessage", 2)
    assert "320,000" in follow_up.params["text"]
    assert not [c for c in standin.calls if c.method.startswith("conversations.")]  # context is ours, not Slack's


def test_slash_diagnose_where_hirebot_is_not_a_member_starts_in_the_dm(slack_app, standin):
    standin.fail("chat.postMessage", 200, error="not_in_channel")
    slack_app.command("diagnose", standin.response_url("nd"), channel="C0ELSEWHERE")
    intro, first = standin.wait("chat.postMessage", 2)
    assert intro.params["channel"] == "U0BOB" and first.params["channel"] == "D0BOB"
    assert button(first.blocks(), "Shipping production models")
    [notice] = standin.wait("response_url")
    assert "not in this channel" in notice.params["text"]
