"""Buttons on answers: a choice or suggestion is sent back to the engine as the user's next message;
More expands a collapsed answer; Share in channel posts an ephemeral answer for all; Helpful / Not helpful."""

import re

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.render import blocks
from bot.slack import etiquette
from bot.slack.converse import answer_in, answer_in_dm, lookup_id, place


def register(app: App) -> None:
    app.action(re.compile(rf"^{blocks.PICK}_\w+$"))(on_pick)
    app.action(blocks.MORE)(on_more)
    app.action(blocks.SHARE)(on_share)
    app.action(blocks.HELPFUL)(on_helpful)
    app.action(blocks.NOT_HELPFUL)(on_not_helpful)


def on_pick(ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    ack()
    hb = context["hirebot"]
    user, text = body["user"]["id"], action["value"]
    container = body.get("container", {})
    if container.get("type") == "view":  # App Home: answer in the user's DM
        answer_in_dm(hb, client, user, text, f"You asked: {text}")
        return
    channel = container["channel_id"]
    if container.get("is_ephemeral"):  # a /hire look-up: stay ephemeral, in the same conversation
        respond(response_type="ephemeral", replace_original=False,
                **hb.reply(lookup_id(channel, user), text, user, share=True))
        return
    message = body.get("message", {})
    private = etiquette.is_private_chat(channel, channel_name=(body.get("channel") or {}).get("name"))
    conversation, thread_ts = place(channel, container.get("message_ts"),
                                    message.get("thread_ts") or container.get("thread_ts"), private)
    answer_in(hb, client, channel, thread_ts, conversation, text, user)


def _kept(context: BoltContext, action: dict, respond: Respond):
    kept = context["hirebot"].fetch(action["value"])
    if kept is None:
        respond(response_type="ephemeral", replace_original=False,
                **blocks.notice("That answer is too old for its buttons to work; please ask again."))
    return kept


def on_more(ack: Ack, body: dict, action: dict, context: BoltContext, respond: Respond) -> None:
    ack()
    kept = _kept(context, action, respond)
    if kept:
        share = bool(body.get("container", {}).get("is_ephemeral"))
        whole = blocks.message(kept[0], blocks.Buttons(key=action["value"], share=share))
        respond(replace_original=True, **whole)


def on_share(ack: Ack, body: dict, action: dict, context: BoltContext, respond: Respond) -> None:
    ack()
    kept = _kept(context, action, respond)
    if kept:
        shared_by = f"Shared by {blocks.mention(body['user']['id'])}"
        shared = blocks.message(kept[0], blocks.Buttons(key=action["value"], shared_by=shared_by))
        respond(response_type="in_channel", replace_original=False, **shared)
        respond(delete_original=True)


def on_helpful(ack: Ack, respond: Respond) -> None:
    ack()
    respond(response_type="ephemeral", replace_original=False, **blocks.notice("Thanks, glad it helped."))


def on_not_helpful(ack: Ack, body: dict, action: dict, context: BoltContext, respond: Respond) -> None:
    ack()
    context["hirebot"].not_helpful(action["value"], body["user"]["id"])
    respond(response_type="ephemeral", replace_original=False, **blocks.notice(
        "Thanks, noted: whoever keeps my knowledge base sees questions I answer badly. "
        "Rephrasing, or naming the role and level, may get a better answer."))
