"""The real service over the fake Telegram, as a process a test can kill.

    python tests/service_child.py WORKDIR [--gap N] [--pace SECONDS] [--die-after-send N]
        [--die-in-catch-up N] [--die-after-fold] [--rate-limit N] [--fresh-random-ids]

WORKDIR/stream.jsonl is what the followed channels will publish, in order
({"channel": id, "text": ..., "date": iso}). How much of it Telegram has already
published survives restarts in WORKDIR/published, so a killed run's posts stay in the
channels' history for the next run to catch up on; `--gap N` publishes N more while
no service is listening. Every message the bot sends is appended, with fsync, to
WORKDIR/sent.jsonl before the service hears back, exactly when Telegram would have
posted it. `--die-after-send N` kills the process (SIGKILL) right after Telegram has
posted the N-th message and before the service learns of it: the worst moment to crash.
`--die-in-catch-up N` kills it right after catch-up handed this run's N-th message to the
pipeline; `--die-after-fold` right after Telegram posted a summary the rate limit folded
alerts into (`--rate-limit N` per minute; waits pass on a clock 200 times faster).
`--fresh-random-ids` is a deliberately broken sender that draws a new random_id for every
attempt, so a test can show that a resend after a crash would be caught.
The process exits 0 once the whole stream is published, read and delivered, or when it
gets SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.channels import Channel  # noqa: E402
from bot.service import Service, _install_signals  # noqa: E402
from bot.settings import AlertSettings  # noqa: E402
from bot.telegram.reader import Reader  # noqa: E402
from bot.telegram.sender import BotSender  # noqa: E402
from tests.fakes.telegram import FakeClient, FakeTelegram  # noqa: E402
from tests.fakes.world import RU, UA, WIRE, live_settings  # noqa: E402

CHANNELS: tuple[Channel, ...] = (RU, UA, WIRE)


def _write_published(path: Path, count: int) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, str(count).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _die_in_catch_up(after: int) -> None:
    handled = 0
    original = Reader._handle_message

    async def handle_message(self, followed, message, *, late):
        nonlocal handled
        outcome = await original(self, followed, message, late=late)
        if late:
            handled += 1
            if handled == after:
                _die()
        return outcome

    Reader._handle_message = handle_message


def _fresh_random_ids() -> None:
    original = BotSender.send

    async def send(self, html, random_id):
        return await original(self, html, random.getrandbits(63))

    BotSender.send = send


async def main(workdir: Path, gap: int, pace: float, die_after_send: int | None, *, die_in_catch_up: int | None,
               die_after_fold: bool, rate_limit: int, fresh_random_ids: bool) -> int:
    stream = [json.loads(line) for line in (workdir / "stream.jsonl").read_text(encoding="utf-8").splitlines()]
    published_file = workdir / "published"
    published = int(published_file.read_text()) if published_file.exists() else 0

    server = FakeTelegram(sent_log=workdir / "sent.jsonl")
    sends = len(server.sent)

    def die(record: dict) -> None:
        nonlocal sends
        if record["kind"] == "send":
            sends += 1
            if sends == die_after_send or (die_after_fold and "more alerts within a minute" in record["text"]):
                _die()

    server.on_record = die
    if die_in_catch_up is not None:
        _die_in_catch_up(die_in_catch_up)
    if fresh_random_ids:
        _fresh_random_ids()
    for channel in CHANNELS:
        server.add_channel(channel.id, channel.name, channel.username)

    def publish(index: int):
        item = stream[index]
        return item["channel"], server.publish(item["channel"], item["text"], datetime.fromisoformat(item["date"]))

    for index in range(published):
        publish(index)
    for _ in range(min(gap, len(stream) - published)):
        publish(published)
        published += 1
        _write_published(published_file, published)

    settings = live_settings(workdir, ROOT / "config", alerts=AlertSettings(rate_limit_per_minute=rate_limit))
    skipped = timedelta(0)

    def clock() -> datetime:
        return datetime.now(UTC) + skipped

    async def no_wait(seconds: float) -> None:
        """Time passes 200 times faster: a minute's rate-limit wait lets alerts pile up for 0.3 s."""
        nonlocal skipped
        skipped += timedelta(seconds=seconds)
        await asyncio.sleep(seconds / 200)

    service = Service(settings, user_client=FakeClient(server, bot=False), bot_client=FakeClient(server, bot=True),
                      channels=list(CHANNELS), commands_class=None, scheduler_class=None, sleep=no_wait,
                      clock=clock, page_wait=0, sweep_seconds=0)
    _install_signals(service.stop)
    running = asyncio.create_task(service.run())
    ready = asyncio.create_task(service.ready.wait())
    await asyncio.wait({running, ready}, return_when=asyncio.FIRST_COMPLETED)
    if running.done():
        ready.cancel()
        return running.result()

    while published < len(stream) and not service.stop.is_set():
        channel_id, post = publish(published)
        published += 1
        _write_published(published_file, published)
        await service.user_client.push(server.new_message_update(channel_id, post))
        await asyncio.sleep(pace)

    if not service.stop.is_set():
        await service.reader.drain()
        while not service.stop.is_set():
            counts = await service.outbox.store.alert_counts()
            if not counts.get("pending") and not await service.outbox.store.alerts_to_edit():
                break
            service.outbox.notify()
            await asyncio.sleep(0.01)
        service.stop.set()
    status = await running
    print(f"stopped with status {status}; published {published} of {len(stream)}", flush=True)
    return status


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--gap", type=int, default=0)
    parser.add_argument("--pace", type=float, default=0.0)
    parser.add_argument("--die-after-send", type=int, default=None)
    parser.add_argument("--die-in-catch-up", type=int, default=None)
    parser.add_argument("--die-after-fold", action="store_true")
    # Generous by default: most runs check delivery, not folding.
    parser.add_argument("--rate-limit", type=int, default=1000)
    parser.add_argument("--fresh-random-ids", action="store_true")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.workdir, args.gap, args.pace, args.die_after_send,
                              die_in_catch_up=args.die_in_catch_up, die_after_fold=args.die_after_fold,
                              rate_limit=args.rate_limit, fresh_random_ids=args.fresh_random_ids)))
