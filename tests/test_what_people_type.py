"""What people actually type, in our own words for each pattern met in real questions: denials and hedges,
titles the sources do not describe, candidates asking about their own careers, general ML questions, when the
walk-through starts, and follow-ups that change one slot."""

import os
from datetime import date
from pathlib import Path

import pytest

from bot.engine import Engine, polarity
from bot.engine.answer import choice_value
from bot.engine.understand import Understander
from bot.knowledge import load
from bot.render.text import render
from bot.store import Store

KB = load(os.environ.get("HIREBOT_KB") or None)
HEAR = Understander(KB)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return Engine(KB, Store(tmp_path / "hirebot.db"), today=date(2026, 11, 23))


def walk(engine: Engine, conversation: str = "c") -> dict | None:
    return engine.store.load_thread(conversation).get("diagnostic")


# -- denials and hedges: the reading itself --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "denied", "said"), [
    ("no need to publish", {"publish"}, set()),
    ("nobody here publishes", {"publishes"}, set()),
    ("they won't publish", {"publish"}, {"they"}),
    ("we don't ship anything, it's research", {"ship"}, {"research"}),
    ("zero research", {"research"}, set()),
    ("publishing isn't something we do", {"publishing"}, set()),
    ("papers are not needed", {"papers"}, set()),
    ("not really", {"really"}, set()),
    ("it's not that we don't publish", set(), {"publish"}),  # a double negative affirms
    ("we can't not publish", set(), {"publish"}),
    ("nope, they don't need to publish", {"publish"}, set()),  # "nope" answers; it does not flip "don't"
    ("not only research but shipping", set(), {"research", "shipping"}),
    ("shipping, not research", {"research"}, {"shipping"}),
    ("forget papers - we ship", {"papers"}, {"ship"}),  # "forget" sets aside; a spaced hyphen ends a clause
    ("don't forget the research side", set(), {"research"}),
    ("not sure they need to publish", set(), {"publish"}),  # a hedge, not a denial
    ("do we need them to publish or not", set(), {"publish"}),  # "or not" asks
])
def test_denials_are_read_per_clause(text, denied, said):
    words = {w.text: w.denied for w in polarity.read(text)}
    assert all(words[w] for w in denied), words
    assert not any(words[w] for w in said), words


def test_hedges_are_noticed():
    assert polarity.hedged("maybe, kind of research") and not polarity.hedged("research")


# -- denials and hedges in questions ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "intent", "entities"), [
    ("we're not a startup, we're a series D company: comp for a staff AS", "compensation",
     {"employer_tier": "series_c_plus", "roles": ["applied_scientist"]}),
    ("not at a frontier lab, just big tech: what do senior MLEs make", "compensation",
     {"employer_tier": "general_tech"}),
    ("not looking for a data scientist, what does an MLE cost?", "compensation", {"roles": ["ml_engineer"]}),
    ("a frontier lab isn't something we are; what does a senior RS cost at a series C?", "compensation",
     {"employer_tier": "series_c_plus"}),
    ("it's not that we aren't a startup: what does a senior MLE cost?", "compensation",
     {"employer_tier": "series_a_b"}),
    ("nobody on our team is in europe, what's AS pay in the US", "compensation", {"region": "us"}),
    ("what does Google pay research scientists at DeepMind?", "compensation", {"employer_tier": "frontier_lab"}),
    ("we don't need a PhD for an MLE, right?", "credentials", {"roles": ["ml_engineer"]}),  # still the topic
])
def test_denied_entities_are_dropped_and_denied_topics_kept(text, intent, entities):
    heard = HEAR.understand(text)
    assert heard.intent == intent, heard.ranked
    for key, value in entities.items():
        assert getattr(heard.entities, key) == value, heard.entities


@pytest.mark.parametrize(("opening", "answers"), [
    ("no need to publish, who do we hire to ship our fraud model?", {"deliverable": "shipping",
                                                                     "research_depth": "no"}),
    ("nobody on the team will publish papers; MLE or AS?", {"research_depth": "no"}),
    ("we won't be doing research, which role should we open?", {"deliverable": "shipping"}),
    ("zero publications expected, which role should we hire?", {"research_depth": "no"}),
    ("publishing isn't something we care about, who should we hire?", {"research_depth": "no"}),
    ("it's not that we don't publish papers; which role do we need?", {"research_depth": "yes"}),
])
def test_denials_in_an_opening_message_answer_the_walk_through(engine, opening, answers):
    reply = engine.ask("c", opening)
    assert reply.intent == "choose_role", render(reply)
    assert walk(engine)["answers"] == answers


def test_a_denied_interest_is_still_a_denial(engine):
    engine.ask("c", "we don't have any interest in publishing papers; which role should we hire?")
    assert walk(engine)["answers"].get("research_depth") == "no", walk(engine)


@pytest.mark.parametrize("opening", [
    "we have zero models in production so far, MLE or applied scientist?",
    "we don't have a research team yet; which role should we hire?",
])
def test_a_denied_possession_tells_what_they_have_not_the_work(engine, opening):
    reply = engine.ask("c", opening)
    assert reply.intent == "choose_role" and "deliverable" not in walk(engine)["answers"], render(reply)


# -- titles the sources do not describe ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "topic", "headline"), [
    ("what does an AI engineer make?", "compensation", "AI engineer is not in my sources; the nearest is ML engineer:"),
    ("what does an MLOps engineer do all day", "day_to_day",
     "MLOps engineer is not in my sources; the nearest is ML engineer:"),
    ("how do we interview LLM engineers", "interview_loop",
     "LLM engineer is not in my sources; the nearest is ML engineer:"),
    ("do we need a data engineer?", None, "Data engineer is not in my sources"),
    ("where do we find NLP engineers?", None, "NLP engineer is not in my sources"),
])
def test_titles_outside_the_sources_are_named_honestly(engine, text, topic, headline):
    reply = engine.ask("c", text)  # out of scope: answered for the nearest role the sources describe, if any
    assert reply.intent == "out_of_scope" and reply.headline.startswith(headline), render(reply)
    assert reply.entities.roles == [] and walk(engine) is None
    assert (reply.kind == "answer") == (topic is not None)
    if topic:  # the thread keeps the topic asked: a follow-up is about it
        assert engine.ask("c", "and at a frontier lab?").intent == topic


@pytest.mark.parametrize(("text", "roles", "headline"), [
    ("applied scientist vs ML scientist, what's the split?", ["applied_scientist"],
     "ML scientist is not in my sources; the nearest is ML research scientist:"),
    ("is a research engineer any different from a researcher", ["research_engineer"],
     "Researcher is not in my sources; the nearest is ML research scientist:"),
])
def test_a_loose_research_title_beside_a_role_is_a_title_of_its_own(engine, text, roles, headline):
    reply = engine.ask("c", text)  # compared with the title's nearest; alone it is the research scientist
    assert reply.intent == "compare_roles" and reply.entities.roles == roles, render(reply)
    assert reply.headline.startswith(headline), reply.headline
    assert HEAR.understand("what do ML scientists make at frontier labs?").entities.roles == ["research_scientist"]


def test_a_loose_title_beside_a_role_in_a_choice_of_hire_is_still_a_choice():
    assert HEAR.understand("ML researcher or ML engineer: which do we hire first?").intent == "choose_role"


def test_a_title_outside_the_sources_beside_one_inside_is_compared_not_walked_through(engine):
    reply = engine.ask("c", "should we hire an AI engineer or an applied scientist?")
    assert reply.intent == "compare_roles" and walk(engine) is None, render(reply)
    assert reply.entities.roles == ["applied_scientist"]
    assert reply.headline.startswith("AI engineer is not in my sources")


# -- candidates asking about their own careers -----------------------------------------------------------------


@pytest.mark.parametrize(("text", "intent"), [
    ("should I do a PhD to become a research scientist?", "credentials"),
    ("what does a research engineer do day to day? thinking of switching to it", "day_to_day"),
    ("how do I land a job at a frontier lab?", "out_of_scope"),
    ("is machine learning a good career path for me?", "out_of_scope"),
    ("what made you pick a frontier lab over big tech?", "out_of_scope"),
    ("where should I apply for ML engineer roles?", "out_of_scope"),
    ("ai jobs: where do you even find them?", "out_of_scope"),
    ("I'm choosing between MLE and applied scientist for my career path", "compare_roles"),
    ("are applied scientist jobs hard for me to get with just a master's?", "credentials"),
    ("roughly how many months until I get hired as a data scientist?", "out_of_scope"),  # "hired" is theirs here
    ("which of these should I target with my background, MLE or AS?", "compare_roles"),
    ("I'm making the switch from backend work to ML engineering, how hard will it be?", "out_of_scope"),
    ("I'm a professor thinking about leaving for industry, would a lab want me?", "out_of_scope"),
    ("if you were in my shoes, would you ever leave a tenured professor job?", "out_of_scope"),  # not help
    # no I/me/my, but a job seeker's view: "hard to get", "new grads", "if you were a"
    ("are research engineer jobs hard to get for new grads?", "out_of_scope"),
    ("how long does it usually take new grads to get hired as ML engineers?", "out_of_scope"),
    ("if you were a professor, would you jump to industry?", "out_of_scope"),
    ("how do I fill the gaps in my resume for MLE roles?", "out_of_scope"),  # "fill" a gap is no hire
    ("how competitive is it to get hired as a research scientist at DeepMind?", "out_of_scope"),
    # a move from one role to another, or "to become" one, is the mover's question
    ("going from data scientist to research engineer: is it worth the effort?", "out_of_scope"),
    ("can backend developers realistically become ML engineers?", "out_of_scope"),
    ("what should you expect as a new applied scientist at a big lab?", "out_of_scope"),
    ("how long before you get hired once you start applying?", "out_of_scope"),
    ("tips that improve your chances of getting hired as a research engineer", "out_of_scope"),
    ("best way to turn an internship into a return offer at a lab", "out_of_scope"),
    ("how should you explain a career gap in an ML interview", "out_of_scope"),
    ("too late to switch into research engineering in your late thirties?", "out_of_scope"),
    ("how to transition from academia into an applied scientist job", "out_of_scope"),
    ("ML PM: how to break in when coming from sales", "out_of_scope"),
    ("how many months does it take to land a research engineer job", "out_of_scope"),
])
def test_a_candidates_career_question_gets_what_the_sources_support(engine, text, intent):
    reply = engine.ask("c", text)
    assert reply.intent == intent and walk(engine) is None, render(reply)
    assert "your own career decision is not something my sources cover" in reply.headline


# -- general ML questions --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "what does a research scientist do in chemistry R&D?",
    "why is it so slow to hire people these days?",
    "what does it take to get a model into production?",
    "do I need a PhD to be a research scientist in drug discovery?",
    "what's the difference between precision and recall?",
    "how does gradient descent work",
    "what is the difference between supervised and unsupervised learning?",
])
def test_general_ml_and_other_fields_questions_are_declined_with_what_hirebot_does(engine, text):
    reply = engine.ask("c", text)
    assert reply.intent == "out_of_scope" and reply.kind == "declined", render(reply)
    assert "ML roles" in render(reply)


@pytest.mark.parametrize("text", [
    "a new era of lab talent",
    "movements of people between AI labs",
])
def test_a_message_that_only_leans_toward_a_topic_is_asked_about_not_answered(engine, text):
    heard = HEAR.understand(text)
    assert heard.intent == "out_of_scope" and heard.guess not in (None, "out_of_scope"), heard
    reply = engine.ask("c", text)
    assert reply.kind == "declined" and reply.headline.startswith("I'm not sure what you're asking"), render(reply)
    topic = KB.intents[heard.guess].label.split(":")[0].lower()
    assert topic in reply.headline and [c.label for c in reply.choices] == [f"Yes, {topic}"]
    answered = engine.ask("c", reply.choices[0].value)  # the button asks the topic it offered
    assert answered.intent == heard.guess and answered.kind != "declined", render(answered)


@pytest.mark.parametrize(("text", "intent"), [
    ("people moving between AI labs: how scarce is the pool?", "talent_pool"),  # a clear cue
    ("what are our org charts missing: who should our first ML hire be?", "choose_role"),  # a hirer asks
    ("what about research engineers", "compensation"),  # a follow-up (after a pay answer)
])
def test_the_same_lean_with_a_clear_word_a_hirer_or_a_role_is_answered(engine, text, intent):
    engine.ask("c", "what do ML engineers earn?")
    reply = engine.ask("c", text)
    assert reply.intent == intent and reply.kind != "declined", render(reply)


def test_a_research_scientist_in_another_field_is_kept_when_the_question_is_about_ml(engine):
    assert HEAR.understand("what does an ML research scientist at a biotech do all day?").intent == "day_to_day"


# -- when the walk-through starts ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "help me decide which of these roles to hire",
    "MLE vs data scientist: which do we bring on first?",
    "take the role quiz",
    "research scientist vs ML engineer, who should you hire first?",
    "is our opening a research role or more of a production one?",  # the sources' split, no title named
    "a scientist or an engineer for our fraud models?",  # two kinds of people set side by side
    "can you help me work out what kind of person we should hire",
    "we need our first ml person, where should we start?",  # the first hire is a choice of role
    "the team wants someone to run experiments and also build eval infra: one role or two?",
    "which hire should look after the GPU cluster our researchers train on?",  # "which hire" is a choice of role
])
def test_asking_which_role_to_hire_starts_the_walk_through(engine, text):
    reply = engine.ask("c", text)
    assert reply.intent == "choose_role" and walk(engine) is not None, render(reply)


@pytest.mark.parametrize("text", [
    "what made you decide to join a frontier lab instead of a startup?",
    "which should I choose for my career, MLE or research engineer?",
    "should we hire a prompt engineer or a data engineer?",
    "how do you pick between precision and recall?",
    "how do we decide when to hire?",
    "why would a company even need an AI team?",
    "is applied science a good career for me, or should I stay an MLE?",
    "any advice for ML teams hiring engineers who ship often?",  # "who" describes, it does not ask
    "choosing a career: research scientist or ML engineer, which is the better bet?",  # a career, not a hire
    "applied scientist or research engineer: which path fits someone who likes infra?",  # a path, not a hire
])
def test_other_questions_do_not_start_the_walk_through(engine, text):
    reply = engine.ask("c", text)
    assert walk(engine) is None and reply.intent != "choose_role", render(reply)


# -- follow-ups that change one slot; comparisons that ask for a figure ----------------------------------------


@pytest.mark.parametrize(("first", "then", "intent", "entities"), [
    ("comp for senior AS?", "what about staff?", "compensation", {"roles": ["applied_scientist"], "level": "staff"}),
    ("comp for senior AS?", "staff?", "compensation", {"roles": ["applied_scientist"], "level": "staff"}),
    ("comp for senior AS?", "and at a series B?", "compensation",
     {"roles": ["applied_scientist"], "employer_tier": "series_a_b"}),
    ("time to fill for an RS?", "and in europe?", "time_to_fill",
     {"roles": ["research_scientist"], "region": "europe"}),
    ("how long to hire an MLE", "what about for a principal?", "time_to_fill",
     {"roles": ["ml_engineer"], "level": "principal"}),
    # asks whether the answer changes for another population: the thread's topic, that population
    ("senior RS pay at top 50 labs?", "would that look different if the company were anthropic", "compensation",
     {"roles": ["research_scientist"], "employer_tier": "frontier_lab"}),
    ("time to fill for a senior AS?", "and if we're up against the large labs for the same people?",
     "time_to_fill", {"roles": ["applied_scientist"], "employer_tier": "frontier_lab"}),
    ("how long to fill an MLE req?", "an RE instead of an MLE, same timeline?", "time_to_fill",
     {"roles": ["research_engineer"]}),
    ("how big is the applied scientist pool?", "where does that 4% come from", "talent_pool",
     {"roles": ["applied_scientist"]}),
    # pointing back in more words: a why, a weighing, "does that apply to", "one level up", what a figure includes
    ("whats the RS interview loop", "8 hours of interviews is normal?? seems like a lot", "interview_loop", {}),
    ("how long to fill a senior RE role", "how come it takes that long", "time_to_fill",
     {"roles": ["research_engineer"]}),
    ("do research scientists need a PhD", "does that apply to applied scientists too", "credentials",
     {"roles": ["applied_scientist"]}),
    ("senior MLE median comp", "does that include equity or is it just base", "compensation",
     {"roles": ["ml_engineer"]}),
    ("senior AS pay at top-50 labs", "and one level up, staff?", "compensation",
     {"roles": ["applied_scientist"], "level": "staff"}),
    ("senior AS pay at top-50 labs", "ok now the same number for a staff RE", "compensation",
     {"roles": ["research_engineer"], "level": "staff"}),
    ("what skills matter for an applied scientist", "and what does that person do once the model is live",
     "day_to_day", {"roles": ["applied_scientist"]}),
    ("RS comp in europe?", "wait, is that lower or higher than in the US?", "compensation",
     {"roles": ["research_scientist"]}),
    ("what do applied scientists make", "is it any different in europe though?", "compensation",
     {"roles": ["applied_scientist"], "region": "europe"}),
])
def test_follow_ups_keep_intent_and_roles(engine, first, then, intent, entities):
    engine.ask("c", first)
    reply = engine.ask("c", then)
    assert reply.intent == intent and walk(engine) is None, render(reply)
    for key, value in entities.items():
        assert getattr(reply.entities, key) == value, reply.entities


@pytest.mark.parametrize(("text", "intent", "roles"), [
    ("what's the pay difference between AS and MLE", "compensation", {"applied_scientist", "ml_engineer"}),
    ("how much more does an applied scientist make than an MLE", "compensation",
     {"applied_scientist", "ml_engineer"}),
    ("AS vs MLE candidate pool size", "talent_pool", {"applied_scientist", "ml_engineer"}),
    ("how long to hire an MLE vs an applied scientist?", "time_to_fill", {"applied_scientist", "ml_engineer"}),
    ("AS TTF?", "time_to_fill", {"applied_scientist"}),
    ("how long do people usually stay at senior before staff", "career_ladder", set()),
    ("difference between a senior and a principal research scientist", "career_ladder", {"research_scientist"}),
    ("what does an MLE need to know", "skills", {"ml_engineer"}),
    ("what is a distinguished engineer, exactly?", "career_ladder", set()),
    ("how to hire a research engineer who can really build", "skills", {"research_engineer"}),
    # a pay question says a pay word or an amount; "what is it like" asks about the work
    ("what's it like to work as an applied scientist at Amazon?", "day_to_day", {"applied_scientist"}),
    ("are there more openings for data scientists than for MLEs?", "talent_pool", {"data_scientist", "ml_engineer"}),
    ("would 320k land a senior MLE?", "compensation", {"ml_engineer"}),
    ("is $240,000 enough for a senior research scientist", "compensation", {"research_scientist"}),
    ("senior MLE at a frontier lab?", "compensation", {"ml_engineer"}),  # nothing but who: pay, as before
    # the hierarchy of titles is the ladder; scarcity is the pool
    ("how are research scientist titles ranked, what's the hierarchy", "career_ladder", {"research_scientist"}),
    ("staff research engineers are difficult to find, how thin is that market?", "talent_pool",
     {"research_engineer"}),
    # the sources' split of the work (research vs production) names roles without a title
    ("research vs production: what is the real difference when hiring?", "compare_roles", set()),
    ("career path: research scientist or research engineer?", "compare_roles",
     {"research_scientist", "research_engineer"}),  # two roles' paths, no level: a comparison
    ("how tight is the job market for research scientists?", "talent_pool", {"research_scientist"}),
    ("how do big labs choose which research scientists to promote?", "career_ladder", {"research_scientist"}),
    # pay in other words, or as an amount; "when" with an adverb still asks when
    ("what do senior applied scientists at Amazon make", "compensation", {"applied_scientist"}),
    ("what would we have to shell out for a staff research scientist", "compensation", {"research_scientist"}),
    ("is 1.5 million enough for a staff research scientist at a lab", "compensation", {"research_scientist"}),
    ("when does an MLE req usually get filled?", "time_to_fill", {"ml_engineer"}),
    ("when realistically can we have an RS on board?", "time_to_fill", {"research_scientist"}),
    ("which articles or reports do you base your answers on", "help", set()),
    ("what do we pay a senior MLE when the market is this tight?", "compensation", {"ml_engineer"}),
    ("between an RS and an RE, which one costs more?", "compensation", {"research_scientist", "research_engineer"}),
    # chat words and a colleague's name say nothing of the topic; "besides X" sets X aside
    ("our phd ranking hire quit after 18 months tbh, what did we do wrong lol", "hiring_pitfalls", set()),
    ("how do REs and research scientists differ, besides pay?", "compare_roles",
     {"research_engineer", "research_scientist"}),
    # "level" as a verb asks for the rung; "level of" is an amount
    ("what level do we bring a fresh PhD research scientist in at", "career_ladder", {"research_scientist"}),
    ("what level of python does a research engineer need", "skills", {"research_engineer"}),
    # a trait of one role asked about, "or is that ...": no choice of hire
    ("are research scientists expected to publish, or is that optional now", "day_to_day",
     {"research_scientist"}),
    ("we want someone building eval harnesses and training infra. is that a research engineer job?",
     "choose_role", {"research_engineer"}),
    ("what topics do you cover", "help", set()),
    ("how not to hire a research engineer", "hiring_pitfalls", {"research_engineer"}),
    ("how do MLEs and REs differ, apart from pay?", "compare_roles", {"ml_engineer", "research_engineer"}),
    ("our last RS hire never shipped anything in a year, is that a known pattern?", "hiring_pitfalls",
     {"research_scientist"}),
    ("what tends to go wrong when startups copy a big-lab JD", "hiring_pitfalls", set()),
    ("can you help me work out which ML role to open first", "choose_role", set()),
    # a req named as context is no req check: what the message asks is
    ("updating our JD and honestly i don't know what separates an RE from an RS", "compare_roles",
     {"research_engineer", "research_scientist"}),
    ("should our AS posting ask for a PhD or is a masters enough", "credentials", {"applied_scientist"}),
    ("is the research engineer market really that thin? three applicants in six weeks", "talent_pool",
     {"research_engineer"}),
    # asked of hirebot itself, a role's week, a price, a whose-job, a term referred to
    ("what kinds of questions can you answer?", "help", set()),
    ("pls list what u can do", "help", set()),
    ("what usually fills a research scientist's calendar in a week", "day_to_day", {"research_scientist"}),
    ("roughly what does a staff applied scientist go for these days", "compensation", {"applied_scientist"}),
    ("is retraining the MLE's job or the data team's?", "day_to_day", {"ml_engineer"}),
    ("a reviewer flagged 'benchmark gaming' in a candidate's papers, what does that refer to?", "define_term",
     set()),
    ("what are the classic ways an RS hire goes sideways", "hiring_pitfalls", {"research_scientist"}),
    ("deciding between a reserch engr and an ML engineer for our evals team, help me pick", "choose_role",
     {"research_engineer", "ml_engineer"}),
    # "other" sets a role against other people, not against other companies
    ("does the MLE interview loop differ much at other companies?", "interview_loop", {"ml_engineer"}),
    ("how is a research engineer different from other engineers?", "compare_roles", {"research_engineer"}),
    ("research engineers, what do you actually do at work?", "day_to_day", {"research_engineer"}),
])


def test_the_question_is_about_what_it_asks(text, intent, roles):
    heard = HEAR.understand(text)
    assert heard.intent == intent and set(heard.entities.roles) == roles, (heard.ranked, heard.entities)


@pytest.mark.parametrize("text", [
    "how hard are research scientist jobs to fill right now?",  # "<role> jobs" is a candidate's only with I/me/my
    "research engineer or research scientist: who gets hired first at a lab like ours?",
    "career growth matters to our candidates; should we hire an RS or an RE?",
    "how do you prepare an interview loop for an applied scientist?",
    "what do professors make when they move to a frontier lab?",
    "which universities should you target to source research scientists?",
    "we want to switch from contractors to a full-time MLE, who first?",
    "my startup has three MLE jobs open, how long until they fill?",  # I/my, but a hirer's team and jobs
    "I manage the ML group; are applied scientist jobs hard to staff?",
    "where do we pull in research engineer candidates from?",
    "are senior research scientists hard to get right now?",  # a seeker's words alone are no candidate
    "what do new grad ML engineers get paid?",
    "how long do research engineer jobs stay open when the hire is a new grad?",
    "how fast do senior research scientists get hired at frontier labs?",  # they get hired, by a hirer
    "what are your chances of closing a senior RS in under 60 days?",
    "if you were staffing research engineer jobs at a startup, where would you look?",
    "is a specialization in RL worth paying more for in a research scientist?",
    "how many job seekers out there are applied scientists?",
])
def test_a_hirers_question_in_a_candidates_words_is_still_a_hirers(engine, text):
    reply = engine.ask("c", text)
    assert reply.intent != "out_of_scope" and "career decision" not in reply.headline, render(reply)


@pytest.mark.parametrize(("text", "intent"), [
    ("what should I look for when hiring an applied scientist", "skills"),  # "when" joins, it does not ask
    ("when will our applied scientist req be filled?", "time_to_fill"),
    ("where do people post research engineer jobs", "sourcing_channels"),  # posting a job is the hirer's
])
def test_joining_words_are_not_questions_and_posting_a_job_is_hiring(text, intent):
    heard = HEAR.understand(text)
    assert heard.intent == intent, heard.ranked


@pytest.mark.parametrize(("text", "said"), [
    ("will pay for staff research engineers keep rising?", "headline"),  # asks for a forecast
    ("are senior MLE salaries expected to fall next year?", "headline"),
    ("any predictions for applied scientist pay next year?", "headline"),
    ("what will a senior applied scientist cost us in 2029?", "note"),  # asks a figure, in the future
    ("we plan to hire a research scientist in the future, how long does it usually take?", "note"),  # said, harmless
    ("salaries will go up next year, so what should we pay a senior MLE?", "note"),  # a forecast stated, not asked
    ("what should we look for in an applied scientist who will grow into a lead?", None),
])
def test_a_question_about_the_future_is_answered_as_a_snapshot_not_declined(engine, text, said):
    """The sources are a snapshot: a question about where a figure is going gets the figure as it stood, said
    first to be no forecast (and counted out of scope); one that only mentions the future gets a note."""
    reply = engine.ask("c", text)
    assert reply.kind == "answer", render(reply)
    assert reply.headline.startswith("My sources are a snapshot and make no forecast.") == (said == "headline")
    assert any("make no forecast" in note for note in reply.notes) == (said == "note"), render(reply)
    assert (reply.intent == "out_of_scope") == (said == "headline"), reply.intent


@pytest.mark.parametrize("text", [
    "will ML salaries drop next year you think?",  # names no role: no figure to give as it stood
    "5 years from now will ML engineers even exist or will agents do it all",
    "which companies will pay ml people the most in 2027, any predictions?",
    "crystal ball: where is research scientist hiring headed",
])
def test_a_forecast_with_no_figure_to_give_is_declined_as_forecasts(engine, text):
    reply = engine.ask("c", text)
    assert (reply.intent, reply.kind) == ("out_of_scope", "declined"), render(reply)
    assert reply.headline.startswith("My sources don't cover forecasts"), reply.headline


@pytest.mark.parametrize("text", [
    "if we hire in London, will pay go down?",  # what a choice does, not where the market goes
    "will our research scientist still need to publish once we grow?",
])
def test_a_condition_asks_no_forecast(text):
    assert not HEAR.understand(text).forecast


@pytest.mark.parametrize(("text", "declined"), [
    ("how negotiable is the offer for a senior MLE?", True),
    ("is the salary negotiable for research scientists at labs?", True),
    ("is a PhD non-negotiable for research scientists?", False),  # a credentials question
    ("can the equity in an applied scientist offer be negotiated?", True),
    ("is the base non-negotiable for staff MLEs at big tech?", False),  # "non-" says the opposite: a pay question
])
def test_negotiating_an_offer_is_declined_by_name(engine, text, declined):
    reply = engine.ask("c", text)
    assert reply.headline.startswith("My sources don't cover offer negotiation") == declined, render(reply)


def test_kinds_of_work_are_answered_with_the_roles_that_do_them(engine):
    """No title named, but the sources' split of the work: compare the roles that do each, not "which roles?"."""
    reply = engine.ask("c", "production ML versus research ML, how do they differ for a hiring manager?")
    assert reply.intent == "compare_roles" and reply.kind == "answer", render(reply)
    assert "ML engineer" in reply.headline and "applied scientist" in reply.headline, reply.headline
    assert reply.entities.roles == []  # what was named


def test_kinds_of_work_side_by_side_are_one_thing_not_two_roles():
    """"Research infrastructure" is one kind of work (research engineers'), not research set against
    infrastructure: no comparison of two roles."""
    heard = HEAR.understand("what skills matter for research infrastructure work?")
    assert heard.intent == "skills" and heard.entities.roles == [], heard.ranked


# -- words met in real questions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "intent"), [
    ("which IC level do most MLEs sit at?", "career_ladder"),
    ("IC vs people-manager track for research scientists: what changes?", "career_ladder"),  # tracks, not roles
    ("where does the data scientist's job end and the ML engineer's begin?", "compare_roles"),
    ("key functions of a research engineer", "day_to_day"),
    ("how can we identify an exceptional applied scientist early?", "skills"),
    ("do research assistants need a masters?", "out_of_scope"),  # a title the sources do not describe
])
def test_words_met_in_real_questions(text, intent):
    assert HEAR.understand(text).intent == intent, HEAR.understand(text).ranked


def test_an_abbreviation_that_is_a_glossary_term_is_read_once():
    assert HEAR.understand("what's an IC?").text == "what is an individual contributor"


@pytest.mark.parametrize("text", ["what's a research artifact? never heard the phrase before",
                                  "what's an IC? haven't come across that one"])
def test_a_term_asked_about_in_one_sentence_of_several_is_a_definition(engine, text):
    reply = engine.ask("c", text)
    assert reply.intent == "define_term" and reply.kind == "answer", render(reply)


@pytest.mark.parametrize(("text", "guess"), [
    ("where do people usually find these candidates", "sourcing_channels"),  # "people": ML ones? not said
    ("what are people paying folks like this these days", "compensation"),
])
def test_a_decline_for_want_of_evidence_offers_the_topic_it_leaned_to(engine, text, guess):
    reply = engine.ask("c", text)
    assert reply.intent == "out_of_scope" and reply.headline.startswith("I'm not sure"), render(reply)
    assert [c.value for c in reply.choices] == [choice_value(guess, [])]


@pytest.mark.parametrize("text", [
    "what does a research scientist do in a chemistry lab?",  # another field's
    "how do I land a job at a frontier lab?",  # a candidate's own
    "what's the difference between precision and recall?",  # compares no roles
])
def test_a_decline_for_what_the_question_is_offers_nothing(engine, text):
    reply = engine.ask("c", text)
    assert reply.intent == "out_of_scope" and not reply.headline.startswith("I'm not sure"), render(reply)
    assert not any(c.label.startswith("Yes, ") for c in reply.choices), reply.choices


@pytest.mark.parametrize(("text", "intent"), [
    ("are there really only 10k people who can do frontier research?", "talent_pool"),  # a count of people
    ("is 10k enough of a signing bonus for a senior MLE?", "compensation"),  # money
    ("would 300k work for a staff MLE offer?", "compensation"),
])
def test_a_number_is_people_or_money_by_what_follows(text, intent):
    assert HEAR.understand(text).intent == intent, HEAR.understand(text).ranked


def test_a_candidate_naming_their_background_gets_the_credentials_the_sources_give(engine):
    reply = engine.ask("c", "worth applying for RE roles with mostly backend experience?")
    assert reply.intent == "credentials" and "your own career decision" in reply.headline, render(reply)


@pytest.mark.parametrize(("text", "intent"), [
    ("what does a staff research engineer make?", "compensation"),
    ("what do applied scientists make at a frontier lab", "compensation"),
    ("what mistakes do new applied scientists make early on", "hiring_pitfalls"),  # they make mistakes, not money
    ("how long before a research engineer can make staff?", "career_ladder"),  # a level reached
    ("does it make sense to hire a research scientist yet?", "choose_role"),
])
def test_make_is_pay_only_when_it_makes_money(text, intent):
    assert HEAR.understand(text).intent == intent, HEAR.understand(text).ranked


def test_how_long_to_budget_for_filling_a_req_is_time_to_fill():
    heard = HEAR.understand("how long should we budget for filling a staff RE req")
    assert heard.intent == "time_to_fill", heard.ranked


@pytest.mark.parametrize(("text", "intent"), [
    ("which pays better, a research engineer or an applied scientist?", "compensation"),  # a figure compared
    ("which is slower to fill: MLE or AS? which takes longer", "time_to_fill"),
    ("MLE or AS: which should we hire first?", "choose_role"),  # a hiring decision stays one
])
def test_which_of_two_roles_by_a_figure_is_that_figure(text, intent):
    assert HEAR.understand(text).intent == intent, HEAR.understand(text).ranked


def test_choosing_between_two_offers_is_a_candidates_question(engine):
    reply = engine.ask("c", "new grad here: applied scientist offer at a bank or research engineer offer at a lab?")
    assert "your own career decision" in reply.headline and walk(engine) is None, render(reply)


def test_the_cost_of_a_wrong_hire_is_a_pitfall_not_pay():
    heard = HEAR.understand("the hidden cost of putting a researcher on production work")
    assert heard.intent == "hiring_pitfalls", heard.ranked


@pytest.mark.parametrize(("text", "topic"), [
    ("how many hours per week do applied scientists put in?", "working hours"),
    ("what's the best way to ask for a raise as a staff MLE?", "raises and promotions"),
    ("what equity stake should our first ML engineer get", "equity amounts"),
    ("candidates keep turning down our offers, why", "offer acceptance"),
    ("what's our headcount plan for next quarter", "headcount planning"),
])
def test_a_sub_topic_the_sources_skip_is_declined_by_name(engine, text, topic):
    reply = engine.ask("c", text)
    assert reply.intent == "out_of_scope" and topic in reply.headline, render(reply)


@pytest.mark.parametrize(("first", "then", "intent"), [
    ("what do research scientists earn?", "and is that base or total", "compensation"),
    ("applied scientist interview loop?", "could it be squeezed into 3 hours", "interview_loop"),
])
def test_a_lean_the_threads_topic_bears_out_is_answered_not_asked_about(engine, first, then, intent):
    engine.ask("t", first)
    reply = engine.ask("t", then)
    assert reply.intent == intent and reply.kind == "answer", render(reply)


def test_a_candidate_asking_if_publishing_matters_gets_the_credentials():
    heard = HEAR.understand("does publishing at ICML matter for getting hired as a research scientist?")
    assert heard.intent == "credentials" and heard.asker == "candidate", heard.ranked


@pytest.mark.parametrize("text", [
    "how long does it usually take to go from applied scientist to senior applied scientist",
    "how long to reach principal as a research scientist?",
    "how many years until staff for an ML engineer",
    "typically how long till senior as an applied scientist?",
])
def test_how_long_to_climb_to_a_level_is_the_ladder_not_a_search(text):
    assert HEAR.understand(text).intent == "career_ladder", HEAR.understand(text).ranked


@pytest.mark.parametrize(("text", "roles"), [
    ("we don't want a research scientist, we want someone who keeps models running. what role?", []),
    ("not an applied scientist, then who do we hire for ranking?", []),
    ("not sure if we need an MLE or an applied scientist", ["ml_engineer", "applied_scientist"]),
    ("do we need a research scientist or not?", ["research_scientist"]),
    ("is a research scientist needed, or would an MLE do?", ["research_scientist", "ml_engineer"]),
])
def test_a_role_denied_in_a_choice_of_hire_is_not_weighed(text, roles):
    heard = HEAR.understand(text)
    assert heard.intent == "choose_role" and heard.entities.roles == roles, heard.entities


def test_which_one_after_two_roles_weighs_those_two(engine):
    engine.ask("t", "MLE vs AS in two lines?")
    reply = engine.ask("t", "ok, which one should a 15 person startup hire first?")
    assert reply.intent == "choose_role" and set(reply.entities.roles) == {"ml_engineer", "applied_scientist"}, (
        render(reply))


def test_a_company_employing_people_is_its_headcount_not_the_pool():
    assert HEAR.understand("how many research engineers does deepmind employ").intent == "out_of_scope"


@pytest.mark.parametrize(("text", "intent"), [
    ("what are the usual mistakes when hiring data scientists", "out_of_scope"),  # none the sources give them
    ("how big is the pool of ML product managers", "out_of_scope"),
    ("what does an ML product manager actually do", "day_to_day"),  # the line the sources give the role
])
def test_a_role_named_in_passing_is_answered_only_as_far_as_the_sources_go(engine, text, intent):
    reply = engine.ask("c", text)  # answered either way: with the nearest roles' facts when out of scope
    assert reply.intent == intent and reply.kind == "answer", render(reply)


def test_an_acknowledgement_asks_nothing_again(engine):
    engine.ask("t", "what skills do research engineers need?")
    assert engine.ask("t", "got it 👍").intent == "help"


def test_thanks_before_a_follow_up_keeps_the_thread(engine):
    engine.ask("t", "what do senior ML engineers make?")
    reply = engine.ask("t", "thanks! and what about europe?")
    assert reply.intent == "compensation" and reply.entities.roles == ["ml_engineer"], render(reply)


def test_a_named_interview_block_is_defined_not_answered_with_another_roles_loop(engine):
    reply = engine.ask("c", "what's a paper-discussion interview, exactly?")
    assert reply.intent == "define_term" and "75-minute" in reply.headline, render(reply)


@pytest.mark.parametrize(("text", "intent"), [
    ("how much statistics does an applied scientist need?", "skills"),  # an amount of something else
    ("how much does an applied scientist cost us?", "compensation"),
    ("how much for a staff research engineer?", "compensation"),
    ("do we really actually need an RS, or just a solid MLE?", "choose_role"),
])
def test_how_much_is_pay_only_when_it_asks_about_money(text, intent):
    assert HEAR.understand(text).intent == intent, HEAR.understand(text).ranked


@pytest.mark.parametrize(("text", "topic"), [
    ("H-1B rules for hiring ML researchers", "visas"),
    ("should we do reference checks on research scientist candidates?", "background and reference checks"),
    ("tips for onboarding a new applied scientist", "onboarding"),
    ("any tips on the cover letter for a research engineer application?", "cover letters"),
    ("do applied scientist teams usually get hit first in layoffs?", "layoffs"),
    ("is a fully remote MLE team a bad idea?", "remote"),
    ("should we bring in a contractor or hire an MLE full-time?", "contractors"),  # no walk-through for it
])
def test_hiring_chores_the_sources_skip_are_declined_by_name(engine, text, topic):
    reply = engine.ask("c", text)
    assert reply.intent == "out_of_scope" and topic in reply.headline, render(reply)


@pytest.mark.parametrize(("text", "answered"), [
    ("why do people quit startups so fast?", False),  # retention anywhere: not the sources' pitfalls
    ("biggest mistakes job applicants make on their CV", False),
    ("why do our research engineers leave after a year?", True),  # a hirer's, about an ML role
    ("anything we should watch out for before we open the search?", True),  # "we" are hiring
])
def test_pitfalls_are_ml_hirings_own(engine, text, answered):
    reply = engine.ask("c", text)
    assert (reply.intent == "hiring_pitfalls") == answered, render(reply)


@pytest.mark.parametrize(("first", "then"), [
    ("where do I find ML engineers?", "where can I buy a used car"),
    ("how long does it take to hire an applied scientist?", "it"),
])
def test_a_thread_does_not_pull_in_what_names_none_of_its_topic(engine, first, then):
    engine.ask("t", first)
    reply = engine.ask("t", then)
    assert reply.intent == "out_of_scope" and not reply.choices, render(reply)


@pytest.mark.parametrize(("text", "intent"), [
    ("how long does it take to go hire a senior MLE?", "time_to_fill"),  # a climb needs no hire in it
    ("we want to fast-track a senior MLE hire, how long will it take?", "time_to_fill"),  # no ladder track
    ("what's a research artifact? and how much do applied scientists earn?", "compensation"),  # a second question
])
def test_a_ladder_or_a_definition_does_not_swallow_a_hiring_question(text, intent):
    assert HEAR.understand(text).intent == intent, HEAR.understand(text).ranked


@pytest.mark.parametrize(("text", "answered"), [
    ("which ML meetups are worth going to this spring", False),  # a channel asked about for itself
    ("kaggle: worth it or not?", False),
    ("which meetups are good for finding research engineers", True),  # someone sought there
    ("worth sponsoring a workshop at a big ML conference?", True),  # what an employer does to recruit
])
def test_sourcing_needs_someone_to_find(text, answered):
    heard = HEAR.understand(text)
    assert (heard.intent == "sourcing_channels") == answered, heard.ranked


@pytest.mark.parametrize(("text", "answered"), [
    ("pytorch or jax, which is better for a side project", False),  # a choice of tools, no person in it
    ("is jax better than pytorch these days", False),
    ("how much does pytorch experience matter on the research side", True),  # what a person should bring
])
def test_skills_are_asked_of_a_person(text, answered):
    heard = HEAR.understand(text)
    assert (heard.intent == "skills") == answered, heard.ranked


@pytest.mark.parametrize(("text", "intent"), [
    ("ok forget comp - how would i interview them", "interview_loop"),
    ("ok, forget pay - how do i screen them", "interview_loop"),
    ("fine, never mind salaries. how do i interview them", "interview_loop"),
    ("I don't have a PhD, what do research engineers earn?", "compensation"),  # the question beside the denial
    ("no PhD here, can I still get in as a research scientist?", "credentials"),  # nothing else asked: kept
])
def test_a_topic_set_aside_gives_way_to_the_one_asked(text, intent):
    assert HEAR.understand(text).intent == intent, HEAR.understand(text).ranked


def test_hire_as_is_no_applied_scientist():
    assert HEAR.understand("could we use contract-to-hire as a bridge?").entities.roles == []
    assert HEAR.understand("senior as comp?").entities.roles == ["applied_scientist"]


@pytest.mark.parametrize(("text", "intent"), [
    ("what are staff MLEs going for in europe these days?", "compensation"),  # pay in a seller's words
    ("is an RS a lot pricier than an RE?", "compensation"),
    ("how many yrs do RSs typically sit at mid level before senior?", "career_ladder"),  # years at a level
    ("what does a principal RE do that a staff one does not?", "career_ladder"),  # two levels of one role
    ("how many rounds is a normal AS loop?", "interview_loop"),  # "how many" counts rounds, not people
    ("how many research engineers are out there?", "talent_pool"),  # ...or people
    ("RS at a frontier lab: what are they looking for?", "skills"),  # what a person should bring
    ("where should we be looking for research engineers?", "sourcing_channels"),  # people sought
    ("we hired a staff MLE from big tech and it flopped after six months. what went wrong?", "hiring_pitfalls"),
    ("what's a fair offer for an applied scientist with 4 yoe?", "compensation"),  # experience describes them
    ("do we need 5 years of experience for an MLE?", "credentials"),  # ...or is what is asked
    ("ML careers: the upside and downside of a PhD", "credentials"),  # "career" alone is no ladder
    ("do applied scientists at big companies get to publish at all?", "day_to_day"),  # publishing is the job's
])
def test_what_a_question_counts_or_compares_decides_its_topic(text, intent):
    assert HEAR.understand(text).intent == intent, HEAR.understand(text).ranked


@pytest.mark.parametrize(("first", "then", "intent"), [
    ("how long does it take to fill a research scientist req?", "hm, why that slow?", "time_to_fill"),  # a lean
    ("what's a research artifact?", "can you give me an example", "define_term"),  # asking for more
    ("what do applied scientists make?", "tell me more", "compensation"),
])
def test_a_bare_follow_up_takes_the_threads_topic(engine, first, then, intent):
    engine.ask("t", first)
    reply = engine.ask("t", then)
    assert reply.intent == intent and reply.kind == "answer", render(reply)


def test_tell_me_more_puts_what_was_behind_more_in_front(engine):
    first = engine.ask("t", "what do research scientists earn?")
    assert first.more, render(first)
    again = engine.ask("t", "tell me more")
    shown = [*again.basis, *again.facts, *again.more]
    assert {f.text for f in first.more} <= {f.text for f in shown}, render(again)
    assert not {f.text for f in [*first.basis, *first.facts]} & {f.text for f in shown}, render(again)
    assert again.headline == again.basis[0].text, render(again)  # the first new fact heads it
    alone = engine.ask("fresh", "tell me more")
    assert alone.intent in {"out_of_scope", "help"}, render(alone)  # nothing said yet: nothing to add to


def test_a_comparison_naming_one_role_sets_it_against_the_threads(engine):
    engine.ask("t", "what does a research scientist actually do all week?")
    reply = engine.ask("t", "and how is that different from an RE?")
    assert reply.intent == "compare_roles", render(reply)
    assert sorted(reply.entities.roles) == ["research_engineer", "research_scientist"], reply.entities


def test_member_of_technical_staff_is_a_title_not_the_staff_level():
    heard = HEAR.understand("pay for a member of technical staff at openai?")
    assert heard.entities.level is None and heard.outside == ["member of technical staff"], heard


def test_a_software_engineers_nearest_pay_figure_is_an_ml_engineers(engine):
    reply = engine.ask("c", "what should we pay a senior backend engineer?")
    assert "Nearest they cover, for ML engineers (not software engineers)" in reply.headline, render(reply)


@pytest.mark.parametrize(("text", "never"), [
    ("MLOps engineer or ML engineer, which do we need first?", "applied scientist"),
    ("analytics engineer vs data scientist?", "research scientist"),
])
def test_a_title_outside_the_sources_against_one_inside_brings_in_no_third_role(engine, text, never):
    reply = engine.ask("c", text)
    assert "is not in my sources" in reply.headline and never not in reply.headline, render(reply)


@pytest.mark.parametrize(("text", "destination"), [
    ("what skills would a data scientist need to move into ML engineering?", "ml_engineer"),
    ("credentials needed to go from data scientist to applied scientist?", "applied_scientist"),
    ("MLE vs AS: how do their days differ?", None),  # no move: both
])
def test_a_move_between_roles_is_answered_for_where_it_goes(engine, text, destination):
    heard = HEAR.understand(text)
    assert heard.destination == destination and len(heard.entities.roles) == 2, heard  # both named
    if destination:
        reply = engine.ask("c", text)
        assert reply.entities.roles == heard.entities.roles, reply.entities  # what was named is reported
        assert KB.role_name(destination).lower() in reply.headline.lower(), render(reply)  # what is answered


@pytest.mark.parametrize(("text", "intent"), [
    ("what do research engineers look for in a job?", "out_of_scope"),  # "look for" is theirs, not a skill
    ("tips for evaluating an applied scientist role at a startup", "out_of_scope"),
    ("I got an RS offer, should I take it?", "out_of_scope"),  # the offer is their situation, not pay asked
    ("what's it like to work as a research engineer at a big lab?", "day_to_day"),  # the cue runs past theirs
])
def test_a_topic_word_inside_a_candidates_own_phrase_names_no_topic(text, intent):
    assert HEAR.understand(text).intent == intent, HEAR.understand(text).ranked


@pytest.mark.parametrize(("text", "compares"), [
    ("why recruiting research engineers is different", False),  # different from nothing named
    ("why hiring applied scientists is so different", False),
    ("how is a research engineer different from a research scientist?", True),
    ("are the two research titles really different?", True),  # "the two"
])
def test_a_comparison_needs_something_to_compare_with(text, compares):
    assert (HEAR.understand(text).intent == "compare_roles") == compares, HEAR.understand(text).ranked


@pytest.mark.parametrize(("then", "intent"), [
    ("per year?", "compensation"),  # points back, names nothing else
    ("what drives that", "compensation"),
    ("ok and why so high", "compensation"),
    ("is that before tax", "out_of_scope"),  # taxes: a word the sources never use
])
def test_a_short_message_pointing_back_continues_the_thread(engine, then, intent):
    engine.ask("t", "what do senior ML engineers make?")
    reply = engine.ask("t", then)
    assert reply.intent == intent, render(reply)
    engine.ask("shared", "what do senior ML engineers make?")
    assert engine.overhear("shared", then) is None  # not addressed to hirebot: may be said to a colleague


@pytest.mark.parametrize("text", [
    "torn between MLE and applied scientist, which fits me better?",
    "as a new PhD, is RS or RE the better move for my next role?",
    "RE or RS - which suits me if I love infra?",
])
def test_which_role_suits_me_is_a_career_choice_not_a_hire(engine, text):
    reply = engine.ask("c", text)
    assert reply.intent != "choose_role" and walk(engine) is None, render(reply)


@pytest.mark.parametrize(("then", "intent"), [
    ("and who usually produces them", "define_term"),  # asks about the term
    ("which roles care about that most?", "define_term"),
    ("ok so which role should we hire for that?", "choose_role"),  # a hire: the walk-through
])
def test_who_or_which_after_a_definition_asks_about_the_term(engine, then, intent):
    engine.ask("t", "what's a research artifact?")
    reply = engine.ask("t", then)
    assert reply.intent == intent, render(reply)
    assert (walk(engine, "t") is not None) == (intent == "choose_role")


@pytest.mark.parametrize("text", [
    "研究エンジニアの年収はいくら?",  # Japanese: what do research engineers earn?
    "응용 과학자 채용은 얼마나 걸려요?",  # Korean: how long does hiring an applied scientist take?
    "Applied Scientist랑 ML Engineer 중에 누구를 뽑아야 할까요?",  # Korean around English titles: which to hire?
    "Сколько платят ML инженеру?",  # Russian: what is an ML engineer paid?
])
def test_a_message_in_another_script_is_said_to_be_unread(engine, text):
    reply = engine.ask("c", text)
    assert reply.intent == "out_of_scope" and reply.headline.startswith("I read English only"), render(reply)
    assert walk(engine) is None


def test_a_name_in_another_script_leaves_an_english_question_read(engine):
    reply = engine.ask("c", "what would we pay 李明 as a senior MLE?")
    assert reply.intent == "compensation", render(reply)


def test_as_before_an_article_is_the_preposition():
    heard = HEAR.understand("how long till I make senior as a research scientist?")
    assert heard.entities.roles == ["research_scientist"]
    assert HEAR.understand("pay for a senior as").entities.roles == ["applied_scientist"]


def test_a_term_asked_about_beside_an_aside_is_defined(engine):
    reply = engine.ask("c", "what's a research artifact, our VP keeps dropping it in standups")
    assert reply.intent == "define_term", render(reply)


@pytest.mark.parametrize("text", [
    "pay for a forward deployed engineer?",
    "what does a research software engineer do all day",
])
def test_more_titles_the_sources_do_not_describe_are_named(engine, text):
    reply = engine.ask("c", text)
    assert reply.headline.endswith("no role they describe is close enough to stand in.") or \
        "is not in my sources" in reply.headline, render(reply)


def test_a_software_engineer_calling_himself_an_mle_is_the_bad_hire_pattern(engine):
    reply = engine.ask("c", "this guy calls himself an ML engineer but it's all backend SWE work, should I worry?")
    assert reply.intent == "hiring_pitfalls" and "bad-hire pattern" in reply.headline, render(reply)


def test_a_question_pointing_back_in_a_walk_through_asks_about_its_roles(engine):
    engine.ask("t", "we're a seed startup weighing a research scientist hire")
    reply = engine.ask("t", "would that be a mistake?")
    assert reply.intent == "hiring_pitfalls" and reply.entities.roles == ["research_scientist"], render(reply)
    assert walk(engine, "t") is not None  # the walk-through waits for its answer


@pytest.mark.parametrize("text", [
    "what's the hourly rate for a freelance data scientist these days",
    "is the market for dentists hotter than for data analysts or software engineers",
])
def test_a_side_role_named_does_not_keep_an_unknown_subject_in_scope(engine, text):
    reply = engine.ask("c", text)
    assert reply.intent == "out_of_scope", render(reply)


def test_a_tier_said_beside_a_question_is_not_asked_to_be_defined(engine):
    reply = engine.ask("c", "we're series b, would opening an applied scientist req be silly right now?")
    assert reply.intent != "define_term", render(reply)


@pytest.mark.parametrize(("first", "then", "intent", "roles"), [
    ("senior AS pay at a top-50 lab?", "same deal but for a team in Berlin?", "compensation", None),
    ("how long does a frontier lab AS search take", "is that typical? sounds brutal", "time_to_fill", None),
    ("do research scientists need a PhD", "does the same go for REs", "credentials", None),
    ("walk me through the AS interview loop", "of those, which block tells you the most?", "interview_loop", None),
    ("is a PhD expected for research scientists", "ok and MLEs, is one needed there", "credentials", None),
    # "how long" after the loop or the ladder asks their length
    ("what does the AS interview loop look like", "and how long is that all told?", "interview_loop", None),
    ("walk me through the research scientist ladder", "how long at each rung, roughly?", "career_ladder", None),
    ("what does the AS interview loop look like", "how long does it take to hire one?", "time_to_fill", None),
    # a message's own clear topic is kept, though it says "same" or "normal"
    ("senior AS pay at a top-50 lab?", "are REs and MLEs basically the same thing?", "compare_roles", None),
    ("frontier AS pay?", "is it normal to skip the PhD?", "credentials", None),
    # a comparison after a figure compares that figure, for both roles
    ("how big is the ML engineer talent pool", "vs applied scientists?", "talent_pool", 2),
    ("senior AS comp at a top-50 lab", "how does that stack up against an MLE?", "compensation", 2),
    ("what does a research engineer do", "how's that different from an AS?", "compare_roles", 2),
])
def test_a_follow_up_that_keeps_the_threads_topic_is_answered_on_it(engine, first, then, intent, roles):
    engine.ask("t", first)
    reply = engine.ask("t", then)
    assert reply.intent == intent and walk(engine, "t") is None, render(reply)
    assert roles is None or len(reply.entities.roles) == roles, reply.entities


@pytest.mark.parametrize(("text", "intent"), [
    ("who's the chief scientist at openai these days", "out_of_scope"),  # who someone is, not whom to hire
    ("how long are folks typically stuck at mid level as research scientists", "career_ladder"),
    ("how big is the MLOps Community Slack these days", "sourcing_channels"),  # a channel the sources size
    ("holding two offers right now, a bank and a seed startup, help me pick", "out_of_scope"),
])
def test_what_a_question_is_about_beats_the_word_it_shares(engine, text, intent):
    reply = engine.ask("c", text)
    assert reply.intent == intent and walk(engine) is None, render(reply)


def test_a_research_specialism_the_sources_do_not_describe_is_named(engine):
    reply = engine.ask("c", "what does an alignment researcher make at a frontier lab?")
    assert reply.headline.startswith("Alignment researcher is not in my sources"), render(reply)


@pytest.mark.parametrize(("first", "then", "intent"), [
    # declined on their own words, but going on from the thread with a word that names a topic
    ("what should we budget for a senior MLE?", "cool, and a realistic time until someone signs?", "time_to_fill"),
    # ...or naming none, or only a hire: not the thread's topic for that
    ("senior MLE comp?", "and what's the weather like in London?", "out_of_scope"),
    ("how long to hire an AS?", "and can you recommend a good lawyer?", "out_of_scope"),
    ("what skills do we screen research scientists for", "and the classic ways they flame out in year one?",
     "hiring_pitfalls"),
    # an aside says it leaves the thread
    ("how long to fill a senior MLE role", "unrelated, but what's the best vector db these days", "out_of_scope"),
    ("senior MLE comp?", "@sam can you paste this into the plan doc", "out_of_scope"),
])
def test_a_declined_follow_up_that_goes_on_from_the_thread_is_answered_on_it(engine, first, then, intent):
    engine.ask("t", first)
    reply = engine.ask("t", then)
    assert reply.intent == intent, render(reply)


def test_a_question_typed_during_the_walk_through_is_answered_as_an_aside(engine):
    engine.ask("t", "help me choose between an MLE and an applied scientist")
    reply = engine.ask("t", "actually how much would each one cost us")
    assert reply.intent == "compensation" and len(reply.entities.roles) == 2, render(reply)
    assert walk(engine, "t")["status"] == "active" and not walk(engine, "t")["asked"][1:]


def test_my_manager_is_a_boss_not_the_management_level():
    heard = HEAR.understand("my manager says I should publish more to get promoted as an applied scientist")
    assert heard.entities.level is None


@pytest.mark.parametrize(("text", "intent"), [
    ("how many people work at anthropic these days", "out_of_scope"),  # a company's headcount, not a pool
    ("nicest way to turn down an internal applicant?", "out_of_scope"),  # no offer-acceptance question
])
def test_a_companys_headcount_and_turning_someone_down_are_not_sourcing_figures(engine, text, intent):
    reply = engine.ask("c", text)
    assert reply.intent == intent and "acceptance" not in reply.headline and "career" not in reply.headline, \
        render(reply)


@pytest.mark.parametrize(("text", "intent"), [
    ("how many engineers does anthropic have now", "out_of_scope"),
    ("how many ML researchers do frontier labs have", "talent_pool"),  # a pool of a role
    ("how do I write a more inclusive ML job ad", "out_of_scope"),  # asks how: no req pasted to check
    ("average tenure of an MLE before they job hop?", "hiring_pitfalls"),
])
def test_short_questions_near_a_topic_are_read_for_what_they_ask(engine, text, intent):
    assert engine.ask("c", text).intent == intent


def test_a_comparison_on_one_aspect_answers_that_aspect(engine):
    reply = engine.ask("c", "skip the pay numbers - how do MLEs and applied scientists differ on degrees?")
    assert reply.intent == "credentials" and "PhD" in reply.headline and "$" not in render(reply), render(reply)


@pytest.mark.parametrize(("text", "says"), [
    ("how do we hire our first head of AI?", "Head of AI is not in my sources"),
    ("good questions to ask a reference for an MLE?", "My sources don't cover background and reference checks"),
])
def test_leaders_and_reference_calls_are_named_as_not_covered(engine, text, says):
    reply = engine.ask("c", text)
    assert reply.headline.startswith(says), render(reply)


@pytest.mark.parametrize(("text", "intent", "roles"), [
    ("who's the better fit for us, an MLE or an applied scientist?", "choose_role", None),  # whom to hire
    ("what should we pay a senior as this year?", "compensation", ["applied_scientist"]),
    ("is an applied scientist salary inclusive of equity?", "compensation", None),  # no diversity question
    ("what's the hourly breakdown of an MLE's interview loop?", "interview_loop", None),  # no freelance rate
])
def test_everyday_words_near_a_rule_leave_the_question_alone(engine, text, intent, roles):
    reply = engine.ask("c", text)
    assert reply.intent == intent, render(reply)
    assert roles is None or reply.entities.roles == roles


@pytest.mark.parametrize(("then", "intent"), [
    ("so what's the gap in %?", "compensation"),
    ("how do the two compare?", "compensation"),
])
def test_a_gap_asked_after_two_roles_figures_sets_them_side_by_side(engine, then, intent):
    engine.ask("t", "senior applied scientist pay at a top-50 lab?")
    engine.ask("t", "and an MLE?")
    reply = engine.ask("t", then)
    assert reply.intent == intent and sorted(reply.entities.roles) == ["applied_scientist", "ml_engineer"], \
        render(reply)
    assert "50 percent more" in reply.headline, reply.headline
