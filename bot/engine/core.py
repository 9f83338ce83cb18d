"""The engine facade: one call per user message, conversation state kept in the store."""

from datetime import date

from bot.engine import answer, understand
from bot.engine.types import Answer
from bot.knowledge import KnowledgeBase
from bot.store import Store

MAX_CHARS = 4000


class Engine:
    """Answers messages in conversations. Conversation ids are chosen by the adapter
    (Slack: `channel:thread_ts`; terminal: a session id)."""

    def __init__(self, kb: KnowledgeBase, store: Store, today: date | None = None):
        self.kb = kb
        self.store = store
        self.today = today
        self.vocab = understand.Understander(kb)

    def ask(self, conversation: str, text: str) -> Answer:
        """Understand `text` in the context of `conversation`, answer it, and remember the context."""
        state = self.store.load_thread(conversation)
        heard = self.vocab.understand(text[:MAX_CHARS])
        reply, context = answer.compose(self.kb, heard, state.get("context", {}), self.today)
        state["context"] = context
        self.store.save_thread(conversation, state)
        return reply
