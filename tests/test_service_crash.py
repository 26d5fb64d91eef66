"""The service as a process: killed with SIGKILL mid-stream and restarted, it loses no post
and sends no alert twice; stopped with SIGTERM, it exits cleanly and resumes the rest.

The child (tests/service_child.py) runs the real service over the fake Telegram; every
message the bot sends is fsynced to sent.jsonl before the service hears back.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telethon.extensions import html as tg_html
from telethon.tl import types

from bot.post import channel_link
from tests.fakes.world import RU, UA, WIRE

ROOT = Path(__file__).resolve().parents[1]
CHILD = ROOT / "tests" / "service_child.py"
PLACES = ["Avdiivka", "Kupiansk", "Izium", "Bakhmut", "Pokrovsk"]
DEADLINE = 120  # seconds: a safety net against a hung child, not a measure of speed


def _stream(n: int) -> list[dict]:
    """n posts over three channels; every third names a place, each unlike the others (a mention,
    not a claim: repeats of one claim join its alert, and this test counts one alert per post)."""
    start = datetime.now(UTC) - timedelta(minutes=5)
    channels = [RU, UA, WIRE]
    out = []
    for i in range(n):
        channel = channels[i % 3]
        if i % 3 == 1:
            text = (f"Bulletin {i}: heavy shelling reported near {PLACES[i % len(PLACES)]}, "
                    f"area{i}x brigade{i}y column{i}z convoy{i}w.")
        else:
            text = f"Routine note {i}: nothing of interest here, item{i}q."
        out.append({"channel": channel.id, "text": text, "date": (start + timedelta(seconds=i)).isoformat()})
    return out


def _child(workdir: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(CHILD), str(workdir), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _sent(workdir: Path) -> list[dict]:
    path = workdir / "sent.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _wait_for_alerts(workdir: Path, child: subprocess.Popen, count: int) -> None:
    until = time.monotonic() + DEADLINE
    while len([r for r in _sent(workdir) if r["kind"] == "send"]) < count:
        assert child.poll() is None, f"the service stopped early: {child.communicate()}"
        assert time.monotonic() < until, "the service sent nothing for too long"
        time.sleep(0.02)


def _finish(child: subprocess.Popen) -> tuple[int, str, str]:
    out, err = child.communicate(timeout=DEADLINE)
    return child.returncode, out, err


def _open_post(record: dict) -> str | None:
    text, entities = tg_html.parse(record["html"])
    units = text.encode("utf-16-le")
    for e in entities:
        if isinstance(e, types.MessageEntityTextUrl):
            if units[e.offset * 2:(e.offset + e.length) * 2].decode("utf-16-le") == "Open post":
                return e.url
    return None


def _expected_links(stream: list[dict], detector) -> list[str]:
    usernames = {c.id: c.username for c in (RU, UA, WIRE)}
    counters: Counter = Counter()
    links = []
    for item in stream:
        counters[item["channel"]] += 1
        if detector.detect(item["text"]).flagged:
            links.append(channel_link(usernames[item["channel"]], item["channel"], counters[item["channel"]]))
    return links


def _check_exactly_once(workdir: Path, stream: list[dict], detector) -> None:
    import sqlite3

    sends = [r for r in _sent(workdir) if r["kind"] == "send"]
    assert len({r["random_id"] for r in sends}) == len(sends), "a random id went out twice"
    post_alerts = [link for link in (_open_post(r) for r in sends) if link is not None]
    expected = _expected_links(stream, detector)
    assert len(expected) >= 10
    assert Counter(post_alerts) == Counter(expected), "each flagged post is alerted exactly once"
    for channel in (RU, UA, WIRE):
        mine = [link for link in post_alerts if f"/{channel.username}/" in link]
        assert mine == [link for link in expected if f"/{channel.username}/" in link], "in order per channel"
    with sqlite3.connect(workdir / "fw.sqlite") as db:
        assert db.execute("SELECT count(*) FROM posts").fetchone()[0] == len(stream), "no post lost"
        assert db.execute("SELECT count(*) FROM alerts WHERE state != 'sent'").fetchone()[0] == 0


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_service_killed_mid_stream_and_restarted_loses_no_post_and_sends_no_alert_twice(tmp_path, detector):
    stream = _stream(90)
    (tmp_path / "stream.jsonl").write_text("\n".join(json.dumps(s) for s in stream), encoding="utf-8")

    first = _child(tmp_path, "--pace", "0.01")
    _wait_for_alerts(tmp_path, first, 6)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=DEADLINE)
    published = int((tmp_path / "published").read_text())
    assert 0 < published < len(stream), "the kill landed mid-stream"

    second = _child(tmp_path, "--gap", "7")
    status, out, err = _finish(second)
    assert status == 0, err
    assert f"published {len(stream)} of {len(stream)}" in out
    _check_exactly_once(tmp_path, stream, detector)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_crash_after_telegram_posted_an_alert_but_before_the_store_knew_does_not_double_it(tmp_path, detector):
    stream = _stream(45)
    (tmp_path / "stream.jsonl").write_text("\n".join(json.dumps(s) for s in stream), encoding="utf-8")

    first = _child(tmp_path, "--pace", "0.01", "--die-after-send", "4")
    status, _, _ = _finish(first)
    assert status == -signal.SIGKILL
    sends = [r for r in _sent(tmp_path) if r["kind"] == "send"]
    assert len(sends) == 4
    import sqlite3

    with sqlite3.connect(tmp_path / "fw.sqlite") as db:
        unconfirmed = db.execute("SELECT random_id FROM alerts WHERE state = 'pending' ORDER BY id").fetchall()
    assert sends[-1]["random_id"] in [r[0] for r in unconfirmed], "the 4th alert went out but is still pending"

    second = _child(tmp_path)
    status, out, err = _finish(second)
    assert status == 0, err
    _check_exactly_once(tmp_path, stream, detector)
    with sqlite3.connect(tmp_path / "fw.sqlite") as db:
        resent = db.execute("SELECT state, tg_message_id FROM alerts WHERE random_id = ?",
                            (sends[-1]["random_id"],)).fetchone()
    assert resent == ("sent", None), "Telegram answered RANDOM_ID_DUPLICATE: delivered once, id unknown"


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="needs POSIX signals")
def test_sigterm_stops_the_service_cleanly_and_the_next_start_delivers_the_rest_once(tmp_path, detector):
    stream = _stream(60)
    (tmp_path / "stream.jsonl").write_text("\n".join(json.dumps(s) for s in stream), encoding="utf-8")

    first = _child(tmp_path, "--pace", "0.01")
    _wait_for_alerts(tmp_path, first, 3)
    first.send_signal(signal.SIGTERM)
    status, out, err = _finish(first)
    assert status == 0, err
    assert "stopped with status 0" in out
    assert f"of {len(stream)}" in out and f"published {len(stream)} of" not in out, "stopped mid-stream"
    assert "Traceback" not in err

    second = _child(tmp_path)
    status, out, err = _finish(second)
    assert status == 0, err
    _check_exactly_once(tmp_path, stream, detector)


def test_the_child_is_not_collected_as_a_test():
    assert not CHILD.name.startswith("test_") and os.path.exists(CHILD)
