"""Understand a message: clean it, find the roles, level, employer tier, region and glossary term it names,
and pick one of the 16 intents.

Scoring, per intent (weights and phrases live in `knowledge/intents.yaml` and `vocabulary.yaml`):
- nearest examples: a small TF-IDF (word unigrams and bigrams, character 3-4-grams within words) over the
  example phrasings, with entity mentions replaced by placeholders (`_role_`...) so that an example about
  one role teaches the intent for all of them; the mean cosine of the intent's two closest examples;
- plus the weights of the intent's cue words heard (capped, but one heavy cue counts whole);
- plus generic rules: a long message is likely a pasted req; define_term needs a glossary term and wins
  when the message is only that term and definition words (in a clause of its own that asks what it is);
  naming one of the four ML roles the sources describe makes out_of_scope unlikely; without one (a data scientist
  or software engineer is named only in passing), words the knowledge base never uses ("hygienist", "rnns",
  "freelance") move score to out_of_scope.
The best intent below FLOOR is out_of_scope; so is one below UNSURE that nothing else supports (no role, no hirer's
words, no clear cue): that guess is offered as a question, not answered, as is the topic any decline for want of
evidence leaned to ("where do people find these candidates?" may not be about ML people: sourcing?), but never for
a question out of scope for what it is (a candidate's, another field's, general ML). A low or close call is flagged
`ambiguous`. Then who is asking and what is named settle what the scores cannot (`_settle`): a candidate's own
career question never starts the hiring walk-through, and is out_of_scope for hirer-only topics, when it names none
of the sources' roles, or when its topic is a guess (none of the topic's clear cue words outside the candidate's own
phrases: "make the switch from SWE to MLE" asks how, not pay; "look for in a job" names no skill); a title the
sources do not describe ("AI engineer") never starts it either; a comparison that asks who to hire is the
walk-through; "the difference" between things that are not roles is no role
comparison, between two levels of one role it is the career ladder, and one that asks for a figure (pay, time to
fill, pool size) or weighs one aspect (degrees, skills, the loop, sourcing) is about it. Sourcing seeks someone and
skills are a person's: a channel or a tool asked about for itself ("top ML conferences to attend", "pytorch or
jax?") is neither, unless the sources name it (the MLOps Community Slack). A company's headcount ("how many people
work at OpenAI") is no pool; "who is the head of X" asks who someone is, not whom to hire; a short message that
names its req only as context ("rewriting our JD: what's the diff between an MLE and an AS?") asks what it asks,
not for a check. A clause that asks where the market is going (a future and a change word) sets `forecast`.
Words are read for what they do: a `needs_cue` topic (pay) needs one of its words in a message longer than a
follow-up; a "when" that joins clauses or a "who" that describes people asks nothing; two kinds of work the sources
split roles by ("research vs production") name those roles.
"""

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection
from functools import lru_cache
from itertools import accumulate, pairwise

import numpy as np
from pydantic import BaseModel

from bot.engine import polarity
from bot.engine.clean import clean
from bot.engine.english import other_script
from bot.engine.entities import PLACEHOLDER, Lexicon, Reading, singular, tokens
from bot.engine.types import Entities
from bot.knowledge import KnowledgeBase
from bot.knowledge.ids import INTENTS

NEAREST = 2  # examples averaged per intent
GROUP_WEIGHT = {"w": 1.0, "b": 0.8, "c": 0.35}
CUE_CAP = 0.6  # most a message's cue words can add to one intent (a single heavier cue counts whole)
FLOOR = 0.22  # below this best score, the message is out of scope
AMBIGUOUS_SCORE = 0.32  # below this (or within GAP of the runner-up) the intent is a guess
GAP = 0.04
LONG_MESSAGE = (15, 30)  # words: a pasted req or job description is long; review_req gains up to LONG_BONUS
LONG_BONUS = 0.4
NO_TERM_FACTOR = 0.5  # define_term without a glossary term is unlikely
DEFINITION = 0.5  # added to define_term for a glossary term asked about in definition words only
HIRING_DECISION = 0.45  # choose_role cues this strong ("who do we hire") make a message in scope, like a role:
ROLE_FREE = {"out_of_scope", "help"}  # then these intents' cue words do not count
ROLE_NAMED = 0.5  # out_of_scope's score is scaled by this when one of the four ML roles is named
UNKNOWN_WORD = 0.25  # otherwise, each word the knowledge base never uses ("hygienist", "rnns")
UNKNOWN_MAX = 2  # moves this much score from the in-scope intents to out_of_scope, for at most this many words;
ARTICLES = {"a", "an"}  # one right after an article counts twice ("hire a bartender")
DOMAIN_WORDS = {"ml", "ai", "neurips", "icml", "iclr", "arxiv"}  # a message that says it is about ML (or names
# a venue only ML researchers publish at) is exempt
HIRER_ONLY = {"choose_role", "sourcing_channels", "time_to_fill", "talent_pool", "hiring_pitfalls", "review_req"}
ROLE_BOUND = {"compare_roles", "day_to_day"}  # meaningless unless a role, or a word for one, is named
ROLE_WORDS = {"role", "title", "job", "position", "engineer", "scientist", "researcher", "people", "hire", "ic",
              "individual", "staff", "team", "engineering", "science", "_role_", "_level_"}
DURATION_WORDS = {"long", "fast", "quick", "quickly", "soon", "day", "week", "month", "year", "time", "timeline",
                  "when", "until", "take", "taking", "took", "speed", "slow", "realistic", "ttf", "fill",
                  "deadline", "date", "q1", "q2", "q3", "q4", "quarter", "by", "cycle", "slowing", "slowly",
                  "stuck", "drag", "dragging", "forever", "delay"}  # time_to_fill needs one of these
TENURE_WORDS = {"promotion", "promoted", "promote", "tenure", "progress", "progression", "advance",
                "advancing", "ladder", "rung"}  # a duration at a level, not of a search
HIRE_WORDS = {"hire", "hiring", "fill", "filling", "req", "requisition", "candidate", "recruit", "recruiting",
              "source", "sourcing"}
RISE_WORDS = {"go", "going", "move", "moving", "reach", "reache", "reaching", "become", "becoming", "progress",
              "make", "making", "made", "hit", "climb", "climbing", "stuck", "till", "til", "until"}
# "how long to go from RS to senior RS", "stuck at mid level", "years till senior": a climb (or the wait for one)
# when a level follows (as read, singular: "reaches" is "reache", "becomes" "become")
CHECK_ASKED = {"check", "review", "sanity", "feedback", "look", "critique", "audit", "scoped", "scoping", "paste",
               "pasted", "draft", "this", "here", "thought", "ok", "okay", "right", "responsibility", "requirement",
               "qualification"}  # a short message naming a req asks for a check (or pastes one) only with one of
# these; without, the req is context for what it asks ("our JD needs a degree bar: masters or BS?")
CLIMB_TIME = {"long", "year", "month", "soon", "fast", "quickly", "time"}  # with a climb to a level: how long it takes
DECISION_WORDS = {"which", "who", "whom", "what", "diagnostic", "quiz", "recommend", "recommendation", "walk",
                  "choose", "choosing", "pick", "picking", "right", "best", "fit", "fits", "first"}  # "which
# role?", "our first ML person"
GENERIC_PEOPLE = {"people", "employee", "staffer", "worker", "developer", "scientist", "person"}  # no ML said:
AI_TIERS = {"frontier_lab", "top50"}  # employer tiers that are AI's own: naming one says the message is about ML
ANCHOR_WORDS = {"research", "model", "phd", "llm", "data", "deep", "researcher", "engineer"}  # ...nor these
AUXILIARIES = {"will", "can", "could", "should", "do", "does", "did", "is", "are", "would", "might", "may", "to",
               "shall"}  # "when (roughly) will it close" asks when; "when hiring" does not
PRONOUNS = {"i", "we", "you", "they"}  # "MLE or AS: who do we hire" asks who
PEOPLE_WORDS = ROLE_WORDS | GENERIC_PEOPLE | {"someone", "somebody", "anyone", "those", "one", "candidate", "folk"}
SOUGHT = PEOPLE_WORDS | HIRE_WORDS | {"talent", "find", "finding", "applicant", "researcher", "phd", "student",
                                     "grad", "author", "funnel", "pipeline", "inbound", "outreach", "poach", "sponsor",
                                     "sponsoring", "sponsorship"}  # whom sourcing seeks: a channel named with none
# of them is asked about for itself ("top ML conferences to attend")
ABLE = {"skill", "know", "knowledge", "learn", "learning", "proficiency", "fluency", "experience", "expertise",
        "competency", "qualification", "requirement", "require", "required", "need", "needed", "must", "good",
        "great", "strong", "test", "assess", "evaluate", "signal", "look", "ability", "capable", "matter"}  # what
# a skills question asks of a person
MOVE_TOPICS = {"skills", "credentials", "day_to_day", "interview_loop"}  # a move's destination is what they ask
MOVE_WORDS = {"move", "moving", "switch", "switching", "transition", "transitioning", "pivot", "pivoting", "go",
              "going", "become", "becoming"}  # "a DS who wants to move into ML engineering"
DIFFERENT = {"different", "difference", "differ", "distinct", "unlike", "same", "similar"}
AGAINST = {"vs", "versus", "v", "or", "between", "than", "from", "compared", "compare", "comparing", "comparison",
           "and", "other", "both", "two", "each", "these", "those"}  # what a comparison sets a role against
FIGURE_TOPICS = ("compensation", "time_to_fill", "talent_pool")  # "the pay difference between AS and MLE"
FIGURE_CUE = 0.4  # a cue of a figure topic this heavy makes a comparison about that figure
ASPECTS = ("credentials", "skills", "interview_loop", "sourcing_channels")  # ...and one heavier of these, about
# it ("how to hire" weighs 0.4: a comparison of roles it is)
AMOUNT = re.compile(r"\d+(?:\.\d+)?[km]|000|\d{5,}")  # "180k", "1.2m", "180000", the "000" of "180,000"
DEFINITION_FREE = ROLE_FREE | {"define_term"}  # cues another sentence may say beside a term asked about
ASKS_WHAT = {"what", "define", "definition", "mean", "means", "meaning", "stand", "explain"}  # a clause asking
# what a term is says one of these ("we're series B, is it dumb to open an AS role?" asks no definition)
CLAUSE_END = re.compile(r"(?<=[?!.,])\s+")  # a sentence's or a clause's end
CONDITION = re.compile(r"\b(if|once|unless|assuming|suppose|when we|when you)\b")  # a forecast asks no choice's
GROWS_INTO = re.compile(r"\bgrow(s|ing)? (into|as|in)\b")  # effect: "will pay drop if we hire remote?"
QUESTION_STARTS = {"what", "which", "who", "how", "why", "when", "where", "will", "would", "do", "does", "is", "are",
                   "can", "could", "should", "any", "thoughts", "think"}  # a clause that opens with one asks
HOW_MUCH_PAY = AUXILIARIES | {"for", "_role_", "_level_", "_amount_", "more", "less", "extra", "money", "pay",
                              "comp", "compensation", "salary", "premium", "of", "they", "we", "you", "a", "an",
                              "the", "higher", "lower", "over", "under", "above", "below", "equity", "base", "cash",
                              "bonus", "budget", "per", "on", "at", "in"}  # "how much does an RS make", "how much for"
MADE = {"_level_", "mistake", "mistakes", "decision", "decisions", "sense", "progress", "it", "changes", "hires",
        "tradeoffs", "trade", "calls", "impact"}  # what "make" makes when it is not money
COUNTED = {"people", "person", "expert", "engineer", "researcher", "scientist", "candidate", "folk", "worker",
           "developer", "specialist", "professional", "practitioner", "phd", "human"}  # "10k people"; no `_role_`:
# "a 180k MLE offer" is pay
UNITS = {"hour", "minute", "day", "week", "month", "year", "round", "stage", "step", "interview", "question",
         "paper", "publication", "level", "rung", "time"}  # what "how many" counts when not people
FOLLOWUP_WORDS = 7
ANAPHORS = {"that", "this", "it", "those", "these", "them", "they", "so", "such", "per", "and", "why"}  # words
# that point back to what the thread said ("why so high?", "does that include equity", "per year?")
CUELESS_WORDS = 7  # typed words: a message this short may ask about a `needs_cue` topic without its words
CLEAR_CUE = 0.3  # a cue this heavy names its topic clearly ("pay", "phd"); lighter ones ("make", "job") only lean
UNSURE = 0.5  # below this score, a message naming no role, hirer or clear cue is a guess: offered, not answered
SURE_ENOUGH = {"help", "define_term", "choose_role"}  # settled by rules of their own
FIRST_PERSON = {"i", "me", "my", "myself"}  # a "personal" asker phrase is a candidate's beside one of these
POINTED = {"that", "it", "this", "same", "rule"}  # before "apply": a statement holding, no one applying
ACKS = {"thanks", "thank", "thx", "ty", "cool", "great", "nice", "perfect", "awesome", "got", "it", "sure", "fine",
        "alright", "k", "kk", "ok", "okay", "yes", "yeah", "yep"}  # said before a follow-up, not part of it
FOLLOWUP_MARKERS = (
    ("what", "about"), ("how", "about"), ("and",), ("for",), ("at",), ("in",), ("same",), ("what", "if"),
    ("ok",), ("okay",), ("now",), ("also",), ("then",), ("but",), ("with",), ("if",),
)
FILLERS = {
    "a", "an", "the", "what", "about", "how", "and", "for", "at", "in", "on", "same", "ok", "okay", "so", "then",
    "now", "if", "is", "it", "also", "too", "with", "like", "instead", "of", "our", "we", "are", "were", "there",
    "else", "to", "do", "please", "this", "that", "one", "hmm", "again", "case", "level", "role", "hire", "u",
    "you", "those", "them", "thing", "but", "say", "let", "us", "just", "company", "lab", "market", "does",
    "exactly", "by", "people", "quick", "pls", "term", "s", "hey", "hi", "me", "tell", "i",
    *PLACEHOLDER.values(),
}


class Understanding(BaseModel):
    """What a message says, as far as hirebot is concerned."""

    text: str
    raw: str
    intent: str
    confidence: float
    ranked: list[tuple[str, float]]
    entities: Entities
    term: str | None
    followup: bool
    ambiguous: bool
    outside: list[str] = []  # titles named that the sources do not describe ("ai engineer")
    asker: str | None = None  # "candidate" (their own career) or "hiring", when the wording shows it
    guess: str | None = None  # out_of_scope for want of evidence: the topic it leaned to, offered, not answered
    lean: str | None = None  # that topic even when no word names it ("why so long?"): a thread about it follows up
    destination: str | None = None  # the role a move between two roles goes to ("skills to go from SWE to MLE")
    refers: bool = False  # short, points back ("why so high?", "per year?"), names nothing else: a follow-up
    foreign: bool = False  # written mostly in another script (Japanese, Cyrillic...): declined as unread
    named: str | None = None  # declined, the topic a clear word of it names ("flame out": pitfalls) for a thread
    strange: bool = False  # says words the sources never use ("weather"): about something else
    forecast: bool = False  # asks where the market is going ("will ML salaries drop next year?"): the sources
    # make no forecast


def _features(masked: list[str]) -> dict[str, int]:
    """The TF-IDF features of masked words and how often each occurs: each word and its character 3- and
    4-grams, then each pair of neighbouring words."""
    counts: dict[str, int] = {}
    for word in masked:
        for feature in _word_features(word):
            counts[feature] = counts.get(feature, 0) + 1
    for a, b in pairwise(masked):
        feature = f"b:{a} {b}"
        counts[feature] = counts.get(feature, 0) + 1
    return counts


@lru_cache(maxsize=8192)
def _word_features(word: str) -> tuple[str, ...]:
    """One word's features, in order (a placeholder has no character n-grams); worked out once a word."""
    if word.startswith("_"):
        return ("w:" + word,)
    padded = f"<{word}>"
    return ("w:" + word, *("c:" + padded[i : i + n] for n in (3, 4) for i in range(len(padded) - n + 1)))


def _phrases(phrases: list[str], after_who: bool = True) -> re.Pattern:
    """Any of `phrases` as whole words (`after_who`: also right after "who"); a pattern that never matches for none."""
    who = "" if after_who else r"(?<!\bwho )"
    return re.compile(rf"{who}(?<![\w'])(?:{'|'.join(map(re.escape, phrases)) or '(?!)'})(?!\w)")


def _asking(masked: list[str]) -> list[str]:
    """The message's words with "-" for a "when" that joins clauses ("what to look for when hiring") and for a
    "who" that describes people ("engineers who ship"): neither asks when or who, nor is a cue."""
    out = []
    for i, word in enumerate(masked):
        after = masked[i + 1] if i + 1 < len(masked) else ""
        before = singular(masked[i - 1]) if i else ""
        joins = word == "when" and i > 0 and after and not set(masked[i + 1 : i + 3]) & AUXILIARIES
        describes = word == "who" and before in PEOPLE_WORDS and after not in AUXILIARIES | PRONOUNS
        out.append("-" if joins or describes else word)
    return out


def work_kinds(words: list[str], kinds: Collection[str]) -> list[str]:
    """The kinds of work (`kinds`) a message sets against each other ("research vs production"), in order; none
    when they only sit side by side as one thing ("research infrastructure")."""
    at = [(i, w) for i, w in enumerate(words) if w in kinds]
    if len({w for _, w in at}) < 2 or all(b - a == 1 for (a, _), (b, _) in pairwise(at)):
        return []
    return list(dict.fromkeys(w for _, w in at))


def _clarity(cues: dict[str, dict[tuple[str, ...], float]], intent: str) -> float:
    """How clearly the message names `intent`'s topic: its heaviest cue heard."""
    return max(cues.get(intent, {}).values(), default=0.0)


def _amount(said: list[str], i: int) -> str:
    """`said[i]`, a large number, as money or as a count of people: people follow within two words and no "$"
    comes before ("10k people" counts them; "100 $1M researchers" is pay: "$" reads as "pay")."""
    counted = any(singular(w) in COUNTED for w in said[i + 1 : i + 3]) and (i == 0 or said[i - 1] != "pay")
    return "_headcount_" if counted else "_amount_"


def _other_sense(said: list[str], end: int, phrase: tuple[str, ...]) -> bool:
    """Whether a cue (said[:end]) means something other than its topic here: "make" with a level or a thing right
    after it ("make senior", "make mistakes") or a mistake before it ("the mistakes new hires make"), "how much"
    followed by a thing ("how much math"), "how many" by a unit ("how many hours"), "or" by a verb ("or is that
    overkill" asks about one thing), "level" by "of" (an amount), "looking for" by people
    ("looking for research engineers" seeks them: no skill), "experience" after "with 5 years of" (it describes
    the person)."""
    if phrase == ("how", "much"):  # "how much math do you need" asks an amount of something else
        return end < len(said) and said[end] not in HOW_MUCH_PAY
    if phrase == ("how", "many"):  # "how many hours", "how many years at senior" count no people
        return end < len(said) and singular(said[end]) in UNITS
    if phrase == ("or",):  # "do ASs need stats, or is that overkill" weighs one thing, not two hires; "is an RS
        return end < len(said) and said[end] in AUXILIARIES and "_role_" not in said[end:]  # needed or would an MLE
        # do?" weighs two
    start = end - len(phrase)
    if phrase[0] == "level" and start and said[start - 1] in {"one", "a"} and said[start + 1:start + 2] in (
            ["up"], ["down"], ["above"], ["below"], ["higher"], ["lower"]):  # "one level up, staff?" names the next
        return True  # level; it asks no climb
    if phrase in (("day",), ("days",)) and start and said[start - 1] in {"these", "those"}:
        return True  # "the best vector db these days" means now, not a duration
    if phrase[-1] == "level":  # "what level of skills" is an amount, not a rung ("level of seniority" is one)
        return end + 1 < len(said) and said[end] == "of" and said[end + 1] != "seniority"
    before = said[max(0, start - 4):start]
    if phrase[-1] == "experience" and "with" in before and any(w[:1].isdigit() for w in before):
        return True  # "an offer for an RE with 5 years of experience" describes the person; it asks no credential
    if phrase in (("look", "for"), ("looking", "for")):  # "looking for research engineers" seeks them
        return end < len(said) and (said[end] == "_role_" or singular(said[end]) in PEOPLE_WORDS)
    if phrase[-1] != "make":
        return False
    after = said[end] if end < len(said) else ""
    return after in MADE or bool({"mistake", "mistakes"} & set(said[max(0, end - len(phrase) - 4) : end - len(phrase)]))


def _within(cue: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Whether a cue's words (singular) run inside a longer phrase."""
    said = tuple(singular(w) for w in cue)
    return len(said) < len(phrase) and any(phrase[i:i + len(said)] == said for i in range(len(phrase) - len(said) + 1))


def _inside(span: tuple[int, int], other: tuple[int, int]) -> bool:
    """Whether word span `span` lies within the longer span `other`."""
    return other[0] <= span[0] and span[1] <= other[1] and other[1] - other[0] > span[1] - span[0]


class Understander:
    """Intent and entity understanding over one knowledge base; indexes are built once."""

    def __init__(self, kb: KnowledgeBase):
        specs = [kb.intents[i] for i in INTENTS if i in kb.intents]
        texts: dict[bool, list[str]] = {True: [], False: []}  # in scope? -> texts
        for spec in specs:
            texts[spec.id != "out_of_scope"] += [*spec.examples, *spec.cues]
        texts[True] += [f.text for f in kb.facts.values()] + [t.definition for t in kb.terms]
        texts[True] += [f"{r.name} {r.short} {r.one_liner}" for r in kb.roles.values()]
        texts[True] += kb.vocabulary.chat  # "lol", "tbh": tone, no topic
        texts[False] += [p for phrases in kb.vocabulary.askers.values() for p in phrases]  # "chances" is no typo
        self.lexicon = Lexicon(kb, texts[True], texts[False])
        self.labels: list[str] = []
        rows: list[dict[str, int]] = []
        for spec in specs:
            for example in spec.examples:
                self.labels.append(spec.id)
                rows.append(_features(self.lexicon.read(clean(example)).masked()))
        df: Counter = Counter(f for row in rows for f in row)
        n = len(rows)
        self.idf = {f: math.log((n + 1) / (d + 1)) + 1 for f, d in df.items()}
        index: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, row in enumerate(rows):
            for feature, weight in self._vector(row).items():
                index[feature].append((number, weight))
        # The posting lists, one after another (feature i's are postings[i]:postings[i + 1]): _nearest adds them
        # up in numpy, the same products in the same order as a loop would, so the same similarities
        # feature -> (its number, idf, group weight, and their product: the weight of a feature said once)
        self.known = {f: (i, self.idf[f], GROUP_WEIGHT[f[0]], self.idf[f] * GROUP_WEIGHT[f[0]])
                      for i, f in enumerate(index)}
        self.postings = np.array([0, *accumulate(len(hits) for hits in index.values())])
        self.numbers = np.array([n for hits in index.values() for n, _ in hits], dtype=np.intp)
        self.weights = np.array([w for hits in index.values() for _, w in hits])
        # intent -> its examples' numbers, as the rows of one table padded with example n (similarity 0)
        by_intent: dict[str, list[int]] = defaultdict(list)
        for number, label in enumerate(self.labels):
            by_intent[label].append(number)
        self.intents = list(by_intent)
        self.examples = np.full((len(by_intent), max(NEAREST, *map(len, by_intent.values()))), n, dtype=np.intp)
        for row, numbers in enumerate(by_intent.values()):
            self.examples[row, : len(numbers)] = numbers
        self.cues: dict[str, list[tuple[str, tuple[str, ...], float]]] = defaultdict(list)  # by first word
        for spec in specs:
            for cue, weight in spec.cues.items():
                phrase = tuple(self.lexicon.read(cue).masked(singular=False))
                if phrase:
                    self.cues[phrase[0]].append((spec.id, phrase, weight))
        self.needs_cue = {spec.id for spec in specs if spec.needs_cue}
        self.nearest = kb.vocabulary.nearest_role
        self.loose = set(kb.vocabulary.loose_titles)  # titles read as outside only beside a role
        self.work_kinds = set(kb.vocabulary.work_kinds)
        self.fields: dict[str, list[tuple[str, ...]]] = defaultdict(list)  # by first word
        for f in kb.vocabulary.other_fields:
            phrase = tuple(singular(w) for w in tokens(f))
            if phrase:
                self.fields[phrase[0]].append(phrase)
        self.core = {r.id for r in kb.roles.values() if r.core}
        self.forecast = {kind: _phrases(phrases, after_who=kind != "future")  # "someone who will grow" is a person
                         for kind, phrases in kb.vocabulary.forecast_asked.items()}
        self.askers: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)  # by first word
        for who, phrases in kb.vocabulary.askers.items():
            for p in phrases:
                phrase = tuple(singular(w) for w in self.lexicon.expand(tokens(p)))
                if phrase:
                    self.askers[phrase[0]].append((who, phrase))
        self.definition_words = {
            w for entries in self.cues.values() for intent, cue, _ in entries if intent == "define_term" for w in cue
        }

    def _vector(self, counts: dict[str, int]) -> dict[str, float]:
        """An example's TF-IDF vector, normalised (features no example has weigh 0 and are left out)."""
        vec = {
            f: (1 + math.log(c)) * self.idf.get(f, 0.0) * GROUP_WEIGHT[f[0]] for f, c in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {f: v / norm for f, v in vec.items() if v}

    def understand(self, text: str) -> Understanding:
        """Read one message. Pure and cheap; any text gives a valid Understanding."""
        raw = clean(text)
        reading = self.lexicon.read(raw)
        entities = reading.entities()
        plain = " ".join(reading.words)
        if other_script(raw):  # the English role names such a message borrows do not say what it asks
            return Understanding(
                text=plain, raw=raw, intent="out_of_scope", confidence=1.0, ranked=[("out_of_scope", 1.0)],
                entities=entities, term=None, followup=False, ambiguous=False, foreign=True,
            )
        if not reading.words:
            return Understanding(
                text=plain, raw=raw, intent="help", confidence=0.1, ranked=[("help", 0.1)],
                entities=entities, term=None, followup=False, ambiguous=True,
            )
        masked = reading.masked()
        asked = _asking(reading.masked(singular=False))
        cues = self._cues(asked)
        if any(reading.denied):  # a denied topic beside one asked is set aside: "forget pay, how do I interview"
            affirmed = self._cues(_asking(reading.affirmed()))
            if any(_clarity(affirmed, i) >= CLEAR_CUE for i in affirmed if i not in DEFINITION_FREE):
                cues = affirmed
        scores, cued = self._scores(raw, masked, reading, entities, cues)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:3]
        (best, top), second = ranked[0], ranked[1][1] if len(ranked) > 1 else 0.0
        if top < FLOOR:
            best = "out_of_scope"
        asker, situation = self._asker(reading)
        own = {i: {c: w for c, w in heard.items() if not any(_within(c, p) for p in situation)}
               for i, heard in cues.items()} if situation else cues  # a cue inside a candidate's phrase ("look
        # for" in "look for in a job") tells their situation, not the topic
        best, guess = self._settle(best, reading, entities, asker, [i for i, _ in ranked], cues, own,
                                   {singular(w) for w in asked}, len(raw.split()))
        if best == "choose_role":  # "we don't want a researcher, which role ships models?": not a role weighed
            entities = entities.model_copy(update={"roles": list(dict.fromkeys(
                s.value for s in reading.spans if s.kind == "role" and reading.said(s)))})
        moves = any(b in {"to", "into"} and c == "_role_" and (a == "_role_" or MOVE_WORDS & set(masked[: i + 1]))
                    for i, (a, b, c) in enumerate(zip(masked, masked[1:], masked[2:], strict=False)))
        destination = entities.roles[-1] if best in MOVE_TOPICS and len(entities.roles) == 2 and moves else None
        followup = self._followup(raw, masked, reading, cued)
        refers = (len(raw.split()) <= FOLLOWUP_WORDS and len(reading.words) > 1 and not entities.roles
                  and not set(reading.words) <= ACKS  # "got it" acknowledges; it asks nothing again
                  and bool(ANAPHORS & set(reading.words)) and not self._unknown(reading)
                  and not any(_clarity(cues, i) >= CLEAR_CUE for i in cues if i not in ROLE_FREE))
        if (top < UNSURE and best not in SURE_ENOUGH | {"out_of_scope"} and not followup and not entities.roles
                and not reading.outside() and asker != "hiring" and _clarity(cues, best) < CLEAR_CUE):
            best, guess = "out_of_scope", best
        lean = guess
        named = None if best != "out_of_scope" else next(  # declined, the topic a clear word of it names
            (i for i in sorted(scores, key=lambda i: -scores[i])
             if i not in ROLE_FREE and _clarity(cues, i) >= CLEAR_CUE), None)
        if guess and not _clarity(cues, guess):
            guess = None  # nothing in the message names the topic: nothing to offer ("it", "sup?")
        ambiguous = best != "out_of_scope" and (top < AMBIGUOUS_SCORE or top - second < GAP)
        return Understanding(
            text=plain,
            raw=raw,
            intent=best,
            confidence=round(min(1.0, top) if top >= FLOOR else 0.5 + 0.4 * (FLOOR - top) / FLOOR, 3),
            ranked=[(i, round(min(1.0, s), 3)) for i, s in ranked],
            entities=entities,
            term=reading.term(),
            followup=followup,
            ambiguous=ambiguous,
            guess=guess,
            lean=lean,
            named=named,
            destination=destination,
            refers=refers,
            outside=reading.outside(),
            asker=asker,
            forecast=self._asks_forecast(raw),
            strange=self._unknown(reading) > 0,
        )

    def _asks_forecast(self, raw: str) -> bool:
        """Whether a clause that asks (it ends with "?", opens like a question, or is the whole message) asks for a
        forecast: a future word and a change word ("will ML salaries drop next year?"), or a prediction ("any
        predictions?"). A forecast only stated ("salaries will rise, what should we pay?") asks none."""
        text = raw.lower()
        if CONDITION.search(text):  # "if we hire in London, will pay go down?" asks what a choice does
            return False
        clauses = CLAUSE_END.split(GROWS_INTO.sub(" ", text))  # "grow into a senior role" is a person's climb
        for clause in clauses:
            opens = clause.split()[0].strip("'\"(") if clause.split() else ""
            if not (clause.endswith("?") or opens in QUESTION_STARTS or len(clauses) == 1):
                continue
            said = {kind: bool(pattern.search(clause)) for kind, pattern in self.forecast.items()}
            if said.get("asked") or (said.get("future") and said.get("change")):
                return True
        return False

    def _asker(self, reading: Reading) -> tuple[str | None, set[tuple[str, ...]]]:
        """"hiring" when the message says a hirer's phrase, else "candidate" when it says a candidate's (a
        "personal" one counts only when the message says I, me or my, or shows a job seeker's view: "are MLE jobs
        hard to get for new grads?"). Phrases are read in the words and with entity placeholders ("_role_ jobs");
        a hirer's word inside a longer candidate phrase ("hired" in "get hired") is the candidate's. Also, for a
        candidate, the phrases said: they tell the asker's situation, not the topic ("look for in a job",
        "evaluating an MLE role")."""
        hits = {(who, i, p) for stems in (reading.stems, reading.masked()) for i, stem in enumerate(stems)
                for who, p in self.askers.get(stem, ()) if tuple(stems[i:i + len(p)]) == p
                and not (p[0] == "apply" and i and stems[i - 1] in POINTED)}  # "does that apply to REs?" holds
        personal = bool(FIRST_PERSON & set(reading.words)) or any(who == "seeking" for who, _, _ in hits)
        theirs = [(a, a + len(p)) for who, a, p in hits if who in ("candidate", "personal")]  # shields even idle
        found = {"candidate" if who == "personal" else who for who, a, p in hits
                 if (who == "candidate" or (who == "personal" and personal))
                 or (who == "hiring" and not any(_inside((a, a + len(p)), t) for t in theirs))}
        who = "hiring" if "hiring" in found else ("candidate" if found else None)
        if who != "candidate":
            return who, set()
        return who, {p for kind, _, p in hits if kind == "candidate" or (kind == "personal" and personal)}

    def _elsewhere(self, reading: Reading, entities: Entities) -> bool:
        """Out of scope for what it is: another field's question ("a research scientist in a chemistry lab"), or
        one about titles the sources do not describe, none near one they do."""
        stems = reading.stems
        other_field = not DOMAIN_WORDS & set(stems) and any(
            tuple(stems[i:i + len(f)]) == f for i, stem in enumerate(stems) for f in self.fields.get(stem, ()))
        outside_only = reading.outside() and not entities.roles and not any(
            self.nearest(t) for t in reading.outside())
        return other_field or bool(outside_only)

    def _settle(self, best: str, reading: Reading, entities: Entities, asker: str | None, ranked: list[str],
                cues: dict[str, dict[tuple[str, ...], float]], own: dict[str, dict[tuple[str, ...], float]],
                words: set[str], typed: int) -> tuple[str, str | None]:
        """The intent once who is asking and what is named are taken into account (see the module docstring),
        and, when that is out_of_scope for want of evidence (not for what the question is), the intent the scores
        leaned to: offered, not answered. `own`: the cues outside a candidate's own phrases; `words`: the message's
        asking words (singular, placeholders); `typed`: how many words were typed."""
        if best == "review_req" and typed < LONG_MESSAGE[1] and not words & CHECK_ASKED:  # a req named as context:
            clear = [i for i in sorted(cues, key=lambda i: -_clarity(cues, i))  # "rewriting our
                     if i not in ROLE_FREE | {best} and _clarity(cues, i) >= CLEAR_CUE]
            if clear:  # JD and I don't know the diff between an MLE and an AS" asks the difference
                best = clear[0]
        if best in self.needs_cue and not cues.get(best) and typed > CUELESS_WORDS:
            best = next((i for i in ranked if i != best), "out_of_scope")  # "more DS openings than MLE?" is no pay
        levels = {s.value for s in reading.spans if s.kind == "level"}
        masked = reading.masked()
        stays = any(a in {"stay", "staying", "spend", "spent", "sit", "sitting", "remain", "remaining"}
                    and b in {"at", "in", "_level_"} for a, b in pairwise(masked))
        rises = not words & HIRE_WORDS and any(  # "to go hire a senior MLE" is a search
            w in RISE_WORDS and "_level_" in masked[i + 1 : i + 8] for i, w in enumerate(masked))
        if best == "time_to_fill" and (words & TENURE_WORDS or stays or rises or len(levels) >= 2):
            return "career_ladder", None  # "how long do people stay at senior before staff"
        if best == "talent_pool" and (stays or rises):
            return "career_ladder", None  # "how many years do people sit at senior RS"
        if rises and words & CLIMB_TIME and best != "compensation":
            return "career_ladder", None  # "how many years until staff for an MLE" asks the climb's length
        employs = bool(entities.employer_tier and set(reading.words) & {"employ", "employs", "employed"})  # a role
        # or not
        works = any(a in {"work", "working", "employed"} and b in {"at", "for"} for a, b in pairwise(masked))
        has = bool(entities.employer_tier and set(reading.words) & {"have", "has"})
        if best == "talent_pool" and (employs or (not entities.roles and (works or has))):
            return "out_of_scope", None  # "how many people work at OpenAI", "does DeepMind have": a company's
            # headcount
        timed = words & DURATION_WORDS - {"take"} or any(  # "what does it take" asks what is needed
            a != "it" and b == "take" for a, b in pairwise(reading.masked()))
        if best == "time_to_fill" and not timed:  # "how to hire X" asks how, not how long
            best = next((i for i in ranked if i != "time_to_fill"), "out_of_scope")
        if best == "day_to_day" and levels and (len(levels) >= 2 or not (entities.roles or reading.outside())):
            return "career_ladder", None  # "what is a fellow?", "what does a staff RS own that a senior one
            # doesn't?" ask what a level is
        kinds = bool(work_kinds(reading.masked(), self.work_kinds))  # "research vs production" names roles
        if self._elsewhere(reading, entities):
            return "out_of_scope", None  # another field's research scientist or PhD; titles none near the sources
        stems = reading.stems
        ml = bool(entities.roles) or bool(DOMAIN_WORDS & set(stems))
        if best == "hiring_pitfalls" and asker != "hiring" and not ml:
            return "out_of_scope", best  # the sources' pitfalls are ML hiring's: "why do people quit startups?"
        if best == "skills" and not (entities.roles or reading.outside() or asker or words & (SOUGHT | ABLE)):
            return "out_of_scope", best  # "pytorch or jax for a new project?" asks about the tools, not a person
        if best == "sourcing_channels" and asker != "hiring" and not (entities.roles or words & SOUGHT
                                                                     or reading.term()):
            return "out_of_scope", best  # "to Kaggle or not to Kaggle" asks about the site, not who to find there
        if best in ROLE_BOUND and not (words & (ROLE_WORDS | {"person", "someone", "somebody"}) or reading.outside()
                                       or kinds):
            return "out_of_scope", None  # "the difference between precision and recall" compares no roles
        decides = sum(cues.get("choose_role", {}).values()) >= HIRING_DECISION
        about_ml = [s for s in reading.spans if s.kind not in ("level", "tier", "region") or s.value in AI_TIERS]
        anchored = about_ml or (DOMAIN_WORDS | ANCHOR_WORDS) & set(stems) or decides  # "what kind of person to
        # hire" asks for a hiring decision, the walk-through's; "entry-level employees at big tech" names no ML
        if best != "out_of_scope" and not anchored and GENERIC_PEOPLE & set(stems) and len(stems) > FOLLOWUP_WORDS // 2:
            return "out_of_scope", (None if best in ROLE_FREE else best)  # "how come hiring anyone takes us
            # months?" may not be about ML roles: what it leaned to is offered
        unknown = [t for t in reading.outside() if t not in self.loose]  # no role near: "AI researcher vs MLE, who
        # first?" weighs the research scientist and the MLE; "AI engineer or AS?" a title the sources lack
        if best == "compare_roles" and decides and asker != "candidate" and not unknown:
            return "choose_role", None  # "MLE vs data scientist: who to hire and when" asks for a decision
        if best == "career_ladder" and len(entities.roles) >= 2 and not levels:
            best = "compare_roles"  # "career path: research scientist or research engineer?" weighs two roles
        figure = [t for t in FIGURE_TOPICS if _clarity(cues, t) >= FIGURE_CUE]  # pay, time to fill, the pool
        others = any(a == "other" and (b == "_role_" or singular(b) in PEOPLE_WORDS)  # "other roles", not
                     for a, b in pairwise(masked))  # "other companies"
        against = words & AGAINST - (set() if others else {"other"})
        if (best == "compare_roles" and len(entities.roles) <= 1 and not reading.outside() and not kinds
                and words & DIFFERENT and not against):
            best = next((i for i in ranked if i != best), "out_of_scope")  # "why hiring MLEs is different" sets
            # the role against nothing
        if best == "compare_roles":
            if not entities.roles and words & (TENURE_WORDS | {"track"}):
                return "career_ladder", None  # "IC vs management track" compares tracks of the ladder
            if len(entities.roles) <= 1 and len(levels) >= 2:
                return "career_ladder", None
            aspect = [t for t in ASPECTS if _clarity(cues, t) > FIGURE_CUE]  # "how do AS and MLE differ on
            if figure or aspect:  # degrees?" compares their credentials
                return (figure or aspect)[0], None
        core = [r for r in entities.roles if r in self.core]
        bare = [w for w in stems if w not in ARTICLES]  # "a scientist or an engineer?" sets two people side by side
        people_or = any(a in PEOPLE_WORDS and b == "or" and c in PEOPLE_WORDS
                        for a, b, c in zip(bare, bare[1:], bare[2:], strict=False))
        asks_which = bool(core) or bool(words & DECISION_WORDS) or people_or or (  # "how do we decide when to
            (kinds or "role" in words) and "or" in words)  # hire" does not; "a research role or an applied one?"
        # and "is that one role or two?" do
        who_is = any(a == "who" and b in {"is", "was", "are", "were"} and c == "the" for a, b, c in
                     zip(masked, masked[1:], masked[2:], strict=False))  # "who's the head of research at X?"
        if best == "choose_role" and who_is and not entities.roles and not words & HIRE_WORDS:
            return "out_of_scope", None  # asks who someone is, not whom to hire
        if best == "choose_role" and words & TENURE_WORDS and not words & {"hire", "hiring"}:
            return "career_ladder", None  # "how do they choose who to promote" is about the ladder, not a hire
        if best == "choose_role" and len(entities.roles) >= 2 and figure and not decides:
            return figure[0], None  # "which pays more, RE or AS?" compares a figure; it asks no hiring decision
        career = asker == "candidate" or (bool(words & {"career", "path"}) and asker != "hiring")  # a hirer
        # chooses a hire, a person a path
        if best == "choose_role" and (career or unknown or not asks_which):
            if entities.roles and (unknown or len(entities.roles) > 1):
                return "compare_roles", None
            return "out_of_scope", None if career or unknown else "choose_role"
        if asker == "candidate" and best == "career_ladder" and not levels:
            return "out_of_scope", None  # "is applied scientist a good career choice" is a choice, not a ladder
        if asker == "candidate" and (best in HIRER_ONLY | {"help"} or not entities.roles
                                     or (_clarity(own, best) < CLEAR_CUE and not levels)):
            return "out_of_scope", None
        return best, None

    def _scores(self, raw: str, masked: list[str], reading: Reading, entities: Entities,
                cues: dict[str, dict[tuple[str, ...], float]]) -> tuple[dict[str, float], bool]:
        """Per-intent scores (nearest examples + cue words + the rules below), and whether any in-scope cue
        word was heard."""
        scores = self._nearest(masked)
        cued = False
        defines = reading.term() is not None and self._asks_definition(reading, raw)  # a term asked about is
        # in scope, whatever an aside says ("what's a research artifact, our CTO keeps saying it")
        core = any(r in self.core for r in entities.roles)
        in_scope = core or defines or sum(cues.get("choose_role", {}).values()) >= HIRING_DECISION
        for intent, heard in cues.items():
            if intent in ROLE_FREE and in_scope:
                continue
            cued = cued or (intent not in ROLE_FREE and any(not w.startswith("_") for p in heard for w in p))
            weights = heard.values()
            scores[intent] += max(min(CUE_CAP, sum(weights)), max(weights))
        short, long = LONG_MESSAGE
        if len(reading.words) > short:
            scores["review_req"] += LONG_BONUS * min(1.0, (len(reading.words) - short) / (long - short))
        if reading.term() is None:
            scores["define_term"] *= NO_TERM_FACTOR
        elif defines:
            scores["define_term"] += DEFINITION
        if core:
            scores["out_of_scope"] *= ROLE_NAMED
        elif not in_scope and not DOMAIN_WORDS & set(reading.words):
            unknown = min(UNKNOWN_MAX, self._unknown(reading))
            for intent in scores:
                if intent not in ROLE_FREE:
                    scores[intent] *= 1 - UNKNOWN_WORD * unknown
            scores["out_of_scope"] += UNKNOWN_WORD * unknown
        return scores, cued

    def _nearest(self, masked: list[str]) -> dict[str, float]:
        """Per intent, the mean cosine similarity of its NEAREST closest examples."""
        numbers, said = [], []  # the message's vector as `_vector` gives it, of the features examples have
        for feature, count in _features(masked).items():
            known = self.known.get(feature)
            if known is not None:
                numbers.append(known[0])
                said.append(known[3] if count == 1 else (1 + math.log(count)) * known[1] * known[2])
        norm = math.sqrt(sum(w * w for w in said)) or 1.0
        features = np.array(numbers, dtype=np.intp)
        starts = self.postings[features]
        counts = self.postings[features + 1] - starts
        # the positions of the features' postings, one list after another
        at = np.arange(counts.sum()) + np.repeat(starts - (np.cumsum(counts) - counts), counts)
        weights = self.weights[at] * np.repeat(np.array([w / norm for w in said]), counts)
        sims = np.bincount(self.numbers[at], weights, minlength=len(self.labels) + 1)  # an example sharing no
        # feature counts as 0, as does the padding
        width = self.examples.shape[1]
        nearest = np.partition(sims[self.examples], width - NEAREST, axis=1)[:, width - NEAREST :]
        scores = dict.fromkeys(INTENTS, 0.0)
        scores.update(zip(self.intents, (nearest.sum(axis=1) / NEAREST).tolist(), strict=True))
        return scores

    def _unknown(self, reading: Reading) -> int:
        """How many words the knowledge base never uses; one right after "a"/"an" ("hire a bartender") names
        the person asked about, and counts twice. A word that denies or sets aside ("forget pay, ...") is none."""
        stems = reading.stems
        return sum(
            (1 + (i > 0 and stems[i - 1] in ARTICLES)) * self.lexicon.unknown(w) for i, w in enumerate(stems)
            if not polarity.is_negator(reading.words[i])
        )

    def _asks_definition(self, reading: Reading, raw: str) -> bool:
        """A glossary term plus nothing but definition words and fillers ("what's a research artifact"), in the
        whole message or in one of its sentences when no other asks something else ("what's a research artifact?
        never met the phrase", not "what's a research artifact? and what do AS earn?"); that sentence may point
        back at the term another names ("they flagged 'benchmark gaming', what does that refer to?")."""
        if self._defines(reading):
            return True
        sentences = CLAUSE_END.split(raw)
        if len(sentences) < 2:
            return False
        defines, asks_else = False, False  # asks else: "what's a research artifact? and what do AS earn?"
        for part in map(self.lexicon.read, sentences):
            if self._defines(part) and ASKS_WHAT & set(part.words):  # the term's own clause, or one pointing
                defines = True  # back at it: "a reviewer flagged 'benchmark gaming'. what does that refer to?"
                continue
            cues = self._cues(_asking(part.masked(singular=False)))
            asks_else = asks_else or any(_clarity(cues, i) >= CLEAR_CUE for i in cues if i not in DEFINITION_FREE)
        return defines and not asks_else

    def _defines(self, reading: Reading) -> bool:
        """The term and nothing but definition words and fillers."""
        inside = {i for s in reading.spans if s.kind == "term" for i in range(s.start, s.end)}
        rest = [w for i, w in enumerate(reading.words) if i not in inside]
        return all(w in self.definition_words or w in FILLERS for w in rest)

    def _cues(self, said: list[str]) -> dict[str, dict[tuple[str, ...], float]]:
        """The cue phrases heard and their weights, per intent. A denied cue counts whole: "don't have a PhD"
        still asks about credentials (unless another topic is asked beside it: see `understand`). An amount of
        money ("500k") is heard as the cue `_amount_`, a count of people ("10k people", "10,000 ML experts") as
        `_headcount_`. "Make" is no pay where it makes something else
        ("make senior", "the mistakes new hires make")."""
        heard: dict[str, dict[tuple[str, ...], float]] = defaultdict(dict)
        said = [_amount(said, i) if AMOUNT.fullmatch(w) else w for i, w in enumerate(said)]
        for i, word in enumerate(said):
            for intent, phrase, weight in self.cues.get(word, ()):
                if tuple(said[i : i + len(phrase)]) == phrase and not _other_sense(said, i + len(phrase), phrase):
                    heard[intent][phrase] = weight
        return heard

    def _followup(self, raw: str, masked: list[str], reading: Reading, cued: bool) -> bool:
        """Short, names an entity, no topic word, and opens like a follow-up ("and in Europe?") or is
        nothing but entities and fillers ("MLE?")."""
        if cued or not reading.spans or len(raw.split()) > FOLLOWUP_WORDS:
            return False
        if not any(s.kind in PLACEHOLDER for s in reading.spans):
            return False
        skip = next((i for i, w in enumerate(reading.words) if w not in ACKS), len(reading.words))  # "thx. what
        words = reading.words[skip:]  # about apac?" follows up as "what about apac?" does
        starts = any(tuple(words[: len(m)]) == m for m in FOLLOWUP_MARKERS)
        return starts or all(w in FILLERS or w in ACKS for w in masked)
