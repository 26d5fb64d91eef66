"""Handing memory that was freed back to the system, in long offline runs.

glibc keeps what Python and SQLite free for later use. A replay reads and sorts its export
in runs before storing anything, and the detector's build leaves temporaries: tens of MB
that would otherwise stay resident for the hours a replay of a million posts takes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache


@lru_cache(maxsize=1)
def _trim():
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim") if name else None
    except (OSError, AttributeError):
        return None


def give_back() -> None:
    """Return free heap pages to the system; nothing where the C library cannot (not glibc)."""
    trim = _trim()
    if trim is not None:
        trim(0)
