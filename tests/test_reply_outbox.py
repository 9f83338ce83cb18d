"""Replies are delivered, once, through a Slack outage (bot/slack/replies.py): queued with the rest of their
message, posted when Slack is back (Retry-After honoured), across a restart, never doubled, given up in the end."""

import logging
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from served import Served, StandIn, sb
from slack_sdk import WebClient
from standin import wait_for

import bot.store as store_module
from bot.slack.replies import SENDING, TABLE, ReplyOutbox, ensure
from bot.store import Store


def replies_in(standin: StandIn, channel: str) -> list:
    return [c for c in standin.of("chat.postMessage") if c.params.get("channel") == channel]


def test_sixty_dms_through_429s_then_500s_get_sixty_replies_none_doubled(tmp_path, standin):
    server = Served(tmp_path / "hirebot.db", standin.url).start()
    try:
        standin.fail("chat.postMessage", 429, times=60, retry_after=0.05)  # Slack's 1 s, scaled down
        standin.fail("chat.postMessage", 500, times=60)
        channels = [f"D0OUT{i:02d}" for i in range(60)]
        for channel in channels:
            assert server.event(sb.message("ttf MLE?", channel=channel, channel_type="im")) == 200
        wait_for(lambda: all(replies_in(standin, c) for c in channels), timeout=60, what="60 replies")
        time.sleep(1)  # a doubled reply would come now
        assert [len(replies_in(standin, c)) for c in channels] == [1] * 60
        failed = [c.status for c in standin.of("chat.postMessage", ok_only=False) if c.status != 200]
        assert sorted(failed) == [429] * 60 + [500] * 60
        assert all(c.params["metadata"]["event_type"] == "hirebot_reply" for c in standin.of("chat.postMessage"))
    finally:
        server.stop()


def test_replies_posted_at_once_are_recorded_as_sent_with_their_slack_ts(tmp_path, standin):
    # "sent" is committed after the post without the listener waiting for it (with the next batch of writes):
    # under 8 concurrent senders every reply must still end up recorded, with the ts Slack gave it.
    server = Served(tmp_path / "hirebot.db", standin.url).start()
    channels = [f"D0SENT{i:02d}" for i in range(40)]
    try:
        with ThreadPoolExecutor(8) as pool:
            acks = list(pool.map(lambda c: server.event(sb.message("ttf MLE?", channel=c, channel_type="im")),
                                 channels))
        assert acks == [200] * len(channels)
        wait_for(lambda: all(replies_in(standin, c) for c in channels), timeout=30, what="40 replies")
        posted = {c.params["metadata"]["event_payload"]["key"]: c.ts for c in standin.of("chat.postMessage")}

        def all_sent() -> list | None:
            with sqlite3.connect(tmp_path / "hirebot.db") as db:
                rows = db.execute(f"select key, status, ts from {TABLE}").fetchall()
            return rows if len(rows) == len(channels) and {r[1] for r in rows} == {"sent"} else None

        rows = wait_for(all_sent, timeout=10, what="every reply recorded as sent")
        assert {key: ts for key, _, ts in rows} == posted
    finally:
        server.stop()


def test_a_reply_waiting_for_slack_is_posted_after_a_restart(tmp_path, standin):
    first = Served(tmp_path / "hirebot.db", standin.url).start()
    standin.fail("chat.postMessage", 500, times=1000)
    assert first.event(sb.message("comp for senior AS?", channel="D0RESTART", channel_type="im")) == 200
    wait_for(lambda: standin.of("chat.postMessage", ok_only=False), what="a first, failed attempt")
    first.kill()  # SIGKILL: the reply is only in the outbox now
    standin.faults.clear()
    again = Served(tmp_path / "hirebot.db", standin.url).start()
    try:
        [reply] = wait_for(lambda: replies_in(standin, "D0RESTART"), timeout=30, what="the reply after the restart")
        assert "480,000" in reply.params["text"]
        time.sleep(1)
        assert len(replies_in(standin, "D0RESTART")) == 1
    finally:
        again.stop()


@pytest.fixture
def outbox(tmp_path, standin):
    store = Store(tmp_path / "hirebot.db")
    ensure(store)
    client = WebClient(token="xoxb-test", base_url=standin.url, retry_handlers=[])
    box = ReplyOutbox(store, client, lambda key: {"text": f"answer {key}"}, base_delay=0.01, give_up_after=0.5)
    return box


def queued(box: ReplyOutbox, key: str, channel: str, owner: str | None = None, status: str = "pending") -> None:
    box.store.transact(lambda conn: conn.execute(
        f"insert into {TABLE} (key, channel, thread_ts, status, attempts, next_attempt, created, owner) "
        "values (?, ?, null, ?, 0, 0, ?, ?)", [key, channel, status, time.time(), owner]))


def status(box: ReplyOutbox, key: str) -> tuple:
    return box.store.read(f"select status, last_error from {TABLE} where key = ?", [key])[0]


def test_a_reply_posted_just_before_its_sender_died_is_found_and_not_posted_again(outbox, standin):
    outbox.client.chat_postMessage(channel="D0CRASH", text="answer k1",
                                   metadata={"event_type": "hirebot_reply", "event_payload": {"key": "k1"}})
    queued(outbox, "k1", "D0CRASH", owner="somehost:999999", status=SENDING)  # claimed, posted, never recorded
    queued(outbox, "k2", "D0CRASH2", owner="somehost:999999", status=SENDING)  # claimed, never posted
    assert outbox.deliver_due() == 2
    assert len(replies_in(standin, "D0CRASH")) == 1 and len(replies_in(standin, "D0CRASH2")) == 1
    assert status(outbox, "k1")[0] == status(outbox, "k2")[0] == "sent"


def test_slack_refusing_a_reply_ends_its_retries_and_says_why(outbox, standin, caplog):
    standin.fail("chat.postMessage", 200, error="channel_not_found")
    queued(outbox, "k3", "C0GONE")
    with caplog.at_level(logging.ERROR, logger="hirebot.replies"):
        assert outbox.deliver_due() == 0
    assert status(outbox, "k3") == ("failed", "channel_not_found")
    assert "channel_not_found" in caplog.text and "not retried" in caplog.text
    outbox.deliver_due()
    assert len(standin.of("chat.postMessage", ok_only=False)) == 1


def test_a_reply_slack_never_takes_is_given_up_logged_and_counted(outbox, standin, caplog):
    standin.fail("chat.postMessage", 500, times=1000)
    queued(outbox, "k4", "D0DOWN")
    with caplog.at_level(logging.WARNING, logger="hirebot.replies"):
        deadline = time.monotonic() + 10
        while status(outbox, "k4")[0] != "failed" and time.monotonic() < deadline:
            outbox.deliver_due()
            time.sleep(0.05)
    assert status(outbox, "k4")[0] == "failed" and outbox.given_up == 1
    assert "given up after" in caplog.text and "1 given up since start" in caplog.text


def test_retry_after_pauses_every_reply_and_order_is_kept_in_a_conversation(outbox, standin):
    standin.fail("chat.postMessage", 429, retry_after=1)
    queued(outbox, "k5", "D0ORDER")
    time.sleep(0.01)
    queued(outbox, "k6", "D0ORDER")
    assert outbox.deliver_due() == 0  # the 429: k6 waits behind k5, and both wait for Retry-After
    assert outbox.deliver_due() == 0 and len(standin.of("chat.postMessage", ok_only=False)) == 1
    time.sleep(1.05)
    assert outbox.deliver_due() == 2
    assert [c.params["text"] for c in replies_in(standin, "D0ORDER")] == ["answer k5", "answer k6"]


def test_replies_delivered_or_failed_a_week_ago_are_forgotten(outbox, monkeypatch):
    monkeypatch.setattr(store_module, "_pruned", {})  # the next unit prunes (at most once a minute)
    queued(outbox, "old-sent", "D0OLD", status="sent")
    queued(outbox, "old-wait", "D0OLD2")
    outbox.store.transact(lambda conn: conn.execute(f"update {TABLE} set created = created - 8 * 24 * 3600"))
    outbox.store.transact(lambda conn: outbox.queue_in(conn, "new", "D0NEW", None))
    kept = {key for (key,) in outbox.store.read(f"select key from {TABLE}")}
    assert kept == {"old-wait", "new"}  # one still waiting is never dropped unsent
