"""Group commit (bot/group_commit.py) and the store's conditional save, on a real SQLite file."""

import sqlite3
import threading
import time

import pytest
from standin import wait_for

from bot import group_commit
from bot.store import Conflict, Store, first_time_in, save_if_unchanged


def test_units_from_many_threads_are_each_committed_once_and_share_commits(tmp_path):
    store = Store(tmp_path / "hirebot.db")
    commits = []
    store._group.conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    results: list[bool] = []

    def send(i: int) -> None:
        results.append(store.transact(lambda conn: first_time_in(conn, [f"event:{i % 150}"])))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seen = {row[0] for row in store.read("select id from events")}
    assert seen == {f"event:{i}" for i in range(150)}
    assert sorted(results) == [False] * 50 + [True] * 150  # 50 ids came twice: each was first once
    assert 1 <= len(commits) <= 200


def test_a_failing_unit_rolls_back_alone_and_raises_in_its_own_thread(tmp_path):
    store = Store(tmp_path / "hirebot.db")

    def half_then_fail(conn: sqlite3.Connection) -> None:
        first_time_in(conn, ["event:half"])
        raise ValueError("the unit broke")

    with pytest.raises(ValueError, match="the unit broke"):
        store.transact(half_then_fail)
    assert store.transact(lambda conn: first_time_in(conn, ["event:whole"])) is True
    assert [r[0] for r in store.read("select id from events")] == ["event:whole"]


def test_a_commit_that_fails_raises_in_every_thread_of_the_batch(tmp_path):
    store = Store(tmp_path / "hirebot.db")
    store.transact(lambda conn: first_time_in(conn, ["event:0"]))
    store._group.conn.execute("PRAGMA query_only = 1")  # every write now fails, as on a read-only file
    with pytest.raises(sqlite3.Error):
        store.transact(lambda conn: first_time_in(conn, ["event:1"]))
    store._group.conn.execute("PRAGMA query_only = 0")
    assert store.transact(lambda conn: first_time_in(conn, ["event:1"])) is True


def test_a_state_saved_since_it_was_read_is_a_conflict(tmp_path):
    store = Store(tmp_path / "hirebot.db")
    assert store.versioned("C1:1") == ({}, None)
    store.transact(lambda conn: save_if_unchanged(conn, "C1:1", {"n": 1}, None))
    state, version = store.versioned("C1:1")
    assert state == {"n": 1} and version is not None
    with pytest.raises(Conflict):  # someone else created it meanwhile
        store.transact(lambda conn: save_if_unchanged(conn, "C1:1", {"n": 9}, None))
    store.transact(lambda conn: save_if_unchanged(conn, "C1:1", {"n": 2}, version))
    with pytest.raises(Conflict):  # the version read is no longer the saved one
        store.transact(lambda conn: save_if_unchanged(conn, "C1:1", {"n": 9}, version))
    assert store.load_thread("C1:1") == {"n": 2}



def test_a_write_waits_for_another_process_to_finish_writing(tmp_path):
    store = Store(tmp_path / "hirebot.db")
    other = sqlite3.connect(tmp_path / "hirebot.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    assert store.transact(lambda conn: first_time_in(conn, ["event:after"])) is True
    store._group.wait = 0.05
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):  # not for longer than the busy timeout
        store.transact(lambda conn: first_time_in(conn, ["event:never"]))
    other.execute("ROLLBACK")


def _leading(store: Store, key: str) -> tuple[threading.Thread, threading.Event]:
    """A unit that records `key` and holds its commit under way until the returned event is set."""
    leading, release = threading.Event(), threading.Event()

    def slow(conn: sqlite3.Connection) -> bool:
        leading.set()
        release.wait(10)
        return first_time_in(conn, [key])

    leader = threading.Thread(target=store.transact, args=(slow,))
    leader.start()
    assert leading.wait(10)
    return leader, release


def test_a_statement_for_later_handed_in_during_a_commit_does_not_wait_for_it_and_is_committed_soon(tmp_path):
    store = Store(tmp_path / "hirebot.db")
    leader, release = _leading(store, "event:slow")
    handed = threading.Thread(target=store.transact_later,
                              args=("insert into events values ('event:later', unixepoch())",))
    handed.start()
    handed.join(10)
    assert not handed.is_alive() and leader.is_alive()  # it did not wait for the commit under way
    release.set()
    leader.join(10)
    wait_for(lambda: {r[0] for r in store.read("select id from events")} == {"event:slow", "event:later"},
             timeout=5, what="the statement committed")


def test_a_statement_for_later_goes_with_the_next_units_commit(tmp_path, monkeypatch):
    """A reply's "sent" mark costs no commit of its own while messages keep coming."""
    monkeypatch.setattr(group_commit, "LATER", 30.0)  # no commit of its own during this test
    store = Store(tmp_path / "hirebot.db")
    commits = []
    store._group.conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    store.transact_later("insert into events values (?, unixepoch())", ["event:later"])
    assert store.read("select id from events") == []  # waits for a commit to go with
    store.transact(lambda conn: first_time_in(conn, ["event:unit"]))
    assert {r[0] for r in store.read("select id from events")} == {"event:later", "event:unit"}
    assert commits == ["COMMIT"]


def test_a_statement_for_later_is_committed_by_itself_when_no_unit_comes_and_its_error_is_logged(tmp_path,
                                                                                                 caplog):
    store = Store(tmp_path / "hirebot.db")
    store.transact_later("insert into events values (?, unixepoch())", ["event:now"])
    wait_for(lambda: store.read("select id from events") == [("event:now",)], timeout=5, what="the commit")
    store.transact_later("insert into events values (?, unixepoch())", ["event:now"])  # a duplicate id: not raised here
    wait_for(lambda: "UNIQUE constraint failed" in caplog.text, timeout=5, what="the error logged")
    assert [r[0] for r in store.read("select id from events")] == ["event:now"]


def test_a_failed_statement_for_later_undoes_only_itself_in_a_shared_commit(tmp_path):
    store = Store(tmp_path / "hirebot.db")
    store.transact(lambda conn: first_time_in(conn, ["event:taken"]))
    leader, release = _leading(store, "event:slow")
    store.transact_later("insert into events values (?, unixepoch())", ["event:taken"])  # fails: the id is there
    store.transact_later("insert into events values (?, unixepoch())", ["event:fine"])
    waiter = threading.Thread(target=store.transact, args=(lambda conn: first_time_in(conn, ["event:waited"]),))
    waiter.start()  # leads the next batch: the two statements and its own unit, one commit
    release.set()
    leader.join(10)
    waiter.join(10)
    seen = {r[0] for r in store.read("select id from events")}
    assert seen == {"event:taken", "event:slow", "event:fine", "event:waited"}


def test_first_time_in_records_every_new_key_and_is_true_only_when_all_were_new(tmp_path):
    store = Store(tmp_path / "hirebot.db")
    assert store.transact(lambda conn: first_time_in(conn, ["event:a", "msg:a"])) is True
    assert store.transact(lambda conn: first_time_in(conn, ["event:b", "msg:a"])) is False  # the same message
    assert store.transact(lambda conn: first_time_in(conn, ["event:b"])) is False  # recorded on the way
    assert store.transact(lambda conn: first_time_in(conn, [])) is True


def test_expired_rows_are_pruned_at_most_once_a_minute_per_table(monkeypatch):
    """A message's unit deletes a table's expired rows only when the process has not done so for PRUNE_EVERY
    seconds: not one more statement in every write transaction."""
    import bot.store as store_module

    monkeypatch.setattr(store_module, "_pruned", {})
    now = time.time()
    assert store_module.prune_due("slack_answers", now)
    assert not store_module.prune_due("slack_answers", now + 1)
    assert store_module.prune_due("events", now + 1)  # each table on its own clock
    assert not store_module.prune_due("slack_answers", now + store_module.PRUNE_EVERY)
    assert store_module.prune_due("slack_answers", now + store_module.PRUNE_EVERY + 1)


def test_event_ids_older_than_a_week_are_forgotten_and_recent_ones_kept(tmp_path, monkeypatch):
    """Dedupe needs an event id for minutes (Slack's retries); the table does not grow for ever."""
    import bot.store as store_module

    store = Store(tmp_path / "hirebot.db")
    old = time.time() - store_module.EVENTS_KEEP - 60
    store.transact(lambda conn: conn.execute("insert into events (id, seen) values ('event:old', ?), "
                                             "('event:recent', ?)", [old, time.time() - 3600]))
    monkeypatch.setattr(store_module, "_pruned", {})  # the next unit prunes
    assert store.transact(lambda conn: first_time_in(conn, ["event:new"])) is True
    assert {r[0] for r in store.read("select id from events")} == {"event:recent", "event:new"}
    assert store.transact(lambda conn: first_time_in(conn, ["event:recent"])) is False  # still a duplicate
