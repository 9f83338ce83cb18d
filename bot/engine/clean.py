"""Turn a Slack message into plain text: markup stripped, entities unescaped, whitespace collapsed."""

import re
import unicodedata

MAX_CHARS = 4000

_ANGLE = re.compile(r"<([^<>]*)>")
_EMOJI = re.compile(r":(?=[a-z0-9_+'-]*[a-z]|[+-])[a-z0-9_+'-]+:(?::skin-tone-\d:)?", re.IGNORECASE)
_FORMAT = re.compile(r"(?<![\w$])[*_~]+(?=\S)|(?<=\S)[*_~]+(?![\w$])")
_FENCE = re.compile(r"`+")
_QUOTE = re.compile(r"(^|\n)\s*(?:>|&gt;)\s?")
_SPACE = re.compile(r"\s+")
_JUNK = {"Cc", "Cf", "Cs", "Co", "Cn"}


def _angle(match: re.Match) -> str:
    """`<@U1>`, `<!here>`, `<#C1|name>` -> nothing; `<http://x|label>` -> label; `<http://x>` -> nothing."""
    body = match.group(1)
    if body[:1] in "@!#":
        return " "
    if "|" in body:
        return f" {body.split('|', 1)[1]} "
    return " "


def clean(text: str) -> str:
    """The message as a person reads it: Slack markup and control characters gone, one space between words,
    at most MAX_CHARS characters."""
    text = _QUOTE.sub(r"\1", text[: MAX_CHARS * 4])
    text = "".join(" " if unicodedata.category(ch) in _JUNK else ch for ch in text)
    text = _ANGLE.sub(_angle, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = _EMOJI.sub(" ", text)
    text = _FENCE.sub(" ", text)
    text = _FORMAT.sub("", text)
    return _SPACE.sub(" ", text).strip()[:MAX_CHARS]
