"""An amount of pay held against the sources' figures: "is 250k enough for a senior AS?" is answered first with
where $250,000 stands against the figure for that population. Used by the pay answer and the req checker."""

import re

from bot.knowledge import KnowledgeBase
from bot.knowledge.models import Fact

# "$250,000", "$250,000.00", "250k", "1.2m", "$300000": a "$", a k/m, or thousands grouped; a bare number ("req
# 48213", "level 5") is no pay
AMOUNT = re.compile(r"(\$\s?)?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\.\d\d)?\s?([km]\b)?", re.IGNORECASE)
SMALLEST = 20_000  # under this is not a year's pay ("$5k")
THOUSANDS = re.compile(r"\b(?:offer(?:ing|ed)?|pay(?:ing)?|paid)\s+(?:(?:them|him|her|about|around|roughly|like)\s+)?"
                       r"(\d{2,3})(?=\s*(?:[.,;:?!]|$|for\b|base\b|total\b|tc\b|all in\b|a year\b))|"
                       r"\b(\d{2,3})\s*(?:is\s+)?(?:too low|too high|enough|competitive|fair|lowball)\b",
                       re.IGNORECASE)  # "we're offering 260. too low?", "is 240 enough": thousands, as said in pay talk
PEOPLE = re.compile(r"\s*(people|persons?|employees?|engineers?|scientists?|researchers?|candidates?|folks)\b",
                    re.IGNORECASE)  # "a 100k people company" counts people
NOT_ONE_SALARY = re.compile(r"\b(budget|budgets|equity|bonus|bonuses|refresh|refresher|stipend|signing|per month|"
                            r"monthly|hourly|an hour|per hour|two|three|four|five|both|each of)\b", re.IGNORECASE)
WELL_UNDER = 0.75  # with no spread said of the figure's population, under 3/4 of its median is "well under"


def amount_in(text: str) -> float | None:
    """The yearly pay a message holds against one person's figure ("250k", "$250,000", "1.2m"; "offering 260"
    or "is 240 enough" in pay talk, in thousands), or None: none named, under SMALLEST, or the amount is a
    budget, a part of pay or for several people ("500k budget for two MLEs", "a 50k equity refresh"), or a
    count of people ("a 100k people company")."""
    if NOT_ONE_SALARY.search(text):
        return None
    for match in AMOUNT.finditer(text):
        dollar, digits, scale = match.group(1), match.group(2), (match.group(3) or "").lower()
        if not (dollar or scale or "," in digits) or PEOPLE.match(text, match.end()):
            continue
        value = float(digits.replace(",", "")) * {"k": 1_000, "m": 1_000_000}.get(scale, 1)
        if value >= SMALLEST:
            return value
    said = THOUSANDS.search(text)
    value = float(said.group(1) or said.group(2)) * 1_000 if said else 0.0
    return value if value >= SMALLEST else None


def offer_spread(kb: KnowledgeBase, fact: Fact) -> tuple[float, Fact | None]:
    """The offer spread a figure carries as a caveat (±30% of medians), as a fraction, with its fact."""
    for caveat in fact.caveats:
        other = kb.facts.get(caveat)
        if other and "offer_spread" in other.tags and "percent" in other.values:
            return other.values["percent"] / 100, other
    return 0.0, None


def said_of(spread: Fact | None, fact: Fact) -> bool:
    """Whether a spread is said of the figure's own population (AIEH's ±30% is research scientists' offers)."""
    return spread is not None and (not spread.roles or bool(set(spread.roles) & set(fact.roles)))


def verdict(kb: KnowledgeBase, amount: float, fact: Fact) -> str | None:
    """Where an amount stands against a figure with a median or a range, said first ("Well under the median:
    $250,000 against the $480,000 median of the figure that follows."), or None when the figure has neither (a
    lone "exceeds $1M" is a top tail, not a bar)."""
    said = f"${amount:,.0f}"
    values = fact.values
    if "median" in values:
        median = values["median"]
        against = f"{said} against the ${median:,.0f} median of the figure that follows."
        spread, spread_fact = offer_spread(kb, fact)
        spread = spread if said_of(spread_fact, fact) else 0.0
        if amount >= median:
            return f"At or above the median: {against}"
        if spread and amount < median * (1 - spread):
            return f"Under the median and beyond the ±{spread:.0%} that offers cluster within: {against}"
        if spread:
            return f"Within the usual spread, under the median: {against}"
        return f"{'Well under' if amount < WELL_UNDER * median else 'Under'} the median: {against}"
    if "low" in values and "high" in values:
        low, high = values["low"], values["high"]
        where = "Under" if amount < low else "Within" if amount <= high else "Above"
        return f"{where} the range: {said} against ${low:,.0f} to ${high:,.0f} in the figure that follows."
    return None
