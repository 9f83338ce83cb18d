"""Thread etiquette over signed HTTP: in a channel thread hirebot answers what is addressed to it and stays
silent while people talk to each other; DMs and group DMs answer everything."""

import time

import slackbodies as sb
from standin import BOT_USER

CHATTER = [  # (who, what): colleagues talking in hirebot's thread, after Alice's question
    ("U0ALICE", "thanks!"),
    ("U0ALICE", "<@U0BOB> can you set up the loop for Thursday?"),
    ("U0BOB", "sure, booked room 4"),
    ("U0ALICE", "lol ok"),
    ("U0BOB", "fyi the candidate prefers Friday"),
]


def barrier(slack_app, standin, answered: int) -> list:
    """Every chat.postMessage once a DM sent now is answered (the events before it were handled in order on
    one connection each, so a wrongly answered one would show by then), and a moment more."""
    slack_app.event(sb.message("ttf MLE?", channel="D0BARRIER", channel_type="im"))
    standin.wait("chat.postMessage", answered + 1)
    time.sleep(0.3)
    return [c for c in standin.of("chat.postMessage") if c.params["channel"] != "D0BARRIER"]


def gap_count(slack_app) -> int:
    return slack_app.store.read("select count(*) from gaps")[0][0]  # its own connection, not the app's


def test_colleagues_chatter_gets_no_reply_no_gap_and_keeps_the_topic(slack_app, standin):
    root = sb.mention("comp for senior AS?")
    slack_app.event(root)
    standin.wait("chat.postMessage")
    for user, text in CHATTER:
        assert slack_app.event(sb.message(text, user=user, thread_ts=root["ts"])) == 200
    posted = barrier(slack_app, standin, 1)
    assert len(posted) == 1, [c.params["text"][:60] for c in posted]
    assert gap_count(slack_app) == 0
    slack_app.event(sb.message("what about MLE?", thread_ts=root["ts"]))
    follow_up = standin.wait("chat.postMessage", 3)[-1]
    assert follow_up.params["thread_ts"] == root["ts"]
    said = follow_up.params["text"]  # the notification text is the headline
    assert said.startswith("Senior IC production ML engineer") and "320,000" in said


def test_only_the_person_hirebot_talks_with_is_answered_without_a_mention(slack_app, standin):
    root = sb.mention("comp for senior AS?")
    slack_app.event(root)
    standin.wait("chat.postMessage")
    slack_app.event(sb.message("and in Europe?", user="U0BOB", thread_ts=root["ts"]))
    assert len(barrier(slack_app, standin, 1)) == 1  # Bob has not talked to hirebot here
    slack_app.event(sb.mention("what about MLE?", user="U0BOB", thread_ts=root["ts"]))
    bob = standin.wait("chat.postMessage", 3)[-1]
    assert "320,000" in bob.params["text"]
    slack_app.event(sb.message("and in Europe?", user="U0BOB", thread_ts=root["ts"]))
    europe = standin.wait("chat.postMessage", 4)[-1]
    assert europe.params["thread_ts"] == root["ts"] and "Europe" in europe.params["text"]


def test_a_message_to_someone_else_is_not_answered_even_if_it_is_a_hiring_question(slack_app, standin):
    root = sb.mention("comp for senior AS?")
    slack_app.event(root)
    standin.wait("chat.postMessage")
    slack_app.event(sb.message("<@U0BOB> how long does it take to hire an MLE?", thread_ts=root["ts"]))
    slack_app.event(sb.message("<!subteam^S0LEADS> what about MLE?", thread_ts=root["ts"]))
    assert len(barrier(slack_app, standin, 1)) == 1
    slack_app.event(sb.message(f"<@{BOT_USER}> <@U0BOB> what about MLE?", thread_ts=root["ts"]))
    both = standin.wait("chat.postMessage", 3)[-1]  # hirebot is mentioned too: it answers
    assert "320,000" in both.params["text"]


def test_the_walk_through_takes_the_askers_answers_but_not_the_chatter_around_them(slack_app, standin):
    root = sb.mention("MLE or applied scientist?")
    slack_app.event(root)
    [question] = standin.wait("chat.postMessage")
    assert "shipping production models" in question.params["text"].lower()
    slack_app.event(sb.message("haha nice", user="U0BOB", thread_ts=root["ts"]))
    slack_app.event(sb.message("thanks!", thread_ts=root["ts"]))
    assert len(barrier(slack_app, standin, 1)) == 1
    slack_app.event(sb.message("we ship production models", thread_ts=root["ts"]))
    following = standin.wait("chat.postMessage", 3)[-1]
    assert "research depth" in following.params["text"].lower()


def test_dms_and_group_dms_answer_everything_at_the_top_level(slack_app, standin):
    slack_app.event(sb.message("thanks!", channel="D0ALICE", channel_type="im"))
    slack_app.event(sb.message("comp for senior AS?", channel="G0GROUP", channel_type="mpim"))
    posted = standin.wait("chat.postMessage", 2)
    group = next(c for c in posted if c.params["channel"] == "G0GROUP")
    assert "thread_ts" not in group.params and "480,000" in group.params["text"]
    slack_app.event(sb.message("what about MLE?", channel="G0GROUP", channel_type="mpim", user="U0BOB"))
    follow = standin.wait("chat.postMessage", 3)[-1]
    assert follow.params["channel"] == "G0GROUP" and "320,000" in follow.params["text"]


def test_the_thread_people_table_has_its_prune_index_even_when_made_before_it(tmp_path):
    """The once-a-minute prune looks rows up by `at`; a database made before the index gains it at start-up."""
    from bot.slack import etiquette
    from bot.store import Store

    store = Store(str(tmp_path / "hirebot.db"))
    store.db[etiquette.TABLE].create({"conversation": str, "user": str, "at": float}, pk=("conversation", "user"))
    etiquette.ensure(store)
    etiquette.ensure(store)  # idempotent, as every worker calls it
    assert ["at"] in [i.columns for i in store.db[etiquette.TABLE].indexes]
