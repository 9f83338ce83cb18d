"""Reqs and their alerts outbox, in the same SQLite file as `Store`.

A req is saved with its analysis, and its alert (when the findings are new) is queued in the same
transaction, so a req is never stored without its alert or alerted without being stored. Each req
version alerts at most once, and a changed req alerts again only when its findings changed.
"""

import hashlib
import json
import socket
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pydantic import ValidationError

from bot.delivery import claimant, claimant_alive
from bot.engine.reqs import Req, ReqReport
from bot.engine.reqs.model import field_errors
from bot.store import Store

OPEN, ACKNOWLEDGED, INTENDED, CLEAR = "open", "acknowledged", "intended", "clear"
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"  # FAILED: Slack refused it for good
LEASE = 60.0  # seconds a sender owns an alert it is sending; a crashed sender's alert is retried after it


SCHEMA = {
    "reqs": [
        "create table if not exists reqs (key text primary key, id text, origin text, title text, data text, "
        "content_hash text, version integer, report text, fingerprint text, alerted_fingerprint text, status text, "
        "submitter text, recipient text, created real, updated real, resolved_by text, resolved_at real, "
        "reason text)",
        "create index if not exists idx_reqs_status on reqs (status)",
    ],
    "alerts": [
        "create table if not exists alerts (id integer primary key, req_key text, version integer, "
        "fingerprint text, recipient text, status text, attempts integer, next_attempt real, last_error text, "
        "created real, sent_at real, channel text, ts text, owner text)",
        "create unique index if not exists idx_alerts_req_version on alerts (req_key, version)",
        "create index if not exists idx_alerts_due on alerts (status, next_attempt)",
    ],
    "req_actions": ["create table if not exists req_actions (id integer primary key, req_key text, user text, "
                    "action text, reason text, at real)"],
    "greenhouse_users": ["create table if not exists greenhouse_users (greenhouse_id text primary key, "
                         "slack_user text)"],
    "greenhouse_jobs": ["create table if not exists greenhouse_jobs (job_id text primary key, job text, post text, "
                        "updated real)"],
}


@dataclass(frozen=True)
class Saved:
    """What saving one req did: `outcome` is imported | updated | unchanged."""

    key: str
    outcome: str
    version: int
    alert_id: int | None


def req_key(req: Req, origin: str = "req") -> str:
    """The req's identity: its id (per origin), or a hash of its title and description when it has none."""
    if req.id:
        return f"{origin}:{req.id}"
    digest = hashlib.sha256(f"{req.title}\n{req.description}".encode()).hexdigest()[:16]
    return f"{origin}:anon-{digest}"


class ReqStore:
    """Reqs, alerts, actions on alerts, and the Greenhouse -> Slack user mapping."""

    def __init__(self, store: Store):
        self.store = store
        self.db = store.db
        store.settle(self._create)

    def _create(self) -> None:
        """The tables, made once under a write lock (two processes may start on one new database)."""
        if set(SCHEMA) <= set(self.db.table_names()):
            return
        conn = self.db.conn
        if conn.in_transaction:
            conn.commit()
        conn.execute("BEGIN IMMEDIATE")  # waits (busy timeout) for another starter instead of failing
        try:
            for statements in SCHEMA.values():
                for statement in statements:
                    conn.execute(statement)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise

    def _one(self, sql: str, params: list) -> dict | None:
        """The first row of a query as a dict (the cursor is finished, so no read stays open)."""
        rows = list(self.db.query(sql, params))
        return rows[0] if rows else None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (BEGIN IMMEDIATE: it waits for the write lock instead of failing later);
        inside a caller's transaction, part of it. sqlite-utils commits each write on its own otherwise."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    # ------------------------------------------------------------------------------------------ reqs

    def save(self, req: Req, report: ReqReport, origin: str = "req", submitter: str | None = None,
             key: str | None = None, recipient: str | None = None) -> Saved:
        """Store one req and its analysis; queue its alert in the same transaction."""
        with self.transaction():
            return self._save(req, report, origin, submitter, key, recipient)

    def save_many(self, items: Iterable[tuple[Req, ReqReport]], origin: str = "req") -> list[Saved]:
        """Store many reqs in one transaction (an import chunk)."""
        with self.transaction():
            return [self._save(req, report, origin, None, None, None) for req, report in items]

    def _save(self, req: Req, report: ReqReport, origin: str, submitter: str | None, key: str | None,
              recipient: str | None) -> Saved:
        key = key or req_key(req, origin)
        data = req.model_dump_json(exclude_none=True)
        content_hash = _content_hash(data)
        now = time.time()
        row = self._one("select version, content_hash, alerted_fingerprint, status, created, submitter "
                        "from reqs where key = ?", [key])
        if row and row["content_hash"] == content_hash:
            return Saved(key, "unchanged", row["version"], None)
        version = row["version"] + 1 if row else 1
        fingerprint = report.fingerprint()
        alert = bool(report.findings) and fingerprint != (row["alerted_fingerprint"] if row else None)
        if alert:
            status = OPEN
        elif report.findings:
            status = row["status"]  # same findings as alerted before: keep what the lead decided
        else:
            status = CLEAR
        recipient = recipient or req.team_lead
        self.db.execute(
            "insert or replace into reqs (key, id, origin, title, data, content_hash, version, report, fingerprint, "
            "alerted_fingerprint, status, submitter, recipient, created, updated) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [key, req.id, origin, req.title, data, content_hash, version, json.dumps(_report_json(report)),
             fingerprint, fingerprint if alert else (row["alerted_fingerprint"] if row else None), status,
             submitter or (row["submitter"] if row else None), recipient, row["created"] if row else now, now],
        )
        alert_id = None
        if alert:
            cursor = self.db.execute(
                "insert into alerts (req_key, version, fingerprint, recipient, status, attempts, next_attempt, "
                "created) values (?, ?, ?, ?, ?, 0, ?, ?)",
                [key, version, fingerprint, recipient, PENDING, now, now],
            )
            alert_id = cursor.lastrowid
        return Saved(key, "updated" if row else "imported", version, alert_id)

    def unchanged(self, req: Req, origin: str = "req") -> bool:
        """Whether this exact req is stored already (so it needs no analysis)."""
        row = self.db.execute("select content_hash from reqs where key = ?", [req_key(req, origin)]).fetchone()
        return bool(row) and row[0] == _content_hash(req.model_dump_json(exclude_none=True))

    def get(self, key: str) -> dict | None:
        """One req row, with `req` (a Req) and `report` (a ReqReport) decoded; None when unknown."""
        row = self._one("select * from reqs where key = ?", [key])
        return _decode(row) if row else None

    def recent(self, limit: int = 30) -> list[dict]:
        """The most recently changed reqs, decoded like `get`, newest first."""
        return [_decode(row) for row in self.db.query("select * from reqs order by updated desc limit ?", [limit])]

    def open_reqs(self, user: str | None = None, limit: int = 50) -> list[dict]:
        """Reqs with unresolved findings, newest first (for one team lead / hiring manager when `user` is given).
        Filtered and limited in SQL: decoding every open req to filter it took 150 ms at 5,000 open reqs."""
        sql, params = "select * from reqs where status = ?", [OPEN]
        if user is not None:
            sql += " and ? in (recipient, json_extract(data, '$.hiring_manager'), json_extract(data, '$.team_lead'))"
            params.append(user)
        rows = list(self.db.query(f"{sql} order by updated desc limit ?", [*params, limit]))
        return [_decode(row) for row in rows]

    def can_resolve(self, key: str, user: str) -> bool:
        """Only the req's team lead or hiring manager (or the alert's recipient) may resolve it; a req that
        names neither (its alert went to the alert channel) may be resolved by whoever sees it there."""
        item = self.get(key)
        if not item:
            return False
        owners = {item["recipient"], item["req"].team_lead, item["req"].hiring_manager} - {None}
        return user in owners or not owners

    def resolve(self, key: str, user: str, action: str, reason: str | None = None) -> bool:
        """Record who did what and when (acknowledged / intended); the req leaves the open list. Idempotent:
        a req already in that state (a second click) is left as it is and False returned."""
        status = {"acknowledge": ACKNOWLEDGED, "intended": INTENDED}[action]
        now = time.time()
        with self.transaction():
            changed = self.db.execute("update reqs set status = ?, resolved_by = ?, resolved_at = ?, reason = ? "
                                      "where key = ? and status != ?", [status, user, now, reason, key, status])
            if changed.rowcount != 1:
                return False
            self.db.execute("insert into req_actions (req_key, user, action, reason, at) values (?, ?, ?, ?, ?)",
                            [key, user, action, reason, now])
        return True

    def actions(self, key: str) -> list[dict]:
        """Who did what to a req, oldest first."""
        return list(self.db.query("select * from req_actions where req_key = ? order by id", [key]))

    # ------------------------------------------------------------------------------------------ alerts

    def due_alerts(self, now: float | None = None, limit: int = 20) -> list[dict]:
        """Undelivered alerts whose next attempt is due (or whose sender's lease ran out), oldest first."""
        return list(self.db.query(
            "select * from alerts where status in (?, ?) and next_attempt <= ? order by id limit ?",
            [PENDING, SENDING, time.time() if now is None else now, limit],
        ))

    def claim(self, alert_id: int) -> bool:
        """Take an alert for sending (atomic, so two senders never post the same alert)."""
        now = time.time()
        with self.transaction():
            cursor = self.db.execute(
                "update alerts set status = ?, next_attempt = ?, owner = ? where id = ? and status in (?, ?) "
                "and next_attempt <= ?", [SENDING, now + LEASE, claimant(), alert_id, PENDING, SENDING, now],
            )
        return cursor.rowcount == 1

    def release_orphans(self) -> int:
        """Alerts claimed by a process of this host that is gone (killed mid-send) become due again now (the
        sender looks each up in Slack before posting it again)."""
        host = socket.gethostname()
        rows = self.db.execute("select id, owner from alerts where status = ?", [SENDING]).fetchall()
        orphans = [i for i, owner in rows if owner and owner.rpartition(":")[0] == host
                   and not claimant_alive(owner)]
        with self.transaction():
            for alert_id in orphans:
                self.db.execute("update alerts set next_attempt = ? where id = ? and status = ?",
                                [time.time(), alert_id, SENDING])  # still `sending`: looked up before it is resent
        return len(orphans)

    def pending_count(self) -> int:
        """How many alerts wait to be delivered."""
        return self.db.execute("select count(*) from alerts where status in (?, ?)", [PENDING, SENDING]).fetchone()[0]

    def next_due(self) -> float | None:
        """When the earliest undelivered alert is due (a time.time() value), or None when none waits."""
        return self.db.execute("select min(next_attempt) from alerts where status in (?, ?)",
                               [PENDING, SENDING]).fetchone()[0]

    def alerts(self, key: str | None = None) -> list[dict]:
        """All alerts (of one req when `key` is given)."""
        if key is None:
            return list(self.db.query("select * from alerts order by id"))
        return list(self.db.query("select * from alerts where req_key = ? order by id", [key]))

    def mark_sent(self, alert_id: int, channel: str | None, ts: str | None) -> None:
        """The alert reached Slack."""
        with self.transaction():
            self.db.execute("update alerts set status = ?, sent_at = ?, channel = ?, ts = ?, attempts = attempts + 1 "
                            "where id = ?", [SENT, time.time(), channel, ts, alert_id])

    def mark_failed(self, alert_id: int, error: str, retry_in: float) -> None:
        """The attempt failed; try again in `retry_in` seconds."""
        with self.transaction():
            self.db.execute("update alerts set status = ?, attempts = attempts + 1, last_error = ?, next_attempt = ? "
                            "where id = ?", [PENDING, error[:500], time.time() + retry_in, alert_id])

    def reroute(self, alert_id: int, channel: str, error: str) -> None:
        """Slack refused the alert's channel (`error`): send it to `channel` instead, now."""
        with self.transaction():
            self.db.execute("update alerts set status = ?, attempts = attempts + 1, last_error = ?, recipient = ?, "
                            "next_attempt = ? where id = ?", [PENDING, error[:500], channel, time.time(), alert_id])

    def mark_undeliverable(self, alert_id: int, error: str) -> None:
        """Slack refused the alert for good (`error`, its name): no more attempts."""
        with self.transaction():
            self.db.execute("update alerts set status = ?, attempts = attempts + 1, last_error = ? where id = ?",
                            [FAILED, error[:500], alert_id])

    def visible(self, user: str, recruiter: bool, status: str | None = None, limit: int = 30,
                offset: int = 0) -> list[dict]:
        """The reqs `user` may see, newest first (after the newest `offset`): those they lead or manage (or whose
        alert they got), and, for a recruiter, every req that is not confidential. `status` filters (e.g. OPEN)."""
        sql, params = self._visible(user, recruiter, status)
        rows = list(self.db.query(f"select * {sql} order by updated desc limit ? offset ?", [*params, limit, offset]))
        return [_decode(row) for row in rows]

    def visible_count(self, user: str, recruiter: bool, status: str | None = None) -> int:
        """How many reqs `visible` would list without a limit."""
        sql, params = self._visible(user, recruiter, status)
        return self.db.execute(f"select count(*) {sql}", params).fetchone()[0]

    @staticmethod
    def _visible(user: str, recruiter: bool, status: str | None) -> tuple[str, list]:
        mine = "? in (recipient, json_extract(data, '$.hiring_manager'), json_extract(data, '$.team_lead'))"
        sql = f"from reqs where ({mine}"
        sql += " or coalesce(json_extract(data, '$.confidential'), 0) = 0)" if recruiter else ")"
        params: list = [user]
        if status:
            sql += " and status = ?"
            params.append(status)
        return sql, params

    def undelivered(self, keys: Iterable[str]) -> dict[str, str]:
        """Req key -> why its latest alert could not be delivered, for the reqs among `keys` whose alert failed."""
        keys = list(keys)
        if not keys:
            return {}
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(f"select req_key, last_error from alerts a where status = ? and req_key in ({marks}) "
                               "and id = (select max(id) from alerts where req_key = a.req_key)",
                               [FAILED, *keys]).fetchall()
        return dict(rows)

    # ------------------------------------------------------------------------------------------ users

    def map_users(self, pairs: Iterable[tuple[str, str]]) -> int:
        """Store Greenhouse user id -> Slack user id pairs; returns how many."""
        rows = [{"greenhouse_id": g, "slack_user": s} for g, s in pairs]
        with self.transaction():
            self.db["greenhouse_users"].upsert_all(rows, pk="greenhouse_id")
        return len(rows)

    def greenhouse_part(self, job_id: str, part: dict[str, str]) -> dict:
        """Keep one part of a Greenhouse job (`{"job": json}` or `{"post": json}`); returns its row so far."""
        with self.transaction():
            self.db["greenhouse_jobs"].upsert({"job_id": job_id, **part, "updated": time.time()}, pk="job_id")
        return self.db["greenhouse_jobs"].get(job_id)

    def slack_user(self, greenhouse_id: str | int | None) -> str | None:
        """The Slack user mapped to a Greenhouse user id, or None."""
        if greenhouse_id is None:
            return None
        row = self._one("select slack_user from greenhouse_users where greenhouse_id = ?", [str(greenhouse_id)])
        return row["slack_user"] if row else None


def _content_hash(data: str) -> str:
    return hashlib.sha256(data.encode()).hexdigest()


def _report_json(report: ReqReport) -> dict:
    """The report with its cited facts (the contract JSON leaves them out; alerts show them)."""
    data = report.model_dump()
    for finding, out in zip(report.findings, data["findings"], strict=True):
        out["cited"] = [c.model_dump() for c in finding.cited]
    return data


def _decode(row: dict) -> dict:
    item = dict(row)
    item["req"] = _stored_req(row["data"])
    item["report"] = ReqReport.model_validate(json.loads(row["report"]))
    return item


def _stored_req(data: str) -> Req:
    """A stored req; a field stored before it was checked as it is now (a tracker link that is not one, a lead
    that is not a Slack user id) is left out rather than shown."""
    try:
        return Req.model_validate_json(data)
    except ValidationError as err:
        fields = json.loads(data)
        for field in field_errors(err):
            fields.pop(field, None)
        return Req.model_validate(fields)
