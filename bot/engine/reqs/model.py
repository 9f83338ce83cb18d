"""The req model (CONTRACT.md's JSON shape), its validation, and the report of one analysis."""

import re
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_serializer, model_validator

from bot.engine.types import Cited
from bot.knowledge.ids import Level, Region, Tier

MAX_DESCRIPTION = 50_000
MAX_URL = 3000  # Slack: a button's url is at most 3,000 characters
SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,30}")  # Slack user ids: U… (W… on Enterprise Grid)
TRACKER_URL = re.compile(r"https?://[^\s/?#<>|\x00-\x1f\x7f]+[^\s<>|\x00-\x1f\x7f]*", re.IGNORECASE)
FINDING_KINDS = ("role_mismatch", "stage_mismatch", "comp_below_market", "timeline_unrealistic",
                 "credential_overreach")


class ReqError(ValueError):
    """A req that does not validate; the message names each bad field, `fields` maps field -> problem."""

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.fields = fields or {}


class Req(BaseModel):
    """A job requisition, CONTRACT.md's JSON shape. Only `title` and `description` are required."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str | None = None
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION)
    requirements: str | list[str] | None = None
    level: Level | None = None
    employer_tier: Tier | None = None
    region: Region | None = None
    comp_min: float | None = Field(default=None, ge=0)
    comp_max: float | None = Field(default=None, ge=0)
    currency: str = "USD"
    comp_basis: Literal["base", "total"] | None = Field(
        default=None, description="what the band covers: base salary or total comp; None when unknown")
    target_fill_days: int | None = Field(default=None, gt=0, le=3650)
    requires_phd: bool | None = None
    hiring_manager: str | None = None
    team_lead: str | None = None
    url: str | None = Field(default=None, description="where the req lives in its tracker (Open in tracker)")
    confidential: bool | None = Field(default=None, description="a confidential job: only its lead and manager "
                                      "see it (Greenhouse's `confidential`); None when not")

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) else v

    @field_validator("level", "employer_tier", "region", "hiring_manager", "team_lead", "url", "comp_basis",
                     mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        if isinstance(v, str) and not v.strip():
            return None
        return v.strip().lower() if isinstance(v, str) and v.strip().lower() in ("base", "total") else v

    @field_validator("hiring_manager", "team_lead")
    @classmethod
    def _slack_user(cls, v: str | None) -> str | None:
        if v is not None and not SLACK_USER.fullmatch(v):
            raise ValueError("must be a Slack user id such as U0123ABCD (map Greenhouse users with req map-users)")
        return v

    @field_validator("url")
    @classmethod
    def _tracker_url(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if len(v) > MAX_URL:
            raise ValueError(f"must be at most {MAX_URL:,} characters (Slack's limit for a link button)")
        if not TRACKER_URL.fullmatch(v):
            raise ValueError("must be an http:// or https:// link to the req in its tracker")
        return v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z]{3}", v):
            raise ValueError("must be a 3-letter currency code such as USD")
        return v.upper()

    @model_validator(mode="after")
    def _band(self) -> "Req":
        if self.comp_min is not None and self.comp_max is not None and self.comp_min > self.comp_max:
            raise ValueError("comp_min is larger than comp_max")
        return self

    def requirement_lines(self) -> list[str]:
        """The requirements as a list of lines, whichever way they were given."""
        if self.requirements is None:
            return []
        if isinstance(self.requirements, str):
            return [line for line in self.requirements.splitlines() if line.strip()]
        return [r for r in self.requirements if r.strip()]


def parse_req(data: object) -> Req:
    """Validate one req (a dict); raises ReqError naming every bad field."""
    if not isinstance(data, dict):
        raise ReqError(f"a req must be a JSON object, not {type(data).__name__}")
    try:
        return Req.model_validate(data)
    except ValidationError as err:
        fields = field_errors(err)
        raise ReqError("; ".join(f"{k}: {v}" for k, v in fields.items()), fields) from None


def field_errors(err: ValidationError) -> dict[str, str]:
    """Field -> problem from a pydantic error (a band error is put on comp_max)."""
    fields: dict[str, str] = {}
    for e in err.errors():
        field = str(e["loc"][0]) if e["loc"] else "comp_max"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "missing":
            msg = "is required"
        elif e["type"] == "literal_error":
            msg = f"{msg} (got {e['input']!r})"
        fields.setdefault(field, msg)
    return fields


class Finding(BaseModel):
    """One mis-scoping problem: CONTRACT.md's finding, plus the cited facts (not part of the JSON)."""

    kind: str
    severity: Literal["high", "medium", "low"]
    message: str
    evidence: list[str] = []
    suggested_role: str | None = None
    cited: list[Cited] = Field(default=[], description="the knowledge-base facts behind it, with sources")

    @model_serializer(mode="wrap")
    def _contract(self, handler: Callable[["Finding"], dict]) -> dict:
        data = handler(self)
        if self.suggested_role is None:
            data.pop("suggested_role", None)
        data.pop("cited", None)
        return data


class ReqReport(BaseModel):
    """The analysis of one req; `model_dump()` is exactly what `hirebot req check --json` prints."""

    id: str | None
    title_role: str | None
    work_role: str | None
    work_confidence: float = Field(default=0.0, description="how clearly the work points to work_role, 0-1")
    hybrid_roles: list[str] = Field(default=[], description="every role a hybrid title names, in order")
    assessed: bool = True
    why_not: str | None = Field(default=None, description="why the text could not be assessed")
    findings: list[Finding] = []
    notes: list[Finding] = Field(default=[], description="low-severity remarks that are not findings (a band on "
                                                          "another pay basis than the figures), never alerted")

    @model_serializer(mode="wrap")
    def _contract(self, handler: Callable[["ReqReport"], dict]) -> dict:
        data = handler(self)
        if self.why_not is None:
            data.pop("why_not", None)
        if not self.hybrid_roles:
            data.pop("hybrid_roles", None)
        if not self.notes:
            data.pop("notes", None)
        return data

    def fingerprint(self) -> str:
        """What identifies these findings for alerting: kinds, severities and suggested roles."""
        parts = sorted(f"{f.kind}/{f.severity}/{f.suggested_role or ''}" for f in self.findings)
        return "|".join(parts)
