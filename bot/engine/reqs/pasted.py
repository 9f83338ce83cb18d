"""Reqs from pasted text: a job posting pasted in a conversation or a message, read into a `Req`.

The title, level, employer tier, region, comp band (and whether it is base or total), target days are read
from the text, each only when the text says it; the description is the text itself, so the posting reader
and the checks see what they would see for the same posting sent as JSON.
"""

import re
import threading
from collections import OrderedDict

from bot.engine.clean import clean
from bot.engine.reqs.checks import analyse
from bot.engine.reqs.model import MAX_DESCRIPTION, Req, ReqReport
from bot.engine.reqs.posting import BULLET, plain_text
from bot.engine.reqs.reading import title_in, title_level, title_role
from bot.knowledge.ids import TIER_NAMES
from bot.knowledge.loader import KnowledgeBase
from bot.knowledge.models import Vocabulary

RECENT = 32  # pasted texts whose reading is kept (read_pasted)
_RECENT: OrderedDict[str, tuple[KnowledgeBase, Req, ReqReport]] = OrderedDict()
_RECENT_LOCK = threading.Lock()
LEAD_IN = re.compile(r"^\s*(?:please\s+)?(?:check|review|look at|scope)\s+(?:this|my|our)\s+(?:req|job description|jd|"
                     r"job post(?:ing)?|posting)\s*[:,-]?\s*", re.I)
MONEY = r"\$?\s?(\d{2,3}(?:,\d{3})+|\d{2,3}(?:\.\d+)?\s?[kK])"
BAND = re.compile(MONEY + r"\s*(?:-|–|—|to)\s*" + MONEY)
DAYS = re.compile(r"(\d{1,3})[\s-]*(days?|weeks?|months?)\b", re.I)
PER_UNIT = {"d": 1, "w": 7, "m": 30}
NOT_ANNUAL = re.compile(r"\s*(?:USD\s*)?(?:/\s*|per\s+|an?\s+)?(?:hr|hour|hourly|wk|week|weekly|mo|month|monthly|day|"
                        r"daily)\b", re.I)
LEVEL_LABEL = re.compile(r"\blevel\s*[:\-–]\s*([a-z]+(?: level)?)", re.I)
LABEL = re.compile(r"^(?:job\s+)?(?:title|role|position|opening)\s*[:\-–]\s*", re.I)
BASE = re.compile(r"\bbase\b[^.\n]{0,25}\b(salary|pay|compensation|range)|\bsalary\b|\bannual (base )?salary", re.I)
TOTAL = re.compile(r"\b(total (comp|compensation|cash|package)|\bOTE\b|on[- ]target earnings|total rewards? "
                   r"package)", re.I)
FILL_WORDS = re.compile(r"fill|hire|hired|target|within|start|onboard|close|deadline", re.I)
TIER_WORDS = [
    ("series_a_b", re.compile(r"series [ab]\b|seed[- ]stage|early[- ]stage startup")),
    ("series_c_plus", re.compile(r"series [c-f]\b|late[- ]stage")),
    ("frontier_lab", re.compile(r"frontier (ai )?lab\b")),
    *((tier, re.compile(rf"(?<!\w){re.escape(words.lower())}(?!\w)")) for tier, words in TIER_NAMES.items()),
]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _amount(text: str) -> float:
    text = text.replace(",", "").replace(" ", "")
    return float(text[:-1]) * 1000 if text[-1] in "kK" else float(text)


def analyse_text(kb: KnowledgeBase, text: str) -> ReqReport:
    """Analyse a pasted job description: title, level, tier, band, target and PhD are read from the text."""
    return read_pasted(kb, text)[1]


def read_pasted(kb: KnowledgeBase, text: str) -> tuple[Req, ReqReport]:
    """The req in a pasted text and its analysis. Kept for the text as `clean` reads it: the reqs desk reads a
    pasted message (lines kept) before the engine answers it (from the cleaned text), and the engine's answer is
    then that same analysis, not a second one of a flattened copy."""
    key = clean(text)
    with _RECENT_LOCK:
        kept = _RECENT.get(key)
        if kept and kept[0] is kb:
            _RECENT.move_to_end(key)
            return kept[1], kept[2]
    req = req_from_text(kb, text)
    report = analyse(kb, req)
    with _RECENT_LOCK:
        _RECENT[key] = (kb, req, report)
        while len(_RECENT) > RECENT:
            _RECENT.popitem(last=False)
    return req, report


def req_from_text(kb: KnowledgeBase, text: str) -> Req:
    """A Req read from free text (a pasted JD); what the text does not say is left unset."""
    body = (LEAD_IN.sub("", text.strip()) or text.strip() or "(empty)")[:MAX_DESCRIPTION]
    lines = [line for line in plain_text(body).splitlines() if line.strip()] or ["(empty)"]
    title = None
    if len(lines) > 1 and len(lines[0]) <= 80:
        title = LABEL.sub("", BULLET.sub("", lines[0]).strip(" #*:")).strip(" *")
    if not title or title_role(kb, title) is None:
        title = title_in(kb, body) or title or _cut(lines[0], 60)
    fields: dict = {"title": title, "description": body}
    lowered = body.lower()
    band = BAND.search(body)
    if band and NOT_ANNUAL.match(body[band.end():]):
        band = None  # an hourly, weekly or monthly rate is not an annual band
    if band:
        low, high = sorted((_amount(band.group(1)), _amount(band.group(2))))
        if high >= 10_000:
            fields.update(comp_min=low, comp_max=high)
            around = body[max(0, band.start() - 120): band.end() + 60]
            fields["comp_basis"] = "base" if BASE.search(around) else "total" if TOTAL.search(around) else None
    for m in DAYS.finditer(body):
        window = body[max(0, m.start() - 40): m.end() + 25]
        if FILL_WORDS.search(window):
            n = int(m.group(1))
            fields["target_fill_days"] = n * PER_UNIT[m.group(2)[0].lower()]
            break
    for tier, words in TIER_WORDS:
        if words.search(lowered):
            fields["employer_tier"] = tier
            break
    else:
        fields["employer_tier"] = _vocabulary_value(kb, "tiers", lowered, body)
    fields["region"] = _vocabulary_value(kb, "regions", lowered)
    label = LEVEL_LABEL.search(body)
    fields["level"] = title_level(title) or (title_level(label.group(1)) if label else None)
    return Req.model_validate(fields)


_PHRASES: dict[int, tuple[Vocabulary, dict[str, list[tuple[str, re.Pattern]]]]] = {}


def _phrases(vocabulary: Vocabulary, section: str) -> list[tuple[str, re.Pattern]]:
    """(value, phrase regex) of a vocabulary's tiers or regions, compiled once per vocabulary (compiled per
    message they overflow the `re` module's cache, so every pasted req recompiled them all)."""
    cached = _PHRASES.get(id(vocabulary))
    if not cached or cached[0] is not vocabulary:
        compiled = {name: [(value, re.compile(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)"))
                           for value, phrases in getattr(vocabulary, name).items() for phrase in phrases
                           if len(phrase) > 2]
                    for name in ("tiers", "regions")}
        cached = _PHRASES[id(vocabulary)] = (vocabulary, compiled)
    return cached[1][section]


def _vocabulary_value(kb: KnowledgeBase, section: str, lowered: str, original: str | None = None) -> str | None:
    """The first vocabulary value whose phrase the text holds; with `original`, only where it is written as a
    name ("OpenAI", "Series B", "top 50"): a posting's prose says "push the frontier" or "build AI
    infrastructure" about the work, not the employer."""
    if kb.vocabulary is None:
        return None
    for value, phrase in _phrases(kb.vocabulary, section):
        for m in phrase.finditer(lowered):
            if original is None or len(original) != len(lowered) or _named(original[m.start():m.end()]):
                return value
    return None


def _named(span: str) -> bool:
    return any(c.isdigit() for c in span) or all(word[:1].isupper() for word in span.split())
