"""Find the facts that fit a question: the one selection rule shared by answers, the walk-through and reqs."""

from bot.knowledge.loader import KnowledgeBase
from bot.knowledge.models import Fact


def select(
    kb: KnowledgeBase,
    topic: str,
    roles: list[str] | tuple[str, ...] = (),
    level: str | None = None,
    tier: str | None = None,
    region: str | None = None,
    tags: set[str] | None = None,
) -> list[Fact]:
    """Facts of `topic` that fit, most specific first (ties keep file order).

    A fact fits when each selector it sets (roles, level, tier, region) agrees with the question's,
    or the question leaves that selector open. With `tags`, only facts carrying one of them.
    """
    ranked: list[tuple[int, int, Fact]] = []
    for order, fact in enumerate(kb.topic(topic)):
        if tags is not None and not tags & set(fact.tags):
            continue
        score = 0
        if fact.roles and roles:
            overlap = len(set(fact.roles) & set(roles))
            if not overlap:
                continue
            score += 4 * overlap
        wanted = level
        if level and level in fact.levels:
            score += 2  # a fact written for several levels fits each of them
            wanted = None
        for mine, asked in ((fact.level, wanted), (fact.tier, tier), (fact.region, region)):
            if mine and asked:
                if mine != asked:
                    break
                score += 2
        else:
            ranked.append((-score, order, fact))
    return [fact for _, _, fact in sorted(ranked, key=lambda r: (r[0], r[1]))]
