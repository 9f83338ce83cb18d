"""Faults, with `hirebot serve` as a real process: kill -9 mid walk-through, a rate-limited and failing Web API,
two processes on one database, and a disk that stops taking writes."""

import resource
import sqlite3
import threading
import time

import pytest
from served import Served, StandIn, sb
from standin import wait_for

from bot.store import Store


@pytest.fixture
def serve(tmp_path, standin):
    """`serve(n)` starts n `hirebot serve` processes side by side on tmp_path/hirebot.db (all stopped at
    the end) and returns the first, or all of them when n > 1."""
    started: list[Served] = []

    def start(n: int = 1) -> Served | list[Served]:
        fresh = [Served(tmp_path / "hirebot.db", standin.url).launch() for _ in range(n)]
        started.extend(fresh)
        for server in fresh:
            server.ready()
        return fresh[0] if n == 1 else fresh

    yield start
    for server in started:
        server.stop()


def in_thread(standin: StandIn, channel: str, thread_ts: str) -> list:
    return [c for c in standin.of("chat.postMessage")
            if c.params.get("channel") == channel and c.params.get("thread_ts") == thread_ts]


def integrity(db) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def test_killed_mid_walk_through_the_restarted_server_continues_the_thread(serve, standin, tmp_path):
    first = serve()
    root = sb.mention("which role should I hire?")
    assert first.event(root) == 200
    [question] = wait_for(lambda: in_thread(standin, "C0CHAN", root["ts"]), what="first question")
    assert first.event(sb.message("shipping production models", thread_ts=root["ts"])) == 200
    second = wait_for(lambda: in_thread(standin, "C0CHAN", root["ts"])[1:], what="second question")[0]
    assert second.params["text"] != question.params["text"]
    first.kill()  # SIGKILL: no clean shutdown, the WAL is left as it was
    assert integrity(tmp_path / "hirebot.db") == "ok"

    again = serve()
    assert again.event(sb.message("no", thread_ts=root["ts"])) == 200
    third = wait_for(lambda: in_thread(standin, "C0CHAN", root["ts"])[2:], what="third reply")[0]
    assert third.params["text"] not in (question.params["text"], second.params["text"])
    walk = Store(tmp_path / "hirebot.db").load_thread(f"C0CHAN:{root['ts']}")["diagnostic"]
    assert walk["answers"]["deliverable"] == "shipping"  # the answer given before the kill is still there
    assert len(walk["asked"]) >= 2


def test_web_api_429_then_500_then_ok_delivers_each_message_once(serve, standin):
    server = serve()
    standin.fail("chat.postMessage", 429, retry_after=1)
    standin.fail("chat.postMessage", 500)
    roots = [sb.mention(q, channel=f"C0FAULT{i}") for i, q in enumerate(["ttf MLE?", "comp for senior AS?"])]
    for root in roots:
        assert server.event(root) == 200
    standin.wait("chat.postMessage", len(roots), timeout=20)
    time.sleep(0.5)  # a duplicate from a late retry would arrive now
    for root in roots:
        assert len(in_thread(standin, root["channel"], root["ts"])) == 1
    statuses = [c.status for c in standin.of("chat.postMessage", ok_only=False)]
    assert sorted(statuses) == [200, 200, 429, 500]


def test_two_processes_on_one_database_answer_a_retried_event_once(serve, standin):
    one, two = serve(2)
    roots = [sb.mention("where do I find research engineers?", channel=f"C0TWO{i}") for i in range(8)]
    for i, root in enumerate(roots):  # Slack's retry lands on the other process at the same moment
        sends = [threading.Thread(target=one.event, args=(root, f"EvTWO{i}")),
                 threading.Thread(target=two.event, args=(root, f"EvTWO{i}", 1))]
        for send in sends:
            send.start()
        for send in sends:
            send.join()
    standin.wait("chat.postMessage", len(roots), timeout=20)
    time.sleep(0.5)
    assert [len(in_thread(standin, r["channel"], r["ts"])) for r in roots] == [1] * len(roots)


def test_full_disk_requests_are_acked_with_a_clear_error_and_nothing_is_corrupted(serve, standin, tmp_path):
    server = serve()
    root = sb.mention("comp for senior AS?")
    server.event(root)
    wait_for(lambda: in_thread(standin, "C0CHAN", root["ts"]), what="reply before the disk fills")
    # From now on no file of the server may grow past 4 KiB: every SQLite write fails as on a full disk.
    resource.prlimit(server.proc.pid, resource.RLIMIT_FSIZE, (4096, 4096))

    started = time.monotonic()
    assert server.event(sb.mention("how long does it take to hire an MLE?", channel="C0FULL")) == 200
    assert server.event(sb.message("what about MLE?", thread_ts=root["ts"])) == 200
    assert server.post(sb.slash("comp senior AS", standin.response_url("full")), form=True)[0] == 200
    assert time.monotonic() - started < 3  # acked within Slack's 3 seconds
    apology = wait_for(lambda: [c for c in standin.of("chat.postMessage") + standin.of("response_url")
                                if "went wrong" in str(c.params.get("text", ""))], what="apology")
    assert apology
    assert wait_for(lambda: "disk I/O error" in server.log() or "disk is full" in server.log(), what="logged error")
    assert server.get("/healthz")[0] == 200

    server.kill()
    db = tmp_path / "hirebot.db"
    assert integrity(db) == "ok"
    assert Store(db).load_thread(f"C0CHAN:{root['ts']}")["context"]["intent"] == "compensation"
    after = serve()  # space again: the same database serves on
    again = sb.mention("ttf MLE?", channel="C0AFTER")
    assert after.event(again) == 200
    wait_for(lambda: in_thread(standin, "C0AFTER", again["ts"]), what="reply once the disk has room")
