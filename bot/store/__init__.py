"""SQLite store: the service's memory across restarts. See `Store`."""

from bot.store.db import AlertRow, ClaimRow, ClaimVoice, SavedPost, Store, StoredEvent, StoredPost

__all__ = ["AlertRow", "ClaimRow", "ClaimVoice", "SavedPost", "Store", "StoredEvent", "StoredPost"]
