"""Engine.overhear: a message not addressed to hirebot is answered only when it is for hirebot, and chatter
leaves the conversation as it was."""

import pytest

from bot.engine import Engine
from bot.engine.overheard import asks
from bot.knowledge import load
from bot.store import Store

CHATTER = [
    "thanks!", "thank you so much", "sure, booked room 4", "lol ok", "fyi the candidate prefers Friday",
    "great, that helps", "ok will do", "sounds good", "haha", "I will loop in finance", "lunch?", "on it",
    "let's sync tomorrow", "I'll ping the recruiter", "makes sense", "the offer went out yesterday",
    "the panel is full", "can we move it to 3pm", "+1", "who is interviewing tomorrow", "who is on the panel",
    "the candidate has a PhD", "we need more budget", "Series B is closing soon", "is she free on Friday?",
    "can you set up the loop for Thursday?",
]
FOR_HIREBOT = [
    "what about MLE?", "and in Europe?", "at a frontier lab?", "how long does it take to hire an MLE?",
    "ttf for staff RS", "where do I find research engineers", "define ablation",
    "we need someone to own our forecasting models end to end, what role", "is the loop 4 hours?",
]


@pytest.fixture(scope="module")
def kb():
    return load(None)


@pytest.fixture
def engine(kb):
    engine = Engine(kb, Store(":memory:"))
    engine.ask("t", "comp for senior AS?")
    return engine


@pytest.mark.parametrize("text", CHATTER)
def test_chatter_is_not_answered_and_leaves_the_thread_as_it_was(engine, text):
    before = engine.store.load_thread("t")
    assert engine.overhear("t", text) is None
    assert engine.store.load_thread("t") == before


@pytest.mark.parametrize("text", FOR_HIREBOT)
def test_hiring_questions_and_follow_ups_are_answered(engine, text):
    reply = engine.overhear("t", text)
    assert reply is not None and reply.intent not in ("help", "out_of_scope")


def test_the_topic_survives_chatter(engine):
    for text in CHATTER:
        engine.overhear("t", text)
    reply = engine.overhear("t", "what about MLE?")
    assert reply.intent == "compensation" and reply.entities.roles == ["ml_engineer"]


def test_a_walk_through_answer_is_for_hirebot_and_chatter_around_it_is_not(kb):
    engine = Engine(kb, Store(":memory:"))
    engine.ask("w", "MLE or applied scientist?")
    assert engine.overhear("w", "haha nice") is None
    assert engine.overhear("w", "thanks!") is None
    assert "research depth" in engine.overhear("w", "we ship production models").title.lower()


@pytest.mark.parametrize(("text", "question"), [
    ("comp for senior AS?", True), ("which role fits, MLE or AS", True), ("explain RLHF", True),
    ("sure, booked room 4", False), ("thanks!", False),
])
def test_asks_reads_the_shape_of_a_question(text, question):
    assert asks(text) is question


def test_a_bare_follow_up_overheard_is_not_taken_as_hirebots(kb, tmp_path):
    engine = Engine(kb, Store(tmp_path / "t.db"))
    engine.ask("t", "how long does it take to hire an applied scientist?")
    assert engine.overhear("t", "tell me more") is None  # to a colleague, as likely as to hirebot
    assert engine.ask("t", "tell me more").intent == "time_to_fill"  # said to hirebot, it adds to the answer
