"""The store: the service's memory across restarts, in SQLite or PostgreSQL. See `Store`."""

from bot.store.claim_store import ClaimRow, ClaimVoice, StoredEvent
from bot.store.db import AlertRow, SavedPost, Store, StoredPost
from bot.store.faults import StoreUnavailable

__all__ = ["AlertRow", "ClaimRow", "ClaimVoice", "SavedPost", "Store", "StoredEvent", "StoredPost", "StoreUnavailable"]
