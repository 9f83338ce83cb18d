"""Input checked at every door: the CLI answers bad files and a bad database in one line with exit 2, `gaps`
prints no terminal escapes, and Greenhouse deliveries are applied in `updated_at` order, whole or not at all."""

import hashlib
import hmac
import json

import pytest
from test_reqs import KB
from test_reqs_delivery import GH_SECRET, JOB, POST, SECRET

from bot import cli, gaps
from bot.reqs.store import ReqStore
from bot.reqs.webhooks import ReqWebhooks
from bot.store import Store

REQ = {"id": "D-1", "title": "Senior ML Engineer", "description": "Ship and maintain our ranking model in production."}


@pytest.fixture
def env(tmp_path, monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HIREBOT_DB", str(tmp_path / "hirebot.db"))
    return tmp_path


def one_line_exit_2(argv: list[str], capsys) -> str:
    assert cli.main(argv) == 2
    out = capsys.readouterr()
    assert "Traceback" not in out.err and len(out.err.strip().splitlines()) == 1, out.err
    return out.err


@pytest.mark.parametrize("argv", [["gaps"], ["req", "import", "{file}"], ["serve", "--port", "0"]])
def test_a_corrupt_database_is_one_line_and_exit_2(env, capsys, monkeypatch, argv):
    (env / "hirebot.db").write_bytes(b"this is not a database, just text " * 200)
    (env / "reqs.json").write_text(json.dumps([REQ]))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-0")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    err = one_line_exit_2([a.replace("{file}", str(env / "reqs.json")) for a in argv], capsys)
    assert "HIREBOT_DB" in err and "xoxb-0" not in err


@pytest.mark.parametrize(("name", "content", "says"), [
    ("deep.json", "[" * 100_000, "nested too deep"),
    ("big.csv", "id,title,description\nX-1,t," + "d" * 200_000 + "\n", "field larger than field limit"),
    ("nul.csv", "id,title,description\nX-1,Senior\x00 ML Engineer,Ship models\n", "NUL"),
])
@pytest.mark.parametrize("command", [["req", "check"], ["req", "import"], ["req", "map-users"]])
def test_unreadable_files_are_one_line_and_exit_2(env, capsys, name, content, says, command):
    path = env / name
    path.write_text(content)
    if command[-1] == "map-users" and name == "deep.json":
        path.write_text("[" * 100_000)  # read as CSV: one odd line, skipped, not an error
        assert cli.main([*command, str(path)]) == 0
        return
    err = one_line_exit_2([*command, str(path)], capsys)
    assert says in err


def test_map_users_skips_slack_ids_that_are_not_ids(env, capsys):
    (env / "users.csv").write_text("greenhouse_user_id,slack_user_id\n1,U0GOOD\n2,ULEAD> <!channel>\n")
    assert cli.main(["req", "map-users", str(env / "users.csv")]) == 0
    assert "1 Greenhouse users mapped" in capsys.readouterr().out
    assert ReqStore(Store(env / "hirebot.db")).slack_user(2) is None


def test_gaps_prints_no_terminal_escape_sequences(env, capsys):
    store = Store(env / "hirebot.db")
    gaps.record(store, "what is \x1b]0;owned\x07 the \x1b[2J weather\x00", "out_of_scope", 0.2, "out_of_scope")
    assert cli.main(["gaps"]) == 0
    shown = capsys.readouterr().out
    assert "weather" in shown and not any(ch in shown for ch in "\x1b\x07\x00")


@pytest.fixture
def hooks(tmp_path):
    reqs = ReqStore(Store(tmp_path / "h.db"))
    reqs.map_users([("1234", "U0LEAD")])
    return ReqWebhooks(KB, reqs, SECRET, GH_SECRET)


def greenhouse(hooks: ReqWebhooks, payload: dict, event: str) -> tuple[int, dict]:
    raw = json.dumps(payload).encode()
    signature = hmac.new(GH_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return hooks.handle("/webhooks/greenhouse", {"Signature": f"sha256 {signature}", "Greenhouse-Event-ID": event},
                        raw)


def test_an_older_job_updated_delivered_late_does_not_overwrite_a_newer_one(hooks):
    newer = json.loads(json.dumps(JOB))
    newer["action"] = "job_updated"
    newer["payload"]["job"].update(name="Senior ML Engineer", updated_at="2026-11-20T10:00:00Z")
    older = json.loads(json.dumps(JOB))
    older["action"] = "job_updated"
    older["payload"]["job"].update(name="Senior Applied Scientist", updated_at="2026-11-19T10:00:00.000Z")
    assert greenhouse(hooks, POST, "p")[0] == 202
    assert greenhouse(hooks, newer, "n")[0] == 200
    status, reply = greenhouse(hooks, older, "o")
    assert status == 200 and "older" in reply["ignored"]
    [item] = hooks.reqs.recent()
    assert item["req"].title == "Senior ML Engineer"


@pytest.mark.parametrize(("part", "field", "value"), [
    ("post", "content", 12345), ("job", "hiring_team", "everyone"), ("job", "custom_fields", [1]),
    ("job", "name", {"x": 1}), ("job", "confidential", "yes")])
def test_a_malformed_signed_payload_is_400_and_nothing_is_kept(hooks, part, field, value):
    job, post = json.loads(json.dumps(JOB)), json.loads(json.dumps(POST))
    if part == "job":
        assert greenhouse(hooks, post, "p")[0] == 202
        job["payload"]["job"][field] = value
        sent = job
    else:
        assert greenhouse(hooks, job, "j")[0] == 202
        post["payload"][field] = value
        sent = post
    before = hooks.reqs.db.execute("select job, post from greenhouse_jobs").fetchall()
    status, reply = greenhouse(hooks, sent, "bad")
    assert status == 400 and field in reply["error"]
    assert hooks.reqs.db.execute("select job, post from greenhouse_jobs").fetchall() == before
    assert hooks.reqs.recent() == []


def test_a_signed_payload_that_makes_no_valid_req_keeps_neither_part(hooks):
    job = json.loads(json.dumps(JOB))
    job["payload"]["job"]["name"] = "x" * 400  # a title over 300 characters
    assert greenhouse(hooks, POST, "p")[0] == 202
    assert greenhouse(hooks, job, "j")[0] == 400
    rows = hooks.reqs.db.execute("select job from greenhouse_jobs").fetchall()
    assert rows == [(None,)] and hooks.reqs.recent() == []
