"""The `/hire req` form (a Slack modal): its fields, filled in from a draft (a walk-through's "Open a req"),
and the req fields a submitted form holds."""

import json
from collections.abc import Iterable

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    InputInteractiveElement,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    UserSelectElement,
)

from bot.knowledge.ids import LEVELS, REGIONS, TIERS

REQ_VIEW = "hb_req"
TIER_LABELS = {"frontier_lab": "Frontier AI lab", "top50": "Top-50 tech / AI lab", "series_c_plus": "Series C+",
               "series_a_b": "Series A-B startup", "general_tech": "General tech", "non_tech": "Non-tech employer"}


def _options(values: Iterable[str], labels: dict[str, str] | None = None) -> list[Option]:
    return [Option(value=v, text=(labels or {}).get(v, v.replace("_", " ").capitalize())) for v in values]


def req_modal(channel: str | None, draft: dict[str, str] | None = None) -> dict:
    """The `/hire req` form: the req's fields, each in a block named after the field (errors land on it);
    `draft` fills in title, level, employer tier and description (a walk-through's "Open a req")."""
    draft = draft or {}

    def field_block(name: str, label: str, element: InputInteractiveElement, optional: bool = True) -> InputBlock:
        return InputBlock(block_id=name, label=PlainTextObject(text=label), element=element, optional=optional)

    def text(name: str, limit: int, multiline: bool = False) -> PlainTextInputElement:
        given = (draft.get(name) or "")[:limit] or None
        return PlainTextInputElement(action_id=name, multiline=multiline, max_length=limit, initial_value=given)

    def select(name: str, options: list[Option]) -> StaticSelectElement:
        given = next((o for o in options if o.value == draft.get(name)), None)
        return StaticSelectElement(action_id=name, options=options, initial_option=given)

    form = [
        field_block("title", "Title", text("title", 150), optional=False),
        field_block("level", "Level", select("level", _options(LEVELS))),
        field_block("employer_tier", "Employer tier", select("employer_tier", _options(TIERS, TIER_LABELS))),
        field_block("region", "Region", select("region", _options(
            REGIONS, {"us": "US", "europe": "Europe", "apac": "APAC"}))),
        field_block("description", "Description: the work, the team, the deliverables",
                    text("description", 3000, multiline=True), optional=False),
        field_block("requirements", "Requirements (one a line)", text("requirements", 3000, multiline=True)),
        field_block("comp_min", "Comp band, low (USD / year)",
                    NumberInputElement(action_id="comp_min", is_decimal_allowed=False, min_value="0")),
        field_block("comp_max", "Comp band, high (USD / year)",
                    NumberInputElement(action_id="comp_max", is_decimal_allowed=False, min_value="0")),
        field_block("comp_basis", "The band covers", select("comp_basis", _options(
            ("base", "total"), {"base": "Base salary", "total": "Total comp (base, bonus, equity)"}))),
        field_block("target_fill_days", "Target days to fill",
                    NumberInputElement(action_id="target_fill_days", is_decimal_allowed=False, min_value="1")),
        field_block("requires_phd", "PhD", CheckboxesElement(action_id="requires_phd", options=[
            Option(value="yes", text="A PhD is a hard requirement")])),
        field_block("hiring_manager", "Hiring manager", UserSelectElement(action_id="hiring_manager")),
        field_block("team_lead", "Team lead (gets the alert)", UserSelectElement(action_id="team_lead")),
    ]
    return {
        "type": "modal", "callback_id": REQ_VIEW, "private_metadata": json.dumps({"channel": channel}),
        "title": {"type": "plain_text", "text": "Check a req"},
        "submit": {"type": "plain_text", "text": "Check"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [b.to_dict() for b in form],
    }


def form_values(view: dict) -> dict:
    """The req fields a submitted form holds (empty ones left out)."""
    out: dict = {}
    for block_id, actions in (view.get("state") or {}).get("values", {}).items():
        for state in actions.values():
            kind = state.get("type")
            if kind == "static_select":
                value = (state.get("selected_option") or {}).get("value")
            elif kind == "users_select":
                value = state.get("selected_user")
            elif kind == "checkboxes":
                value = True if state.get("selected_options") else None
            else:
                value = state.get("value")
            if value not in (None, ""):
                out[block_id] = value
    return out
