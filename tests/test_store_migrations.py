"""The database opens whatever release wrote it, and keeps what it held."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from bot.store import Store
from bot.store.migrations import MIGRATIONS, SCHEMA_VERSION

from conftest import RU_BLOG, at, make_post


async def test_an_empty_file_gets_the_whole_schema_in_wal_mode(tmp_path):
    path = tmp_path / "new.sqlite"
    store = await Store.open(path)
    try:
        assert await store.schema_version() == SCHEMA_VERSION
        assert (await store.execute("PRAGMA journal_mode"))[0][0] == "wal"
    finally:
        await store.close()
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"posts", "post_versions", "detections", "read_positions", "alerts", "posts_fts"} <= tables


def old_database(path, version: int) -> None:
    """A file as release `version` left it, holding one post it had stored."""
    from bot.detect.normalize import fold

    conn = sqlite3.connect(path)
    conn.create_function("fw_fold", 1, fold)
    for migration in MIGRATIONS[:version]:
        for statement in migration.sqlite.split(";\n"):
            if statement.strip():
                conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("INSERT INTO posts(id, channel_id, message_id, date, text, link, stored_at)"
                 " VALUES (1, 1, 10, '2026-11-20T10:00:00+00:00', 'Бои в Купянске продолжаются',"
                 " 'https://t.me/x/10', '2026-11-20T10:00:00+00:00')")
    if version < 3:
        conn.execute("INSERT INTO post_versions VALUES (1, 1, 'Бои в Купянске продолжаются', NULL,"
                     " '2026-11-20T10:00:00+00:00')")
    if version >= 8:
        conn.execute("INSERT INTO post_places(post_id, place_id, date, channel_id)"
                     " VALUES (1, 'kupiansk', '2026-11-20T10:00:00+00:00', 1)")
    else:
        conn.execute("INSERT INTO post_places(post_id, place_id) VALUES (1, 'kupiansk')")
    if version >= 2:
        conn.execute("INSERT INTO posts_fts(rowid, text, places) VALUES (1, ?, 'kupiansk')",
                     (fold("Бои в Купянске продолжаются"),))
    conn.execute("INSERT INTO read_positions VALUES (1, 10, '2026-11-20T10:00:00+00:00')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
async def test_a_database_from_an_earlier_version_is_migrated_with_its_posts_searchable_and_editable(
        tmp_path, version):
    path = tmp_path / "old.sqlite"
    old_database(path, version)
    store = await Store.open(path)
    try:
        assert await store.schema_version() == SCHEMA_VERSION
        assert await store.read_position(1) == 10
        assert [sp.post.message_id for sp in await store.search_posts(places=["kupiansk"])] == [10]
        assert [sp.post.message_id for sp in await store.search_posts(words=["купянск"])] == [10]
        stored = await store.post_by_key(1, 10)
        async with store.transaction():
            edited = await store.save_post(replace(stored.post, text="Бои в Купянске стихли", edit_date=at(12)))
        assert edited.status == "edited"
        assert [text for _, text, _ in await store.versions(edited.post_id)] == [
            "Бои в Купянске продолжаются", "Бои в Купянске стихли"]
    finally:
        await store.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
async def test_a_database_from_an_earlier_version_stores_events_and_claims_as_plain_rows(tmp_path, version):
    from bot.detect import Detection
    from bot.detect.model import Event, Match

    path = tmp_path / "old.sqlite"
    old_database(path, version)
    store = await Store.open(path)
    try:
        stored = await store.post_by_key(1, 10)
        event = Event("withdrawal", "kupiansk", "ua", "denied", (Match(0, 4, "Бои", "event"),))
        async with store.transaction():
            await store.save_detection(stored.post_id, Detection("ru", (), (), (event,)))
            claim_id = await store.create_claim("withdrawal", "kupiansk", at(10), None)
            await store.add_claim_voice(claim_id, stored.post_id, "denied", "ua", "channel:1", "ua", at(11))
            await store.set_claim_state(claim_id, "single", True)
    finally:
        await store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT action, place_id, by_side, stance, matches FROM post_events").fetchall() == [
        ("withdrawal", "kupiansk", "ua", "denied", "[[0, 4]]")]
    assert conn.execute("SELECT action, place_id, tier, disputed, first_date, last_date, alert_id FROM claims"
                        ).fetchall() == [("withdrawal", "kupiansk", "single", 1, "2026-11-20T10:00:00+00:00",
                                          "2026-11-20T11:00:00+00:00", None)]
    conn.close()


async def _places_reported(store, detector) -> list[tuple[str, int]]:
    from bot.report import build_report

    report = await build_report(store, detector, at(6, day=21), "Europe/Kyiv")
    return [(p.place_id, p.today) for p in report.places] + [(p.place_id, p.today) for p in report.digest.places]


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
async def test_a_database_from_an_earlier_version_reports_the_places_of_its_posts(tmp_path, detector, version):
    path = tmp_path / "old.sqlite"
    old_database(path, version)
    store = await Store.open(path)
    try:
        assert await _places_reported(store, detector) == [("kupiansk", 1), ("kupiansk", 1)]
    finally:
        await store.close()


async def test_a_postgresql_database_from_version_7_reports_the_places_of_its_posts(pg_server, detector,
                                                                                    monkeypatch):
    from bot.store import connection

    url = pg_server.fresh_schema()
    with monkeypatch.context() as older:
        older.setattr(connection, "MIGRATIONS", MIGRATIONS[:7])
        older.setattr(connection, "SCHEMA_VERSION", 7)
        store = await Store.open(url)
        try:
            async with store.transaction():
                await store.upsert_channel(RU_BLOG)
                saved = await store.save_post(make_post(RU_BLOG, 10, "Бои в Купянске продолжаются", at(10)))
                await store._db.execute("INSERT INTO post_places(post_id, place_id) VALUES (?, 'kupiansk')",
                                        (saved.post_id,))
        finally:
            await store.close()
    store = await Store.open(url)
    try:
        assert await store.schema_version() == SCHEMA_VERSION
        assert await _places_reported(store, detector) == [("kupiansk", 1), ("kupiansk", 1)]
    finally:
        await store.close()


async def test_reopening_a_current_database_changes_nothing(tmp_path):
    path = tmp_path / "db.sqlite"
    store = await Store.open(path)
    async with store.transaction():
        await store.upsert_channel(RU_BLOG)
        await store.save_post(make_post(RU_BLOG, 1, "текст", at(10)))
    await store.close()
    store = await Store.open(path)
    try:
        assert await store.count_posts() == 1
        assert await store.schema_version() == SCHEMA_VERSION
    finally:
        await store.close()


async def test_a_database_from_a_newer_release_is_refused_rather_than_damaged(tmp_path):
    path = tmp_path / "future.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    try:
        await Store.open(path)
    except RuntimeError as exc:
        assert "newer" in str(exc)
    else:
        raise AssertionError("a newer schema must not be opened")


async def test_an_edit_keeps_every_version_of_the_text(store):
    async with store.transaction():
        await store.upsert_channel(RU_BLOG)
        first = await store.save_post(make_post(RU_BLOG, 5, "первая версия", at(10)))
        again = await store.save_post(make_post(RU_BLOG, 5, "первая версия", at(10)))
        edited = await store.save_post(make_post(RU_BLOG, 5, "вторая версия", at(10), edit_date=at(11)))
    assert (first.status, again.status, edited.status) == ("new", "unchanged", "edited")
    assert edited.previous_text == "первая версия"
    assert [text for _, text, _ in await store.versions(first.post_id)] == ["первая версия", "вторая версия"]


async def test_a_deleted_post_keeps_its_text_and_notes_when(store):
    async with store.transaction():
        await store.upsert_channel(RU_BLOG)
        saved = await store.save_post(make_post(RU_BLOG, 9, "удалят", at(10)))
        assert await store.mark_deleted(RU_BLOG.id, [9, 404], at(12)) == [saved.post_id]
    stored = await store.post(saved.post_id)
    assert stored.post.text == "удалят" and stored.deleted_at == at(12)


async def test_read_position_never_moves_back(store):
    async with store.transaction():
        await store.advance_read_position(7, 100)
        await store.advance_read_position(7, 90)
    assert await store.read_position(7) == 100
