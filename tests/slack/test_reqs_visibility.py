"""Who sees what (`/hire reqs`, App Home): a user sees the reqs they lead or manage, HIREBOT_RECRUITERS every
req that is not confidential, a confidential Greenhouse job only its lead and manager; requests from another
workspace are ignored; Acknowledge twice is one acknowledgement; an undeliverable alert says so by name."""

import json
import time

import pytest
import slackbodies as sb
from standin import wait_for
from test_reqs_slack import JOB, LEAD, MANAGER, MISSCOPED, POST, RECRUITER, App, alert_of, click, settings

from bot.store import Store


@pytest.fixture
def app(standin, kb, tmp_path):
    config = settings(standin, tmp_path / "hirebot.db").model_copy(update={"recruiters_list": f"{RECRUITER}, U0REC2"})
    running = App("", standin, Store(tmp_path / "hirebot.db")).start(kb, config)
    yield running
    running.stop()


def listing(app: App, standin, user: str) -> str:
    """What `/hire reqs` shows `user`."""
    before = len(standin.of("response_url"))
    assert app.command("reqs", standin.response_url(f"l-{user}"), user=user) == 200
    return json.dumps(standin.wait("response_url", before + 1)[before].params)


def ours(app: App, rid: str, title: str, **fields) -> None:
    status, _ = app.hook("/webhooks/reqs", {"id": rid, "title": title, "description": MISSCOPED, **fields})
    assert status == 200


def test_each_user_sees_the_reqs_they_lead_or_manage_and_recruiters_see_the_rest(app, standin):
    ours(app, "R-1", "Senior Applied Scientist", team_lead=LEAD)
    ours(app, "R-2", "Staff Research Scientist", hiring_manager=MANAGER)
    assert "Senior Applied Scientist" in listing(app, standin, LEAD)
    assert "Staff Research Scientist" not in listing(app, standin, LEAD)
    assert "Staff Research Scientist" in listing(app, standin, MANAGER)
    stranger = listing(app, standin, "U0STRANGER")
    assert "No reqs of yours" in stranger and "Scientist" not in stranger
    recruiter = listing(app, standin, RECRUITER)
    assert "Senior Applied Scientist" in recruiter and "Staff Research Scientist" in recruiter


def test_a_confidential_greenhouse_job_is_seen_by_its_lead_and_manager_only(app, standin):
    app.reqs().map_users([("4080", MANAGER)])
    job = json.loads(json.dumps(JOB))
    job["payload"]["job"]["confidential"] = True
    assert app.hook("/webhooks/greenhouse", job, event_id="c-1")[0] == 202
    assert app.hook("/webhooks/greenhouse", POST, event_id="c-2")[0] == 200
    assert app.reqs().get("greenhouse:371417")["req"].confidential is True
    assert "Senior Applied Scientist" in listing(app, standin, MANAGER)
    assert "Senior Applied Scientist" not in listing(app, standin, RECRUITER)
    app.event({"type": "app_home_opened", "user": RECRUITER, "channel": "D0REC", "tab": "home",
               "event_ts": sb.new_ts()})
    assert "Senior Applied Scientist" not in json.dumps(standin.wait("views.publish")[0].params)


def test_a_lead_id_with_markup_is_refused_at_the_door(app, standin):
    status, reply = app.hook("/webhooks/reqs", {"id": "R-9", "title": "Senior Applied Scientist",
                                                "description": MISSCOPED,
                                                "team_lead": "ULEAD> <!channel> <https://evil.example|click"})
    assert status == 400 and "team_lead" in reply["error"]
    assert app.reqs().db["reqs"].count == 0


def test_requests_from_another_workspace_are_ignored(app, standin):
    event = sb.message("comp for senior AS?", channel="D0OTHER", channel_type="im")
    body = json.loads(sb.event_callback(event))
    body["team_id"] = body["authorizations"][0]["team_id"] = "T0ELSEWHERE"
    event["team"] = "T0ELSEWHERE"
    assert app.post(json.dumps(body))[0] == 200
    assert app.event(sb.message("ttf MLE?", channel="D0HOME", channel_type="im")) == 200
    wait_for(lambda: [c for c in standin.of("chat.postMessage") if c.params.get("channel") == "D0HOME"])
    time.sleep(0.3)
    assert not [c for c in standin.of("chat.postMessage") if c.params.get("channel") == "D0OTHER"]


def test_acknowledge_twice_is_one_acknowledgement(app, standin):
    alert = alert_of(app, standin)
    assert click(app, standin, alert, "Acknowledge", LEAD) == 200
    standin.wait("chat.update")
    assert click(app, standin, alert, "Acknowledge", LEAD) == 200
    time.sleep(0.3)
    assert [a["action"] for a in app.reqs().actions("req:R-7")] == ["acknowledge"]
    assert len(standin.of("chat.update")) == 1


def test_an_alert_slack_refuses_is_shown_failed_with_the_error_name(app, standin):
    standin.fail("chat.postMessage", 200, error="channel_not_found", times=2)  # the lead, then the alert channel
    ours(app, "R-5", "Senior Applied Scientist", team_lead=LEAD, employer_tier="series_a_b")
    wait_for(lambda: app.reqs().alerts()[0]["status"] == "failed", what="the alert marked failed")
    assert "alert not delivered: channel_not_found" in listing(app, standin, LEAD)
    app.event({"type": "app_home_opened", "user": LEAD, "channel": "D0LEAD", "tab": "home", "event_ts": sb.new_ts()})
    assert "channel_not_found" in json.dumps(standin.wait("views.publish")[0].params)
