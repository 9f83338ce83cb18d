"""Answers answer: the headline first, short, true to the population asked, and precise declines; and
`hirebot eval` scores those shape fields."""

from datetime import date
from pathlib import Path

import pytest

from bot.engine import Engine, pay
from bot.engine.reqs.checks import check_case
from bot.eval import evaluate, read_cases, score_shape
from bot.knowledge import load
from bot.render.text import render
from bot.store import Store

KB = load()


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return Engine(KB, Store(tmp_path_factory.mktemp("db") / "hirebot.db"), today=date(2026, 11, 23))


def test_answer_shape_cases_pass(engine):
    """Our own answer-shape cases (headline, length, what must not be said) across intents, roles, levels,
    tiers, regions and declines."""
    cases = read_cases(Path(__file__).parent / "fixtures" / "answers_shape.jsonl")
    outcome = evaluate(engine, cases)
    failures = [(r["case"]["text"], r["problems"]) for r in outcome["cases"] if r["problems"]]
    assert outcome["summary"]["pass_rate"] >= 0.9, failures
    assert outcome["summary"]["shape"]["headline"] == 1.0, failures


def test_score_shape_reads_the_new_fields():
    got = {"headline": "Nearest: senior applied scientists, $480,000 median.", "text": "one two three four"}
    assert score_shape({"headline_includes": ["480", "europe|median"], "max_words": 4}, got) == []
    assert score_shape({"headline_includes": ["europe|european"]}, got) == ["headline lacks 'europe|european'"]
    assert score_shape({"max_words": 3}, got) == ["too long: 4 words > 3"]
    assert score_shape({"must_not_include": ["THREE"]}, got) == ["text says 'THREE'"]


@pytest.mark.parametrize("item", KB.uncovered, ids=lambda u: u.topic)
def test_a_sub_topic_the_sources_do_not_cover_is_declined_by_name(engine, item):
    answer = engine.ask(f"t:{item.topic}", f"what about {item.phrases[0]} for a senior ML engineer?")
    assert answer.intent == "out_of_scope" and answer.kind == "declined"
    assert answer.headline == f"My sources don't cover {item.topic}." + (
        " The nearest thing they cover is below." if item.nearest else "")
    assert [f.text for f in answer.facts] == [KB.facts[ref].text for ref in item.nearest]  # nothing else
    assert all(f.label for f in answer.facts)  # the nearest thing, labelled with whom it describes


@pytest.mark.parametrize(("question", "says", "never"), [
    ("staff applied scientist comp at a series B in Europe",
     ["no staff, Series A-B or European pay figure", "$480,000", "research scientist"], ["620,000", "1,100,000"]),
    ("ML engineer talent pool in Europe", ["no European talent-pool figure"], []),
    ("time to fill for an applied scientist in APAC", ["no APAC time-to-fill figure", "110 days"], []),
    ("what's the MLE career ladder?", ["no career ladder for ML engineers", "(not ML engineers)"], ["in general"]),
    # a remark on titles is not a ladder: applied scientists and research engineers have none either
    ("what's the career ladder for an applied scientist?", ["no career ladder for applied scientists"], []),
    ("research engineer career path", ["no career ladder for research engineers"], []),
])
def test_the_headline_says_what_differs_from_the_population_asked(engine, question, says, never):
    answer = engine.ask(f"t:{question}", question)
    for words in says:
        assert words in answer.headline, (words, answer.headline)
    for words in never:
        assert words not in render(answer)


def test_answers_end_with_sources_named_by_publisher_and_title(engine):
    text = render(engine.ask("t:src", "how long does it take to hire an MLE?"))
    assert text.splitlines()[-1].startswith('Sources: DataDriven Partners Editorial (DataDriven.io), "ML engineer')
    assert ".txt" not in text


def test_research_scientist_offer_spread_is_a_single_footer_line(engine):
    answer = engine.ask("t:rs", "research scientist median comp")
    assert len(answer.notes) == 1 and "±30%" in answer.notes[0] and "verify" in answer.notes[0]
    assert "±30%" not in render(engine.ask("t:mle", "senior MLE comp"))  # an RS figure, not said of MLEs


def test_a_comparison_says_each_pay_figure_once(engine):
    """The frontier MLE fact already gives the frontier AS band; the AS fact is not printed again below it."""
    text = render(engine.ask("t:cmp", "compare MLE vs applied scientist at a frontier lab"))
    assert text.count("$620,000 to $1,100,000") == 1, text


def test_a_comparison_is_headed_by_a_contrast_of_those_two_roles(engine):
    """The sources' contrast between applied and research scientists heads their comparison, not one that is
    mostly about research engineers and names both in passing."""
    headline = engine.ask("t:asrs", "what's the difference between an applied and a research scientist?").headline
    assert headline.startswith("The applied scientist title is especially common at product companies"), headline
    # ...but the population asked about comes first, and a third role asked about is no stranger
    for text in ("applied scientist vs research scientist at a frontier lab",
                 "research scientist vs applied scientist vs research engineer"):
        assert engine.ask("t:asrs2", text).headline.startswith("At large labs (OpenAI"), text


def test_a_like_for_like_note_only_names_figures_the_answer_shows(engine):
    """Trimming to the budget drops the extra contrast, not a pay figure the footer compares."""
    answer = engine.ask("t:cmp2", "compare senior MLE and research scientist")
    note = next(n for n in answer.notes if "not like for like" in n)
    shown = {f.population for f in answer.facts}
    assert all(part.strip().rstrip(".") in shown
               for part in note.split(":", 1)[1].split(". Figures")[0].split(" vs ")), (note, shown)


def test_a_pay_difference_question_is_headed_by_the_difference(engine):
    """'The pay difference between MLE and AS' is answered by the premium, not by one role's median; the
    premium's reasons support a pay answer but never head one."""
    assert engine.ask("t:gap", "what's the difference in pay between MLE and AS?").headline.startswith(
        "At top-50 US AI labs a senior IC applied scientist costs roughly 50 percent more")
    frontier = engine.ask("t:gap2", "MLE vs AS salary at a frontier lab").headline
    assert "reflects three things" not in frontier and "$620,000" in frontier


@pytest.mark.parametrize(("question", "says"), [
    # the MLE figure was trimmed to "More" and the headline gave the AS band alone
    ("MLE vs AS salary at a frontier lab", ["$450,000 to $650,000", "$620,000 to $1,100,000"]),
    # each role's figure, and what the MLE one leaves out (the sources give no frontier MLE time-to-fill)
    ("time to fill MLE and AS at a frontier lab",
     ["150 to 200 days", "no frontier AI lab time-to-fill figure for ML engineers", "70 days"]),
    ("research scientist vs MLE pay in Europe",
     ["no European pay figure for ML research scientists or ML engineers", "$320,000", "$295,000",
      "said of research scientists only"]),
])
def test_a_figure_question_naming_two_roles_heads_with_a_figure_for_each(engine, question, says):
    headline = engine.ask(f"t:{question}", question).headline
    for words in says:
        assert words in headline, (words, headline)


@pytest.mark.parametrize(("question", "starts"), [
    ("is 250k total enough for a senior applied scientist?", "Well under the median: $250,000 against the $480,000"),
    ("we're thinking 400k for a senior AS, ok?", "Under the median: $400,000"),  # the ±30% is said of RS only
    ("is 150k enough for a research scientist?", "Under the median and beyond the ±30% that offers cluster within"),
    ("is 250k enough for a research scientist?", "Within the usual spread, under the median: $250,000"),
    ("would $500,000 land a senior applied scientist?", "At or above the median: $500,000"),
    ("is 500k too much for a senior AS?", "At or above the median: $500,000"),  # where it stands, not "yes"
    ("can a frontier lab applied scientist be had for 1.2m?", "Above the range: $1,200,000"),
    ("senior AS at a top-50 lab, we're offering 400. too low?", "Under the median: $400,000"),
])
def test_an_amount_asked_about_is_placed_against_the_figure_first(engine, question, starts):
    reply = engine.ask("amount", question)
    assert reply.intent == "compensation" and reply.headline.startswith(starts), render(reply)
    assert reply.basis, "the figure that says so is cited"


def test_base_or_total_asked_of_a_figure_is_said_first_with_the_populations_base(engine):
    engine.ask("basis", "senior research scientist, what are they paid")
    reply = engine.ask("basis", "hang on, is that base or total?")
    assert reply.headline.startswith("That figure is total comp."), render(reply)
    assert "$200K to $320K" in reply.headline, render(reply)  # the same population's base pay


def test_a_figure_for_another_employer_category_comes_with_how_the_categories_differ(engine):
    reply = engine.ask("tier", "what would a research scientist make at an insurance company vs the big labs?")
    assert reply.intent == "compensation" and "non-tech employers such as finance" in reply.headline, render(reply)


def test_a_base_salary_held_to_a_total_comp_figure_is_said_not_like_for_like(engine):
    reply = engine.ask("base", "is 300k base enough for a senior MLE?")
    assert "Not like for like: that figure is total comp, yours base salary." in reply.headline, render(reply)


@pytest.mark.parametrize(("question", "intent"), [
    ("is 300k enough for a senior data scientist?", "out_of_scope"),  # another role's figure: beyond the sources
    ("is 250k enough for a senior research scientist?", "compensation"),  # the only senior figure is frontier
])  # labs' top tail
def test_no_yes_or_no_against_another_populations_figure(engine, question, intent):
    reply = engine.ask("other", question)
    assert reply.intent == intent and reply.kind == "answer" and reply.basis, render(reply)
    assert not reply.headline.startswith(("At or above", "Above", "Within", "Under", "Well")), render(reply)


def test_a_nearest_roles_figure_says_every_way_it_differs(engine):
    reply = engine.ask("ds", "data scientist salaries in europe?")
    assert reply.intent == "out_of_scope", "answered with the nearest figure, but the sources have none for DS"
    assert reply.headline.startswith("My sources give no pay figure for data scientists."), render(reply)
    assert "(not data scientists, nor European ones)" in reply.headline, render(reply)


@pytest.mark.parametrize(("question", "says", "never"), [
    # no employer asked: the frontier band is the market's far end, not the nearest figure for an entry level
    ("what does an entry-level ML engineer earn?", ["no junior pay figure", "$320,000"], ["450,000"]),
    # the gap is named within the population asked: there is a senior figure, not a senior frontier one
    ("senior applied scientist pay at a frontier lab", ["no senior frontier AI lab pay figure", "620,000"],
     ["no senior pay figure"]),
])
def test_the_nearest_figure_and_its_gap_are_true_to_the_population_asked(engine, question, says, never):
    reply = engine.ask("near", question)
    shown = render(reply)
    assert all(s in shown for s in says) and not any(n in shown for n in never), shown


@pytest.mark.parametrize(("text", "amount"), [
    ("is 300k enough for a senior MLE?", 300_000),
    ("is $250,000.00 ok for a senior AS", 250_000),
    ("can we get one for 1.2m?", 1_200_000),
    ("req 48213: is 300k enough for a senior MLE?", 300_000),  # a bare number is no pay
    ("what does a 100k people company pay senior MLEs", None),  # a count of people
    ("500k budget for two senior MLEs, enough?", None),  # a budget for several
    ("is a 50k equity refresh normal?", None),  # a part of pay, not a year's
    ("level 5 after 3 years?", None),
    ("we're offering 260 for them. too low?", 260_000),  # thousands, as people say them in pay talk
    ("is 240 enough for a staff RE", 240_000),
    ("we pay around 15 people in that team", None),
    ("we're paying 15 for the recruiter fee on an MLE hire, normal?", None),  # under a year's pay
    ("we offer 90 minutes of interviews", None),
])
def test_the_amount_a_question_holds_against_one_persons_pay(text, amount):
    assert pay.amount_in(text) == amount


def test_a_req_band_tolerance_taken_from_another_population_says_so():
    found = check_case(KB, {"id": "T", "title": "Senior Applied Scientist", "level": "senior", "employer_tier": "top50",
                            "description": "Own research on ranking models, publish papers and prototype new "
                                           "architectures with the research team.",
                            "comp_max": 300000, "currency": "USD", "comp_basis": "total"})
    message = next(f["message"] for f in found["findings"] if f["kind"] == "comp_below_market")
    assert "AIEH's ±30% spread of research scientists' offers is taken as the tolerance" in message
    assert "usual spread" not in message and "offers cluster" not in message


def test_total_comp_held_to_a_base_pay_figure_is_said_not_like_for_like(engine):
    reply = engine.ask("total", "is 300k total enough for a research scientist at a frontier lab?")
    assert "Not like for like: that figure is base pay, yours total comp." in reply.headline, render(reply)


@pytest.mark.parametrize(("question", "says"), [
    ("how big is the MLOps community slack? worth posting our opening there?", "MLOps Community Slack"),
    ("does product sense matter for an applied scientist?", "Product sense"),
    ("how long until a research scientist usually makes senior?", "3-6 years"),  # asked how long: a rung that says
    ("how many years do RSs sit at mid level?", "3-6 years"),
    ("what's the highest IC rung a research scientist can reach?", "top IC rung"),  # the top asked: the last rung
    # a role asked beside another that has no figure of the kind asked is said to have none
    ("what do we pay an applied scientist and a research engineer?", "no pay figure for research engineers"),
    ("time to fill for an AS vs an RE?", "no time-to-fill figure for research engineers"),
    # asked why, the reason heads
    ("why are applied scientists so pricey?", "reflects"),
    ("how come AS searches take so long?", "explains"),
    ("Why are applied scientists so pricey?", "reflects"),  # however it is typed
    ("what explains the applied scientist premium?", "reflects"),
])
def test_the_headline_is_the_fact_about_what_was_asked(engine, question, says):
    reply = engine.ask(question, question)
    assert says in reply.headline, render(reply)


@pytest.mark.parametrize(("question", "head", "never"), [
    # the one duration the sources give is mid level's: said only of mid, or of the climb to senior
    ("how many years do people sit at staff before they make principal?",
     "My sources don't say how long people spend at the staff level.", "3-6 years"),
    ("how long until a research scientist makes senior?", "ML research scientist ladder, mid:", None),
    ("so what does a principal scientist actually own?", "ML research scientist ladder, principal:", "Distinguished"),
    ("what comes after senior research scientist?", "ML research scientist ladder, staff or principal:", None),
])
def test_a_ladder_answer_is_about_the_level_asked(engine, question, head, never):
    answer = engine.ask(f"t:{question}", question)
    assert answer.intent == "career_ladder" and answer.headline.startswith(head), answer.headline
    assert never is None or never not in answer.headline


def test_a_frontier_figure_is_no_nearest_figure_for_another_tier(engine):
    answer = engine.ask("t:re-c", "what should we pay a senior research engineer at our series C?")
    assert "no pay figure for research engineers" in answer.headline
    assert "$1M" not in answer.headline and "frontier" not in answer.headline.lower(), answer.headline


def test_a_fact_that_says_it_is_without_something_does_not_answer_for_it(engine):
    answer = engine.ask("t:paper", "how many minutes does the paper discussion round take?")
    assert "75" in answer.headline and "without" not in answer.headline, answer.headline


def test_time_spent_at_a_rung_is_answered_with_that_rungs_duration(engine):
    engine.ask("t:rung", "what does the research scientist ladder look like")
    answer = engine.ask("t:rung", "typical time spent at the mid rung before a promo?")
    assert "3-6 years" in answer.headline, answer.headline


def test_ml_engineer_vs_research_engineer_says_what_each_does(engine):
    answer = engine.ask("t:mle-re", "MLE vs research engineer, what's the real difference?")
    assert "Research engineer: Builds the systems that make ML research possible" in answer.headline, answer.headline


@pytest.mark.parametrize(("question", "says"), [
    ("what does an ML PM actually own day to day?", "ML product manager: Ships behavior against an evaluation rubric"),
    ("what does a data scientist do all day", "Data scientist: Works on business-analytics problems"),
])
def test_the_work_of_a_role_named_in_passing_is_the_line_the_sources_give_it(engine, question, says):
    answer = engine.ask(f"t:{question}", question)
    assert answer.headline.startswith(says) and "say no more" in answer.headline, answer.headline


@pytest.mark.parametrize(("question", "head"), [
    ("after staff research scientist, what's the next rung?", "ML research scientist ladder, top IC rung:"),
    ("how long do folks sit at staff before principal?", "My sources don't say how long people spend at the staff"),
])
def test_staff_and_principal_are_one_rung(engine, question, head):
    answer = engine.ask(f"t:{question}", question)
    assert answer.headline.startswith(head), answer.headline
    assert "Principal Research Scientist shares" not in answer.headline


def test_a_why_answer_is_the_askers_roles_reason_and_claims_no_gap(engine):
    engine.ask("t:why", "senior AS comp at a top-50 lab")
    answer = engine.ask("t:why", "why so high?")
    assert "reflects" in answer.headline and not answer.headline.startswith("My sources have no"), answer.headline
    answer = engine.ask("t:why-rs", "why do research scientist searches take longer than MLE searches?")
    assert "applied scientist's longer time-to-fill" not in answer.headline, answer.headline


@pytest.mark.parametrize(("question", "head"), [
    ("how long do people stay at senior before staff?", "My sources don't say how long people spend at the senior"),
    ("how long till a research scientist reaches staff?", "My sources don't say how long it takes to reach staff."),
])
def test_the_mid_levels_years_are_said_of_no_other_wait(engine, question, head):
    answer = engine.ask(f"t:{question}", question)
    assert answer.headline.startswith(head) and "3-6 years" not in answer.headline, answer.headline
