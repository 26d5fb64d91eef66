"""`frontwatch run --role`: the reader, the sender and the scheduler as separate services on one store."""

from __future__ import annotations

import pytest

from bot.store import Store
from tests.fakes.telegram import FakeTelegram
from tests.fakes.world import RU, open_post_link
from tests.test_service_run import Running
from tests.test_telegram_reader import WITHDRAWAL


async def _counts(url: str) -> dict[str, int]:
    store = await Store.open(url)
    try:
        return await store.alert_counts()
    finally:
        await store.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_a_reader_alone_queues_the_alert_and_a_sender_started_elsewhere_delivers_it_once(
        tmp_path, detector, request, backend):
    target = request.getfixturevalue("pg_server").fresh_schema() if backend == "postgresql" else tmp_path / "fw.sqlite"
    server = FakeTelegram()
    (tmp_path / "r").mkdir()
    (tmp_path / "s").mkdir()
    async with Running(tmp_path / "r", detector, server, roles=frozenset({"reader"}), db_path=target) as reader:
        post = await reader.publish(RU, WITHDRAWAL)
        await reader.until(lambda: reader.service.pipeline.stats.flagged, "the post handled")
        await reader.service.reader.drain()
        assert reader.service.outbox is None and reader.service.scheduler is None
        assert reader.team_messages() == []
    assert await _counts(target) == {"pending": 1}
    async with Running(tmp_path / "s", detector, server, roles=frozenset({"sender"}), db_path=target) as sender:
        assert sender.service.reader is None and sender.service.scheduler is None
        await sender.until(lambda: sender.team_messages(), "the alert")
        assert [open_post_link(m) for m in sender.team_messages()] == [f"https://t.me/{RU.username}/{post.id}"]
    assert sender.task.result() == 0
    assert await _counts(target) == {"sent": 1}
