"""The mis-scoping checks: a req read by the posting reader, its role reading, and CONTRACT.md's five kinds.

Precision first: a finding needs a confident reading and a knowledge-base fact that fits the req's role,
level, employer and pay basis. Without one there is no finding; where the fact's basis or population differs
from the req's, at most a low-severity note that says so. Every finding says what is wrong, quotes the
posting, cites the fact with its source and population, and suggests one action.
"""

import re

from bot.engine.pay import offer_spread, said_of
from bot.engine.reqs.model import Finding, Req, ReqError, ReqReport, parse_req
from bot.engine.reqs.posting import PEOPLE, Posting, read_posting, why_unreadable
from bot.engine.reqs.reading import (
    LEVEL_RANK,
    NEGATION,
    WorkReading,
    clause,
    read_work,
    sought_roles,
    title_level,
    title_roles,
)
from bot.engine.reqs.report import CORE_ROLES, a, about, cite, first_sentence, money, name, upper_first
from bot.engine.types import Cited
from bot.knowledge.ids import TIER_NAMES
from bot.knowledge.loader import KnowledgeBase
from bot.knowledge.lookup import select
from bot.knowledge.models import Fact

RESEARCH_ROLES = ("applied_scientist", "research_scientist")
WORK_SECTIONS = ("duties", "required", "preferred")
MIN_MISMATCH_SCORE = 6.0  # signal weight the work needs before it contradicts the title
CLEAR_RATIO = 2.5  # and how many times the title role's own work it must outweigh
MIN_CONFIDENCE = 0.5  # the reading's confidence below which no role_mismatch is raised ...
ABSENT_TITLE_CONFIDENCE = 0.35  # ... unless the title role's own work is all but absent (one weak phrase at most)
HIGH_CONFIDENCE = 0.7  # and above which (with the title role's work nearly absent) it is high severity


def analyse(kb: KnowledgeBase, req: Req) -> ReqReport:
    """The findings for one req (CONTRACT.md's five kinds), each quoting the req and citing the KB; a req whose
    text cannot be read gets `assessed: false` and why."""
    posting = read_posting(req.description, req.requirement_lines())
    roles = title_roles(kb, req.title)
    sought = sought_roles(kb, posting)
    if len(roles) == 1 and len(sought) > 1 and roles[0] in sought:
        roles = sought  # the posting names its own title as a hybrid ("seeks an Applied Scientist / SWE")
    named = roles[0] if roles else None
    hybrid = roles if len(roles) > 1 else []
    why = why_unreadable(posting)
    if why:
        return ReqReport(id=req.id, title_role=named, work_role=None, hybrid_roles=hybrid, assessed=False,
                         why_not=why)
    reading = read_work(kb, posting, prefer=named)
    if reading.names_no_work() and not any(s.weight > 0 and s.section in WORK_SECTIONS for s in posting.sentences):
        return ReqReport(id=req.id, title_role=named, work_role=None, hybrid_roles=hybrid, assessed=False,
                         why_not="the text has no responsibilities or requirements and names no work I can read")
    level = req.level or title_level(req.title)
    findings: list[Finding] = []
    notes: list[Finding] = []
    mismatch = _role_mismatch(kb, roles, reading)
    if mismatch:
        findings.append(mismatch)
    confident_work = reading.work_role if reading.confidence >= MIN_CONFIDENCE else None
    hiring = named if named in CORE_ROLES else confident_work if named is None else None
    for check in (_stage, _comp, _timeline):
        found = check(kb, req, hiring, level)
        if found:
            (notes if found.kind == "comp_note" else findings).append(found)
    credential = _credentials(kb, req, mismatch.suggested_role if mismatch else hiring, posting)
    if credential:
        findings.append(credential)
    return ReqReport(id=req.id, title_role=named, work_role=reading.work_role, work_confidence=reading.confidence,
                     hybrid_roles=hybrid, findings=findings, notes=[n.model_copy(update={"kind": "comp_below_market"})
                                                                   for n in notes])


def check_case(kb: KnowledgeBase, req_dict: dict) -> dict:
    """CONTRACT.md's `req check --json` object for one req dict (for `hirebot eval`); a bad req gets `error`."""
    try:
        req = parse_req(req_dict)
    except ReqError as err:
        rid = req_dict.get("id") if isinstance(req_dict, dict) else None
        return {"id": rid, "title_role": None, "work_role": None, "findings": [], "error": str(err)}
    return analyse(kb, req).model_dump()


# ---------------------------------------------------------------------------------------------- role


def _roles_said(kb: KnowledgeBase, roles: list[str]) -> str:
    if len(roles) > 1:
        return f"a hybrid title ({' / '.join(name(kb, r) for r in roles)})"
    return f"the title names {a(name(kb, roles[0]))}"


def _role_mismatch(kb: KnowledgeBase, roles: list[str], reading: WorkReading) -> Finding | None:
    families = reading.families
    title_families = {families[r] for r in roles if r in families}
    work = reading.work_role
    if not title_families or work is None or families[work] in title_families:
        return None
    work_family = families[work]
    work_score = reading.family_scores.get(work_family, 0.0)
    title_score = max(reading.family_scores.get(f, 0.0) for f in title_families)
    needed = ABSENT_TITLE_CONFIDENCE if title_score <= 1 else MIN_CONFIDENCE
    if (work_score < max(MIN_MISMATCH_SCORE, CLEAR_RATIO * title_score) or reading.confidence < needed
            or not reading.clear(work_family, title_score)):
        return None
    named = next(r for r in roles if r in families)
    high = reading.confidence >= HIGH_CONFIDENCE and work_score >= 4 * title_score
    groups = sorted(reading.groups(work_family), key=lambda g: (g.requirements_only, -g.weight))
    basis = groups[0]
    cited = [Cited(text=g.basis, source=g.source) for g in groups[:2]]
    # the seeds' scoping pitfall for this direction (roles listed as [title's role, work's role])
    pitfalls = [f for f in select(kb, "hiring_pitfalls", [named, work], tags={"scoping"})
                if f.roles[:2] == [named, work] and f.tier is None]
    pitfall = f' The sources warn: "{pitfalls[0].text}" {about(kb, pitfalls[0])}.' if pitfalls else ""
    cited += [cite(kb, f) for f in pitfalls[:1]]
    other = "" if len(roles) == 1 else f", not {name(kb, named)} work"
    message = (
        f"{upper_first(_roles_said(kb, roles))}, but the work described is {'clearly ' if high else ''}"
        f"{name(kb, work)} work{other}: the quoted clauses are what the sources say "
        f"{a(name(kb, work))} does ({basis.source}: {first_sentence(basis.basis)}).{pitfall} "
        f"Retitle and source it as {a(name(kb, work))}, or rewrite the work to what {a(name(kb, named))} delivers."
    )
    return Finding(kind="role_mismatch", severity="high" if high else "medium", message=message,
                   evidence=reading.quotes(work_family), suggested_role=work, cited=cited)


# ---------------------------------------------------------------------------------------------- stage


def _stage(kb: KnowledgeBase, req: Req, role: str | None, level: str | None) -> Finding | None:
    """A research role at an employer tier the seeds name as one that should hire an ML engineer first."""
    tier = req.employer_tier
    if role not in RESEARCH_ROLES or tier is None:
        return None
    facts = [f for f in select(kb, "choose_role", tier=tier, tags={"stage"})
             if f.tier == tier and "ml_engineer" in f.roles and "applied_scientist" in f.roles]
    facts += [f for f in select(kb, "hiring_pitfalls", ["applied_scientist"], tier=tier) if f.tier == tier]
    if not facts:
        return None
    fact = facts[0]
    family = "" if role == "applied_scientist" else " (the sources treat applied and research scientist roles " \
                                                    "as one family)"
    message = (
        f"{upper_first(a(name(kb, role)))} at {a(TIER_NAMES[tier])} employer{family} is the research hire the "
        f"sources say comes after an ML engineer: \"{fact.text}\" {about(kb, fact)}. Hire an ML engineer first, "
        f"or confirm there is established production ML and a research scope for this hire."
    )
    return Finding(kind="stage_mismatch", severity="high" if role == "applied_scientist" else "medium",
                   message=message, evidence=[f"title: {req.title}", f"employer_tier: {tier}"],
                   cited=[cite(kb, fact)])


# ---------------------------------------------------------------------------------------------- comp


def _fits(fact: Fact, level: str | None, tier: str | None) -> bool:
    """A figure applies to its employer tier, and to its level or above (a staff band under the senior median
    is under market too); a figure for all levels applies to senior and above."""
    if fact.tier is not None and fact.tier != tier:
        return False
    rank = LEVEL_RANK.get(level) if level else None
    if level and rank is None:
        return False  # manager: the seeds give no figure to hold it to
    if fact.level is None:
        return rank is None or rank >= LEVEL_RANK["senior"]
    return rank is not None and fact.level in LEVEL_RANK and rank >= LEVEL_RANK[fact.level]


def _comp(kb: KnowledgeBase, req: Req, role: str | None, level: str | None) -> Finding | None:
    """The band against the knowledge base's figure for the role, level and employer, like with like."""
    top = req.comp_max if req.comp_max is not None else req.comp_min
    if role is None or top is None or req.currency != "USD" or req.region not in (None, "us"):
        return None
    for tags, key, what in (({"median"}, "median", "median"), ({"range"}, "low", "low end of the range")):
        found = [f for f in select(kb, "compensation", [role], tier=req.employer_tier, region=req.region, tags=tags)
                 if role in f.roles and key in f.values and _fits(f, level, req.employer_tier)
                 and (key != "low" or "high" in f.values)]  # "exceeds $X" is a top-tail floor, not a range
        found.sort(key=lambda f: 0 if f.level == level else 1 if f.level else 2)  # stable: select's order
        for fact in found[:1]:
            return _comp_finding(kb, req, role, level, fact, key, what, top)
    return None


def _comp_finding(kb: KnowledgeBase, req: Req, role: str, level: str | None, fact: Fact, key: str, what: str,
                  top: float) -> Finding | None:
    """Below the figure's spread: a finding when the band and the figure are like for like (high or medium
    for a total-comp band, low when the basis is not stated); a note when the basis or population differ."""
    market = fact.values[key]
    spread, spread_fact = offer_spread(kb, fact) if key == "median" else (0.0, None)
    floor = market * (1 - spread)
    if top >= floor:
        return None  # within the spread the sources give around their figure
    fact_basis = "base" if "base" in fact.tags else "total"
    same_population = fact.tier is not None or req.employer_tier not in ("non_tech",)
    band = _band(req)
    above = (f" (a {fact.level} figure; a {level} band should sit above it)"
             if fact.level and level and fact.level != level else "")
    within, beyond = "", "beyond its usual spread"
    if spread_fact and not said_of(spread_fact, fact):
        beyond = f"more than {spread:.0%} under it"
    if spread_fact and said_of(spread_fact, fact):
        within = f", and offers cluster within about ±{spread:.0%} of such medians"
    elif spread_fact:  # a tolerance taken from another population, said to be so
        within = (f"; AIEH's ±{spread:.0%} spread of research scientists' offers is taken as the tolerance, the "
                  f"sources giving none for {name(kb, role)}")
    cited = [cite(kb, fact)] + ([cite(kb, spread_fact)] if spread_fact else [])
    figure = f"\"{fact.text}\" {about(kb, fact)}{within}"
    evidence = [f"comp band: {band}" + (f" ({req.comp_basis})" if req.comp_basis else "")]
    if req.comp_basis not in (None, fact_basis) or not same_population:
        if req.comp_basis not in (None, fact_basis):
            differs = (f"the band is {'base salary' if req.comp_basis == 'base' else 'total comp'} and the "
                       f"figure is {'base pay' if fact_basis == 'base' else 'total comp'}")
        else:
            covers = fact.population or "another population"
            differs = f"the figure covers {covers}, not {TIER_NAMES[req.employer_tier]} employers"
        message = (
            f"Not like for like, so no gap is claimed: the band ({band}) sits under the knowledge base's {what} for "
            f"{name(kb, role)}, but {differs}: {figure}. Compare the whole package (base, bonus, equity) for "
            f"this population before changing the band."
        )
        return Finding(kind="comp_note", severity="low", message=message, evidence=evidence, cited=cited)
    if req.comp_basis is None:
        message = (
            f"The band ({band}) tops out under the knowledge base's {what} of {money(market)} for {name(kb, role)}"
            f"{above}, {beyond}, but the band does not say whether it is base or total comp and the "
            f"figure is {fact_basis} comp: {figure}. Check what the band covers (set comp_basis); if it is total "
            f"comp, bring its top within that spread."
        )
        return Finding(kind="comp_below_market", severity="low", message=message, evidence=evidence, cited=cited)
    message = (
        f"The band ({band}, {fact_basis} comp) tops out under the knowledge base's {what} of {money(market)} for "
        f"{name(kb, role)}{above}, {beyond}: {figure}. Bring the top of the band within that "
        f"spread, or expect declined offers and a longer search."
    )
    return Finding(kind="comp_below_market", severity="high" if top < 0.8 * floor else "medium", message=message,
                   evidence=evidence, cited=cited)


def _band(req: Req) -> str:
    low, high = req.comp_min, req.comp_max
    if low is not None and high is not None:
        return f"{money(low)}–{money(high)} {req.currency}"
    return f"{money(low if low is not None else high)} {req.currency}"


# ---------------------------------------------------------------------------------------------- timeline


def _days(fact: Fact) -> float | None:
    for key in ("days", "median_days", "low_days"):
        if key in fact.values:
            return fact.values[key]
    return None


def _timeline(kb: KnowledgeBase, req: Req, role: str | None, level: str | None) -> Finding | None:
    """A target fill shorter than the knowledge base's time-to-fill for the role (its own employer tier first)."""
    target = req.target_fill_days
    if role is None or target is None:
        return None
    comparable = []
    for fact in select(kb, "time_to_fill", [role], region=req.region):
        days = _days(fact)
        if role not in fact.roles or days is None:
            continue
        if fact.level and level and LEVEL_RANK.get(level, 0) < LEVEL_RANK.get(fact.level, 0):
            continue  # a junior search is not held to a senior search's time
        comparable.append((fact.tier != req.employer_tier or req.employer_tier is None, days, fact))
    if not comparable:
        return None
    other_population, days, fact = min(comparable, key=lambda c: (c[0], c[1]))
    if target >= days:
        return None
    low_end = "low end " if "low_days" in fact.values and "days" not in fact.values else ""
    message = (
        f"A {target}-day target is shorter than the knowledge base's time-to-fill ({low_end}{days:g} days) for "
        f"{name(kb, role)}: \"{fact.text}\" {about(kb, fact)}. Plan for at least {days:g} days."
    )
    severe = target < 0.6 * days
    severity = ("high" if severe else "medium") if not other_population else ("medium" if severe else "low")
    return Finding(kind="timeline_unrealistic", severity=severity, message=message,
                   evidence=[f"target_fill_days: {target}"], cited=[cite(kb, fact)])


# ---------------------------------------------------------------------------------------------- credentials

PHD = re.compile(r"\bph\.?\s?d\b\.?|\bdoctora(te|l)\b")
OTHER_DEGREE = re.compile(r"\b(b\.?\s?s\.?c?|b\.?\s?a|m\.?\s?s\.?c?|m\.?\s?eng|b\.?\s?eng|bachelor'?s?|master'?s?|"
                          r"undergraduate|bs/ms|ms/phd|bs/ms/phd)\b")
EQUIVALENT = re.compile(r"\bequivalent\b|\bor\b[^.;]{0,50}\b(experience|track record|publications?)\b")
SOFT = re.compile(r"prefer|\bplus\b|nice[- ]to[- ]have|bonus|ideal|desir|advantage|welcome|encouraged|"
                  r"not (required|necessary|needed|mandatory)|optional|pursuing|enrolled|in the process of|"
                  r"working towards|student|candidate in")  # the last: an internship's programme, not a demand
HARD = re.compile(r"requir|\bmust\b|mandatory|\bneed")


def phd_demanded(posting: Posting) -> list[str]:
    """The clauses that demand a PhD with no alternative, in a minimum requirement (or saying "required")."""
    quotes = []
    for sentence in posting.sentences:
        text = sentence.text.lower()
        m = PHD.search(text)
        if not m or sentence.section in ("preferred", "about", "benefits", "legal"):
            continue
        if SOFT.search(text) or NEGATION.search(text[: m.start()]):
            continue
        if OTHER_DEGREE.search(text) or EQUIVALENT.search(text):
            continue  # "B.S., M.S., or Ph.D.", "PhD or equivalent experience": an alternative is accepted
        if re.search(rf"\b(our|your|with|alongside)\s+(\w+\s+){{0,2}}{PEOPLE}", text[: m.start()]):
            continue  # "work with our PhD researchers" speaks of colleagues
        if sentence.section == "required" or HARD.search(text):
            quotes.append(clause(sentence.text, m.start(), m.end()))
    return list(dict.fromkeys(quotes))


def _credentials(kb: KnowledgeBase, req: Req, role: str | None, posting: Posting) -> Finding | None:
    """A hard PhD requirement on work the sources say does not need one (ML or research engineer work)."""
    if role not in ("ml_engineer", "research_engineer") or req.requires_phd is False:
        return None
    quotes = phd_demanded(posting)
    if req.requires_phd and not quotes:
        quotes = ["requires_phd: true"]
    facts = [f for f in select(kb, "credentials", [role], tags={"degree"}) if role in f.roles]
    if not quotes or not facts:
        return None
    fact = facts[0]
    message = (
        f"A PhD is a hard requirement, but the work is {name(kb, role)} work, for which the sources expect no "
        f"PhD: \"{fact.text}\" {about(kb, fact)}. Make the PhD preferred, not required, and assess the "
        f"engineering the work needs."
    )
    return Finding(kind="credential_overreach", severity="medium", message=message, evidence=quotes[:3],
                   cited=[cite(kb, fact)])

