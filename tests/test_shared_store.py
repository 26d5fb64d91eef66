"""Separate processes on one PostgreSQL store: two senders, two schedulers, one of everything sent."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bot.scheduler import LAST_SENT_KEY
from bot.store import Store

from conftest import at

CHILD = Path(__file__).with_name("shared_store_child.py")


def _start(role: str, url: str, workdir: Path, name: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(CHILD), role, url, str(workdir), name],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, out[-3000:]


def _sent(workdir: Path) -> list[dict]:
    log = workdir / "sent.jsonl"
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


async def _queue(store: Store, first: int, n: int) -> list[str]:
    texts = [f"<b>alert {i}</b>" for i in range(first, first + n)]
    async with store.transaction():
        for text in texts:
            await store.create_alert(kind="post", severity="info", post_id=None, places=[], topics=[], html=text,
                                     event_date=at(9))
    return texts


async def test_two_sender_processes_draining_one_outbox_send_every_alert_exactly_once(pg_server, tmp_path):
    url = pg_server.fresh_schema()
    store = await Store.open(url)
    try:
        queued = await _queue(store, 0, 20)
        senders = [_start("sender", url, tmp_path, name) for name in ("sender@a", "sender@b")]
        (tmp_path / "go").touch()
        # alerts keep arriving while both senders work, so they contend for every wave
        for wave in range(1, 8):
            queued += await _queue(store, wave * 20, 20)
            await asyncio.sleep(0.05)
        (tmp_path / "done").touch()
        await asyncio.to_thread(_finish, senders)
        assert await store.alert_counts() == {"sent": len(queued)}
    finally:
        await store.close()
    delivered = Counter(record["text"] for record in _sent(tmp_path))
    assert {text for text, n in delivered.items() if n > 1} == set()
    assert sorted(delivered) == sorted(t.replace("<b>", "").replace("</b>", "") for t in queued)


async def test_two_schedulers_on_one_store_send_the_missed_digest_once(pg_server, tmp_path):
    url = pg_server.fresh_schema()
    store = await Store.open(url)
    try:
        async with store.transaction():
            await store.set_setting(LAST_SENT_KEY, "2026-11-01T05:00:00+00:00")
    finally:
        await store.close()
    schedulers = [_start("scheduler", url, tmp_path, name) for name in ("scheduler@a", "scheduler@b")]
    (tmp_path / "go").touch()
    await asyncio.to_thread(_finish, schedulers)
    charts = [record for record in _sent(tmp_path) if record["photo"]]
    assert len(charts) == 1
