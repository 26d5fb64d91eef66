"""`frontwatch replay` reads the export in a process of its own: the same posts in the same
order as reading in-process, and no reader left behind when replay is killed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.channels import Channel
from bot.pipeline import Pipeline
from bot.replay import replay
from bot.settings import AlertSettings
from bot.sources import reading
from bot.sources.export import ExportError
from bot.sources.reading import ExportReader
from bot.store import Store

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not reading.available(), reason="reading apart needs Linux's fork")


def _export(root: Path, channels: int, per_channel: int) -> None:
    for ch in range(channels):
        cid = 1700000100 + ch
        messages = [{"id": i + 1, "type": "message", "date_unixtime": str(1795168800 + 7 * i + ch),
                     "text": f"ВСУ отступили из Работино, сводка {i}." if i % 9 == 0 else f"Погода, день {i}."}
                    for i in range(per_channel)]
        folder = root / f"c{ch}"
        folder.mkdir(parents=True)
        (folder / "result.json").write_text(json.dumps({"name": f"Канал {ch}", "type": "public_channel", "id": cid,
                                                        "messages": messages}, ensure_ascii=False), encoding="utf-8")


async def _replayed(tmp_path: Path, name: str, detector, export: Path, reader: ExportReader | None):
    store = await Store.open(tmp_path / f"{name}.sqlite", inline=True)
    known = [Channel(username=f"c{ch}", id=1700000100 + ch, name=f"Канал {ch}", side=("ru", "ua")[ch % 2],
                     kind="milblogger") for ch in range(3)]
    try:
        report = await replay(export, store, Pipeline(store, detector, AlertSettings()), known, progress=False,
                              batch=40, reader=reader)
        count = await store.count_posts()
    finally:
        await store.close()
    return report, count


async def test_replay_through_the_reading_process_stores_what_reading_in_process_stores(tmp_path, detector):
    export = tmp_path / "export"
    _export(export, channels=3, per_channel=150)
    here, here_count = await _replayed(tmp_path, "here", detector, export, None)
    reader = ExportReader(export, local_tz=ZoneInfo("UTC"), progress=False)
    try:
        apart, apart_count = await _replayed(tmp_path, "apart", detector, export, reader)
    finally:
        reader.close()
    assert here_count == apart_count == 450
    assert (apart.posts, apart.new, apart.channels, apart.errors) == (here.posts, here.new, here.channels, here.errors)
    rows = {}
    for name in ("here", "apart"):
        with sqlite3.connect(tmp_path / f"{name}.sqlite") as conn:
            rows[name] = (conn.execute("SELECT id, channel_id, message_id, date, text FROM posts ORDER BY id").fetchall(),
                          conn.execute("SELECT id, post_id, places, topics, state FROM alerts ORDER BY id").fetchall())
    assert rows["here"] == rows["apart"]


async def test_an_export_that_cannot_be_read_fails_in_the_reading_process_as_it_would_here(tmp_path):
    bad = tmp_path / "result.json"
    bad.write_text("{ this is not JSON", encoding="utf-8")
    reader = ExportReader(bad, local_tz=ZoneInfo("UTC"), progress=False)
    try:
        with pytest.raises(ExportError, match="result.json"):
            reader.read()
    finally:
        reader.close()


def _children(pid: int) -> list[int]:
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            out.append(int(status.parent.name))
    return out


def _running(pid: int) -> bool:
    try:
        state = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                     if line.startswith("State:"))
    except (OSError, StopIteration):
        return False
    return "zombie" not in state


def test_a_replay_killed_while_its_export_is_read_leaves_no_reading_process_behind(tmp_path):
    export = tmp_path / "export"
    _export(export, channels=20, per_channel=10_000)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRONTWATCH_", "TG_"))}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "replay", str(export), "--quiet",
                             "--db", str(tmp_path / "fw.sqlite"), "--config", str(ROOT / "config")],
                            cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        readers: list[int] = []
        while not readers and time.monotonic() < deadline and proc.poll() is None:
            readers = _children(proc.pid)
            time.sleep(0.02)
        assert readers, "replay started no reading process"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    # the kernel kills the reader with its parent; left alone it would read on for seconds
    deadline = time.monotonic() + 3
    while any(_running(pid) for pid in readers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in readers)
