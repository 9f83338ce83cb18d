"""Answer -> Slack Block Kit, built as plain dicts (every reply renders one: slack_sdk's block models cost more
than the rest of the rendering together). Slack's limits are kept here by construction (texts clipped, buttons
in rows of five, at most MAX_BLOCKS), and tests/slack/test_slack_blocks.py has slack_sdk's models check them.

Every message is `{"text": ..., "blocks": [...]}`: `text` is the plain fallback that notifications and screen
readers use. All engine text is escaped (`&`, `<`, `>`) because it may echo what a user typed, and an
unescaped `<!channel>` would ping a whole channel.
"""

import json
import time
from dataclasses import dataclass

from bot.engine.reqs.model import SLACK_USER
from bot.engine.types import Answer, Cited
from bot.render.text import render as render_text
from bot.render.text import sources_text

MAX_BLOCKS = 50
SECTION_CHARS = 3000
BUTTON_CHARS = 75
VALUE_CHARS = 2000
BUTTONS_PER_ROW = 5
FALLBACK_CHARS = 3000
LONG_CHARS = 1200  # an answer whose text is longer than this is collapsed behind a "More" button
SHORT_LINES = 2
SHORT_FACTS = 3
DEFAULT_TITLE = "hirebot"

# action ids; the listeners match on them (choices, suggestions and Home examples share one handler)
PICK = "hb_pick"
MORE = "hb_more"
SHARE = "hb_share"
HELPFUL = "hb_helpful"
NOT_HELPFUL = "hb_not_helpful"
START_DIAGNOSTIC = "hb_start_diagnostic"
OPEN_ASK = "hb_open_ask"
OPEN_REQ = "hb_open_req"  # a choice carrying a req draft: opens the req form prefilled (value: the fields as JSON)
ASK_VIEW = "hb_ask"  # callback id of the "Ask hirebot" modal
ASK_BLOCK, ASK_INPUT = "question", "question_input"


def escape(text: str) -> str:
    """Text made safe for Slack mrkdwn and `text`: `&`, `<`, `>` escaped, so nothing can mention or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


MRKDWN_LOOKALIKES = str.maketrans({"*": "∗", "_": "＿", "~": "∼", "`": "ˋ"})


def escape_mrkdwn(text: str) -> str:
    """Text that shows as typed inside mrkdwn (a req title in bold): `escape`d, and Slack's formatting marks
    (`*`, `_`, `~`, backtick; mrkdwn has no escape for them) swapped for look-alikes, so a `*` cannot end the bold."""
    return escape(text).translate(MRKDWN_LOOKALIKES)


def slack_date(at: float, fallback: str = "%Y-%m-%d %H:%M UTC") -> str:
    """A time Slack shows in each reader's own time zone (`<!date^...>`), with a UTC fallback for old clients."""
    return f"<!date^{int(at)}^{{date_short_pretty}} at {{time}}|{time.strftime(fallback, time.gmtime(at))}>"


def mention(user: str) -> str:
    """`<@user>` for a Slack user id; anything else (a stored id that is not one) escaped as plain text."""
    return f"<@{user}>" if SLACK_USER.fullmatch(user) else escape(user)


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending in an ellipsis when cut (Slack rejects longer fields)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clip_words(text: str, limit: int) -> str:
    """`text` cut to `limit` characters at a word boundary, ending in an ellipsis when cut (for labels: a cut
    mid-word reads as a typo); a single over-long word is cut where it must be."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    words = head.rsplit(" ", 1)[0].rstrip(" ,;:-") if " " in head else head
    return words + "…"


def is_long(answer: Answer) -> bool:
    """Whether the answer has more than it shows at first: facts behind "More", or a text too long to show
    whole (it then gets a short form and "More")."""
    return bool(answer.more) or len(render_text(answer)) > LONG_CHARS


@dataclass
class Buttons:
    """The buttons a message carries besides the answer's own choices; each value is the parked answer's key."""

    key: str | None = None
    collapse: bool = False
    share: bool = False
    feedback: bool = True
    shared_by: str | None = None


Block = dict  # a Block Kit block or element, as Slack's JSON


def mrkdwn(text: str) -> Block:
    """A mrkdwn text object (`text` already escaped and clipped)."""
    return {"type": "mrkdwn", "text": text}


def plain(text: str) -> Block:
    """A plain_text object."""
    return {"type": "plain_text", "text": text}


def section(text: str) -> Block:
    """A section block of mrkdwn (`text` already escaped and clipped)."""
    return {"type": "section", "text": mrkdwn(text)}


def _sections(texts: list[str]) -> list[Block]:
    """Mrkdwn sections holding `texts` (already escaped) one per line, split to stay under the length limit."""
    blocks: list[Block] = []
    chunk = ""
    for text in texts:
        if not text.strip():  # Slack rejects empty text
            continue
        text = clip(text, SECTION_CHARS)
        if chunk and len(chunk) + 1 + len(text) > SECTION_CHARS:
            blocks.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{text}" if chunk else text
    if chunk:
        blocks.append(section(chunk))
    return blocks


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button = {"type": "button", "text": plain(clip_words(text, BUTTON_CHARS)), "action_id": action_id,
              "value": value[:VALUE_CHARS]}
    if style:
        button["style"] = style
    return button


def req_value(fields: dict[str, str]) -> str:
    """A req draft as a button value: JSON within Slack's 2,000 characters (the description shortened to fit)."""
    value = json.dumps(fields)
    over = len(value) - VALUE_CHARS
    if over > 0 and "description" in fields:
        return req_value({**fields, "description": clip_words(fields["description"], len(fields["description"])
                                                               - over - 20)})
    return value


def _actions(elements: list[Block]) -> Block:
    return {"type": "actions", "elements": elements}


def _rows(buttons: list[Block]) -> list[Block]:
    return [_actions(buttons[i:i + BUTTONS_PER_ROW]) for i in range(0, len(buttons), BUTTONS_PER_ROW)]


def _fact(fact: Cited) -> str:
    label = ", ".join(part for part in (fact.label, "older than six months" if fact.stale else None) if part)
    return f"• {escape(fact.text)}" + (f" _({escape(label)})_" if label else "")


def sources_line(answer: Answer, facts: list[Cited] | None = None) -> str | None:
    """`Sources: publisher, "title" (as of date) · ...` for `facts` (default: all the answer cites), or None."""
    said = sources_text(answer, facts)
    return escape(said) if said else None


def headline(answer: Answer) -> str:
    """The answer's first line, on one line: the headline (the title when there is none)."""
    return " ".join(answer.first_line.split()) or DEFAULT_TITLE


def answer_blocks(answer: Answer, buttons: Buttons | None = None) -> list[Block]:
    """The answer as blocks: the headline first, then prose, facts, notes, choice and suggestion buttons,
    sources and our buttons; collapsed, "More" stands for what is left out (the answer's `more` facts)."""
    buttons = buttons or Buttons()
    collapse = buttons.collapse and buttons.key is not None
    cut = collapse and not answer.more  # an answer with `more` is short already: only `more` waits for the button
    lines = answer.lines[:SHORT_LINES] if cut else answer.lines
    facts = answer.facts[:SHORT_FACTS] if cut else answer.facts
    more = [] if collapse else answer.more
    first = escape(headline(answer))
    out: list[Block] = [section(clip(f"*{first}*", SECTION_CHARS))]
    out += _sections([escape(line) for line in lines])
    out += _sections([_fact(f) for f in facts])
    if more:
        out += _sections([f"*{escape(answer.more_label)}*", *(_fact(f) for f in more)])
    out += _sections([f":warning: {escape(note)}" for note in answer.notes])
    if collapse:
        hidden = len(answer.lines) - len(lines) + len(answer.facts) - len(facts) + len(answer.more)
        label = answer.more_label if answer.more else "More"
        out.append(_actions([_button(f"{label} ({hidden} more)" if hidden else label, MORE, buttons.key)]))
    picks = [_button(c.label, OPEN_REQ, req_value(c.req)) if c.req else _button(c.label, f"{PICK}_c{i}", c.value)
             for i, c in enumerate(answer.choices) if c.label.strip() and c.value.strip()]
    picks += [_button(s, f"{PICK}_s{i}", s) for i, s in enumerate(answer.suggestions) if s.strip()]
    out += _rows(picks)
    shown = [*answer.basis, *facts, *more]
    context = [x for x in (sources_line(answer, shown), buttons.shared_by) if x]
    if context:
        out.append({"type": "context", "elements": [mrkdwn(clip(x, SECTION_CHARS)) for x in context]})
    ours = []
    if buttons.key and buttons.share:
        ours.append(_button("Share in channel", SHARE, buttons.key, style="primary"))
    if buttons.key and buttons.feedback:
        ours += [_button("Helpful", HELPFUL, buttons.key), _button("Not helpful", NOT_HELPFUL, buttons.key)]
    if ours:
        out.append(_actions(ours))
    if len(out) > MAX_BLOCKS:  # keep the end (buttons, sources) and as much of the start as fits
        tail = out[-3:]
        out = [*out[: MAX_BLOCKS - len(tail) - 1], section("_(shortened to fit in one Slack message)_"), *tail]
    return out


def fallback(answer: Answer) -> str:
    """The plain `text` of a message, what notifications say: the headline."""
    return clip(escape(headline(answer)), FALLBACK_CHARS)


def message(answer: Answer, buttons: Buttons | None = None) -> dict:
    """`{"text", "blocks"}` for chat.postMessage / chat.postEphemeral / a response_url."""
    return {"text": fallback(answer), "blocks": answer_blocks(answer, buttons)}


def notice(text: str) -> dict:
    """A one-line message of our own (already plain; escaped here, and clipped to fit a section block: it may
    quote the user, e.g. "You asked: ..." with a 3,000-character question)."""
    said = clip(escape(text), SECTION_CHARS)
    return {"text": said, "blocks": [section(said)]}


CAN_DO = [
    "*Pay, time-to-fill, talent pool and sourcing channels* for ML engineers, applied scientists, research "
    "engineers and research scientists, each figure with its source and as-of date.",
    "*Interview loops, credentials, skills, day-to-day work and career ladders*, and how the roles differ.",
    "*The role walk-through*: three questions that tell you which of these roles you need.",
    "*Req checks*: paste a job description and I point out mis-scoping.",
    "Ask me in a DM, mention me in a channel (I answer in a thread and follow it), or use `/hire`.",
]


def home_view(examples: list[tuple[str, str]]) -> dict:
    """The App Home tab: what hirebot can do, example questions as buttons ((label, question) pairs), the
    walk-through and Ask buttons."""
    blocks: list[Block] = [
        {"type": "header", "text": plain("hirebot: scope and hire ML roles")},
        *_sections(CAN_DO),
        _actions([
            _button("Start the role walk-through", START_DIAGNOSTIC, "start", style="primary"),
            _button("Ask a question", OPEN_ASK, "ask"),
        ]),
        {"type": "divider"},
        section("*Try one of these* (I answer in our DM):"),
        *_rows([_button(label, f"{PICK}_e{i}", q) for i, (label, q) in enumerate(examples)]),
        {"type": "context", "elements": [mrkdwn(
            "`/hire comp senior AS` · `/hire ttf MLE` · `/hire channels AS` · `/hire loop AS` · "
            "`/hire compare RE AS` · `/hire diagnose` · `/hire help`")]},
    ]
    return {"type": "home", "blocks": blocks}


def ask_modal() -> dict:
    """The "Ask hirebot" modal opened from App Home; its answer goes to the user's DM."""
    return {
        "type": "modal",
        "callback_id": ASK_VIEW,
        "title": {"type": "plain_text", "text": "Ask hirebot"},
        "submit": {"type": "plain_text", "text": "Ask"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [{"type": "input", "block_id": ASK_BLOCK, "label": plain("Your question"),
                    "element": {"type": "plain_text_input", "action_id": ASK_INPUT, "multiline": True,
                                "max_length": 3000}}],
    }
