"""Pydantic models of the knowledge base files in `knowledge/`.

Every YAML file holds one topic under one or more of these top-level keys:
`sources`, `facts`, `roles`, `terms`, `intents`, `vocabulary`, `diagnostic`.
"""

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.knowledge.ids import Intent, Level, Region, Role, Tier

AS_OF = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Strict(BaseModel):
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


class Vocabulary(Strict):
    """Surface forms of entity values: canonical id -> phrases (abbreviations, synonyms)."""

    roles: dict[Role, list[str]]
    levels: dict[Level, list[str]]
    tiers: dict[Tier, list[str]]
    regions: dict[Region, list[str]]
    abbreviations: dict[str, str] = Field(default={}, description="slang -> expansion, applied before matching")


class DiagnosticChoice(Strict):
    id: str
    label: str
    synonyms: list[str] = []
    scores: dict[str, float] = Field(default={}, description="role id or signal -> points")


class DiagnosticQuestion(Strict):
    id: str
    text: str
    why: str
    source: str
    choices: list[DiagnosticChoice] = Field(min_length=2)


class Recommendation(Strict):
    role: Role
    reason: str
    source: str


class Diagnostic(Strict):
    """The diagnostic walk-through as data: questions, choices and how answers score roles."""

    intro: str
    questions: list[DiagnosticQuestion] = Field(min_length=1)
    recommendations: list[Recommendation] = []
    warnings: dict[str, str] = {}


class KnowledgeFile(Strict):
    """The shape of one YAML file: any of the sections below."""

    sources: list[Source] = []
    facts: list[Fact] = []
    roles: list[RoleProfile] = []
    terms: list[Term] = []
    intents: list[IntentSpec] = []
    vocabulary: Vocabulary | None = None
    diagnostic: Diagnostic | None = None
