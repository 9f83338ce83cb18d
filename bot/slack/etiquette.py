"""Thread etiquette: whom hirebot is talking with in a channel thread, and which messages there are for it.

In a channel thread hirebot answers a mention, and, without a mention, a message from someone it is talking
with (who mentioned it there, pressed one of its buttons there, or started its walk-through there) when the
engine judges it addressed to hirebot (bot/engine/overheard.py). A message that mentions someone else is
people talking to each other: never answered, never a knowledge gap, never a change of the thread's topic.
DMs, group DMs and the assistant pane answer everything.
"""

import re
import sqlite3
import time

from bot.store import Store, prune_due

TABLE = "slack_thread_people"
KEEP_SECONDS = 90 * 24 * 3600
MENTIONS = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>|<!(?:subteam\^[A-Z0-9]+|here|channel|everyone)[^>]*>")
GROUP_DM_NAME = "mpdm-"  # Slack names group DMs mpdm-alice--bob--carol-1


def ensure(store: Store) -> None:
    """Create the table and its index on `at` (what the once-a-minute prune looks up), at start-up; IF NOT EXISTS,
    as another process may be creating them at the same moment (and a database made before the index gains it)."""

    def create() -> None:
        if TABLE not in store.db.table_names():
            store.db[TABLE].create({"conversation": str, "user": str, "at": float}, pk=("conversation", "user"),
                                   if_not_exists=True)
        store.db[TABLE].create_index(["at"], if_not_exists=True)

    store.settle(create)


def join_in(conn: sqlite3.Connection, conversation: str, user: str) -> None:
    """Record, in a unit of writes (bot/store.py), that hirebot is talking with `user` in `conversation`
    (and, at most once a minute, forgetting rows older than 90 days)."""
    now = time.time()
    if prune_due(TABLE, now):
        conn.execute(f"delete from {TABLE} where at < ?", [now - KEEP_SECONDS])
    conn.execute(f"insert or replace into {TABLE} (conversation, user, at) values (?, ?, ?)",
                 [conversation, user, now])


def talks_with(store: Store, conversation: str, user: str) -> bool:
    """Whether hirebot is talking with `user` in `conversation`."""
    return bool(store.read(f"select 1 from {TABLE} where conversation = ? and user = ?", [conversation, user]))


def mentions_others(text: str, bot_user_id: str | None) -> bool:
    """Whether `text` mentions a person or group other than hirebot (`<@U…>`, `<!subteam^…>`, `<!here>`)."""
    return any(m.group(1) != bot_user_id for m in MENTIONS.finditer(text or ""))


def mentions_me(text: str, bot_user_id: str | None) -> bool:
    """Whether `text` mentions hirebot."""
    return bool(bot_user_id) and any(m.group(1) == bot_user_id for m in MENTIONS.finditer(text or ""))


def is_private_chat(channel: str, channel_type: str | None = None, channel_name: str | None = None) -> bool:
    """A DM or a group DM: hirebot answers every message there, at the top level. Events say so by
    `channel_type`; button clicks only by the channel's id (D…) or a group DM's name (mpdm-…)."""
    return (channel_type in ("im", "mpim") or channel.startswith("D")
            or (channel_name or "").startswith(GROUP_DM_NAME))
