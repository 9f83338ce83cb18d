"""The req model and the mis-scoping analysis (bot/engine/reqs.py), on a small fixed knowledge base."""

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_dir import shared_cases

from bot.engine.reqs import (
    Req,
    ReqError,
    analyse,
    check_case,
    parse_req,
    report_answer,
    title_role,
)
from bot.engine.reqs.pasted import analyse_text, req_from_text
from bot.eval import score_req
from bot.knowledge.loader import KnowledgeBase
from bot.knowledge.models import KnowledgeFile

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def fixture_kb() -> KnowledgeBase:
    """Seed figures from tests/fixtures/reqs_kb.yaml plus the real req signals."""
    kb = KnowledgeBase(root=FIXTURES)
    for path in (FIXTURES / "reqs_kb.yaml", ROOT / "knowledge" / "req_signals.yaml"):
        part = KnowledgeFile.model_validate(yaml.safe_load(path.read_text()))
        kb.sources.update({s.file: s for s in part.sources})
        kb.facts.update({f.id: f for f in part.facts})
        kb.signals = part.signals or kb.signals
    return kb


KB = fixture_kb()


def cases(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.mark.parametrize("case", cases(FIXTURES / "reqs_more.jsonl") + shared_cases("eval", "reqs_dev.jsonl"),
                         ids=lambda c: c["req"]["id"])
def test_eval_cases_pass(case):
    got = check_case(KB, case["req"])
    assert score_req(case, got) == []


def test_more_cases_are_many_and_varied():
    more = cases(FIXTURES / "reqs_more.jsonl")
    assert len(more) >= 20
    kinds = {k for c in more for k in c["expect"].get("kinds", [])}
    assert kinds == {"role_mismatch", "stage_mismatch", "comp_below_market", "timeline_unrealistic",
                     "credential_overreach"}
    well_scoped = {c["req"]["title"] for c in more if "role_mismatch" in c["expect"].get("forbid", [])}
    assert {title_role(KB, t) for t in well_scoped} >= {"ml_engineer", "applied_scientist", "research_engineer",
                                                        "research_scientist"}


def test_report_json_is_the_contract_shape():
    report = check_case(KB, cases(FIXTURES / "reqs_more.jsonl")[0]["req"])
    assert {"id", "title_role", "work_role", "work_confidence", "assessed", "findings"} <= set(report)
    assert set(report) - {"why_not", "hybrid_roles", "notes"} == {"id", "title_role", "work_role", "work_confidence",
                                                                  "assessed", "findings"}
    for finding in report["findings"]:
        assert set(finding) - {"suggested_role"} == {"kind", "severity", "message", "evidence"}
        assert ("suggested_role" in finding) == (finding["kind"] == "role_mismatch")
        assert finding["severity"] in {"high", "medium", "low"}
    json.dumps(report)


def test_role_evidence_quotes_the_req_text():
    req = parse_req({"title": "Senior Applied Scientist", "employer_tier": "series_a_b",
                     "description": "Own our fraud detection model end to end in production: ship model updates "
                                    "weekly, keep p99 serving latency under 50ms, build monitoring and automated "
                                    "retraining pipelines."})
    finding = next(f for f in analyse(KB, req).findings if f.kind == "role_mismatch")
    assert finding.suggested_role == "ml_engineer"
    assert finding.evidence
    for quote in finding.evidence:
        assert quote.rstrip("…") in req.description
    assert "000_addf858d7c04a9b8.txt" in finding.message
    assert finding.cited and all(c.source for c in finding.cited)


def test_figures_name_the_fact_and_source():
    req = parse_req({"title": "Senior Applied Scientist", "level": "senior", "employer_tier": "top50",
                     "description": "Design new model architectures and publish methodology papers.",
                     "comp_min": 200000, "comp_max": 260000, "target_fill_days": 45})
    found = {f.kind: f for f in analyse(KB, req).findings}
    assert "$480,000" in found["comp_below_market"].message
    assert "senior IC, top-50 US AI labs" in found["comp_below_market"].message
    assert "000_addf858d7c04a9b8.txt" in found["comp_below_market"].message
    assert "110 days" in found["timeline_unrealistic"].message
    assert found["timeline_unrealistic"].evidence == ["target_fill_days: 45"]


def test_frontier_timeline_uses_the_low_end():
    req = parse_req({"title": "Applied Scientist", "employer_tier": "frontier_lab", "target_fill_days": 149,
                     "description": "Develop new training methodology; run ablations; publish papers."})
    finding = next(f for f in analyse(KB, req).findings if f.kind == "timeline_unrealistic")
    assert "low end 150 days" in finding.message
    req = req.model_copy(update={"target_fill_days": 150})
    assert not [f for f in analyse(KB, req).findings if f.kind == "timeline_unrealistic"]


@pytest.mark.parametrize("update", [
    {"level": "junior"},  # the seeds give no junior figure
    {"region": "europe"},  # nor a European one
    {"currency": "EUR"},  # and the KB's figures are USD
    {"employer_tier": None},  # a top-50 median says nothing about an unnamed employer
])
def test_no_figure_no_comp_finding(update):
    data = {"title": "Senior ML Engineer", "level": "senior", "employer_tier": "top50",
            "description": "Ship and maintain production models; own model serving and monitoring.",
            "comp_min": 100000, "comp_max": 120000} | update
    assert "comp_below_market" not in [f.kind for f in analyse(KB, parse_req(data)).findings]


@pytest.mark.parametrize(("requirements", "flagged"), [
    (["PhD in CS required"], True),
    (["PhD in ML or statistics"], True),
    (["MS or PhD in CS"], False),
    (["PhD preferred"], False),
    (["PhD or equivalent industry experience"], False),
    (["No PhD required"], False),
    ([], False),
])
def test_credential_overreach_only_for_hard_phd(requirements, flagged):
    req = parse_req({"title": "ML Engineer", "requirements": requirements,
                     "description": "Deploy and operate models in production; own feature pipelines and serving."})
    kinds = [f.kind for f in analyse(KB, req).findings]
    assert ("credential_overreach" in kinds) is flagged


def test_requires_phd_flag_and_research_work():
    mle = {"title": "ML Engineer", "description": "Deploy and monitor models in production; own model serving."}
    assert "credential_overreach" in [f.kind for f in analyse(KB, parse_req(mle | {"requires_phd": True})).findings]
    research = {"title": "Applied Scientist", "requires_phd": True,
                "description": "Design new model architectures and training methodology; publish at NeurIPS."}
    assert not analyse(KB, parse_req(research)).findings


def test_negated_phrases_do_not_count():
    req = parse_req({"title": "ML Engineer", "description": "Ship and maintain models in production with "
                     "low-latency serving and monitoring. This is not a research role: no papers, no publications."})
    report = analyse(KB, req)
    assert report.work_role == "ml_engineer"
    assert not report.findings


@pytest.mark.parametrize(("data", "field"), [
    ({"description": "x"}, "title"),
    ({"title": "MLE"}, "description"),
    ({"title": "MLE", "description": "x", "level": "wizard"}, "level"),
    ({"title": "MLE", "description": "x", "employer_tier": "startup"}, "employer_tier"),
    ({"title": "MLE", "description": "x", "comp_min": "lots"}, "comp_min"),
    ({"title": "MLE", "description": "x", "comp_min": 300000, "comp_max": 200000}, "comp_max"),
    ({"title": "MLE", "description": "x", "target_fill_days": 0}, "target_fill_days"),
    ({"title": "MLE", "description": "x", "requirements": 7}, "requirements"),
    ({"title": "MLE", "description": "x", "currency": "dollars"}, "currency"),
])
def test_bad_req_error_names_the_field(data, field):
    with pytest.raises(ReqError) as err:
        parse_req(data)
    assert field in str(err.value)
    assert check_case(KB, data)["error"] == str(err.value)


def test_req_accepts_text_or_list_requirements_and_ignores_extras():
    a = parse_req({"title": "t", "description": "d", "requirements": "PhD\nPyTorch", "ats_field": 1})
    b = parse_req({"title": "t", "description": "d", "requirements": ["PhD", "PyTorch"], "id": 42})
    assert a.requirement_lines() == b.requirement_lines() == ["PhD", "PyTorch"]
    assert b.id == "42"
    with pytest.raises(ReqError, match="a req must be a JSON object"):
        parse_req(["not", "a", "req"])


def test_pasted_job_description():
    text = ("check this req: Senior Applied Scientist\nWe're a Series A startup. You'll own our pricing model in "
            "production: deploy weekly, monitor drift, retrain automatically and keep serving latency low.\n"
            "Band $150k-$180k. We want this hired within 30 days. PhD required.")
    req = req_from_text(KB, text)
    assert (req.title, req.level, req.employer_tier) == ("Senior Applied Scientist", "senior", "series_a_b")
    assert (req.comp_min, req.comp_max, req.target_fill_days) == (150000, 180000, 30)
    kinds = {f.kind for f in analyse_text(KB, text).findings}
    assert {"role_mismatch", "stage_mismatch", "timeline_unrealistic", "credential_overreach"} <= kinds


def test_pasted_text_finds_the_title_inside_a_sentence():
    report = analyse_text(KB, "we are hiring a research engineer to write the distributed training code and "
                              "build the evaluation harness our researchers use")
    assert (report.title_role, report.work_role) == ("research_engineer", "research_engineer")
    assert not report.findings


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(max_size=80), description=st.text(min_size=1, max_size=600))
def test_any_text_gets_a_report_never_a_crash(title, description):
    data = {"title": title or "x", "description": description}
    try:
        req = Req.model_validate(data)
    except ValueError:
        return
    report = analyse(KB, req)
    for finding in report.findings:
        assert finding.message
    analyse_text(KB, f"{title}\n{description}")


def test_report_as_an_engine_answer():
    req = req_from_text(KB, "check this req: Senior Applied Scientist at a Series A startup. Own the fraud model in "
                            "production: ship weekly, keep p99 serving latency low, build monitoring and retraining.")
    answer = report_answer(KB, req, analyse(KB, req))
    assert answer.intent == "review_req" and answer.title == "Req check: Senior Applied Scientist"
    assert any(line.startswith("[high] role mismatch:") for line in answer.lines)
    assert any("> “" in line for line in answer.lines)
    assert [f.source for f in answer.facts] == ["000_addf858d7c04a9b8.txt"]  # the stage fact, a KB fact
    assert answer.choices[0].value == "diag/restart"


@pytest.mark.parametrize("text", ["", "   ", "check this req:", "hello"])
def test_pasted_text_too_short_still_gets_a_report(text):
    answer = report_answer(KB, req_from_text(KB, text), analyse_text(KB, text))
    assert answer.lines and not answer.facts


@pytest.mark.parametrize(("level", "flagged"), [("staff", True), ("senior", True), ("mid", False), (None, False)])
def test_a_band_is_held_to_its_level_or_a_lower_levels_figure(level, flagged):
    req = parse_req({"title": "ML Engineer", "level": level, "employer_tier": "top50", "comp_max": 200000,
                     "comp_basis": "total",
                     "description": "Ship and maintain production models; own model serving and monitoring."})
    found = [f for f in analyse(KB, req).findings if f.kind == "comp_below_market"]
    assert bool(found) is flagged
    if level == "staff":
        assert "a senior figure; a staff band should sit above it" in found[0].message


def test_pasted_text_labels_weeks_and_months():
    req = req_from_text(KB, "## Title: Senior Machine Learning Engineer\nWe are a Series B startup. Deploy and "
                            "monitor models in production. Band: $150K–$190K. We need it filled in 6 weeks.")
    assert (req.title, req.level, req.employer_tier) == ("Senior Machine Learning Engineer", "senior", "series_a_b")
    assert (req.comp_min, req.comp_max, req.target_fill_days) == (150000, 190000, 42)
    req = req_from_text(KB, "Role - Research Scientist\nSeed-stage company. Set our research agenda and publish. "
                            "USD 140,000 to 170,000. Hire within 2 months.")
    assert (req.title, req.comp_max, req.target_fill_days) == ("Research Scientist", 170000, 60)
