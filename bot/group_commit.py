"""Group commit: many threads' writes to one SQLite file, each atomic, sharing one commit (one fsync).

A commit in WAL mode with full sync waits for the disk (about 3 ms here), and SQLite commits one writer at a
time, so a commit per message caps a process at a few hundred messages a second, however many threads it has.
Here a thread hands its writes in as a unit (a function of a connection); the first thread to find no commit
under way runs every unit queued so far in one transaction, each in a savepoint of its own (a unit that raises
rolls back alone), and commits them together. Durability is unchanged: `run()` returns only once its unit's
writes are on disk, or raises. `later()` hands in a statement without waiting for its commit, for a write whose
loss in a crash is repaired elsewhere: it goes with the next unit's commit, or within LATER seconds by itself.
"""

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

Unit = Callable[[sqlite3.Connection], Any]
POLL = 0.0005  # seconds between tries to start a write transaction while another process writes
LATER = 0.05  # seconds a `later` statement waits for another unit's commit to take it along before its own

log = logging.getLogger("hirebot.store")


class _Ticket:
    """One unit on its way through a shared transaction: its result or its error once `done`; `waited` when a
    thread waits for it (else its error is logged)."""

    def __init__(self, unit: Unit, waited: bool = True, single: bool = False):
        self.unit = unit
        self.waited = waited
        self.single = single  # one statement: needs no savepoint (SQLite undoes a failed statement itself)
        self.done = False
        self.value: Any = None
        self.error: BaseException | None = None


class GroupCommit:
    """`run(unit)` runs `unit(connection)` in a transaction shared with the units of other threads. `conn` is
    used by no one else, outside a transaction between runs (`isolation_level=None`). While another process
    writes, the transaction's start is tried every POLL seconds, for at most `wait` seconds: SQLite's own
    busy handler sleeps 1, 2, 5, 10... ms, longer than a commit takes here, and two processes then take
    turns far slower than their disk allows."""

    def __init__(self, conn: sqlite3.Connection, wait: float = 5.0):
        self.conn, self.wait = conn, wait
        self._changed = threading.Condition()
        self._pending: list[_Ticket] = []
        self._leading = False
        self._later = threading.Event()  # set: a `later` statement is queued
        self._flusher: threading.Thread | None = None

    def run(self, unit: Unit) -> Any:
        """`unit(connection)`'s result once it is committed; its exception (rolled back), or the commit's."""
        ticket = _Ticket(unit)
        self._hand_in(ticket)
        if ticket.error is not None:
            raise ticket.error
        return ticket.value

    def later(self, sql: str, params: Sequence = ()) -> None:
        """One statement committed with the next batch, without waiting for it: the next unit's commit takes it
        along, or, when none comes within LATER seconds, a commit of its own (a reply's "sent" mark committed at
        once cost every DM a second commit, an fsync); an error is logged, not raised. Only for writes that may
        be lost in a crash because something else repairs them."""
        with self._changed:
            self._pending.append(_Ticket(partial(_execute, sql=sql, params=params), waited=False, single=True))
            if self._flusher is None:
                self._flusher = threading.Thread(target=self._flush_later, name="hirebot-later", daemon=True)
                self._flusher.start()
        self._later.set()

    def _flush_later(self) -> None:
        """Commit the `later` statements that no unit's commit took along within LATER seconds."""
        while True:
            self._later.wait()
            time.sleep(LATER)
            with self._changed:
                while self._leading:
                    self._changed.wait()
                self._later.clear()  # one queued from now on sets it again
                if not any(not t.waited for t in self._pending):
                    continue  # taken along by a unit's commit
                self._leading = True
                batch, self._pending = self._pending, []
            self._lead(batch)

    def _hand_in(self, ticket: _Ticket) -> None:
        with self._changed:
            self._pending.append(ticket)
            while self._leading and not ticket.done:
                self._changed.wait()
            if ticket.done:
                return  # committed by the thread that led
            self._leading = True  # lead: commit every unit queued so far (`later` statements too)
            batch, self._pending = self._pending, []
        self._lead(batch)

    def _lead(self, batch: list[_Ticket]) -> None:
        try:
            self._commit(batch)
        finally:
            with self._changed:
                self._leading = False
                self._changed.notify_all()

    def _commit(self, batch: list[_Ticket]) -> None:
        try:
            self._begin()
            if len(batch) == 1:  # alone: what it wrote is the whole transaction, no savepoint needed
                self._run_alone(batch[0])
            else:
                for ticket in batch:
                    self._run_single(ticket) if ticket.single else self._run_in_savepoint(ticket)
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")
        except sqlite3.Error as err:  # could not begin or commit (locked too long, disk full, read-only)
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            for ticket in batch:
                ticket.error, ticket.value = ticket.error or err, None
        finally:
            for ticket in batch:
                ticket.done = True
                if ticket.error is not None and not ticket.waited:
                    log.warning("a write no one waited for was not committed: %s", ticket.error)

    def _run_alone(self, ticket: _Ticket) -> None:
        try:
            ticket.value = ticket.unit(self.conn)
        except Exception as err:
            ticket.error = err
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    def _run_single(self, ticket: _Ticket) -> None:
        try:
            ticket.value = ticket.unit(self.conn)
        except sqlite3.Error as err:
            if not self.conn.in_transaction:  # SQLite gave up the whole transaction (disk full, I/O error)
                raise
            ticket.error = err

    def _run_in_savepoint(self, ticket: _Ticket) -> None:
        self.conn.execute("SAVEPOINT unit")
        try:
            ticket.value = ticket.unit(self.conn)
            self.conn.execute("RELEASE unit")
        except Exception as err:
            ticket.error = err
            self.conn.execute("ROLLBACK TO unit")
            self.conn.execute("RELEASE unit")

    def _begin(self) -> None:
        deadline = time.monotonic() + self.wait
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
                time.sleep(POLL)

    def close(self) -> None:
        self.conn.close()


def _execute(conn: sqlite3.Connection, sql: str, params: Sequence) -> None:
    conn.execute(sql, params)
