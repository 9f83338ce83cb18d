"""The engine facade: one call per user message, conversation state kept in the store."""

import time
from datetime import date

from bot.engine import answer, diagnose, english, scope, understand
from bot.engine import overheard as _overheard
from bot.engine.clean import MAX_CHARS
from bot.engine.reqs import reading
from bot.engine.types import Answer
from bot.knowledge import KnowledgeBase
from bot.store import Store

RECENT = 3  # earlier messages kept per thread: what a walk-through started later takes as already answered
RECENT_CHARS = 500


class Engine:
    """Answers messages in conversations. Conversation ids are chosen by the adapter
    (Slack: `channel:thread_ts`; terminal: a session id)."""

    def __init__(self, kb: KnowledgeBase, store: Store, today: date | None = None,
                 vocab: understand.Understander | None = None):
        """`vocab`: an Understander of `kb` built already (`serve --workers` builds one before it forks)."""
        self.kb = kb
        self.store = store
        self.today = today
        self.vocab = vocab or understand.Understander(kb)

    def ask(self, conversation: str, text: str) -> Answer:
        """Understand `text` in the context of `conversation`, answer it, and remember the context."""
        reply, state = self.reply(self.store.load_thread(conversation), text)
        self.store.save_thread(conversation, state)
        return reply

    def overhear(self, conversation: str, text: str) -> Answer | None:
        """A message not addressed to hirebot (no mention) in a shared conversation: answered and remembered
        like `ask` when it is for hirebot (see overheard.py), else None and the conversation left as it was."""
        said = self.reply(self.store.load_thread(conversation), text, overheard=True)
        if said is None:
            return None
        self.store.save_thread(conversation, said[1])
        return said[0]

    def reply(self, state: dict, text: str, overheard: bool = False) -> tuple[Answer, dict] | None:
        """The answer to `text` in a conversation whose saved state is `state`, and the state to save after it.
        Reads and writes nothing: the caller keeps the state. `overheard` (not addressed to hirebot): None when
        the message is not for hirebot."""
        reply, state, heard, moved = self._turn(state, text)
        if overheard and not _overheard.for_hirebot(heard, reply, moved):
            return None
        return reply, state

    def _turn(self, state: dict, text: str) -> tuple[Answer, dict, understand.Understanding, bool]:
        """(reply, the conversation's new state, what was understood, whether a walk-through under way moved)."""
        context = state.get("context", {})
        heard = answer.parse_choice(text, context) or self.vocab.understand(text[:MAX_CHARS])

        def respond(said: understand.Understanding) -> Answer:
            nonlocal context
            stood_in = scope.stand_in(self.kb, said)
            reply, context = answer.compose(self.kb, stood_in, context, self.today)
            scope.frame(self.kb, said, reply)
            if stood_in is not said:  # the answer is about the nearest roles; its entities are what was named
                reply.entities = reply.entities.model_copy(update={"roles": said.entities.roles})
                if said.outside and not said.entities.roles:  # only titles the sources do not describe: out of
                    reply.intent = "out_of_scope"  # scope, answered for the nearest role (the thread keeps the topic)
            answer.fit(reply)  # what frame put in front of the headline counts against the answer's length
            return reply

        before = state.get("diagnostic")
        walk = before
        recent = [t for t in state.get("recent", []) if isinstance(t, str)][-RECENT:]
        if walk is None and answer.asks_of_term(heard, context):  # "who usually produces them?" after a term
            heard = heard.model_copy(update={"intent": "define_term", "followup": True})
        elsewhere = walk is None and bool(answer.uncovered_topic(self.kb, heard.text)  # "a contractor or a hire?"
                                          or answer.thread_topic(heard, context))  # "which of those?" after the loop
        if diagnose.wants(walk, heard) and not elsewhere:  # a walk-through under way goes first; choose_role
            # starts one unless it asks about what the sources do not cover, or about the thread's topic
            if walk is None and heard.entities.employer_tier is None and context.get("employer_tier"):
                heard = heard.model_copy(update={"entities": heard.entities.model_copy(
                    update={"employer_tier": context["employer_tier"]})})
            if walk is None and not heard.entities.roles and answer.picks_among(heard, context):
                heard = heard.model_copy(update={"entities": heard.entities.model_copy(
                    update={"roles": context["roles"]})})  # "which one first?" after two roles: those two
            walk, reply = diagnose.step(self.kb, walk, heard, time.time(), respond, self.today, tuple(recent))
            if reply.intent == "choose_role" and reply.entities.roles:  # the roles named or recommended: "is
                context = answer.remember("choose_role", reply.entities)  # that a mistake?" asks about them
            if walk is not None and heard.intent == "choose_role":  # the reply names the roles the message named
                reply.entities = reply.entities.model_copy(update={"roles": heard.entities.roles})
        else:
            reply = respond(heard)
        answer.name_sources(self.kb, reply)  # the walk-through's answers too: sources by publisher and title
        moved = bool(before) and before.get("status") == "active" and _progress(walk) != _progress(before)
        state = {**state, "context": context}
        if not heard.raw.startswith((diagnose.CODE, answer.CHOICE)):
            state["recent"] = [*recent, heard.raw[:RECENT_CHARS]][-RECENT:]
        if walk is None:
            state.pop("diagnostic", None)
        else:
            state["diagnostic"] = walk
        return reply, state, heard, moved


def warm(kb: KnowledgeBase) -> None:
    """Read now what the engine otherwise reads for the first message that needs it (the common-English word
    list, ~40 ms; the req patterns, ~20 ms): a server does it once as it starts (`serve --workers` before it
    forks, so the workers share it), not while answering."""
    english.words()
    if kb.signals is not None:
        reading.compiled(kb.signals)


def _progress(walk: dict | None) -> dict | None:
    """A walk-through's state without its last-touched time: what an answer, back or cancel changes."""
    return None if walk is None else {k: v for k, v in walk.items() if k != "updated"}
