"""Every kind of answer rendered as Block Kit stays inside Slack's limits and escapes what users typed."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.engine import Engine
from bot.engine.types import Answer, Choice, Cited
from bot.render import blocks
from bot.slack.converse import ERROR, START_DIAGNOSTIC
from bot.store import Store

ONE_PER_INTENT = [
    "MLE or applied scientist?", "comp for senior AS?", "How long does it take to hire an applied scientist?",
    "how many applied scientists are out there compared to MLEs?", "Where do I source applied scientists?",
    "What does the interview loop look like for an applied scientist?", "Do applied scientists need a PhD?",
    "What skills predict success as a research scientist?", "What does a research engineer do day to day?",
    "career path for research scientists", "most common mistake when hiring an applied scientist",
    "Difference between research engineer and applied scientist?", "What is a research artifact?",
    "Can you check this req? Senior Applied Scientist: own the fraud detection model in production, keep serving "
    "latency low, build monitoring and retraining pipelines.", "hi", "What's the weather in Seattle?",
]
BAD_INPUT = ["", "x" * 40_000, "\x00\x07\x1b[31m", "🙂🙂🙂", "<!channel> <!here> <@U123> & <b>", "\ud800 junk"]
WALK = [START_DIAGNOSTIC, "diag/bogus/choice", "back", "shipping production models", "not sure", "back",
        "no, proven techniques are enough", "what is a research artifact?", "we are a series A startup",
        "Open a req with this scoping", "start over", "cancel"]
COMBOS = [blocks.Buttons(), blocks.Buttons(key="k" * 16), blocks.Buttons(key="k" * 16, collapse=True),
          blocks.Buttons(key="k" * 16, collapse=True, share=True, shared_by="Shared by <@U0BOB>")]


@pytest.fixture(scope="module")
def answers(kb, tmp_path_factory) -> list[Answer]:
    engine = Engine(kb, Store(tmp_path_factory.mktemp("blocks") / "hirebot.db"))
    said = [engine.ask(f"c{i}", q) for i, q in enumerate(ONE_PER_INTENT + BAD_INPUT)]
    said += [engine.ask("walk", text) for text in WALK]
    return [*said, ERROR]


def valid(block: dict) -> None:
    """A block as slack_sdk's models read it: the same JSON back, and within the limits they check."""
    assert Block.parse(block).to_dict() == block


def check(message: dict) -> None:
    """Slack's limits for one chat.postMessage / response_url body."""
    assert message["text"].strip() and len(message["text"]) <= 40_000
    assert 1 <= len(message["blocks"]) <= blocks.MAX_BLOCKS
    action_ids = []
    for block in message["blocks"]:
        valid(block)
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
            for element in block["elements"]:
                assert len(element["value"]) <= 2000 and len(element["text"]["text"]) <= 75
                action_ids.append(element["action_id"])
    assert len(action_ids) == len(set(action_ids)), action_ids
    shown = json.dumps(message)
    for ping in ("<!channel>", "<!here>", "<@U123>"):
        assert ping not in shown


def test_every_intent_walk_through_step_bad_input_and_error_fits_slacks_limits(answers):
    intents = {a.intent for a in answers}
    assert {"compensation", "choose_role", "review_req", "out_of_scope", "help", "define_term"} <= intents
    assert len(intents) >= 14, intents
    for answer in answers:
        for combo in COMBOS:
            check(blocks.message(answer, combo))


def test_choices_keep_their_values_and_collapse_shows_more(answers):
    walk_first = next(a for a in answers if any(c.value.startswith("diag/") for c in a.choices))
    message = blocks.message(walk_first, blocks.Buttons(key="k"))
    values = [e["value"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [c.value for c in walk_first.choices] == values[: len(walk_first.choices)]
    long = next(a for a in answers if blocks.is_long(a))
    collapsed = blocks.message(long, blocks.Buttons(key="k", collapse=True))
    whole = blocks.message(long, blocks.Buttons(key="k"))
    assert "hb_more" in json.dumps(collapsed) and "hb_more" not in json.dumps(whole)
    assert len(json.dumps(collapsed)) < len(json.dumps(whole))


def test_sources_line_names_each_source_with_its_as_of_dates():
    answer = Answer(intent="compensation", title="t", facts=[
        Cited(text="a", source="s1.txt", as_of="2026-05"), Cited(text="b", source="s2.txt"),
        Cited(text="c", source="s1.txt", as_of="2026-03")])
    assert blocks.sources_line(answer) == "Sources: s1.txt (as of 2026-05, 2026-03) · s2.txt"


def test_home_view_and_modal_are_valid(kb):
    home = blocks.home_view([(s.title, s.question) for s in kb.starters])
    assert home["type"] == "home" and len(home["blocks"]) <= 100
    for block in [*home["blocks"], *blocks.ask_modal()["blocks"], *blocks.notice("x" * 4000)["blocks"]]:
        valid(block)
    ids = [e["action_id"] for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len(ids) == len(set(ids)) and blocks.START_DIAGNOSTIC in ids
    assert blocks.ask_modal()["callback_id"] == blocks.ASK_VIEW
    examples = [e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"].startswith(blocks.PICK)]
    assert [(e["text"]["text"], e["value"]) for e in examples] == [(s.title, s.question) for s in kb.starters]


def test_starter_questions_are_read_as_their_intent(kb):
    engine = Engine(kb, Store(":memory:"))
    for starter in kb.starters:
        assert engine.vocab.understand(starter.question).intent == starter.intent, starter.question


@pytest.mark.parametrize(("label", "shown"), [
    ("What is the difference between a research engineer and a research scientist?",
     "What is the difference between a research engineer and a research…"),
    ("Short label", "Short label"),
    ("x" * 80, "x" * 74 + "…"),
])
def test_button_labels_are_cut_at_a_word_boundary(label, shown):
    button = blocks._button(label, "a", "v")
    assert button["text"]["text"] == shown and len(shown) <= blocks.BUTTON_CHARS


text = st.text(st.characters(codec="utf-8"), max_size=4000)
answers_at_random = st.builds(
    Answer, intent=st.sampled_from(["compensation", "out_of_scope"]), title=text,
    lines=st.lists(text, max_size=30),
    facts=st.lists(st.builds(Cited, text=text, source=st.text(min_size=1, max_size=40),
                             population=st.none() | text, as_of=st.none() | st.just("2026-05")), max_size=60),
    notes=st.lists(text, max_size=10),
    choices=st.lists(st.builds(Choice, label=text, value=st.text(max_size=3000)), max_size=30),
    suggestions=st.lists(text, max_size=10),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(answer=answers_at_random, combo=st.sampled_from(COMBOS))
def test_any_answer_fits_slacks_limits(answer, combo):
    message = blocks.message(answer, combo)
    check(message)
    assert "<" not in "".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")


@pytest.mark.parametrize(("label", "stale", "shown"), [
    ("said of ML research scientists", True, "_(said of ML research scientists, older than six months)_"),
    (None, True, "_(older than six months)_"),
    ("said of ML research scientists", False, "_(said of ML research scientists)_"),
    (None, False, None),
])
def test_a_facts_label_and_age_share_one_pair_of_parentheses(label, stale, shown):
    line = blocks._fact(Cited(text="A figure.", source="s.txt", label=label, stale=stale))
    assert line.endswith(shown) if shown else line == "• A figure."
    assert "((" not in line
