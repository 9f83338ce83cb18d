"""The knowledge-gap log: questions answered out of scope or marked "Not helpful", for whoever keeps knowledge/.

Users are kept only as a salted hash (the salt is random per database), so the log says "3 people asked"
without saying who.
"""

import hashlib
import secrets
import sqlite3
import time

from bot.store import Store

TABLE = "gaps"
SALT_TABLE = "gaps_salt"


def ensure(store: Store) -> None:
    """Create the tables and the salt (at start-up, not in the middle of a request); race-free, as another
    process may be creating them at the same moment: the first salt written is the one kept."""
    if not {TABLE, SALT_TABLE} <= set(store.db.table_names()):
        store.settle(lambda: _create(store))


def _create(store: Store) -> None:
    store.db[TABLE].create(
        {"id": int, "text": str, "intent": str, "confidence": float, "reason": str, "user_hash": str, "at": float},
        pk="id", if_not_exists=True,
    )
    store.db[SALT_TABLE].create({"id": int, "salt": str}, pk="id", if_not_exists=True)
    store.db.execute(f"insert or ignore into {SALT_TABLE} (id, salt) values (1, ?)", [secrets.token_hex(16)])
    store.db.conn.commit()


def user_hash(store: Store, user: str | None) -> str | None:
    """A salted SHA-256 of a user id (16 hex digits), or None without a user."""
    if not user:
        return None
    ensure(store)
    salt = next(store.db.query(f"select salt from {SALT_TABLE} where id = 1"))["salt"]
    return _hashed(salt, user)


def _hashed(salt: str, user: str) -> str:
    return hashlib.sha256(f"{salt}:{user}".encode()).hexdigest()[:16]


def record(store: Store, text: str, intent: str, confidence: float, reason: str, user: str | None = None) -> None:
    """Log one gap: `reason` is "out_of_scope" or "not_helpful"."""
    ensure(store)
    store.transact(lambda conn: record_in(conn, text, intent, confidence, reason, user))


def record_in(conn: sqlite3.Connection, text: str, intent: str, confidence: float, reason: str,
              user: str | None = None) -> None:
    """`record` as part of a unit of writes (bot/store.py); the tables exist (`ensure` ran at start-up)."""
    salt = conn.execute(f"select salt from {SALT_TABLE} where id = 1").fetchone()[0] if user else ""
    conn.execute(
        f"insert into {TABLE} (text, intent, confidence, reason, user_hash, at) values (?, ?, ?, ?, ?, ?)",
        [" ".join(text.split())[:1000], intent, round(confidence, 3), reason, _hashed(salt, user) if user else None,
         time.time()],
    )


def frequent(store: Store, limit: int = 20) -> list[dict]:
    """The most frequent gaps (same text, ignoring case), most asked first, then most recent."""
    ensure(store)
    sql = f"""
        select min(text) as text, count(*) as times, count(distinct user_hash) as people,
               group_concat(distinct intent) as intents, group_concat(distinct reason) as reasons,
               round(avg(confidence), 2) as confidence, max(at) as last
        from {TABLE} group by lower(text) order by times desc, last desc limit ?
    """
    return list(store.db.query(sql, [limit]))


def printable(text: str) -> str:
    """A logged question fit for a terminal: control characters (escape sequences, NUL, bell) dropped."""
    return "".join(ch for ch in text if ch.isprintable())


def report(store: Store, limit: int = 20) -> str:
    """`hirebot gaps`: one line per question, most frequent first."""
    rows = frequent(store, limit)
    if not rows:
        return "No knowledge gaps logged yet."
    out = [f"{'times':>5} {'people':>6}  {'last seen (UTC)':16}  {'reason':24} {'intent (conf)':28} question"]
    for r in rows:
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(r["last"]))
        intent = f"{r['intents']} ({r['confidence']:.2f})"
        out.append(f"{r['times']:>5} {r['people']:>6}  {when:16}  {r['reasons']:24} {intent:28} {printable(r['text'])}")
    return "\n".join(out)
