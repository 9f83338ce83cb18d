"""/hire: short verbs for recruiters. Look-ups reply ephemerally with "Share in channel"; `diagnose` starts the
walk-through in a thread. The verbs only rephrase into a question for the engine, which does the rest.
`req` and `reqs` belong to the reqs module: it registers them in REQ_VERBS.
"""

import re
from collections.abc import Callable
from functools import partial

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.render import blocks
from bot.slack.converse import START_DIAGNOSTIC, Hirebot, answer_in, lookup_id, place

COMMAND = "/hire"
VERBS = {  # verb -> the question it stands for ({} is the rest of the command)
    "comp": "What is the compensation for {}?",
    "pay": "What is the compensation for {}?",
    "salary": "What is the compensation for {}?",
    "ttf": "How long does it take to hire {}?",
    "channels": "Where do I find {} candidates?",
    "sourcing": "Where do I find {} candidates?",
    "loop": "What is the interview loop for {}?",
    "interview": "What is the interview loop for {}?",
    "compare": "What is the difference between {}?",
    "help": "help",
}
# verb -> handler(ack'ed command body, respond, client, hirebot); the reqs module adds "req" and "reqs"
REQ_VERBS: dict[str, Callable[[dict, Respond, WebClient, Hirebot], None]] = {}


def register(app: App) -> None:
    app.command(COMMAND)(on_hire)


def question(text: str) -> str:
    """The question a `/hire` text stands for: a known verb rephrased, anything else as typed."""
    verb, _, rest = text.strip().partition(" ")
    template = VERBS.get(verb.lower())
    if template is None:
        return text.strip() or "help"
    words = rest.split()
    if verb.lower() == "compare" and len(words) == 2:
        words.insert(1, "and")
    said = " ".join(template.format(" ".join(words)).split())
    return re.sub(r" (for|hire|between)\?$", "?", said)


def on_hire(ack: Ack, command: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    ack()
    hb = context["hirebot"]
    text = command.get("text", "").strip()
    verb = text.split(" ", 1)[0].lower()
    if verb in REQ_VERBS:
        REQ_VERBS[verb](command, respond, client, hb)
    elif verb == "diagnose":
        diagnose(hb, client, respond, command["channel_id"], command["user_id"])
    else:
        reply = hb.reply(lookup_id(command["channel_id"], command["user_id"]), question(text), command["user_id"],
                         share=True)
        hb.post_soon(partial(respond, response_type="ephemeral", **reply))


def diagnose(hb: Hirebot, client: WebClient, respond: Respond, channel: str, user: str) -> None:
    """Start the walk-through in a new thread of `channel` (in the user's DM if hirebot can't post there)."""
    intro = (f"Role walk-through for {blocks.mention(user)}: answer in this thread, with the buttons or in your "
             "own words.")
    try:
        root = client.chat_postMessage(channel=channel, text=intro)
    except SlackApiError as err:
        if err.response.get("error") not in {"not_in_channel", "channel_not_found"}:
            raise
        root = client.chat_postMessage(channel=user, text=intro)
        respond(response_type="ephemeral", **blocks.notice(
            "I'm not in this channel, so I started the walk-through in our DM. Invite me with /invite to use it here."))
    conversation, thread_ts = place(root["channel"], root["ts"], None)
    answer_in(hb, client, root["channel"], thread_ts, conversation, START_DIAGNOSTIC, user)
