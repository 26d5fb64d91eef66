"""Opening the store and running statements on it: the connection, migrations, transactions.

`Store` inherits all of this and adds what the service keeps; the split keeps each file
readable. Both databases open here: a path is a SQLite file, a `postgresql://` URL a
server (bot/store/backend.py holds what differs between them).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any, Self

from bot.store.backend import PostgresBackend, SqliteBackend
from bot.store.faults import StoreUnavailable, store_problem
from bot.store.location import is_postgres, shown
from bot.store.migrations import MIGRATIONS, SCHEMA_VERSION


class StoreConnection:
    """One connection to the store and the transaction discipline every method relies on."""

    def __init__(self, db: SqliteBackend | PostgresBackend, path: str) -> None:
        self._db = db
        self.path = path
        self._depth = 0
        self._owner: asyncio.Task | None = None
        self._lock = asyncio.Lock()
        #: transactions and savepoints of this connection rolled back: what was read inside
        #: one may never have existed, and SQLite hands its ids out again (bot/near_copies.py)
        self.rollbacks = 0

    @property
    def backend(self) -> str:
        return self._db.name

    def fold_ahead(self, texts: Iterable[str]) -> None:
        """Prepares the search index entries of texts the next commit writes, while the
        caller has time to spare (replay, during the commit before)."""
        self._db.fold_ahead(texts)

    def committing(self) -> bool:
        """Whether a commit still runs on a thread of its own: time the caller may fill
        (replay detects batches further ahead)."""
        return self._db.committing()

    @classmethod
    async def open(cls, path: str | Path, *, check: bool = True, inline: bool = False) -> Self:
        """A store that cannot serve (read-only, not a database, corrupt, a folder that cannot be
        created; a server that is unreachable or refuses the login) raises `StoreUnavailable`
        naming it. The connection is closed first: a SQLite connection's thread left running
        would keep the process from ever exiting.

        `check=False` skips the integrity check (it reads the whole file) for further
        connections to a file this process has already checked. `inline=True` runs a SQLite
        store's statements on the calling thread: for offline commands, never the service."""
        if is_postgres(path):
            return await cls._open_postgres(str(path))
        path = str(path)
        existing = False
        if path != ":memory:":
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                existing = Path(path).is_file() and Path(path).stat().st_size > 0
            except OSError as exc:
                raise StoreUnavailable(path, f"cannot create its folder or read the file "
                                             f"({store_problem(exc)})") from None
        try:
            db = await SqliteBackend.connect(path, inline=inline)
        except Exception as exc:
            raise StoreUnavailable(path, store_problem(exc) or str(exc)) from None
        store = cls(db, path)
        try:
            await db.execute("PRAGMA busy_timeout=5000")
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.execute("PRAGMA foreign_keys=ON")
            if existing and check:
                await store._check_integrity()
            await store._migrate()
            await db.ready()
        except BaseException as exc:
            with suppress(Exception):
                await db.close()
            problem = store_problem(exc)
            if problem is None:
                raise
            raise StoreUnavailable(path, problem) from None
        return store

    @classmethod
    async def _open_postgres(cls, url: str, *, readonly: bool = False) -> Self:
        label = shown(url)
        db = None
        try:
            db = await PostgresBackend.connect(url, readonly=readonly)
            store = cls(db, label)
            if readonly:
                await store._require_current()
            else:
                await store._migrate()
            return store
        except ImportError:
            raise StoreUnavailable(label, "a postgresql:// store needs the PostgreSQL driver: "
                                          "pip install 'frontwatch[postgres]'") from None
        except BaseException as exc:
            if db is not None:
                with suppress(Exception):
                    await db.close()
            problem = _scrub(PostgresBackend.problem(exc), url)
            if problem is None:
                raise
            raise StoreUnavailable(label, problem) from None

    async def _check_integrity(self) -> None:
        """Corruption found here is one clear line at start, not a failure post by post later."""
        row = await self._db.one("PRAGMA quick_check(1)")
        if row is None or row[0] != "ok":
            found = " ".join(str(row[0]).split())[:200] if row else "no answer"
            raise StoreUnavailable(self.path, "the database is corrupt (restore a backup, or move the file away "
                                              f"to start afresh): {found}")

    def _fault(self, exc: BaseException) -> BaseException:
        problem = self._db.problem(exc)
        return StoreUnavailable(self.path, problem) if problem is not None else exc

    @classmethod
    async def open_readonly(cls, path: str | Path) -> Self:
        """A connection the database itself refuses to write through, for viewers that must never change the store.

        Nothing is created or migrated: an absent file or another schema version is an error.
        """
        if is_postgres(path):
            return await cls._open_postgres(str(path), readonly=True)
        resolved = Path(path).resolve()
        if not resolved.is_file():
            raise FileNotFoundError(f"{path}: no frontwatch database there")
        db = await SqliteBackend.connect(f"{resolved.as_uri()}?mode=ro", readonly=True)
        await db.execute("PRAGMA busy_timeout=5000")
        store = cls(db, str(path))
        try:
            await store._require_current()
            await db.ready()
        except BaseException:
            await db.close()
            raise
        return store

    async def _require_current(self) -> None:
        version = await self.schema_version()
        if version != SCHEMA_VERSION:
            raise RuntimeError(f"{self.path}: database schema version {version}, this frontwatch reads "
                               f"{SCHEMA_VERSION}; open it once with `frontwatch run` or `replay` to upgrade")

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def schema_version(self) -> int:
        return await self._db.schema_version()

    async def _migrate(self) -> None:
        current = await self.schema_version()
        if current > SCHEMA_VERSION:
            raise RuntimeError(
                f"{self.path}: database schema version {current} is newer than this "
                f"frontwatch ({SCHEMA_VERSION}); upgrade frontwatch"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            async with self.transaction():
                await self._db.lock_schema()
                if await self.schema_version() >= version:
                    continue
                migration = MIGRATIONS[version - 1]
                await self._db.run_script(migration.postgresql if self.backend == "postgresql" else migration.sqlite)
                await self._db.set_schema_version(version)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Nested uses join the outer transaction, so helpers can be composed freely.

        Only nesting within one task joins: another task sharing this connection (a bot
        command while a post is handled) waits for the transaction to end instead of
        slipping its statements into it.
        """
        if self._depth and self._owner is asyncio.current_task():
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        async with self._lock:
            try:
                await self._db.begin()
            except Exception as exc:
                fault = self._fault(exc)
                if fault is exc:
                    raise
                raise fault from exc
            self._depth = 1
            self._owner = asyncio.current_task()
            try:
                yield
                self._depth = 0
                self._owner = None
                await self._db.commit()
            except BaseException as exc:
                self._depth = 0
                self._owner = None
                self.rollbacks += 1
                with suppress(Exception):
                    await self._db.rollback()
                fault = self._fault(exc)
                if fault is exc:
                    raise
                raise fault from exc

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> Any:
        return await self._db.one(sql, params)

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        return await self._db.all(sql, params)


def _scrub(problem: str | None, url: str) -> str | None:
    """No server message may carry the URL's password into a log or onto the screen."""
    from urllib.parse import unquote, urlsplit

    if problem is None:
        return None
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    for secret in filter(None, {password, password and unquote(password)}):
        problem = problem.replace(secret, "***")
    return problem.replace(url, shown(url))
