"""Every figure's population and source match the seed passage it comes from: the passage of its own seed
that states all its values also names what its population says (level, employer tier, role), and its
selectors say the same as its population (a "senior ... top-50" figure is level senior, tier top50)."""

import re

import pytest
from shared_dir import shared_path

from bot.knowledge import load
from bot.knowledge.models import Fact

KB = load()
FIGURES = [f for f in KB.facts.values() if f.values]
WINDOW = 2  # lines either side of a line with a figure (blank lines aside): a table row's label is above it
MARKERS = {  # a word of a population -> how the seed passage may say it
    "senior": ["senior"],
    "top-50": ["top-50"],
    "frontier": ["frontier"],
    "series c+": ["series c+"],
    "applied scientist": ["applied scientist"],
    "ml engineer": ["mle", "ml engineer", "ml, and ai engineers"],
    "research scientist": ["research scientist", "researcher", "research roles"],
    "principal": ["principal"],
    "distinguished": ["distinguished"],
}
SELECTORS = [  # a population word -> the selector it implies
    ("senior", "level", "senior"),
    ("top-50", "tier", "top50"),
    ("frontier", "tier", "frontier_lab"),
    ("series c+", "tier", "series_c_plus"),
]


def _forms(value: float) -> list[str]:
    """How a value may be written in a seed: 480000 -> 480,000 / 480K; 0.6 -> 0.60; 5 -> 5-to-1."""
    whole = int(value) if value == int(value) else None
    if whole is None:
        return [f"{value:g}", f"{value:.2f}"]
    forms = [f"{whole:,}", str(whole)]
    if whole >= 1000 and whole % 1000 == 0:
        forms += [f"{whole // 1000}k", f"{whole // 1000:,}k"]
    if whole >= 1_000_000 and whole % 1_000_000 == 0:
        forms.append(f"{whole // 1_000_000}m")
    return forms


def _said(form: str, text: str) -> bool:
    return re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d,]|\.\d)", text) is not None


def passages(fact: Fact, seed: str) -> dict[str, list[str]]:
    """Per value of the fact, the passages of `seed` (a line and its neighbours) that state it."""
    lines = [line.lower() for line in seed.splitlines() if line.strip()]
    windows = [" ".join(lines[max(0, i - WINDOW): i + WINDOW + 1]) for i in range(len(lines))]
    return {key: [w for w in windows if any(_said(form, w) for form in _forms(value))]
            for key, value in fact.values.items()}


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in shared_path("seeds").glob("*.txt")}


@pytest.mark.parametrize("fact", FIGURES, ids=lambda f: f.id)
def test_figure_population_matches_its_seed_passage(fact: Fact, seeds: dict[str, str]):
    per_value = passages(fact, seeds[fact.source])
    for key, where in per_value.items():
        assert where, f"{fact.id}: {fact.source} never states values.{key} = {fact.values[key]}"
    found = [p for where in per_value.values() for p in where]
    population = (fact.population or "").lower()
    for marker, ways in MARKERS.items():
        if marker in population:
            assert any(any(w in p for w in ways) for p in found), \
                f"{fact.id}: population says {marker!r}, but no passage of {fact.source} with its figures does"


@pytest.mark.parametrize("fact", FIGURES, ids=lambda f: f.id)
def test_figure_selectors_say_what_its_population_says(fact: Fact):
    population = (fact.population or "").lower()
    for word, selector, value in SELECTORS:
        if word in population and " vs " not in population and "versus" not in population:
            assert getattr(fact, selector) == value, f"{fact.id}: population says {word!r}; {selector} is not {value}"
