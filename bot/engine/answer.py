"""Compose answers: an understood message + the conversation's context -> an Answer built from KB facts only.

Every figure in an Answer comes from a `Fact` (cited with source, population and as-of date); the prose
written here carries no figures.
"""

import re
from collections.abc import Callable
from datetime import date

from bot.engine import reqs
from bot.engine.types import Answer, Choice, Cited, Entities
from bot.engine.understand import Understanding
from bot.knowledge import KnowledgeBase
from bot.knowledge.ids import INTENTS, LEVELS, ROLES, TIER_NAMES
from bot.knowledge.lookup import select
from bot.knowledge.models import Fact

CHOICE = "ask:"
PAIRS = [("ml_engineer", "applied_scientist"), ("research_engineer", "applied_scientist"),
         ("research_scientist", "ml_engineer")]
STALE_MONTHS = 6
MAX_FACTS = 8
FIGURE_TAGS = {"compensation": {"median", "range", "base", "leadership"}, "time_to_fill": {"median", "range"}}
NOUNS = {"compensation": "pay", "time_to_fill": "time-to-fill"}
TOPICS = {
    "time_to_fill": "Time to fill",
    "talent_pool": "Talent pool",
    "sourcing_channels": "Where to source",
    "interview_loop": "Interview loop",
    "credentials": "Credentials",
    "skills": "Skills to assess",
    "day_to_day": "Day to day",
    "career_ladder": "Career ladder",
    "hiring_pitfalls": "Pitfalls",
    "choose_role": "Which role to hire",
    "compensation": "Pay",
    "compare_roles": "Compared",
}
CONTINUATIONS = ("what about", "how about", "and ", "same for", "same question", "what if", "ok and", "also ")
ROLE_FREE = {"help", "out_of_scope", "define_term", "review_req"}
SOURCES_ASKED = re.compile(r"\b(sources?|data (come|from)|how (current|recent)|where do you get|cite)\b")


def cite(kb: KnowledgeBase, fact: Fact, today: date | None = None) -> Cited:
    """A fact as said: its text with source, population, as-of date and whether it is stale."""
    as_of = kb.as_of(fact)
    return Cited(
        text=fact.text,
        source=fact.source,
        population=fact.population,
        as_of=as_of,
        stale=fact.dated and _months_old(as_of, today or date.today()) > STALE_MONTHS,
    )


def _months_old(as_of: str, today: date) -> float:
    year, month = (int(x) for x in as_of.split("-"))
    return (today.year - year) * 12 + today.month - month + (today.day - 1) / 31


def choice_value(intent: str, roles: list[str]) -> str:
    """What a button sends back to ask `intent` about `roles` (parsed by `parse_choice`)."""
    return f"{CHOICE}{intent}:{','.join(roles)}"


def parse_choice(text: str, context: dict) -> Understanding | None:
    """The Understanding a button of ours sent, keeping the conversation's level, tier and region;
    None when `text` is not one of our button values."""
    if not text.startswith(CHOICE):
        return None
    intent, _, roles = text[len(CHOICE):].partition(":")
    wanted = [r for r in roles.split(",") if r in ROLES]
    if intent not in INTENTS or len(wanted) != len([r for r in roles.split(",") if r]):
        return None
    entities = Entities(
        roles=wanted,
        level=context.get("level"),
        employer_tier=context.get("employer_tier"),
        region=context.get("region"),
    )
    return Understanding(
        text=text, raw=text, intent=intent, confidence=1.0, ranked=[(intent, 1.0)],
        entities=entities, term=None, followup=False, ambiguous=False,
    )


def compose(
    kb: KnowledgeBase, heard: Understanding, context: dict, today: date | None = None
) -> tuple[Answer, dict]:
    """Answer one understood message. Returns the Answer and the conversation context to keep."""
    intent, entities, term = _resolve(heard, context)
    build = COMPOSERS.get(intent, _generic)
    ask = Ask(kb, intent, entities, heard, term, today or date.today())
    reply = build(ask)
    if heard.ambiguous and not heard.followup and reply.kind == "answer":
        reply.choices += _did_you_mean(ask)
    reply.intent = intent
    reply.entities = entities
    reply.confidence = round(heard.confidence, 3)
    add_stale_note(reply)
    keep = dict(context)
    if intent not in ROLE_FREE or (reply.kind == "answer" and intent == "define_term"):
        keep = remember(intent, entities, term)
    return reply, keep


def remember(intent: str, entities: Entities, term: str | None = None) -> dict:
    """The conversation context an answer leaves: what a follow-up ("and in Europe?") builds on."""
    return {"intent": intent, **entities.model_dump(), "term": term}


def _resolve(heard: Understanding, context: dict) -> tuple[str, Entities, str | None]:
    """Apply the conversation's context. An elliptical follow-up ("and in Europe?") keeps the last intent and
    changes only what it names; a message that continues the thread ("what about MLE comp?") or names no role
    keeps the slots it leaves out; a new, complete question starts fresh."""
    said = heard.entities
    previous = context.get("intent")
    if heard.followup and previous:
        return previous, _inherit(said, context), heard.term or context.get("term")
    continues = heard.text.startswith(CONTINUATIONS) and heard.intent not in ROLE_FREE
    if previous and (continues or (heard.intent not in ROLE_FREE and not said.roles and context.get("roles"))):
        return heard.intent, _inherit(said, context), heard.term
    return heard.intent, said, heard.term


def _inherit(said: Entities, context: dict) -> Entities:
    return Entities(
        roles=said.roles or context.get("roles", []),
        level=said.level or context.get("level"),
        employer_tier=said.employer_tier or context.get("employer_tier"),
        region=said.region or context.get("region"),
    )


class Ask:
    """One question being answered: the knowledge base, what was asked, and helpers to cite facts."""

    def __init__(
        self,
        kb: KnowledgeBase,
        intent: str,
        entities: Entities,
        heard: Understanding,
        term: str | None,
        today: date,
    ):
        self.kb, self.intent, self.entities, self.heard, self.term, self.today = (
            kb, intent, entities, heard, term, today,
        )

    def cite(self, facts: list[Fact]) -> list[Cited]:
        """The facts as said, each with its source, population and as-of date."""
        return [cite(self.kb, f, self.today) for f in facts]

    def who(self) -> str:
        """'senior applied scientist' etc., for titles."""
        roles = " vs ".join(self.kb.role_name(r) for r in self.entities.roles) or "ML roles"
        return f"{self.entities.level} {roles}" if self.entities.level else roles

    def caveats(self, facts: list[Fact]) -> list[Fact]:
        """The facts that `facts` name as their caveats and that are not among them already."""
        said = {f.id for f in facts}
        refs = dict.fromkeys(ref for f in facts for ref in f.caveats if ref not in said)
        return [self.kb.facts[ref] for ref in refs]


def _did_you_mean(ask: Ask) -> list[Choice]:
    """A button for the runner-up intent when the top two were close."""
    runner = next((i for i, _ in ask.heard.ranked if i != ask.intent and i not in ROLE_FREE), None)
    if runner is None or runner not in ask.kb.intents:
        return []
    return [Choice(label=f"Or: {ask.kb.intents[runner].label}", value=choice_value(runner, ask.entities.roles))]


def add_stale_note(reply: Answer) -> None:
    """Say once that the answer's market figures are more than six months old and should be verified."""
    stale = sorted({f.as_of for f in reply.facts if f.stale and f.as_of})
    if stale:
        reply.notes.append(
            f"Market figures as of {', '.join(stale)}: comp and time-to-fill shift quarterly, "
            "so verify against current data before you commit to a number."
        )


def _role_choices(ask: Ask) -> list[Choice]:
    """A button per core role, asking the same intent about it."""
    return [Choice(label=cap(r.name), value=choice_value(ask.intent, [r.id])) for r in ask.kb.roles.values() if r.core]


def cap(text: str) -> str:
    """`text` with its first letter upper-cased (the rest kept: "MLE", "Series C+")."""
    return text[:1].upper() + text[1:]


def _which_role(ask: Ask, topic: str) -> Answer:
    return Answer(
        intent=ask.intent,
        kind="question",
        title=f"{topic} for which role?",
        lines=["The figures differ a lot by role. Pick one, or name it in your own words."],
        choices=_role_choices(ask),
    )


def _compensation(ask: Ask) -> Answer:
    e = ask.entities
    if not e.roles:
        return _which_role(ask, "Pay")
    lines, facts = _figures(ask, "compensation")
    wants_premium = len(e.roles) > 1 or "premium" in ask.heard.text or "more" in ask.heard.text.split()
    if wants_premium or ("applied_scientist" in e.roles and any("median" in f.tags for f in facts)):
        facts += [f for f in select(ask.kb, "compensation", e.roles, tags={"premium"}) if f not in facts]
    if e.region and e.region != "us":
        adjust = [f for f in select(ask.kb, "compensation", region=e.region, tags={"region_adjustment"})
                  if f.region == e.region]
        if adjust:
            lines.append(
                f"The sources give no {'APAC' if e.region == 'apac' else 'European'} figures; "
                "below are the US figures and the regional adjustment the sources give."
            )
            facts = adjust + facts
    facts += ask.caveats(facts)
    return Answer(intent=ask.intent, title=f"Pay: {ask.who()}", lines=lines, facts=ask.cite(facts[:MAX_FACTS + 2]))


def _figures(ask: Ask, topic: str) -> tuple[list[str], list[Fact]]:
    """The figures of a topic for every role asked, each with a line saying where the sources fall short."""
    lines: list[str] = []
    facts: list[Fact] = []
    for role in ask.entities.roles[:3]:
        found, gap = _figures_for(ask, topic, role)
        if gap:
            lines.append(gap)
        facts += [f for f in found if f not in facts]
    return lines, facts


def _figures_for(ask: Ask, topic: str, role: str) -> tuple[list[Fact], str | None]:
    """One role's figures for the asked level and employer tier. Where the sources have none for that exact
    population, the nearest populations they do have, and a line saying so; where they have none for the role
    at all, the role's nearest roles' figures, labelled as such."""
    e = ask.entities
    kb = ask.kb
    tags = FIGURE_TAGS[topic]
    found = _own(select(kb, topic, [role], e.level, e.employer_tier, tags=tags), role)
    unmet = [v for k, v in (("level", e.level), ("tier", e.employer_tier))
             if v and not any(getattr(f, k) == v for f in found)]
    if found and not unmet:
        return found, None
    relaxed = found + [f for f in _own(select(kb, topic, [role], tags=tags), role) if f not in found]
    noun = NOUNS[topic]
    if relaxed:
        asked = " ".join(x for x in (e.level, TIER_NAMES.get(e.employer_tier or "", "")) if x)
        return relaxed, (
            f"The sources have no {noun} figure for {asked} {kb.role_name(role)}s; the nearest they give are below, "
            "each labelled with the population it describes."
        )
    nearest = kb.roles[role].nearest if role in kb.roles else []
    fallback = [f for r in nearest for f in _own(select(kb, topic, [r], e.level, tags=tags), r)[:2]]
    gap = f"The sources give no {noun} figure for {kb.role_name(role)}s."
    if fallback:
        names = " and ".join(dict.fromkeys(kb.role_name(r) + "s" for f in fallback for r in f.roles if r in nearest))
        gap += f" The nearest figures they have are for {names}, below; they are not {kb.role_name(role)} figures."
    return fallback, gap


def _own(facts: list[Fact], role: str) -> list[Fact]:
    return [f for f in facts if role in f.roles]


def _generic(ask: Ask) -> Answer:
    """Facts of the intent's topic that fit the question; says so when none is specific to the role."""
    e = ask.entities
    topic = ask.intent
    title = f"{TOPICS.get(topic, topic)}: {ask.who()}"
    if topic == "career_ladder":
        facts = _ladder(ask)
    else:
        facts = select(ask.kb, topic, e.roles, e.level, e.employer_tier, e.region)
    lines: list[str] = []
    if topic in FIGURE_TAGS and e.roles:
        lines, figures = _figures(ask, topic)
        facts = figures + [f for f in facts if f not in figures and not f.tags]
    elif e.roles:
        specific = [f for f in facts if set(f.roles) & set(e.roles)]
        if not specific:
            names = " or ".join(ask.kb.role_name(r) + "s" for r in e.roles)
            lines.append(f"The sources say nothing specific to {names} on this; here is what they say in general.")
            facts = [f for f in facts if not f.roles] or select(ask.kb, topic)
        else:
            facts = specific + [f for f in facts if not f.roles]
    if not facts:
        return _nothing(ask)
    facts = facts[:MAX_FACTS]
    facts += ask.caveats(facts)
    return Answer(intent=topic, title=title, lines=lines, facts=ask.cite(facts))


def _ladder(ask: Ask) -> list[Fact]:
    rungs = select(ask.kb, "career_ladder", ask.entities.roles)
    level = ask.entities.level
    if level in LEVELS:
        after = [f for f in rungs if f.level and LEVELS.index(f.level) > LEVELS.index(level)]
        rest = [f for f in rungs if f not in after]
        return after + rest
    return rungs


def _compare(ask: Ask) -> Answer:
    roles = ask.entities.roles
    kb = ask.kb
    if not roles:
        return Answer(
            intent=ask.intent,
            kind="question",
            title="Compare which roles?",
            lines=["Name two, for example ML engineer vs applied scientist."],
            choices=[
                Choice(label=f"{cap(kb.roles[a].name)} vs {kb.roles[b].name}", value=choice_value(ask.intent, [a, b]))
                for a, b in PAIRS
            ],
        )
    if len(roles) == 1:
        nearest = kb.roles[roles[0]].nearest if roles[0] in kb.roles else []
        roles = roles + nearest[:1]
        ask.entities = ask.entities.model_copy(update={"roles": roles})
    compared = kb.topic("compare_roles")
    both = [f for f in compared if set(roles[:2]) <= set(f.roles)]
    either = [f for f in compared if set(f.roles) & set(roles) and f not in both]
    lines = [f"{cap(kb.roles[r].name)}: {kb.roles[r].one_liner}" for r in roles if r in kb.roles]
    facts = (both or either)[:MAX_FACTS]
    for role in roles[:2]:
        for topic in ("compensation", "time_to_fill"):
            hit = _own(select(kb, topic, [role], tags={"median"}), role)[:1]
            facts += [f for f in hit if f not in facts]
    facts += ask.caveats(facts)
    sources = [kb.roles[r].source for r in roles if r in kb.roles]
    reply = Answer(intent=ask.intent, title=f"Compared: {ask.who()}", lines=lines, facts=ask.cite(facts))
    if not facts and sources:
        reply.facts = [Cited(text=line, source=src) for line, src in zip(lines, sources, strict=False)]
        reply.lines = []
    return reply


def _define(ask: Ask) -> Answer:
    term = next((t for t in ask.kb.terms if t.term == ask.term), None)
    if term is None:
        return Answer(
            intent=ask.intent,
            kind="question",
            title="Which term?",
            lines=["I can explain these terms from the sources:"],
            choices=[Choice(label=t.term, value=f"what is {t.term}") for t in ask.kb.terms[:12]],
        )
    return Answer(
        intent=ask.intent,
        title=cap(term.term),
        facts=[Cited(text=term.definition, source=term.source, as_of=ask.kb.sources[term.source].as_of)],
    )


def _help(ask: Ask) -> Answer:
    if SOURCES_ASKED.search(ask.heard.text):
        return _sources(ask)
    return Answer(
        intent=ask.intent,
        title="I help you scope and hire ML roles",
        lines=[
            "Ask me in your own words about ML engineers, applied scientists, research engineers and "
            "research scientists. I can tell you about:",
            *(f"- {spec.label}" for spec in ask.kb.intents.values() if spec.id not in ROLE_FREE),
            "Every figure comes with its source and as-of date. Say \"MLE or applied scientist?\" to start "
            "a short diagnostic that ends with a recommendation and a hiring plan.",
        ],
        suggestions=["comp for a senior applied scientist", "MLE or applied scientist?",
                     "where do I find research engineers?"],
    )


def _sources(ask: Ask) -> Answer:
    kb = ask.kb
    lines = [
        f"- {s.publisher}: \"{s.title}\" ({s.published or 'undated'}; figures as of {s.as_of}). {s.basis}"
        for s in kb.sources.values()
    ]
    return Answer(
        intent=ask.intent,
        title="Where my answers come from",
        lines=["Everything I say comes from these three articles, each fact cited with its as-of date:", *lines],
        facts=ask.cite(kb.topic("help")[:MAX_FACTS]),
    )


def _declined(ask: Ask) -> Answer:
    return Answer(
        intent="out_of_scope",
        kind="declined",
        title="I only know ML hiring",
        lines=[
            "I can't answer that from my sources, and I won't guess. I can tell you, for ML engineers, "
            "applied scientists, research engineers and research scientists:",
            *(f"- {spec.label}" for spec in ask.kb.intents.values() if spec.id not in ROLE_FREE),
        ],
        suggestions=["comp for a senior applied scientist", "how long does it take to hire an MLE?"],
    )


def _nothing(ask: Ask) -> Answer:
    return Answer(
        intent=ask.intent,
        kind="declined",
        title="The sources don't cover that",
        lines=[f"I have nothing on {TOPICS.get(ask.intent, ask.intent).lower()} for {ask.who()}."],
        choices=_role_choices(ask),
    )


def _review(ask: Ask) -> Answer:
    """A pasted req or job description, checked for mis-scoping (bot/engine/reqs/)."""
    req = reqs.req_from_text(ask.kb, ask.heard.raw)
    report = reqs.analyse(ask.kb, req)
    if report.title_role is None and report.work_role is None:
        return Answer(
            intent=ask.intent,
            kind="question",
            title="Paste the req and I'll check it",
            lines=["Send the job title and the work it describes (deliverables, day-to-day, requirements); "
                   "I'll check it for mis-scoping against my sources."],
        )
    return reqs.report_answer(ask.kb, req, report)


COMPOSERS: dict[str, Callable[[Ask], Answer]] = {
    "review_req": _review,
    "compensation": _compensation,
    "compare_roles": _compare,
    "define_term": _define,
    "help": _help,
    "out_of_scope": _declined,
}
