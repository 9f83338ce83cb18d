"""Group commit: many threads' writes to one SQLite file, each atomic, sharing one commit (one fsync).

A commit in WAL mode with full sync waits for the disk (about 3 ms here), and SQLite commits one writer at a
time, so a commit per message caps a process at a few hundred messages a second, however many threads it has.
Here a thread hands its writes in as a unit (a function of a connection); the first thread to find no commit
under way runs every unit queued so far in one transaction, each in a savepoint of its own (a unit that raises
rolls back alone), and commits them together. Durability is unchanged: `run()` returns only once its unit's
writes are on disk, or raises. `later()` hands in a unit without waiting for its commit, for a write whose
loss in a crash is repaired elsewhere.
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
        self._waiting = 0  # threads waiting for a commit under way (one of them leads the next)

    def run(self, unit: Unit) -> Any:
        """`unit(connection)`'s result once it is committed; its exception (rolled back), or the commit's."""
        ticket = _Ticket(unit)
        self._hand_in(ticket)
        if ticket.error is not None:
            raise ticket.error
        return ticket.value

    def later(self, sql: str, params: Sequence = ()) -> None:
        """One statement committed with the next batch, without waiting for it when a commit is under way
        (else committed now, as `run` would); an error is logged, not raised. Only for writes that may be lost
        in a crash because something else repairs them."""
        self._hand_in(_Ticket(partial(_execute, sql=sql, params=params), waited=False, single=True))

    def _hand_in(self, ticket: _Ticket) -> None:
        with self._changed:
            self._pending.append(ticket)
            if self._leading and not ticket.waited:
                return  # the thread that leads the next commit takes it along
            self._waiting += 1
            while self._leading and not ticket.done:
                self._changed.wait()
            self._waiting -= 1
            if self._leading or not self._pending or (ticket.done and self._waiting):
                return  # committed by another thread (which, or a thread still waiting, takes what is left)
            self._leading = True  # lead: commit every unit queued so far (this one, unless done already)
            batch, self._pending = self._pending, []
        try:
            while batch:
                self._commit(batch)
                with self._changed:  # units no thread waits for, and no thread left to lead them: commit them too
                    batch = []
                    if not self._waiting:
                        batch, self._pending = self._pending, []
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
