"""The currency between the engine and the renderers: what was understood and what to say."""

from pydantic import BaseModel, Field


class Entities(BaseModel):
    """The four entity kinds of CONTRACT.md; absent ones are None ([] for roles)."""

    roles: list[str] = []
    level: str | None = None
    employer_tier: str | None = None
    region: str | None = None


class Cited(BaseModel):
    """A fact as the bot says it, with where it comes from."""

    text: str
    source: str
    population: str | None = None
    as_of: str | None = None
    stale: bool = Field(default=False, description="a market figure older than six months")


class Choice(BaseModel):
    """A button (in the terminal: a numbered choice). Choosing it sends `value` as the user's message, except
    where the surface has a req form and `req` is set: there it opens the form filled in with these fields."""

    label: str
    value: str
    req: dict[str, str] | None = Field(default=None, description="req fields (CONTRACT.md's names) to prefill")


class Answer(BaseModel):
    """What the engine says, independent of any surface.

    Rendered in this order: title, lines, facts, notes, choices, suggestions, then a sources line.
    """

    intent: str
    confidence: float = 1.0
    entities: Entities = Entities()
    title: str
    lines: list[str] = Field(default=[], description="prose that is not a fact (no figures)")
    facts: list[Cited] = []
    notes: list[str] = Field(default=[], description="caveats and warnings, said after the facts")
    choices: list[Choice] = []
    suggestions: list[str] = Field(default=[], description="follow-up questions the user may ask next")
    kind: str = Field(default="answer", description="answer | question | declined | error")

    @property
    def sources(self) -> list[str]:
        """The seed files behind the facts, in order of first use."""
        return list(dict.fromkeys(f.source for f in self.facts))
