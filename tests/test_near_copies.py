"""Near-copies: a post that repeats an alerted post in other words joins its alert, whoever
made the alert, whatever became of it since, and across a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.pipeline import Pipeline
from bot.settings import AlertSettings
from bot.store import Store

from conftest import MEDIA, RU_BLOG, UA_OFFICIAL, at, make_post

KUPIANSK = "Бои у Купянска продолжаются, противник подтягивает резервы к окраинам города."
CHASIV_YAR = "Бои у Часов Яра продолжаются, подробности позже: штурмовики работают у канала."
POKROVSK = "В Покровске сегодня тихо, жители просят не публиковать фото работы ПВО и позиций."


def copy_of(text: str) -> str:
    """What a channel reposting a post makes of it: a prefix and its own signature."""
    return "⚡️ " + text + "\n\nWire | прислать новость"


def pipeline_on(store: Store, detector, now=lambda: at(23, day=22)) -> Pipeline:
    return Pipeline(store, detector, AlertSettings(), clock=now)


async def relation(store: Store, alert_id: int, post_id: int) -> str | None:
    return next((rel for sp, rel in await store.alert_posts(alert_id) if sp.post_id == post_id), None)


async def post_id(store: Store, channel, message_id: int) -> int:
    return (await store.post_by_key(channel.id, message_id)).post_id


@pytest.mark.both_backends
class TestOnOneStore:
    async def test_a_near_copy_of_an_alerted_post_merges_into_its_alert(self, store, channels, detector):
        pipeline = pipeline_on(store, detector)
        first = await pipeline.handle_post(make_post(RU_BLOG, 1, KUPIANSK, at(9)))
        copy = await pipeline.handle_post(make_post(MEDIA, 2, copy_of(KUPIANSK), at(10)))
        assert first.alert_id is not None and copy.merged_into == first.alert_id
        assert await relation(store, first.alert_id, await post_id(store, MEDIA, 2)) == "copy"

    async def test_a_post_sharing_few_words_with_an_alerted_post_gets_its_own_alert(self, store, channels, detector):
        pipeline = pipeline_on(store, detector)
        first = await pipeline.handle_post(make_post(RU_BLOG, 1, KUPIANSK, at(9)))
        other = await pipeline.handle_post(make_post(MEDIA, 2, CHASIV_YAR, at(10)))
        assert other.alert_id not in (None, first.alert_id) and other.merged_into is None

    async def test_an_edited_alerted_post_is_matched_by_its_new_text_not_the_old(self, store, channels, detector):
        pipeline = pipeline_on(store, detector)
        first = await pipeline.handle_post(make_post(RU_BLOG, 1, CHASIV_YAR, at(9)))
        await pipeline.handle_post(make_post(MEDIA, 2, copy_of(CHASIV_YAR), at(9, 5)))
        await pipeline.handle_post(make_post(RU_BLOG, 1, POKROVSK, at(9), edit_date=at(9, 10)))
        old = await pipeline.handle_post(make_post(UA_OFFICIAL, 3, copy_of(CHASIV_YAR), at(9, 20)))
        new = await pipeline.handle_post(make_post(MEDIA, 4, copy_of(POKROVSK), at(9, 30)))
        assert new.merged_into == first.alert_id
        assert old.merged_into != first.alert_id

    async def test_a_held_alert_is_never_a_target(self, store, channels, detector):
        pipeline = pipeline_on(store, detector, now=lambda: at(20))
        held = await pipeline.handle_post(make_post(RU_BLOG, 1, KUPIANSK, at(8), late=True))
        copy = await pipeline.handle_post(make_post(MEDIA, 2, copy_of(KUPIANSK), at(19, 50)))
        assert (await store.alert(held.alert_id)).state == "held"
        assert copy.merged_into is None and copy.alert_id not in (None, held.alert_id)

    async def test_a_folded_alert_is_never_a_target(self, store, channels, detector):
        pipeline = pipeline_on(store, detector, now=lambda: at(20))
        held = await pipeline.handle_post(make_post(RU_BLOG, 1, KUPIANSK, at(8), late=True))
        await pipeline.handle_post(make_post(MEDIA, 2, CHASIV_YAR, at(19, 40)))
        await pipeline.summarize_held()
        copy = await pipeline.handle_post(make_post(MEDIA, 3, copy_of(KUPIANSK), at(19, 50)))
        assert (await store.alert(held.alert_id)).state == "folded"
        assert copy.merged_into is None and copy.alert_id not in (None, held.alert_id)

    async def test_an_alert_undone_with_its_transaction_is_never_matched_and_the_next_alert_is(
            self, store, channels, detector):
        pipeline = pipeline_on(store, detector)
        with pytest.raises(RuntimeError):
            async with store.transaction():
                await pipeline.handle_post(make_post(RU_BLOG, 1, KUPIANSK, at(9)))
                await pipeline.handle_post(make_post(MEDIA, 2, copy_of(KUPIANSK), at(9, 5)))
                raise RuntimeError("the batch fails as a whole")
        # SQLite gives the next post and alert the undone ones' ids: same date, same version
        first = await pipeline.handle_post(make_post(RU_BLOG, 3, CHASIV_YAR, at(9)))
        undone = await pipeline.handle_post(make_post(UA_OFFICIAL, 4, copy_of(KUPIANSK), at(9, 15)))
        copy = await pipeline.handle_post(make_post(MEDIA, 5, copy_of(CHASIV_YAR), at(9, 20)))
        assert copy.merged_into == first.alert_id
        assert undone.merged_into is None and undone.alert_id is not None


async def _open(path: Path) -> Store:
    store = await Store.open(path)
    async with store.transaction():
        for ch in (RU_BLOG, UA_OFFICIAL, MEDIA):
            await store.upsert_channel(ch)
    return store


@pytest.fixture
async def two_stores(tmp_path: Path):
    """Two connections to one SQLite file, as two processes of one team have."""
    one = await _open(tmp_path / "fw.sqlite")
    two = await _open(tmp_path / "fw.sqlite")
    yield one, two
    await one.close()
    await two.close()


async def test_an_alert_made_by_another_process_on_the_same_store_is_found(two_stores, detector):
    one, two = two_stores
    here, there = pipeline_on(one, detector), pipeline_on(two, detector)
    await here.handle_post(make_post(UA_OFFICIAL, 1, POKROVSK, at(8)))
    theirs = await there.handle_post(make_post(RU_BLOG, 2, KUPIANSK, at(9)))
    copy = await here.handle_post(make_post(MEDIA, 3, copy_of(KUPIANSK), at(10)))
    assert copy.merged_into == theirs.alert_id


async def test_an_edit_made_by_another_process_is_matched_by_its_new_text(two_stores, detector):
    one, two = two_stores
    here, there = pipeline_on(one, detector), pipeline_on(two, detector)
    first = await here.handle_post(make_post(RU_BLOG, 1, CHASIV_YAR, at(9)))
    await here.handle_post(make_post(MEDIA, 2, copy_of(CHASIV_YAR), at(9, 5)))
    await there.handle_post(make_post(RU_BLOG, 1, POKROVSK, at(9), edit_date=at(9, 10)))
    copy = await here.handle_post(make_post(MEDIA, 3, copy_of(POKROVSK), at(9, 30)))
    assert copy.merged_into == first.alert_id


async def test_an_alert_folded_by_another_process_after_it_was_read_is_not_a_target(two_stores, detector):
    one, two = two_stores
    here = pipeline_on(one, detector)
    first = await here.handle_post(make_post(RU_BLOG, 1, KUPIANSK, at(9)))
    await here.handle_post(make_post(MEDIA, 2, copy_of(KUPIANSK), at(9, 5)))
    async with two.transaction():
        summary = await two.create_alert(kind="summary", severity="info", post_id=None, places=[], topics=[],
                                         html="", event_date=at(9, 6))
        await two.mark_folded([first.alert_id], summary)
    copy = await here.handle_post(make_post(UA_OFFICIAL, 3, copy_of(KUPIANSK), at(9, 10)))
    assert copy.merged_into is None and copy.alert_id not in (None, first.alert_id)


async def test_after_a_restart_copies_still_merge(tmp_path: Path, detector):
    store = await _open(tmp_path / "fw.sqlite")
    first = await pipeline_on(store, detector).handle_post(make_post(RU_BLOG, 1, KUPIANSK, at(9)))
    await store.close()
    store = await _open(tmp_path / "fw.sqlite")
    try:
        copy = await pipeline_on(store, detector).handle_post(make_post(MEDIA, 2, copy_of(KUPIANSK), at(10)))
    finally:
        await store.close()
    assert copy.merged_into == first.alert_id
