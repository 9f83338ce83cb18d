"""Answers posted to Slack, kept by a short key so that their buttons (More, Share, Helpful) can find them.

Button values are limited to 2,000 characters and an answer can be longer, so a button carries the key.
"""

import secrets
import time

from bot.engine.types import Answer
from bot.store import Store

TABLE = "slack_answers"
KEEP_SECONDS = 90 * 24 * 3600


def ensure(store: Store) -> None:
    """Create the table (at start-up, not in the middle of a request); IF NOT EXISTS, as another process may
    be creating it at the same moment."""
    if TABLE not in store.db.table_names():
        store.db[TABLE].create({"id": str, "question": str, "answer": str, "at": float}, pk="id", if_not_exists=True)
        store.db[TABLE].create_index(["at"], if_not_exists=True)


def park(store: Store, answer: Answer, question: str) -> str:
    """Keep `answer` (and the question it answers); return its key."""
    ensure(store)
    key = secrets.token_urlsafe(12)
    now = time.time()
    store.db.execute(f"delete from {TABLE} where at < ?", [now - KEEP_SECONDS])
    store.db[TABLE].insert({"id": key, "question": question[:4000], "answer": answer.model_dump_json(), "at": now})
    store.db.conn.commit()
    return key


def fetch(store: Store, key: str) -> tuple[Answer, str] | None:
    """The answer and question kept under `key`, or None (unknown or expired)."""
    if TABLE not in store.db.table_names():
        return None
    rows = list(store.db.query(f"select question, answer from {TABLE} where id = ?", [key]))
    if not rows:
        return None
    return Answer.model_validate_json(rows[0]["answer"]), rows[0]["question"]
