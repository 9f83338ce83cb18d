"""Negation and hedging in what people type: which words of a message are said, and which are denied.

One reading serves the walk-through's typed answers and the questions asked: "they won't publish",
"no need to publish", "nobody here publishes", "publishing isn't something we do", "zero research",
"not really", and double negatives ("it's not that we don't publish" says they publish).

The rules, applied per clause (clauses end at punctuation and at "but", "though", "instead"...):
- a negator ("not", "no", "never", "nobody", "zero", "won't", "isn't"...) denies the words after it;
  two negators cancel ("can't not publish");
- a negator after "is"/"are"/"was" ("publishing isn't something we do", "papers are not needed") or a
  trailing denial ("papers: not needed", "research, no") also denies the words before it in the clause;
- "no"/"nope"/"nah" opening a clause before a pronoun or alone is an answer ("nope, they don't publish"),
  not a negator of what follows; "not only", "not just", "nothing but", "no doubt" deny nothing;
- "not sure", a clause-ending "or not" and "don't (actually) know/get X" deny nothing (they hedge or ask);
  "besides", "apart from" and "aside from" set aside what follows, as "forget" does;
- a denial of having something ("we have zero models in production") is `owned`: it tells what they have, not
  the work, unless what they lack is a will or means ("no interest in publishing" denies publishing);
- hedges ("maybe", "kind of", "I guess") do not change polarity; `hedged` says whether the reply hedges;
- a part of a clause that says its point is a side matter ("papers on the side", "sometimes we publish", "a
  bit of research"), or that comes second in a preference ("research matters more than shipping", "rather than
  publish"), is marked `side`: what it says weighs less than what the rest of the message says.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

_WORD = re.compile(r"[a-z0-9][a-z0-9'’+/-]*|[.,;:!?()—–]|(?<!\S)--?(?!\S)")
PUNCTUATION = frozenset([*".,;:!?()—–", "-", "--"])  # a spaced hyphen is a dash
NEGATORS = frozenset({
    "not", "no", "never", "none", "nobody", "noone", "nothing", "neither", "nor", "without", "zero", "nope",
    "nah", "hardly", "cannot", "nowhere", "nil", "forget", "ignore", "skip",  # "forget pay, how do I interview them"
    "besides", "excluding",  # "what differs, besides title and salary" sets them aside
})
CONTRACTIONS = frozenset({  # apostrophes dropped, as people often type them
    "dont", "doesnt", "didnt", "wont", "wouldnt", "cant", "couldnt", "shouldnt", "isnt", "arent", "wasnt",
    "werent", "havent", "hasnt", "hadnt", "aint", "mustnt", "neednt", "shant",
})
INTERJECTIONS = frozenset({"no", "nope", "nah"})
PRONOUNS = frozenset({
    "i", "we", "they", "it", "he", "she", "you", "that", "this", "the", "our", "their", "not", "just", "none",
    "definitely", "absolutely", "really", "thanks", "sorry", "well", "actually", "honestly", "i'm", "we're",
    "they're", "it's", "that's",
})
NOT_DENIALS = (("not", "only"), ("not", "just"), ("nothing", "but"), ("no", "doubt"), ("no", "matter"),
               ("not", "least"), ("no", "less"), ("no", "fewer"), ("not", "sure"), ("not", "certain"))  # "not
# sure we need an RS" hedges; it denies nothing
BOUNDARIES = frozenset({"but", "though", "although", "however", "yet", "instead", "whereas", "except", "rather",
                        "otherwise", "while"})
COPULAS = frozenset({"is", "are", "was", "were", "be", "been", "being", "it's", "s", "'s", "isn't", "aren't",
                     "wasn't", "weren't", "isnt", "arent", "wasnt", "werent"})
TRAILING = frozenset({"needed", "required", "necessary", "important", "wanted", "expected", "involved",
                      "relevant", "planned", "happening", "really", "at", "all", "much", "a", "priority", "either",
                      "so", "here", "anymore"})
UNKNOWING = frozenset({"know", "understand", "get", "see"})  # after a negator: not knowing, which asks
HAVE = frozenset({"have", "has", "had", "got", "having", "'ve", "ve"})  # "we have no X" tells what they have
WANTING = frozenset({"interest", "time", "budget", "plan", "plans", "appetite", "desire", "intention", "need",
                     "capacity", "bandwidth", "wish"})  # ...unless what they lack is a will or means to do X
HEDGES = frozenset({"maybe", "perhaps", "possibly", "probably", "kinda", "sorta", "guess", "somewhat",
                    "might", "unclear", "likely", "mostly", "partly"})
SIDE_MATTERS = (("on", "the", "side"), ("sometimes",), ("occasionally",), ("rarely",), ("a", "little", "of"),
                ("a", "bit", "of"), ("now", "and", "then"), ("once", "in", "a", "while"),
                ("from", "time", "to", "time"), ("here", "and", "there"), ("nice", "to", "have"),
                ("every", "so", "often"), ("side", "project"))
SECOND_CHOICE = frozenset({"rather", "instead"})  # a clause they open is what is not preferred
SIDE_BY_FIRST = {first: [p for p in SIDE_MATTERS if p[0] == first] for first in {p[0] for p in SIDE_MATTERS}}
HEDGE_PHRASES = (("kind", "of"), ("sort", "of"), ("i", "guess"), ("i", "think"), ("not", "sure"),
                 ("more", "or", "less"), ("to", "some", "extent"))


@dataclass(frozen=True)
class Word:
    """One word of a message and whether the message denies it."""

    text: str
    denied: bool
    negator: bool = False  # it denies other words
    clause: int = 0  # which clause of the message it is in
    side: bool = False  # its clause says it is a side matter ("on the side", "sometimes")
    owned: bool = False  # denied as something they have, not something they do ("we have zero models in prod")


def words(text: str) -> list[str]:
    """Lower-case words and clause punctuation; curly apostrophes straightened."""
    return _WORD.findall(text.lower().replace("’", "'"))


def is_negator(word: str) -> bool:
    """A word that denies ("not", "won't", "nobody", "zero")."""
    return word in NEGATORS or word in CONTRACTIONS or word.endswith("n't")


def _clauses(tokens: list[str]) -> list[list[str]]:
    """Clauses: punctuation ends one (and is dropped); "but", "though"... start one."""
    out: list[list[str]] = [[]]
    for token in tokens:
        if token in PUNCTUATION:
            out.append([])
        elif token in BOUNDARIES:
            out.append([token])
        else:
            out[-1].append(token)
    return [c for c in out if c]


def _negators(clause: list[str]) -> list[int]:
    """Positions in a clause of the words that deny."""
    found = []
    for i, word in enumerate(clause):
        if not is_negator(word) or tuple(clause[i:i + 2]) in NOT_DENIALS:
            continue
        after = clause[i + 1] if i + 1 < len(clause) else None
        if word in INTERJECTIONS and i == 0 and (after is None or after in PRONOUNS or word != "no"):
            continue  # "nope, ...", "no they don't ...": the answer word itself
        if i and clause[i - 1] == "or" and after is None:
            continue  # "do we need an RS or not?" asks; it denies nothing
        if set(clause[i + 1:i + 3]) & UNKNOWING and (after in UNKNOWING or after in {"really", "actually", "quite"}):
            continue  # "I don't actually know the diff between X and Y" asks about it
        found.append(i)
    return found


def _backward(clause: list[str], at: int) -> bool:
    """Whether the negator at `at` also denies what comes before it: after a copula ("publishing isn't
    something we do") or as the clause's trailing denial ("papers not needed")."""
    word = clause[at]
    before = clause[at - 1] if at else ""
    if at and (before in COPULAS or word in {"isn't", "isnt", "aren't", "arent", "wasn't", "wasnt"}):
        return True
    rest = clause[at + 1:]
    return bool(at) and all(w in TRAILING or is_negator(w) for w in rest) and len(rest) <= 3


def read(text: str) -> list[Word]:
    """The message's words, each marked denied or not (see the module docstring)."""
    return mark(words(text))


def mark(tokens: list[str]) -> list[Word]:
    """`tokens` (words and clause punctuation) without the punctuation, each word marked denied or not ("apart
    from" and "aside from" are read as "besides": they set aside what follows)."""
    tokens = _set_asides(tokens)
    out: list[Word] = []
    for number, clause in enumerate(_clauses(tokens)):
        negators = _negators(clause)
        backward = [n for n in negators if _backward(clause, n)]
        side = _sides(clause)
        owns = [n for n in negators if _owns(clause, n)]
        for i, word in enumerate(clause):
            flips = sum(1 for n in negators if n < i) + sum(1 for n in backward if n > i)
            owned = flips % 2 == 1 and any(n < i for n in owns)
            out.append(Word(word, flips % 2 == 1, i in negators, number, side[i], owned))
    return out


def _owns(clause: list[str], at: int) -> bool:
    """Whether the negator at `at` denies having something ("have zero models", "don't have any research"), not
    doing it."""
    before = clause[at - 1] if at else ""
    after = clause[at + 1] if at + 1 < len(clause) else ""
    wanting = bool(WANTING & set(clause[at + 1:]))  # "we don't have any interest in publishing" denies it
    return not wanting and (before in HAVE or after in HAVE or clause[at] in {"haven't", "havent", "hasn't", "hasnt"})


def _set_asides(tokens: list[str]) -> list[str]:
    """"apart from X" and "aside from X" as "besides X"."""
    out: list[str] = []
    for token in tokens:
        if token == "from" and out and out[-1] in {"apart", "aside"}:
            out[-1] = "besides"
        else:
            out.append(token)
    return out


def is_side_matter(phrase: str) -> bool:
    """Whether `phrase` says a side matter itself ("rarely", "nice to have", "a bit of both")."""
    said = words(phrase)
    return any(tuple(said[i:i + len(p)]) == p for p in SIDE_MATTERS for i in range(len(said)))


def _sides(clause: list[str]) -> list[bool]:
    """Per word of a clause, whether its part (parts end at an "and" outside the phrase: "we ship and now and then
    publish") says it is a side matter; what comes second in a preference is one too ("research matters more than
    shipping", "we ship rather than publish", "instead of papers, ...")."""
    inside = {j for i, word in enumerate(clause) for p in SIDE_BY_FIRST.get(word, ())  # phrases said from word i
              if tuple(clause[i:i + len(p)]) == p for j in range(i, i + len(p))}
    parts = list(accumulate(int(w == "and" and i not in inside) for i, w in enumerate(clause)))
    sides = {parts[i] for i in inside}
    out = [part in sides for part in parts]
    if clause[0] in SECOND_CHOICE:
        return [True] * len(clause)
    than = next((i for i, w in enumerate(clause) if w == "than" and "more" in clause[:i]), None)
    return out if than is None else out[:than] + [True] * (len(clause) - than)


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A crude stem, the same for messages and phrases: "publishing", "published", "publishes" -> "publish";
    "shipping" -> "ship"; "models" -> "model"."""
    word = word.strip("'").removesuffix("'s")
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith(("ss", "us", "is")):
            base = word[: -len(suffix)]
            if suffix == "es" and not base.endswith(("sh", "ch", "x", "z", "ss")):
                base = word[:-1]
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsaeiou":
                base = base[:-1]
            word = base
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") and not word.endswith("ee") else word


@lru_cache(maxsize=4096)
def _phrase(phrase: str) -> tuple[list[str], bool]:
    """A phrase's stems, and whether it is itself a denial: read once, not once per message."""
    said = words(phrase)
    return [stem(w) for w in said if w[0].isalnum()], any(is_negator(w) for w in said)


def find(said: list[Word], phrase: str) -> list[tuple[bool, bool]]:
    """Each place `phrase` (compared by stems) is said: whether it is denied there (its first word is; a phrase
    that is itself a denial, "definitely not", only by negators before it), and whether it is said as a side
    matter. A denial of having it ("we have no models in production") says nothing of the work: not a place."""
    wanted, denial = _phrase(phrase)
    size = len(wanted)
    if not size:
        return []
    stems = [stem(w.text) for w in said]
    if wanted[0] not in stems:
        return []
    found = []
    for i in range(len(said) - size + 1):
        if stems[i:i + size] == wanted and not said[i].owned:  # "we have zero models in production" says
            before = [w for w in said[:i] if w.clause == said[i].clause and w.negator]  # what they have, not
            found.append((len(before) % 2 == 1 if denial else said[i].denied, said[i].side))  # the work
    return found


def hedged(text: str) -> bool:
    """Whether the message hedges ("maybe", "kind of", "I guess", "probably")."""
    said = words(text)
    return bool(HEDGES & set(said)) or any(
        tuple(said[i:i + len(p)]) == p for p in HEDGE_PHRASES for i in range(len(said)))
