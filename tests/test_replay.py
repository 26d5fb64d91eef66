"""Replaying an export: everything once, and nothing again the second time."""

from __future__ import annotations

import json
import sqlite3

from bot.channels import Channel
from bot.outbox import Outbox
from bot.pipeline import Pipeline
from bot.replay import replay
from bot.settings import AlertSettings
from bot.store import Store
from bot.terminal import TerminalSender


def export(tmp_path):
    msgs = [
        {"id": 1, "type": "message", "date_unixtime": "1795168800", "text": "ВСУ отступили из Работино."},
        {"id": 2, "type": "message", "date_unixtime": "1795169400", "text": ["Сводка: ", {"type": "bold", "text": "Бахмут"}]},
        {"id": 3, "type": "message", "date_unixtime": "1795170000", "text": "Погода: снег."},
        {"id": 4, "type": "message", "text": "без даты"},
    ]
    d = tmp_path / "chan"
    d.mkdir()
    (d / "result.json").write_text(json.dumps({"name": "Канал", "type": "public_channel", "id": 555,
                                               "messages": msgs}, ensure_ascii=False), encoding="utf-8")
    return d


async def test_replaying_the_same_export_twice_stores_and_alerts_nothing_twice(tmp_path, store, detector):
    path = export(tmp_path)
    sender = TerminalSender(quiet=True)
    known = [Channel(username="kanal", id=555, name="Канал", side="ru", kind="milblogger")]
    pipeline = Pipeline(store, detector, AlertSettings())
    outbox = Outbox(store, sender, rate_limit_per_minute=None)
    first = await replay(path, store, pipeline, known, progress=False, after_each=outbox.flush)
    sent_once = dict(sender.messages)
    second = await replay(path, store, pipeline, known, progress=False, after_each=outbox.flush)
    assert (first.new, first.duplicates) == (3, 0)
    assert (second.new, second.duplicates) == (0, 3)
    assert await store.count_posts() == 3
    assert len(sent_once) == 2 and sender.messages == sent_once
    assert [p.message_id for p in first.problems] == [4]
    channel = await store.channel(555)
    assert channel.side == "ru" and channel.username == "kanal"


def _channel_dir(tmp_path, name: str, channel_id: int, texts: list[str], start: int = 1795168800):
    d = tmp_path / name
    d.mkdir()
    msgs = [{"id": i + 1, "type": "message", "date_unixtime": str(start + 60 * i), "text": text}
            for i, text in enumerate(texts)]
    (d / "result.json").write_text(json.dumps({"name": name, "type": "public_channel", "id": channel_id,
                                               "messages": msgs}, ensure_ascii=False), encoding="utf-8")


def _events(db) -> dict[tuple[int, int], list[tuple]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT p.channel_id, p.message_id, e.action, e.place_id, e.by_side, e.stance"
                            " FROM post_events e JOIN posts p ON p.id = e.post_id ORDER BY e.post_id, e.seq")
        out: dict[tuple[int, int], list[tuple]] = {}
        for channel_id, message_id, *event in rows:
            out.setdefault((channel_id, message_id), []).append(tuple(event))
    return out


async def test_replay_reads_the_same_words_in_each_channel_with_that_channels_side(tmp_path, detector):
    """Replay detects a batch ahead while the store commits the one before; a text met in
    channels of both sides must still be read with each channel's own "наши" (three days
    apart, so that the later one is not a copy speaking with the earlier one's voice)."""
    text = "Наши отошли от Работино."
    (tmp_path / "export").mkdir()
    _channel_dir(tmp_path / "export", "ru", 701, [text, "Погода: снег.", text])
    _channel_dir(tmp_path / "export", "ua", 702, ["Сводка за день.", "Тихо на фронте.", "Погода: дождь.",
                                                  "Свет дали к обеду.", text], start=1795168800 - 3 * 86400)
    known = [Channel(username="ru", id=701, name="ru", side="ru", kind="milblogger"),
             Channel(username="ua", id=702, name="ua", side="ua", kind="official")]
    store = await Store.open(tmp_path / "fw.sqlite", inline=True)
    try:
        report = await replay(tmp_path / "export", store, Pipeline(store, detector, AlertSettings()), known,
                              progress=False, batch=3)
    finally:
        await store.close()
    assert (report.new, report.errors) == (8, 0)
    expected = {side: [(e.action, e.place, e.by, e.stance) for e in detector.detect(text, side=side).events]
                for side in ("ru", "ua")}
    assert expected["ru"] != expected["ua"]
    found = _events(tmp_path / "fw.sqlite")
    assert found[701, 1] == found[701, 3] == expected["ru"]
    assert found[702, 5] == expected["ua"]


class _FailsOn:
    """The real detector, except that one text makes it fail."""

    def __init__(self, detector, text: str) -> None:
        self._detector, self._text = detector, text

    def detect(self, text: str, side=None):
        if text == self._text:
            raise RuntimeError("detector bug")
        return self._detector.detect(text, side=side)

    def __getattr__(self, name: str):
        return getattr(self._detector, name)


async def test_a_post_the_detector_fails_on_is_skipped_by_its_link_and_the_rest_of_its_batch_replays(
        tmp_path, detector, caplog):
    (tmp_path / "export").mkdir()
    _channel_dir(tmp_path / "export", "ru", 701, ["ВСУ отступили из Работино.", "Бои под Бахмутом.", "BOOM",
                                                  "Погода: снег.", "Сводка за день."])
    known = [Channel(username="ru", id=701, name="ru", side="ru", kind="milblogger")]
    store = await Store.open(tmp_path / "fw.sqlite", inline=True)
    try:
        report = await replay(tmp_path / "export", store, Pipeline(store, _FailsOn(detector, "BOOM"), AlertSettings()),
                              known, progress=False, batch=2)
        assert (report.new, report.errors) == (4, 1)
        assert await store.count_posts() == 4
    finally:
        await store.close()
    assert "https://t.me/ru/3" in caplog.text


def _stored(db) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        return {
            "posts": conn.execute("SELECT channel_id, message_id, text FROM posts ORDER BY id").fetchall(),
            "detections": conn.execute("SELECT post_id, language, places, topics, matches FROM detections"
                                       " ORDER BY post_id").fetchall(),
            "alerts": conn.execute("SELECT post_id, severity, html FROM alerts ORDER BY id").fetchall(),
            "found": conn.execute("SELECT rowid FROM posts_fts WHERE posts_fts MATCH 'работино'"
                                  " ORDER BY rowid").fetchall(),
        }


async def test_a_replay_whose_commits_run_long_reads_batches_ahead_and_stores_what_one_that_never_does_stores(
        tmp_path, detector, monkeypatch):
    """While SQLite commits a batch on its own thread, replay detects the batches after it;
    what it stores, alerts and indexes must be what a replay reading one batch at a time gets."""
    texts_ru = ["ВСУ отступили из Работино.", "Погода: снег.", "Наши отошли от Работино.", "Бои под Бахмутом.",
                "Сводка за день.", "Наши отошли от Работино.", "Тихо.", "Противник взял Часов Яр."]
    texts_ua = ["Наши отошли от Работино.", "Свет дали к обеду.", "ЗСУ відійшли з Работиного.", "Тихо."]
    (tmp_path / "export").mkdir()
    _channel_dir(tmp_path / "export", "ru", 701, texts_ru)
    _channel_dir(tmp_path / "export", "ua", 702, texts_ua, start=1795168800 + 30)
    known = [Channel(username="ru", id=701, name="ru", side="ru", kind="milblogger"),
             Channel(username="ua", id=702, name="ua", side="ua", kind="official")]
    ahead_at_second_batch = {}
    for committing in (False, True):
        monkeypatch.setattr(Store, "committing", lambda self, answer=committing: answer)
        pipeline = Pipeline(store := await Store.open(tmp_path / f"{committing}.sqlite", inline=True), detector,
                            AlertSettings())
        calls: list[str] = []
        asked, handle = pipeline.detect_ahead, pipeline.handle_batch

        def detect_ahead(posts):
            calls.append("ahead")
            asked(posts)

        async def handle_batch(posts, **kwargs):
            calls.append("batch")
            return await handle(posts, **kwargs)

        monkeypatch.setattr(pipeline, "detect_ahead", detect_ahead)
        monkeypatch.setattr(pipeline, "handle_batch", handle_batch)
        try:
            report = await replay(tmp_path / "export", store, pipeline, known, progress=False, batch=2)
        finally:
            await store.close()
        assert (report.new, report.errors) == (12, 0)
        assert calls.count("batch") == 6 and calls.count("ahead") == 5, "every batch but the first detected ahead"
        second = [n for n, call in enumerate(calls) if call == "batch"][1]
        ahead_at_second_batch[committing] = calls[:second].count("ahead")
    assert ahead_at_second_batch == {False: 1, True: 5}
    assert _stored(tmp_path / "True.sqlite") == _stored(tmp_path / "False.sqlite")
    assert _stored(tmp_path / "True.sqlite")["alerts"]
