"""Slack's assistant pane (Agents & AI Apps): its threads, and the context Slack sends for each (the channel the
user is looking at), kept in our store rather than in Slack (Bolt's default store re-reads the thread with
conversations.replies and rewrites our first reply's metadata on every change)."""

import json
import time

from slack_bolt.context.assistant.thread_context import AssistantThreadContext
from slack_bolt.context.assistant.thread_context_store.store import AssistantThreadContextStore

from bot.store import Store

TABLE = "slack_assistant_threads"
KEEP_SECONDS = 90 * 24 * 3600


def ensure(store: Store) -> None:
    """Create the table (at start-up); IF NOT EXISTS, as another process may be creating it at the same moment."""

    def create() -> None:
        if TABLE not in store.db.table_names():
            store.db[TABLE].create({"id": str, "context": str, "titled": int, "at": float}, pk="id", if_not_exists=True)

    store.settle(create)


def opened(store: Store, conversation: str, context: dict) -> None:
    """An assistant thread has started (with Slack's context for it); older than 90 days are forgotten."""
    now = time.time()
    store.db.execute(f"delete from {TABLE} where at < ?", [now - KEEP_SECONDS])
    store.db.execute(f"insert or ignore into {TABLE} (id, context, titled, at) values (?, ?, 0, ?)",
                     [conversation, json.dumps(context or {}), now])
    store.db.conn.commit()


def keep_context(store: Store, conversation: str, context: dict) -> None:
    """Replace the thread's context (assistant_thread_context_changed); a thread we missed the start of is added."""
    store.db.execute(f"insert into {TABLE} (id, context, titled, at) values (?, ?, 0, ?) "
                     "on conflict(id) do update set context = excluded.context, at = excluded.at",
                     [conversation, json.dumps(context or {}), time.time()])
    store.db.conn.commit()


def context_of(store: Store, conversation: str) -> dict | None:
    """The thread's kept context ({} when Slack sent none), or None when it is not an assistant thread."""
    rows = store.db.execute(f"select context from {TABLE} where id = ?", [conversation]).fetchall()
    return json.loads(rows[0][0]) if rows else None


def needs_title(store: Store, conversation: str) -> bool:
    """True once per assistant thread: its first question becomes its title."""
    cursor = store.db.execute(f"update {TABLE} set titled = 1 where id = ? and titled = 0", [conversation])
    store.db.conn.commit()
    return cursor.rowcount == 1


class StoredContexts(AssistantThreadContextStore):
    """Bolt's thread-context store, backed by our SQLite file (calls serialised by `lock`)."""

    def __init__(self, store: Store, lock):
        self.store, self.lock = store, lock

    def save(self, *, channel_id: str, thread_ts: str, context: dict[str, str]) -> None:
        with self.lock:
            keep_context(self.store, f"{channel_id}:{thread_ts}", context)

    def find(self, *, channel_id: str, thread_ts: str) -> AssistantThreadContext | None:
        with self.lock:
            kept = context_of(self.store, f"{channel_id}:{thread_ts}")
        return AssistantThreadContext(kept) if kept and kept.get("channel_id") else None
