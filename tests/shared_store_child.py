"""One sender or one scheduler over a shared store, as an OS process of its own.

    python tests/shared_store_child.py sender STORE_URL WORKDIR NAME
    python tests/shared_store_child.py scheduler STORE_URL WORKDIR NAME

Every message the bot sends goes to the fake Telegram, which appends it (with fsync) to
WORKDIR/sent.jsonl; the fake here remembers no random_id, so a second send of one alert
would show there as a second line. Each process starts once WORKDIR/go exists, so the
two of a test really run at once. A sender drains the outbox until WORKDIR/done exists
and nothing is left pending; a scheduler sends the digest due, if it is its to send.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.detect import Detector  # noqa: E402
from bot.outbox import Outbox  # noqa: E402
from bot.scheduler import DigestScheduler  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.telegram.sender import BotSender  # noqa: E402
from bot.telegram.sessions import connect_bot  # noqa: E402
from bot.telegram.team import TeamBot  # noqa: E402
from tests.fakes.telegram import TEAM_CHAT_MARKED, FakeClient, FakeTelegram  # noqa: E402
from tests.fakes.world import BOT_TOKEN, live_settings  # noqa: E402

#: the scheduler's clock: just past the 07:00 Kyiv digest of 21 November
NOW = datetime(2026, 11, 21, 5, 30, tzinfo=UTC)


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{path} never appeared")
        time.sleep(0.01)


async def _bot(workdir: Path) -> tuple[FakeClient, BotSender]:
    server = FakeTelegram(sent_log=workdir / "sent.jsonl", dedup_window=0)
    bot = FakeClient(server, bot=True)
    await connect_bot(bot, BOT_TOKEN)
    return bot, BotSender(bot, TEAM_CHAT_MARKED)


async def sender(url: str, workdir: Path, name: str) -> None:
    store = await Store.open(url)
    bot, send = await _bot(workdir)
    outbox = Outbox(store, send, rate_limit_per_minute=None, owner=name)
    _wait_for(workdir / "go")
    try:
        while True:
            await outbox.flush()
            if (workdir / "done").exists() and not await store.pending_alerts():
                return
            await asyncio.sleep(0.01)
    finally:
        await store.close()
        await bot.disconnect()


async def scheduler(url: str, workdir: Path, name: str) -> None:
    store = await Store.open(url)
    bot, send = await _bot(workdir)
    settings = live_settings(workdir, ROOT / "config")
    team = TeamBot(bot, send)
    digests = DigestScheduler(store, Detector.from_config(ROOT / "config"), settings, team.send_digest,
                              clock=lambda: NOW, owner=name)
    _wait_for(workdir / "go")
    try:
        await digests.run_missed()
    finally:
        await store.close()
        await bot.disconnect()


if __name__ == "__main__":
    role, url, workdir, name = sys.argv[1:5]
    asyncio.run({"sender": sender, "scheduler": scheduler}[role](url, Path(workdir), name))
