"""The two databases the store runs on, behind one small interface.

`Store` writes its SQL once, in the dialect both understand (`?` placeholders, ISO dates
as text, `ON CONFLICT`, `RETURNING`); what still differs is named here and nowhere else:
placeholders and `INSERT OR IGNORE`, the two-argument max/min, the new row's id, where the
schema version is kept, the full-text index, and how the server says it is unreachable.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import groupby, islice
from operator import itemgetter
from typing import Any

import aiosqlite

from bot.detect.normalize import fold
from bot.store import batch, vocabulary
from bot.store.faults import store_problem
from bot.store.fulltext import index_words, tsquery
from bot.store.inline import InlineConnection
from bot.store.pgfaults import postgres_problem

_PG_LOCK_MIGRATE = 7_431_001
#: texts folded ahead and not yet indexed, at most (replay reads a few batches ahead)
FOLDED_LIMIT = 2_000


def _write_and_commit(conn: sqlite3.Connection, steps: Sequence[tuple[str, list]]) -> None:
    for sql, rows in steps:
        conn.executemany(sql, rows)
    conn.execute("COMMIT")


class SqliteBackend:
    """aiosqlite on one file; transactions are `BEGIN IMMEDIATE`, so writers queue, never collide."""

    name = "sqlite"
    greatest = "max"
    least = "min"
    #: writers already take turns (`BEGIN IMMEDIATE`), so a row read is a row no one else holds
    skip_locked = ""
    #: what orders text versions as they are written (bot/store/alerted.py)
    version_seq = "rowid"

    def __init__(self, conn: aiosqlite.Connection | InlineConnection) -> None:
        self.conn = conn
        #: search index writes of the open transaction, made just before it commits (see `begin`)
        self.deferred: list[tuple[str, tuple]] | None = None
        #: texts already folded for the next commit's index entries (`fold_ahead`)
        self.folded: dict[str, str] = {}

    @classmethod
    async def connect(cls, path: str, *, readonly: bool = False, inline: bool = False) -> "SqliteBackend":
        """`inline`: statements run on the calling thread (`bot.store.inline`), for an offline
        command whose event loop has nothing else to do."""
        if readonly:
            conn = await aiosqlite.connect(path, uri=True, isolation_level=None)
        else:
            conn = InlineConnection.connect(path, isolation_level=None) if inline \
                else await aiosqlite.connect(path, isolation_level=None)
            await conn.create_function("fw_fold", 1, fold, deterministic=True)
        return cls(conn)

    async def ready(self) -> None:
        """Once the file is known to be a current store, this connection's temporary tables:
        the search index's vocabulary (bot/store/vocabulary.py) and a commit's index entries."""
        await self.conn.execute(vocabulary.VOCABULARY_TABLE)
        await self.conn.execute(batch.FTS_STAGE_TABLE)

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> None:
        await self.conn.execute(sql, tuple(params))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.conn.executemany(sql, rows)

    async def one(self, sql: str, params: Iterable[Any] = ()) -> Any:
        async with self.conn.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        async with self.conn.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

    async def insert_id(self, sql: str, params: Iterable[Any] = ()) -> int:
        cur = await self.conn.execute(sql, tuple(params))
        return cur.lastrowid

    async def begin(self) -> None:
        """FTS5 writes what it has pending as a segment of its own at every savepoint, and a
        batch takes one savepoint per post: written as they come, a batch's index entries
        cost three times what they cost together. So within a transaction they wait in
        `deferred` (a savepoint rolled back drops its own, `index_mark`/`index_undo`) and
        are written at the commit, in order."""
        await self.conn.execute("BEGIN IMMEDIATE")
        self.deferred = []

    async def rollback(self) -> None:
        self.deferred = None
        if self.conn.in_transaction:
            await self.conn.execute("ROLLBACK")

    async def commit(self) -> None:
        """The index entries and the commit are one trip to the connection's thread. On an
        inline connection that trip is a thread of its own: SQLite builds the index without
        holding the GIL, while the caller goes on (replay detects its next batch); the
        entries are staged before, here, as binding them is Python's work."""
        pending, self.deferred = self.deferred or [], None
        folded = self.folded
        staged: list[tuple] = []
        steps: list[tuple[str, list]] = []
        for kind, run in groupby(pending, key=itemgetter(0)):
            if kind == "+":
                first = len(staged)
                staged += [(first + n, folded.pop(text, None) or fold(text), places, post_id)
                           for n, (_, (text, places, post_id)) in enumerate(run)]
                steps.append((batch.FTS_INSERT_STAGED, [(first, len(staged))]))
            else:
                steps.append((batch.FTS_DELETE, [params for _, params in run]))
        if staged:
            steps.append((batch.FTS_UNSTAGE, [()]))
        if isinstance(self.conn, InlineConnection):
            if staged:
                await self.conn.executemany(batch.FTS_STAGE, staged)
            await self.conn.apart(_write_and_commit, steps)
        else:
            conn = self.conn
            if staged:
                steps.insert(0, (batch.FTS_STAGE, staged))
            await conn._execute(lambda: _write_and_commit(conn._conn, steps))

    def fold_ahead(self, texts: Iterable[str]) -> None:
        """Folds the texts later commits will index, at a moment the caller has to spare
        (replay, while the commit before runs apart); kept until a commit writes them, or
        dropped oldest first past FOLDED_LIMIT (a text whose post was stored already)."""
        folded = self.folded
        for text in texts:
            if text not in folded:
                folded[text] = fold(text)
        for text in list(islice(folded, max(0, len(folded) - FOLDED_LIMIT))):
            del folded[text]

    def committing(self) -> bool:
        """Whether a commit is still running apart (`InlineConnection.apart`)."""
        return isinstance(self.conn, InlineConnection) and self.conn.busy()

    def index_mark(self) -> int:
        return len(self.deferred) if self.deferred is not None else 0

    def index_undo(self, mark: int) -> None:
        if self.deferred is not None:
            del self.deferred[mark:]

    async def schema_version(self) -> int:
        return int((await self.one("PRAGMA user_version"))[0])

    async def lock_schema(self) -> None:
        """`BEGIN IMMEDIATE` already keeps a second migrating process out."""

    async def set_schema_version(self, version: int) -> None:
        await self.conn.execute(f"PRAGMA user_version = {int(version)}")

    async def run_script(self, script: str) -> None:
        for statement in (s.strip() for s in script.split(";\n")):
            if statement:
                await self.conn.execute(statement)

    async def index_post(self, post_id: int, text: str, place_tokens: Sequence[str]) -> None:
        params = (text, " ".join(place_tokens), post_id)
        if self.deferred is not None:
            self.deferred.append(("+", params))
        else:
            await self.conn.execute(batch.FTS_INSERT, params)

    async def unindex_post(self, post_id: int) -> None:
        if self.deferred is not None:
            self.deferred.append(("-", (post_id,)))
        else:
            await self.conn.execute(batch.FTS_DELETE, (post_id,))

    @staticmethod
    def match_clause(place_tokens: Sequence[str], words: Sequence[str]) -> tuple[str, list[Any]]:
        """Post ids whose places hold every token and whose text has a word starting with each of `words`."""
        return f"SELECT {batch.FTS_ID} FROM posts_fts WHERE posts_fts MATCH ?", [fts5_expression(place_tokens, words)]

    async def match_expression(self, place_tokens: Sequence[str], words: Sequence[str]) -> str:
        """`fts5_expression` with each word written out as the index words it starts (bot/store/vocabulary.py):
        the same posts, found without merging every form's doclist first."""
        spelled = [w for w in dict.fromkeys(words) if vocabulary.expandable(w)]
        terms = vocabulary.continuations(spelled, await self.all(*vocabulary.words_query(spelled))) if spelled else {}
        return fts5_expression(place_tokens, words, terms)

    @staticmethod
    def problem(exc: BaseException) -> str | None:
        return store_problem(exc)

    async def close(self) -> None:
        await self.conn.close()


def fts5_expression(place_tokens: Sequence[str], words: Sequence[str],
                    spelled: Mapping[str, Sequence[str]] | None = None) -> str:
    """SQLite's MATCH: every place token in `places`, a word starting with each of `words` in `text`
    (written out as the index words in `spelled`, when it has them)."""
    terms = [f"places : {vocabulary.quoted(t)}" for t in place_tokens]
    terms += [vocabulary.text_term(w, spelled or {}) for w in words]
    return " AND ".join(terms)


@lru_cache(maxsize=1024)
def to_postgres(sql: str) -> str:
    """`?` to `%s` (a literal `%` doubled), outside quoted strings; `INSERT OR IGNORE` to `ON CONFLICT DO NOTHING`."""
    ignore = sql.lstrip().upper().startswith("INSERT OR IGNORE")
    if ignore:
        sql = re.sub(r"(?i)INSERT OR IGNORE", "INSERT", sql, count=1)

    def swap(m: re.Match) -> str:
        token = m.group()
        return "%s" if token == "?" else "%%" if token == "%" else token

    out = re.sub(r"'(?:[^']|'')*'|\?|%", swap, sql)
    return out + " ON CONFLICT DO NOTHING" if ignore else out


class PostgresBackend:
    """psycopg's AsyncConnection in autocommit, with explicit BEGIN/COMMIT like the SQLite side."""

    name = "postgresql"
    greatest = "GREATEST"
    least = "LEAST"
    #: another process's claim in flight is passed over, not waited for and then taken again
    skip_locked = " FOR UPDATE SKIP LOCKED"
    #: what orders text versions as they are written (migration 9; bot/store/alerted.py)
    version_seq = "seq"

    def __init__(self, conn: Any, url: str, readonly: bool) -> None:
        self.conn = conn
        self._url = url
        self._readonly = readonly
        self._in_transaction = False

    @staticmethod
    async def _connect(url: str, readonly: bool) -> Any:
        import psycopg

        conn = await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=10,
                                                     application_name="frontwatch")
        if readonly:
            await conn.execute("SET default_transaction_read_only = on")
        return conn

    @classmethod
    async def connect(cls, url: str, *, readonly: bool = False) -> "PostgresBackend":
        return cls(await cls._connect(url, readonly), url, readonly)

    async def _live(self) -> Any:
        """A server restarted or a connection cut costs the statement in hand (a `StoreUnavailable`,
        which the reader retries), not every statement after it: the next one connects again.
        Inside a transaction a lost connection is the transaction's failure, never silently replaced."""
        if (self.conn.broken or self.conn.closed) and not self._in_transaction:
            with contextlib.suppress(Exception):
                await self.conn.close()
            self.conn = await self._connect(self._url, self._readonly)
        return self.conn

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> None:
        await (await self._live()).execute(to_postgres(sql), tuple(params))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with (await self._live()).cursor() as cur:
            await cur.executemany(to_postgres(sql), [tuple(r) for r in rows])

    async def one(self, sql: str, params: Iterable[Any] = ()) -> Any:
        cur = await (await self._live()).execute(to_postgres(sql), tuple(params))
        return await cur.fetchone()

    async def all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        cur = await (await self._live()).execute(to_postgres(sql), tuple(params))
        return list(await cur.fetchall())

    async def insert_id(self, sql: str, params: Iterable[Any] = ()) -> int:
        return (await self.one(sql + " RETURNING id", params))[0]

    async def begin(self) -> None:
        await (await self._live()).execute("BEGIN")
        self._in_transaction = True

    def fold_ahead(self, texts: Iterable[str]) -> None:
        """PostgreSQL's index words are made as each post is written (`index_post`)."""

    def committing(self) -> bool:
        return False

    async def rollback(self) -> None:
        self._in_transaction = False
        if not (self.conn.broken or self.conn.closed):
            await self.conn.execute("ROLLBACK")

    async def commit(self) -> None:
        self._in_transaction = False
        await self.conn.execute("COMMIT")

    async def schema_version(self) -> int:
        row = await self.one("SELECT to_regclass('schema_version') IS NOT NULL")
        if not row[0]:
            return 0
        row = await self.one("SELECT max(version) FROM schema_version")
        return int(row[0] or 0)

    async def lock_schema(self) -> None:
        """Two processes starting together: the second waits, then finds the work done."""
        await self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK_MIGRATE,))
        await self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")

    async def set_schema_version(self, version: int) -> None:
        await self.conn.execute("DELETE FROM schema_version")
        await self.conn.execute("INSERT INTO schema_version(version) VALUES (%s)", (int(version),))

    async def run_script(self, script: str) -> None:
        await self.conn.execute(script)

    #: the index is written as posts come: PostgreSQL has no cost per savepoint to avoid
    deferred = None

    def index_mark(self) -> int:
        return 0

    def index_undo(self, mark: int) -> None:
        """Nothing waits: a rolled-back savepoint took its index rows with it."""

    async def index_post(self, post_id: int, text: str, place_tokens: Sequence[str]) -> None:
        await self.conn.execute(
            "INSERT INTO posts_fts(post_id, words) VALUES (%s,"
            " setweight(array_to_tsvector(%s::text[]), 'A') || setweight(array_to_tsvector(%s::text[]), 'D'))",
            (post_id, sorted(set(place_tokens)), index_words(text)))

    async def unindex_post(self, post_id: int) -> None:
        await self.conn.execute("DELETE FROM posts_fts WHERE post_id = %s", (post_id,))

    @staticmethod
    def match_clause(place_tokens: Sequence[str], words: Sequence[str]) -> tuple[str, list[Any]]:
        return "SELECT post_id FROM posts_fts WHERE words @@ ?::tsquery", [tsquery(place_tokens, words)]

    @staticmethod
    def problem(exc: BaseException) -> str | None:
        return postgres_problem(exc) or store_problem(exc)

    async def close(self) -> None:
        await self.conn.close()


async def write_new_posts_async(db: PostgresBackend, items: Sequence[batch.NewPost],
                                stored_at: str) -> list[int | Exception]:
    """`batch.write_new_posts` for PostgreSQL: the same rows, each post under its own savepoint,
    so one that breaks is rolled back alone and handed back; a fault of the server itself
    (`postgres_problem`) rolls the whole batch back instead."""
    results: list[int | Exception] = []
    reached: dict[int, int] = {}
    for item in items:
        await db.execute("SAVEPOINT fw_new_post")
        try:
            row = await db.one(batch.POST_INSERT, batch.post_row(item.post, stored_at))
            if row is None:
                raise ValueError(f"post {item.post.link} is already stored")
            rows = batch.DetectionRows.of(row[0], item.detection, item.post.text)
            await db.execute(batch.DETECTION_UPSERT, rows.detection)
            for sql, values in ((batch.PLACE_INSERT, rows.places), (batch.TOPIC_INSERT, rows.topics),
                                (batch.EVENT_INSERT, rows.events)):
                if values:
                    await db.executemany(sql, values)
            await db.index_post(row[0], item.post.text,
                                [batch.place_token(p) for p in item.detection.place_ids])
        except Exception as exc:  # noqa: BLE001 - handed back and reported with the post's link
            if db.problem(exc) is not None:
                raise
            await db.execute("ROLLBACK TO SAVEPOINT fw_new_post")
            await db.execute("RELEASE SAVEPOINT fw_new_post")
            results.append(exc)
            continue
        await db.execute("RELEASE SAVEPOINT fw_new_post")
        results.append(row[0])
        key = item.post.channel_id
        reached[key] = max(reached.get(key, item.post.message_id), item.post.message_id)
    if reached:
        await db.executemany(
            "INSERT INTO read_positions(channel_id, last_message_id, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(channel_id) DO UPDATE SET last_message_id = GREATEST(read_positions.last_message_id,"
            " excluded.last_message_id), updated_at = excluded.updated_at",
            [(c, m, stored_at) for c, m in reached.items()])
    return results
