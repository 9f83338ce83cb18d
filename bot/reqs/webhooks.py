"""The req webhooks of `hirebot serve`: `POST /webhooks/reqs` (our JSON) and `POST /webhooks/greenhouse`.

Both verify an HMAC-SHA256 of the raw body before reading it: a bad signature gets 401 and stores
nothing; a malformed body gets 400 with the reason. Greenhouse deliveries are deduplicated by
`Greenhouse-Event-ID`; a Greenhouse job arrives in two parts (the job: title, hiring team, band; the job
post: the description), kept in `greenhouse_jobs` until both are there, then analysed as one req.
"""

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.engine.reqs import Req, ReqError, analyse, parse_req, plain_text
from bot.knowledge import KnowledgeBase
from bot.reqs.store import ReqStore, Saved

JOB_ACTIONS = {"job_created", "job_updated"}
POST_ACTIONS = {"job_post_created", "job_post_updated"}
REQ_FIELDS = {"level", "employer_tier", "region", "target_fill_days", "requires_phd"}
MAX_BODY = 1_000_000


class Reply(Exception):
    """An HTTP answer: status and a JSON body."""

    def __init__(self, status: int, body: dict):
        self.status, self.body = status, body
        super().__init__(f"{status}: {body}")


def _hmac(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str | None, body: bytes, header: str | None, prefix: str) -> None:
    """Raise Reply(401) unless `header` is `prefix + hex HMAC-SHA256(secret, body)`."""
    if not secret:
        raise Reply(401, {"error": "webhook secret is not configured"})
    expected = prefix + _hmac(secret, body)
    if not header or not hmac.compare_digest(header.strip().encode(), expected.encode()):
        raise Reply(401, {"error": "bad signature"})


class ReqWebhooks:
    """Handles the two webhook paths; `on_saved` is called after a req is stored (e.g. to wake the sender)."""

    def __init__(self, kb: KnowledgeBase, reqs: ReqStore, webhook_secret: str | None,
                 greenhouse_secret: str | None, on_saved: Callable[[Saved], None] | None = None):
        self.kb, self.reqs = kb, reqs
        self.webhook_secret, self.greenhouse_secret = webhook_secret, greenhouse_secret
        self.on_saved = on_saved or (lambda saved: None)

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        """Answer one POST: (HTTP status, JSON body). Header names are matched case-insensitively."""
        headers = {k.lower(): v for k, v in headers.items()}
        try:
            if len(body) > MAX_BODY:
                raise Reply(413, {"error": "body too large"})
            if path == "/webhooks/reqs":
                return self._ours(headers, body)
            if path == "/webhooks/greenhouse":
                return self._greenhouse(headers, body)
            raise Reply(404, {"error": "not found"})
        except Reply as reply:
            return reply.status, reply.body

    # -------------------------------------------------------------------------------------- ours

    def _ours(self, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        verify(self.webhook_secret, body, headers.get("x-hirebot-signature"), "sha256=")
        data = _json(body)
        try:
            req = parse_req(data)
        except ReqError as err:
            raise Reply(400, {"error": str(err)}) from None
        saved = self._save(req, "req", None)
        return 200, _result(saved, self.reqs)

    # -------------------------------------------------------------------------------------- greenhouse

    def _greenhouse(self, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        signature = headers.get("signature", "")
        try:
            verify(self.greenhouse_secret, body, signature.replace("sha256 ", "sha256=", 1), "sha256=")
        except Reply:
            if _is_ping(body):
                return 200, {"ok": True}  # Greenhouse pings when the hook is saved; nothing is stored
            raise
        data = _json(body)
        if isinstance(data, dict) and data.get("action") == "ping":
            return 200, {"ok": True}
        if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
            raise Reply(400, {"error": "payload: missing (expected Greenhouse's {action, payload})"})
        action = data.get("action")
        if action not in JOB_ACTIONS | POST_ACTIONS:
            return 200, {"ok": True, "ignored": f"action {action!r} is not a job event"}
        event = f"greenhouse:{headers.get('greenhouse-event-id')}" if headers.get("greenhouse-event-id") else None
        if event and self.reqs.db.execute("select 1 from events where id = ?", [event]).fetchone():
            return 200, {"ok": True, "duplicate": event}
        status, reply = self._greenhouse_job(data["action"], data["payload"])
        if event:
            self.reqs.store.first_time(event)  # recorded once handled, so a failed delivery can be retried
        return status, reply

    def _greenhouse_job(self, action: str, payload: dict) -> tuple[int, dict]:
        """Keep one part of a Greenhouse job and, once both are there, the req they make: all in one
        transaction, so a part that cannot make a req is not kept either. A part older (`updated_at`) than
        the one kept is ignored: Greenhouse may deliver a job_updated after a newer one."""
        kind, part = ("job", payload.get("job")) if action in JOB_ACTIONS else ("post", payload)
        problem = _shape_problem(kind, part)
        if problem:
            raise Reply(400, {"error": problem})
        if kind == "post" and part.get("job_id") is None:
            return 200, {"ok": True, "ignored": "a prospect post (no job_id)"}
        job_id = str(part["id"] if kind == "job" else part["job_id"])
        with self.reqs.transaction():
            kept = self.reqs.db.execute(f"select {kind} from greenhouse_jobs where job_id = ?", [job_id]).fetchone()
            if kept and kept[0] and _older(part.get("updated_at"), json.loads(kept[0]).get("updated_at")):
                return 200, {"ok": True, "ignored": f"this {kind} is older than the one kept (updated_at)"}
            row = self.reqs.greenhouse_part(job_id, {kind: json.dumps(part)})
            if not row.get("job") or not row.get("post"):
                return 202, {"ok": True, "waiting_for": "job post" if row.get("job") else "job"}
            req, lead = self._greenhouse_req(job_id, json.loads(row["job"]), json.loads(row["post"]))
            saved = self.reqs.save(req, analyse(self.kb, req), origin="greenhouse", key=f"greenhouse:{job_id}",
                                   recipient=lead)
        self.on_saved(saved)
        return 200, _result(saved, self.reqs)

    def _greenhouse_req(self, job_id: str, job: dict, post: dict) -> tuple[Req, str | None]:
        fields: dict[str, Any] = {"id": job.get("requisition_id") or job_id, "title": job.get("name") or
                                  post.get("title"), "description": plain_text(post.get("content") or "")}
        team = job.get("hiring_team") or {}
        managers = [self.reqs.slack_user(_user_id(u)) for u in team.get("hiring_managers") or []]
        manager = next((m for m in managers if m), None)
        lead = None
        for key, field in (job.get("custom_fields") or {}).items():
            if not isinstance(field, dict):
                continue
            value = field.get("value")
            if field.get("type") == "currency_range" and isinstance(value, dict):
                fields.update(comp_min=value.get("min_value"), comp_max=value.get("max_value"),
                              currency=value.get("unit") or "USD", comp_basis="base")  # Greenhouse pay: base
            elif field.get("type") == "user" and "lead" in key and isinstance(value, dict):
                lead = self.reqs.slack_user(_user_id(value))
            elif key in REQ_FIELDS and value not in (None, ""):
                fields[key] = value
        fields.update(hiring_manager=manager, team_lead=lead or manager,
                      confidential=job.get("confidential") is True or None)
        try:
            return parse_req(fields), lead or manager
        except ReqError as err:
            raise Reply(400, {"error": f"greenhouse job {job_id}: {err}"}) from None

    def _save(self, req: Req, origin: str, recipient: str | None, key: str | None = None) -> Saved:
        saved = self.reqs.save(req, analyse(self.kb, req), origin=origin, key=key, recipient=recipient)
        self.on_saved(saved)
        return saved

    # -------------------------------------------------------------------------------------- WSGI

    def wsgi(self, fallback: Callable) -> Callable:
        """A WSGI app that serves the webhook paths and hands every other request to `fallback`."""
        def app(environ: dict, start_response: Callable) -> list[bytes]:
            path = environ.get("PATH_INFO", "")
            if not path.startswith("/webhooks/"):
                return fallback(environ, start_response)
            if environ.get("REQUEST_METHOD") != "POST":
                return respond(start_response, 405, {"error": "POST only"})
            status, reply = self.handle(*read_request(environ))
            return respond(start_response, status, reply)
        return app


def read_request(environ: dict) -> tuple[str, dict[str, str], bytes]:
    """A WSGI request's path, headers and body (read up to one byte past MAX_BODY, so `handle` answers 413)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(min(length, MAX_BODY + 1)) if length > 0 else b""
    headers = {k[5:].replace("_", "-"): v for k, v in environ.items() if k.startswith("HTTP_")}
    return environ.get("PATH_INFO", ""), headers, body


GREENHOUSE_SHAPES = {  # part -> field -> the JSON types Greenhouse sends for it (None allowed too)
    "job": {"id": (int, str), "name": str, "requisition_id": (int, str), "hiring_team": dict, "custom_fields": dict,
            "updated_at": str, "confidential": bool},
    "post": {"job_id": (int, str), "title": str, "content": str, "updated_at": str},
}


def _shape_problem(kind: str, part: object) -> str | None:
    """Why a Greenhouse job or job post cannot be read (a field of the wrong JSON type), or None."""
    if not isinstance(part, dict):
        return "payload.job: expected an object" if kind == "job" else "payload: expected an object"
    if kind == "job" and part.get("id") is None:
        return "payload.job.id: missing"
    for field, types in GREENHOUSE_SHAPES[kind].items():
        value = part.get(field)
        if value is not None and (not isinstance(value, types) or (isinstance(value, bool) and types is not bool)):
            return f"payload.{'job.' if kind == 'job' else ''}{field}: not the type Greenhouse sends"
    team = part.get("hiring_team") or {}
    if kind == "job" and not isinstance(team.get("hiring_managers") or [], list):
        return "payload.job.hiring_team.hiring_managers: expected a list"
    return None


def _older(new: object, kept: object) -> bool:
    """Whether Greenhouse's `updated_at` `new` is before `kept` (False when either is missing or unreadable)."""
    if not new or not kept:
        return False
    try:
        stamps = [datetime.fromisoformat(str(v)) for v in (new, kept)]
    except ValueError:
        return False
    aware = [s if s.tzinfo else s.replace(tzinfo=UTC) for s in stamps]
    return aware[0] < aware[1]


def _user_id(user: object) -> str | None:
    if isinstance(user, dict):
        value = user.get("user_id", user.get("id"))
        return None if value is None else str(value)
    return None


def _is_ping(body: bytes) -> bool:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        return False
    return isinstance(data, dict) and data.get("action") == "ping"


def _json(body: bytes) -> object:
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError as err:  # not UTF-8, not JSON, or an integer of more than 4,300 digits
        raise Reply(400, {"error": f"body is not JSON: {err}"}) from None
    except RecursionError:
        raise Reply(400, {"error": "body is not JSON we can read: nested too deep"}) from None


def _result(saved: Saved, reqs: ReqStore) -> dict:
    item = reqs.get(saved.key)
    return {"ok": True, "key": saved.key, "outcome": saved.outcome, "version": saved.version,
            "alert_queued": saved.alert_id is not None, "report": item["report"].model_dump() if item else None}


REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
           405: "Method Not Allowed", 413: "Payload Too Large", 503: "Service Unavailable"}


def respond(start_response: Callable, status: int, body: dict) -> list[bytes]:
    """Start a JSON response with `status` and return its body."""
    data = json.dumps(body).encode()
    start_response(f"{status} {REASONS.get(status, 'Error')}",
                   [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
