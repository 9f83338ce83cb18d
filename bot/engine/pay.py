"""An amount of pay held against the sources' figures: "is 250k enough for a senior AS?" is answered yes or no
first, then with the figure (and its population) that says so. Used by the pay answer and the req checker."""

import re

from bot.knowledge import KnowledgeBase
from bot.knowledge.models import Fact

AMOUNT = re.compile(r"\$?\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?([km])?(?![\w.,]*\d)", re.IGNORECASE)
WELL_UNDER = 0.75  # with no spread said of the figure's population, under 3/4 of its median is "well under"
SMALLEST = 20_000  # a figure under this is not a year's pay ("2 people", "in 3 months", "level 5")


def amount_in(text: str) -> float | None:
    """The first yearly pay amount a message names ("250k", "$250,000", "1.2m"), or None."""
    for match in AMOUNT.finditer(text):
        number = float(match.group(1).replace(",", ""))
        scale = {"k": 1_000, "m": 1_000_000}.get((match.group(2) or "").lower(), 1)
        if number * scale >= SMALLEST:
            return number * scale
    return None


def offer_spread(kb: KnowledgeBase, fact: Fact) -> tuple[float, Fact | None]:
    """The offer spread a figure carries as a caveat (±30% of medians), as a fraction, with its fact."""
    for caveat in fact.caveats:
        other = kb.facts.get(caveat)
        if other and "offer_spread" in other.tags and "percent" in other.values:
            return other.values["percent"] / 100, other
    return 0.0, None


def verdict(kb: KnowledgeBase, amount: float, fact: Fact) -> str | None:
    """"Short of it: $250,000 is well under ..." for an amount against a figure with a median or a range, or
    None when the figure has neither."""
    said = f"${amount:,.0f}"
    values = fact.values
    if "median" in values:
        median = values["median"]
        spread, spread_fact = offer_spread(kb, fact)
        if spread_fact and spread_fact.roles and not set(spread_fact.roles) & set(fact.roles):
            spread = 0.0  # the ±30% is said of research scientists' offers only
        if amount >= median:
            return f"Yes, at or above the median: {said} against the ${median:,.0f} median below."
        if spread and amount < median * (1 - spread):
            return (f"Likely short: {said} is under the ${median:,.0f} median below, beyond the ±{spread:.0%} that "
                    f"offers cluster within.")
        within = ("Within the usual spread, under the median" if spread else
                  "Well under the median" if amount < WELL_UNDER * median else "Under the median")
        return f"{within}: {said} against the ${median:,.0f} median below."
    if "low" in values and "high" in values:  # a lone "exceeds $X" is a top tail, not a bar to clear
        low, high = values["low"], values["high"]
        if amount < low:
            return f"Likely short: {said} is under the ${low:,.0f} to ${high:,.0f} range below."
        if amount <= high:
            return f"Within the range: {said} against ${low:,.0f} to ${high:,.0f} below."
        return f"Yes, above the range: {said} against ${low:,.0f} to ${high:,.0f} below."
    return None
