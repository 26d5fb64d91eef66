"""The real service over the fake Telegram, as a process a test can kill.

    python tests/service_child.py WORKDIR [--gap N] [--pace SECONDS] [--die-after-send N]

WORKDIR/stream.jsonl is what the followed channels will publish, in order
({"channel": id, "text": ..., "date": iso}). How much of it Telegram has already
published survives restarts in WORKDIR/published, so a killed run's posts stay in the
channels' history for the next run to catch up on; `--gap N` publishes N more while
no service is listening. Every message the bot sends is appended, with fsync, to
WORKDIR/sent.jsonl before the service hears back, exactly when Telegram would have
posted it. `--die-after-send N` kills the process (SIGKILL) right after Telegram has
posted the N-th message and before the service learns of it: the worst moment to crash.
The process exits 0 once the whole stream is published, read and delivered, or when it
gets SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.channels import Channel  # noqa: E402
from bot.service import Service, _install_signals  # noqa: E402
from bot.settings import AlertSettings  # noqa: E402
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


async def main(workdir: Path, gap: int, pace: float, die_after_send: int | None) -> int:
    stream = [json.loads(line) for line in (workdir / "stream.jsonl").read_text(encoding="utf-8").splitlines()]
    published_file = workdir / "published"
    published = int(published_file.read_text()) if published_file.exists() else 0

    server = FakeTelegram(sent_log=workdir / "sent.jsonl")
    if die_after_send is not None:
        sends = len(server.sent)

        def die(record: dict) -> None:
            nonlocal sends
            if record["kind"] == "send":
                sends += 1
                if sends == die_after_send:
                    os.kill(os.getpid(), signal.SIGKILL)

        server.on_record = die
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

    # A generous rate limit: this run checks delivery, not folding (tests/test_outbox.py does).
    settings = live_settings(workdir, ROOT / "config", alerts=AlertSettings(rate_limit_per_minute=1000))

    async def no_wait(seconds: float) -> None:
        await asyncio.sleep(0)

    service = Service(settings, user_client=FakeClient(server, bot=False), bot_client=FakeClient(server, bot=True),
                      channels=list(CHANNELS), commands_class=None, scheduler_class=None, sleep=no_wait,
                      page_wait=0, sweep_seconds=0)
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
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.workdir, args.gap, args.pace, args.die_after_send)))
