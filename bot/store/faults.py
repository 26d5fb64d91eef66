"""When the SQLite file itself fails (locked, full, read-only, not a database, corrupt).

Such a failure is not the fault of the post in hand: it names the file and what is wrong
with it, stops an offline command with one line, and makes the live reader keep its read
position and try again later instead of skipping posts.
"""

from __future__ import annotations

import sqlite3

from bot.errors import ConfigError

#: Primary SQLite result codes that describe the file or the disk, and what to tell the operator.
_PROBLEMS = {
    sqlite3.SQLITE_BUSY: "the database is locked by another process (waited past the busy timeout)",
    sqlite3.SQLITE_LOCKED: "the database is locked",
    sqlite3.SQLITE_NOMEM: "SQLite ran out of memory",
    sqlite3.SQLITE_READONLY: "the database is read-only (file, folder or mount)",
    sqlite3.SQLITE_IOERR: "disk I/O error (is the disk full or failing?)",
    sqlite3.SQLITE_CORRUPT: "the database is corrupt (restore a backup, or move the file away to start afresh)",
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_CANTOPEN: "cannot open the file (missing folder or no permission)",
    sqlite3.SQLITE_PROTOCOL: "the database is locked (locking protocol)",
    sqlite3.SQLITE_NOTADB: "not a SQLite database",
    sqlite3.SQLITE_PERM: "no permission to use the file",
    sqlite3.SQLITE_AUTH: "no permission to use the file",
}


class StoreUnavailable(ConfigError):
    """The store's file cannot be used: one line naming it, exit 2 from every command."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path, None, problem)


def store_problem(exc: BaseException) -> str | None:
    """What is wrong with the file, or None when `exc` is no fault of the file or the disk."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is None:
            return None
        problem = _PROBLEMS.get(code & 0xFF)
        return f"{problem} ({exc})" if problem and str(exc) not in problem else problem
    if isinstance(exc, OSError):
        return f"{exc.strerror or type(exc).__name__}"
    return None
