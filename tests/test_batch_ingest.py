"""Posts taken in batches keep every per-post guarantee: order, alerts once, a bad post alone skipped."""

from __future__ import annotations

import logging

import aiosqlite
import pytest

from bot.detect import Detection
from bot.detect.model import Match, TopicHit
from bot.outbox import Outbox
from bot.pipeline import Pipeline
from bot.post import ForwardOrigin
from bot.settings import AlertSettings
from bot.terminal import TerminalSender

from conftest import MEDIA, RU_BLOG, UA_OFFICIAL, at, make_post

WITHDRAWAL_RU = "Противник отошёл от Купянска, наши штурмовики заходят на окраины."
QUIET = "Погода в Москве: дожди до выходных, местами гроза."


class Recorder(TerminalSender):
    def __init__(self) -> None:
        super().__init__(quiet=True)
        self.sent: list[str] = []

    async def send(self, html, random_id):
        self.sent.append(html)
        return await super().send(html, random_id)


pytestmark = pytest.mark.both_backends

@pytest.fixture
async def env(store, channels, detector):
    pipeline = Pipeline(store, detector, AlertSettings(), clock=lambda: at(23, day=22))
    sender = Recorder()
    return pipeline, Outbox(store, sender, rate_limit_per_minute=None), sender


async def test_a_batch_stores_posts_in_arrival_order_and_a_forward_joins_the_alert_sent_once(env, store):
    pipeline, outbox, sender = env
    posts = [
        make_post(MEDIA, 1, QUIET, at(9)),
        make_post(RU_BLOG, 2, WITHDRAWAL_RU, at(9, 1)),
        make_post(MEDIA, 3, QUIET + " Ветер слабый.", at(9, 2)),
        make_post(UA_OFFICIAL, 4, WITHDRAWAL_RU, at(9, 3),
                  forward=ForwardOrigin(name=RU_BLOG.name, channel_id=RU_BLOG.id, message_id=2)),
    ]
    outcomes = await pipeline.handle_batch(posts)
    await outbox.flush()
    rows = await store.execute("SELECT message_id FROM posts ORDER BY id")
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    assert [o.status for o in outcomes] == ["new"] * 4
    assert outcomes[1].alert_id is not None and outcomes[3].merged_into == outcomes[1].alert_id
    assert len(sender.sent) == 1
    assert await store.read_positions() == {MEDIA.id: 3, RU_BLOG.id: 2, UA_OFFICIAL.id: 4}


async def test_replaying_a_batch_again_stores_and_alerts_nothing_twice(env, store):
    pipeline, outbox, sender = env
    posts = [make_post(MEDIA, i, f"{QUIET} Сводка {i}.", at(9, i)) for i in range(1, 6)]
    posts.insert(2, make_post(RU_BLOG, 50, WITHDRAWAL_RU, at(9, 2)))
    await pipeline.handle_batch(posts)
    again = await pipeline.handle_batch(posts)
    await outbox.flush()
    assert [o.status for o in again] == ["duplicate"] * 6
    assert await store.count_posts() == 6 and len(sender.sent) == 1


async def test_a_message_and_its_edit_in_one_batch_keep_both_versions(env, store):
    pipeline, _, _ = env
    first = make_post(MEDIA, 7, QUIET, at(9))
    edited = make_post(MEDIA, 7, QUIET + " Обновлено.", at(9), edit_date=at(9, 30))
    outcomes = await pipeline.handle_batch([first, edited])
    post = await store.post_by_key(MEDIA.id, 7)
    assert [o.status for o in outcomes] == ["new", "edited"]
    assert [text for _, text, _ in await store.versions(post.post_id)] == [first.text, edited.text]


async def test_a_post_whose_rows_cannot_be_written_is_skipped_by_its_link_and_its_batch_is_kept(
        env, store, monkeypatch, caplog):
    pipeline, _, _ = env
    original = pipeline.detector.detect
    hit = TopicHit("withdrawal", (Match(0, 4, "отвод", "test"),))

    def twice(text, side=None):
        if text.startswith("Дважды"):  # a detector fault: one topic reported twice
            return Detection(language="ru", places=(), topics=(hit, hit))
        return original(text, side=side)

    monkeypatch.setattr(pipeline.detector, "detect", twice, raising=False)
    posts = [make_post(MEDIA, 1, QUIET, at(9)), make_post(MEDIA, 2, "Дважды отвод.", at(9, 1)),
             make_post(MEDIA, 3, QUIET + " Вечер.", at(9, 2))]
    with caplog.at_level(logging.ERROR):
        outcomes = await pipeline.handle_batch(posts)
    assert [o.status for o in outcomes] == ["new", "error", "new"]
    assert [r[0] for r in await store.execute("SELECT message_id FROM posts ORDER BY id")] == [1, 3]
    assert await store.search_posts(words=["дважды"]) == []
    assert posts[1].link in caplog.text and pipeline.stats.errors == 1


async def test_an_alerting_post_that_fails_after_its_rows_are_written_leaves_nothing_searchable(
        env, store, monkeypatch):
    pipeline, _, _ = env
    original = store.create_alert

    async def refuse(*args, **kwargs):
        raise RuntimeError("alert table refused")

    monkeypatch.setattr(store, "create_alert", refuse)
    posts = [make_post(MEDIA, 1, QUIET + " Туман.", at(9)),
             make_post(RU_BLOG, 2, "Сводка: " + WITHDRAWAL_RU, at(9, 1)),
             make_post(MEDIA, 3, QUIET + " Штиль.", at(9, 2))]
    outcomes = await pipeline.handle_batch(posts)
    monkeypatch.setattr(store, "create_alert", original)
    assert [o.status for o in outcomes] == ["new", "error", "new"]
    assert await store.search_posts(words=["сводка"]) == []
    assert [p.post.message_id for p in await store.search_posts(words=["туман"])] == [1]
    assert [p.post.message_id for p in await store.search_posts(words=["штиль"])] == [3]


async def test_a_post_that_breaks_detection_is_skipped_and_the_alert_beside_it_is_sent(env, store, monkeypatch):
    pipeline, outbox, sender = env
    original = pipeline.detector.detect

    def explode(text, side=None):
        if "взрыв" in text:
            raise RuntimeError("boom")
        return original(text, side=side)

    monkeypatch.setattr(pipeline.detector, "detect", explode, raising=False)
    outcomes = await pipeline.handle_batch([make_post(MEDIA, 1, "взрыв", at(9)),
                                            make_post(RU_BLOG, 2, WITHDRAWAL_RU, at(9, 1))])
    await outbox.flush()
    assert [o.status for o in outcomes] == ["error", "new"] and len(sender.sent) == 1
    assert await store.count_posts() == 1


@pytest.mark.sqlite_only  # aiosqlite's thread trips; PostgreSQL has no database thread
async def test_a_batch_of_ordinary_posts_costs_a_few_database_thread_trips_not_several_per_post(
        env, monkeypatch):
    pipeline, _, _ = env
    await pipeline.handle_post(make_post(MEDIA, 1, QUIET, at(8)))  # channels and settings read once
    trips = []
    real = aiosqlite.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        trips.append(fn)
        return await real(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    outcomes = await pipeline.handle_batch(
        [make_post(MEDIA, 100 + i, f"{QUIET} Выпуск {i}.", at(9, i % 60)) for i in range(200)])
    assert [o.status for o in outcomes] == ["new"] * 200
    assert len(trips) <= 12


async def test_a_batch_that_fails_as_a_whole_is_taken_one_post_at_a_time_and_loses_only_the_bad_one(env, store):
    pipeline, outbox, sender = env
    unstorable = make_post(MEDIA, 2**63, QUIET, at(9, 1))  # an id SQLite cannot hold breaks the batch's look-up
    outcomes = await pipeline.handle_batch([make_post(MEDIA, 1, QUIET, at(9)), unstorable,
                                            make_post(RU_BLOG, 3, WITHDRAWAL_RU, at(9, 2))])
    await outbox.flush()
    assert [o.status for o in outcomes] == ["new", "error", "new"]
    assert await store.count_posts() == 2 and len(sender.sent) == 1
