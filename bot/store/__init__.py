"""SQLite store: the service's memory across restarts. See `Store`."""

from bot.store.db import AlertRow, SavedPost, Store, StoredPost
from bot.store.faults import StoreUnavailable

__all__ = ["AlertRow", "SavedPost", "Store", "StoredPost", "StoreUnavailable"]
