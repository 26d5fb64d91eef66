"""A SQLite connection that runs each statement on the calling thread, for offline commands.

aiosqlite runs statements on a thread of its own so that the live service's event loop
never waits on the disk. An offline command (`replay`, `demo`) has nothing else on its
loop: there each statement's trip to that thread and back — a queue, a wake-up of the
loop through its self-pipe, and a fight for the GIL with the thread that is detecting the
next post — costs more than many statements do. This connection offers the few calls
`SqliteBackend` makes of aiosqlite's and does the work where it is asked.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
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
    """The part of `aiosqlite.Connection` the store uses, on the calling thread; and `apart`,
    for the one piece of work worth a thread of its own."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._raw = conn
        self._pool: ThreadPoolExecutor | None = None
        self._apart: Future | None = None

    @classmethod
    def connect(cls, path: str, **kwargs: Any) -> "InlineConnection":
        # one thread at a time uses it: `apart` hands it over and `_conn` takes it back
        return cls(sqlite3.connect(path, check_same_thread=False, **kwargs))

    @property
    def _conn(self) -> sqlite3.Connection:
        """The connection, once work handed to `apart` is over: a statement never runs
        beside it, even one from a task that did not wait for it."""
        if self._apart is not None:
            futures.wait([self._apart])
            self._apart = None
        return self._raw

    def busy(self) -> bool:
        """Whether work handed to `apart` is still running."""
        return self._apart is not None and not self._apart.done()

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

    async def apart(self, fn: Callable[..., Any], *args: Any) -> Any:
        """`fn(connection, *args)` on a thread of its own. SQLite lets go of the GIL while it
        works, so work of the caller's that needs no statement (detecting the next batch)
        runs beside it on the other core."""
        conn = self._conn
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="frontwatch-store")
        job = self._pool.submit(fn, conn, *args)
        self._apart = job
        try:
            return await asyncio.wrap_future(job)
        finally:
            if self._apart is job and job.done():
                self._apart = None

    async def close(self) -> None:
        self._conn.close()
        if self._pool is not None:
            self._pool.shutdown()
