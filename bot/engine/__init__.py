"""The Slack-free engine: understand a message, keep the conversation, answer from the knowledge base."""

from bot.engine.core import Engine, warm
from bot.engine.types import Answer, Choice, Cited, Entities

__all__ = ["Answer", "Choice", "Cited", "Engine", "Entities", "warm"]
