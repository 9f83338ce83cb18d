"""The diagnostic walk-through: a small state machine from "MLE or applied scientist?" to a recommendation.

Pure: `step(kb, state, heard, now, respond)` returns the new state (JSON-serialisable, or None when the
walk-through is over) and the Answer. The questions, their choices and how answers score the roles are data
(`knowledge/diagnostic.yaml`); this module only walks them. `respond` is the normal composer, called for a
question asked in the middle of the walk-through.

State: {"status": "active" | "done", "current": question id | None, "asked": [ids answered here, in order],
"answers": {question id: choice id | "not_sure"}, "given": [ids answered up front], "level", "tier",
"updated": epoch seconds, "result": {"role", "runner_up"} when done}.
"""

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from itertools import dropwhile

from rapidfuzz import fuzz

from bot.engine import polarity
from bot.engine.answer import add_stale_note, article, cap, cite
from bot.engine.types import Answer, Choice, Cited, Entities
from bot.engine.understand import Understanding
from bot.knowledge import KnowledgeBase
from bot.knowledge.ids import TIER_NAMES
from bot.knowledge.lookup import select
from bot.knowledge.models import Diagnostic, DiagnosticChoice, DiagnosticQuestion, DiagnosticRule, Fact

Respond = Callable[[Understanding], Answer]

CODE = "diag/"  # buttons: diag/<question>/<choice>, diag/back ... (survives clean())
NOT_SURE = "not_sure"
EXPIRE_SECONDS = 7 * 24 * 3600
FUZZY = 85
COMMAND_WORDS = 4
QUESTION_WORDS = {"what", "what's", "whats", "how", "who", "where", "when", "which", "why", "can", "could",
                  "do", "does", "is", "are", "should", "tell", "explain", "define"}
OPENERS = {"actually", "ok", "okay", "so", "and", "but", "hmm", "also", "oh", "btw", "quick", "sorry"}
NOT_INFO = {"choose_role", "out_of_scope", "help"}
RULE_MARGIN = 6.0  # a seed rule decides as surely as the clearest margin of points
QUOTE_WORDS = 8  # of a typed answer, quoted back when it is not understood
ASIDE_WORDS = 4
FIGURES = frozenset({"median", "range", "base"})
PLAN = (  # topic, what it is called in a gap line, the fact tags to keep (None: any), how many facts
    ("compensation", "pay figures", FIGURES, 2),
    ("time_to_fill", "time-to-fill figures", FIGURES, 2),
    ("sourcing_channels", "sourcing channels", None, 3),
    ("interview_loop", "interview-loop details", None, 6),
    ("credentials", "credential guidance", None, 3),
)
REQ_TOPICS = ("compensation", "time_to_fill", "credentials")
MAX_REASONS = 3  # reasons said with a recommendation
SIDE_WEIGHT = 0.4  # of a phrase's weight said as a side matter ("papers on the side"): under one word said outright
REASON_WORDS = 12  # words of what that answer means
SURE = 0.8  # the confidence from which the recommendation is said without hedging
CLOSE_AT_FRONTIER = {"applied_scientist", "research_scientist"}
CLOSE_MARGIN = 2  # points between the top two roles that make a close call
_PUNCTUATION = re.compile(r"[^\w'+\-/ ]+")
_JOINS = r"(?:and|but|so|because|though)"
_CLAUSES = re.compile(rf"[.;,!?()]+\s*(?:{_JOINS}\s+)?|\s+{_JOINS}\s+|\s+-+\s+")  # where a clause ends
QUOTE_STOP = {"them", "they", "their", "into", "with", "work", "works", "doing", "mostly", "that", "this", "have",
              "from", "what", "your", "will", "team", "need", "needs", "some", "just", "really"}


def wants(state: dict | None, heard: Understanding) -> bool:
    """Whether this message is the walk-through's: one is under way, one is asked for, or a button of it."""
    return bool(state) or heard.intent == "choose_role" or heard.raw.strip().lower().startswith(CODE)


def step(
    kb: KnowledgeBase,
    state: dict | None,
    heard: Understanding,
    now: float,
    respond: Respond,
    today: date | None = None,
    earlier: tuple[str, ...] = (),
) -> tuple[dict | None, Answer]:
    """Advance the walk-through by one message. Returns (state to keep or None, what to say). `earlier`: the
    thread's earlier messages, whose answers a new walk-through takes as given."""
    diag = kb.diagnostic
    if diag is None:
        return None, respond(heard)
    walk = Walk(kb, diag, heard, respond, today, earlier)
    note = None
    if state and not _valid(diag, state):
        state = None
    if state and now - state.get("updated", now) > EXPIRE_SECONDS:
        if state["status"] == "active":
            note = "Your earlier walk-through was idle for over a week and has expired; its answers are gone."
        state = None
    if state is None:
        new, reply = walk.fresh()
    elif state["status"] == "done":
        new, reply = walk.after(state)
    else:
        new, reply = walk.turn(state)
    if note:
        reply.notes.append(note)
    if new is not None:
        new["updated"] = now
    return new, reply


def _valid(diag: Diagnostic, state: dict) -> bool:
    """A saved state still fits the questions (the YAML may have changed since it was saved)."""
    questions = {q.id: {c.id for c in q.choices} | {NOT_SURE} for q in diag.questions}
    try:
        answers_ok = all(questions[q] >= {c} for q, c in state["answers"].items())
        current_ok = state["current"] in questions if state["status"] == "active" else True
        return answers_ok and current_ok and all(q in questions for q in state["asked"] + state["given"])
    except (KeyError, TypeError, AttributeError):
        return False


def normalise(text: str) -> str:
    """Lower case, straight quotes, punctuation other than ' + - / dropped, single spaces."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    return " ".join(_PUNCTUATION.sub(" ", text).split())


@lru_cache(maxsize=4096)
def _phrase(phrase: str) -> str:
    """`normalise` for the knowledge base's phrases (labels, synonyms, cues, commands): done once per phrase,
    not once per phrase per message."""
    return normalise(phrase)


def _contains(text: str, phrase: str) -> bool:
    return f" {_phrase(phrase)} " in f" {text} "


def _fuzzy(text: str, phrases: list[str]) -> float:
    """The best typo-tolerant ratio of a phrase against the whole (short) text or a same-length run of its
    words ("Shiping models")."""
    best = 0.0
    words = text.split()
    for phrase in phrases:
        plain = _phrase(phrase)
        if len(plain) < 4:
            continue
        size = len(plain.split())
        runs = [" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1))]
        ratio = max(fuzz.ratio(run, plain) for run in runs)
        if len(words) <= 6:
            ratio = max(ratio, fuzz.ratio(text, plain))
        best = max(best, ratio)
    return best


def _said(said: list[polarity.Word], phrases: list[str]) -> tuple[float, float]:
    """The length of the longest of `phrases` said (0: none), and of the longest denied ("won't publish"); one said
    as a side matter ("papers on the side") counts SIDE_WEIGHT of its length, unless it says the side matter
    itself ("rarely", "nice to have")."""
    affirmed = denied = 0.0
    for phrase in phrases:
        for negated, side in polarity.find(said, phrase):
            weight = len(phrase) * (SIDE_WEIGHT if side and not polarity.is_side_matter(phrase) else 1)
            if negated:
                denied = max(denied, weight)
            else:
                affirmed = max(affirmed, weight)
    return affirmed, denied


def _command(diag: Diagnostic, text: str) -> str | None:
    """back | restart | cancel | explain when a short message says one."""
    if not text or len(text.split()) > COMMAND_WORDS:
        return None
    for name in ("restart", "cancel", "back", "explain"):
        phrases = getattr(diag.commands, name)
        if any(_contains(text, p) for p in phrases) or max(fuzz.ratio(text, _phrase(p)) for p in phrases) >= 90:
            return name
    return None


def _is_question(raw: str, text: str) -> bool:
    """Ends in "?" or opens with a question word, after any openers ("actually how much would each cost?")."""
    opened = list(dropwhile(OPENERS.__contains__, text.split()))
    return raw.strip().endswith("?") or (bool(opened) and opened[0] in QUESTION_WORDS)


def _clip_words(text: str, limit: int) -> str:
    words = text.split()
    return " ".join(words[:limit]) + ("..." if len(words) > limit else "")


def _quote(text: str, evidence: tuple[set[str], set[str]], limit: int, taken: set[str] = frozenset()) -> str:
    """At most `limit` words of `text`, from the clause that says most of the `evidence` (words that say the
    choice, and words that say it only when denied; a clause: a piece between punctuation or "and"/"but"...),
    starting just before its first such word; the text's start when no clause says any. A quote starts where
    the person made the point, not where they began typing; a side matter ("occasionally ...") counts less. A
    clause quoted already (`taken`) gives way to the next one that says any of the evidence."""
    said, denied = evidence

    def hits(words: list[str]) -> list[int]:  # 2 a word that says it, 1 one that says it by being denied
        negated = any(polarity.is_negator(w) for w in words)
        return [2 * _names(w, said) or int(negated and _names(w, denied)) for w in _content(words)]

    def quote(words: list[str]) -> str:
        first = next((i for i, hit in enumerate(hits([normalise(w) for w in words])) if hit), 0)
        start = max(0, min(first - 2, len(words) - limit))
        return ("..." if start else "") + _clip_words(" ".join(words[start:]), limit)

    pieces = [p.split() for p in _CLAUSES.split(text) if p and p.strip()]
    counts = [(sum(found) * (SIDE_WEIGHT if any(w.side for w in polarity.read(" ".join(p))) else 1), found.count(2))
              for p, found in ((p, hits(normalise(" ".join(p)).split())) for p in pieces)]
    # best first; a tie goes to the clause that says more than it denies, then to the earlier one
    ranked = [pieces[i] for i in sorted(range(len(pieces)), key=lambda i: (-counts[i][0], -counts[i][1], i))
              if counts[i][0]]
    if not ranked:
        return _clip_words(text, limit)
    return next((q for q in map(quote, ranked) if q not in taken), quote(ranked[0]))


def _content(words: list[str]) -> list[str]:
    """Each word, or "" for one too short or too general to point at a choice."""
    return [w if len(w) > 3 and w not in QUOTE_STOP else "" for w in words]


def _names(word: str, evidence: set[str]) -> bool:
    """Whether `word` is one of `evidence` with another ending ("ships"/"shipping"; not "production"/"producing")."""
    return bool(word) and any(word.startswith(e) or e.startswith(word) for e in evidence)


class Walk:
    """One message's turn through the walk-through."""

    def __init__(self, kb: KnowledgeBase, diag: Diagnostic, heard: Understanding, respond: Respond,
                 today: date | None, earlier: tuple[str, ...] = ()):
        self.kb, self.diag, self.heard, self.respond, self.today = kb, diag, heard, respond, today
        self.earlier = earlier
        self.raw = heard.raw.strip()
        lowered = self.raw.lower()
        self.text = lowered if lowered.startswith(CODE) else normalise(self.raw)  # buttons kept as sent
        self.said = [] if lowered.startswith(CODE) else polarity.read(self.raw)
        self.questions = {q.id: q for q in diag.questions}

    # -- entry points ----------------------------------------------------------------------------------

    def fresh(self) -> tuple[dict | None, Answer]:
        """No walk-through under way: start one, or explain a button of an ended one, or answer normally."""
        if self.text.startswith(CODE) and self.text != f"{CODE}restart":
            return None, Answer(
                intent="choose_role", kind="answer", title="That walk-through has ended",
                lines=["Its buttons no longer apply. Start a new one to get a recommendation."],
                choices=[Choice(label="Start the walk-through", value=f"{CODE}restart")],
                entities=self.heard.entities,
            )
        if self.heard.intent == "choose_role" or self.text == f"{CODE}restart":
            return self.start(keep_cues=True)
        return None, self.respond(self.heard)

    def start(self, keep_cues: bool) -> tuple[dict, Answer]:
        """A new walk-through; with `keep_cues`, what the message already says answers its questions."""
        entities = self.heard.entities
        answers: dict[str, str] = {}
        words: dict[str, str] = {}  # what each answer was said in, to quote back
        if keep_cues:
            for text, found in [*((t, self.cues(polarity.read(t))) for t in self.earlier), (self.raw, self.cues())]:
                answers.update(found)
                words.update(dict.fromkeys(found, " ".join(text.split())))
        state = {
            "status": "active", "current": None, "asked": [], "answers": answers, "given": list(answers),
            "level": entities.level if keep_cues else None, "tier": entities.employer_tier if keep_cues else None,
            "words": words,
        }
        lines = [self.diag.intro]
        if answers:
            lines.append("From your message: " + "; ".join(
                f"{self.questions[q].short}: {self.choice(q, c).label}" for q, c in answers.items()) + ".")
        return self.advance(state, lines, first=True)

    def after(self, state: dict) -> tuple[dict | None, Answer]:
        """A finished walk-through: its next-step buttons, or over to the normal composer."""
        command = _command(self.diag, self.text) or self._code_command()
        if command == "restart" or (command == "back" and not state["asked"]):
            return self.start(keep_cues=False)
        if command == "back":
            return self.back(state)
        if command == "cancel":
            return None, self.cancelled()
        if self.text.startswith("draft a req"):
            return state, self.req_draft(state)
        if self.heard.intent == "choose_role":
            return self.start(keep_cues=True)
        return None, self.respond(self.heard)

    def turn(self, state: dict) -> tuple[dict | None, Answer]:
        """An active walk-through: steer it, take an answer, answer a side question, or re-ask."""
        state = dict(state)
        q = self.questions[state["current"]]
        command = _command(self.diag, self.text) or self._code_command()
        if command == "restart":
            return self.start(keep_cues=False)
        if command == "cancel":
            return None, self.cancelled()
        if command == "back":
            if not state["asked"]:
                return state, self.ask(state, q, ["This is the first question; there is nothing to go back to."])
            return self.back(state)
        if command == "explain":
            return state, self.ask(state, q, ["Why this question matters:"], why=True)
        if not self.text:
            return state, self.ask(state, q, ["I got an empty message. " + self._hint()])
        if self.text.startswith(CODE):
            return self.code(state, q)
        if re.fullmatch(r"[0-9]{1,3}", self.text):
            return self.numbered(state, q)
        if _is_question(self.raw, self.text) and self.heard.intent not in NOT_INFO:
            return state, self.aside(state, q)
        found = self.cues()
        picked, rival = self.match(q, found.get(q.id))
        if picked and rival:
            return state, self.ask(state, q, [
                f'That sounds like both "{self.choice(q.id, picked).label}" and "{self.choice(q.id, rival).label}". '
                "Which one is closer?"])
        if picked:
            return self.answer(state, q, picked)
        elsewhere = {k: v for k, v in found.items() if k != q.id}
        if elsewhere:
            return self.elsewhere(state, q, elsewhere)
        if self.heard.intent == "choose_role":
            return state, self.ask(state, q, ["We're already working that out; this is where we are."])
        if _is_question(self.raw, self.text) or (
            self.heard.intent not in NOT_INFO and not self.heard.ambiguous and len(self.text.split()) >= ASIDE_WORDS
        ):
            return state, self.aside(state, q)
        return state, self.ask(state, q, [self._unclear() + " " + self._hint()])

    # -- moves -----------------------------------------------------------------------------------------

    def answer(self, state: dict, q: DiagnosticQuestion, choice: str) -> tuple[dict, Answer]:
        """Record `choice` for `q`, and what the same message says to questions still to come, and move on."""
        state = {**state, "answers": {**state["answers"], q.id: choice}, "asked": [*state["asked"], q.id]}
        if not self.raw.startswith(CODE) and not self.raw.strip().isdigit():  # typed: keep their words
            self.keep_words(state, [q.id])
        noted = {k: v for k, v in self.cues().items() if k not in state["answers"]} if self.said else {}
        return self.advance(state, [self.note(state, noted, "Also from your message")] if noted else [])

    def keep_words(self, state: dict, ids: list[str]) -> None:
        """Remember this message's typed words as the answer to each question in `ids`, to quote back."""
        state["words"] = {**state.get("words", {}), **dict.fromkeys(ids, " ".join(self.raw.split()))}

    def note(self, state: dict, noted: dict[str, str], heading: str) -> str:
        """Record what this typed message answers to questions not being asked (and its words, to quote back);
        the line that says so."""
        state["answers"] = {**state["answers"], **noted}
        state["given"] = [*state["given"], *noted]
        self.keep_words(state, list(noted))
        return f"{heading}: " + "; ".join(
            f"{self.questions[k].short}: {self.choice(k, v).label}" for k, v in noted.items()) + "."

    def back(self, state: dict) -> tuple[dict, Answer]:
        """Forget the last answer given here and ask its question again."""
        previous = state["asked"][-1]
        answers = {k: v for k, v in state["answers"].items() if k != previous}
        state = {**state, "status": "active", "current": previous, "asked": state["asked"][:-1],
                 "answers": answers, "result": None}
        return state, self.ask(state, self.questions[previous], ["Back one question."])

    def advance(self, state: dict, lines: list[str], first: bool = False) -> tuple[dict, Answer]:
        """Ask the next unanswered question that applies, or recommend when none is left."""
        rule = self.rule(state["answers"])
        if rule is not None:
            return self.finish(state, [*lines, rule.text], decided=rule.role)
        following = self.next_question(state["answers"])
        if following is None:
            return self.finish(state, lines)
        state = {**state, "status": "active", "current": following.id}
        return state, self.ask(state, following, lines, why=True, first=first)

    def next_question(self, answers: dict[str, str]) -> DiagnosticQuestion | None:
        """The first question not yet answered whose `ask_if` holds, or None."""
        for q in self.diag.questions:
            if q.id not in answers and self.applies(q, answers):
                return q
        return None

    def rule(self, answers: dict[str, str]) -> DiagnosticRule | None:
        """The first seed rule whose answers are all given, or None."""
        return next((r for r in self.diag.rules
                     if all(answers.get(q) in allowed for q, allowed in r.answers.items())), None)

    @staticmethod
    def applies(q: DiagnosticQuestion, answers: dict[str, str]) -> bool:
        """Whether the answers so far ask `q` (its `ask_if` holds)."""
        return all(answers.get(ref) in allowed for ref, allowed in q.ask_if.items())

    def code(self, state: dict, q: DiagnosticQuestion) -> tuple[dict, Answer]:
        """A button: `diag/<question>/<choice>`; one of another question gets a re-ask."""
        parts = self.text[len(CODE):].split("/")
        if len(parts) == 2 and parts[0] == q.id and parts[1] in {c.id for c in q.choices} | {NOT_SURE}:
            return self.answer(state, q, parts[1])
        if len(parts) == 2 and parts[0] in state["answers"]:
            return state, self.ask(state, q, [
                "That button answers an earlier question. Say \"back\" to change that answer; this is the "
                "question now."])
        return state, self.ask(state, q, ["That button isn't one of this question's choices. " + self._hint()])

    def numbered(self, state: dict, q: DiagnosticQuestion) -> tuple[dict, Answer]:
        """A typed number picks that choice, as in `hirebot chat`."""
        options = self.ask(state, q, []).choices
        number = int(self.text)
        if 1 <= number <= len(options):
            self.text = options[number - 1].value
            return self.turn(state)
        return state, self.ask(state, q, ["There is no choice with that number here. " + self._hint()])

    def match(self, q: DiagnosticQuestion, cued: str | None = None) -> tuple[str | None, str | None]:
        """The choice (or "not_sure") a typed answer means, and a rival when two fit equally well. In order: the
        longest phrase it says (a denied one counts for its choice's opposite; of two that fit equally well, the
        one `cued` names wins), `cued` (what the message's cue phrases say or imply), the employer_tier entity,
        the most meaning words, then a typo-tolerant match of a short answer that denies nothing."""
        strong: dict[str, float] = {}
        for c in q.choices:
            said, denied = _said(self.said, [c.label, *c.synonyms])
            if said:
                strong[c.id] = max(strong.get(c.id, 0), said)
            if denied and c.opposite:
                strong[c.opposite] = max(strong.get(c.opposite, 0), denied)
        unsure, _ = _said(self.said, self.diag.commands.not_sure)
        ranked = sorted(strong.items(), key=lambda kv: -kv[1])
        if ranked and ranked[0][1] > unsure:
            (best, top), rival = ranked[0], ranked[1] if len(ranked) > 1 else (None, 0)
            if top - rival[1] >= 3:
                return best, None
            if cued and cued in (best, rival[0]):  # a cue phrase answers by itself: "series B fintech" is the stage
                return cued, None
            return best, rival[0]
        if unsure:
            return NOT_SURE, None
        if cued:
            return cued, None
        tier = self.heard.entities.employer_tier
        by_tier = [c for c in q.choices if tier and tier in c.tiers]
        if by_tier:
            return by_tier[0].id, None
        weak = sorted(self.meaning(q).items(), key=lambda kv: -kv[1])
        if weak:
            (best, top), (second, next_) = weak[0], [*weak, (None, 0)][1]
            return best, second if next_ == top else None
        if any(polarity.is_negator(w.text) for w in self.said):
            return None, None  # a denial that named no choice: "not really" is not a typo of "both really"
        if _fuzzy(self.text, self.diag.commands.not_sure) >= FUZZY + 5 and len(self.text.split()) <= 6:
            return NOT_SURE, None
        ratios = sorted(((_fuzzy(self.text, [c.label, *c.synonyms]), c.id) for c in q.choices), reverse=True)
        return (ratios[0][1], None) if ratios[0][0] >= FUZZY else (None, None)

    def meaning(self, q: DiagnosticQuestion) -> dict[str, float]:
        """Per choice, how many of its meaning words the answer says (a denied one counts for the opposite)."""
        weak: dict[str, float] = {}
        for c in q.choices:
            for word in c.meaning:
                for denied, side in set(polarity.find(self.said, word)):
                    target = c.opposite if denied else c.id
                    if target:
                        weak[target] = weak.get(target, 0) + (SIDE_WEIGHT if side else 1)
        return weak

    def cues(self, said: list[polarity.Word] | None = None) -> dict[str, str]:
        """Questions the message (or `said`, an earlier one) answers by itself: a choice's cue phrase (a denied
        one counts for its opposite, one said as a side matter less), else the tier entity ("a Series C AI
        infrastructure company" is the AI-infrastructure choice, not any Series C), and the earlier answers those
        imply."""
        found: dict[str, str] = {}
        tier = self.heard.entities.employer_tier if said is None else None
        said = self.said if said is None else said
        for q in self.diag.questions:
            by_tier = [c for c in q.choices if tier and tier in c.tiers]
            strong: dict[str, float] = {}
            for c in q.choices:
                affirmed, denied = _said(said, c.cues)
                if affirmed:
                    strong[c.id] = max(strong.get(c.id, 0), affirmed)
                if denied and c.opposite:
                    strong[c.opposite] = max(strong.get(c.opposite, 0), denied)
            scored = sorted(strong.items(), key=lambda kv: -kv[1])
            if scored and (len(scored) == 1 or scored[1][1] < scored[0][1]):
                found[q.id] = scored[0][0]
            elif by_tier:
                found[q.id] = by_tier[0].id
        for q, c in list(found.items()):
            for ref, implied in self.choice(q, c).implies.items():
                found.setdefault(ref, implied)
        return found

    def elsewhere(self, state: dict, q: DiagnosticQuestion, found: dict[str, str]) -> tuple[dict, Answer]:
        """An answer to a question not being asked: kept when that question is still to come; then a seed rule
        it completes decides, or `q` is asked again."""
        noted = {k: v for k, v in found.items() if k not in state["answers"]}
        if not noted:
            return state, self.ask(state, q, ['That answers a question you already answered; say "back" to change it.',
                                              "This question is still open."])
        line = self.note(state, noted, "Noted for later")
        rule = self.rule(state["answers"])
        if rule is not None:
            return self.finish(state, [rule.text], decided=rule.role)
        return state, self.ask(state, q, [line, "This question is still open."])

    def aside(self, state: dict, q: DiagnosticQuestion) -> Answer:
        """A side question: the normal answer, then this question again."""
        reply = self.respond(self.heard)
        again = self.ask(state, q, [])
        reply.notes.append(f"Back to the walk-through: {q.text}")
        reply.choices = [*reply.choices, *again.choices]
        return reply

    def cancelled(self) -> Answer:
        """What is said when the walk-through is cancelled."""
        return Answer(
            intent="choose_role", title="Walk-through cancelled",
            lines=["Nothing more to answer. Ask me anything, or say \"MLE or applied scientist?\" to start again."],
            entities=self.heard.entities,
        )

    # -- what is said ----------------------------------------------------------------------------------

    def choice(self, question: str, choice: str) -> DiagnosticChoice:
        """A question's choice by id."""
        return next(c for c in self.questions[question].choices if c.id == choice)

    def ask(self, state: dict, q: DiagnosticQuestion, lines: list[str], why: bool = False,
            first: bool = False) -> Answer:
        """Ask `q` after `lines` (and its `why`, with `why`), with its choices, Not sure, Back and Cancel."""
        choices = [Choice(label=c.label, value=f"{CODE}{q.id}/{c.id}") for c in q.choices]
        choices.append(Choice(label="Not sure", value=f"{CODE}{q.id}/{NOT_SURE}"))
        if state["asked"]:
            choices.append(Choice(label="Back", value=f"{CODE}back"))
        choices.append(Choice(label="Cancel", value=f"{CODE}cancel"))
        return Answer(
            intent="choose_role", kind="question", title=q.text, lines=[*lines, q.why] if why else lines,
            choices=choices, entities=self.heard.entities,
            confidence=round(self.heard.confidence, 3) if first else 1.0,
        )

    def _unclear(self) -> str:
        """Says which words were not understood, and that a denial alone does not pick a choice."""
        words = self.raw.split()
        quoted = " ".join(words[:QUOTE_WORDS]) + (" ..." if len(words) > QUOTE_WORDS else "")
        quoted = "your answer" if any(ch.isdigit() for ch in quoted) else f'"{quoted}"'  # a number is no figure
        if any(polarity.is_negator(w.text) for w in self.said):
            return f"I read {quoted} as saying what it is not, but not which of these it is."
        return f"I couldn't tell which of these {quoted} means."

    def _hint(self) -> str:
        return 'Pick a choice, say it in your own words, or say "not sure" ("back" and "cancel" work too).'

    def _code_command(self) -> str | None:
        return {f"{CODE}back": "back", f"{CODE}restart": "restart", f"{CODE}cancel": "cancel"}.get(self.text)

    def tally(self, answers: dict[str, str]) -> dict[str, float]:
        """Each role's points from the answers to the questions that apply."""
        totals = {r.role: 0.0 for r in self.diag.recommendations}
        for q in self.diag.questions:
            picked = answers.get(q.id)
            if picked and picked != NOT_SURE and self.applies(q, answers):
                for role, points in self.choice(q.id, picked).scores.items():
                    totals[role] += points
        return totals

    def finish(self, state: dict, lines: list[str], decided: str | None = None) -> tuple[dict, Answer]:
        """The recommendation, short: the role and how sure (in the headline), the seed's case for it, at most
        three reasons in the person's own words, what is left open, and the next step; the hiring plan is
        behind a button ("More"). `decided`: the role a seed rule settled on (then as sure as the open answers
        allow)."""
        answers = state["answers"]
        totals = self.tally(answers)
        ranked = sorted(totals, key=lambda r: (r != decided, -totals[r]))  # stable: ties keep the listed order
        role, runner = ranked[0], ranked[1]
        open_ = [q for q in self.diag.questions if answers.get(q.id) == NOT_SURE and self.applies(q, answers)]
        margin = RULE_MARGIN if decided else totals[role] - totals[runner]
        confidence = self.confidence(margin, len(open_))
        rec = next(r for r in self.diag.recommendations if r.role == role)
        name, other = self.kb.role_name(role), self.kb.role_name(runner)
        tier = self.tier(state)
        settled = [q for q in self.diag.questions
                   if answers.get(q.id) not in (None, NOT_SURE) and self.applies(q, answers)]
        agree = bool(settled) and not open_ and all(role in self.leaders(q.id, answers[q.id]) for q in settled)
        close = totals[role] - totals[runner] <= CLOSE_MARGIN and {role, runner} == CLOSE_AT_FRONTIER
        headline = f"Hire {article(name)}. {self.how_sure(confidence, agree, close, runner, tier)}"
        lines = [*lines, rec.reason]
        why = self.reasons(state, role, [q for q in settled if role in self.choice(q.id, answers[q.id]).scores])
        if why:
            lines.append("Why: " + "; ".join(why) + ".")
        else:
            lines.append(f"None of your answers settled it; the sources' default is that most companies need "
                         f"{article(self.kb.role_name(self.diag.recommendations[0].role))} first.")
        if open_:
            lines.append(f"Left open: {', '.join(q.short.lower() for q in open_)}; settle it before sourcing.")
        sure = confidence >= SURE and not open_
        warnings = self.warnings(role, answers, sure)[:1]
        level = state.get("level")
        who = f"{level} {name}" if level else name
        step = ("answer what is left open (start over), then scope the req" if open_ else
                "open a req with this scoping" if sure else f"compare with {article(other)} before you scope the req")
        lines.append(f"Next: {step}. The hiring plan (pay, time-to-fill, sourcing, loop) is behind the button.")
        facts, _ = self.plan(role, level, tier)
        choices = [
            Choice(label="Open a req with this scoping", value=f"draft a req for {article(who)}",
                   req=self.req_fields(role, level, tier)),
            Choice(label=f"Compare with {other}", value=f"compare {name} and {other}"),
            Choice(label="Start over", value=f"{CODE}restart"),
        ]
        reply = Answer(
            intent="choose_role", kind="answer", title=f"Hire {article(name)}", headline=headline,
            confidence=confidence, lines=lines, facts=warnings, more=facts, more_label="The hiring plan",
            choices=choices,
            entities=Entities(roles=[role], level=level, employer_tier=tier, region=self.heard.entities.region),
        )
        add_stale_note(reply)
        done = {**state, "status": "done", "current": None, "result": {"role": role, "runner_up": runner}}
        return done, reply

    def leaders(self, question: str, choice: str) -> list[str]:
        """The roles an answer points to most."""
        scores = self.choice(question, choice).scores
        return [r for r in scores if scores[r] == max(scores.values())] if scores else []

    def reasons(self, state: dict, role: str, questions: list[DiagnosticQuestion]) -> list[str]:
        """At most MAX_REASONS reasons, each what the person said ("the clause") and what it means. The answers
        that point most to `role` pick their clause first; another answer from the same message quotes its own
        next-best clause, and one with none left is not said twice."""
        def weight(q: DiagnosticQuestion) -> float:
            return self.choice(q.id, state["answers"][q.id]).scores[role]

        quotes: dict[str, str] = {}
        for q in sorted(questions, key=weight, reverse=True):
            c = self.choice(q.id, state["answers"][q.id])
            said = state.get("words", {}).get(q.id)
            quote = _quote(said, self.evidence(q, c), QUOTE_WORDS, set(quotes.values())) if said else c.label
            if quote not in quotes.values():
                quotes[q.id] = quote
        return [f'"{quotes[q.id]}" ({self.means(state, q)})' for q in questions if q.id in quotes][:MAX_REASONS]

    def means(self, state: dict, q: DiagnosticQuestion) -> str:
        """What the answer to `q` means for the roles, in a few words."""
        return _clip_words(self.choice(q.id, state["answers"][q.id]).reason.split(";")[0].split(":")[0].rstrip("."),
                           REASON_WORDS)

    def evidence(self, q: DiagnosticQuestion, c: DiagnosticChoice) -> tuple[set[str], set[str]]:
        """The words that say choice `c` (its own phrases, less those another choice uses too, plus the words of
        the employer tiers it stands for: "at our Series D company"), and those that say it only when denied
        (the phrases of the choices it is the opposite of: "nobody publishes" means no research depth)."""
        def words(phrases: list[str]) -> set[str]:
            return {w for p in phrases for w in _content(normalise(p).split()) if w}

        def said(choices: list[DiagnosticChoice]) -> set[str]:
            return words([p for o in choices for p in [o.label, *o.synonyms, *o.cues, *o.meaning]])

        denied = [o for o in q.choices if o.opposite == c.id]
        shared = said([o for o in q.choices if o is not c])  # "model" says shipping and research alike
        vocabulary = self.kb.vocabulary
        tiers = words([p for t in c.tiers for p in vocabulary.tiers.get(t, [])]) if vocabulary else set()
        return said([c]) - shared | tiers, said(denied)

    def how_sure(self, confidence: float, agree: bool, close: bool, runner: str, tier: str | None) -> str:
        """How sure, calibrated: sure only when every answer agrees; close calls say so, and at a frontier lab
        the sources make applied and research scientist close (`close`: they are the top two, points apart)."""
        other = self.kb.role_name(runner)
        if close and tier == "frontier_lab":
            return (f"At a frontier lab it is close with {article(other)}: one employer's research scientist "
                    "can be the same job as another's applied scientist.")
        if agree and confidence >= SURE:
            return "I'm sure: everything you told me points there."
        if confidence >= SURE:
            return f"Fairly sure; {other} is the runner-up, well behind."
        if confidence >= 0.55:
            return f"Leaning this way; {other} is a close runner-up."
        return f"Not sure: {other} is close, so settle what is left open before sourcing."

    @staticmethod
    def confidence(margin: float, unsure: int) -> float:
        """0.5 on a tie up to 0.95 on a clear margin; each "not sure" takes a sixth off."""
        sure = 0.5 + 0.45 * min(max(margin, 0.0), 6.0) / 6.0
        return round(max(0.2, sure * (1 - unsure / 6)), 2)

    def tier(self, state: dict) -> str | None:
        """The employer tier: from the tier answer (its first tier id), else as the person named it."""
        for q in self.diag.questions:
            picked = state["answers"].get(q.id)
            if picked and picked != NOT_SURE:
                tiers = self.choice(q.id, picked).tiers
                if tiers:
                    return state.get("tier") if state.get("tier") in tiers else tiers[0]
        return state.get("tier")

    def warnings(self, role: str, answers: dict[str, str], sure: bool = True) -> list[Cited]:
        """The seed warnings whose conditions hold, cited with their source (`sure_only` ones only when `sure`)."""
        said = []
        for w in self.diag.warnings:
            if (w.roles and role not in w.roles) or (w.sure_only and not sure):
                continue
            if all(answers.get(q) in allowed for q, allowed in w.answers.items()):
                said.append(Cited(text=w.text, source=w.source, population=w.population,
                                  as_of=self.kb.sources[w.source].as_of))  # the loader checked the source
        return said

    def plan(
        self, role: str, level: str | None, tier: str | None, topics: tuple = PLAN
    ) -> tuple[list[Cited], list[str]]:
        """The hiring plan's facts for the role, and a line for each topic where the sources fall short."""
        cited: list[Cited] = []
        gaps: list[str] = []
        for topic, called, tags, count in topics:
            facts, gap = self.topic_facts(topic, tags, role, level, tier)
            said = [cite(self.kb, f, self.today) for f in facts[:1 if gap else count]]  # stand-ins: the nearest
            for c in said if gap else []:  # the stand-in says what it is not
                missing = gap.format(topic=called, role=self.kb.role_name(role)).split(";")[0].split(".")[0]
                c.label = f"{c.population or 'nearest population'}: {missing[:1].lower()}{missing[1:]}"
            cited += said
            if gap:
                gaps.append(gap.format(topic=called, role=self.kb.role_name(role)))
        return cited, gaps

    def topic_facts(
        self, topic: str, tags: frozenset | None, role: str, level: str | None, tier: str | None
    ) -> tuple[list[Fact], str]:
        """Facts of one plan topic about the role, at the person's level and tier, relaxing level, then tier,
        then falling back to the role's nearest roles; the gap line (a format string) says what was relaxed."""
        def own(who: str, lvl: str | None = None, tr: str | None = None) -> list[Fact]:
            return [f for f in select(self.kb, topic, [who], lvl, tr, tags=tags) if who in f.roles]

        found = own(role, level, tier) or own(role, None, tier)
        if found:
            return found, ""
        found = own(role)
        if found:
            where = TIER_NAMES.get(tier or "", "your")
            return found, f"For {where} employers the sources give no {{topic}} for {{role}}s; below is the " \
                          "nearest population they cover, labelled."
        for other in self.kb.roles[role].nearest if role in self.kb.roles else []:
            found = own(other, level)
            if found:
                return found, (f"The sources give no {{topic}} for {{role}}s; the nearest they have are for "
                               f"{self.kb.role_name(other)}s, below. They do not describe {{role}}s.")
        return [], "The sources give no {topic} for {role}s."

    def req_fields(self, role: str, level: str | None, tier: str | None) -> dict[str, str]:
        """A req for the recommendation: level and role as its title, the employer tier, and as its description
        the work in the person's own words (the thread's messages that answered a question), then as the
        sources describe the role's work."""
        rec = next(r for r in self.diag.recommendations if r.role == role)
        told = [t.strip() for t in (*self.earlier, self.raw)
                if t.strip() and not t.lower().startswith(CODE) and self.cues(polarity.read(t))]
        fields = {"title": cap(f"{level} {self.kb.role_name(role)}" if level else self.kb.role_name(role)),
                  "description": "\n\n".join([*dict.fromkeys(told), " ".join(rec.work.split())])}
        fields.update({k: v for k, v in (("level", level), ("employer_tier", tier)) if v})
        return fields

    def req_draft(self, state: dict) -> Answer:
        """A req scoped from the walk-through's answers (the reqs checker can then review it)."""
        role = state["result"]["role"]
        rec = next(r for r in self.diag.recommendations if r.role == role)
        level = state.get("level")
        title = cap(f"{level} {self.kb.role_name(role)}" if level else self.kb.role_name(role))
        tier = self.tier(state)
        lines = [f"Title: {title}", f"The work: {rec.work}"]
        if tier:
            lines.append(f"Employer: {TIER_NAMES[tier]}")
        lines.append("Budget the band, the timeline and the must-haves from the figures below.")
        facts, gaps = self.plan(role, level, tier, tuple(t for t in PLAN if t[0] in REQ_TOPICS))
        lines += gaps
        reply = Answer(
            intent="review_req", title=f"Req scoping: {title}", lines=lines, facts=facts,
            choices=[Choice(label="Start over", value=f"{CODE}restart")],
            suggestions=["paste the full job description and I'll check it for mis-scoping"],
            entities=Entities(roles=[role], level=level, employer_tier=tier),
        )
        add_stale_note(reply)
        return reply
