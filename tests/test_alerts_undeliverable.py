"""Alerts Slack will never take stop and say so (bot/reqs/alerts.py): a refused lead falls back to
HIREBOT_ALERT_CHANNEL, a refused message or channel is marked failed with Slack's error name (log, /hire reqs),
tracker links are checked at intake, and an alert posted just before its sender died is not posted again."""

import json
import logging
import socket
import time

import pytest
from served import StandIn
from slack_sdk import WebClient
from test_reqs_delivery import REQ, queue_alert

from bot.delivery import metadata
from bot.engine.reqs import ReqError, parse_req
from bot.reqs.alerts import EVENT_TYPE, AlertSender


def client(standin: StandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.url, retry_handlers=[])


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived", "user_not_found",
                                   "account_inactive"])
def test_a_lead_slack_refuses_gets_the_alert_in_the_alert_channel(tmp_path, standin, error):
    reqs = queue_alert(tmp_path / "h.db")
    standin.fail("chat.postMessage", 200, error=error)
    sender = AlertSender(reqs, client(standin), alert_channel="C0ALERTS")
    assert sender.deliver_due() == 0
    assert sender.deliver_due() == 1  # at once, to the channel
    [post] = standin.of("chat.postMessage")
    assert post.params["channel"] == "C0ALERTS"
    alert = reqs.alerts()[0]
    assert alert["status"] == "sent" and alert["last_error"] == f"{error} at U0LEAD"


def test_an_alert_refused_everywhere_is_marked_failed_with_the_error_name_and_never_retried(tmp_path, standin,
                                                                                            caplog):
    reqs = queue_alert(tmp_path / "h.db")
    standin.fail("chat.postMessage", 200, error="channel_not_found")
    standin.fail("chat.postMessage", 200, error="is_archived")
    sender = AlertSender(reqs, client(standin), alert_channel="C0ALERTS")
    with caplog.at_level(logging.ERROR, logger="bot.reqs.alerts"):
        sender.deliver_due()
        sender.deliver_due()
    alert = reqs.alerts()[0]
    assert (alert["status"], alert["last_error"]) == ("failed", "is_archived")
    assert "is_archived" in caplog.text and "not retried" in caplog.text
    reqs.db.execute("update alerts set next_attempt = 0").connection.commit()
    assert sender.deliver_due() == 0 and len(standin.of("chat.postMessage", ok_only=False)) == 2
    assert reqs.undelivered([alert["req_key"]]) == {alert["req_key"]: "is_archived"}


def test_invalid_blocks_end_retries_without_a_fallback_post(tmp_path, standin):
    reqs = queue_alert(tmp_path / "h.db")
    standin.fail("chat.postMessage", 200, error="invalid_blocks")
    AlertSender(reqs, client(standin), alert_channel="C0ALERTS").deliver_due()
    assert reqs.alerts()[0]["status"] == "failed" and len(standin.of("chat.postMessage", ok_only=False)) == 1


@pytest.mark.parametrize(("url", "problem"), [
    ("not a link", "http:// or https://"), ("javascript:alert(1)", "http:// or https://"),
    ("https://evil.example|click", "http:// or https://"), ("https://ats.example/" + "x" * 3000, "3,000")])
def test_tracker_links_are_checked_at_intake(url, problem):
    with pytest.raises(ReqError) as err:
        parse_req(REQ | {"url": url})
    assert "url:" in str(err.value) and problem in str(err.value)


def test_a_link_and_a_lead_stored_before_they_were_checked_are_left_out_not_shown(tmp_path, standin):
    reqs = queue_alert(tmp_path / "h.db", REQ | {"team_lead": None})
    key = reqs.alerts()[0]["req_key"]
    reqs.db.execute("update reqs set data = json_set(data, '$.url', ?, '$.hiring_manager', ?) where key = ?",
                    ["https://ats.example/" + "x" * 3000, "ULEAD> <!channel>", key]).connection.commit()
    assert AlertSender(reqs, client(standin), alert_channel="C0ALERTS").deliver_due() == 1
    [post] = standin.of("chat.postMessage")
    assert "Open in tracker" not in json.dumps(post.params) and "<!channel>" not in json.dumps(post.params)
    assert reqs.get(key)["req"].hiring_manager is None


def test_an_alert_posted_just_before_its_sender_died_is_not_posted_again(tmp_path, standin):
    reqs = queue_alert(tmp_path / "h.db", REQ | {"team_lead": None})
    alert = reqs.alerts()[0]
    assert reqs.claim(alert["id"])  # the dead sender's claim ...
    reqs.db.execute("update alerts set owner = ? where id = ?", [f"{socket.gethostname()}:999999999", alert["id"]])
    reqs.db.conn.commit()
    client(standin).chat_postMessage(channel="C0ALERTS", text="the alert",  # ... and its post, never recorded
                                     metadata=metadata(EVENT_TYPE, str(alert["id"])))
    sender = AlertSender(reqs, client(standin), alert_channel="C0ALERTS", poll=0.05).start()
    try:
        deadline = time.time() + 5
        while reqs.alerts()[0]["status"] != "sent" and time.time() < deadline:
            time.sleep(0.02)
    finally:
        sender.stop()
    assert reqs.alerts()[0]["status"] == "sent"
    assert len(standin.of("chat.postMessage")) == 1
