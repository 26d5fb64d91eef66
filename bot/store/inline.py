"""A SQLite connection that runs each statement on the calling thread, for offline commands.

aiosqlite runs statements on a thread of its own so that the live service's event loop
never waits on the disk. An offline command (`replay`, `demo`) has nothing else on its
loop: there each statement's trip to that thread and back — a queue, a wake-up of the
loop through its self-pipe, and a fight for the GIL with the thread that is detecting the
next post — costs more than many statements do. This connection offers the few calls
`SqliteBackend` makes of aiosqlite's and does the work where it is asked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any


class InlineCursor:
    """aiosqlite's cursor calls over a plain one."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _Done:
    """A statement already run: awaited, or entered with `async with`, like aiosqlite's."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: InlineCursor) -> None:
        self._cursor = cursor

    def __await__(self):
        return self._ready().__await__()

    async def _ready(self) -> InlineCursor:
        return self._cursor

    async def __aenter__(self) -> InlineCursor:
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        await self._cursor.close()


class InlineConnection:
    """The part of `aiosqlite.Connection` the store uses, on the calling thread."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @classmethod
    def connect(cls, path: str, **kwargs: Any) -> "InlineConnection":
        return cls(sqlite3.connect(path, **kwargs))

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> _Done:
        return _Done(InlineCursor(self._conn.execute(sql, parameters)))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> InlineCursor:
        return InlineCursor(self._conn.executemany(sql, rows))

    async def create_function(self, name: str, arity: int, fn: Callable, *, deterministic: bool = False) -> None:
        self._conn.create_function(name, arity, fn, deterministic=deterministic)

    async def _execute(self, fn: Callable[[], Any]) -> Any:
        return fn()

    async def close(self) -> None:
        self._conn.close()
