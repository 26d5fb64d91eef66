"""What only the PostgreSQL store has to get right: a shared server that drops connections,
two processes migrating at once, and statements turned into its dialect."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from bot.store import Store, StoreUnavailable
from bot.store.backend import to_postgres
from bot.store.migrations import SCHEMA_VERSION


def _cut_every_store_connection(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as admin:
        return len(admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'frontwatch' AND pid <> pg_backend_pid()").fetchall())


async def test_a_cut_connection_costs_one_transaction_and_the_next_reconnects(pg_server):
    url = pg_server.fresh_schema()
    store = await Store.open(url)
    try:
        assert _cut_every_store_connection(pg_server.url()) >= 1
        with pytest.raises(StoreUnavailable, match="the server ended the connection"):
            async with store.transaction():
                await store.set_setting("paused", True)
        async with store.transaction():
            await store.set_setting("paused", True)
        assert await store.get_setting("paused") is True
    finally:
        await store.close()


async def test_stores_opened_at_once_on_an_empty_database_migrate_it_once(pg_server):
    url = pg_server.fresh_schema()
    stores = await asyncio.gather(*(Store.open(url) for _ in range(4)))
    try:
        assert [await s.schema_version() for s in stores] == [SCHEMA_VERSION] * 4
        assert await stores[0].execute("SELECT count(*) FROM schema_version") == [(1,)]
    finally:
        for s in stores:
            await s.close()


def test_placeholders_become_psycopg_ones_except_inside_quoted_text():
    assert to_postgres("SELECT '?%', x FROM t WHERE a = ? AND b LIKE 'a%' || ?") == \
        "SELECT '?%', x FROM t WHERE a = %s AND b LIKE 'a%' || %s"
    assert to_postgres("SELECT 5 % ?") == "SELECT 5 %% %s"
    assert to_postgres("INSERT OR IGNORE INTO t(a) VALUES (?)") == "INSERT INTO t(a) VALUES (%s) ON CONFLICT DO NOTHING"
