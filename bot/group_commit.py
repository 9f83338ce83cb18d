"""Group commit: many threads' writes to one SQLite file, each atomic, sharing one commit (one fsync).

A commit in WAL mode with full sync waits for the disk (about 3 ms here), and SQLite commits one writer at a
time, so a commit per message caps a process at a few hundred messages a second, however many threads it has.
Here a thread hands its writes in as a unit (a function of a connection); the first thread to find no commit
under way runs every unit queued so far in one transaction, each in a savepoint of its own (a unit that raises
rolls back alone), and commits them together. Durability is unchanged: `run()` returns only once its unit's
writes are on disk, or raises.
"""

import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

Unit = Callable[[sqlite3.Connection], Any]
POLL = 0.0005  # seconds between tries to start a write transaction while another process writes


class _Ticket:
    """One unit on its way through a shared transaction: its result or its error once `done`."""

    def __init__(self, unit: Unit):
        self.unit = unit
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

    def run(self, unit: Unit) -> Any:
        """`unit(connection)`'s result once it is committed; its exception (rolled back), or the commit's."""
        ticket = _Ticket(unit)
        with self._changed:
            self._pending.append(ticket)
            while self._leading and not ticket.done:
                self._changed.wait()
            if not ticket.done:  # lead: commit every unit queued so far, this one included
                self._leading = True
                batch, self._pending = self._pending, []
        if not ticket.done:
            try:
                self._commit(batch)
            finally:
                with self._changed:
                    self._leading = False
                    self._changed.notify_all()
        if ticket.error is not None:
            raise ticket.error
        return ticket.value

    def _commit(self, batch: list[_Ticket]) -> None:
        try:
            self._begin()
            for ticket in batch:
                self.conn.execute("SAVEPOINT unit")
                try:
                    ticket.value = ticket.unit(self.conn)
                    self.conn.execute("RELEASE unit")
                except Exception as err:
                    ticket.error = err
                    self.conn.execute("ROLLBACK TO unit")
                    self.conn.execute("RELEASE unit")
            self.conn.execute("COMMIT")
        except sqlite3.Error as err:  # could not begin or commit (locked too long, disk full, read-only)
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            for ticket in batch:
                ticket.error, ticket.value = ticket.error or err, None
        finally:
            for ticket in batch:
                ticket.done = True

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
