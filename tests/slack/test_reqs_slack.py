"""Reqs end to end over real HTTP: the Bolt app and the req webhooks under waitress, signed requests, and the
Web API stand-in recording what reaches Slack (alerts, ephemeral analyses, modals, App Home)."""

import hashlib
import hmac
import io
import json
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest
import slackbodies as sb
from conftest import APP_TOKEN, BOT_TOKEN, SECRET, Running
from standin import wait_for

from bot.engine import Engine
from bot.engine.reqs import analyse, parse_req
from bot.reqs.store import ReqStore
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.listeners.reqs import CHECK_REQ, INTENDED_VIEW, REASON_BLOCK, REQ_VIEW, close_desk, routes
from bot.slack.server import make_server, wsgi
from bot.store import Store

HOOK_SECRET, GH_SECRET = "hook-secret-0123456789", "greenhouse-secret-0123456789"
LEAD, MANAGER, RECRUITER = "U0LEAD", "U0HM", "U0REC"
MISSCOPED = ("Own our fraud detection model end to end in production: ship model updates weekly, keep p99 "
             "serving latency under 50ms, build monitoring and automated retraining pipelines.")
JOB = {"action": "job_created", "payload": {"job": {
    "id": 371417, "name": "Senior Applied Scientist", "requisition_id": None, "status": "open",
    "hiring_team": {"hiring_managers": [{"user_id": 4080, "employee_id": None}], "recruiters": [],
                    "sourcers": [], "coordinators": []},
    "custom_fields": {"salary_range": {"name": "Salary Range", "type": "currency_range",
                                       "value": {"unit": "USD", "min_value": "150000.0", "max_value": "180000.0"}},
                      "employer_tier": {"name": "Employer tier", "type": "single_select", "value": "series_a_b"}}}}}
POST = {"action": "job_post_created", "payload": {
    "id": 1815002, "title": "Senior Applied Scientist", "job_id": 371417, "live": True,
    "content": "<p>Own our fraud detection model in production.</p><ul><li>Ship model updates weekly</li>"
               "<li>Keep p99 serving latency under 50ms</li><li>Build monitoring and automated retraining</li></ul>"}}


def settings(standin, db) -> Settings:
    return Settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_APP_TOKEN=APP_TOKEN,
                    SLACK_API_URL=standin.url, HIREBOT_DB=str(db), HIREBOT_WEBHOOK_SECRET=HOOK_SECRET,
                    GREENHOUSE_WEBHOOK_SECRET=GH_SECRET, HIREBOT_ALERT_CHANNEL="C0ALERTS")


class App(Running):
    """The app with the req webhooks routed, as `hirebot serve` runs it; `stop()` ends it like a process."""

    def start(self, kb, config: Settings):
        self.config = config
        self.bolt = build_app(config, Engine(kb, self.store), self.store)
        self.server = make_server(wsgi(self.bolt, SECRET, routes(config)), "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        return self

    def stop(self):
        close_desk(self.config)
        self.server.close()
        self.thread.join(timeout=5)

    def hook(self, path: str, payload: dict, event_id: str | None = None, secret: str | None = None):
        raw = json.dumps(payload)
        if path == "/webhooks/greenhouse":
            sig = hmac.new((secret or GH_SECRET).encode(), raw.encode(), hashlib.sha256).hexdigest()
            headers = {"Signature": f"sha256 {sig}", "Greenhouse-Event-ID": event_id or "e-1"}
        else:
            sig = hmac.new((secret or HOOK_SECRET).encode(), raw.encode(), hashlib.sha256).hexdigest()
            headers = {"X-Hirebot-Signature": f"sha256={sig}"}
        status, body = self.post(raw, headers=headers, signed=False, path=path)
        return status, json.loads(body)

    def reqs(self) -> ReqStore:
        return ReqStore(Store(self.store.path))


@pytest.fixture
def app(standin, kb, tmp_path):
    running = App("", standin, Store(tmp_path / "hirebot.db")).start(kb, settings(standin, tmp_path / "hirebot.db"))
    yield running
    running.stop()


def to(standin, channel: str) -> list:
    return [c for c in standin.of("chat.postMessage") if c.params.get("channel") == channel]


def form(**fields) -> dict:
    """view.state.values as Slack sends them for the /hire req form."""
    values = {}
    for name, value in fields.items():
        if name in ("level", "employer_tier", "region"):
            state = {"type": "static_select", "selected_option": {"value": value}}
        elif name in ("hiring_manager", "team_lead"):
            state = {"type": "users_select", "selected_user": value}
        elif name == "requires_phd":
            state = {"type": "checkboxes", "selected_options": [{"value": "yes"}] if value else []}
        elif name in ("comp_min", "comp_max", "target_fill_days"):
            state = {"type": "number_input", "value": str(value)}
        else:
            state = {"type": "plain_text_input", "value": value}
        values[name] = {name: state}
    return values


def submit(app: App, callback_id: str, values: dict, user: str = RECRUITER, metadata: dict | None = None):
    body = json.loads(parse_qs(sb.view_submission(callback_id, values, user))["payload"][0])
    body["view"]["private_metadata"] = json.dumps(metadata or {"channel": "C0CHAN"})
    return app.post(urlencode({"payload": json.dumps(body)}), form=True)


def test_slash_hire_req_opens_the_form(app, standin):
    assert app.command("req", standin.response_url()) == 200
    [opened] = standin.wait("views.open")
    view = json.loads(opened.params["view"]) if isinstance(opened.params["view"], str) else opened.params["view"]
    assert view["callback_id"] == REQ_VIEW
    assert {b["block_id"] for b in view["blocks"]} >= {"title", "description", "comp_max", "team_lead",
                                                       "hiring_manager", "requires_phd", "target_fill_days"}


def test_modal_submission_sends_one_dm_to_the_lead(app, standin):
    status, _ = submit(app, REQ_VIEW, form(title="Senior Applied Scientist", employer_tier="series_a_b",
                                           description=MISSCOPED, requirements="PhD in ML or statistics",
                                           team_lead=LEAD, hiring_manager=MANAGER, target_fill_days=30))
    assert status == 200
    [alert] = wait_for(lambda: to(standin, LEAD))
    kinds = alert.params["text"]
    assert "role_mismatch" in kinds and "stage_mismatch" in kinds
    shown = json.dumps(alert.blocks())
    assert "keep p99 serving latency under 50ms" in shown and "000_addf858d7c04a9b8.txt" in shown
    labels = [e["text"]["text"] for b in alert.blocks() if b["type"] == "actions" for e in b["elements"]]
    assert labels == ["Start diagnostic", "Acknowledge", "Intended as is"]
    [mine] = standin.wait("chat.postEphemeral")  # the submitter sees the analysis where they were
    assert (mine.params["channel"], mine.params["user"]) == ("C0CHAN", RECRUITER)
    time.sleep(0.5)
    assert len(to(standin, LEAD)) == 1


def test_modal_errors_land_on_the_field_and_nothing_is_stored(app, standin):
    status, body = submit(app, REQ_VIEW, form(title="ML Engineer", description="Ship models.", comp_min=300000,
                                              comp_max=200000))
    assert status == 200
    reply = json.loads(body)
    assert reply["response_action"] == "errors" and "comp_min is larger than comp_max" in reply["errors"]["comp_max"]
    assert app.reqs().db["reqs"].count == 0


def test_greenhouse_pair_alerts_once_even_when_repeated(app, standin):
    app.reqs().map_users([("4080", LEAD)])
    assert app.hook("/webhooks/greenhouse", JOB, "gh-1")[0] == 202
    status, reply = app.hook("/webhooks/greenhouse", POST, "gh-2")
    assert status == 200 and reply["alert_queued"]
    wait_for(lambda: to(standin, LEAD))
    for payload, event in ((JOB, "gh-1"), (POST, "gh-2"), (JOB, "gh-3"), (POST, "gh-4")):
        assert app.hook("/webhooks/greenhouse", payload, event)[0] == 200
    time.sleep(0.5)
    assert len(to(standin, LEAD)) == 1
    assert len(app.reqs().alerts()) == 1


def test_bad_signature_is_401_and_nothing_is_stored(app, standin):
    assert app.hook("/webhooks/greenhouse", JOB, "x-1", secret="wrong")[0] == 401
    status, reply = app.hook("/webhooks/reqs", {"title": "ML Engineer", "description": MISSCOPED},
                             secret="wrong")
    assert (status, reply["error"]) == (401, "bad signature")
    status, _ = app.post(json.dumps({"title": "x", "description": "y"}), signed=False, path="/webhooks/reqs")
    assert status == 401
    reqs = app.reqs()
    assert reqs.db["reqs"].count == 0 and reqs.db["greenhouse_jobs"].count == 0 and reqs.alerts() == []


def test_our_webhook_malformed_is_400_with_the_reason(app):
    status, reply = app.hook("/webhooks/reqs", {"title": "ML Engineer"})
    assert status == 400 and reply["error"] == "description: is required"


def test_webhook_routes_without_the_slack_app_answer_503_and_open_nothing(standin, tmp_path):
    db = tmp_path / "none.db"
    answered: list[str] = []
    environ = {"PATH_INFO": "/webhooks/reqs", "CONTENT_LENGTH": "2", "wsgi.input": io.BytesIO(b"{}")}
    body = routes(settings(standin, db))[("POST", "/webhooks/reqs")](environ, lambda s, h: answered.append(s))
    assert answered == ["503 Service Unavailable"] and b"not running" in b"".join(body) and not db.exists()


def test_web_api_failing_500_then_429_delivers_exactly_once(app, standin):
    standin.fail("chat.postMessage", 500, times=3)
    standin.fail("chat.postMessage", 429, times=2, retry_after=0)
    assert app.hook("/webhooks/reqs", {"id": "R-1", "title": "Senior Applied Scientist", "team_lead": LEAD,
                                       "employer_tier": "series_a_b", "description": MISSCOPED})[0] == 200
    wait_for(lambda: to(standin, LEAD), timeout=20)
    time.sleep(0.5)
    assert len(to(standin, LEAD)) == 1
    failed = [c for c in standin.of("chat.postMessage", ok_only=False) if c.status != 200]
    assert [c.status for c in failed] == [500, 500, 500, 429, 429]
    assert app.reqs().alerts()[0]["status"] == "sent"


def test_restart_delivers_an_undelivered_alert(standin, kb, tmp_path):
    db = tmp_path / "hirebot.db"
    reqs = ReqStore(Store(db))  # a previous process stored the req and queued its alert, then died
    req = parse_req({"title": "Senior Applied Scientist", "team_lead": LEAD, "employer_tier": "series_a_b",
                     "description": MISSCOPED})
    reqs.save(req, analyse(kb, req))
    assert reqs.pending_count() == 1 and standin.of("chat.postMessage") == []
    restarted = App("", standin, Store(db)).start(kb, settings(standin, db))
    try:
        [alert] = wait_for(lambda: to(standin, LEAD))
        assert "Req check: Senior Applied Scientist" in alert.params["text"]
        assert wait_for(lambda: reqs.pending_count() == 0)
    finally:
        restarted.stop()


def alert_of(app: App, standin, lead: str = LEAD, manager: str = MANAGER):
    app.hook("/webhooks/reqs", {"id": "R-7", "title": "Senior Applied Scientist", "team_lead": lead,
                                "hiring_manager": manager, "employer_tier": "series_a_b",
                                "url": "https://ats.example/jobs/7", "description": MISSCOPED})
    [alert] = wait_for(lambda: to(standin, lead))
    return alert


def click(app: App, standin, alert, label: str, user: str):
    blocks = alert.blocks()
    [actions] = [b for b in blocks if b["type"] == "actions"]
    button = next(e for e in actions["elements"] if e["text"]["text"] == label)
    container = {"type": "message", "message_ts": "1800000001.000100", "channel_id": "D0LEAD",
                 "is_ephemeral": False}
    return app.click(button | {"block_id": actions["block_id"]}, container, standin.response_url("a"),
                     message={"ts": "1800000001.000100", "text": alert.params["text"], "blocks": blocks}, user=user)


def test_only_the_lead_or_manager_can_resolve(app, standin):
    alert = alert_of(app, standin)
    assert click(app, standin, alert, "Acknowledge", "U0SOMEONE") == 200
    [reply] = standin.wait("response_url")
    assert reply.params["response_type"] == "ephemeral" and "Only this req's team lead" in reply.params["text"]
    assert app.reqs().get("req:R-7")["status"] == "open"
    assert click(app, standin, alert, "Acknowledge", MANAGER) == 200
    [update] = standin.wait("chat.update")
    assert update.params["channel"] == "D0LEAD" and f"Acknowledged by <@{MANAGER}>" in json.dumps(update.blocks())
    item = app.reqs().get("req:R-7")
    assert (item["status"], item["resolved_by"]) == ("acknowledged", MANAGER)
    assert [a["action"] for a in app.reqs().actions("req:R-7")] == ["acknowledge"]


def test_intended_as_is_asks_for_a_reason(app, standin):
    alert = alert_of(app, standin)
    assert click(app, standin, alert, "Intended as is", LEAD) == 200
    [opened] = standin.wait("views.open")
    view = json.loads(opened.params["view"]) if isinstance(opened.params["view"], str) else opened.params["view"]
    meta = json.loads(view["private_metadata"])
    _, body = submit(app, INTENDED_VIEW, {REASON_BLOCK: {REASON_BLOCK: {"type": "plain_text_input", "value": ""}}},
                     user=LEAD, metadata=meta)
    assert json.loads(body)["response_action"] == "errors"
    status, _ = submit(app, INTENDED_VIEW, {REASON_BLOCK: {REASON_BLOCK: {
        "type": "plain_text_input", "value": "We have production ML; the research scope is real."}}},
        user=LEAD, metadata=meta)
    assert status == 200
    [update] = standin.wait("chat.update")
    assert "Intended as is, by <@U0LEAD>" in json.dumps(update.blocks())
    assert app.reqs().actions("req:R-7")[0]["reason"] == "We have production ML; the research scope is real."


def test_open_in_tracker_and_start_diagnostic(app, standin):
    alert = alert_of(app, standin)
    labels = [e["text"]["text"] for b in alert.blocks() if b["type"] == "actions" for e in b["elements"]]
    assert labels[-1] == "Open in tracker"
    assert click(app, standin, alert, "Open in tracker", LEAD) == 200
    assert click(app, standin, alert, "Start diagnostic", LEAD) == 200
    replies = wait_for(lambda: [c for c in to(standin, "D0LEAD") if c.params.get("thread_ts")][:2] or None)
    assert all(c.params["thread_ts"] == "1800000001.000100" for c in replies)


def test_hire_reqs_lists_and_app_home_shows_open_alerts(app, standin):
    alert_of(app, standin)
    assert app.command("reqs", standin.response_url("l"), user=LEAD) == 200
    [listing] = standin.wait("response_url")
    assert "Senior Applied Scientist" in json.dumps(listing.params) and "open" in json.dumps(listing.params)
    app.event({"type": "app_home_opened", "user": LEAD, "channel": "D0LEAD", "tab": "home",
               "event_ts": sb.new_ts()})
    [home] = standin.wait("views.publish")
    shown = json.dumps(home.params)
    assert "Your open req alerts" in shown and "Senior Applied Scientist" in shown
    assert "Start the role walk-through" in shown  # the plain Home is still there


def test_check_req_shortcut_stores_and_shows_the_analysis(app, standin):
    status, _ = app.post(sb.message_shortcut(CHECK_REQ, "Senior Applied Scientist. " + MISSCOPED,
                                             standin.response_url("s")), form=True)
    assert status == 200
    [reply] = standin.wait("response_url")
    assert reply.params["response_type"] == "ephemeral" and "role mismatch" in json.dumps(reply.params)
    [alert] = wait_for(lambda: to(standin, "C0ALERTS"))  # no team lead named: the alert channel
    assert "submitted by <@U0ALICE>" in json.dumps(alert.blocks())


def test_pasted_req_in_a_dm_is_stored_and_alerted(app, standin):
    app.event(sb.message("check this req: Senior Applied Scientist at our Series A startup. " + MISSCOPED,
                         channel="D0ALICE", channel_type="im"))
    wait_for(lambda: to(standin, "C0ALERTS"))
    assert wait_for(lambda: to(standin, "D0ALICE"))  # the engine answered in the DM
    assert app.reqs().db["reqs"].count == 1


def test_a_pasted_req_is_analysed_once_and_the_answer_is_the_stored_analysis(app, standin, monkeypatch):
    """The reqs desk stores a pasted req (its lines kept) before the engine answers it: the answer reuses that
    analysis instead of analysing a flattened copy again."""
    import bot.engine.reqs.checks as checks

    read = checks.read_posting
    calls = []
    monkeypatch.setattr(checks, "read_posting", lambda *args: calls.append(1) or read(*args))  # one per analysis
    app.event(sb.message("check this req: Staff Applied Scientist\nOur Series A startup. " + MISSCOPED,
                         channel="D0BOB", channel_type="im"))
    assert wait_for(lambda: to(standin, "D0BOB"))
    assert len(calls) == 1
    assert app.reqs().db["reqs"].count == 1


def test_hirebot_serve_takes_req_webhooks_and_a_killed_process_delivers_after_restart(tmp_path):
    """`hirebot serve` as a real process: the webhook is served; Slack is down, the process is killed with
    the alert undelivered; the next process delivers it, once."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/served.py
    from served import WEBHOOK_SECRET, Served, StandIn

    standin = StandIn()
    standin.fail("chat.postMessage", 500, times=1000)
    first = Served(tmp_path / "hirebot.db", standin.url).start()
    try:
        raw = json.dumps({"id": "S-1", "title": "Senior Applied Scientist", "team_lead": LEAD,
                          "employer_tier": "series_a_b", "description": MISSCOPED})
        sig = hmac.new(WEBHOOK_SECRET.encode(), raw.encode(), hashlib.sha256).hexdigest()
        status, body = first.post(raw, headers={"X-Hirebot-Signature": f"sha256={sig}"}, signed=False,
                                  path="/webhooks/reqs")
        assert status == 200 and json.loads(body)["alert_queued"]
        wait_for(lambda: standin.of("chat.postMessage", ok_only=False))  # it tried, and Slack failed
        first.kill()
        assert to(standin, LEAD) == []
        standin.faults.clear()
        second = Served(tmp_path / "hirebot.db", standin.url).start()
        try:
            [alert] = wait_for(lambda: to(standin, LEAD), timeout=20)
            assert "Req check: Senior Applied Scientist" in alert.params["text"]
            time.sleep(0.5)
            assert len(to(standin, LEAD)) == 1
        finally:
            second.stop()
    finally:
        first.stop()
        standin.close()
