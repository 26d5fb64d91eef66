"""The offline commands' store connection: statements on the calling thread, the commit apart."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest

from bot.store.inline import InlineConnection


async def _one_row_uncommitted(tmp_path, column: str) -> InlineConnection:
    """A connection whose open transaction has written one row of `t`."""
    conn = InlineConnection.connect(str(tmp_path / "x.sqlite"), isolation_level=None)
    await conn.execute(f"CREATE TABLE t({column})")
    await conn.execute("BEGIN")
    await conn.execute("INSERT INTO t VALUES (1)")
    return conn


async def test_a_statement_asked_for_while_a_commit_runs_apart_waits_for_it_and_sees_it_done(tmp_path):
    conn = await _one_row_uncommitted(tmp_path, "x")
    try:
        started, release = threading.Event(), threading.Event()

        def slow_commit(raw):
            started.set()
            release.wait(10)
            raw.execute("INSERT INTO t VALUES (2)")
            raw.execute("COMMIT")

        committing = asyncio.ensure_future(conn.apart(slow_commit))
        await asyncio.sleep(0)
        assert started.wait(10)
        threading.Timer(0.05, release.set).start()
        # a task that did not wait for the commit: its statement runs after it, never inside it
        async with conn.execute("SELECT x FROM t ORDER BY x") as cursor:
            rows = await cursor.fetchall()
        assert rows == [(1,), (2,)]
        assert not conn.in_transaction
        await committing
    finally:
        await conn.close()


async def test_a_commit_that_fails_apart_fails_its_caller_and_leaves_the_transaction_to_roll_back(tmp_path):
    conn = await _one_row_uncommitted(tmp_path, "x UNIQUE")
    try:
        def clashing_commit(raw):
            raw.execute("INSERT INTO t VALUES (1)")
            raw.execute("COMMIT")

        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            await conn.apart(clashing_commit)
        assert conn.in_transaction
        await conn.execute("ROLLBACK")
        async with conn.execute("SELECT count(*) FROM t") as cursor:
            assert await cursor.fetchone() == (0,)
    finally:
        await conn.close()
