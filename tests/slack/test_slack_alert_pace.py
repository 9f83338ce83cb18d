"""Alerts at Slack's pace, over signed HTTP with the real sender: a burst for one lead becomes a few digests
(not one message a req), at most one message a second to a channel; Details, App Home refresh, "N more",
times in each reader's zone, titles that cannot break their bold."""

import json
import os
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import slackbodies as sb
from standin import button, wait_for

from bot.reqs.store import ReqStore
from bot.store import Store

ROOT = Path(__file__).resolve().parents[2]
LEAD = "U0LEAD"
WORK = ("Own our fraud detection model end to end in production: ship model updates weekly, keep p99 serving "
        "latency under 50ms, build monitoring and automated retraining pipelines (team {n}).")


def reqs(count: int, title: str = "Senior Applied Scientist") -> list[dict]:
    return [{"id": f"IMP-{n}", "title": title, "description": WORK.format(n=n), "employer_tier": "series_a_b",
             "team_lead": LEAD} for n in range(count)]


def import_file(slack_app, tmp_path, items: list[dict]) -> None:
    """`hirebot req import` into the running app's database, as an admin would run it."""
    path = tmp_path / "reqs.json"
    path.write_text(json.dumps(items))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREBOT_"))}
    env["HIREBOT_DB"] = slack_app.store.path
    done = subprocess.run([sys.executable, "-m", "bot", "req", "import", str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def sent(slack_app) -> int:
    return sum(a["status"] == "sent" for a in ReqStore(Store(slack_app.store.path)).alerts())


def to_lead(standin) -> list:
    return [c for c in standin.of("chat.postMessage") if c.params["channel"] == LEAD]


def test_two_hundred_imported_reqs_reach_their_lead_as_a_handful_of_digests_a_second_apart(slack_app, standin,
                                                                                          tmp_path):
    import_file(slack_app, tmp_path, reqs(200))
    wait_for(lambda: sent(slack_app) == 200, timeout=60, what="200 alerts sent")
    posts = to_lead(standin)
    assert 2 <= len(posts) <= 6, len(posts)  # 200 reqs, at most 45 a digest
    assert all(p.params["text"].startswith("Req checks: ") for p in posts)
    shown = sum(len([b for b in p.blocks() if b.get("accessory", {}).get("action_id") == "req_details"])
                for p in posts)
    assert shown == 200
    gaps = [b.at - a.at for a, b in pairwise(posts)]
    assert min(gaps) >= 0.9, gaps  # Slack's pace: about one message a second per channel
    first = posts[0].blocks()
    assert first[0]["text"]["text"] == "Req checks: 45 reqs need a look"  # each digest counts its own reqs
    assert "high" in json.dumps(first) and "role mismatch" in json.dumps(first)


def test_details_shows_the_whole_alert_in_the_digests_thread_and_acknowledge_refreshes_app_home(slack_app, standin,
                                                                                                tmp_path):
    import_file(slack_app, tmp_path, reqs(3, title="Senior Applied Scientist *urgent* ml_platform"))
    wait_for(lambda: sent(slack_app) == 3, timeout=30, what="3 alerts sent")
    [digest] = to_lead(standin)
    shown = json.dumps(digest.blocks(), ensure_ascii=False)
    assert "Senior Applied Scientist ∗urgent∗ ml＿platform" in shown  # a * in the title cannot end its bold
    [details, *others] = [b["accessory"] for b in digest.blocks() if b.get("accessory")]
    container = {"type": "message", "message_ts": "1800000001.000100", "channel_id": "D0LEAD", "is_ephemeral": False}
    assert slack_app.click(details, container, standin.response_url("d"), user=LEAD) == 200
    full = wait_for(lambda: [c for c in standin.of("chat.postMessage") if c.params.get("thread_ts")])[0]
    assert full.params["channel"] == "D0LEAD" and full.params["thread_ts"] == "1800000001.000100"
    assert "role_mismatch" in full.params["text"]
    thread = {"type": "message", "message_ts": "1800000009.000100", "channel_id": "D0LEAD", "is_ephemeral": False}
    assert slack_app.click(button(full.blocks(), "Acknowledge"), thread, standin.response_url("a"), user=LEAD) == 200
    [updated] = standin.wait("chat.update")
    assert "<!date^" in json.dumps(updated.blocks())  # each reader sees the time in their own zone
    [home] = standin.wait("views.publish")  # App Home refreshed after the action
    view = json.dumps(home.params["view"])
    assert home.params["user_id"] == LEAD and "Your open req alerts" in view
    assert details["value"] not in view and all(o["value"] in view for o in others)


def test_hire_reqs_and_app_home_say_how_many_more_and_how_to_see_them(slack_app, standin, tmp_path):
    import_file(slack_app, tmp_path, reqs(43))
    assert slack_app.command("reqs", standin.response_url("r1"), user=LEAD) == 200
    [page] = standin.wait("response_url")
    said = json.dumps(page.blocks())
    assert "1-20 of 43" in said and "23 more: `/hire reqs 2`" in said and "<!date^" in said
    assert slack_app.command("reqs 3", standin.response_url("r3"), user=LEAD) == 200
    last = standin.wait("response_url", 2)[-1]
    assert "41-43 of 43" in json.dumps(last.blocks()) and "more:" not in json.dumps(last.blocks())
    slack_app.event({"type": "app_home_opened", "user": LEAD, "channel": "D0LEAD", "tab": "home",
                     "event_ts": sb.new_ts()})
    [home] = standin.wait("views.publish")
    view = home.params["view"] if isinstance(home.params["view"], dict) else json.loads(home.params["view"])
    assert "33 more open: `/hire reqs`" in json.dumps(view)
