"""Reqs: the req model (CONTRACT.md's JSON shape) and the mis-scoping analysis, Slack-free.

`analyse(kb, req)` compares the role a req's title names with the role its work implies (phrase signals
from `knowledge/req_signals.yaml`, each grounded in a seed) and checks the req against the knowledge
base's figures (stage, comp, time to fill, credentials). Every finding quotes the req text it rests on
and names the knowledge-base fact and source behind it; without a fitting fact there is no finding.
A req pasted as free text is read into a `Req` by `bot.engine.reqs_text`.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_serializer, model_validator

from bot.engine.types import Answer, Choice, Cited, Entities
from bot.knowledge.ids import LEVELS, TIER_NAMES, Level, Region, Tier
from bot.knowledge.loader import KnowledgeBase
from bot.knowledge.lookup import select
from bot.knowledge.models import Fact, ReqSignals

MAX_DESCRIPTION = 50_000
CORE_ROLES = ("ml_engineer", "applied_scientist", "research_engineer", "research_scientist")
RESEARCH_ROLES = ("applied_scientist", "research_scientist")
LEVEL_RANK = {lv: i for i, lv in enumerate(LEVELS) if lv != "manager"}  # the IC ladder
TITLE_LEVELS = {
    "intern": "intern", "junior": "junior", "jr": "junior", "entry level": "junior", "associate": "junior",
    "mid level": "mid", "senior": "senior", "sr": "senior", "staff": "staff", "principal": "principal",
    "distinguished": "distinguished", "head of": "manager", "manager": "manager", "director": "manager",
}
TITLE_LEVEL_WORDS = [(re.compile(rf"\b{word}\b"), level) for word, level in TITLE_LEVELS.items()]
NEGATION = re.compile(r"\b(no|not|without|never|non|isn't|won't|don't|doesn't)\b[^,;]{0,30}$")
MIN_WORK_SCORE = 4.0  # evidence needed before the text is said to imply a role
MIN_MISMATCH_SCORE = 6.0  # and before it is said to contradict the title (two or three distinct signals)
CLEAR_RATIO = 2.0  # the work's role must outscore the title's role this many times to be a mismatch
REQUIREMENT_DISCOUNT = 0.5  # a phrase in the requirements says less about the work than one in the description


class ReqError(ValueError):
    """A req that does not validate; the message names each bad field, `fields` maps field -> problem."""

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.fields = fields or {}


class Req(BaseModel):
    """A job requisition, CONTRACT.md's JSON shape. Only `title` and `description` are required."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str | None = None
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION)
    requirements: str | list[str] | None = None
    level: Level | None = None
    employer_tier: Tier | None = None
    region: Region | None = None
    comp_min: float | None = Field(default=None, ge=0)
    comp_max: float | None = Field(default=None, ge=0)
    currency: str = "USD"
    target_fill_days: int | None = Field(default=None, gt=0, le=3650)
    requires_phd: bool | None = None
    hiring_manager: str | None = None
    team_lead: str | None = None
    url: str | None = Field(default=None, description="where the req lives in its tracker (Open in tracker)")

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) else v

    @field_validator("level", "employer_tier", "region", "hiring_manager", "team_lead", "url", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z]{3}", v):
            raise ValueError("must be a 3-letter currency code such as USD")
        return v.upper()

    @model_validator(mode="after")
    def _band(self) -> "Req":
        if self.comp_min is not None and self.comp_max is not None and self.comp_min > self.comp_max:
            raise ValueError("comp_min is larger than comp_max")
        return self

    def requirement_lines(self) -> list[str]:
        """The requirements as a list of lines, whichever way they were given."""
        if self.requirements is None:
            return []
        if isinstance(self.requirements, str):
            return [line for line in self.requirements.splitlines() if line.strip()]
        return [r for r in self.requirements if r.strip()]


def parse_req(data: object) -> Req:
    """Validate one req (a dict); raises ReqError naming every bad field."""
    if not isinstance(data, dict):
        raise ReqError(f"a req must be a JSON object, not {type(data).__name__}")
    try:
        return Req.model_validate(data)
    except ValidationError as err:
        fields = field_errors(err)
        raise ReqError("; ".join(f"{k}: {v}" for k, v in fields.items()), fields) from None


def field_errors(err: ValidationError) -> dict[str, str]:
    """Field -> problem from a pydantic error (a band error is put on comp_max)."""
    fields: dict[str, str] = {}
    for e in err.errors():
        field = str(e["loc"][0]) if e["loc"] else "comp_max"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "missing":
            msg = "is required"
        elif e["type"] == "literal_error":
            msg = f"{msg} (got {e['input']!r})"
        fields.setdefault(field, msg)
    return fields


class Finding(BaseModel):
    """One mis-scoping problem: CONTRACT.md's finding, plus the cited facts (not part of the JSON)."""

    kind: str
    severity: str
    message: str
    evidence: list[str] = []
    suggested_role: str | None = None
    cited: list[Cited] = Field(default=[], description="the knowledge-base facts behind it, with sources")

    @model_serializer(mode="wrap")
    def _contract(self, handler: Callable[["Finding"], dict]) -> dict:
        data = handler(self)
        if self.suggested_role is None:
            data.pop("suggested_role", None)
        data.pop("cited", None)
        return data


class ReqReport(BaseModel):
    """The analysis of one req; `model_dump()` is exactly what `hirebot req check --json` prints."""

    id: str | None
    title_role: str | None
    work_role: str | None
    findings: list[Finding] = []

    def fingerprint(self) -> str:
        """What identifies these findings for alerting: kinds, severities and suggested roles."""
        parts = sorted(f"{f.kind}/{f.severity}/{f.suggested_role or ''}" for f in self.findings)
        return "|".join(parts)


# ---------------------------------------------------------------------------------------------- signals


@dataclass(frozen=True)
class _Pattern:
    role: str
    family: str
    weight: float
    requirements_only: bool
    regex: re.Pattern
    source: str
    basis: str
    needle: str  # the phrase's first word: a cheap substring test before the regex


@dataclass(frozen=True)
class _Hit:
    role: str
    family: str
    weight: float
    segment: int
    start: int
    end: int
    pattern: _Pattern


def _phrase_regex(phrase: str) -> str:
    words = phrase.lower().split()
    parts = []
    for word in words:
        star = word.endswith("*")
        core = re.escape(word.rstrip("*"))
        parts.append(core + (r"[\w-]*" if star else ""))
    return r"(?<![\w/])" + r"[\s-]+".join(parts) + r"(?![\w/])"


_COMPILED: dict[int, tuple[ReqSignals, tuple, tuple]] = {}


def _compiled(signals: ReqSignals) -> tuple[tuple[_Pattern, ...], tuple[tuple[str, str, re.Pattern], ...]]:
    cached = _COMPILED.get(id(signals))
    if cached and cached[0] is signals:
        return cached[1], cached[2]
    patterns = []
    for group in signals.work:
        family = signals.families.get(group.role, group.role)
        for phrase in group.phrases:
            patterns.append(_Pattern(group.role, family, group.weight, group.requirements_only,
                                     re.compile(_phrase_regex(phrase)), group.source, group.basis,
                                     phrase.lower().split()[0].rstrip("*")))
    titles = [(role, phrase, re.compile(_phrase_regex(phrase)))
              for role, phrases in signals.titles.items() for phrase in phrases]
    titles.sort(key=lambda t: -len(t[1]))
    _COMPILED[id(signals)] = (signals, tuple(patterns), tuple(titles))
    return tuple(patterns), tuple(titles)


def _signals(kb: KnowledgeBase) -> ReqSignals:
    if kb.signals is None:
        raise RuntimeError("the knowledge base has no req signals (knowledge/req_signals.yaml)")
    return kb.signals


def _normal(text: str) -> str:
    return re.sub(r"[^\w/+'-]+", " ", text.lower()).strip()


def title_role(kb: KnowledgeBase, title: str) -> str | None:
    """The role a job title names (the longest title phrase found), or None."""
    _, titles = _compiled(_signals(kb))
    text = _normal(title).replace(" / ", " ")
    for role, _phrase, regex in titles:
        if regex.search(text):
            return role
    return None


def title_level(title: str) -> str | None:
    """The level a job title names ("Senior ...", "Staff ..."), or None."""
    text = _normal(title)
    return next((level for word, level in TITLE_LEVEL_WORDS if word.search(text)), None)


def title_in(kb: KnowledgeBase, text: str) -> str | None:
    """The first job title named anywhere in free text, with the level word before it ("Senior Research
    Engineer"), or None."""
    _, titles = _compiled(_signals(kb))
    normal = _normal(text)
    best = None
    for _role, phrase, regex in titles:
        m = regex.search(normal)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), phrase)
    if best is None:
        return None
    before = normal[: best[0]].split()[-1:] if best[0] else []
    level = before[0] if before and before[0] in TITLE_LEVELS else ""
    return f"{level} {best[1]}".strip().title()


LEADING_JOIN = re.compile(r"^(?:and|or|&|plus|then)\s+", re.I)
BULLET = re.compile(r"^\s*(?:[-*•·▪‣◦]|\d{1,2}[.)])\s+")
CLAUSE = re.compile(r"(?<=[.!?;:])\s+|\s*;\s*|,\s+")


def _segments(text: str) -> list[str]:
    """Split text into quotable clauses: lines, bullets, sentences, then clauses."""
    out = []
    for line in text.splitlines():
        line = BULLET.sub("", line).strip()
        for piece in CLAUSE.split(line):
            piece = LEADING_JOIN.sub("", piece.strip(" .;:-–—"))
            if len(piece) > 1:
                out.append(piece)
    return out


@dataclass
class WorkReading:
    """What the req's text implies: scores per role and family, and the hits behind them."""

    segments: list[str]
    first_requirement: int  # segments from this index on come from the requirements
    hits: list[_Hit]
    role_scores: dict[str, float]
    family_scores: dict[str, float]

    def role(self, prefer: str | None, families: dict[str, str]) -> str | None:
        """The role the work implies (None when the text says too little)."""
        if not self.family_scores:
            return None
        family, score = max(self.family_scores.items(), key=lambda kv: kv[1])
        if score < MIN_WORK_SCORE:
            return None
        members = [r for r in families if families[r] == family]
        if prefer in members:
            return prefer  # roles of one family share their work; the title decides between them
        return max(members, key=lambda r: self.role_scores.get(r, 0))

    def quotes(self, family: str, limit: int = 4) -> list[str]:
        """The req's clauses that carried the most weight for a family, strongest first."""
        best: dict[int, float] = {}
        for hit in self.hits:
            if hit.family == family:
                best[hit.segment] = best.get(hit.segment, 0) + hit.weight
        order = sorted(best, key=lambda s: (-best[s], s))[:limit]
        return [trim(self.segments[s]) for s in order]

    def groups(self, family: str) -> list[_Pattern]:
        """The signal groups (one pattern each) that weighed most for a family."""
        seen: dict[str, tuple[float, _Pattern]] = {}
        for hit in self.hits:
            if hit.family == family:
                w, p = seen.get(hit.pattern.basis, (0.0, hit.pattern))
                seen[hit.pattern.basis] = (w + hit.weight, p)
        return [p for _, p in sorted(seen.values(), key=lambda wp: -wp[0])]


def trim(text: str, limit: int = 140) -> str:
    """`text` cut at a word boundary to at most `limit` characters, marked with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def read_work(kb: KnowledgeBase, description: str, requirements: list[str]) -> WorkReading:
    """Score the four roles on the phrases of the description and requirements."""
    patterns, _ = _compiled(_signals(kb))
    segments = _segments(description)
    first_requirement = len(segments)
    for line in requirements:
        segments += _segments(line)
    lowered = [s.lower() for s in segments]
    candidates: list[_Hit] = []
    for i, text in enumerate(lowered):
        in_requirements = i >= first_requirement
        for p in patterns:
            if (p.requirements_only and not in_requirements) or p.needle not in text:
                continue
            m = p.regex.search(text)
            if not m or NEGATION.search(text[: m.start()]):
                continue
            weight = p.weight if p.requirements_only or not in_requirements else p.weight * REQUIREMENT_DISCOUNT
            candidates.append(_Hit(p.role, p.family, weight, i, m.start(), m.end(), p))
    candidates.sort(key=lambda h: (-h.weight, -(h.end - h.start), h.segment, h.start))
    hits: list[_Hit] = []
    counted: set[tuple[str, str]] = set()
    for h in candidates:
        phrase = (h.role, h.pattern.regex.pattern)
        if phrase in counted:
            continue
        if any(o.family == h.family and o.segment == h.segment and o.start < h.end and h.start < o.end for o in hits):
            continue
        counted.add(phrase)
        hits.append(h)
    role_scores: dict[str, float] = {}
    family_scores: dict[str, float] = {}
    for h in hits:
        role_scores[h.role] = role_scores.get(h.role, 0) + h.weight
        family_scores[h.family] = family_scores.get(h.family, 0) + h.weight
    return WorkReading(segments, first_requirement, hits, role_scores, family_scores)


# ---------------------------------------------------------------------------------------------- analysis


def analyse(kb: KnowledgeBase, req: Req) -> ReqReport:
    """The findings for one req (CONTRACT.md's five kinds), each quoting the req and citing the KB."""
    signals = _signals(kb)
    named = title_role(kb, req.title)
    reading = read_work(kb, req.description, req.requirement_lines())
    work = reading.role(named, signals.families)
    level = req.level or title_level(req.title)
    findings: list[Finding] = []
    mismatch = _role_mismatch(kb, signals, named, work, reading)
    if mismatch:
        findings.append(mismatch)
    hiring = named if named in CORE_ROLES else work if named is None else None  # no KB figures for other roles
    for check in (_stage, _comp, _timeline):
        found = check(kb, req, hiring, level)
        if found:
            findings.append(found)
    credential = _credentials(kb, req, work or hiring, reading)
    if credential:
        findings.append(credential)
    return ReqReport(id=req.id, title_role=named, work_role=work, findings=findings)


def check_case(kb: KnowledgeBase, req_dict: dict) -> dict:
    """CONTRACT.md's `req check --json` object for one req dict (for `hirebot eval`); a bad req gets `error`."""
    try:
        req = parse_req(req_dict)
    except ReqError as err:
        rid = req_dict.get("id") if isinstance(req_dict, dict) else None
        return {"id": rid, "title_role": None, "work_role": None, "findings": [], "error": str(err)}
    return analyse(kb, req).model_dump()


def _name(kb: KnowledgeBase, role: str | None) -> str:
    return "an unnamed role" if role is None else kb.role_name(role)




def _a(name: str) -> str:
    vowel = name[:1].lower() in "aeio" or re.match(r"(?i)ml\b|mle\b", name)
    return f"an {name}" if vowel else f"a {name}"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _first_sentence(basis: str) -> str:
    m = re.match(r'(.+?[.!?])"?(\s|$)', basis)
    sentence = m.group(1) if m else basis
    return sentence + '"' if sentence.startswith('"') and not sentence.endswith('"') else sentence


def _role_mismatch(
    kb: KnowledgeBase, signals: ReqSignals, named: str | None, work: str | None, reading: WorkReading
) -> Finding | None:
    if named not in signals.families or work is None:
        return None
    title_family = signals.families[named]
    work_family = signals.families[work]
    if title_family == work_family:
        return None
    work_score = reading.family_scores.get(work_family, 0)
    title_score = reading.family_scores.get(title_family, 0)
    if work_score < max(MIN_MISMATCH_SCORE, CLEAR_RATIO * title_score):
        return None
    groups = sorted(reading.groups(work_family), key=lambda g: (g.requirements_only, -g.weight))
    cited = [Cited(text=g.basis, source=g.source) for g in groups[:2]]
    quotes = reading.quotes(work_family)
    basis = groups[0]
    message = (
        f"The title names {_a(_name(kb, named))}, but the work described is {_name(kb, work)} work: the quoted "
        f"phrases are what the sources say {_a(_name(kb, work))} does, and clearly outweigh those pointing to "
        f"{_a(_name(kb, named))}. "
        f"Seed {basis.source}: {_first_sentence(basis.basis)} "
        f"Retitle and source it as {_a(_name(kb, work))}, or rewrite the work to what {_a(_name(kb, named))} "
        f"delivers."
    )
    # the seeds' scoping pitfall for this direction (roles listed as [title's role, work's role])
    pitfalls = [f for f in select(kb, "hiring_pitfalls", [named, work], tags={"scoping"})
                if f.roles[:2] == [named, work] and f.tier is None]
    cited += [_cite(kb, f) for f in pitfalls[:1]]
    return Finding(kind="role_mismatch", severity="high", message=message, evidence=quotes,
                   suggested_role=work, cited=cited)


def _cite(kb: KnowledgeBase, fact: Fact) -> Cited:
    return Cited(text=fact.text, source=fact.source, population=fact.population, as_of=kb.as_of(fact))


def _about(kb: KnowledgeBase, fact: Fact) -> str:
    source = kb.sources.get(fact.source)
    who = f", {source.publisher}" if source else ""
    population = f"{fact.population}; " if fact.population else ""
    return f"({population}as of {kb.as_of(fact)}; source {fact.source}{who})"


def _stage(kb: KnowledgeBase, req: Req, role: str | None, level: str | None) -> Finding | None:
    tier = req.employer_tier
    if role not in RESEARCH_ROLES or tier not in ("series_a_b", "non_tech"):
        return None
    facts = [f for f in select(kb, "choose_role", tier=tier, tags={"stage"}) if f.tier in (None, tier)]
    facts += [f for f in select(kb, "hiring_pitfalls", [role], tier=tier) if f.tier == tier and role in f.roles]
    if not facts:
        return None
    fact = facts[0]
    message = (
        f"{_upper_first(_a(_name(kb, role)))} at {_a(TIER_NAMES[tier])} employer: the knowledge base says "
        f"\"{fact.text}\" {_about(kb, fact)}. Hire an ML engineer first, or confirm there is established "
        f"production ML and a research scope for this hire."
    )
    return Finding(kind="stage_mismatch", severity="high" if tier == "series_a_b" else "medium", message=message,
                   evidence=[f"title: {req.title}", f"employer_tier: {tier}"], cited=[_cite(kb, fact)])


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


def _money(value: float) -> str:
    return f"${value:,.0f}"


def _comp(kb: KnowledgeBase, req: Req, role: str | None, level: str | None) -> Finding | None:
    top = req.comp_max if req.comp_max is not None else req.comp_min
    if role is None or top is None or req.currency != "USD":
        return None
    for tags, key, what in (({"median"}, "median", "median"), ({"range"}, "low", "low end of the range")):
        found = [f for f in select(kb, "compensation", [role], tier=req.employer_tier, region=req.region, tags=tags)
                 if role in f.roles and key in f.values and _fits(f, level, req.employer_tier)
                 and (key != "low" or "high" in f.values)]  # "exceeds $X" is a top-tail floor, not a range
        found.sort(key=lambda f: 0 if f.level == level else 1 if f.level else 2)  # stable: select's order
        for fact in found[:1]:
            market = fact.values[key]
            if top >= market:
                return None
            band = _band(req)
            above = f" (a {fact.level} figure; a {level} band should sit above it)" if fact.level != level and \
                fact.level else ""
            message = (
                f"The band ({band}) tops out under the knowledge base's {what} of {_money(market)} for "
                f"{_name(kb, role)}{above}: \"{fact.text}\" {_about(kb, fact)}. Raise the top of the band to at "
                f"least {_money(market)}, or expect declined offers and a longer search."
            )
            severity = "high" if top < 0.8 * market else "medium"
            return Finding(kind="comp_below_market", severity=severity, message=message,
                           evidence=[f"comp band: {band}"], cited=[_cite(kb, fact)])
    return None


def _band(req: Req) -> str:
    low, high = req.comp_min, req.comp_max
    if low is not None and high is not None:
        return f"{_money(low)}–{_money(high)} {req.currency}"
    return f"{_money(low if low is not None else high)} {req.currency}"


def _days(fact: Fact) -> float | None:
    for key in ("days", "median_days", "low_days"):
        if key in fact.values:
            return fact.values[key]
    return None


def _timeline(kb: KnowledgeBase, req: Req, role: str | None, level: str | None) -> Finding | None:
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
    _, days, fact = min(comparable, key=lambda c: (c[0], c[1]))
    if target >= days:
        return None
    low_end = "low end " if "low_days" in fact.values and "days" not in fact.values else ""
    message = (
        f"A {target}-day target is shorter than the knowledge base's time-to-fill ({low_end}{days:g} days) for "
        f"{_name(kb, role)}: \"{fact.text}\" {_about(kb, fact)}. Plan for at least {days:g} days."
    )
    return Finding(kind="timeline_unrealistic", severity="high" if target < 0.6 * days else "medium",
                   message=message, evidence=[f"target_fill_days: {target}"], cited=[_cite(kb, fact)])


PHD = re.compile(r"\bph\.?\s?d\b|\bdoctora(te|l)\b", re.I)
SOFT = re.compile(r"prefer|plus\b|nice to have|bonus|ideal|or equivalent|equivalent experience|desirable|"
                  r"\b(ms|m\.s|msc|master'?s?|bs|bachelor'?s?)\b[^.;]{0,20}\bor\b|\bor\b[^.;]{0,12}\b(ms|master)",
                  re.I)
HARD = re.compile(r"requir|must|mandatory|need", re.I)


def _phd_quotes(req: Req, reading: WorkReading) -> list[str]:
    if req.requires_phd is False:
        return []
    quotes = []
    for i, segment in enumerate(reading.segments):
        m = PHD.search(segment)
        if not m or SOFT.search(segment) or NEGATION.search(segment[: m.start()].lower()):
            continue
        if i >= reading.first_requirement or HARD.search(segment):
            quotes.append(trim(segment))
    if req.requires_phd and not quotes:
        quotes.append("requires_phd: true")
    return quotes


def _credentials(kb: KnowledgeBase, req: Req, role: str | None, reading: WorkReading) -> Finding | None:
    if role not in ("ml_engineer", "research_engineer"):
        return None
    quotes = _phd_quotes(req, reading)
    if not quotes:
        return None
    facts = select(kb, "credentials", tags={"phd_requirement"})
    if not facts:
        return None
    typical = [f for f in select(kb, "credentials", [role], tags={"degree"}) if role in f.roles]
    cited = [_cite(kb, f) for f in [facts[0], *typical[:1]]]
    also = f" And: \"{typical[0].text}\" (source {typical[0].source})." if typical else ""
    message = (
        f"A PhD is hard-required, but the work is {_name(kb, role)} work, which does not need one: "
        f"\"{facts[0].text}\" {_about(kb, facts[0])}.{also} Make the PhD preferred, not required, and assess "
        f"the engineering the work needs."
    )
    return Finding(kind="credential_overreach", severity="medium", message=message, evidence=quotes, cited=cited)


START_DIAGNOSTIC = "diag/restart"  # the engine's button code that starts the walk-through


def report_answer(kb: KnowledgeBase, req: Req, report: ReqReport) -> Answer:
    """The analysis as an engine Answer (intent review_req): a line per finding with the req text it quotes,
    the knowledge-base facts behind the findings, and a button that starts the diagnostic walk-through."""
    lines = []
    if not report.findings:
        lines.append(f"No mis-scoping found: the title reads as {_name(kb, report.title_role)} and the work as "
                     f"{_name(kb, report.work_role)}.")
    for f in report.findings:
        lines.append(f"[{f.severity}] {f.kind.replace('_', ' ')}: {f.message}")
        lines += [f"    > “{quote}”" for quote in f.evidence]
    known = {(fact.text, fact.source) for fact in kb.facts.values()}
    facts = list({(c.text, c.source): c for f in report.findings for c in f.cited
                  if (c.text, c.source) in known}.values())
    role = report.title_role if report.title_role in CORE_ROLES else report.work_role
    return Answer(
        intent="review_req", title=f"Req check: {req.title}", lines=lines, facts=facts,
        choices=[Choice(label="Start the diagnostic", value=START_DIAGNOSTIC)],
        suggestions=[f"what does {_a(_name(kb, role))} do day to day?"] if role else [],
        entities=Entities(roles=[role] if role else [], level=req.level or title_level(req.title),
                          employer_tier=req.employer_tier, region=req.region),
    )
