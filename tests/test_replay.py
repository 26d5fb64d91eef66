"""Replaying an export: everything once, and nothing again the second time."""

from __future__ import annotations

import json

from bot.channels import Channel
from bot.outbox import Outbox
from bot.pipeline import Pipeline
from bot.replay import replay
from bot.settings import AlertSettings
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
