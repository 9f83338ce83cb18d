"""Whether a message hirebot overhears is for it.

In a shared thread people mostly talk to each other: thanks, acknowledgements, plans, chit-chat. An overheard
message (one in a thread hirebot takes part in, from the person it is talking with, without a mention) is
hirebot's only when it moves a walk-through under way, or is a hiring question hirebot can answer (not help,
not out of scope): shaped as a question and naming hiring words, following up the thread or with a confident
intent; or a terse request that names the role or level it is about. A bare "tell me more" or "why so long?", which
only the thread makes a question of, may be said to anyone: not hirebot's. Anything else gets no reply, no
knowledge-gap entry and no change to the thread's topic.
"""

import re

from bot.engine.types import Answer
from bot.engine.understand import Understanding

SURE = 0.7  # an intent this confident needs no hiring words to count
NOT_ANSWERS = {"help", "out_of_scope"}
ASKING = re.compile(
    r"^\s*(what|what's|whats|how|which|who|where|when|why|is|are|was|were|do|does|did|can|could|should|"
    r"would|will|any|tell me|show me|give me|explain|compare|define|meaning|diagnose|help me|run|check|review|"
    r"let's do|and|same|also|or)\b", re.IGNORECASE)
TRAILING = re.compile(r"\b(which|what|who|who's|meaning)\b[^.!]{0,30}$", re.IGNORECASE)  # "..., which role"


def asks(raw: str) -> bool:
    """Whether the text reads as a question or a request: a question mark, a question word or request verb
    first, or a question word in its last few words."""
    return raw.rstrip().endswith("?") or bool(ASKING.match(raw) or TRAILING.search(raw))


def names_hiring(heard: Understanding) -> bool:
    """Whether the message names a role, level, employer tier, region or glossary term."""
    said = heard.entities
    return bool(said.roles or said.level or said.employer_tier or said.region or heard.term)


def for_hirebot(heard: Understanding, reply: Answer, walk_moved: bool) -> bool:
    """Whether an overheard message, understood as `heard` and answered as `reply`, is addressed to hirebot."""
    if walk_moved:
        return True
    if reply.intent in NOT_ANSWERS or reply.kind == "error" or (heard.intent in NOT_ANSWERS and not heard.followup):
        return False  # nor a bare "tell me more" or "why so long?" the thread made an answer of: said to anyone
    if asks(heard.raw):
        return names_hiring(heard) or heard.followup or heard.confidence >= SURE
    return bool(heard.entities.roles or heard.entities.level)  # a terse request names whom it is about
