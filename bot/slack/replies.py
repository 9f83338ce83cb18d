"""The reply outbox: answers hirebot posts with chat.postMessage are delivered, once, through a Slack outage.

A reply is queued in SQLite in the same unit of writes as the rest of its message (its event ids, the new
state, the answer kept for its buttons, whose key it shares), then posted at once. One that could not be
posted (429, 5xx, network down) waits here and is posted when Slack is back: after Retry-After (which pauses
every reply of this process), else with backoff; in order within its conversation; across restarts. After
GIVE_UP_AFTER seconds it is given up, logged and counted. A refusal Slack will repeat (channel_not_found,
is_archived, ...) ends it at once. Each reply carries its key in message metadata, so a reply whose sender
died while posting it is looked up in the conversation before it is posted again: never doubled.
"""

import logging
import socket
import sqlite3
import time
from collections.abc import Callable
from functools import partial

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.delivery import Failure, Sender, backoff, claimant, claimant_alive, failure, find_posted, metadata
from bot.store import Store, prune_due

log = logging.getLogger("hirebot.replies")

TABLE = "slack_replies"
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
EVENT_TYPE = "hirebot_reply"  # message metadata: {"event_type": EVENT_TYPE, "event_payload": {"key": key}}
LEASE = 60.0  # seconds a process owns a reply it is posting; after that another may look it up and post it
GIVE_UP_AFTER = 3600.0  # seconds: an answer an hour late is given up (logged and counted)
KEEP_SECONDS = 7 * 24 * 3600  # delivered and failed replies are forgotten after a week
UNDELIVERED = f"status in ('{PENDING}', '{SENDING}')"


def ensure(store: Store) -> None:
    """Create the table at start-up (IF NOT EXISTS: another process may be creating it)."""
    def create() -> None:
        store.db.execute(f"create table if not exists {TABLE} (key text primary key, channel text, thread_ts text, "
                         "status text, attempts integer, next_attempt real, last_error text, created real, "
                         "sent_at real, ts text, owner text)")
        store.db.execute(f"create index if not exists idx_{TABLE}_due on {TABLE} (status, next_attempt)")
        store.db.execute(f"create index if not exists idx_{TABLE}_place on {TABLE} (channel, thread_ts, status)")
        store.db.execute(f"create index if not exists idx_{TABLE}_created on {TABLE} (created)")
    store.settle(create)


def queue_in(conn: sqlite3.Connection, key: str, channel: str, thread_ts: str | None, paused_until: float) -> bool:
    """Queue the reply kept under `key` as part of its message's unit of writes: owned by this process, to be
    posted at once (True), unless an earlier reply of the same conversation still waits or Slack asked us to
    pause (False: the sender posts it, in order)."""
    now = time.time()
    if prune_due(TABLE, now):
        conn.execute(f"delete from {TABLE} where created < ? and status in ('{SENT}', '{FAILED}')",
                     [now - KEEP_SECONDS])
    waits = conn.execute(f"select 1 from {TABLE} where channel = ? and thread_ts is ? and {UNDELIVERED} limit 1",
                         [channel, thread_ts]).fetchone()
    status, due = (PENDING, max(now, paused_until)) if waits or paused_until > now else (SENDING, now + LEASE)
    conn.execute(f"insert into {TABLE} (key, channel, thread_ts, status, attempts, next_attempt, created, owner) "
                 "values (?, ?, ?, ?, 0, ?, ?, ?)", [key, channel, thread_ts, status, due, now, claimant()])
    return status == SENDING


class ReplyOutbox(Sender):
    """Posts queued replies: `post()` for one just queued, a background thread for those that wait."""

    what = "reply"

    def __init__(self, store: Store, client: WebClient, render: Callable[[str], dict | None],
                 base_delay: float = 1.0, max_delay: float = 30.0, poll: float = 5.0,
                 give_up_after: float = GIVE_UP_AFTER):
        """`client` should not retry by itself (the outbox does); `render(key)` is the message of a kept answer."""
        ensure(store)
        self.store, self.client, self.render = store, client, render
        self.base_delay, self.max_delay, self.poll = base_delay, max_delay, poll
        self.give_up_after = give_up_after
        self.paused_until = 0.0  # Slack's Retry-After, for every reply of this process
        self.given_up = 0
        super().__init__()

    def queue_in(self, conn: sqlite3.Connection, key: str, channel: str, thread_ts: str | None) -> bool:
        """`queue_in` with this process's pause: a unit part for Hirebot.reply (True: `post` it now)."""
        return queue_in(conn, key, channel, thread_ts, self.paused_until)

    # ------------------------------------------------------------------------------------------ posting

    def post(self, key: str, channel: str, thread_ts: str | None, message: dict) -> None:
        """Post the reply just queued under `key`, which `queue_in` claimed for this process to post now.

        Its "sent" is committed with the next batch without waiting for it (Store.transact_later): should the
        process die before that, the reply's claim names a dead process, and the reply is looked up in Slack
        before it is posted again (`release_orphans`, `_deliver`)."""
        row = {"key": key, "channel": channel, "thread_ts": thread_ts, "attempts": 0, "created": time.time()}
        self._attempt(row, message, sent_later=True)

    def _attempt(self, row: dict, message: dict, sent_later: bool = False) -> bool:
        """Post one claimed reply; record what happened. True when it reached Slack."""
        now = time.time()
        if now < self.paused_until:
            self._update(row["key"], status=PENDING, next_attempt=self.paused_until)
            return False
        try:
            response = self.client.chat_postMessage(channel=row["channel"], thread_ts=row["thread_ts"],
                                                    metadata=metadata(EVENT_TYPE, row["key"]), **message)
        except (SlackApiError, SlackClientError, OSError) as err:
            self._failed(row, failure(err))
            return False
        self._update(row["key"], status=SENT, sent_at=time.time(), ts=response.get("ts"),
                     attempts=row["attempts"] + 1, later=sent_later)
        return True

    def _failed(self, row: dict, failed: Failure) -> None:
        now = time.time()
        attempts = row["attempts"] + 1
        if failed.retry_after is not None:  # a rate limit: a pause for every reply, not this one's failure
            self.paused_until = max(self.paused_until, now + failed.retry_after)
            attempts = row["attempts"]
        where = f"{row['channel']}{' thread ' + row['thread_ts'] if row['thread_ts'] else ''}"
        if not failed.retry:
            self._update(row["key"], status=FAILED, attempts=attempts, last_error=failed.error)
            log.error("reply %s to %s not delivered: Slack refused it (%s); not retried", row["key"], where,
                      failed.error)
        elif now - row["created"] >= self.give_up_after:
            self.given_up += 1
            self._update(row["key"], status=FAILED, attempts=attempts, last_error=failed.error)
            log.error("reply %s to %s given up after %d attempts over %.0f s (last: %s); %d given up since start",
                      row["key"], where, attempts, now - row["created"], failed.error, self.given_up)
        else:
            delay = failed.retry_after if failed.retry_after is not None else backoff(
                row["attempts"], self.base_delay, self.max_delay)
            self._update(row["key"], status=PENDING, attempts=attempts, last_error=failed.error,
                         next_attempt=now + delay)
            log.warning("reply %s to %s not delivered yet (%s); next try in %.1f s", row["key"], where,
                        failed.error, delay)
        self.wake()

    def _update(self, key: str, later: bool = False, **values) -> None:
        sql = f"update {TABLE} set {', '.join(f'{name} = ?' for name in values)} where key = ?"
        if later:
            self.store.transact_later(sql, [*values.values(), key])
        else:
            self.store.transact(lambda conn: conn.execute(sql, [*values.values(), key]))

    # ------------------------------------------------------------------------------------------ the sender

    def deliver_due(self) -> int:
        """Post every reply that is due, oldest first; a conversation stops at its first failure (so its
        replies stay in order). Returns how many reached Slack."""
        now = time.time()
        if now < self.paused_until:
            return 0
        due = self.store.read(f"select key, channel, thread_ts, status, attempts, created, owner from {TABLE} "
                              f"where {UNDELIVERED} and next_attempt <= ? order by created limit 100", [now])
        names = ("key", "channel", "thread_ts", "status", "attempts", "created", "owner")
        delivered, blocked = 0, set()
        for values in due:
            row = dict(zip(names, values, strict=True))
            place = (row["channel"], row["thread_ts"])
            if place in blocked or time.time() < self.paused_until:
                continue
            if not self.store.transact(partial(_claim, key=row["key"], now=time.time())):
                continue  # another process has it
            if self._deliver(row):
                delivered += 1
            else:
                blocked.add(place)
        return delivered

    def _deliver(self, row: dict) -> bool:
        message = self.render(row["key"])
        if message is None:
            self._update(row["key"], status=FAILED, last_error="the answer is no longer kept")
            log.error("reply %s to %s not delivered: its answer is no longer kept", row["key"], row["channel"])
            return False
        if row["status"] == SENDING:  # its sender died or stalled while posting: it may have reached Slack
            ts = find_posted(self.client, row["channel"], row["thread_ts"], row["created"], EVENT_TYPE, row["key"])
            if ts:
                self._update(row["key"], status=SENT, sent_at=time.time(), ts=ts)
                log.info("reply %s was posted before its sender stopped; not posted again", row["key"])
                return True
        return self._attempt(row, message)

    def release_orphans(self) -> int:
        """Replies claimed by a process of this host that is gone become due now (looked up before posting)."""
        host = socket.gethostname()
        rows = self.store.read(f"select key, owner from {TABLE} where status = ?", [SENDING])
        orphans = [key for key, owner in rows if owner and owner.rpartition(":")[0] == host
                   and owner != claimant() and not claimant_alive(owner)]
        for key in orphans:
            self._update(key, next_attempt=time.time())
        return len(orphans)

    def _released(self) -> None:
        released = self.release_orphans()
        if released:
            log.info("%d reply(s) being posted when a process died will be looked up and sent", released)

    def _next_wait(self) -> float:
        rows = self.store.read(f"select min(next_attempt) from {TABLE} where {UNDELIVERED}")
        due = max(rows[0][0] or 0.0, self.paused_until) if rows and rows[0][0] is not None else None
        return self.poll if due is None else max(0.01, min(self.poll, due - time.time()))

    def counts(self) -> dict[str, int]:
        """How many replies are in each status (waiting: pending + sending)."""
        return dict(self.store.read(f"select status, count(*) from {TABLE} group by status"))


def _claim(conn: sqlite3.Connection, key: str, now: float) -> bool:
    """Take a due reply for posting (atomic: two senders never post the same one)."""
    cursor = conn.execute(f"update {TABLE} set status = ?, owner = ?, next_attempt = ? where key = ? and "
                          f"{UNDELIVERED} and next_attempt <= ?", [SENDING, claimant(), now + LEASE, key, now])
    return cursor.rowcount == 1
