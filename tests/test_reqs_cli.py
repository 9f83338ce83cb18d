"""`hirebot req check / import / map-users` and the reqs store: real files, a real SQLite file."""

import argparse
import io
import json

import pytest
from test_reqs import KB

from bot.engine.reqs import analyse, parse_req
from bot.reqs.cli import Progress, cmd_check, cmd_map_users, import_file
from bot.reqs.store import ReqStore
from bot.settings import Settings
from bot.store import Store

MISSCOPED = {"id": "R-1", "title": "Senior Applied Scientist", "employer_tier": "series_a_b",
             "description": "Own our fraud detection model in production: ship weekly, keep p99 serving latency "
                            "low, build monitoring and automated retraining pipelines.",
             "requirements": ["PhD in ML or statistics"], "team_lead": "U0LEAD"}
FINE = {"id": "R-2", "title": "ML Engineer", "description": "Deploy and operate ranking models in production; "
        "own feature pipelines, model serving and monitoring."}


def run_check(tmp_path, capsys, data, *flags):
    path = tmp_path / "req.json"
    path.write_text(json.dumps(data))
    code = cmd_check(argparse.Namespace(file=str(path), json="--json" in flags), KB)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_json_single_and_list(tmp_path, capsys):
    code, out, _ = run_check(tmp_path, capsys, MISSCOPED, "--json")
    one = json.loads(out)
    assert code == 0 and one["id"] == "R-1" and one["work_role"] == "ml_engineer"
    assert [f["kind"] for f in one["findings"]][:2] == ["role_mismatch", "stage_mismatch"]
    code, out, _ = run_check(tmp_path, capsys, [MISSCOPED, FINE], "--json")
    assert [r["id"] for r in json.loads(out)] == ["R-1", "R-2"]


def test_check_text_is_lint_like(tmp_path, capsys):
    code, out, _ = run_check(tmp_path, capsys, [MISSCOPED, FINE])
    assert code == 0
    assert "high   role_mismatch" in out
    assert "> Own our fraud detection model in production" in out
    assert "suggested role: ml_engineer" in out
    assert "R-2  ML Engineer" in out and "ok: no mis-scoping found" in out


def test_check_bad_req_names_the_field(tmp_path, capsys):
    code, out, err = run_check(tmp_path, capsys, [FINE, {"id": "R-9", "description": "no title"}], "--json")
    assert code == 2
    assert "req #2 (R-9): title: is required" in err
    assert [r["id"] for r in json.loads(out)] == ["R-2"]


def test_import_json_then_reimport_is_idempotent(tmp_path):
    reqs = ReqStore(Store(tmp_path / "h.db"))
    path = tmp_path / "reqs.json"
    path.write_text(json.dumps([MISSCOPED, FINE, {"id": "R-3", "title": "x"}, FINE]))
    first = import_file(KB, reqs, path)
    assert (first["imported"], first["updated"], first["unchanged"], first["alerts"]) == (2, 0, 0, 1)
    assert first["rejected"] == ["#3 (R-3): description: is required", "#4 (R-2): id: appears twice in the file"]
    again = import_file(KB, reqs, path)
    assert (again["imported"], again["unchanged"], again["alerts"]) == (0, 2, 0)
    assert len(reqs.alerts()) == 1
    assert reqs.alerts()[0]["recipient"] == "U0LEAD"


def test_changed_text_alerts_again_only_when_findings_change(tmp_path):
    reqs = ReqStore(Store(tmp_path / "h.db"))
    req = parse_req(MISSCOPED)
    assert reqs.save(req, analyse(KB, req)).alert_id is not None
    reworded = req.model_copy(update={"description": req.description + " Weekly demos to the team."})
    saved = reqs.save(reworded, analyse(KB, reworded))
    assert (saved.outcome, saved.version, saved.alert_id) == ("updated", 2, None)
    timeline = reworded.model_copy(update={"target_fill_days": 20, "level": "senior"})
    saved = reqs.save(timeline, analyse(KB, timeline))
    assert saved.version == 3 and saved.alert_id is not None
    assert [a["version"] for a in reqs.alerts(saved.key)] == [1, 3]


def test_import_csv_with_progress_on_a_terminal(tmp_path):
    path = tmp_path / "reqs.csv"
    path.write_text("id,title,description,requirements,requires_phd,comp_max\n"
                    'C-1,ML Engineer,"Deploy models to production, own serving and monitoring",'
                    '"BS in CS | 3+ years production ML",yes,\n'
                    "C-2,Research Scientist,Set the research agenda and publish,,no,lots\n")

    class Tty(io.StringIO):
        def isatty(self):
            return True

    bar = Tty()
    summary = import_file(KB, ReqStore(Store(tmp_path / "h.db")), path, Progress(0, bar))
    assert summary["imported"] == 1
    assert summary["rejected"] == ["#2 (C-2): comp_max: Input should be a valid number, unable to parse string as a "
                                   "number"]
    assert "2/2 100%" in bar.getvalue()
    assert summary["alerts"] == 1  # C-1: PhD hard-required for ML engineer work


def test_map_users(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HIREBOT_DB", str(tmp_path / "h.db"))
    path = tmp_path / "users.csv"
    path.write_text("greenhouse_user_id,slack_user_id\n4080,U0LEAD\n4081,U0HM\nbad line\n")
    assert cmd_map_users(argparse.Namespace(file=str(path)), Settings()) == 0
    out = capsys.readouterr().out
    assert "2 Greenhouse users mapped" in out
    assert out.rstrip().endswith("; skipped lines 4")  # line 1 is the header, line 4 the bad one
    reqs = ReqStore(Store(tmp_path / "h.db"))
    assert (reqs.slack_user(4080), reqs.slack_user("4081"), reqs.slack_user(1)) == ("U0LEAD", "U0HM", None)


@pytest.mark.parametrize("user,allowed", [("U0LEAD", True), ("U0HM", True), ("U0OTHER", False)])
def test_only_lead_or_manager_resolves(tmp_path, user, allowed):
    reqs = ReqStore(Store(tmp_path / "h.db"))
    req = parse_req(MISSCOPED | {"hiring_manager": "U0HM"})
    key = reqs.save(req, analyse(KB, req)).key
    assert reqs.can_resolve(key, user) is allowed
    if allowed:
        reqs.resolve(key, user, "intended", "we need the research depth later")
        assert reqs.get(key)["status"] == "intended"
        assert reqs.actions(key)[0]["reason"] == "we need the research depth later"
        assert reqs.open_reqs() == []


def test_req_and_alert_are_one_transaction(tmp_path):
    reqs = ReqStore(Store(tmp_path / "h.db"))
    reqs.db.execute("create trigger no_alerts before insert on alerts begin select raise(abort, 'disk full'); end")
    req = parse_req(MISSCOPED)
    with pytest.raises(Exception, match="disk full"):
        reqs.save(req, analyse(KB, req))
    assert reqs.db["reqs"].count == 0  # no req stored without its alert
    reqs.db.execute("drop trigger no_alerts")
    assert reqs.save(req, analyse(KB, req)).alert_id is not None
    assert reqs.db["reqs"].count == 1


def test_open_reqs_are_the_users_own_newest_first(tmp_path):
    reqs = ReqStore(Store(tmp_path / "h.db"))
    unowned = {k: v for k, v in MISSCOPED.items() if k != "team_lead"}
    owners = [{"team_lead": "U0LEAD"}, {"hiring_manager": "U0HM"}, {"team_lead": "U0LEAD", "hiring_manager": "U0HM"},
              {}, {"team_lead": "U0OTHER"}, {"recipient": "U0HM"}]
    for i, owner in enumerate(owners):
        req = parse_req(unowned | owner | {"id": f"R-{i}"})
        reqs.save(req, analyse(KB, req), recipient=owner.get("recipient"))

    def ids(items: list[dict]) -> list[str]:
        return [item["req"].id for item in items]

    assert ids(reqs.open_reqs("U0HM")) == ["R-5", "R-2", "R-1"]
    assert ids(reqs.open_reqs("U0LEAD")) == ["R-2", "R-0"] and ids(reqs.open_reqs("U0LEAD", limit=1)) == ["R-2"]
    assert ids(reqs.open_reqs("U0NOBODY")) == [] and ids(reqs.open_reqs(limit=3)) == ["R-5", "R-4", "R-3"]
    reqs.resolve("req:R-2", "U0HM", "acknowledge")
    assert ids(reqs.open_reqs("U0LEAD")) == ["R-0"]
