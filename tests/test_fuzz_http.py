"""Fuzzing (hypothesis): the HTTP endpoints of a real `hirebot serve`, the req webhooks, the `/hire` parser and the
req parsers. Whatever arrives: never a 5xx, never a crash (no traceback in the server's log), never a half-stored req.
(The engine itself is fuzzed in test_answers.py.)"""

import hashlib
import hmac
import json
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from served import WEBHOOK_SECRET, Served, sb

from bot.engine.reqs import Req, ReqError, analyse, parse_req
from bot.engine.reqs.pasted import req_from_text
from bot.knowledge import load
from bot.reqs.cli import import_file
from bot.reqs.store import ReqStore
from bot.reqs.webhooks import ReqWebhooks
from bot.slack.listeners.commands import question
from bot.store import Store

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))  # raise it for a longer hunt
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# text as people (and attackers) type it: unicode, Slack markup, control characters, now and then huge
words = st.sampled_from(["comp", "senior", "AS", "MLE", "req", "reqs", "diagnose", "help", "<@UHIREBOT>", "<!channel>",
                         "<https://x.io|x>", "&amp;", "```", "*bold*", "\u202e", "\x00", "🚀", "研究员", "  ", "\n"])
texts = st.one_of(
    st.text(max_size=200),
    st.lists(words | st.text(max_size=8), max_size=30).map(" ".join),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=5), st.integers(1000, 8000)),  # Slack: <= 40k
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=20,
)
REQ_KEYS = ["id", "title", "description", "requirements", "level", "employer_tier", "region", "comp_min",
            "comp_max", "currency", "target_fill_days", "requires_phd", "hiring_manager", "team_lead", "url"]
req_like = st.dictionaries(st.sampled_from(REQ_KEYS), json_values | texts, max_size=12)


@pytest.fixture(scope="module")
def kb():
    return load(None)


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_standin):
    served = Served(tmp_path_factory.mktemp("fuzz") / "hirebot.db", module_standin.url).start()
    yield served
    served.stop()


def assert_no_crash(server: Served) -> None:
    time.sleep(0.5)  # listeners run after the ack
    assert server.get("/healthz")[0] == 200
    log = server.log()
    assert "Traceback" not in log, log[log.index("Traceback") - 300:][:4000]


# ------------------------------------------------------------------------------------------- HTTP, for real


def slack_shaped(draw, response_url: str) -> tuple[str, bool]:
    """A body shaped as Slack sends it, with the user-controlled parts fuzzed."""
    kind = draw(st.sampled_from(["mention", "dm", "thread", "slash", "click", "view", "shortcut"]))
    text = draw(texts)
    if kind == "mention":
        return sb.event_callback(sb.mention(text)), False
    if kind in ("dm", "thread"):
        event = sb.message(text, channel="D0FUZZ", channel_type="im") if kind == "dm" else \
            sb.message(text, thread_ts=draw(st.sampled_from(["1700000001.000002", "x", ""])))
        return sb.event_callback(event), False
    if kind == "slash":
        return sb.slash(text, response_url), True
    if kind == "click":
        button = {"action_id": draw(st.sampled_from(["hb_pick_c0", "hb_more", "hb_share", "hb_helpful",
                                                     "hb_not_helpful", "hb_start_diagnostic", "unknown"])),
                  "text": {"type": "plain_text", "text": "x"}, "value": text[:2000]}
        container = {"type": "message", "message_ts": "1700000001.000002", "channel_id": "C0CHAN",
                     "is_ephemeral": draw(st.booleans())}
        return sb.block_actions(button, container, response_url), True
    if kind == "view":
        values = {"question": {"question_input": {"type": "plain_text_input", "value": text}}}
        return sb.view_submission(draw(st.sampled_from(["hb_ask", "unknown"])), values), True
    return sb.message_shortcut(draw(st.sampled_from(["check_req", "unknown"])), text,
                               response_url), True


@st.composite
def requests(draw, response_url: str):
    """(path, content type, body, signed)."""
    path = draw(st.sampled_from(["/slack/events", "/slack/events", "/webhooks/reqs", "/webhooks/greenhouse",
                                 "/healthz", "/", "/slack/events/../x", "/%00"]))
    shape = draw(st.sampled_from(["slack", "json", "text", "bytes"]))
    if shape == "slack":
        body, form = slack_shaped(draw, response_url)
        kind = "application/x-www-form-urlencoded" if form else "application/json"
    else:
        body = {"json": lambda: json.dumps(draw(json_values)), "text": lambda: draw(texts),
                "bytes": lambda: draw(st.binary(max_size=300)).decode("latin-1")}[shape]()
        kind = draw(st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain",
                                     "multipart/form-data; boundary=x", "", "application/json; charset=latin-1"]))
    return path, kind, body, draw(st.booleans())


@FUZZ
@given(st.data())
def test_http_endpoints_never_answer_5xx(server, module_standin, data):
    path, kind, body, signed = data.draw(requests(module_standin.response_url("fuzz")))
    headers = {"Content-Type": kind}
    if path.startswith("/webhooks/") and signed:
        digest = hmac.new(WEBHOOK_SECRET.encode(), body.encode("utf-8", "surrogatepass"), hashlib.sha256)
        headers["X-Hirebot-Signature"] = f"sha256={digest.hexdigest()}"
    status, _ = server.post(body.encode("utf-8", "surrogatepass"), headers=headers, path=path,
                            signed=signed and path == "/slack/events")
    assert 200 <= status < 500


def test_json_nested_thousands_deep_is_a_4xx_everywhere(server):
    deep = "[" * 100_000  # json.loads raises RecursionError, which is not a ValueError
    signed = {"X-Hirebot-Signature": "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), deep.encode(),
                                                          hashlib.sha256).hexdigest()}
    assert server.post(deep, signed=False)[0] == 401  # unsigned: refused before it is parsed
    assert server.post(deep)[0] == 400
    assert server.post(deep, signed=False, path="/webhooks/greenhouse")[0] == 401
    assert server.post(deep, signed=False, path="/webhooks/reqs", headers=signed)[0] == 400


def test_http_fuzzing_left_no_crash_behind(server):
    assert_no_crash(server)


# ------------------------------------------------------------------------------------------- req webhooks


def stored_reqs_are_whole(reqs: ReqStore) -> None:
    for row in reqs.db.query("select * from reqs"):
        item = reqs.get(row["key"])  # decodes the req and its report: both are there and valid
        assert item["req"].title and item["report"] is not None
    orphans = reqs.db.execute("select count(*) from alerts where req_key not in (select key from reqs)").fetchone()
    assert orphans[0] == 0


@FUZZ
@given(body=st.one_of(req_like.map(json.dumps), json_values.map(json.dumps), texts),
       path=st.sampled_from(["/webhooks/reqs", "/webhooks/greenhouse"]))
def test_signed_req_webhooks_store_whole_reqs_or_nothing(kb, tmp_path, body, path):
    reqs = ReqStore(Store(tmp_path / "hooks.db"))
    hooks = ReqWebhooks(kb, reqs, "s1", "s2")
    raw = body.encode("utf-8", "surrogatepass")
    before = reqs.db.execute("select count(*) from reqs").fetchone()[0]
    signature = "sha256=" + hmac.new(b"s1" if path == "/webhooks/reqs" else b"s2", raw, hashlib.sha256).hexdigest()
    headers = {"X-Hirebot-Signature": signature, "Signature": signature.replace("=", " ", 1)}
    status, reply = hooks.handle(path, headers, raw)
    assert 200 <= status < 500 and isinstance(reply, dict)
    after = reqs.db.execute("select count(*) from reqs").fetchone()[0]
    assert after == before or status == 200
    stored_reqs_are_whole(reqs)


# ------------------------------------------------------------------------------------------- parsers


@FUZZ
@given(texts)
def test_hire_command_text_always_becomes_a_question(text):
    asked = question(text)
    assert isinstance(asked, str) and asked.strip()


@FUZZ
@given(st.one_of(req_like, json_values))
def test_req_parser_accepts_or_names_the_problem_and_analysis_never_crashes(kb, data):
    try:
        req = parse_req(data)
    except ReqError as err:
        assert str(err)
        return
    assert isinstance(req, Req)
    analyse(kb, req)


@FUZZ
@given(texts)
def test_pasted_req_text_is_read_and_analysed(kb, text):
    analyse(kb, req_from_text(kb, text))


@FUZZ
@given(st.lists(req_like, max_size=6), st.sampled_from(["json", "csv"]))
def test_req_import_of_any_file_stores_whole_reqs_only(kb, tmp_path, records, shape):
    path = tmp_path / f"reqs.{shape}"
    if shape == "json":
        path.write_text(json.dumps(records))
    else:
        header = sorted({k for r in records for k in r}) or ["title"]
        lines = [",".join(header)] + [",".join(json.dumps(r.get(k, ""))[:50].replace("\n", " ") for k in header)
                                      for r in records]
        path.write_text("\n".join(lines))
    reqs = ReqStore(Store(tmp_path / f"import-{shape}.db"))
    try:
        summary = import_file(kb, reqs, path)
    except ValueError:
        return  # a file that is not JSON/CSV: refused as a whole, nothing stored
    assert summary["imported"] + summary["updated"] + summary["unchanged"] + len(summary["rejected"]) <= len(records)
    stored_reqs_are_whole(reqs)
