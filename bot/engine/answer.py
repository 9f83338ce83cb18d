"""Compose answers: an understood message + the conversation's context -> an Answer built from KB facts only.

Every figure in an Answer comes from a `Fact` (cited with source, population and as-of date); the prose
written here carries no figures.
"""

import hashlib
import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from itertools import dropwhile

from bot.engine import nearest, pay, reqs
from bot.engine.entities import singular
from bot.engine.types import Answer, Choice, Cited, Entities
from bot.engine.understand import ACKS, ANAPHORS, FOLLOWUP_WORDS, HIRE_WORDS, Understanding
from bot.knowledge import KnowledgeBase
from bot.knowledge.ids import INTENTS, LEVELS, ROLES
from bot.knowledge.models import Fact, Uncovered

CHOICE = "ask:"
PAIRS = [("ml_engineer", "applied_scientist"), ("research_engineer", "applied_scientist"),
         ("research_scientist", "ml_engineer")]
STALE_MONTHS = 6
MAX_FACTS = 8
LOOKUP_FACTS = 4  # at most this many supporting facts in a look-up's short answer; the rest are behind "More"
LOOKUP_WORDS = 90  # ...and no more words than this for the headline and those facts (~120 with footer, sources)
COMPARE_FACTS = 2
SOURCE_WORDS = 3  # "(as of YYYY-MM)" and its separator, per source in the sources line
LOOKUP_BUDGET = 120  # words a look-up's short answer may take, all told; supporting facts beyond go behind "More"
BUDGETS = {"compare_roles": 180, "review_req": 400, "help": 200, "out_of_scope": 150}
EXPLAINING = {"define_term", "day_to_day", "compare_roles"}  # answers that say what a role is
SIDE_TAGS = {"caveat", "disagreement"}  # said in a footer or a "sources differ" line, never as the answer
RESEARCH_ROLES = {"applied_scientist", "research_scientist", "research_engineer"}
FIGURE_TOPICS = {"compensation", "time_to_fill", "talent_pool"}
# what a fact must be to head an answer of the topic: a figure of the kind asked, a rung of a ladder
HEADLINE_TAGS = {"compensation": {"median", "range", "base", "leadership", "premium"},
                 "time_to_fill": {"median", "range"}, "career_ladder": {"rung"}}
NOUNS = {
    "compensation": "pay", "time_to_fill": "time-to-fill", "talent_pool": "talent-pool",
    "sourcing_channels": "sourcing channels", "interview_loop": "interview loop", "credentials": "credentials",
    "skills": "skills", "day_to_day": "day-to-day work", "career_ladder": "career ladder",
    "hiring_pitfalls": "hiring pitfalls", "compare_roles": "comparison",
}
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
BASIS_ASKED = re.compile(r"\bbase\b.{0,30}\b(or|vs|versus)\b.{0,12}\btotal\b|\btotal\b.{0,30}\b(or|vs|versus)\b.{0,12}"
                         r"\bbase\b|\b(is|was) (that|it|this)( figure| number)? (base|total)\b|"
                         r"\b(does|do|did) (that|it|this|those|these)( figure| number)? includ\w* (the )?(stock|equity|"
                         r"bonus|bonuses|rsus?)\b|\bjust (the )?(base|salary)\b", re.IGNORECASE)
FORECAST_TOPICS = {"compensation", "time_to_fill", "talent_pool"}  # figures a question may ask to project
NO_FORECAST = "My sources are a snapshot and make no forecast."
UNDECLINED = {"review_req", "define_term"}  # a pasted req or a term may mention a bonus or a visa
PASTED_WORDS = 15  # a req check shorter than this pastes no req: "write an inclusive job posting" asks how
WHY = re.compile(r"\b(why|how come|what drives|what explains|reason|reasons)\b", re.IGNORECASE)
REASON = re.compile(r"\b(because|since|explains?|reflects?|driven by|due to)\b")  # a fact that gives a reason
SAME = re.compile(r"(the )?same (thing|question|deal|goes|holds?|for|but|again|applies|number|figure)\b|"
                  r"does the same\b|"
                  r"is the same true\b|(does|would|will) (that|it|this) (apply|hold)\b")  # said first: "same thing but
# for London", "does the same hold for REs", "does that apply to REs too?"
POINTERS = ANAPHORS - {"and", "per", "why", "so"}  # words that point back at what was said: "is that normal?"
WEIGHING = {"normal", "typical", "usual", "unusual", "common", "standard", "insane", "crazy", "wild", "reasonable",
            "realistic", "fair", "high", "low", "higher", "lower", "steep", "expensive", "cheap", "accurate", "right",
            "true", "correct", "legit", "enough"}  # "is that normal?": a word that weighs what the thread just said
WEIGHING_WORDS = 10  # such a message may be this long ("wait, is that lower or higher than the US?")
OPENERS = ACKS | {"hm", "hmm", "ah", "oh", "wow", "wait", "huh", "ugh", "right", "so", "um", "uh"}  # said first, not
# part of what follows ("hm, and the openai-type places?" goes on as "and ...")
ASKS_WHY = re.compile(r"(why|how come)\b")  # opening a message: asks the reason for what the thread just said
VARIES = re.compile(r"\b(does|would|will|do|can|could) (that|it|this|those|these) (change|differ|vary|shift|move|"
                    r"look different|be different)|"
                    r"\b(is|are|would) (that|it|this|those|these) (be )?(any |much |very )?different\b")  # "does
# that change a lot if the company is openai": the thread's topic, for that company
PICKS = re.compile(r"\bwhich (one|of (them|those|these|the two))\b|\b(between|of) (them|those|these|the two)\b|"
                   r"\beither (one|of them)\b")  # picks among what the thread named
SOURCED = re.compile(r"\bwhere (does|did|do) (the |that |this |those |these |your |it )?\S*( \S+)? come from\b|"
                     r"\bwhere did you get (that|this|it|the)\b|\bsource (for|of) (that|this|it|the)\b")
ASIDE = re.compile(r"\b(unrelated|off topic|off-topic|different question|diff question|random question|btw|by the way|"
                   r"side note|totally different)\b|@", re.IGNORECASE)  # a message that says it leaves the thread
GAP = re.compile(r"\b(gap|difference|differ|compare|compared|versus|vs|between the two|both of them|each)\b")
TIMED_TOPICS = {"interview_loop", "career_ladder"}  # topics with lengths of their own (a loop's, a rung's)
HOW_LONG = re.compile(r"\b(how long|how many (years|months)|how soon|till|until|years|time (spent|in|at)|"
                      r"(spend|spent|sit|stay) at)\b")
TOP = re.compile(r"\b(top|highest|most senior|ceiling|max|maximum|how high|how far up)\b")  # asks the last rung
NEXT = re.compile(r"\b(next|after|above|beyond|past|move up|step up)\b")  # asks what comes above a level
TOWARD = ("till|until|to|reach|reaches|reaching|make|makes|making|made|become|becomes|becoming|hit|hits|get to|"
          "gets to")  # before a level: where people go ("how long till senior", "makes staff")
DURATION = re.compile(r"\b\d+(-\d+)? (years|months)\b")  # a fact that says how long
SAY_MORE = re.compile(  # asking for more of the thread's last answer: "tell me more", "example?", "why so?"
    r"(?:(?:ok|okay|thanks|thx|cool|great|hmm|and|so|pls|please)\W+)*(?:(?:can|could) you\W+)?"
    r"(?:tell me more|say more|more|more please|more details?|details|go on|elaborate|expand on (?:that|this)|"
    r"(?:give me |any )?(?:an? )?examples?|for (?:example|instance)|why|why so)\W*")
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
    """Answer one understood message. Returns the Answer and the conversation context to keep. Asked for more
    of the last answer ("tell me more", "example?"), the thread's topic is answered again with what was behind
    "More" in front."""
    says_more = bool(context.get("intent")) and SAY_MORE.fullmatch(heard.text) is not None
    if says_more:
        heard = heard.model_copy(update={"followup": True, "ambiguous": False})
    intent, entities, term = _resolve(heard, context)
    ask = Ask(kb, intent, entities, heard, term, today or date.today())
    pasted = intent in UNDECLINED and (intent != "review_req" or len(heard.raw.split()) >= PASTED_WORDS)
    uncovered = None if pasted or BASIS_ASKED.search(heard.raw) else uncovered_topic(kb, heard.text)  # "does that
    # include bonus?" asks what a figure is
    projects = not pasted and (heard.forecast or bool(uncovered and uncovered.forecast))  # asks for a forecast
    forecasts = next((u for u in kb.uncovered if u.forecast), None) if projects else None
    if projects and intent in FORECAST_TOPICS:
        uncovered = None  # the figure as it stood, if the question names whose ("will ML pay drop?" does not)
    elif forecasts:
        uncovered = forecasts
    reply = _not_covered(ask, uncovered) if uncovered else COMPOSERS.get(intent, _lookup)(ask)
    if projects and reply.kind != "answer" and forecasts:
        uncovered, reply = forecasts, _not_covered(ask, forecasts)
    if uncovered:
        intent = "out_of_scope"
    seen = set(context.get("shown", [])) if says_more else set()
    if says_more and reply.kind == "answer":
        _say_more(reply, seen)
    if heard.ambiguous and not heard.followup and reply.kind == "answer":
        reply.choices += _did_you_mean(ask)
    reply.intent = intent
    reply.entities = entities
    reply.confidence = round(heard.confidence, 3)
    add_stale_note(reply)
    if projects and reply.kind == "answer":
        reply.headline = f"{NO_FORECAST} {reply.headline or ''}".strip()
        reply.intent = "out_of_scope"  # a forecast: not covered; the thread keeps the figure's topic
    else:
        add_forecast_note(kb, heard.text, reply)
    if reply.kind == "answer" and _beyond_sources(ask):
        reply.intent = "out_of_scope"  # answered with the nearest roles' facts; the thread keeps the topic
    if not uncovered:
        _differ(ask, reply)
    name_sources(kb, reply)
    fit(reply)
    keep = dict(context)
    if intent not in ROLE_FREE or (reply.kind == "answer" and intent == "define_term"):
        keep = remember(intent, entities, term)
        keep["shown"] = sorted(seen | {_key(f) for f in [*reply.basis, *reply.facts]})  # what "more" skips
        before = [r for r in context.get("roles", []) if r not in entities.roles]
        if intent == context.get("intent") and entities.roles and before:  # "and an MLE?" after AS pay: "what's
            keep["before"] = before  # the gap?" then sets the two side by side
    return reply, keep


def _say_more(reply: Answer, seen: set[str]) -> None:
    """The answer's facts not shown yet in the thread (`seen`: their keys), the first as the headline, without
    what was said already (headline, lines, notes); or the answer again, saying there is no more."""
    new = [f for f in [*reply.facts, *reply.more] if _key(f) not in seen]
    if new:  # the first of them heads the answer, with the population it describes when that is not the one asked
        first = new[0]
        reply.headline = f"{first.text} [{first.label}]" if first.label else first.text
        reply.basis, reply.facts, reply.more, reply.notes, reply.lines = [first], new[1:], [], [], []
        reply.title = f"{reply.title} (more)"
    else:
        reply.notes.insert(0, "That is all my sources say about it.")


def _key(fact: Cited) -> str:
    """A short key of a fact said, to remember in the thread which were shown."""
    return hashlib.blake2s(fact.text.encode(), digest_size=4).hexdigest()


def remember(intent: str, entities: Entities, term: str | None = None) -> dict:
    """The conversation context an answer leaves: what a follow-up ("and in Europe?") builds on."""
    return {"intent": intent, **entities.model_dump(), "term": term}


def _resolve(heard: Understanding, context: dict) -> tuple[str, Entities, str | None]:
    """Apply the conversation's context. An elliptical follow-up ("and in Europe?") keeps the last intent and
    changes only what it names; a message that continues the thread ("what about MLE comp?") or names no role
    keeps the slots it leaves out; a comparison naming one role sets it against the thread's, and a gap asked
    after one role's figure and then another's ("and an MLE?", "so what's the gap?") sets those two side by side;
    a new, complete question starts fresh."""
    said = heard.entities
    previous = context.get("intent")
    if (previous in FIGURE_TOPICS and context.get("before") and not said.roles and GAP.search(heard.text)
            and heard.intent in (previous, "compare_roles", "out_of_scope")):  # "so what's the gap in %?"
        both = said.model_copy(update={"roles": [*context["before"], *context.get("roles", [])]})
        return previous, _inherit(both, context), heard.term
    points_back = heard.refers and heard.intent == "out_of_scope"  # "why so high?": nothing else named
    points_back = points_back or _how_long_of(heard, previous)
    if (heard.followup or points_back or (heard.lean and heard.lean == previous)) and previous:  # a lean the
        return previous, _inherit(said, context), heard.term or context.get("term")  # thread bears out is taken
    topic = thread_topic(heard, context)  # "same but for London?", "is that normal?", "which of those"
    if topic:
        return topic, _inherit(said, context), heard.term or context.get("term")
    if heard.guess and previous and context.get("roles") and _points_at_thread(heard):  # "is that a mistake?"
        return heard.guess, _inherit(said, context), heard.term  # about the thread's roles: its topic is asked
    earlier = [r for r in context.get("roles", []) if r not in said.roles]
    if heard.intent == "compare_roles" and len(said.roles) == 1 and earlier and previous:
        # "how's that different from an AS?" after research engineers compares the two; "vs MLEs?" after a
        # figure (pay, time to fill, the pool) compares that figure
        both = said.model_copy(update={"roles": [earlier[0], *said.roles]})
        if previous in FIGURE_TOPICS and (len(heard.raw.split()) <= FOLLOWUP_WORDS
                                          or ANAPHORS & set(heard.text.split())):  # "how does that compare"
            return previous, _inherit(both, context), heard.term
        return heard.intent, both, heard.term
    continues = heard.text.startswith(CONTINUATIONS) and heard.intent not in ROLE_FREE
    if previous and (continues or (heard.intent not in ROLE_FREE and not said.roles and context.get("roles"))):
        return heard.intent, _inherit(said, context), heard.term
    return heard.intent, said, heard.term


def thread_topic(heard: Understanding, context: dict) -> str | None:
    """The topic a message asks of the thread though its own words lean elsewhere or nowhere (None: it does
    not). The thread's, when it opens by saying it is the same question ("same thing but for a London team",
    "does the same hold for REs?"), or, with no clear topic of its own, says so later, weighs what was just said
    ("is that normal?", "is that true at startups too?"), asks whether it changes ("does that change if the company
    is OpenAI?"), where a figure comes from ("where does the 4% come from?") or why ("how come it drags on that
    long?"), names the thread's topic pointing at or weighing it ("6+ hours of interviews is standard??"), goes on
    from it naming only an employer, a level or a region ("and if we compete with the large labs?") or goes on
    from it ("ok and MLEs, do they need one?");
    or when it picks among what was just listed ("out of those, which one is most predictive?") without asking
    for a hire. Declined on its own words but going on from the thread ("nice, and realistic time until someone
    accepts?") without saying it is an aside ("and unrelated, but...", "and @dana can you..."): the topic a
    clear word of it names, if any ("and what's the weather in London?" names none)."""
    previous = context.get("intent")
    words = set(heard.text.split())
    if previous is None or heard.intent == previous:
        return None
    opened = " ".join(dropwhile(OPENERS.__contains__, heard.text.split()))  # "nice, and ..." goes on as "and"
    unsure = heard.intent == "out_of_scope" or heard.ambiguous
    same = SAME.match(opened) or (unsure and SAME.search(heard.text))
    weighs = unsure and _points_at_thread(heard, WEIGHING_WORDS) and bool(words & WEIGHING)
    asks_why = unsure and ASKS_WHY.match(opened) is not None and _points_at_thread(heard, WEIGHING_WORDS)  # "wow, how
    # come it drags on that long?"
    echoes = (heard.intent == "out_of_scope" and heard.named == previous and not _elsewhere(heard)  # declined, but
              and bool(words & (POINTERS | WEIGHING)) and not ASIDE.search(heard.raw))  # naming the thread's topic
    # and pointing at or weighing what it said ("6+ hours of interviews is standard??" after the loop; not "where
    # can I buy a used car" after sourcing)
    varies = unsure and VARIES.search(heard.text) is not None and not _elsewhere(heard)
    sourced = unsure and SOURCED.search(heard.text) is not None  # "where does the 4% come from?"
    entities = heard.entities
    moves = (heard.intent in ("out_of_scope", "define_term") and opened.startswith(CONTINUATIONS)
             and not _elsewhere(heard)
             and not heard.strange and heard.named is None
             and bool(entities.employer_tier or entities.region or entities.level))  # "and if we're competing with
    # the large labs?": the thread's question, for that employer (not "and the weather in London?")
    goes_on = heard.ambiguous and heard.intent not in ROLE_FREE and opened.startswith(CONTINUATIONS)
    picks = (heard.intent == "choose_role" and previous != "choose_role" and not heard.entities.roles
             and bool(words & {"those", "these", "them"} or "which one" in heard.text)
             and not {singular(w) for w in words} & (HIRE_WORDS | {"need"}))  # "which one do we need?" is a hire
    if same or weighs or asks_why or echoes or varies or sourced or moves or goes_on or picks:
        return previous
    if (heard.intent == "out_of_scope" and previous not in ROLE_FREE and opened.startswith(CONTINUATIONS)
            and not _elsewhere(heard) and not ASIDE.search(heard.raw) and heard.named != "choose_role"):
        if heard.named is None and heard.lean not in (None, "choose_role") and words & POINTERS:
            return heard.lean  # "and what does that person do once it ships?" leans to the work of who was meant
        return heard.named
    return None


def picks_among(heard: Understanding, context: dict) -> bool:
    """Whether a message picks among the roles the thread just named ("which one should we hire first?", "which
    of the two?") rather than naming its own."""
    return len(context.get("roles", [])) >= 2 and PICKS.search(heard.text) is not None


def _elsewhere(heard: Understanding) -> bool:
    """Out of scope for what it is, thread or not: a candidate's own question, one in another script, or one
    about titles the sources do not describe."""
    return heard.asker == "candidate" or heard.foreign or bool(heard.outside)


def _points_at_thread(heard: Understanding, most: int = FOLLOWUP_WORDS) -> bool:
    """Short (at most `most` words), names no role and points back ("is that a mistake?", "does it pay well?")."""
    return (len(heard.raw.split()) <= most and not heard.entities.roles
            and bool(POINTERS & set(heard.text.split())))


def _how_long_of(heard: Understanding, previous: str | None) -> bool:
    """Whether a short "how long" after the loop or the ladder asks how long that is ("how long is that in
    total?", "how long at each step?"), not how long a search takes: it names no role and no hiring."""
    hiring = {singular(w) for w in heard.text.split()} & HIRE_WORDS
    return (previous in TIMED_TOPICS and heard.intent in ("time_to_fill", "out_of_scope") and not hiring
            and HOW_LONG.search(heard.text) is not None and not heard.entities.roles
            and len(heard.raw.split()) <= FOLLOWUP_WORDS)


def asks_of_term(heard: Understanding, context: dict) -> bool:
    """Whether a "who"/"which" question right after a definition asks about the term ("who usually produces
    them?"), not which role to hire: it names no role and no hiring."""
    return (context.get("intent") == "define_term" and bool(context.get("term")) and heard.intent == "choose_role"
            and not heard.entities.roles and not {singular(w) for w in heard.text.split()} & HIRE_WORDS)


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

    def cite(self, facts: list[Fact], labelled: bool = False, always: bool = False) -> list[Cited]:
        """The facts as said, each with its source, population and as-of date. `labelled`: each also says the
        population it describes when that is not the one asked about (`always`: in any case)."""
        said = [cite(self.kb, f, self.today) for f in facts]
        if labelled:
            for fact, cited in zip(facts, said, strict=True):
                if always or nearest.gaps(fact, self.entities):
                    cited.label = nearest.label(self.kb, fact)
        return said

    def who(self) -> str:
        """'senior applied scientist' etc., for titles."""
        roles = " vs ".join(self.kb.role_name(r) for r in self.entities.roles) or "ML roles"
        return f"{self.entities.level} {roles}" if self.entities.level else roles

    def caveats(self, facts: list[Fact]) -> list[Fact]:
        """The facts that `facts` name as their caveats and that are not among them already."""
        said = {f.id for f in facts}
        refs = dict.fromkeys(ref for f in facts for ref in f.caveats if ref not in said)
        return [self.kb.facts[ref] for ref in refs]


def _beyond_sources(ask: Ask) -> bool:
    """Whether the question is only about roles named in passing (a data scientist, a software engineer) and the
    sources say nothing of its topic for them ("why do data scientists leave?"): out of scope, though answered
    with the nearest roles' facts. Not their work: the sources give each such role its line."""
    roles = set(ask.entities.roles)
    if not roles or ask.intent in ROLE_FREE | {"day_to_day", "choose_role"}:
        return False
    return not any(ask.kb.roles[r].core for r in roles if r in ask.kb.roles) and not any(
        roles & set(f.roles) for f in ask.kb.topic(ask.intent))


def _did_you_mean(ask: Ask) -> list[Choice]:
    """A button for the runner-up intent when the top two were close."""
    runner = next((i for i, _ in ask.heard.ranked if i != ask.intent and i not in ROLE_FREE), None)
    if runner is None or runner not in ask.kb.intents:
        return []
    return [Choice(label=f"Or: {ask.kb.intents[runner].label}", value=choice_value(runner, ask.entities.roles))]


def add_stale_note(reply: Answer) -> None:
    """Say once, on the footer line, that the answer's market figures are more than six months old."""
    stale = sorted({f.as_of for f in [*reply.basis, *reply.facts] if f.stale and f.as_of})
    if stale:
        said = f"Figures as of {', '.join(stale)}; verify against current data before you commit."
        reply.notes[-1:] = [f"{reply.notes[-1]} {said}"] if reply.notes else [said]


def add_forecast_note(kb: KnowledgeBase, text: str, reply: Answer) -> None:
    """Say first, among the notes, that the sources' figures are no forecast when a question about pay, time to
    fill or the pool asks where the market is going ("will MLE pay keep rising?")."""
    future = kb.vocabulary.forecast if kb.vocabulary else []
    if reply.kind == "answer" and reply.intent in FORECAST_TOPICS and _whole_word(tuple(future)).search(text):
        reply.notes.insert(0, f"{NO_FORECAST} This is where things stood then.")


def words(reply: Answer) -> int:
    """About how many words the answer's short form says: headline, prose, facts with labels, notes, choices,
    suggestions and the sources line."""
    parts = [reply.first_line, *reply.lines, *reply.notes, *reply.suggestions, *(c.label for c in reply.choices)]
    parts += [f"{f.text} {f.label or ''}" for f in reply.facts]
    shown = {f.source for f in [*reply.basis, *reply.facts]}
    parts += [reply.source_names.get(src, src) for src in shown]
    marks = len(reply.facts) + len(reply.notes) + len(reply.choices) + 1  # bullets, "Note:", numbers, "Sources:"
    return sum(len(part.split()) for part in parts) + SOURCE_WORDS * len(shown) + marks


def fit(reply: Answer) -> None:
    """Move supporting facts behind "More", last first, until the short answer fits its intent's budget."""
    budget = BUDGETS.get(reply.intent, LOOKUP_BUDGET)
    while reply.facts and words(reply) > budget:
        reply.more.insert(0, reply.facts.pop())


def name_sources(kb: KnowledgeBase, reply: Answer) -> None:
    """Name each seed the answer cites by publisher, title and date (the file names stay in `sources`)."""
    for file in reply.sources:
        src = kb.sources.get(file)
        if src:
            reply.source_names[file] = f'{src.publisher}, "{src.title.split(":")[0]}"'


def uncovered_topic(kb: KnowledgeBase, text: str) -> Uncovered | None:
    """The sub-topic the sources don't cover that a message asks about, if any: the one whose phrase said
    (whole words) is longest ("referral bonus" is a referral program, not a signing bonus)."""
    phrases = tuple(phrase for item in kb.uncovered for phrase in item.phrases)
    if not _whole_word(phrases).search(text):  # most messages: one pass, not one a phrase
        return None
    said = [(len(phrase), -i, item) for i, item in enumerate(kb.uncovered) for phrase in item.phrases
            if _whole_word((phrase,)).search(text)]
    return max(said, key=lambda t: (t[0], t[1]))[2] if said else None


@lru_cache(maxsize=1024)
def _whole_word(phrases: tuple[str, ...]) -> re.Pattern:
    """Any of `phrases` as whole words, not right after "non", compiled once (not per message); no phrases:
    a pattern that never matches."""
    either = "|".join(map(re.escape, phrases)) or "(?!)"
    return re.compile(rf"(?<!\bnon )\b(?:{either})\b")  # "non-negotiable" says the opposite


def _not_covered(ask: Ask, item: Uncovered) -> Answer:
    """"My sources don't cover X", and the nearest thing they do cover, labelled; never another topic's facts."""
    near = [ask.kb.facts[ref] for ref in item.nearest]
    headline = f"My sources don't cover {item.topic}."
    if near:
        headline += " The nearest thing they cover is below."
    return Answer(intent="out_of_scope", kind="declined", title=f"Not covered: {item.topic}", headline=headline,
                  facts=ask.cite(near, labelled=True, always=True), suggestions=item.ask)


def _differ(ask: Ask, reply: Answer) -> None:
    """Where the seeds disagree about what the answer covers, say so in one line."""
    if reply.kind != "answer":
        return
    roles = set(ask.entities.roles) | {r for r in ask.kb.roles if ask.term and ask.kb.role_name(r) == ask.term}
    topics = {ask.intent, "compare_roles"} if ask.intent in EXPLAINING else {ask.intent}
    for fact in ask.kb.facts.values():
        if "disagreement" in fact.tags and fact.topic in topics and set(fact.roles) & roles:
            reply.basis += ask.cite([fact])
            reply.notes.insert(0, fact.text)
            return


def _role_choices(ask: Ask) -> list[Choice]:
    """A button per core role, asking the same intent about it."""
    return [Choice(label=cap(r.name), value=choice_value(ask.intent, [r.id])) for r in ask.kb.roles.values() if r.core]


def article(name: str) -> str:
    """ "an ML engineer", "a research scientist": the article as the name is said."""
    first = name.split()[0] if name else ""
    vowel = first[:1].lower() in "aeiou" if not first.isupper() else first[:1] in "AEFHILMNORSX"
    return f"an {name}" if vowel else f"a {name}"


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


def _lookup(ask: Ask) -> Answer:
    """A look-up: the headline answers for the population asked about (or says what differs and gives the
    nearest population's fact), then at most a few supporting facts, nearest first; the rest behind "More"."""
    e = ask.entities
    topic = ask.intent
    if topic == "compensation" and not e.roles:
        return _which_role(ask, "Pay")
    pool = [f for f in ask.kb.topic(topic) if not set(f.tags) & SIDE_TAGS]
    said = ""
    if topic == "career_ladder":
        pool, said = _ladder(ask, pool)
        e = ask.entities
    specific = [f for f in pool if set(f.roles) & set(e.roles)] if e.roles else pool
    if not specific:
        return _role_gap(ask, pool)
    ranked = nearest.rank(specific, e, ask.heard.raw)
    figures = [f for f in ranked if _headline_kind(topic, f)]
    if topic == "career_ladder" and not figures:  # a remark about titles is no ladder: say there is none
        return _role_gap(ask, pool)
    first = (figures or ranked)[0]
    reason = next((f for f in ranked if REASON.search(f.text) and (not e.roles or e.roles[0] in f.roles)),
                  None) if WHY.search(ask.heard.raw) else None  # of the role asked first
    if reason:  # "why are AS so expensive?": what explains the figure heads the answer, not the figure again
        first, figures = reason, []
    heads = _each_role(ask, topic, first) if figures else [first]
    first = heads[0]
    rest = [f for f in ranked if all(f is not h for h in heads)]
    missed = [[] if h is reason else nearest.gaps(h, e.model_copy(update={"roles": h.roles})) for h in heads]  # a
    # reason holds for the population asked: "why so high?" after senior top-50 AS pay
    if all(m == missed[0] for m in missed):  # what the figures leave out said once for all of them
        headline, basis = _headline(ask, first, missed[0])
        headline += "".join(f" {h.text}" for h in heads[1:])
        basis += heads[1:]
    else:  # each role's own figure, saying what it leaves out of the population asked
        headline, basis = _headline(ask, first, missed[0], [r for r in e.roles if r in first.roles])
        for head, gap in zip(heads[1:], missed[1:], strict=True):
            headline += " " + _headline(ask, head, gap, head.roles)[0]
            basis.append(head)
    absent = [r for r in e.roles if topic in FIGURE_TOPICS and figures and not any(r in h.roles for h in heads)
              and _nearest_figure(ask, topic, r) is None]  # said of no head, nor in the sources
    if absent:  # "pay for an AS and an RE": the sources have none for the RE, and say so
        headline += f" My sources give no {NOUNS[topic]} figure for {_names(ask, absent)}."
    if topic == "compensation" and len(heads) == 1 and not missed[0]:
        headline = _pay_verdict(ask, first) + headline
    if topic == "compensation" and BASIS_ASKED.search(ask.heard.raw):  # "is that base or total?", "does that
        # include stock?"
        headline = f"That figure is {'base pay' if 'base' in first.tags else 'total comp'}. {headline}"
        base = next((f for f in ask.kb.topic("compensation") if "base" in f.tags and "base" not in first.tags
                     and set(f.roles) & set(first.roles) and f.tier == first.tier), None)  # same population's
        if base is not None:
            headline += f" {base.text}"
            basis.append(base)
    if said:
        headline = f"{said} {headline}"
    adjusts = []  # how the employer or the region asked differs from the figure's, as the sources say
    if topic == "compensation" and e.employer_tier and e.employer_tier != first.tier:
        adjusts.append(_adjustment(ask, "tier_adjustment", lambda f: bool(set(f.roles) & set(first.roles))))
    if topic == "compensation" and e.region and e.region != "us":
        adjusts.append(_adjustment(ask, "region_adjustment", lambda f: f.region == e.region))
    for adjust in filter(None, adjusts):
        basis.append(adjust)
        headline += f" {adjust.text}"
        if "region_adjustment" in adjust.tags and set(e.roles) != {"research_scientist"}:  # other roles asked
            headline += " That is said of research scientists only."  # (the sources' region lines are theirs)
    # facts compared by identity (the knowledge base holds each once), not by pydantic's ==, slow in a loop
    taken = {id(f) for f in specific}
    general = [f for f in pool if not f.roles and id(f) not in taken]  # other roles' facts are not "more"
    short = _within(ask, headline, [f for f in rest if not nearest.contradicts(f, e)])
    shown = {id(f) for f in short}
    more = [f for f in rest + nearest.rank(general, e) if id(f) not in shown]
    more += [f for f in ask.caveats([first, *short]) if f not in more]
    reply = Answer(intent=topic, title=f"{TOPICS.get(topic, topic)}: {ask.who()}", headline=headline,
                   basis=ask.cite(basis), facts=ask.cite(short, labelled=True), more=ask.cite(more, labelled=True))
    _footer(ask, reply, [first, *short])
    reply.more = [c for c in reply.more if c.text not in {b.text for b in reply.basis}]
    return reply


def _adjustment(ask: Ask, tag: str, fits: Callable[[Fact], bool]) -> Fact | None:
    """The first pay fact tagged `tag` (how pay differs by employer category or region) that `fits`."""
    return next((f for f in ask.kb.topic("compensation") if tag in f.tags and fits(f)), None)


def _pay_verdict(ask: Ask, figure: Fact) -> str:
    """Where an amount the question names stands ("is 250k enough for a senior AS?"), said first, against the
    figure for the population asked (never a frontier lab's when none was asked); base salary held to a
    total-comp figure, or the other way round, is said not to be like for like."""
    amount = pay.amount_in(ask.heard.raw)
    unasked = figure.tier == "frontier_lab" and ask.entities.employer_tier != "frontier_lab"  # not the market
    said = pay.verdict(ask.kb, amount, figure) if amount and not unasked else None
    if said is None:
        return ""
    theirs = "base" if "base" in figure.tags else "total"
    yours = next((b for b in ("base", "total") if re.search(rf"\b{b}\b", ask.heard.raw, re.IGNORECASE)), theirs)
    if yours != theirs:
        said += (f" Not like for like: that figure is {'base pay' if theirs == 'base' else 'total comp'}, "
                 f"yours {'base salary' if yours == 'base' else 'total comp'}.")
    return said + " "


def _each_role(ask: Ask, topic: str, first: Fact) -> list[Fact]:
    """The headline figures for a figure question naming several roles: `first`, then the nearest figure for
    each role it does not describe; a figure another one already states is said once."""
    heads = [first]
    for role in ask.entities.roles:
        if not any(role in h.roles for h in heads) and (f := _nearest_figure(ask, topic, role)) is not None:
            heads.append(f)
    kept = [h for h in heads if not any(_repeats(h, o) and not _repeats(o, h) for o in heads if o is not h)]
    return kept or heads


def _within(ask: Ask, headline: str, facts: list[Fact], budget: int = LOOKUP_WORDS) -> list[Fact]:
    """The first of `facts` (at most LOOKUP_FACTS) that fit with the headline in `budget` words, counting the
    population label a fact will carry."""
    used = len(headline.split())
    kept: list[Fact] = []
    for fact in facts[:LOOKUP_FACTS]:
        used += len(fact.text.split())
        if nearest.gaps(fact, ask.entities):
            used += len(nearest.label(ask.kb, fact).split())
        if used > budget:
            break
        kept.append(fact)
    return kept


def _headline_kind(topic: str, fact: Fact) -> bool:
    """Whether a fact can head an answer of `topic`: for the figure topics, a figure of the kind asked; for a
    career ladder, a rung."""
    if topic in HEADLINE_TAGS:
        return bool(HEADLINE_TAGS[topic] & set(fact.tags))
    return True


def _headline(ask: Ask, first: Fact, missed: list[str], roles: list[str] | None = None) -> tuple[str, list[Fact]]:
    """The headline sentence(s) for `first`, the nearest fact; when it does not describe the population
    asked about, says first what it leaves out (for `roles`, else every role asked)."""
    if not missed:
        return first.text, [first]
    what = nearest.missing(ask.kb, missed, ask.entities)
    if what:  # "no senior frontier AI lab pay figure": the gap within the population the figure does describe
        what = " ".join([what, *nearest.held(ask.entities, missed)])
    noun = NOUNS.get(ask.intent, TOPICS.get(ask.intent, ask.intent).lower())
    role = f" for {_names(ask, roles)}" if ask.entities.roles else ""
    if nearest.is_figure(first):
        gap = f"My sources have no {what} {noun} figure{role}." if what else f"My sources have no {noun} figure{role}."
    else:
        gap = f"My sources say nothing on {noun} for {what} employers{role}." if what else \
            f"My sources say nothing on {noun}{role}."
    return f"{gap} Nearest: {first.text}", [first]


def _names(ask: Ask, roles: list[str] | None = None) -> str:
    return " or ".join(ask.kb.role_name(r) + "s" for r in (roles if roles is not None else ask.entities.roles))


def _role_gap(ask: Ask, pool: list[Fact]) -> Answer:
    """No fact of the topic is about the role asked: say so, and offer the nearest role's facts, labelled; the
    work of a role the sources name only in passing (an ML PM, a data scientist) is the one line they give it."""
    kb = ask.kb
    e = ask.entities
    noun = NOUNS.get(ask.intent, TOPICS.get(ask.intent, ask.intent).lower())
    near = [r for role in e.roles for r in (kb.roles[role].nearest if role in kb.roles else [])]
    near += [r for r in dict.fromkeys(x for f in pool for x in f.roles) if r not in near and r not in e.roles]
    said = [kb.roles[r] for r in e.roles if r in kb.roles and not kb.roles[r].core]
    if ask.intent == "day_to_day" and len(e.roles) == 1 and said:  # what the sources say of the role is its work
        profile = said[0]
        cited = Cited(text=profile.one_liner, source=profile.source, as_of=kb.sources[profile.source].as_of)
        return Answer(intent=ask.intent, title=f"Day to day: {ask.who()}", basis=[cited],
                      headline=f"{cap(profile.name)}: {profile.one_liner} My sources say no more of their work.")
    for other in near:
        theirs = nearest.rank([f for f in pool if other in f.roles], e.model_copy(update={"roles": [other]}))
        heads = [f for f in theirs if _headline_kind(ask.intent, f)]
        if heads:
            first = heads[0]
            what = f"{noun} figure" if ask.intent in FIGURE_TOPICS else noun
            also = nearest.missing(kb, nearest.gaps(first, e.model_copy(update={"roles": first.roles})), e)
            nor = f", nor {also} ones" if also else ""
            headline = (f"My sources give no {what} for {_names(ask)}. Nearest they cover, for "
                        f"{kb.role_name(other)}s (not {_names(ask)}{nor}): {first.text}")
            own = [f for f in pool if set(f.roles) & set(e.roles)]  # what the sources do say of the role asked
            short = _within(ask, headline, own + [f for f in theirs if f is not first])
            more = [f for f in own + theirs if f is not first and f not in short]
            reply = Answer(intent=ask.intent, title=f"{TOPICS.get(ask.intent, ask.intent)}: {ask.who()}",
                           headline=headline, basis=ask.cite([first]),
                           facts=ask.cite(short, labelled=True, always=True),
                           more=ask.cite(more, labelled=True, always=True))
            _footer(ask, reply, [first])
            return reply
    return _nothing(ask)


def _footer(ask: Ask, reply: Answer, said: list[Fact]) -> None:
    """One footer line of the caveats that apply: for pay, the offer spread (said of research scientists) with
    research scientist figures, or the equity caveat with frontier figures; at Series A-B, for a research
    role, the sources' "hire an ML engineer first"."""
    e = ask.entities
    notes: list[Fact] = []
    if ask.intent == "compensation":
        refs = [r for f in said for r in f.caveats]
        if "research_scientist" in e.roles and "comp.caveat.offer_spread" in refs:
            notes.append(ask.kb.facts["comp.caveat.offer_spread"])
        elif e.employer_tier == "frontier_lab" and "comp.caveat.equity" in refs:
            notes.append(ask.kb.facts["comp.caveat.equity"])
    if e.employer_tier == "series_a_b" and set(e.roles) & RESEARCH_ROLES and ask.intent != "hiring_pitfalls":
        notes += [f for f in ask.kb.topic("hiring_pitfalls") if "mle_first" in f.tags][:1]
    notes = [f for f in notes if f.text not in {c.text for c in [*reply.basis, *reply.facts]}]
    if notes:
        reply.more = [c for c in reply.more if c.text not in {f.text for f in notes}]
        reply.basis += ask.cite(notes)
        reply.notes.append(" ".join(f.text for f in notes))


def _ladder(ask: Ask, rungs: list[Fact]) -> tuple[list[Fact], str]:
    """The ladder's rungs, and what to say before them. Asked about a level, its own rung comes first; asked what
    comes after it ("what's next after senior?"), the rungs above it (staff and principal are one rung). The level
    asked is then no longer a gap: each rung describes its own level. Asked how long, a rung that says how long
    comes first when it is about where people wait: the level asked ("how long at mid?"), the first of two ("from
    senior to staff"), or the one below a level they go to ("how long till I make senior?": most spend 3-6 years
    at mid); else the answer says first that the sources do not say it. Asked for the top, the highest rung first."""
    level = ask.entities.level
    text = ask.heard.text
    said = ""
    if level in LEVELS:
        ask.entities = ask.entities.model_copy(update={"level": None})
        at = LEVELS.index(level)
        named = [x for x in re.findall(r"[a-z]+", text) if x in LEVELS]
        toward = len(named) == 1 and re.search(rf"\b({TOWARD})\b(\s+\w+){{0,2}}\s+{level}\b", text) is not None
        climbs = NEXT.search(text) is not None and not toward
        order = (1, 0) if climbs else (0, 1)  # the level's own rung and those above it, in this order, first
        rungs = sorted(rungs, key=lambda f: (2 if not _rung(f) else order[0] if at in _rung(f)
                                             else order[1] if min(_rung(f)) > at else 2, f.level != level))
        if HOW_LONG.search(text):
            timed = [f for f in rungs
                     if DURATION.search(f.text) and (_below(f, at, rungs) if toward else at in _rung(f))]
            if not timed:  # another level's duration would read as this one's: left out
                said = (f"My sources don't say how long it takes to reach {level}." if toward else
                        f"My sources don't say how long people spend at the {level} level.")
            rungs = timed + [f for f in rungs if f not in timed and not DURATION.search(f.text)]
    elif TOP.search(text):  # "what's the top IC level for RS?": the highest rung first (of the IC ladder unless
        ic = [i for i, x in enumerate(LEVELS) if x != "manager"]  # management is asked)
        top = range(len(LEVELS)) if re.search(r"\b(manag\w*|director|vp)\b", text) else ic
        rungs = sorted(rungs, key=lambda f: -max((r for r in _rung(f) if r in top), default=-1))
    elif HOW_LONG.search(text):
        rungs = sorted(rungs, key=lambda f: DURATION.search(f.text) is None)
    return rungs, said


def _rung(fact: Fact) -> list[int]:
    """The positions on the ladder of the levels a rung describes (none for a fact that is no rung)."""
    return sorted(LEVELS.index(x) for x in nearest.levels_of(fact))


def _below(rung: Fact, at: int, rungs: list[Fact]) -> bool:
    """Whether `rung` is the one right below position `at` on the ladder (where people wait to reach it)."""
    under = [max(_rung(f)) for f in rungs if _rung(f) and max(_rung(f)) < at]
    return bool(_rung(rung)) and bool(under) and max(_rung(rung)) == max(under)


def _compare(ask: Ask) -> Answer:
    """How roles differ: the headline is the sources' sharpest contrast between them, of the population asked
    about, one naming no role that was not asked before one that does (else each role in one line); then one
    more contrast and each role's nearest pay figure, said unlike-for-like when the two figures describe
    different populations; the rest behind "More"."""
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
    alone = len(roles) == 1 and bool(ask.heard.outside)  # "MLOps engineer or MLE?": the other side is a title
    # the sources do not describe (said first by scope.frame); no third role is brought in for it
    if len(roles) == 1 and not alone:
        near = kb.roles[roles[0]].nearest if roles[0] in kb.roles else []
        roles = roles + near[:1]
        ask.entities = ask.entities.model_copy(update={"roles": roles})
    compared = [] if alone else [f for f in kb.topic("compare_roles") if not set(f.tags) & SIDE_TAGS]
    both = sorted([f for f in compared if set(roles[:2]) <= set(f.roles)],  # nearest population first, then
                  key=lambda f: (-nearest.closeness(f, ask.entities), len(set(f.roles) - set(roles))))  # fewer others
    either = [f for f in compared if set(f.roles) & set(roles) and f not in both]
    profiles = [kb.roles[r] for r in roles[:2] if r in kb.roles]
    if both:
        headline, basis = both[0].text, ask.cite(both[:1])
    else:
        headline = " ".join(f"{cap(p.name)}: {p.one_liner}" for p in profiles) if not alone else (
            f"{cap(article(profiles[0].name))} {profiles[0].one_liner[:1].lower()}{profiles[0].one_liner[1:]}")
        basis = [Cited(text=p.one_liner, source=p.source, as_of=kb.sources[p.source].as_of) for p in profiles]
    pay = [_nearest_figure(ask, "compensation", r) for r in roles[:2]]
    pay_facts = [f for f in pay if f is not None]
    pay_facts = [f for f in pay_facts if not any(_repeats(f, other) for other in pay_facts if other is not f)]
    short = both[1:1 + COMPARE_FACTS - 1]
    more = both[1 + len(short):] + either
    more += [f for r in roles[:2] if (f := _nearest_figure(ask, "time_to_fill", r)) is not None]
    reply = Answer(intent=ask.intent, title=f"Compared: {ask.who()}", headline=headline, basis=basis,
                   facts=ask.cite(pay_facts, labelled=True) + ask.cite(short),  # pay first: fit() trims from the end
                   more=ask.cite([f for f in more if f not in pay_facts], labelled=True))
    if len(pay_facts) == 2 and _population_key(pay_facts[0]) != _population_key(pay_facts[1]):
        reply.notes.append(f"The pay figures are not like for like: {pay_facts[0].population} vs "
                           f"{pay_facts[1].population}.")
    missing = [r for r, f in zip(roles[:2], pay, strict=False) if f is None]
    if missing:
        reply.lines.append(f"My sources give no pay figure for {_names(ask, missing)}.")
    return reply


def _nearest_figure(ask: Ask, topic: str, role: str) -> Fact | None:
    """The figure of `topic` nearest to the population asked about, for one role (None: the sources have none)."""
    figures = [f for f in ask.kb.topic(topic) if role in f.roles and _headline_kind(topic, f)
               and not set(f.tags) & SIDE_TAGS and len(f.roles) == 1]
    ranked = nearest.rank(figures, ask.entities.model_copy(update={"roles": [role]}))
    return ranked[0] if ranked else None


def _repeats(fact: Fact, other: Fact) -> bool:
    """Whether `other`'s text already says every figure of `fact` (then saying `fact` too repeats it)."""
    written = [f"{v:,.0f}" if float(v).is_integer() else f"{v:g}" for v in fact.values.values()]
    return bool(written) and all(w in other.text for w in written)


def _population_key(fact: Fact) -> tuple:
    return (fact.level, fact.tier, fact.region)


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
        headline=f"{cap(term.term)}: {term.definition}",
        basis=[Cited(text=term.definition, source=term.source, as_of=ask.kb.sources[term.source].as_of)],
    )


def _help(ask: Ask) -> Answer:
    if SOURCES_ASKED.search(ask.heard.text):
        return _sources(ask)
    return Answer(
        intent=ask.intent,
        title="I help you scope and hire ML roles",
        headline="I help you scope and hire ML engineers, applied scientists, research engineers and research "
                 "scientists, every figure with its source and date.",
        lines=[
            f"Ask me in your own words about: {_can_do(ask.kb)}.",
            "Say \"MLE or applied scientist?\" for a short walk-through that ends with a recommendation.",
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
        headline="Everything I say comes from three articles, each fact cited with its as-of date:",
        lines=lines,
        more=ask.cite(kb.topic("help")[:MAX_FACTS]),
    )


def _declined(ask: Ask) -> Answer:
    """Out of scope; when the message only leaned toward a topic (`heard.guess`), that topic is asked about; one
    written in another script is said to be unread."""
    reply = Answer(
        intent="out_of_scope",
        kind="declined",
        title="I only know ML hiring",
        headline="I can't answer that from my sources, and I won't guess: I only know hiring for ML roles.",
        lines=[f"For ML engineers, applied scientists, research engineers and research scientists I can tell you "
               f"about: {_can_do(ask.kb)}."],
        suggestions=["comp for a senior applied scientist", "how long does it take to hire an MLE?"],
    )
    if ask.heard.foreign:
        reply.title = "I read English only"
        reply.headline = "I read English only, so I can't tell what this asks. Ask me in English and I'll answer " \
                         "from my sources."
    guess = ask.kb.intents.get(ask.heard.guess or "")
    if guess:
        topic = guess.label.split(":")[0].lower()
        reply.title = "Not sure what you are asking"
        reply.headline = (f"I'm not sure what you're asking, and I won't guess: I only know hiring for ML roles. "
                          f"Is it about {topic}?")
        reply.choices = [Choice(label=f"Yes, {topic}", value=choice_value(guess.id, ask.entities.roles))]
    return reply


def _can_do(kb: KnowledgeBase) -> str:
    """What hirebot answers, in a few words each: the intents' labels up to their colon."""
    return ", ".join(spec.label.split(":")[0].lower() for spec in kb.intents.values() if spec.id not in ROLE_FREE)


def _nothing(ask: Ask) -> Answer:
    return Answer(
        intent=ask.intent,
        kind="declined",
        title="The sources don't cover that",
        headline=f"My sources don't cover {NOUNS.get(ask.intent, ask.intent)} for {ask.who()}.",
        choices=_role_choices(ask),
    )


def _review(ask: Ask) -> Answer:
    """A pasted req or job description, checked for mis-scoping (bot/engine/reqs/)."""
    req, report = reqs.read_pasted(ask.kb, ask.heard.raw)
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
    "compare_roles": _compare,
    "define_term": _define,
    "help": _help,
    "out_of_scope": _declined,
}
