"""Answers posted to Slack, kept by a short key so that their buttons (More, Share, Helpful) can find them.

Button values are limited to 2,000 characters and an answer can be longer, so a button carries the key.
"""

import secrets
import sqlite3
import time

from bot.engine.types import Answer
from bot.store import Store, prune_due

TABLE = "slack_answers"
KEEP_SECONDS = 90 * 24 * 3600


def ensure(store: Store) -> None:
    """Create the table (at start-up, not in the middle of a request); IF NOT EXISTS, as another process may
    be creating it at the same moment."""
    if TABLE not in store.db.table_names():
        store.settle(lambda: _create(store))


def _create(store: Store) -> None:
    store.db[TABLE].create({"id": str, "question": str, "answer": str, "at": float}, pk="id", if_not_exists=True)
    store.db[TABLE].create_index(["at"], if_not_exists=True)


def park(store: Store, answer: Answer, question: str) -> str:
    """Keep `answer` (and the question it answers); return its key."""
    ensure(store)
    return store.transact(lambda conn: park_in(conn, answer, question))


def park_in(conn: sqlite3.Connection, answer: Answer, question: str) -> str:
    """`park` as part of a unit of writes (bot/store.py); the table exists (`ensure` ran at start-up)."""
    key = secrets.token_urlsafe(12)
    now = time.time()
    if prune_due(TABLE, now):
        conn.execute(f"delete from {TABLE} where at < ?", [now - KEEP_SECONDS])
    conn.execute(f"insert into {TABLE} (id, question, answer, at) values (?, ?, ?, ?)",
                 [key, question[:4000], answer.model_dump_json(), now])
    return key


def fetch(store: Store, key: str) -> tuple[Answer, str] | None:
    """The answer and question kept under `key`, or None (unknown or expired)."""
    try:
        rows = store.read(f"select question, answer from {TABLE} where id = ?", [key])
    except sqlite3.OperationalError:  # no such table: nothing was ever kept
        return None
    if not rows:
        return None
    return Answer.model_validate_json(rows[0][1]), rows[0][0]
