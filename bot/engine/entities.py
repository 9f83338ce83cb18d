"""Words and entities: tokens, slang expansion, typo correction, and the roles, level, employer tier, region
and glossary term a message names. Every phrase comes from `knowledge/vocabulary.yaml` and the glossary."""

import re
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.engine import english, polarity
from bot.engine.types import Entities
from bot.knowledge import KnowledgeBase

_TOKEN = re.compile(r"\$+|£|€|[a-z0-9_]+")
_CLAUSE_TOKEN = re.compile(r"\$+|£|€|[a-z0-9_]+|[,;!?:()—–]|\.(?=\s|$)|(?<!\S)--?(?!\S)")  # words and clause
# punctuation, a spaced hyphen ("forget pay - how do I interview them") among it
_APOSTROPHE = re.compile(r"(?<=[a-z])['’](?=[a-z])")
_NEIGHBOURS = {"vs", "or", "v"}
_POSSESSIVES = {"my", "our", "your", "their", "his", "her"}
_DETERMINERS = {"a", "an", "the", "my", "our", "your", "their", "his", "her", "its"}  # not "this": "a senior as
# this year" is an applied scientist
KINDS = ("role", "outside", "level", "tier", "region", "term")
PLACEHOLDER = {"role": "_role_", "outside": "_role_", "level": "_level_", "tier": "_tier_", "region": "_region_"}
_SHARED_HEAD = re.compile(  # "applied/research scientists" names two roles: the head noun is shared
    r"\b([a-z]{2,})((?:\s*/\s*[a-z]{2,})+)\s+(scientists?|engineers?|researchers?)\b", re.IGNORECASE)
JOINERS = {"vs", "versus", "v", "or", "and"}  # between two roles that share a head noun
ARTICLES = {"a", "an", "the"}
HEADS = {"scientist", "engineer", "researcher"}  # head nouns two roles may share ("applied or research scientist")
OPENERS = ARTICLES | {".", ",", ";", ":", "?", "!", "(", "vs", "versus", "or", "and", "between", "our", "their",
                      "hire", "hiring", "need", "needs", "want", "wants", "compare", "comparing"}  # open a noun phrase
WORK_NOUNS = {"research", "data"}  # first words of roles that also name work ("do research and ML engineers ship")
TEAM_WORDS = {"team", "teams", "product", "products", "project", "projects", "group", "groups", "org", "side", "work"}
SHARED_TITLES = {"scientist", "researcher"}  # on an ML team, applied or research: no one role
FIELDS = {"ml", "ai"}  # alone, the field's engineer
MAX_CACHE = 20_000  # typo corrections remembered
MIN_WORD, MAX_WORD = 6, 30  # shorter words are too ambiguous to correct; longer ones are junk, not typos
SUFFIXES = ("s", "es", "d", "ed", "ing", "r", "er", "able", "ly")  # a known word + one of these is no typo


def tokens(text: str) -> list[str]:
    """Lowercase word tokens; runs of `$`, and `£`, `€`, are tokens; apostrophes inside words vanish ("what's" ->
    "whats")."""
    return _TOKEN.findall(_APOSTROPHE.sub("", text.lower()))


def clause_tokens(text: str) -> list[str]:
    """`tokens`, with the punctuation that ends a clause kept as tokens of its own."""
    return _CLAUSE_TOKEN.findall(_APOSTROPHE.sub("", text.lower()))


_MUSING = re.compile(r"^\s*h+m+\s*[,.!?…-]+", re.IGNORECASE)  # a leading "hm," or "hmm..." (not "HM" in a sentence)
SET_ASIDE = {("instead", "of"), ("rather", "than")}  # "an RE instead of an MLE": the MLE is not the one asked about
WEIGHED = {"extra", "more", "less", "difference", "gap", "cheaper", "pricier", "compare", "compared", "versus", "vs"}
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")  # a term's gloss: "IC (individual contributor)" is read as "IC"


def _caps(word: str) -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])")


def singular(token: str) -> str:
    """A crude singular, applied alike to messages and phrases so that plurals match."""
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "_")):
        return token[:-3] + "y" if token.endswith("ies") else token[:-1]
    return token


@dataclass(frozen=True)
class Span:
    """An entity mention: tokens [start, end) of the expanded message."""

    kind: str
    value: str
    start: int
    end: int


@dataclass
class Reading:
    """A message read: expanded tokens, their singulars, the entity mentions found in them, and which tokens
    the message denies ("we're not a startup")."""

    words: list[str]
    stems: list[str]
    spans: list[Span]
    denied: list[bool]
    _masked: dict[bool, list[str]] = field(default_factory=dict, repr=False, compare=False)

    def said(self, span: Span) -> bool:
        """Whether the message affirms a mention (does not deny it)."""
        return not self.denied[span.start]

    def entities(self) -> Entities:
        """Every role named (in order; the denied ones, and one set aside by "instead of" or "rather than", only when
        no other role is affirmed: "an MLE, not an AS", "an RE instead of an MLE") and
        the first level, tier (a frontier lab over the big-tech company it belongs to) and region not denied."""
        named = [s for s in self.spans if s.kind == "role"]
        weighs = bool(WEIGHED & set(self.stems))  # "an AS instead of an MLE: how much extra?" weighs both
        kept = [s for s in named if self.said(s) and (weighs or not self._set_aside(s))]
        roles = list(dict.fromkeys(s.value for s in (kept or named)))
        first = {k: next((s.value for s in self.spans if s.kind == k and self.said(s)), None)
                 for k in ("level", "tier", "region")}
        if first["tier"] == "general_tech" and any(s.value == "frontier_lab" for s in self.spans if self.said(s)):
            first["tier"] = "frontier_lab"  # "Google pays people at DeepMind": the narrower employer is meant
        return Entities(roles=roles, level=first["level"], employer_tier=first["tier"], region=first["region"])

    def _set_aside(self, span: Span) -> bool:
        """Whether a mention follows "instead of" or "rather than" (an article between: "instead of an MLE")."""
        before = [w for w in self.stems[max(0, span.start - 3):span.start] if w not in {"a", "an", "the"}]
        return tuple(before[-2:]) in SET_ASIDE

    def term(self) -> str | None:
        """The first glossary term named, or None."""
        return next((s.value for s in self.spans if s.kind == "term"), None)

    def outside(self) -> list[str]:
        """The titles named that the sources do not describe ("ai engineer"), in order."""
        return list(dict.fromkeys(s.value for s in self.spans if s.kind == "outside"))

    def masked(self, singular: bool = True) -> list[str]:
        """The tokens (singulars, by default) with entity mentions replaced by placeholders (`_role_`...);
        a glossary term keeps its words and is followed by `_term_`. Worked out once a reading (a message's
        understanding asks for it several times): the list is shared, for reading only."""
        if singular not in self._masked:
            self._masked[singular] = self._mask(self.stems if singular else self.words)
        return self._masked[singular]

    def affirmed(self) -> list[str]:
        """The tokens with mentions masked, as `masked(singular=False)` gives them, and each word the message
        denies as "-" ("forget pay, how do I interview them" asks no pay)."""
        return self._mask(["-" if denied else w for w, denied in zip(self.words, self.denied, strict=True)])

    def _mask(self, words: list[str]) -> list[str]:
        """`words` (the tokens or their singulars) with the mentions replaced, as `masked` says."""
        starts = {s.start: s for s in self.spans if s.kind != "term"}
        term_ends = {s.end for s in self.spans if s.kind == "term"}
        out: list[str] = []
        i = 0
        while i < len(words):
            span = starts.get(i)
            out.append(PLACEHOLDER[span.kind] if span else words[i])
            end = span.end if span else i + 1
            if any(i < e <= end for e in term_ends):
                out.append("_term_")
            i = end
        return out


def _share_head(match: re.Match) -> str:
    """ "applied/research scientists" -> "applied scientists / research scientists"."""
    head = match.group(3)
    firsts = [match.group(1), *(w.strip() for w in match.group(2).split("/") if w.strip())]
    return " / ".join(f"{w} {head}" for w in firsts)


class Lexicon:
    """Vocabulary indexes built once from the knowledge base."""

    def __init__(self, kb: KnowledgeBase, in_scope: list[str], out_of_scope: list[str]):
        """`in_scope`: texts whose words are hirebot's domain; `out_of_scope`: texts whose words are known
        (never typo-corrected) but not in the domain."""
        vocab = kb.vocabulary
        assert vocab is not None, "the loader guarantees a vocabulary"
        self.caps: list[tuple[re.Pattern, str]] = []
        self.lowered_roles: dict[str, list[str]] = {}
        self.abbreviations: dict[tuple[str, ...], list[str]] = {}
        for key, expansion in vocab.abbreviations.items():
            if key.isupper() or (key[:-1].isupper() and key.endswith("s")):
                self.caps.append((_caps(key), expansion))
            else:
                self.abbreviations[tuple(tokens(key))] = tokens(expansion)
        lengths: dict[str, set[int]] = {}  # first word -> the lengths of the abbreviations starting with it
        for key in self.abbreviations:
            if key:
                lengths.setdefault(key[0], set()).add(len(key))
        self.abbreviation_lengths = {first: sorted(n, reverse=True) for first, n in lengths.items()}
        self.phrases: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        groups = (("role", vocab.roles), ("level", vocab.levels), ("tier", vocab.tiers), ("region", vocab.regions))
        for kind, table in groups:
            for value, phrases in table.items():
                for phrase in phrases:
                    self._add(kind, value, phrase)
        for key, expansion in vocab.abbreviations.items():
            role = self._role_of(expansion)
            if role and key.isupper():
                self.lowered_roles[key.lower()] = tokens(expansion)
        for title in vocab.outside_roles:
            self._add("outside", title, title)
        for term in kb.terms:
            for phrase in [term.term, *term.aliases]:
                if phrase.isupper() and len(phrase) <= 4:  # "AS", "RE", "TC": capitals only, like abbreviations
                    self.caps.append((_caps(phrase), _PARENTHESIS.sub("", term.term)))  # "IC", not "IC (indi..."
                else:
                    self._add("term", term.term, phrase)
        for entries in self.phrases.values():
            entries.sort(key=lambda e: (-len(e[0]), KINDS.index(e[1])))
        self.level_words = {p[0][-1] for entries in self.phrases.values() for p in entries if p[1] == "level"}
        self.role_keys = {p[0] for entries in self.phrases.values() for p in entries if p[1] == "role"}
        domain = {w for text in in_scope for w in self.expand(tokens(text))}
        domain |= {w for entries in self.phrases.values() for p in entries for w in p[0]}
        domain |= {w for exp in self.abbreviations.values() for w in exp}
        self.domain_stems = {singular(w) for w in domain}
        self.loose = {tuple(singular(w) for w in self.expand(tokens(t))): t for t in vocab.loose_titles}
        self.known = domain | {w for text in out_of_scope for w in self.expand(tokens(text))}
        self.dictionary = sorted(w for w in self.known if w.isalpha() and len(w) >= 5)
        self.corrections: dict[str, str] = {}

    def _add(self, kind: str, value: str, phrase: str) -> None:
        key = tuple(singular(w) for w in self.expand(tokens(phrase)))
        if key:
            self.phrases.setdefault(key[0], []).append((key, kind, value))

    def _role_of(self, expansion: str) -> str | None:
        key = tuple(singular(w) for w in tokens(expansion))
        return next((v for p, k, v in self.phrases.get(key[0], []) if p == key and k == "role"), None) if key else None

    def expand(self, words: list[str]) -> list[str]:
        """Replace slang and abbreviations (longest first) by their expansions."""
        out: list[str] = []
        i = 0
        while i < len(words):
            for n in self.abbreviation_lengths.get(words[i], ()):  # only those starting here, longest first
                expansion = self.abbreviations.get(tuple(words[i : i + n])) if n <= len(words) - i else None
                if expansion is not None:
                    out += expansion
                    i += n
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def correct(self, word: str) -> str:
        """The known word one typo away (two for long words), or the word itself; a common English word only
        reads as a known word it extends ("behavioral" as "behavior", "principle" stays: see `_level_typos`)."""
        if word in self.known or not MIN_WORD <= len(word) <= MAX_WORD or not word.isalpha() or self._inflected(word):
            return word
        near = self._near(word)
        return word if word in english.words() and not word.startswith(near) else near

    def _near(self, word: str) -> str:
        """The known word one typo away (two for long words) that starts like `word`, else `word`."""
        fixed = self.corrections.get(word)  # read once: another thread may clear the cache meanwhile
        if fixed is None:
            if len(self.corrections) > MAX_CACHE:
                self.corrections.clear()
            limit = 2 if len(word) >= 9 else 1
            found = process.extractOne(
                word, self.dictionary, scorer=DamerauLevenshtein.distance, score_cutoff=limit,
                processor=None,
            )
            fixed = self.corrections[word] = found[0] if found and found[0][0] == word[0] else word
        return fixed

    def _level_typos(self, words: list[str]) -> list[str]:
        """A common English word one typo from a level word, where a level stands: right before a role ("a
        principle ML engineer", "a sensor research scientist") or "of" and a role ("a manger of ML engineers"),
        and not in an idiom ("in principle ML engineers cost less")."""
        out = list(words)
        for i, word in enumerate(words):
            if word in self.known or word not in english.words() or (i and words[i - 1] == "in"):
                continue
            near = self._near(word)
            after = i + 1 + (i + 1 < len(words) and words[i + 1] == "of")
            after += after < len(words) and words[after] in ARTICLES and words[after - 1] == "of"
            if near != word and near in self.level_words and self._starts_role(words, after):
                out[i] = near
        return out

    def _starts_role(self, words: list[str], at: int) -> bool:
        stems = tuple(singular(w) for w in words[at : at + 4])
        return any(self._role_key(stems[:n]) for n in range(1, len(stems) + 1))

    def _inflected(self, word: str) -> bool:
        """A known word with a common ending, or without one ("features", "coming" from "come", "deliver",
        "negotiable" from "negotiate")."""
        for suffix in SUFFIXES:
            base = word[: -len(suffix)]
            bases = {base, base + "e", base + "ate"} if suffix == "able" else {base, base + "e"}
            if word + suffix in self.known or (word.endswith(suffix) and bases & self.known):
                return True
        return False

    def unknown(self, stem: str) -> bool:
        """A word (singular) foreign to the domain: no in-scope example, cue, fact or vocabulary phrase uses it
        (numbers and `$` are not words)."""
        return stem.isalpha() and stem not in self.domain_stems

    def read(self, raw: str) -> Reading:
        """Expand, correct and find the entity mentions of a cleaned message."""
        raw = _SHARED_HEAD.sub(_share_head, _MUSING.sub("", raw))  # "hm, and at openai?" opens with no manager
        for pattern, expansion in self.caps:
            raw = pattern.sub(f" {expansion} ", raw)
        corrected = self._level_typos([self.correct(w) for w in self.expand(clause_tokens(raw))])
        words = self._field_titles(self._share_heads(self.expand(corrected)))
        marked = polarity.mark(self._lowered_roles(words))
        words = [w.text for w in marked]
        stems = [singular(w) for w in words]
        return Reading(words, stems, self._unloosed(stems, self._spans(stems)), [w.denied for w in marked])

    def _unloosed(self, stems: list[str], spans: list[Span]) -> list[Span]:
        """`spans` with the loose titles read as titles of their own (outside the sources) when another role or
        an outside title is named beside them ("applied scientist vs ML scientist" names one role the sources
        describe, and a title whose nearest is the research scientist)."""
        loose = [s for s in spans if s.kind == "role" and tuple(stems[s.start:s.end]) in self.loose]
        if not loose or not any(s.kind == "outside" or (s.kind == "role" and s not in loose) for s in spans):
            return spans
        return [Span("outside", self.loose[tuple(stems[s.start:s.end])], s.start, s.end) if s in loose else s
                for s in spans]

    def _share_heads(self, words: list[str]) -> list[str]:
        """ "applied vs research scientist" names two roles: a role's first word before "vs", "or" or "and" and
        another role ending in a head noun ("an applied and a research scientist") takes that head. A first word
        that also names work must open a noun phrase ("research" in "applied research or ML engineer" or "do
        research and ML engineers ship it" is the work, not a role), and "ML" or "AI" alone is the engineer ("ML
        vs applied scientist")."""
        out = list(words)
        for i in range(len(words) - 2, -1, -1):
            before = words[i - 1] if i else ""
            opens = not before or before in OPENERS or before in self.level_words
            if words[i + 1] not in JOINERS or (words[i] in WORK_NOUNS and not opens):
                continue
            j = i + 2 + (i + 2 < len(words) and words[i + 2] in ARTICLES)
            head = self._role_head(words, j)
            if head and words[i] in FIELDS:
                head = "engineer"
            if head and self._role_key((singular(words[i]), singular(head))):
                out.insert(i + 1, head)
        return out

    def _field_titles(self, words: list[str]) -> list[str]:
        """A title on an ML team is that title's ML role: "PMs on machine learning teams" are ML product managers.
        The title (one or two words, not a role by itself, not a scientist, who may be applied or research) takes
        "ml" when "on", "in" or "for" follows within two words, then an ML or AI team, product or project ("in ML"
        at the end too), and "ml <title>" is a role; "the MLOps team" is another title's, "no experience in ML"
        none."""
        named = {k for s in self._match([singular(w) for w in words], term=False) if s.kind in ("role", "outside")
                 for k in range(s.start, s.end)}  # words of a role already named ("data scientists", "ML engineers")
        out = list(words)
        for i in range(len(words) - 1, -1, -1):
            for size in (2, 1):
                title = tuple(singular(w) for w in words[i : i + size])
                if len(title) < size or named & set(range(i, i + size)) or title[-1] in SHARED_TITLES \
                        or not self._role_key(("ml", *title)):
                    continue
                rest = words[i + size : i + size + 3]
                at = next((k for k, w in enumerate(rest) if w in {"on", "in", "for"}), None)
                if at is None or any(polarity.is_negator(w) for w in rest[:at]):
                    continue
                k = next((k for k in range(i + size + at + 1, min(len(words), i + size + at + 3))
                          if words[k] in FIELDS), None)
                if k is not None and k not in named and (k + 1 == len(words) or words[k + 1] in TEAM_WORDS
                                                         or not words[k + 1].isalnum()):
                    out.insert(i, "ml")
                    break
        return out

    def _role_head(self, words: list[str], at: int) -> str | None:
        """The last word of the role phrase starting at `at`, when it is a head noun a role may share."""
        stems = [singular(w) for w in words[at : at + 4]]
        for phrase, kind, _ in self.phrases.get(stems[0] if stems else "", ()):
            if kind == "role" and tuple(stems[: len(phrase)]) == phrase and len(phrase) > 1 and phrase[-1] in HEADS:
                return words[at + len(phrase) - 1]
        return None

    def _role_key(self, key: tuple[str, ...]) -> bool:
        return key in self.role_keys

    def _lowered_roles(self, words: list[str]) -> list[str]:
        """Lowercase "as"/"re"/"rs" name a role only right after a level word or beside "vs"/"or", and never before
        an article or a possessive ("make senior as a research scientist": "as" is the preposition)."""
        out: list[str] = []
        for i, word in enumerate(words):
            expansion = self.lowered_roles.get(word)
            before = words[i - 1] if i else ""
            after = words[i + 1] if i + 1 < len(words) else ""
            if expansion and after not in _DETERMINERS and (
                    self._level_ends(words, i) or before in _NEIGHBOURS or after in _NEIGHBOURS):
                out += expansion
            else:
                out.append(word)
        return out

    def _level_ends(self, words: list[str], at: int) -> bool:
        """Whether a whole level phrase ends right before `words[at]` ("senior as", "new hire as"; not "contract to
        hire as a bridge": "hire" alone is no level)."""
        if not at or singular(words[at - 1]) not in self.level_words:
            return False
        return any(kind == "level" and len(phrase) == n and tuple(map(singular, words[at - n : at])) == phrase
                   for n in range(1, min(at, 4) + 1)
                   for phrase, kind, _ in self.phrases.get(singular(words[at - n]), ()))

    def _spans(self, stems: list[str]) -> list[Span]:
        """Entity mentions (longest first), then glossary terms, which may overlap them; a term that is exactly
        a role mention is the role ("what is an applied scientist" asks about the role)."""
        found = [s for s in self._match(stems, term=False)  # "my manager says..." is a boss, not the level
                 if not (s.kind == "level" and s.value == "manager" and s.start and stems[s.start - 1] in _POSSESSIVES)]
        roles = {(s.start, s.end) for s in found if s.kind == "role"}
        return found + [s for s in self._match(stems, term=True) if (s.start, s.end) not in roles]

    def _match(self, stems: list[str], term: bool) -> list[Span]:
        spans: list[Span] = []
        i = 0
        while i < len(stems):
            for phrase, kind, value in self.phrases.get(stems[i], ()):
                if (kind == "term") == term and tuple(stems[i : i + len(phrase)]) == phrase:
                    spans.append(Span(kind, value, i, i + len(phrase)))
                    i += len(phrase)
                    break
            else:
                i += 1
        return spans
