"""The knowledge-base corrections of issue 11, each against the seed sentence it rests on."""

import re
from datetime import date

import pytest
from shared_dir import shared_path

from bot.engine import Engine
from bot.knowledge import load
from bot.render.text import render, render_more
from bot.store import Store

KB = load()
S000, S003, S004 = "000_addf858d7c04a9b8.txt", "003_ae94a61ad57d0821.txt", "004_352862fff7e37430.txt"
TERMS = {t.term: t for t in KB.terms}


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8").lower() for p in shared_path("seeds").glob("*.txt")}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return Engine(KB, Store(tmp_path_factory.mktemp("db") / "hirebot.db"), today=date(2026, 11, 23))


def test_ml_engineer_count_and_share_are_separate_facts_and_their_disagreement_is_said():
    share = [f for f in KB.topic("talent_pool") if f.values.get("percent") == 21]
    count = [f for f in KB.topic("talent_pool") if f.values.get("count") == 3500]
    assert len(share) == len(count) == 1 and share[0] is not count[0]  # the seed gives them apart
    said = [f for f in KB.topic("talent_pool") if "disagreement" in f.tags and "ml_engineer" in f.roles]
    assert said and "do not agree" in said[0].text


def test_the_pool_answer_says_the_figures_disagree(engine):
    answer = engine.ask("t:pool", "how big is the MLE talent pool?")
    assert "do not agree" in render(answer)


def test_applied_scientist_definition_is_seed_003s_and_the_seeds_disagreement_is_said(engine, seeds):
    term = TERMS["applied scientist"]
    assert term.source == S003 and "research artifact" not in term.definition  # 000's words, not 003's
    assert "apply research techniques to solve a specific product or business problem" in seeds[S003]
    answer = engine.ask("t:as", "what is an applied scientist?")
    assert "sources differ" in render(answer).lower()


def test_frontier_lab_definition_names_only_what_seed_000_names(seeds):
    term = TERMS["frontier AI lab"]
    assert term.source == S000
    for name in re.findall(r"\b[A-Z][\w]+(?: [A-Z][\w]+)*", term.definition):
        if name not in ("Labs", "Series C"):
            assert name.lower() in seeds[S000], f"{name!r} is not in seed 000"
    assert "Meta" not in term.definition and "pay" not in term.definition  # seed 003 / 004 words


def test_evaluation_harness_definition_is_seed_003s_only(seeds):
    term = TERMS["evaluation harness"]
    assert term.source == S003 and "intended capability improvement" not in term.definition  # seed 004's words
    assert "evaluation harness for a new capability benchmark" in seeds[S003]


def test_top_50_is_not_defined_beyond_what_seed_000_says():
    term = TERMS["top-50 AI lab"]
    assert "does not say which employers" in term.definition


def test_help_does_not_credit_datadriven_telemetry_for_time_to_fill():
    pool = KB.facts["help.sources.datadriven_pool"]
    assert "does not say where its time-to-fill figures come from" in pool.text


def test_frontier_lab_words_are_the_seeds_own(seeds):
    squashed = re.sub(r"[\s-]+", "", " ".join(seeds.values()))
    for phrase in KB.vocabulary.tiers["frontier_lab"]:
        assert re.sub(r"[\s-]+", "", phrase) in squashed, f"{phrase!r}: no seed names it a frontier lab"
    assert not {"xai", "mistral"} & set(KB.vocabulary.tiers["frontier_lab"])


def test_a_series_c_alone_earns_no_applied_scientist_points():
    tier = next(q for q in KB.diagnostic.questions if q.id == "tier")
    for choice in tier.choices:
        if choice.scores.get("applied_scientist"):
            words = [*choice.synonyms, *choice.cues]
            assert not {"series c", "series c+", "scaleup", "scale-up", "growth stage", "late stage"} & set(words), \
                choice.id
            assert "series_c_plus" not in choice.tiers, choice.id  # the entity cannot tell AI infrastructure


def test_at_a_frontier_lab_applied_and_research_scientist_score_alike():
    frontier = next(c for q in KB.diagnostic.questions if q.id == "tier" for c in q.choices if c.id == "frontier")
    assert frontier.scores["applied_scientist"] == frontier.scores["research_scientist"]


def test_the_one_million_principal_figure_is_said_once(engine):
    assert sum(f.values.get("high") == 1000000 for f in KB.facts.values()) == 1
    for question in ("research scientist pay", "comp for a distinguished research scientist",
                     "comp for a principal research scientist"):
        answer = engine.ask(f"t:{question}", question)
        said = render(answer) + render_more(answer)
        assert said.count("$1M+") == 1, question


def test_research_scientist_adjustments_say_whom_they_describe():
    for fact in KB.topic("compensation"):
        if {"offer_spread", "region_adjustment", "verify"} & set(fact.tags):
            assert "research scientist" in fact.text and fact.roles == ["research_scientist"], fact.id
