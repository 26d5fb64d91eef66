"""The service as a process: killed with SIGKILL mid-stream and restarted, it loses no post
and sends no alert twice; stopped with SIGTERM, it exits cleanly and resumes the rest.

The child (tests/service_child.py) runs the real service over the fake Telegram; every
message the bot sends is fsynced to sent.jsonl before the service hears back.
"""

from __future__ import annotations

import json
import os
import re
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
from bot.telegram.sender import BotSender
from tests.fakes.telegram import TEAM_CHAT_MARKED, FakeClient, FakeTelegram
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


def _published_stream(workdir: Path, n: int) -> list[dict]:
    """What the channels will publish, written where the child reads it."""
    stream = _stream(n)
    (workdir / "stream.jsonl").write_text("\n".join(json.dumps(s) for s in stream), encoding="utf-8")
    return stream


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


def _delivers_the_rest(workdir: Path, stream: list[dict], *args: str) -> None:
    status, out, err = _finish(_child(workdir, *args))
    assert status == 0, err
    assert f"published {len(stream)} of {len(stream)}" in out


def _killed(child: subprocess.Popen) -> None:
    status, _, err = _finish(child)
    assert status == -signal.SIGKILL, err


def _links(record: dict) -> tuple[str | None, list[str]]:
    """The "Open post" link of a post alert, and every link of the message (a summary's lines)."""
    text, entities = tg_html.parse(record["html"])
    units = text.encode("utf-16-le")
    opened, links = None, []
    for e in entities:
        if isinstance(e, types.MessageEntityTextUrl):
            links.append(e.url)
            if units[e.offset * 2:(e.offset + e.length) * 2].decode("utf-16-le") == "Open post":
                opened = e.url
    return opened, links


def _alerted_links(record: dict) -> list[str]:
    """The posts a message alerts on: its own post, or each post a summary folded in."""
    opened, links = _links(record)
    return [opened] if opened is not None else links


def _more(record: dict) -> int:
    """A summary too long for one message names the rest by number: "… and 7 more"."""
    found = re.search(r"… and (\d+) more", record["text"])
    return int(found.group(1)) if found else 0


def _expected_links(stream: list[dict], detector) -> list[str]:
    usernames = {c.id: c.username for c in (RU, UA, WIRE)}
    counters: Counter = Counter()
    links = []
    for item in stream:
        counters[item["channel"]] += 1
        if detector.detect(item["text"]).flagged:
            links.append(channel_link(usernames[item["channel"]], item["channel"], counters[item["channel"]]))
    return links


def _check_exactly_once(workdir: Path, stream: list[dict], detector, *, in_order: bool = True) -> None:
    import sqlite3

    sends = [r for r in _sent(workdir) if r["kind"] == "send"]
    assert len({r["random_id"] for r in sends}) == len(sends), "a random id went out twice"
    alerted = [link for r in sends for link in _alerted_links(r)]
    expected = _expected_links(stream, detector)
    assert len(expected) >= 10
    assert not [link for link, n in Counter(alerted).items() if n > 1], "each flagged post alerted exactly once"
    assert set(alerted) <= set(expected)
    assert len(alerted) + sum(_more(r) for r in sends) == len(expected), "each flagged post alerted exactly once"
    if in_order:
        for channel in (RU, UA, WIRE):
            mine = [link for link in alerted if f"/{channel.username}/" in link]
            assert mine == [link for link in expected if f"/{channel.username}/" in link], "in order per channel"
    with sqlite3.connect(workdir / "fw.sqlite") as db:
        assert db.execute("SELECT count(*) FROM posts").fetchone()[0] == len(stream), "no post lost"
        assert db.execute("SELECT count(*) FROM alerts WHERE state NOT IN ('sent', 'folded')").fetchone()[0] == 0


def _sends(workdir: Path) -> int:
    return len([r for r in _sent(workdir) if r["kind"] == "send"])


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_service_killed_mid_stream_and_restarted_loses_no_post_and_sends_no_alert_twice(tmp_path, detector):
    stream = _published_stream(tmp_path, 90)

    first = _child(tmp_path, "--pace", "0.01")
    _wait_for_alerts(tmp_path, first, 6)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=DEADLINE)
    published = int((tmp_path / "published").read_text())
    assert 0 < published < len(stream), "the kill landed mid-stream"

    _delivers_the_rest(tmp_path, stream, "--gap", "7")
    _check_exactly_once(tmp_path, stream, detector)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_crash_after_telegram_posted_an_alert_but_before_the_store_knew_does_not_double_it(tmp_path, detector):
    stream = _published_stream(tmp_path, 45)

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
    stream = _published_stream(tmp_path, 60)

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


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_service_killed_during_catch_up_and_again_after_a_send_loses_nothing_and_doubles_nothing(tmp_path, detector):
    stream = _published_stream(tmp_path, 120)

    first = _child(tmp_path, "--pace", "0.01")
    _wait_for_alerts(tmp_path, first, 4)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=DEADLINE)

    # 45 posts appear while nothing listens; the next run dies in the middle of reading them.
    _killed(_child(tmp_path, "--gap", "45", "--die-in-catch-up", "20"))
    # It dies again right after Telegram posted an alert the store has not marked sent.
    _killed(_child(tmp_path, "--gap", "10", "--die-after-send", str(_sends(tmp_path) + 2)))

    _delivers_the_rest(tmp_path, stream)
    _check_exactly_once(tmp_path, stream, detector)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_service_killed_while_the_rate_limit_folds_alerts_alerts_each_post_once(tmp_path, detector):
    stream = _published_stream(tmp_path, 90)

    _killed(_child(tmp_path, "--pace", "0.01", "--rate-limit", "3", "--die-after-fold"))
    assert "more alerts within a minute" in _sent(tmp_path)[-1]["text"], "killed right after a fold summary"

    _delivers_the_rest(tmp_path, stream, "--rate-limit", "3")
    _check_exactly_once(tmp_path, stream, detector, in_order=False)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_the_exactly_once_check_catches_a_sender_that_resends_with_a_fresh_random_id(tmp_path, detector):
    """The check above is only worth something if a broken sender fails it."""
    stream = _published_stream(tmp_path, 45)

    first = _child(tmp_path, "--pace", "0.01", "--die-after-send", "4", "--fresh-random-ids")
    _finish(first)
    second = _child(tmp_path, "--fresh-random-ids")
    status, _, err = _finish(second)
    assert status == 0, err
    with pytest.raises(AssertionError, match="alerted exactly once"):
        _check_exactly_once(tmp_path, stream, detector)


async def test_telegram_forgets_old_random_ids_so_a_late_resend_is_a_second_message_the_check_catches(
        tmp_path, detector):
    server = FakeTelegram(sent_log=tmp_path / "sent.jsonl", dedup_window=4)
    bot = FakeClient(server, bot=True)
    sender = BotSender(bot, TEAM_CHAT_MARKED)
    await bot.connect()
    await sender.send("<b>first</b>", 111)
    await sender.send("<b>first</b>", 111)  # at once: Telegram drops the repeat
    for n in range(4):
        await sender.send(f"other {n}", 200 + n)
    await sender.send("<b>first</b>", 111)  # long after: delivered again

    sends = [r for r in _sent(tmp_path) if r["kind"] == "send"]
    assert [r["random_id"] for r in sends].count(111) == 2
    with pytest.raises(AssertionError, match="random id went out twice"):
        _check_exactly_once(tmp_path, [], detector)
