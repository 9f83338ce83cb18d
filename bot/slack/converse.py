"""What every Slack surface does once it has a user's message: ask the engine, log gaps, render, post.

Conversations are keyed the way the engine expects: `channel:thread_ts` for threads, `channel:dm` for the
top level of a DM, `channel:cmd:user` for `/hire` look-ups (ephemeral, one per user and channel).
No hiring logic lives here: the engine decides what to say.
"""

import logging
import sqlite3
import threading
from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot import gaps
from bot.engine import Engine
from bot.engine.types import Answer
from bot.render import blocks
from bot.slack import etiquette, shelf
from bot.store import Store

log = logging.getLogger("hirebot.slack")

START_DIAGNOSTIC = "diag/restart"  # the engine's button code that starts a fresh walk-through
ERROR = Answer(
    intent="help", kind="error", confidence=0.0, title="Sorry, something went wrong on my side",
    lines=["Please try again in a moment. If it keeps happening, tell whoever runs hirebot."],
)


@dataclass
class Hirebot:
    """What the listeners need: the engine and the store, behind one lock (SQLite and the engine's
    per-conversation state are not meant for concurrent writers in one process)."""

    engine: Engine
    store: Store
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        shelf.ensure(self.store)
        gaps.ensure(self.store)
        etiquette.ensure(self.store)

    def first_time(self, *keys: str) -> bool:
        """True only the first time all of `keys` are seen (Slack retries and duplicate deliveries).

        When the store cannot record them (disk full, read-only file): True, so the user gets an answer
        (the apology, as the engine cannot save either) rather than silence."""
        with self.lock:
            try:
                return all(self.store.first_time(k) for k in keys)  # short-circuit: a seen key stops it
            except sqlite3.Error:
                log.exception("could not record %s in the store; answering anyway", keys)
                return True

    def may_overhear(self, channel: str, thread_ts: str, user: str, text: str, bot_user_id: str | None) -> bool:
        """Whether a channel-thread message without a mention of hirebot may be for it: hirebot takes part in
        the thread, is talking with `user` there, and the message mentions nobody else (etiquette.py)."""
        if etiquette.mentions_others(text, bot_user_id):
            return False
        conversation = thread_id(channel, thread_ts)
        with self.lock:
            return bool(self.store.load_thread(conversation)) and etiquette.talks_with(self.store, conversation, user)

    def ask(self, conversation: str, text: str, user: str | None, overheard: bool = False) -> Answer | None:
        """The engine's answer; out-of-scope questions are logged as gaps; a crash becomes an apology.
        `overheard`: a message not addressed to hirebot, answered only if the engine finds it is (else None)."""
        with self.lock:
            try:
                if overheard:
                    answer = self.engine.overhear(conversation, text)
                    if answer is None:
                        return None
                else:
                    answer = self.engine.ask(conversation, text)
            except Exception:
                log.exception("the engine failed on a message in %s", conversation)
                return ERROR
            if answer.intent == "out_of_scope":
                self._log_gap(text, answer, "out_of_scope", user)
            return answer

    def join(self, conversation: str, user: str | None) -> None:
        """Remember that hirebot is talking with `user` in `conversation` (a store that cannot write: logged)."""
        if not user:
            return
        with self.lock:
            try:
                etiquette.join(self.store, conversation, user)
            except sqlite3.Error:
                log.exception("could not record who hirebot talks with")

    def _log_gap(self, question: str, answer: Answer, reason: str, user: str | None) -> None:
        """Log a knowledge gap (under the lock); a store that cannot write is logged, not raised."""
        try:
            gaps.record(self.store, question, answer.intent, answer.confidence, reason, user)
        except sqlite3.Error:
            log.exception("could not log a knowledge gap")

    def message(self, answer: Answer, question: str, share: bool = False, shared_by: str | None = None) -> dict:
        """The answer as a Slack message; kept in the shelf so that its buttons can find it again."""
        with self.lock:
            try:
                key = shelf.park(self.store, answer, question)
            except sqlite3.Error:  # a listener must not fail after ack(): Bolt would answer Slack 404
                log.exception("could not keep an answer; posting it without its buttons")
                key = None
        buttons = blocks.Buttons(key=key, collapse=blocks.is_long(answer), share=share,
                                 feedback=answer.kind != "error", shared_by=shared_by)
        return blocks.message(answer, buttons)

    def fetch(self, key: str) -> tuple[Answer, str] | None:
        """The answer and question kept under a button's `key`, or None (unknown or expired)."""
        with self.lock:
            return shelf.fetch(self.store, key)

    def not_helpful(self, key: str, user: str | None) -> None:
        """Log the answer kept under `key` as a "Not helpful" gap (nothing if it has expired)."""
        kept = self.fetch(key)
        if kept:
            answer, question = kept
            with self.lock:
                self._log_gap(question, answer, "not_helpful", user)


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
              text: str, user: str | None, overheard: bool = False) -> Answer | None:
    """Ask the engine in `conversation` and post the answer in `channel` (in `thread_ts` when given); in a
    thread, hirebot is then talking with `user`. `overheard` (see Hirebot.ask): None and nothing posted when
    the message was not for hirebot."""
    answer = hb.ask(conversation, text, user, overheard)
    if answer is None:
        return None
    if thread_ts:  # before posting: the user's next message may arrive as soon as the answer shows
        hb.join(conversation, user)
    client.chat_postMessage(channel=channel, thread_ts=thread_ts, **hb.message(answer, text))
    return answer


def answer_in_dm(hb: Hirebot, client: WebClient, user: str, text: str, intro: str) -> None:
    """Open (by posting `intro`) the user's DM with hirebot and answer `text` there, at the top level."""
    opened = client.chat_postMessage(channel=user, **blocks.notice(intro))
    channel = opened["channel"]
    answer_in(hb, client, channel, None, f"{channel}:dm", text, user)
