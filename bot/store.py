"""The SQLite store (sqlite-utils): conversation state and processed Slack event ids.

Other tables are created (IF NOT EXISTS) by the modules that own them, on this store's `db`: reqs, alerts and
Greenhouse mappings (bot/reqs_store.py), the knowledge-gap log (bot/gaps.py) and kept answers (bot/slack/shelf.py).
"""

import json
import sqlite3
import time
from pathlib import Path

import sqlite_utils


class Store:
    """One SQLite file; safe to share between threads and processes (WAL, busy timeout)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.db = sqlite_utils.Database(sqlite3.connect(self.path, check_same_thread=False))
        self.db.execute("PRAGMA busy_timeout = 5000")
        if self.path != ":memory:":
            self.db.enable_wal()
        self._create()

    def _create(self) -> None:
        self.db["threads"].create({"id": str, "state": str, "updated": float}, pk="id", if_not_exists=True)
        self.db["events"].create({"id": str, "seen": float}, pk="id", if_not_exists=True)

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
