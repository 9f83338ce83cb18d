"""Role reading: which role a title names, and which role the posting's work points to, how clearly.

Signals are phrases from `knowledge/req_signals.yaml`, each group grounded in what a seed says a role
delivers or does. They are read only from the sentences the posting reader keeps as the hire's own work and
needs (never the company blurb, benefits, EEO text or the people the hire works with), weighted by section.
The reading states a confidence and abstains (no work role) when the text says too little or points two
ways; the title role's own work in the text counts against any other reading.
"""

import re
from dataclasses import dataclass, field

from bot.engine.reqs.posting import Posting, Sentence
from bot.knowledge.ids import LEVELS
from bot.knowledge.loader import KnowledgeBase
from bot.knowledge.models import ReqSignals

TITLE_LEVELS = {
    "intern": "intern", "junior": "junior", "jr": "junior", "entry level": "junior", "associate": "junior",
    "mid level": "mid", "senior": "senior", "sr": "senior", "staff": "staff", "principal": "principal",
    "distinguished": "distinguished", "head of": "manager", "manager": "manager", "director": "manager",
}
TITLE_LEVEL_WORDS = [(re.compile(rf"\b{word}\b"), level) for word, level in TITLE_LEVELS.items()]
LEVEL_RANK = {lv: i for i, lv in enumerate(LEVELS) if lv != "manager"}  # the IC ladder
NEGATION = re.compile(r"\b(no|not|without|never|non|isn't|won't|don't|doesn't|nor)\b[^,;]{0,30}$")
HYBRID_SPLIT = re.compile(r"\s*(?:/|&|\+|\band\b|\bor\b)\s*")
SOUGHT = re.compile(r"\b(?:seek(?:s|ing)?|hiring|looking for|hire|recruiting)\s+(?:an?|our|the|one)\s+"
                    r"([^.,;:()]{5,90}?)(?=\s+(?:to|who|with|that|for|in|on|at|join|based)\b|[.,;:()]|$)", re.I)
# The research-family role a title's own role is set against in the seeds, chosen when the two research roles
# score alike: an ML engineer against an applied scientist (000), a research engineer against a research
# scientist (003, 004).
COUNTERPART = {"ml_engineer": "applied_scientist", "data_scientist": "applied_scientist",
               "research_engineer": "research_scientist"}
MIN_WORK_SCORE = 4.0  # evidence needed before the text is said to point to a role at all
STRONG_WEIGHT = 3.0  # a signal from a group this heavy is specific to its role (not a generic word)
MIDDLE_WEIGHT = 2.0  # a signal typical of a role that other work also mentions
CLEAR_WITHOUT_TITLE = 6.0  # typical signals' weight that is clear when the title role's own work is absent


@dataclass(frozen=True)
class Pattern:
    """One signal phrase, compiled, with the group it comes from."""

    role: str
    family: str
    weight: float
    requirements_only: bool
    regex: re.Pattern
    source: str
    basis: str
    needle: str  # the phrase's longest word: a cheap substring test before the regex


@dataclass(frozen=True)
class Hit:
    """A signal found in a sentence, weighted by the sentence's section."""

    pattern: Pattern
    weight: float
    sentence: int
    start: int
    end: int

    @property
    def family(self) -> str:
        return self.pattern.family

    @property
    def strong(self) -> bool:
        """A specific signal in a sentence that speaks of the work itself."""
        return self.pattern.weight >= STRONG_WEIGHT and self.weight >= STRONG_WEIGHT * 0.5


def _phrase_regex(phrase: str) -> str:
    parts = []
    for word in phrase.lower().split():
        core = re.escape(word.rstrip("*"))
        parts.append(core + (r"[\w-]*" if word.endswith("*") else ""))
    return r"(?<![\w/])" + r"[\s-]+".join(parts) + r"(?![\w/])"


_COMPILED: dict[int, tuple[ReqSignals, tuple[Pattern, ...], tuple[tuple[str, str, re.Pattern], ...],
                           tuple[tuple[str, re.Pattern], ...]]] = {}


def compiled(signals: ReqSignals) -> tuple[tuple[Pattern, ...], tuple[tuple[str, str, re.Pattern], ...]]:
    """The work patterns and the title phrases (longest first), compiled once per signals object."""
    cached = _COMPILED.get(id(signals))
    if not cached or cached[0] is not signals:
        patterns = tuple(
            Pattern(group.role, signals.families.get(group.role, group.role), group.weight, group.requirements_only,
                    re.compile(_phrase_regex(phrase)), group.source, group.basis,
                    max(phrase.lower().split(), key=len).rstrip("*"))
            for group in signals.work for phrase in group.phrases)
        titles = sorted(((role, phrase, re.compile(_phrase_regex(phrase)))
                         for role, phrases in signals.titles.items() for phrase in phrases), key=lambda t: -len(t[1]))
        blanks = tuple((max(phrase.split(), key=len), re.compile(_phrase_regex(phrase + "*")))
                       for _, phrase, _ in titles)
        cached = _COMPILED[id(signals)] = (signals, patterns, tuple(titles), blanks)
    return cached[1], cached[2]


def _without_titles(signals: ReqSignals, text: str) -> str:
    """`text` with every job title blanked out: "As a Research Scientist, you will ..." names a role, not work."""
    for noun, regex in _COMPILED[id(signals)][3]:  # longest titles first
        if noun in text:
            text = regex.sub(lambda m: " " * len(m.group(0)), text)
    return text


def signals_of(kb: KnowledgeBase) -> ReqSignals:
    """The knowledge base's req signals (an error when the KB has none)."""
    if kb.signals is None:
        raise RuntimeError("the knowledge base has no req signals (knowledge/req_signals.yaml)")
    return kb.signals


def _normal(text: str) -> str:
    return re.sub(r"[^\w/+'-]+", " ", text.lower()).strip()


def title_role(kb: KnowledgeBase, title: str) -> str | None:
    """The role a job title names first (the longest title phrase found), or None."""
    roles = title_roles(kb, title)
    return roles[0] if roles else None


def _one_role(titles: tuple, text: str) -> str | None:
    normal = _normal(text)
    return next((role for role, _phrase, regex in titles if regex.search(normal)), None)


def title_roles(kb: KnowledgeBase, title: str) -> list[str]:
    """Every role a title names, in order: one for "ML Engineer", two for a hybrid such as "Applied Scientist /
    Software Engineer" or "Research Scientist/Engineer" (a bare second noun borrows the first part's words)."""
    _, titles = compiled(signals_of(kb))
    head = re.split(r"\s[-–—|,(]\s?|,", title)[0] if re.search(r"/|&|\bor\b|\band\b", title) else title
    parts = [p for p in HYBRID_SPLIT.split(head) if p.strip()]
    roles: list[str] = []
    for i, part in enumerate(parts):
        role = _one_role(titles, part)
        if role is None and i and len(part.split()) <= 2:
            role = _one_role(titles, " ".join([*parts[0].split()[:-1], part]))
        if role and role not in roles:
            roles.append(role)
    whole = _one_role(titles, title.replace("/", " "))
    if len(roles) < 2:
        return [whole] if whole else roles[:1]
    return roles


def sought_roles(kb: KnowledgeBase, posting: Posting) -> list[str]:
    """The roles of the title the posting itself says it seeks ("seeks a Senior Applied Scientist / Software
    Engineer"), from its first sentences; [] when it names none."""
    for sentence in posting.sentences[:6]:
        m = SOUGHT.search(sentence.text)
        if m:
            roles = title_roles(kb, m.group(1))
            if roles:
                return roles
    return []


def title_level(title: str) -> str | None:
    """The level a job title names ("Senior ...", "Staff ..."), or None."""
    text = _normal(title)
    return next((level for word, level in TITLE_LEVEL_WORDS if word.search(text)), None)


def title_in(kb: KnowledgeBase, text: str) -> str | None:
    """The first job title named anywhere in free text, as written, with the level word before it ("Senior
    Research Engineer"), or None."""
    _, titles = compiled(signals_of(kb))
    best: tuple[int, int] | None = None
    lowered = text.lower()
    for _role, phrase, _regex in titles:
        m = re.search(_phrase_regex(phrase).replace(r"[\s-]+", r"[\s/-]+"), lowered)
        if m and (best is None or m.start() < best[0] or (m.start() == best[0] and m.end() > best[1])):
            best = (m.start(), m.end())
    if best is None:
        return None
    start = best[0]
    before = re.search(r"(\b[\w.]+)\s+$", text[:start])
    if before and _normal(before.group(1)) in TITLE_LEVELS:
        start = before.start(1)
    return text[start:best[1]].strip()


@dataclass
class WorkReading:
    """What the posting's work points to: scores per family, the hits behind them, a role and a confidence."""

    sentences: list[Sentence]
    hits: list[Hit]
    family_scores: dict[str, float]
    role_scores: dict[str, float]
    work_role: str | None = None
    confidence: float = 0.0
    families: dict[str, str] = field(default_factory=dict)

    def names_no_work(self) -> bool:
        """Whether the text carries no signal typical of any role's work (only generic words, if any)."""
        return not any(h.pattern.weight >= MIDDLE_WEIGHT for h in self.hits)

    def clear(self, family: str, against: float) -> bool:
        """Whether the work clearly carries a family's signals: two distinct specific ones; or one with four
        typical ones; or, when the title role's own work is all but absent (`against` at most a weak phrase),
        three typical ones adding up to a clear weight. A single phrase never makes the work clear."""
        hits = [h for h in self.hits if h.family == family]
        specific = len({h.pattern.regex.pattern for h in hits if h.strong})
        typical = len({h.pattern.regex.pattern for h in hits if h.pattern.weight >= MIDDLE_WEIGHT})
        weight = sum(h.weight for h in hits)
        return (specific >= 2 or (specific >= 1 and typical >= 4)
                or (against <= 1 and typical >= 3 and weight >= CLEAR_WITHOUT_TITLE))

    def groups(self, family: str) -> list[Pattern]:
        """One pattern per signal group that weighed for a family, heaviest first."""
        seen: dict[str, tuple[float, Pattern]] = {}
        for hit in self.hits:
            if hit.family == family:
                w, p = seen.get(hit.pattern.basis, (0.0, hit.pattern))
                seen[hit.pattern.basis] = (w + hit.weight, p)
        return [p for _, p in sorted(seen.values(), key=lambda wp: -wp[0])]

    def quotes(self, family: str, limit: int = 3) -> list[str]:
        """Whole clauses of the posting that carry a family's signals, the most decisive first, no repeats."""
        by_clause: dict[tuple[int, int, int], list[Hit]] = {}
        for hit in self.hits:
            if hit.family == family:
                lo, hi = clause_span(self.sentences[hit.sentence].text, hit.start, hit.end)
                by_clause.setdefault((hit.sentence, lo, hi), []).append(hit)
        order = sorted(by_clause, key=lambda k: (-sum(h.weight for h in by_clause[k]),
                                                 -max(h.pattern.weight for h in by_clause[k]), k))
        out: list[str] = []
        seen: list[str] = []
        for key in order:
            best = max(by_clause[key], key=lambda h: (h.weight, h.end - h.start))
            quote = clause(self.sentences[key[0]].text, best.start, best.end)
            normal = _normal(quote)
            if normal and not any(normal in s or s in normal for s in seen):
                seen.append(normal)
                out.append(quote)
            if len(out) == limit:
                break
        return out


LEADING_JOIN = re.compile(r"(?:and|or|&|plus|then)\s+", re.I)
CLAUSE_BREAK = re.compile(r"\s*;\s*|\s+[—–]\s+|:\s+")
MAX_QUOTE = 220


def clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The [lo, hi) of the clause of `text` that holds [start, end): cut at semicolons, dashes and colons."""
    lo, hi = 0, len(text)
    for m in CLAUSE_BREAK.finditer(text):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    return lo, hi


def clause(text: str, start: int, end: int) -> str:
    """The clause of `text` that holds [start, end), and if that is long, the words around the signal
    (marked with an ellipsis)."""
    lo, hi = clause_span(text, start, end)
    lead = LEADING_JOIN.match(text, lo, hi)
    if lead and lead.end() <= start:
        lo = lead.end()
    piece = text[lo:hi].strip(" ,.")
    if len(piece) <= MAX_QUOTE:
        return piece
    offset = text.index(piece, lo)
    s, e = start - offset, end - offset
    left = max(0, min(s, s - (MAX_QUOTE - (e - s)) // 2))
    right = min(len(piece), left + MAX_QUOTE)
    left = max(0, right - MAX_QUOTE)
    if left:
        left = piece.find(" ", left) + 1 or left
    if right < len(piece):
        cut = piece.rfind(" ", 0, right)
        right = cut if cut > e else right
    return ("…" if left else "") + piece[left:right].strip(" ,") + ("…" if right < len(piece) else "")


def read_work(kb: KnowledgeBase, posting: Posting, prefer: str | None = None) -> WorkReading:
    """Score the posting's work sentences on the signal phrases and read the role they point to."""
    signals = signals_of(kb)
    patterns, _ = compiled(signals)
    candidates: list[Hit] = []
    for i, sentence in enumerate(posting.sentences):
        if sentence.weight <= 0:
            continue
        text = _without_titles(signals, sentence.work_text)
        for p in patterns:
            if p.requirements_only and not sentence.requirement:
                continue
            if p.needle not in text:
                continue
            m = p.regex.search(text)
            if not m or NEGATION.search(text[: m.start()]):
                continue
            weight = p.weight * (1.0 if p.requirements_only and sentence.section == "required" else sentence.weight)
            candidates.append(Hit(p, weight, i, m.start(), m.end()))
    candidates.sort(key=lambda h: (-h.weight, -(h.end - h.start), h.sentence, h.start))
    hits: list[Hit] = []
    counted: set[tuple[str, str]] = set()
    for h in candidates:
        phrase = (h.pattern.role, h.pattern.regex.pattern)
        if phrase in counted:
            continue
        if any(o.family == h.family and o.sentence == h.sentence and o.start < h.end and h.start < o.end
               for o in hits):
            continue
        counted.add(phrase)
        hits.append(h)
    role_scores: dict[str, float] = {}
    family_scores: dict[str, float] = {}
    for h in hits:
        role_scores[h.pattern.role] = role_scores.get(h.pattern.role, 0) + h.weight
        family_scores[h.family] = family_scores.get(h.family, 0) + h.weight
    reading = WorkReading(posting.sentences, hits, family_scores, role_scores, families=dict(signals.families))
    reading.work_role, reading.confidence = _decide(reading, prefer)
    return reading


def _decide(reading: WorkReading, prefer: str | None) -> tuple[str | None, float]:
    """The role the work points to and how clearly (0-1): the top family's share of all signal weight,
    scaled down while the evidence is thin. None (abstain) when it says too little."""
    scores = reading.family_scores
    if not scores:
        return None, 0.0
    family, top = max(scores.items(), key=lambda kv: kv[1])
    if top < MIN_WORK_SCORE:
        return None, 0.0
    share = top / sum(scores.values())
    confidence = round(share * min(1.0, top / 10), 2)
    members = [r for r, f in reading.families.items() if f == family]
    if prefer in members:
        return prefer, confidence  # roles of one family share their work; the title decides between them
    best = max(members, key=lambda r: reading.role_scores.get(r, 0))
    counterpart = COUNTERPART.get(prefer or "")
    if counterpart in members and reading.role_scores.get(counterpart, 0) >= 0.5 * reading.role_scores.get(best, 0):
        best = counterpart
    return best, confidence
