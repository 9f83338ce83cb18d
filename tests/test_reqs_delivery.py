"""Req webhooks and alert delivery over real HTTP: waitress serves the webhooks, a local stand-in plays
Slack's Web API (failing on demand), and the sender delivers the outbox from a real SQLite file."""

import hashlib
import hmac
import io
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from slack_sdk import WebClient
from test_reqs import KB
from waitress.server import create_server

from bot.engine.reqs import analyse, parse_req, plain_text
from bot.render.alerts import alert_message
from bot.reqs.alerts import AlertSender
from bot.reqs.store import ReqStore
from bot.reqs.webhooks import MAX_BODY, ReqWebhooks, read_request
from bot.store import Store

SECRET, GH_SECRET = "hook-secret", "greenhouse-secret"


class SlackStandIn:
    """Records Web API calls; `script` holds (status, body, headers) answers to give before the normal ones."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        self.script: list[tuple[int, dict, dict]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, reply, headers = stand_in.script.pop(0) if stand_in.script else (200, None, {})
                if status == 200:
                    data = json.loads(body or b"{}")
                    stand_in.calls.append((self.path.rsplit("/", 1)[-1], data))
                    reply = {"ok": True, "channel": data.get("channel"), "ts": f"{time.time():.6f}"}
                raw = json.dumps(reply).encode()
                self.send_response(status)
                for k, v in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def posts(self) -> list[dict]:
        return [data for method, data in self.calls if method == "chat.postMessage"]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slack():
    stand_in = SlackStandIn()
    yield stand_in
    stand_in.close()


def client(slack: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.url, retry_handlers=[])


class Server:
    """hirebot's webhooks on waitress, on a free localhost port."""

    def __init__(self, db, on_saved=None):
        self.reqs = ReqStore(Store(db))
        hooks = ReqWebhooks(KB, self.reqs, SECRET, GH_SECRET, on_saved)
        self.server = create_server(hooks.wsgi(_not_found), host="127.0.0.1", port=0, threads=2)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping.is_set():  # waitress's loop, stoppable between polls
            self.server.asyncore.loop(timeout=0.05, map=self.server._map, count=1)

    def post(self, path: str, body: bytes, headers: dict) -> tuple[int, dict]:
        request = urllib.request.Request(self.url + path, data=body, method="POST",
                                         headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    def close(self):
        self.stopping.set()
        self.thread.join(timeout=5)
        self.server.close()


def _not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


@pytest.fixture
def server(tmp_path):
    srv = Server(tmp_path / "hirebot.db")
    yield srv
    srv.close()


def signed(body: dict, secret: str = SECRET) -> tuple[bytes, dict]:
    raw = json.dumps(body).encode()
    return raw, {"X-Hirebot-Signature": "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()}


def greenhouse(body: dict, event_id: str, secret: str = GH_SECRET) -> tuple[bytes, dict]:
    raw = json.dumps(body).encode()
    sig = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"Signature": f"sha256 {sig}", "Greenhouse-Event-ID": event_id}


REQ = {"id": "W-1", "title": "Senior Applied Scientist", "employer_tier": "series_a_b", "team_lead": "U0LEAD",
       "description": "Own our fraud detection model end to end in production: ship model updates weekly, keep "
                      "p99 serving latency under 50ms, build monitoring and automated retraining pipelines."}
JOB = {"action": "job_created", "payload": {"job": {
    "id": 371417, "name": "Senior Applied Scientist", "requisition_id": "GH-77", "status": "open",
    "hiring_team": {"hiring_managers": [{"user_id": 1234, "employee_id": None}], "recruiters": [],
                    "sourcers": [], "coordinators": []},
    "custom_fields": {"salary_range": {"name": "Salary Range", "type": "currency_range",
                                       "value": {"unit": "USD", "min_value": "150000.0", "max_value": "180000.0"}},
                      "employer_tier": {"name": "Employer tier", "type": "single_select", "value": "series_a_b"}}}}}
POST = {"action": "job_post_created", "payload": {
    "id": 1815002, "title": "Senior Applied Scientist", "job_id": 371417, "live": False,
    "content": "<p>Own our <b>fraud detection</b> model in production.</p><ul><li>Ship model updates weekly</li>"
               "<li>Keep p99 serving latency under 50ms</li><li>Build monitoring and automated retraining</li></ul>"}}


def test_our_webhook_stores_and_queues_one_alert(server):
    body, headers = signed(REQ)
    status, reply = server.post("/webhooks/reqs", body, headers)
    assert status == 200 and reply["outcome"] == "imported" and reply["alert_queued"]
    assert [f["kind"] for f in reply["report"]["findings"]][:2] == ["role_mismatch", "stage_mismatch"]
    status, reply = server.post("/webhooks/reqs", body, headers)  # delivered twice
    assert (status, reply["outcome"], reply["alert_queued"]) == (200, "unchanged", False)
    assert len(server.reqs.alerts()) == 1


@pytest.mark.parametrize("headers", [{}, {"X-Hirebot-Signature": "sha256=00"}, signed(REQ, "wrong")[1]])
def test_bad_signature_is_401_and_stores_nothing(server, headers):
    status, reply = server.post("/webhooks/reqs", json.dumps(REQ).encode(), headers)
    assert status == 401 and reply["error"] == "bad signature"
    assert server.reqs.db["reqs"].count == 0 and server.reqs.alerts() == []


@pytest.mark.parametrize(("body", "reason"), [
    (b"{not json", "body is not JSON"),
    (json.dumps({"title": "x"}).encode(), "description: is required"),
    (json.dumps({"title": "x", "description": "y", "level": "guru"}).encode(), "level:"),
])
def test_malformed_body_is_400_with_the_reason(server, body, reason):
    raw = body
    headers = {"X-Hirebot-Signature": "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()}
    status, reply = server.post("/webhooks/reqs", raw, headers)
    assert status == 400 and reason in reply["error"]
    assert server.reqs.db["reqs"].count == 0


def test_greenhouse_pair_makes_one_alert_and_repeats_do_not(server):
    server.reqs.map_users([("1234", "U0HM")])
    status, reply = server.post("/webhooks/greenhouse", *greenhouse(JOB, "evt-1"))
    assert (status, reply["waiting_for"]) == (202, "job post")
    status, reply = server.post("/webhooks/greenhouse", *greenhouse(POST, "evt-2"))
    assert status == 200 and reply["key"] == "greenhouse:371417" and reply["alert_queued"]
    kinds = [f["kind"] for f in reply["report"]["findings"]]
    assert "role_mismatch" in kinds and "stage_mismatch" in kinds
    for event in ("evt-1", "evt-2"):  # the same deliveries again
        assert server.post("/webhooks/greenhouse", *greenhouse(JOB if event == "evt-1" else POST, event))[1][
            "duplicate"]
    status, reply = server.post("/webhooks/greenhouse", *greenhouse(JOB, "evt-3"))  # a new event, same job
    assert reply["outcome"] == "unchanged"
    alerts = server.reqs.alerts()
    assert len(alerts) == 1 and alerts[0]["recipient"] == "U0HM"
    item = server.reqs.get("greenhouse:371417")
    assert (item["req"].comp_max, item["req"].hiring_manager, item["req"].id) == (180000, "U0HM", "GH-77")
    assert "- Ship model updates weekly" in item["req"].description


def test_greenhouse_unmapped_lead_goes_to_the_channel_and_ping_is_200(server):
    assert server.post("/webhooks/greenhouse", json.dumps({"action": "ping", "payload": {"web_hook_id": 1}})
                       .encode(), {})[0] == 200
    server.post("/webhooks/greenhouse", *greenhouse(POST, "p-1"))
    status, _ = server.post("/webhooks/greenhouse", *greenhouse(JOB, "p-2"))
    assert status == 200 and server.reqs.alerts()[0]["recipient"] is None


def test_greenhouse_bad_signature_is_401_and_stores_nothing(server):
    status, _ = server.post("/webhooks/greenhouse", *greenhouse(JOB, "x-1", secret="nope"))
    assert status == 401
    assert server.reqs.db["greenhouse_jobs"].count == 0 and server.reqs.db["reqs"].count == 0
    raw, headers = greenhouse(JOB, "x-2")
    assert server.post("/webhooks/greenhouse", raw, headers | {"Signature": "sha256=" + "0" * 64})[0] == 401


def test_html_to_text():
    assert plain_text("<p>Hello&nbsp;<b>world</b></p><ul><li>one</li><li>two &amp; three</li></ul>") == \
        "Hello world\n- one\n- two & three"


def queue_alert(db, req=REQ) -> ReqStore:
    reqs = ReqStore(Store(db))
    r = parse_req(req)
    reqs.save(r, analyse(KB, r))
    return reqs


def test_sender_retries_500_then_429_and_delivers_exactly_once(tmp_path, slack):
    reqs = queue_alert(tmp_path / "h.db")
    slack.script = [(500, {"ok": False, "error": "internal_error"}, {}),
                    (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"})]
    sender = AlertSender(reqs, client(slack), base_delay=0.05, poll=0.05).start()
    try:
        deadline = time.time() + 10
        while not slack.posts() and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)  # would a duplicate follow?
    finally:
        sender.stop()
    assert len(slack.posts()) == 1 and slack.script == []
    post = slack.posts()[0]
    assert post["channel"] == "U0LEAD" and "role_mismatch" in post["text"]
    alert = reqs.alerts()[0]
    assert (alert["status"], alert["attempts"]) == ("sent", 3)


def test_restart_delivers_what_was_left_undelivered(tmp_path, slack):
    db = tmp_path / "h.db"
    queue_alert(db)
    slack.script = [(500, {"ok": False, "error": "internal_error"}, {})]
    first = AlertSender(ReqStore(Store(db)), client(slack), base_delay=60)
    assert first.deliver_due() == 0  # the process dies with the alert undelivered
    restarted = AlertSender(ReqStore(Store(db)), client(slack), base_delay=60)
    pending = ReqStore(Store(db)).alerts()[0]
    ReqStore(Store(db)).db.execute("update alerts set next_attempt = 0 where id = ?", [pending["id"]]).connection \
        .commit()  # the backoff has passed
    assert restarted.deliver_due() == 1
    assert restarted.deliver_due() == 0
    assert len(slack.posts()) == 1


def test_no_recipient_and_no_channel_waits(tmp_path, slack):
    reqs = queue_alert(tmp_path / "h.db", {k: v for k, v in REQ.items() if k != "team_lead"})
    assert AlertSender(reqs, client(slack)).deliver_due() == 0
    assert "HIREBOT_ALERT_CHANNEL" in reqs.alerts()[0]["last_error"]
    reqs.db.execute("update alerts set next_attempt = 0").connection.commit()
    assert AlertSender(reqs, client(slack), alert_channel="C0ALERTS").deliver_due() == 1
    assert slack.posts()[0]["channel"] == "C0ALERTS"


def test_alert_message_shows_evidence_facts_and_buttons(tmp_path):
    reqs = queue_alert(tmp_path / "h.db", REQ | {"url": "https://ats.example/jobs/1"})
    text, blocks = alert_message(reqs.get(reqs.alerts()[0]["req_key"]))
    dumped = json.dumps(blocks)
    assert "Own our fraud detection model end to end in production" in dumped
    assert "000_addf858d7c04a9b8.txt" in dumped and "KB:" in dumped
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == ["Start diagnostic", "Acknowledge", "Intended as is",
                                                    "Open in tracker"]
    assert len(blocks) <= 50 and text.startswith("Req check: Senior Applied Scientist")


def test_an_alert_claimed_by_a_dead_process_is_sent_again_at_start(tmp_path, slack):
    import socket

    reqs = queue_alert(tmp_path / "h.db")
    alert = reqs.alerts()[0]
    assert reqs.claim(alert["id"]) and not reqs.claim(alert["id"])  # one sender at a time
    reqs.db.execute("update alerts set owner = ? where id = ?", [f"{socket.gethostname()}:999999999", alert["id"]])
    reqs.db.conn.commit()
    assert AlertSender(reqs, client(slack)).deliver_due() == 0  # still leased
    sender = AlertSender(reqs, client(slack), poll=0.05).start()  # a new process: the claimant is gone
    try:
        deadline = time.time() + 5
        while not slack.posts() and time.time() < deadline:
            time.sleep(0.02)
    finally:
        sender.stop()
    assert len(slack.posts()) == 1 and reqs.alerts()[0]["status"] == "sent"


def test_read_request_stops_one_byte_past_the_limit_whatever_content_length_says():
    body = io.BytesIO(b"x" * (MAX_BODY + 100))
    environ = {"PATH_INFO": "/webhooks/reqs", "CONTENT_LENGTH": str(10**12), "wsgi.input": body,
               "HTTP_X_HIREBOT_SIGNATURE": "sha256=00"}
    path, headers, read = read_request(environ)
    assert (path, headers["X-HIREBOT-SIGNATURE"], len(read)) == ("/webhooks/reqs", "sha256=00", MAX_BODY + 1)
    negative = {"CONTENT_LENGTH": "-1", "wsgi.input": io.BytesIO(b"{}")}
    assert read_request(negative) == ("", {}, b"")


def test_next_due_and_recent_read_the_outbox_and_the_newest_reqs(tmp_path):
    reqs = ReqStore(Store(tmp_path / "n.db"))
    assert reqs.next_due() is None and reqs.recent() == []
    before = time.time()
    reqs = queue_alert(tmp_path / "n.db")
    alert = reqs.alerts()[0]
    assert before <= reqs.next_due() == alert["next_attempt"]
    reqs.mark_sent(alert["id"], "D0LEAD", "1.0")
    assert reqs.next_due() is None
    newer = parse_req({**REQ, "id": "R-newer"})
    reqs.save(newer, analyse(KB, newer))
    assert [item["req"].id for item in reqs.recent()] == ["R-newer", "W-1"]
    assert [item["key"] for item in reqs.recent(1)] == [f"req:{newer.id}"]


def test_alert_fallback_text_escapes_the_title_so_it_cannot_mention(tmp_path):
    reqs = queue_alert(tmp_path / "m.db", {**REQ, "title": "Senior Applied Scientist <!channel>"})
    text, blocks = alert_message(reqs.get("req:W-1"))
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "<!channel>" not in json.dumps(blocks[1:])
