"""What every Slack surface does once it has a user's message: ask the engine, log gaps, render, post.

Conversations are keyed the way the engine expects: `channel:thread_ts` for threads, `channel:dm` for the
top level of a DM, `channel:cmd:user` for `/hire` look-ups (ephemeral, one per user and channel).
No hiring logic lives here: the engine decides what to say.
"""

import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from slack_sdk import WebClient

from bot import gaps
from bot.engine import Engine
from bot.engine.types import Answer
from bot.render import blocks
from bot.slack import etiquette, shelf
from bot.slack.replies import ReplyOutbox
from bot.store import Conflict, Store, first_time_in, save_if_unchanged

log = logging.getLogger("hirebot.slack")

START_DIAGNOSTIC = "diag/restart"  # the engine's button code that starts a fresh walk-through
ATTEMPTS = 5  # a message worked out again when another process changed its conversation meanwhile, at most
TURN_LOCKS = 64  # conversations answered side by side (two sharing a lock wait for each other)
# Threads that post replies. A post waits for Slack (a round trip across the internet); done on one of Bolt's
# 5 listener threads, it kept that thread from the next message: against a Web API 100 ms away, 45 DMs answered
# a second. Posted from here, the listener threads only work out answers (more of them only fight for the GIL).
POSTERS = 32
ERROR = Answer(
    intent="help", kind="error", confidence=0.0, title="Sorry, something went wrong on my side",
    lines=["Please try again in a moment. If it keeps happening, tell whoever runs hirebot."],
)


class Keyed(NamedTuple):
    """A reply and the key its answer is kept under (None for the apology, which is not kept); `post_now`: it
    is queued in the reply outbox for this process to post at once (else the outbox's sender posts it)."""

    message: dict
    key: str | None
    post_now: bool = False


@dataclass
class Hirebot:
    """What the listeners need: the engine and the store.

    Messages of different conversations are answered side by side; those of one conversation one at a time
    (in this process: a lock per conversation, striped). The conversation's state is read, the engine works it
    out (it keeps no state of its own), and everything the message leaves behind (its event ids, the new
    state, the answer kept for its buttons, a gap) is written in one transaction, the state only if no other
    process changed it meanwhile (else it is worked out again). `lock` guards the req desk's and alert
    sender's writes (bot/slack/listeners/reqs.py). `outbox`: replies posted with chat.postMessage are queued
    in that same transaction and delivered through it (bot/slack/replies.py).
    """

    engine: Engine
    store: Store
    lock: threading.Lock = field(default_factory=threading.Lock)
    outbox: ReplyOutbox | None = None
    _turns: list[threading.Lock] = field(default_factory=lambda: [threading.Lock() for _ in range(TURN_LOCKS)])
    _posters: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(POSTERS, thread_name_prefix="hirebot-poster"))

    def __post_init__(self) -> None:
        shelf.ensure(self.store)
        gaps.ensure(self.store)
        etiquette.ensure(self.store)

    def first_time(self, *keys: str) -> bool:
        """True only the first time all of `keys` are seen (Slack retries and duplicate deliveries), for a
        surface that acts before it answers (the assistant pane's title); `reply` checks `once` itself.

        When the store cannot record them (disk full, read-only file): True, so the user gets an answer
        (the apology, as the engine cannot save either) rather than silence."""
        try:
            return self.store.transact(partial(first_time_in, keys=keys))
        except sqlite3.Error:
            log.exception("could not record %s in the store; answering anyway", keys)
            return True

    def may_overhear(self, channel: str, thread_ts: str, user: str, text: str, bot_user_id: str | None) -> bool:
        """Whether a channel-thread message without a mention of hirebot may be for it: hirebot takes part in
        the thread, is talking with `user` there, and the message mentions nobody else (etiquette.py)."""
        if etiquette.mentions_others(text, bot_user_id):
            return False
        conversation = thread_id(channel, thread_ts)
        return (bool(self.store.read("select 1 from threads where id = ?", [conversation]))
                and etiquette.talks_with(self.store, conversation, user))

    def reply(self, conversation: str, text: str, user: str | None, once: tuple[str, ...] = (),
              overheard: bool = False, joins: bool = False, share: bool = False,
              shared_by: str | None = None) -> dict | None:
        """The Slack message answering `text` in `conversation`, or None (see `keyed_reply`)."""
        keyed = self.keyed_reply(conversation, text, user, once, overheard, joins, share, shared_by)
        return keyed.message if keyed else None

    def keyed_reply(self, conversation: str, text: str, user: str | None, once: tuple[str, ...] = (),
                    overheard: bool = False, joins: bool = False, share: bool = False,
                    shared_by: str | None = None, post_to: tuple[str, str | None] | None = None) -> Keyed | None:
        """The Slack message answering `text` in `conversation` with the key it is kept under (`Keyed`); None if
        one of the ids in `once` (Slack's event id, the message's own id) shows it was answered already, or if
        `overheard` (not addressed to hirebot) and the engine finds it is not for hirebot. `joins`: hirebot is
        then talking with `user` in this conversation (a thread). `post_to` (channel, thread): the reply is
        queued in the outbox, under the message's `key`, for `post()`. When the store cannot write (disk full,
        read-only file): the apology, so that the user hears something rather than nothing."""
        try:
            with self._turns[hash(conversation) % len(self._turns)]:  # one message of a conversation at a time
                for _ in range(ATTEMPTS):
                    if self.store.seen(once):
                        return None
                    state, version = self.store.versioned(conversation)
                    said = self._answer(conversation, state, text, overheard)
                    if said is None:
                        return None
                    answer, state = said
                    joined = user if joins else None
                    queue = partial(self.outbox.queue_in, channel=post_to[0], thread_ts=post_to[1]) \
                        if post_to and self.outbox else None
                    try:
                        kept = self.store.transact(partial(self._keep, conversation, state, version, answer, text,
                                                           user, once, joined, queue))
                    except Conflict:  # another process answered in it meanwhile
                        continue
                    if kept is None:
                        return None
                    key, post_now = kept
                    return Keyed(self._render(answer, key, share, shared_by), key, post_now)
            log.error("%s kept changing under %d attempts to answer in it", conversation, ATTEMPTS)
        except sqlite3.Error:
            log.exception("could not keep what a message in %s leaves behind; apologising", conversation)
        return Keyed(self._render(ERROR, None, share, shared_by), None)

    def _answer(self, conversation: str, state: dict, text: str,
                overheard: bool) -> tuple[Answer, dict | None] | None:
        """The engine's answer and the state to save (None after a crash: the apology changes nothing); None
        for an overheard message that is not for hirebot."""
        try:
            return self.engine.reply(state, text, overheard)
        except Exception:
            log.exception("the engine failed on a message in %s", conversation)
            return ERROR, None

    @staticmethod
    def _keep(conversation: str, state: dict | None, version: float | None, answer: Answer, question: str,
              user: str | None, once: tuple[str, ...], joined: str | None,
              queue: Callable[..., bool] | None, conn: sqlite3.Connection) -> tuple[str, bool] | None:
        """The writes of one answered message, as one unit: the answer's key and whether this process posts
        it now, or None (answered already). `queue(conn, key)` puts the reply in the outbox (True: to be posted
        now): the event ids are never recorded without it."""
        if once and not first_time_in(conn, once):
            return None
        if state is not None:
            save_if_unchanged(conn, conversation, state, version)
        if joined:
            etiquette.join_in(conn, conversation, joined)
        if answer.intent == "out_of_scope":
            gaps.record_in(conn, question, answer.intent, answer.confidence, "out_of_scope", user)
        key = shelf.park_in(conn, answer, question)
        return key, bool(queue and queue(conn, key=key))

    @staticmethod
    def _render(answer: Answer, key: str | None, share: bool, shared_by: str | None) -> dict:
        buttons = blocks.Buttons(key=key, collapse=blocks.is_long(answer), share=share,
                                 feedback=answer.kind != "error", shared_by=shared_by)
        return blocks.message(answer, buttons)

    def message(self, answer: Answer, question: str, share: bool = False, shared_by: str | None = None) -> dict:
        """An answer worked out elsewhere (a req report) as a Slack message, kept for its buttons."""
        try:
            key = self.store.transact(partial(shelf.park_in, answer=answer, question=question))
        except sqlite3.Error:  # a listener must not fail after ack(): Bolt would answer Slack 404
            log.exception("could not keep an answer; posting it without its buttons")
            key = None
        return self._render(answer, key, share, shared_by)

    def rendered(self, key: str) -> dict | None:
        """The message of the answer kept under `key` as `reply` renders it (for the outbox), or None."""
        kept = self.fetch(key)
        return self._render(kept[0], key, False, None) if kept else None

    def post(self, client: WebClient, channel: str, thread_ts: str | None, keyed: Keyed) -> None:
        """Post a reply from `keyed_reply(post_to=...)` through the outbox: now (on a poster thread), or by its
        sender when it waits behind another (directly when there is no outbox, or for the apology, which is not
        kept)."""
        if not (self.outbox and keyed.key):
            self.post_soon(partial(client.chat_postMessage, channel=channel, thread_ts=thread_ts, **keyed.message))
        elif keyed.post_now:
            self.post_soon(partial(self.outbox.post, keyed.key, channel, thread_ts, keyed.message))
        else:
            self.outbox.wake()

    def post_soon(self, send: Callable[[], object]) -> None:
        """Run `send` (a call to Slack that posts a reply) on a poster thread, so the listener's thread goes on
        to the next message instead of waiting for Slack's answer. A failure is logged (the reply outbox keeps
        and retries what it posts)."""
        self._posters.submit(_logged, send)

    def fetch(self, key: str) -> tuple[Answer, str] | None:
        """The answer and question kept under `key`, or None (unknown or expired)."""
        return shelf.fetch(self.store, key)

    def not_helpful(self, key: str, user: str | None) -> None:
        """Log the answer kept under `key` as a "Not helpful" gap (nothing if it has expired)."""
        kept = self.fetch(key)
        if kept:
            answer, question = kept
            try:
                self.store.transact(partial(gaps.record_in, text=question, intent=answer.intent,
                                            confidence=answer.confidence, reason="not_helpful", user=user))
            except sqlite3.Error:
                log.exception("could not log a knowledge gap")


def _logged(send: Callable[[], object]) -> None:
    try:
        send()
    except Exception:
        log.exception("a reply could not be posted")


def thread_id(channel: str, thread_ts: str) -> str:
    """The conversation of a thread."""
    return f"{channel}:{thread_ts}"


def lookup_id(channel: str, user: str) -> str:
    """The conversation of a user's ephemeral `/hire` look-ups in a channel."""
    return f"{channel}:cmd:{user}"


def is_dm(channel: str) -> bool:
    """Slack's DM channel ids start with D."""
    return channel.startswith("D")


def place(channel: str, ts: str | None, thread_ts: str | None, private: bool | None = None) -> tuple[str, str | None]:
    """(conversation id, thread to reply in) for a message at `ts` (in `thread_ts`, if in a thread).

    A thread is its own conversation; the top level of a DM or group DM (`private`; by default: a D… channel)
    is one conversation answered at the top level; a top-level channel message starts a thread under itself."""
    if thread_ts:
        return thread_id(channel, thread_ts), thread_ts
    if is_dm(channel) if private is None else private:
        return f"{channel}:dm", None
    return thread_id(channel, ts or ""), ts


def answer_in(hb: Hirebot, client: WebClient, channel: str, thread_ts: str | None, conversation: str,
              text: str, user: str | None, once: tuple[str, ...] = (), overheard: bool = False) -> None:
    """Answer `text` in `conversation` and post it in `channel` (in `thread_ts` when given; hirebot is then
    talking with `user` there); nothing when `once` shows the message was answered already, or when an
    `overheard` message was not for hirebot (see Hirebot.reply)."""
    keyed = hb.keyed_reply(conversation, text, user, once, overheard, joins=bool(thread_ts),
                           post_to=(channel, thread_ts))
    if keyed is not None:
        hb.post(client, channel, thread_ts, keyed)


def answer_in_dm(hb: Hirebot, client: WebClient, user: str, text: str, intro: str) -> None:
    """Open (by posting `intro`) the user's DM with hirebot and answer `text` there, at the top level."""
    opened = client.chat_postMessage(channel=user, **blocks.notice(intro))
    channel = opened["channel"]
    answer_in(hb, client, channel, None, f"{channel}:dm", text, user)
