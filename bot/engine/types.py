"""The currency between the engine and the renderers: what was understood and what to say."""

from pydantic import BaseModel, Field


class Entities(BaseModel):
    """The four entity kinds of CONTRACT.md; absent ones are None ([] for roles)."""

    roles: list[str] = Field(default_factory=list)
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
    label: str | None = Field(default=None, description="what the reader must be told beside the fact: the "
                              "population it describes, when that is not the one asked about")


class Choice(BaseModel):
    """A button (in the terminal: a numbered choice). Choosing it sends `value` as the user's message, except
    where the surface has a req form and `req` is set: there it opens the form filled in with these fields."""

    label: str
    value: str
    req: dict[str, str] | None = Field(default=None, description="req fields (CONTRACT.md's names) to prefill")


class Answer(BaseModel):
    """What the engine says, independent of any surface.

    Rendered in this order: headline (or the title when there is none), lines, facts, notes, choices,
    suggestions, then a sources line; `more` only when the reader asks for it ("More").
    """

    intent: str
    confidence: float = 1.0
    entities: Entities = Field(default_factory=Entities)
    title: str = Field(description="a short label of the answer (a thread title, a fallback headline)")
    headline: str = Field(default="", description="the direct answer in one or two sentences, written from "
                          "the facts the engine selected")
    lines: list[str] = Field(default_factory=list, description="prose that is not a fact (no figures)")
    basis: list[Cited] = Field(default_factory=list, description="the facts the headline says (cited, not repeated)")
    facts: list[Cited] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="caveats and warnings, said after the facts")
    more: list[Cited] = Field(default_factory=list, description="further facts, shown behind a 'More' button")
    more_label: str = Field(default="More", description="the label of the button that shows `more`")
    source_names: dict[str, str] = Field(default_factory=dict, description="seed file -> publisher, title and date")
    choices: list[Choice] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list, description="follow-up questions the user may ask next")
    kind: str = Field(default="answer", description="answer | question | declined | error")

    @property
    def first_line(self) -> str:
        """The headline, or the title for an answer without one (a question, a notice)."""
        return self.headline or self.title

    @property
    def sources(self) -> list[str]:
        """The seed files behind the facts (those behind "More" too), in order of first use."""
        return list(dict.fromkeys(f.source for f in self.cited))

    @property
    def cited(self) -> list[Cited]:
        """Every fact the answer rests on: the headline's, the supporting ones and those behind "More"."""
        return [*self.basis, *self.facts, *self.more]
