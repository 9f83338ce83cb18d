"""The SQLite store (sqlite-utils): conversation state and processed Slack event ids.

Other tables are created (IF NOT EXISTS) by the modules that own them, on this store's `db`: reqs, alerts and
Greenhouse mappings (bot/reqs/store.py), the knowledge-gap log (bot/gaps.py) and kept answers (bot/slack/shelf.py).

The reply path reads through `read()` (a connection per thread, no lock) and writes everything a message leaves
behind in one unit through `transact()` (bot/group_commit.py); the functions below taking a connection are
the store's parts of such a unit.
"""

import contextlib
import fcntl
import json
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.group_commit import GroupCommit, Unit

BUSY_MS = 5000
SETUP_TRIES = 50
EVENTS_KEEP = 7 * 24 * 3600  # seconds an event id is remembered for dedupe (Slack retries within minutes)
PRUNE_EVERY = 60.0  # seconds between two prunings of a table's expired rows by one process
_pruned: dict[str, float] = {}  # table -> when this process last forgot its expired rows


class Conflict(Exception):
    """The conversation's state changed since it was read (another thread or process answered in it)."""


class Store:
    """One SQLite file; safe to share between threads and processes (WAL, busy timeout)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            _create_private(self.path)
        self.db = sqlite_utils.Database(sqlite3.connect(self.path, check_same_thread=False))
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        self.settle(self._create)
        self._readers = threading.local()
        self._group = GroupCommit(self._connect(busy_ms=0), BUSY_MS / 1000)  # it waits for the lock itself

    def _connect(self, busy_ms: int = BUSY_MS) -> sqlite3.Connection:
        """A connection of its own to the file (autocommit), or an in-memory store's one connection."""
        if self.path == ":memory:":
            return self.db.conn
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {busy_ms}")
        return conn

    def read(self, sql: str, params: Iterable = ()) -> list[tuple]:
        """The rows of a query, on this thread's own connection (readers never wait for each other or a lock)."""
        conn = getattr(self._readers, "conn", None)
        if conn is None:
            conn = self._readers.conn = self._connect()
        return conn.execute(sql, list(params)).fetchall()

    def transact(self, unit: Unit) -> Any:
        """`unit(connection)` run atomically and committed (with other threads' units: one commit for all)."""
        return self._group.run(unit)

    def transact_later(self, sql: str, params: Iterable = ()) -> None:
        """One statement, committed without waiting for the commit when one is under way (GroupCommit.later):
        for a write whose loss in a crash is repaired elsewhere."""
        self._group.later(sql, list(params))

    def versioned(self, conversation: str) -> tuple[dict, float | None]:
        """A conversation's saved state ({} when new) and its version, for `save_if_unchanged`."""
        rows = self.read("select state, updated from threads where id = ?", [conversation])
        return (json.loads(rows[0][0]), rows[0][1]) if rows else ({}, None)

    def seen(self, keys: Iterable[str]) -> bool:
        """Whether any of `keys` was recorded already (a read: `first_time_in` decides, in a unit)."""
        keys = list(keys)
        marks = ",".join("?" * len(keys))
        return bool(keys) and bool(self.read(f"select 1 from events where id in ({marks}) limit 1", keys))

    def settle(self, setup: Callable[[], None]) -> None:
        """Run start-up schema work (CREATE ... IF NOT EXISTS) one process at a time: two processes setting up a
        fresh file at once can deadlock before WAL is on, and SQLite then refuses one at once instead of waiting.
        A lock file beside the database orders them; a "locked" that still comes is tried again."""
        with self._setup_lock():
            for _ in range(SETUP_TRIES - 1):
                try:
                    return setup()
                except sqlite3.OperationalError as err:
                    if "locked" not in str(err):
                        raise
                    if self.db.conn.in_transaction:
                        self.db.conn.rollback()
                    time.sleep(random.uniform(0.05, 0.2))
            return setup()

    def _setup_lock(self) -> contextlib.AbstractContextManager:
        """An exclusive lock on `<db>-setup.lock` (0600), held while schema work runs; none in memory."""
        if self.path == ":memory:":
            return contextlib.nullcontext()
        return _flocked(f"{self.path}-setup.lock")

    def _create(self) -> None:
        if self.path != ":memory:":
            self.db.enable_wal()
        self.db["threads"].create({"id": str, "state": str, "updated": float}, pk="id", if_not_exists=True)
        self.db["events"].create({"id": str, "seen": float}, pk="id", if_not_exists=True)
        self.db.execute("create index if not exists idx_events_seen on events (seen)")

    def load_thread(self, conversation: str) -> dict:
        """The saved state of a conversation ({} when new)."""
        rows = list(self.db.query("select state from threads where id = ?", [conversation]))
        return json.loads(rows[0]["state"]) if rows else {}

    def save_thread(self, conversation: str, state: dict) -> None:
        """Replace the saved state of a conversation."""
        self.db["threads"].upsert(
            {"id": conversation, "state": json.dumps(state), "updated": time.time()}, pk="id"
        )

    def first_time(self, event_id: str) -> bool:
        """Record an event id; True only the first time it is seen (atomic across processes)."""
        cursor = self.db.execute(
            "insert or ignore into events (id, seen) values (?, ?)", [event_id, time.time()]
        )
        self.db.conn.commit()
        return cursor.rowcount == 1


@contextlib.contextmanager
def _flocked(path: str):
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _create_private(path: str) -> None:
    """Create the database file readable and writable by its owner only (0600), unless it exists: it holds
    conversations, reqs and who asked what. SQLite gives its -wal and -shm files the database file's mode.
    Any other failure (no such folder) is left to SQLite to report."""
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def prune_due(table: str, now: float) -> bool:
    """Whether to forget `table`'s expired rows now: at most once every PRUNE_EVERY seconds in a process, not
    with every message (where the delete almost always finds nothing, as one more statement in the write
    transaction). Two threads may both prune at once: harmless."""
    if now - _pruned.get(table, 0.0) > PRUNE_EVERY:
        _pruned[table] = now
        return True
    return False


def first_time_in(conn: sqlite3.Connection, keys: Iterable[str]) -> bool:
    """Record those of `keys` not seen before (one statement); True only if none of them was. At most once a
    minute, event ids older than EVENTS_KEEP are forgotten in the same unit (Slack retries within minutes)."""
    keys = list(keys)
    if not keys:
        return True
    now = time.time()
    if prune_due("events", now):
        conn.execute("delete from events where seen < ?", [now - EVENTS_KEEP])
    rows = ", ".join("(?, ?)" for _ in keys)
    inserted = conn.execute(f"insert or ignore into events (id, seen) values {rows}",
                            [value for key in keys for value in (key, now)]).rowcount
    return inserted == len(keys)


def save_if_unchanged(conn: sqlite3.Connection, conversation: str, state: dict, version: float | None) -> None:
    """Save a conversation's state read at `version` (None: it was new); Conflict if it changed since."""
    now = time.time() if version is None else max(time.time(), version + 1e-6)
    if version is None:
        sql, params = ("insert or ignore into threads (id, state, updated) values (?, ?, ?)",
                       [conversation, json.dumps(state), now])
    else:
        sql, params = ("update threads set state = ?, updated = ? where id = ? and updated = ?",
                       [json.dumps(state), now, conversation, version])
    if conn.execute(sql, params).rowcount != 1:
        raise Conflict(conversation)
