"""Pydantic models of the knowledge base files in `knowledge/`.

Every YAML file holds one topic under one or more of these top-level keys:
`sources`, `facts`, `roles`, `terms`, `intents`, `starters`, `vocabulary`, `diagnostic`, `signals`.
"""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.knowledge.ids import Intent, Level, Region, Role, Tier

AS_OF = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Strict(BaseModel):
    """A knowledge-base record: unknown keys are errors, and records are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """One seed article: where a fact comes from."""

    file: str
    publisher: str
    title: str
    published: str | None = None
    as_of: str = Field(description="YYYY-MM: the default as-of date of the facts taken from it")
    basis: str = Field(description="what the article's figures rest on")

    @field_validator("as_of")
    @classmethod
    def _as_of(cls, v: str) -> str:
        if not AS_OF.match(v):
            raise ValueError("must be YYYY-MM")
        return v


class Fact(Strict):
    """One statement the bot may say, with where it comes from and whom it describes.

    The selectors (roles, level, tier, region) say which questions it answers; empty means any.
    """

    id: str
    topic: Intent
    text: str
    source: str
    roles: list[Role] = []
    level: Level | None = None
    levels: list[Level] = Field(default=[], description="further levels the fact describes, besides `level`")
    tier: Tier | None = None
    region: Region | None = None
    tags: list[str] = []
    population: str | None = None
    as_of: str | None = None
    caveats: list[str] = Field(default=[], description="ids of other facts said with this one")
    values: dict[str, float] = Field(default={}, description="the figures of `text`, for computations")
    dated: bool = Field(default=False, description="a market figure that goes stale (comp, time-to-fill)")

    @field_validator("as_of")
    @classmethod
    def _as_of(cls, v: str | None) -> str | None:
        if v is not None and not AS_OF.match(v):
            raise ValueError("must be YYYY-MM")
        return v

    @model_validator(mode="after")
    def _figures_need_population(self) -> "Fact":
        if self.values and not self.population:
            raise ValueError("a fact with values needs a population")
        return self


class RoleProfile(Strict):
    """A role the bot knows by name."""

    id: Role
    name: str
    short: str
    one_liner: str
    source: str
    core: bool = Field(default=False, description="one of the four roles hirebot recommends")
    nearest: list[Role] = Field(default=[], description="roles whose figures to offer when this one has none")


class Term(Strict):
    """A glossary entry."""

    term: str
    aliases: list[str] = []
    definition: str
    source: str


class IntentSpec(Strict):
    """An intent: what it means, example phrasings, and the cue words that point to it."""

    id: Intent
    label: str = Field(description="what the user wants, in a few words (shown in help)")
    examples: list[str] = Field(min_length=1)
    cues: dict[str, float] = Field(default={}, description="normalised word or phrase -> weight")
    needs_cue: bool = Field(default=False, description="a message longer than a follow-up asks about it only when it "
                            "says one of its cues ('senior MLE at a frontier lab?' may still be pay)")


class Vocabulary(Strict):
    """Surface forms of entity values: canonical id -> phrases (abbreviations, synonyms)."""

    roles: dict[Role, list[str]]
    levels: dict[Level, list[str]]
    tiers: dict[Tier, list[str]]
    regions: dict[Region, list[str]]
    abbreviations: dict[str, str] = Field(default={}, description="slang -> expansion, applied before matching")
    outside_roles: dict[str, Role | None] = Field(
        default={}, description="a title the sources do not describe -> the nearest role they do (None: none)")
    forecast: list[str] = Field(
        default=[], description="phrases that ask where the market is going: the answer says it is no forecast")
    loose_titles: dict[str, Role] = Field(
        default={}, description="role phrases that name their role only alone: beside another role or a title the "
        "sources do not describe they are a title of their own, that role the nearest ('AS vs ML scientist')")
    forecast_asked: dict[Literal["future", "change", "asked"], list[str]] = Field(
        default={}, description="a future and a change word in a clause that asks, or a prediction asked for: a "
        "question that asks for a forecast (out of scope; a figure as it stood)")
    work_kinds: dict[str, Role] = Field(
        default={}, description="a kind of ML work the sources split roles by -> the role that does it")
    other_fields: list[str] = Field(
        default=[], description="fields whose research roles are not ML's (\"research scientist in chemistry\")")
    chat: list[str] = Field(default=[], description="words of tone and chat shorthand ('lol', 'tbh'): known, and "
                            "no sign of a topic the sources do not cover")
    askers: dict[Literal["candidate", "personal", "seeking", "hiring"], list[str]] = Field(
        default={}, description="phrases that show who is asking: a candidate about their own career, or a hirer; "
        "'personal' ones are a candidate's only in a message that says I, me or my, or a 'seeking' phrase (a job "
        "seeker's view: \"hard to get\", \"new grads\")")

    def nearest_role(self, title: str) -> Role | None:
        """The role the sources describe nearest to a title they do not (an outside or a loose title)."""
        return self.outside_roles.get(title) or self.loose_titles.get(title)


class DiagnosticChoice(Strict):
    """One answer to a diagnostic question and where it points."""

    id: str
    label: str
    synonyms: list[str] = Field(default=[], description="typed answers, matched when this question is asked")
    cues: list[str] = Field(default=[], description="phrases that answer it in any message, so it is skipped")
    meaning: list[str] = Field(
        default=[], description="words that point to it in a typed answer to its question (each one counts)")
    opposite: str | None = Field(default=None, description="the choice a denial of this one means (\"won't publish\")")
    implies: dict[str, str] = Field(default={}, description="earlier question id -> the choice this answer implies")
    tiers: list[Tier] = Field(default=[], description="employer_tier entity values that answer it")
    scores: dict[Role, float] = Field(default={}, description="role id -> points")
    reason: str = Field(description="why this answer points where it does (said in the recommendation)")


class DiagnosticQuestion(Strict):
    """One question of the walk-through, from a seed."""

    id: str
    short: str = Field(description="a few words naming the question, for reasons and 'left open' lines")
    text: str
    why: str
    source: str
    open: str = Field(description="what a 'not sure' answer leaves open")
    ask_if: dict[str, list[str]] = Field(default={}, description="earlier question id -> answers that ask this")
    choices: list[DiagnosticChoice] = Field(min_length=2)


class Recommendation(Strict):
    """A role the walk-through can recommend, with the seed's one-line case for it."""

    role: Role
    reason: str
    source: str
    work: str = Field(description="the work to put in a req for this role")


class DiagnosticWarning(Strict):
    """A seed warning said with a recommendation when its conditions hold (all of them)."""

    id: str
    text: str
    source: str
    population: str | None = None
    roles: list[Role] = Field(default=[], description="recommended roles it applies to; empty means any")
    answers: dict[str, list[str]] = Field(default={}, description="question id -> answers it applies to")
    sure_only: bool = Field(default=False, description="said only with a sure recommendation (it says how to "
                            "scope the role)")


class DiagnosticRule(Strict):
    """A seed rule that settles the recommendation as soon as its answers are known (all of them)."""

    id: str
    answers: dict[str, list[str]] = Field(min_length=1, description="question id -> answers it applies to")
    role: Role
    text: str = Field(description="what is said when it decides (no figures)")
    source: str


class DiagnosticCommands(Strict):
    """Words that steer the walk-through at any step."""

    back: list[str] = Field(min_length=1)
    restart: list[str] = Field(min_length=1)
    cancel: list[str] = Field(min_length=1)
    not_sure: list[str] = Field(min_length=1)
    explain: list[str] = Field(min_length=1, description="asking what the current question means")


class Diagnostic(Strict):
    """The diagnostic walk-through as data: questions, choices and how answers score roles.

    `recommendations` are in tie-break order (the first wins a tie).
    """

    intro: str
    commands: DiagnosticCommands
    questions: list[DiagnosticQuestion] = Field(min_length=1)
    recommendations: list[Recommendation] = Field(min_length=1)
    warnings: list[DiagnosticWarning] = []
    rules: list[DiagnosticRule] = []

    @model_validator(mode="after")
    def _consistent(self) -> "Diagnostic":
        seen: dict[str, set[str]] = {}
        for q in self.questions:
            if q.id in seen:
                raise ValueError(f"question {q.id!r} defined twice")
            ids = [c.id for c in q.choices]
            if len(set(ids)) != len(ids) or "not_sure" in ids:
                raise ValueError(f"question {q.id!r}: choice ids must be unique and not 'not_sure'")
            for ref, answers in q.ask_if.items():
                if ref not in seen or not set(answers) <= seen[ref] | {"not_sure"}:
                    raise ValueError(f"question {q.id!r}: ask_if must name earlier questions and their choices")
            seen[q.id] = set(ids)
        roles = [r.role for r in self.recommendations]
        if len(set(roles)) != len(roles):
            raise ValueError("a role is recommended twice")
        for q in self.questions:
            for c in q.choices:
                if not set(c.scores) <= set(roles):
                    raise ValueError(f"question {q.id!r}, choice {c.id!r}: scores a role with no recommendation")
        for item in [*self.warnings, *self.rules]:
            for ref, answers in item.answers.items():
                if ref not in seen or not set(answers) <= seen[ref] | {"not_sure"}:
                    raise ValueError(f"{item.id!r}: answers must name questions and their choices")
        for q in self.questions:
            for c in q.choices:
                if c.opposite is not None and c.opposite not in seen[q.id]:
                    raise ValueError(f"question {q.id!r}, choice {c.id!r}: opposite is not a choice of it")
                for ref, implied in c.implies.items():
                    if ref not in seen or implied not in seen[ref]:
                        raise ValueError(f"question {q.id!r}, choice {c.id!r}: implies an unknown answer")
        if any(r.role not in roles for r in self.rules):
            raise ValueError("a rule recommends a role with no recommendation")
        return self


class SignalGroup(Strict):
    """Phrases of a req's text that point to one role, grounded in what a seed says the role does."""

    role: Role
    source: str
    basis: str = Field(description="the seed's words this group rests on")
    weight: float = Field(gt=0, description="how strongly one phrase of the group points to the role")
    requirements_only: bool = Field(default=False, description="counts only in a req's requirements")
    phrases: list[str] = Field(min_length=1, description="whole words; a trailing * also matches longer words")


class ReqSignals(Strict):
    """How req titles and req text point to roles (used by the req analysis)."""

    families: dict[Role, str] = Field(description="roles of one family are not a mismatch of each other")
    titles: dict[Role, list[str]] = Field(description="title phrases naming each role")
    work: list[SignalGroup] = Field(min_length=1)


class Uncovered(Strict):
    """A sub-topic the sources do not cover: declined by name, with the nearest thing they do cover."""

    topic: str = Field(description="what is not covered, as said in 'my sources don't cover ...'")
    phrases: list[str] = Field(min_length=1, description="whole words or phrases of a question that ask about it")
    nearest: list[str] = Field(default=[], description="ids of the facts nearest to it, said labelled")
    ask: list[str] = Field(default=[], description="questions the sources can answer instead (buttons)")
    forecast: bool = Field(default=False, description="the topic a question asking for a forecast is declined as "
                           "(vocabulary.yaml forecast_asked), unless it asks a figure: that is given as it stood")


class Starter(Strict):
    """An example question offered to a newcomer (App Home buttons, the assistant pane's suggested prompts)."""

    title: str = Field(min_length=1, max_length=40, description="the short label on the button")
    question: str = Field(min_length=1, max_length=300, description="what choosing it asks")
    intent: Intent = Field(description="what the question asks (tests check the engine understands it so)")


class KnowledgeFile(Strict):
    """The shape of one YAML file: any of the sections below."""

    sources: list[Source] = []
    facts: list[Fact] = []
    roles: list[RoleProfile] = []
    terms: list[Term] = []
    intents: list[IntentSpec] = []
    starters: list[Starter] = []
    vocabulary: Vocabulary | None = None
    diagnostic: Diagnostic | None = None
    signals: ReqSignals | None = None
    uncovered: list[Uncovered] = []
