"""The knowledge base says what the seeds say: the key figures are there, attributed to the right seed and
population, and every number a fact says is a number of its own source seed (so a typo'd or
mis-attributed figure fails)."""

import re
from pathlib import Path

import pytest
from shared_dir import shared_path

from bot.knowledge import load
from bot.knowledge.models import Fact

REPO = Path(__file__).resolve().parents[1]
KB = load(REPO / "knowledge")
FACTS = list(KB.facts.values())
NUMBER = re.compile(r"\d[\d,.]*([KkM]?)")

S000 = "000_addf858d7c04a9b8.txt"
S003 = "003_ae94a61ad57d0821.txt"
S004 = "004_352862fff7e37430.txt"


def _numbers(text: str) -> list[tuple[str, str]]:
    """Each number of `text` as (digits without commas, K/M suffix)."""
    found = []
    for m in NUMBER.finditer(text):
        digits = m.group(0)[: len(m.group(0)) - len(m.group(1))].rstrip(".,").replace(",", "")
        found.append((digits, m.group(1).upper()))
    return found


def _forms(text: str) -> set[str]:
    """Every way a number of a seed may be written in a fact: 480,000 -> 480000 and 480; $1M -> 1."""
    forms: set[str] = set()
    for digits, _ in _numbers(text):
        forms.add(digits)
        if digits.isdigit() and digits.endswith("000"):
            forms.add(digits[:-3])
        if digits.isdigit() and digits.endswith("000000"):
            forms.add(digits[:-6])
    return forms


def _parsed(text: str) -> set[float]:
    """The numbers of a fact's text as values: $480K -> 480000, $1M -> 1000000, 0.75 -> 0.75."""
    scale = {"": 1, "K": 1_000, "M": 1_000_000}
    return {float(digits) * scale[suffix] for digits, suffix in _numbers(text) if digits.replace(".", "").isdigit()}


@pytest.fixture(scope="session")
def seed_forms() -> dict[str, set[str]]:
    """Every number of each seed (../shared/seeds), in every form a fact may write it, by seed file name."""
    return {path.name: _forms(path.read_text(encoding="utf-8")) for path in shared_path("seeds").glob("*.txt")}


def _only(**conditions) -> Fact:
    """The one fact whose values match all of `conditions` (e.g. median=480000)."""
    hits = [f for f in FACTS if f.values and all(f.values.get(k) == v for k, v in conditions.items())]
    assert hits, f"no fact with values {conditions}"
    return hits[0]


KEY_FIGURES = [
    # values, source, words the population must mention, roles it is about
    ({"median": 480000}, S000, ["senior", "applied scientist", "top-50"], {"applied_scientist"}),
    ({"median": 320000}, S000, ["senior", "ML engineer", "top-50"], {"ml_engineer"}),
    ({"percent": 50, "ratio": 5}, S000, ["applied scientist"], {"applied_scientist", "ml_engineer"}),
    ({"low": 620000, "high": 1100000}, S000, ["frontier", "applied scientist"], {"applied_scientist"}),
    ({"low": 450000, "high": 650000}, S000, ["frontier", "ML engineer"], {"ml_engineer"}),
    ({"median": 295000, "low": 165000, "high": 800000}, S004, ["US", "research scientist"], {"research_scientist"}),
    ({"low": 200000, "high": 320000}, S004, ["frontier", "base"], {"research_scientist"}),
    ({"low": 1000000}, S004, ["senior", "frontier"], {"research_scientist"}),
    ({"high": 1000000}, S004, ["Distinguished", "Principal"], {"research_scientist"}),
    ({"days": 110}, S000, ["senior", "applied scientist", "Series C+"], {"applied_scientist"}),
    ({"days": 70}, S000, ["senior", "ML engineer", "Series C+"], {"ml_engineer"}),
    ({"low_days": 150, "high_days": 200}, S000, ["frontier"], {"applied_scientist"}),
    ({"count": 14200}, S000, ["DataDriven"], set()),
    ({"percent": 21}, S000, ["14,200"], {"ml_engineer"}),
    ({"count": 3500}, S000, ["14,200"], {"ml_engineer"}),
    ({"count": 600, "percent": 4}, S000, ["14,200"], {"applied_scientist"}),
    ({"count": 30000}, S000, ["MLOps Community"], {"ml_engineer"}),
    ({"percent": 75}, S000, ["applied scientist"], {"applied_scientist"}),
    ({"minutes": 90}, S000, ["applied scientist"], {"applied_scientist"}),
    ({"minutes": 60}, S000, ["applied scientist"], {"applied_scientist"}),
    ({"weight": 0.75}, S004, ["research scientist", "AIEH"], {"research_scientist"}),
    ({"weight": 0.6}, S004, ["research scientist", "AIEH"], {"research_scientist"}),
    ({"count": 4096, "percent": 15}, S003, ["research engineer"], {"research_engineer"}),
    ({"percent": 30}, S004, ["research scientist"], {"research_scientist"}),
]


@pytest.mark.parametrize(("values", "source", "words", "roles"), KEY_FIGURES, ids=lambda v: str(v)[:40])
def test_key_figure_is_attributed(values: dict, source: str, words: list[str], roles: set[str]):
    fact = _only(**values)
    assert fact.source == source, f"{fact.id} cites {fact.source}"
    for word in words:
        assert word.lower() in (fact.population or "").lower(), f"{fact.id}: population lacks {word!r}"
    assert set(fact.roles) == roles, f"{fact.id}: roles {fact.roles}"


def test_senior_top50_figures_carry_their_selectors():
    for median in (480000, 320000):
        fact = _only(median=median)
        assert (fact.level, fact.tier, fact.region, fact.dated) == ("senior", "top50", "us", True)
    for days in (110, 70):
        fact = _only(days=days)
        assert (fact.level, fact.tier, fact.region) == ("senior", "series_c_plus", "us")


def test_applied_scientist_loop_has_five_timed_blocks():
    blocks = [f for f in KB.topic("interview_loop") if "block" in f.tags and f.roles == ["applied_scientist"]]
    assert [f.values["minutes"] for f in blocks] == [75, 75, 75, 90, 60]


def test_rs_skill_weights_in_order():
    weights = [f.values["weight"] for f in KB.topic("skills") if "weight" in f.values]
    assert weights == [0.75, 0.65, 0.65, 0.60, 0.55, 0.55]


def test_region_caveats_are_aieh_not_datadriven():
    regional = [f for f in KB.topic("compensation") if "region_adjustment" in f.tags]
    assert {f.region for f in regional} == {"europe", "apac"}
    assert all(f.source == S004 and "30-50%" in f.text for f in regional)


def test_every_comp_figure_names_its_caveats():
    for fact in KB.topic("compensation"):
        if fact.values and "offer_spread" not in fact.tags:
            assert {"comp.caveat.offer_spread", "comp.caveat.verify"} <= set(fact.caveats), fact.id
            assert fact.dated, fact.id
            if fact.tier == "frontier_lab":
                assert "comp.caveat.equity" in fact.caveats, fact.id


def test_no_research_engineer_pay_figure():
    for fact in KB.topic("compensation"):
        assert not (fact.values and "research_engineer" in fact.roles), fact.id


def test_facts_with_digits_have_a_population():
    missing = [f.id for f in FACTS if re.search(r"\d", f.text) and not f.population]
    assert not missing, f"facts with figures but no population: {missing}"


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.id)
def test_every_number_is_in_its_own_seed(fact: Fact, seed_forms: dict[str, set[str]]):
    seed = seed_forms[fact.source]
    for part in (fact.text, fact.population or ""):
        for digits, _ in _numbers(part):
            assert digits in seed, f"{fact.id}: {digits!r} is not in {fact.source}"


@pytest.mark.parametrize("fact", [f for f in FACTS if f.values], ids=lambda f: f.id)
def test_values_are_said_in_the_text(fact: Fact):
    said = _parsed(fact.text)
    for key, value in fact.values.items():
        assert value in said, f"{fact.id}: values.{key}={value} is not written in its text"


def test_glossary_and_roles_numbers_are_in_their_seeds(seed_forms: dict[str, set[str]]):
    for item, text in [(t, t.definition) for t in KB.terms] + [(r, r.one_liner) for r in KB.roles.values()]:
        for digits, _ in _numbers(text):
            assert digits in seed_forms[item.source], f"{text[:40]!r}: {digits!r} not in {item.source}"


def test_all_roles_and_four_core():
    assert len(KB.roles) == 8
    assert {r.id for r in KB.roles.values() if r.core} == {
        "ml_engineer", "applied_scientist", "research_engineer", "research_scientist",
    }
