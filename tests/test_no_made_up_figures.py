"""No answer says a number that is not in the knowledge base, and every cited fact is a KB fact, verbatim,
with its own source: generated over every intent x role x level x tier x region."""

import itertools
import re
from datetime import date

import pytest

from bot.engine.answer import compose
from bot.engine.types import Answer, Entities
from bot.engine.understand import Understanding
from bot.knowledge import load
from bot.knowledge.ids import INTENTS, LEVELS, REGIONS, ROLES, TIERS

KB = load()
NUMBER = re.compile(r"\d[\d,.]*")
ALLOWED = KB.numbers()
CITABLE = {(f.text, f.source) for f in KB.facts.values()} | {(t.definition, t.source) for t in KB.terms}
CITABLE |= {(r.one_liner, r.source) for r in KB.roles.values()}


def _heard(intent: str, entities: Entities, text: str = "") -> Understanding:
    return Understanding(
        text=text, raw=text, intent=intent, confidence=0.9, ranked=[(intent, 0.9)],
        entities=entities, term=None, followup=False, ambiguous=False,
    )


def _said(answer: Answer) -> list[str]:
    parts = [answer.title, answer.headline, *answer.lines, *answer.notes, *answer.suggestions]
    parts += [c.label for c in answer.choices]
    parts += [f"{f.text} {f.population or ''} {f.label or ''}" for f in answer.cited]
    return parts


def _check(answer: Answer) -> None:
    for part in _said(answer):
        for number in NUMBER.findall(part):
            plain = number.rstrip(".,").replace(",", "")
            assert plain in ALLOWED, f"{plain!r} in {part!r} is not in knowledge/"
    for fact in answer.cited:
        assert (fact.text, fact.source) in CITABLE, f"not a KB fact with that source: {fact.text!r}"
    if answer.kind == "answer":
        assert answer.headline, "an answer without a headline"


ROLE_SETS = [[], *([r] for r in ROLES), *map(list, itertools.combinations(ROLES[:4], 2))]


@pytest.mark.parametrize("intent", INTENTS)
def test_every_answer_says_only_kb_figures(intent: str):
    checked = 0
    for roles, level, tier, region in itertools.product(
        ROLE_SETS, [None, *LEVELS], [None, *TIERS], [None, *REGIONS]
    ):
        entities = Entities(roles=roles, level=level, employer_tier=tier, region=region)
        answer, _ = compose(KB, _heard(intent, entities), {}, date(2026, 11, 23))
        _check(answer)
        checked += 1
    assert checked == len(ROLE_SETS) * (len(LEVELS) + 1) * (len(TIERS) + 1) * (len(REGIONS) + 1)
