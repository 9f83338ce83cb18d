"""The diagnostic walk-through as a hiring manager drives it: buttons and typed answers, skipping, "not sure",
back, start over, cancel, side questions, bad input at every step, a process restart and expiry."""

import itertools
import json
import re
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_dir import shared_cases

from bot.engine import Answer, Engine
from bot.engine import diagnose as dg
from bot.engine.answer import article
from bot.engine.understand import Understander
from bot.knowledge import load
from bot.knowledge.ids import ROLES
from bot.render.text import render, render_more
from bot.store import Store

KB = load()
DIAG = KB.diagnostic
HEAR = Understander(KB)
TODAY = date(2026, 11, 23)
QUESTIONS = {q.id: q for q in DIAG.questions}
TITLES = {q.text: q.id for q in DIAG.questions}
CORE = [r.role for r in DIAG.recommendations]
NUMBER = re.compile(r"\d[\d,.]*")
ALLOWED = KB.numbers()
CITABLE = {(f.text, f.source) for f in KB.facts.values()} | {(w.text, w.source) for w in DIAG.warnings}
CITABLE |= {(t.definition, t.source) for t in KB.terms}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return Engine(KB, Store(tmp_path / "hirebot.db"), today=TODAY)


def question(answer: Answer) -> str:
    """The id of the question an answer asks (fails when it asks none)."""
    assert answer.kind == "question" and answer.intent == "choose_role", render(answer)
    return TITLES[answer.title]


def pick(answer: Answer, label: str) -> str:
    """The value a click on the button labelled `label` sends."""
    values = {c.label: c.value for c in answer.choices}
    assert label in values, f"no button {label!r} in {list(values)}"
    return values[label]


def saved(engine: Engine, conversation: str) -> dict | None:
    return engine.store.load_thread(conversation).get("diagnostic")


def said_only_kb_figures(answer: Answer, cited: bool = True) -> None:
    parts = [answer.title, *answer.lines, *answer.notes, *answer.suggestions, *(c.label for c in answer.choices)]
    parts += [f"{f.text} {f.population or ''}" for f in answer.facts]
    for part in parts:
        for number in NUMBER.findall(part):
            assert number.rstrip(".,").replace(",", "") in ALLOWED, f"{number!r} in {part!r} is not in knowledge/"
    for fact in answer.facts if cited else []:
        assert (fact.text, fact.source) in CITABLE, f"not a KB fact or seed warning: {fact.text!r}"
        assert fact.source in KB.sources and fact.as_of


def hire(role: str) -> str:
    return f"Hire {article(KB.roles[role].name)}"


def label(question_id: str, choice_id: str) -> str:
    if choice_id == "not_sure":
        return "Not sure"
    return next(c.label for c in QUESTIONS[question_id].choices if c.id == choice_id)


# -- the data --------------------------------------------------------------------------------------------------


def test_the_walk_through_is_built_from_the_seeds():
    assert set(CORE) == {"ml_engineer", "applied_scientist", "research_engineer", "research_scientist"}
    cited = [*DIAG.questions, *DIAG.recommendations, *DIAG.warnings]
    assert all(item.source in KB.sources for item in cited)
    assert [q.source for q in DIAG.questions[:3]] == ["000_addf858d7c04a9b8.txt"] * 3  # the three questions
    assert all(r in KB.roles for r in CORE)


# -- every path to every recommendation ------------------------------------------------------------------------


def _heard(raw: str):
    return HEAR.understand(raw)


def _walk(choices: dict[str, str]) -> tuple[list[str], dict, Answer]:
    """Click through the walk-through answering `choices` (question id -> choice id); the questions asked."""
    state, reply = dg.step(KB, None, _heard("MLE or applied scientist?"), time.time(), _no_aside, TODAY)
    asked = []
    while reply.kind == "question":
        asked.append(question(reply))
        state, reply = dg.step(KB, state, _heard(pick(reply, label(asked[-1], choices[asked[-1]]))),
                               time.time(), _no_aside, TODAY)
    return asked, state, reply


def _no_aside(heard) -> Answer:
    raise AssertionError(f"a button was sent to the composer: {heard.raw!r}")


def _all_paths():
    options = [[c.id for c in q.choices] + ["not_sure"] for q in DIAG.questions]
    for combo in itertools.product(*options):
        yield dict(zip(QUESTIONS, combo, strict=True))


def test_every_path_ends_in_the_top_scored_role_and_every_role_is_reachable():
    reached: dict[str, int] = {}
    seen_paths = set()
    for choices in _all_paths():
        asked, state, reply = _walk(choices)
        applies, rule = [], None
        for q in DIAG.questions:  # asked in order until a seed rule holds
            if dg.Walk.applies(q, choices):
                applies.append(q.id)
            given = {k: choices[k] for k in applies}
            rule = next((r for r in DIAG.rules if all(given.get(k) in v for k, v in r.answers.items())), None)
            if rule:
                break
        assert asked == applies
        path = tuple((q, choices[q]) for q in asked)
        if path in seen_paths:
            continue
        seen_paths.add(path)
        totals = {r: 0.0 for r in CORE}
        for q, c in path:
            if c != "not_sure":
                for role, points in next(x for x in QUESTIONS[q].choices if x.id == c).scores.items():
                    totals[role] += points
        best = max(totals.values())
        expected = rule.role if rule else next(r for r in CORE if totals[r] == best)  # ties: the first listed
        assert state["status"] == "done" and state["result"]["role"] == expected
        assert reply.kind == "answer" and reply.intent == "choose_role" and reply.entities.roles == [expected]
        assert reply.title == hire(expected)
        assert 0.2 <= reply.confidence <= 0.95
        unsure = sum(c == "not_sure" for _, c in path)
        assert sum(line.startswith("Left open") for line in reply.lines) == (1 if unsure else 0)
        assert len(render(reply).split()) <= 200  # the recommendation is short; the plan is behind a button
        said_only_kb_figures(reply)
        reached[expected] = reached.get(expected, 0) + 1
    assert set(reached) == set(CORE), reached


PATHS = [  # (clicks in order, role, confidence at least, warning ids expected)
    (["Shipping production models", "No, proven techniques are enough", "Early-stage startup (seed to Series B)"],
     "ml_engineer", 0.9, {"as_for_mle_work"}),
    (["Producing research artifacts", "Yes, they must publish or invent methods",
      "Series C+ AI infrastructure company", "Applying research to a product problem"],
     "applied_scientist", 0.8, {"as_needs_engineering"}),
    (["Producing research artifacts", "No, proven techniques are enough", "Frontier AI lab",
      "Building the systems that make research fast"], "research_engineer", 0.7, {"re_research_instincts"}),
    (["Producing research artifacts", "Yes, they must publish or invent methods", "Frontier AI lab",
      "Advancing the field with new capabilities"], "research_scientist", 0.8, set()),
    (["A bit of both", "Yes, they must publish or invent methods", "A company outside tech that uses data",
      "Applying research to a product problem"], "applied_scientist", 0.5, {"research_at_data_company"}),
    (["Not sure", "Not sure", "Not sure", "Not sure"], "ml_engineer", 0.2, set()),  # never "Scope this as MLE"
]


@pytest.mark.parametrize(("clicks", "role", "sure", "warned"), PATHS)
def test_paths_give_reasons_warnings_and_a_cited_hiring_plan(engine, clicks, role, sure, warned):
    reply = engine.ask("c", "MLE or applied scientist?")
    for click in clicks:
        reply = engine.ask("c", pick(reply, click))
    text = render(reply)
    assert reply.title == hire(role), text
    assert text.startswith(reply.headline) and reply.headline.startswith(hire(role))
    assert reply.confidence >= sure
    quoted = [click for click in clicks if f'"{click}"' in text]  # reasons name what the person answered
    assert 1 <= len(quoted) <= 3 or all(c == "Not sure" for c in clicks)
    assert len(text.split()) <= 200
    warnings = {w.id for w in DIAG.warnings if w.text in {f.text for f in reply.facts}}
    assert warnings == warned
    assert "Scope this as MLE" not in text or reply.confidence >= 0.8
    assert reply.more_label == "The hiring plan"  # the plan is behind a button
    assert reply.more and all(f.population or f.as_of for f in reply.more)
    labels = [c.label for c in reply.choices]
    assert labels[0] == "Open a req with this scoping" and labels[1].startswith("Compare with ")
    assert labels[2] == "Start over"
    said_only_kb_figures(reply)
    assert saved(engine, "c")["status"] == "done"


def test_not_sure_everywhere_says_what_it_leaves_open(engine):
    reply = engine.ask("c", "help me pick between MLE and AS")
    for _ in range(4):
        reply = engine.ask("c", "no idea")
    assert reply.title.startswith("Hire")
    assert reply.confidence < 0.5
    assert "Not sure" in reply.headline
    [left] = [line for line in reply.lines if line.startswith("Left open")]
    assert all(q.short.lower() in left for q in DIAG.questions)  # one line naming everything left open


def test_no_settled_answer_names_the_sources_default_with_its_article():
    _, _, reply = _walk({q.id: "not_sure" for q in DIAG.questions})
    name = KB.roles[reply.entities.roles[0]].name
    assert any(line.endswith(f"most companies need {article(name)} first.") for line in reply.lines)
    assert not any(" a ML " in line for line in reply.lines)


def test_research_engineer_plan_says_the_sources_have_no_pay_figure(engine):
    reply = engine.ask("c", "MLE or applied scientist?")
    for click in PATHS[2][0]:
        reply = engine.ask("c", pick(reply, click))
    plan = render_more(reply)
    assert "the sources give no pay figures for research engineers" in plan  # each stand-in says what it is not


# -- typed answers ---------------------------------------------------------------------------------------------


TYPED = [
    ("deliverable", "mostly shipping", "shipping"),
    ("deliverable", "Shiping models", "shipping"),
    ("deliverable", "a bit of both", "both"),
    ("deliverable", "research artifacts mostly", "research"),
    ("deliverable", "no idea", "not_sure"),
    ("deliverable", "shipping, not research", "shipping"),
    ("deliverable", "we don't ship anything, it's research", "research"),
    ("research_depth", "definitely not", "no"),
    ("tier", "not a tech company, we're a retailer", "other"),
    ("tier", "mid-size SaaS company", "big_tech"),
    ("focus", "publishing papers", "field"),
    ("research_depth", "yes they must publish", "yes"),
    ("research_depth", "nope, they don't need to publish", "no"),
    ("research_depth", "yep", "yes"),
    ("research_depth", "not sure", "not_sure"),
    ("tier", "we're series B", "early"),
    ("tier", "12-person startup", "early"),
    ("tier", "we're a frontier lab", "frontier"),
    ("tier", "series D AI infra company", "c_plus"),
    ("tier", "a bank", "other"),
    ("tier", "dunno", "not_sure"),
    ("focus", "building the training infrastructure", "systems"),
    ("focus", "apply research to our ranking problem", "product"),
    ("focus", "advance the field", "field"),
    ("focus", "2", "product"),
    # denials and hedges, each pattern
    ("research_depth", "no need for them to publish anything", "no"),
    ("research_depth", "nobody on the team will be writing papers", "no"),
    ("research_depth", "not really", "no"),
    ("research_depth", "they won't be publishing", "no"),
    ("research_depth", "we don't need novel methods", "no"),
    ("research_depth", "zero publications expected", "no"),
    ("research_depth", "publishing isn't something we care about", "no"),
    ("research_depth", "papers are not needed", "no"),
    ("research_depth", "it's not that they don't publish, they must", "yes"),
    ("research_depth", "we can't not publish, it's how we recruit", "yes"),
    ("research_depth", "probably not", "no"),
    ("research_depth", "maybe", "not_sure"),
    ("deliverable", "nobody here ships models, we write papers", "research"),
    ("deliverable", "we don't do research, it's all production", "shipping"),
    ("deliverable", "zero research, it's all about uptime", "shipping"),
    ("deliverable", "research isn't something we do", "shipping"),
    # free text by meaning
    ("deliverable", "keep it healthy in prod", "shipping"),
    ("deliverable", "retrain weekly and watch for drift", "shipping"),
    ("deliverable", "novel architectures for protein structure", "research"),
    ("deliverable", "build the training infrastructure and eval harness our researchers use", "research"),
    ("research_depth", "we fine-tune open-source models, nothing new", "no"),
    ("focus", "build the training infrastructure and eval harness our researchers use", "systems"),
    ("focus", "keep the gpu cluster fast for the scientists", "systems"),
    ("focus", "improve our search ranking metrics", "product"),
    ("focus", "it isn't infrastructure work, it's ranking for our product", "product"),
    ("focus", "push the state of the art and publish", "field"),
    ("focus", "keep the models healthy in prod", "production"),
    ("tier", "we're not a startup, we're a bank", "other"),
    # a side matter weighs less than what is said outright
    ("deliverable", "we ship the ranking model weekly and sometimes publish a paper", "shipping"),
    ("deliverable", "research mostly, we ship a model now and then", "research"),
    ("deliverable", "mostly shipping, a little research on the side", "shipping"),
    ("deliverable", "the model sometimes has to be retrained hourly; that's the whole job", "shipping"),
    ("deliverable", "it's a bit of both", "both"),
    ("deliverable", "it's a bit of both: we ship a ranking model and publish papers", "both"),
    ("deliverable", "research is a bit more important than shipping", "research"),  # the second choice weighs less
    ("deliverable", "shipping matters more than research for us", "shipping"),
    ("research_depth", "they rarely publish", "no"),  # the side matter is the answer itself
    ("research_depth", "papers are only nice to have", "no"),
    ("research_depth", "we sometimes need papers, it's critical", "yes"),
]


@pytest.mark.parametrize(("at", "typed", "choice"), TYPED)
def test_typed_answers(at, typed, choice):
    earlier = {q.id: "research" if q.id == "deliverable" else "not_sure" for q in DIAG.questions}
    answers = {q: c for q, c in itertools.takewhile(lambda kv: kv[0] != at, earlier.items())}
    state = {"status": "active", "current": at, "asked": list(answers), "answers": answers, "given": [],
             "level": None, "tier": None, "updated": time.time()}
    new, reply = dg.step(KB, state, _heard(typed), time.time(), _no_aside, TODAY)
    assert new["answers"][at] == choice, render(reply)


def test_the_opening_message_is_quoted_in_the_reasons_clause_by_clause(engine):
    """What the first message said is quoted back in its own words, each answer from its own clause, not as
    the option's label."""
    engine.ask("c", "our CTO wants an applied scientist but we honestly don't publish anything. who should we hire?")
    reply = engine.ask("c", "we're a series b startup, we ship a recommender")
    [why] = [line for line in reply.lines if line.startswith("Why: ")]
    assert '"we honestly don\'t publish anything"' in why and '"we ship a recommender"' in why, why
    assert "proven techniques are enough" not in why, why


def test_the_employer_reason_quotes_where_the_employer_was_named(engine):
    reply = engine.ask("c", "which role should we hire? nobody here publishes. We ship a recommender weekly, "
                            "and we are a Series D e-commerce company")
    [why] = [line for line in reply.lines if line.startswith("Why: ")]
    assert "Series D e-commerce company" in why and '"which role should we hire' not in why, why


def test_research_infrastructure_at_the_first_question_answers_the_week_too():
    state = {"status": "active", "current": "deliverable", "asked": [], "answers": {}, "given": [],
             "level": None, "tier": None, "updated": time.time()}
    new, reply = dg.step(KB, state, _heard("build the training infrastructure and eval harness our researchers use"),
                         time.time(), _no_aside, TODAY)
    assert new["answers"] == {"deliverable": "research", "focus": "systems"}
    assert question(reply) == "research_depth"


@pytest.mark.parametrize(("typed", "says"), [
    ("not really", "saying what it is not"),
    ("we don't", "saying what it is not"),
    ("purple", "couldn't tell which of these \"purple\" means"),
])
def test_an_answer_not_understood_is_re_asked_saying_what_was_not_understood(engine, typed, says):
    engine.ask("c", "which of these roles should we hire?")
    reply = engine.ask("c", typed)
    assert question(reply) == "deliverable" and says in " ".join(reply.lines), render(reply)


TYPED_WALKS = [  # whole walk-throughs typed in words, with denials: the recommendation's headline
    (["which of these roles should we hire?", "keep it healthy in prod, retrain weekly",
      "they won't publish anything", "we're a bank"], "ml_engineer"),
    (["help me decide who to hire", "build the training infrastructure and eval harness our researchers use",
      "nobody needs to publish", "frontier lab"], "research_engineer"),
    (["who should we hire", "research isn't something we do, we ship", "no need to", "big tech"], "ml_engineer"),
    (["which role?", "we're a series A and need someone to keep our model healthy in prod"], "ml_engineer"),
    (["which role should we open", "novel architectures", "it's not that we don't publish, we must",
      "series C AI infra company", "apply it to our ranking problem"], "applied_scientist"),
    (["who do we hire", "new architectures", "yes, they must publish", "frontier lab",
      "push the field forward with new capabilities"], "research_scientist"),
    (["who do we hire", "we need someone to run the gpu cluster and eval harness for our researchers",
      "zero papers", "series D"], "research_engineer"),
    (["which role do we hire to build our training infra for the research team?", "no papers needed", "frontier lab"],
     "research_engineer"),  # "infra" said in the opening message answers the work questions
]


@pytest.mark.parametrize(("messages", "role"), TYPED_WALKS)
def test_typed_walk_throughs_end_with_the_right_role(engine, messages, role):
    for message in messages:
        reply = engine.ask("c", message)
    assert reply.kind == "answer" and reply.title == hire(role), render(reply)
    assert reply.headline.startswith(hire(role)), reply.headline
    said_only_kb_figures(reply)


# -- skipping what was said up front ---------------------------------------------------------------------------


UP_FRONT = [
    ("we're a Series D company, we need someone to ship our fraud model — AS or MLE?",  # a later-stage company;
     {"deliverable": "shipping", "tier": "later_stage"}, "research_depth"),  # the seed's C+ is AI infrastructure
    ("we're a Series C AI infrastructure company, AS or MLE?", {"tier": "c_plus"}, "deliverable"),
    ("I need someone to ship our recommender to production, who should I hire", {"deliverable": "shipping"},
     "research_depth"),
    ("we're a series B startup, do we need an applied scientist?", {"tier": "early"}, "deliverable"),
    ("MLE or AS? they must publish", {"research_depth": "yes"}, "deliverable"),
    ("MLE or applied scientist?", {}, "deliverable"),
]


@pytest.mark.parametrize(("opening", "given", "first"), UP_FRONT)
def test_facts_given_up_front_skip_their_questions(engine, opening, given, first):
    reply = engine.ask("c", opening)
    assert question(reply) == first
    assert saved(engine, "c")["answers"] == given
    if given:
        assert any(line.startswith("From your message:") for line in reply.lines)
    assert "Back" not in [c.label for c in reply.choices]


@pytest.mark.parametrize("opening", [
    "we're a Series B, we need someone to ship our fraud model — AS or MLE?",
    "seed-stage startup doing novel research on retrieval, which role do we hire?",
])
def test_series_a_b_and_the_work_known_recommend_an_mle_at_once(engine, opening):
    reply = engine.ask("c", opening)
    assert reply.kind == "answer" and reply.title == hire("ml_engineer"), render(reply)
    rule = next(r for r in DIAG.rules if r.id == "mle_first_series_a_b")
    assert rule.text in reply.lines and reply.confidence >= 0.9


def test_what_the_thread_said_before_the_walk_through_is_not_asked_again(engine):
    engine.ask("c", "we're a series D company, what does a senior MLE cost?")
    engine.ask("c", "we need someone to keep our fraud model healthy in prod, how long does that hire take?")
    reply = engine.ask("c", "ok so which of these roles should we hire?")
    assert question(reply) == "research_depth", render(reply)
    assert saved(engine, "c")["answers"] == {"deliverable": "shipping", "tier": "later_stage"}  # not AI infra


def test_an_answer_that_also_answers_later_questions_skips_them(engine):
    engine.ask("c", "MLE or AS?")
    reply = engine.ask("c", "we ship fraud models, and nobody here needs to publish")
    assert question(reply) == "tier", render(reply)
    assert saved(engine, "c")["answers"] == {"deliverable": "shipping", "research_depth": "no"}
    assert any(line.startswith("Also from your message") for line in reply.lines)


def test_everything_given_up_front_gives_the_recommendation_at_once(engine):
    reply = engine.ask("c", "we're a Series B and need someone to ship our fraud model, no need to publish; "
                            "MLE or applied scientist?")
    assert reply.kind == "answer" and reply.title == hire("ml_engineer"), render(reply)
    assert reply.entities.employer_tier == "series_a_b"
    [why] = [line for line in reply.lines if line.startswith("Why: ")]
    assert why.count('" (') == 3  # three reasons, each quoting what the message said


# -- back, start over, cancel -------------------------------------------------------------------------------


def test_back_goes_to_the_previous_question_and_forgets_its_answer(engine):
    first = engine.ask("c", "MLE or applied scientist?")
    assert "Back" not in [c.label for c in first.choices]
    again = engine.ask("c", "back")
    assert question(again) == "deliverable" and "nothing to go back to" in render(again)
    second = engine.ask("c", pick(first, "Shipping production models"))
    assert question(second) == "research_depth"
    back = engine.ask("c", pick(second, "Back"))
    assert question(back) == "deliverable" and saved(engine, "c")["answers"] == {}
    assert question(engine.ask("c", "research")) == "research_depth"


def test_back_skips_questions_answered_up_front(engine):
    engine.ask("c", "we're a series B startup, MLE or AS?")
    engine.ask("c", "shipping")  # deliverable; tier was given, so research depth is next
    assert question(engine.ask("c", "go back")) == "deliverable"
    assert saved(engine, "c")["answers"] == {"tier": "early"}


def test_back_after_the_recommendation_reopens_the_last_question(engine):
    reply = engine.ask("c", "MLE or applied scientist?")
    for click in PATHS[0][0]:
        reply = engine.ask("c", pick(reply, click))
    assert reply.title == hire("ml_engineer")
    assert question(engine.ask("c", "back")) == "tier"
    assert engine.ask("c", "frontier lab").title.startswith("Hire")


@pytest.mark.parametrize("words", ["start over", "restart", "Start over please", "diag/restart"])
def test_start_over_from_any_step(engine, words):
    reply = engine.ask("c", "we're series B, MLE or AS?")
    engine.ask("c", pick(reply, "Shipping production models"))
    assert question(engine.ask("c", words)) == "deliverable"
    assert saved(engine, "c")["answers"] == {}


def test_start_over_after_the_recommendation(engine):
    reply = engine.ask("c", "MLE or applied scientist?")
    for click in PATHS[3][0]:
        reply = engine.ask("c", pick(reply, click))
    assert question(engine.ask("c", pick(reply, "Start over"))) == "deliverable"


@pytest.mark.parametrize("words", ["cancel", "stop", "never mind", "Cancel"])
def test_cancel_at_any_step_ends_it_and_the_next_message_is_answered_normally(engine, words):
    reply = engine.ask("c", "MLE or applied scientist?")
    reply = engine.ask("c", pick(reply, "Producing research artifacts"))
    done = engine.ask("c", pick(reply, "Cancel") if words == "Cancel" else words)
    assert done.title == "Walk-through cancelled" and saved(engine, "c") is None
    after = engine.ask("c", "comp for senior AS?")
    assert after.intent == "compensation" and not any("walk-through" in note for note in after.notes)


# -- side questions and next steps -----------------------------------------------------------------------------


def test_a_side_question_is_answered_then_the_walk_through_resumes(engine):
    reply = engine.ask("c", "MLE or applied scientist?")
    reply = engine.ask("c", pick(reply, "Producing research artifacts"))
    side = engine.ask("c", "what's comp for an AS?")
    assert side.intent == "compensation" and "480" in render(side)
    assert side.notes[-1] == f"Back to the walk-through: {QUESTIONS['research_depth'].text}"
    assert "Not sure" in [c.label for c in side.choices]
    assert saved(engine, "c")["current"] == "research_depth"
    assert question(engine.ask("c", pick(side, "Yes, they must publish or invent methods"))) == "tier"


def test_next_steps_open_a_req_and_compare_with_the_runner_up(engine):
    reply = engine.ask("c", "we're a series C AI infra company, senior hire: MLE or applied scientist?")
    for click in ["Producing research artifacts", "Yes, they must publish or invent methods",
                  "Applying research to a product problem"]:
        reply = engine.ask("c", pick(reply, click))
    assert reply.title == hire("applied_scientist")
    req = engine.ask("c", pick(reply, "Open a req with this scoping"))
    assert req.title.startswith("Req scoping: ") and "applied scientist" in req.title.lower()
    assert any("The work:" in line for line in req.lines) and req.facts
    said_only_kb_figures(req)
    runner = next(c for c in reply.choices if c.label.startswith("Compare with"))
    compared = engine.ask("c", runner.value)
    assert compared.intent == "compare_roles" and saved(engine, "c") is None


def test_after_the_recommendation_the_thread_knows_the_role(engine):
    reply = engine.ask("c", "MLE or applied scientist?")
    for click in PATHS[1][0]:
        reply = engine.ask("c", pick(reply, click))
    follow = engine.ask("c", "how long does it take to hire one?")
    assert follow.intent == "time_to_fill" and follow.entities.roles == ["applied_scientist"]


# -- bad input at every step -----------------------------------------------------------------------------------


BAD = ["", "   ", "asdkjh qwpeoi zzz", "42", "diag/deliverable/nonsense", "diag/nope", "!!!", "🙂", "ok", "hmm"]


def _steps():
    """(clicks to reach a question, that question) for every question."""
    clicks: list[str] = []
    for q, c in [("deliverable", "Producing research artifacts"), ("research_depth", "Not sure"),
                 ("tier", "Frontier AI lab"), ("focus", None)]:
        yield list(clicks), q
        clicks.append(c)


@pytest.mark.parametrize(("clicks", "at"), list(_steps()))
@pytest.mark.parametrize("bad", BAD)
def test_bad_input_gets_a_clear_re_ask_and_keeps_the_state(engine, clicks, at, bad):
    reply = engine.ask("c", "MLE or applied scientist?")
    for click in clicks:
        reply = engine.ask("c", pick(reply, click))
    before = saved(engine, "c")
    again = engine.ask("c", bad)
    assert question(again) == at and again.lines, render(again)
    after = saved(engine, "c")
    assert after["answers"] == before["answers"] and after["current"] == at


def test_what_does_that_mean_explains_the_question(engine):
    engine.ask("c", "MLE or applied scientist?")
    reply = engine.ask("c", "what does that mean?")
    assert question(reply) == "deliverable" and QUESTIONS["deliverable"].why in reply.lines


def test_an_answer_to_a_question_not_asked_is_noted_and_the_question_re_asked(engine):
    engine.ask("c", "MLE or applied scientist?")
    reply = engine.ask("c", "we're a frontier lab")
    assert question(reply) == "deliverable" and "Noted for later" in render(reply)
    reply = engine.ask("c", pick(reply, "Producing research artifacts"))
    assert question(reply) == "research_depth"  # the tier question is skipped later
    reply = engine.ask("c", pick(reply, "Not sure"))
    assert question(reply) == "focus"


def test_a_stale_button_of_an_earlier_question_is_re_asked(engine):
    first = engine.ask("c", "MLE or applied scientist?")
    engine.ask("c", pick(first, "Shipping production models"))
    reply = engine.ask("c", pick(first, "A bit of both"))
    assert question(reply) == "research_depth" and "earlier question" in render(reply)
    assert saved(engine, "c")["answers"] == {"deliverable": "shipping"}


def test_a_button_of_an_ended_walk_through_says_so(engine):
    first = engine.ask("c", "MLE or applied scientist?")
    engine.ask("c", "cancel")
    reply = engine.ask("c", pick(first, "Shipping production models"))
    assert reply.title == "That walk-through has ended" and saved(engine, "c") is None


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Engine:
    return Engine(KB, Store(tmp_path_factory.mktemp("fuzz") / "hirebot.db"), today=TODAY)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messages=st.lists(st.one_of(st.text(max_size=40), st.sampled_from(
    ["back", "start over", "not sure", "yes", "no", "1", "3", "9", "diag/tier/early", "series b", "what's comp?",
     "MLE or AS?", "cancel", "shipping", "draft a req for an ML engineer"])), max_size=8))
def test_any_sequence_of_messages_keeps_a_valid_state(shared, messages):
    conversation = f"fuzz:{uuid.uuid4().hex}"
    shared.ask(conversation, "MLE or applied scientist?")
    for message in messages:
        reply = shared.ask(conversation, message)
        assert reply.title
        said_only_kb_figures(reply, cited=reply.intent in ("choose_role", "review_req"))
        state = saved(shared, conversation)
        assert state is None or dg._valid(DIAG, state)
        json.dumps(state)


# -- state on disk ---------------------------------------------------------------------------------------------


def test_a_walk_through_survives_a_process_restart(tmp_path):
    db = tmp_path / "hirebot.db"
    first = Engine(KB, Store(db), today=TODAY)
    reply = first.ask("slack:C1:171.1", "MLE or applied scientist?")
    reply = first.ask("slack:C1:171.1", pick(reply, "Producing research artifacts"))
    assert question(reply) == "research_depth"
    del first
    second = Engine(load(), Store(db), today=TODAY)
    reply = second.ask("slack:C1:171.1", "yes they must publish")
    assert question(reply) == "tier"
    reply = second.ask("slack:C1:171.1", "frontier lab")
    reply = second.ask("slack:C1:171.1", "advance the field")
    assert reply.title == hire("research_scientist")
    assert second.ask("slack:C1:other", "comp for senior AS?").intent == "compensation"


def _age(engine: Engine, conversation: str, days: float) -> None:
    state = engine.store.load_thread(conversation)
    state["diagnostic"]["updated"] -= days * 24 * 3600
    engine.store.save_thread(conversation, state)


def test_an_idle_walk_through_expires_after_seven_days(engine):
    reply = engine.ask("c", "MLE or applied scientist?")
    engine.ask("c", pick(reply, "Shipping production models"))
    _age(engine, "c", 6.9)
    assert question(engine.ask("c", "not sure")) == "tier"  # still alive after six days
    _age(engine, "c", 7.1)
    reply = engine.ask("c", "comp for senior AS?")
    assert reply.intent == "compensation" and "480" in render(reply)
    assert any("expired" in note for note in reply.notes)
    assert saved(engine, "c") is None
    assert question(engine.ask("c", "MLE or applied scientist?")) == "deliverable"


def test_a_saved_state_that_no_longer_fits_the_questions_is_dropped(engine):
    engine.ask("c", "MLE or applied scientist?")
    state = engine.store.load_thread("c")
    state["diagnostic"]["current"] = "a_question_since_removed"
    engine.store.save_thread("c", state)
    assert engine.ask("c", "comp for senior AS?").intent == "compensation"
    assert saved(engine, "c") is None


# -- the dev eval set ------------------------------------------------------------------------------------------


def _choose_role(case: dict) -> bool:
    return case.get("intent") == "choose_role" or "choose_role" in (case.get("intent") or [])


@pytest.mark.parametrize("case", shared_cases("eval", "dev.jsonl", keep=_choose_role), ids=lambda c: c["text"][:40])
def test_dev_choose_role_cases_start_the_walk_through(engine, case):
    for earlier in case.get("context", []):
        engine.ask("c", earlier)
    reply = engine.ask("c", case["text"])
    assert reply.intent == "choose_role"
    assert reply.title in TITLES or reply.title.startswith("Hire"), render(reply)
    for key, value in case.get("entities", {}).items():
        have = getattr(reply.entities, key)
        assert (set(have) == set(value)) if key == "roles" else have == value


def test_roles_listed_for_recommendations_are_canonical():
    assert set(CORE) <= set(ROLES)


def test_a_stage_given_mid_walk_completes_the_series_a_b_rule_at_once(engine):
    """The stage arriving as an answer to another question still settles the seed rule: not asked about
    research depth after the seeds already say "hire an MLE first"."""
    engine.ask("c", "help me decide which role to hire")
    reply = engine.ask("c", "we need someone to keep our fraud model healthy in prod and retrain weekly")
    assert question(reply) == "research_depth", render(reply)
    reply = engine.ask("c", "we are a series B fintech")
    assert reply.kind == "answer" and reply.title == hire("ml_engineer"), render(reply)
    rule = next(r for r in DIAG.rules if r.id == "mle_first_series_a_b")
    assert rule.text in reply.lines
    assert '"we are a series B fintech"' in render(reply)  # their words quoted back, not the button label


def test_a_stage_beside_a_sector_word_answers_the_employer_question(engine):
    """"Series B" is a cue (it answers by itself); "fintech" is only a synonym of the outside-tech choice. Asked
    the employer question, "series B fintech" is the early-stage choice, not a "which one is closer?"."""
    engine.ask("c", "MLE or applied scientist?")
    engine.ask("c", "we need someone to keep our fraud models healthy in prod, retrain weekly")
    reply = engine.ask("c", "they won't publish anything")
    assert question(reply) == "tier", render(reply)
    reply = engine.ask("c", "series B fintech")
    assert "closer" not in render(reply)
    assert reply.kind == "answer" and reply.title == hire("ml_engineer"), render(reply)


def test_one_typed_answer_to_two_questions_is_quoted_once_for_what_points_to_the_role(engine):
    """Research-infrastructure work also answers 'research side'; the reason quotes it once, as research
    engineering, not a second time as 'producing new architectures'."""
    engine.ask("c", "we are a frontier lab, which role should we hire?")
    engine.ask("c", "build the training infrastructure and eval harness our researchers use")
    reply = engine.ask("c", "not really, nobody needs to publish")
    assert reply.title == hire("research_engineer"), render(reply)
    [why] = [line for line in reply.lines if line.startswith("Why: ")]
    assert why.count("build the training infrastructure") == 1 and "research engineering" in why, why


def test_a_reason_quotes_the_clause_that_answered_not_the_start_of_the_message(engine):
    """A long typed answer is quoted from where it makes the point: the team's size and customers come first,
    the work that decided the question comes after a comma."""
    engine.ask("c", "help me decide which ML role to hire")
    engine.ask("c", "We're six people selling to insurers, and mostly the pricing model has to stay healthy "
                    "in prod with a weekly retrain")
    reply = engine.ask("c", "no, nobody here cares about publishing")
    assert reply.title == hire("ml_engineer"), render(reply)
    [why] = [line for line in reply.lines if line.startswith("Why: ")]
    production = next(r for r in why.split("; ") if "production models" in r)
    assert "six people" not in production and "healthy" in production, why
    assert '"nobody here cares about publishing"' in why, why  # the denial's clause, without the "no,"
    assert '"We\'re six people selling to insurers' in why, why  # the same message's other clause, for the tier


def test_a_reason_never_quotes_the_clause_that_says_the_other_choice(engine):
    """Publishing on the side is the research choice's words, and a side matter: the answer is production, and its
    reason quotes the shipping."""
    engine.ask("c", "help me decide which ML role to hire")
    reply = engine.ask("c", "we ship the ranking model weekly; the founders write papers about new architectures "
                            "on the side")
    assert saved(engine, "c")["answers"]["deliverable"] == "shipping", render(reply)
    while reply.kind == "question":
        reply = engine.ask("c", "not sure")
    [why] = [line for line in reply.lines if line.startswith("Why: ")]
    assert "ship the ranking model" in why and "founders" not in why, why


def test_a_reason_prefers_what_was_said_to_what_was_denied(engine):
    """The research reason quotes the clause that says research, not the one that denies shipping."""
    engine.ask("c", "help me decide which ML role to hire")
    reply = engine.ask("c", "we never put models in production; our job is new architectures and papers")
    while reply.kind == "question":
        reply = engine.ask("c", "not sure")
    [why] = [line for line in reply.lines if line.startswith("Why: ")]
    assert "new architectures" in why and "never put models" not in why, why
