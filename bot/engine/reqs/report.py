"""How a req's analysis is said: the wording shared by the findings, and the report as an engine Answer."""

import re

from bot.engine.reqs.model import Req, ReqReport
from bot.engine.reqs.reading import title_level
from bot.engine.types import Answer, Choice, Cited, Entities
from bot.knowledge.loader import KnowledgeBase
from bot.knowledge.models import Fact

CORE_ROLES = ("ml_engineer", "applied_scientist", "research_engineer", "research_scientist")
START_DIAGNOSTIC = "diag/restart"  # the engine's button code that starts the walk-through


def name(kb: KnowledgeBase, role: str | None) -> str:
    """A role's display name ("an unnamed role" for None)."""
    return "an unnamed role" if role is None else kb.role_name(role)


def a(noun: str) -> str:
    """The noun with its article: "an ML engineer", "a research scientist"."""
    vowel = noun[:1].lower() in "aeio" or re.match(r"(?i)ml\b|mle\b", noun)
    return f"an {noun}" if vowel else f"a {noun}"


def upper_first(text: str) -> str:
    """The text with its first letter capitalised."""
    return text[:1].upper() + text[1:]


def first_sentence(basis: str) -> str:
    """The first sentence of a signal group's seed quote, its closing quote mark kept."""
    m = re.match(r'(.+?[.!?])"?(\s|$)', basis)
    sentence = m.group(1) if m else basis
    return sentence + '"' if sentence.startswith('"') and not sentence.endswith('"') else sentence


def cite(kb: KnowledgeBase, fact: Fact) -> Cited:
    """A knowledge-base fact as a finding cites it."""
    return Cited(text=fact.text, source=fact.source, population=fact.population, as_of=kb.as_of(fact))


def about(kb: KnowledgeBase, fact: Fact) -> str:
    """"(population; as of ...; source file, publisher)" for a fact."""
    source = kb.sources.get(fact.source)
    who = f", {source.publisher}" if source else ""
    population = f"{fact.population}; " if fact.population else ""
    return f"({population}as of {kb.as_of(fact)}; source {fact.source}{who})"


def money(value: float) -> str:
    """$123,456."""
    return f"${value:,.0f}"


def report_answer(kb: KnowledgeBase, req: Req, report: ReqReport) -> Answer:
    """The analysis as an engine Answer (intent review_req): a line per finding with the req text it quotes,
    the knowledge-base facts behind the findings, and a button that starts the diagnostic walk-through."""
    lines = []
    if not report.assessed:
        lines.append(f"I could not check this req: {report.why_not}.")
    elif not report.findings:
        work = (f"the work as {name(kb, report.work_role)}" if report.work_role else
                "the work does not clearly point to one role")
        lines.append(f"No mis-scoping found: the title reads as {name(kb, report.title_role)} and {work}.")
    for f in report.findings:
        lines.append(f"[{f.severity}] {f.kind.replace('_', ' ')}: {f.message}")
        lines += [f"    > “{quote}”" for quote in f.evidence]
    lines += [f"[note] {n.message}" for n in report.notes]
    known = {(fact.text, fact.source) for fact in kb.facts.values()}
    facts = list({(c.text, c.source): c for f in [*report.findings, *report.notes] for c in f.cited
                  if (c.text, c.source) in known}.values())
    role = report.title_role if report.title_role in CORE_ROLES else report.work_role
    return Answer(
        intent="review_req", title=f"Req check: {req.title}", lines=lines, facts=facts,
        choices=[Choice(label="Start the diagnostic", value=START_DIAGNOSTIC)],
        suggestions=[f"what does {a(name(kb, role))} do day to day?"] if role else [],
        entities=Entities(roles=[role] if role else [], level=req.level or title_level(req.title),
                          employer_tier=req.employer_tier, region=req.region),
    )
