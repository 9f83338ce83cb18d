"""The knowledge base: pydantic models of `knowledge/*.yaml`, the loader, and `kb check`."""

from bot.knowledge.loader import KnowledgeBase, KnowledgeBaseError, load

__all__ = ["KnowledgeBase", "KnowledgeBaseError", "load"]
