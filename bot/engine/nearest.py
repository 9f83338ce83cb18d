"""Nearest population: rank facts by how closely the population they describe fits the one asked about, and
name what a fact leaves out (the level, employer tier, region or role it does not describe).

A figure describes only the population its source gives; a fact without a figure (what a role does, a
pitfall) holds for any level, tier and region unless it names one.
"""

import re
from functools import lru_cache

from bot.engine.types import Entities
from bot.knowledge import KnowledgeBase
from bot.knowledge.ids import LEVELS, TIER_NAMES
from bot.knowledge.models import Fact

REGION_NAMES = {"us": "US", "europe": "European", "apac": "APAC"}
OUTLIER_TIER = "frontier_lab"  # frontier pay and searches are far from every other tier's
WORD = re.compile(r"[a-z][a-z0-9]+")
WITHOUT = re.compile(r"\bwithout\b[^,;.()]*")  # up to the clause's end
MIN_WORD = 4
NAMED = 2  # words a question and a fact share before that puts the fact first among equals
COMMON = {"what", "which", "when", "where", "there", "their", "they", "them", "then", "than", "that", "this",
          "these", "those", "with", "without", "from", "into", "about", "your", "ours", "worth", "does", "have",
          "should", "would", "could", "much", "many", "more", "most", "some", "also", "just", "like", "really",
          "role", "research", "researcher", "scientist", "engineer", "applied", "machine", "learning", "hire",
          "hiring", "people", "team", "senior", "junior", "staff", "principal", "lead", "entry", "level", "ladder",
          "rung", "time", "after", "before"}  # as
# read (a plural as its singular); levels are weighed by `closeness`


def levels_of(fact: Fact) -> set[str]:
    """The levels a fact describes (empty: any)."""
    return {fact.level, *fact.levels} - {None}


def is_figure(fact: Fact) -> bool:
    """A fact that states a figure: it describes its own population only."""
    return bool(fact.values)


def closeness(fact: Fact, asked: Entities) -> int:
    """Higher for a fact whose population is nearer the one asked: the roles it shares, then level, tier and
    region (same: +3; not said, for a figure: -1, or -2 for region; different: the further, the lower; a
    frontier lab's figure when no employer was asked: -2)."""
    score = 4 * len(set(fact.roles) & set(asked.roles))
    if asked.level:
        have = levels_of(fact)
        if asked.level in have:
            score += 3
        elif have:
            score -= min(abs(LEVELS.index(asked.level) - LEVELS.index(h)) for h in have)
        elif is_figure(fact):
            score -= 1
    if asked.employer_tier:
        if fact.tier == asked.employer_tier:
            score += 3
        elif fact.tier:
            score -= 6 if OUTLIER_TIER in (fact.tier, asked.employer_tier) else 2
        elif is_figure(fact):
            score -= 1
    elif fact.tier == OUTLIER_TIER and is_figure(fact):
        score -= 2  # no employer asked: a frontier figure is the market's far end ("entry-level MLE pay")
    if asked.region:  # a figure that names no region is no nearer to the one asked than a US figure
        if fact.region == asked.region:
            score += 3
        elif fact.region or is_figure(fact):
            score -= 2
    return score


def rank(facts: list[Fact], asked: Entities, question: str = "") -> list[Fact]:
    """`facts`, nearest population first; among equals, those that share more of the `question`'s own words
    (at least NAMED: "how big is the MLOps Community Slack?") first; other ties keep their order."""
    said = _words(question)
    return [f for *_, f in sorted(((-closeness(f, asked), -_shared(said, f), i, f) for i, f in enumerate(facts)),
                                  key=lambda t: t[:3])]


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    """A text's own words: long enough to mean something, not a role's or a question's."""
    said = (w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > MIN_WORD else w
            for w in WORD.findall(text.lower()))  # "flags" is "flag"
    return frozenset(w for w in said if len(w) >= MIN_WORD and w not in COMMON)


def _shared(said: frozenset[str], fact: Fact) -> int:
    """How many of the question's words the fact says, when that is at least NAMED (else 0); what it says is
    without ("a loop without a paper-discussion block") it does not say."""
    shared = len(said & _words(WITHOUT.sub(" ", fact.text))) if said else 0
    return shared if shared >= NAMED else 0


def gaps(fact: Fact, asked: Entities) -> list[str]:
    """What was asked that `fact` does not describe, as selector names: 'level', 'tier', 'region', 'role'."""
    figure = is_figure(fact)
    out = []
    if asked.level and asked.level not in levels_of(fact) and (levels_of(fact) or figure):
        out.append("level")
    if asked.employer_tier and fact.tier != asked.employer_tier and (fact.tier or figure):
        out.append("tier")
    if asked.region and fact.region != asked.region and (fact.region or figure):
        out.append("region")
    if asked.roles and not set(fact.roles) & set(asked.roles) and (fact.roles or figure):
        out.append("role")
    return out


def contradicts(fact: Fact, asked: Entities) -> bool:
    """Whether the fact names a different employer tier or region than the one asked (said only labelled,
    and never in the short answer)."""
    return bool((asked.employer_tier and fact.tier and fact.tier != asked.employer_tier)
                or (asked.region and fact.region and fact.region != asked.region))


def missing(kb: KnowledgeBase, missed: list[str], asked: Entities) -> str:
    """The asked population a fact leaves out, in words: 'staff, Series A-B or European'."""
    words = []
    if "level" in missed:
        words.append(str(asked.level))
    if "tier" in missed:
        words.append(TIER_NAMES.get(asked.employer_tier or "", str(asked.employer_tier)))
    if "region" in missed:
        words.append(REGION_NAMES.get(asked.region or "", str(asked.region)))
    return " or ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def held(asked: Entities, missed: list[str]) -> list[str]:
    """The asked employer tier and region a fact does describe, in words, when it leaves something else out: a
    senior frontier question answered with the frontier figure for all levels has "no senior frontier AI lab
    figure", not "no senior figure" (there is one, for top-50 labs)."""
    words = []
    if asked.employer_tier and "tier" not in missed:
        words.append(TIER_NAMES.get(asked.employer_tier, asked.employer_tier))
    if asked.region and "region" not in missed:
        words.append(REGION_NAMES.get(asked.region, asked.region))
    return words


def label(kb: KnowledgeBase, fact: Fact) -> str:
    """The population a fact describes, for a reader who asked about another one."""
    if fact.population:
        return fact.population
    names = " and ".join(kb.role_name(r) + "s" for r in fact.roles)
    return f"said of {names}" if names else "said in general"
