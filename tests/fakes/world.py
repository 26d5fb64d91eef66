"""The live stack over the fake Telegram, for tests: real store file, pipeline, outbox, reader.

Only the network is fake. Sleeping is recorded instead of waited, so a FloodWait of
300 s costs nothing and the test can still see that it was honoured.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telethon import types
from telethon.extensions import html as tg_html

from bot.channels import Channel
from bot.detect import Detector
from bot.outbox import Outbox
from bot.pipeline import Pipeline
from bot.settings import AlertSettings, Settings, TelegramSettings
from bot.store import Store
from bot.telegram.directory import ChannelDirectory
from bot.telegram.reader import Reader
from bot.telegram.sender import BotSender
from bot.telegram.sessions import connect_bot, connect_user
from tests.fakes.telegram import API_HASH, API_ID, TEAM_CHAT, TEAM_CHAT_MARKED, FakeClient, FakeTelegram, Sent

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

BOT_TOKEN = "123456:" + "A" * 35

RU = Channel(username="ru_front", id=1100000001, name="Фронт RU", side="ru", kind="milblogger")
UA = Channel(username="ua_staff", id=1100000002, name="Штаб UA", side="ua", kind="official")
WIRE = Channel(username="wire_news", id=1100000003, name="Wire", side="other", kind="media")


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def live_settings(tmp_path: Path, config_dir: Path, *, alerts: AlertSettings | None = None,
                  **telegram: object) -> Settings:
    tg = TelegramSettings(api_id=API_ID, api_hash=API_HASH, bot_token=BOT_TOKEN, team_chat_ids=(TEAM_CHAT_MARKED,),
                          user_session=str(tmp_path / "user.session"), bot_session=str(tmp_path / "bot.session"))
    return Settings(config_dir=config_dir, db_path=tmp_path / "fw.sqlite", alerts=alerts or AlertSettings(),
                    telegram=replace(tg, **telegram))


class Sleeps:
    """An injected `sleep` that returns at once and remembers what it was asked to wait."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        await asyncio.sleep(0)


@dataclass
class World:
    tmp_path: Path
    detector: Detector
    server: FakeTelegram = field(default_factory=FakeTelegram)
    clock_now: datetime = NOW
    alerts: AlertSettings = field(default_factory=AlertSettings)
    rate_limit: int | None = None
    recheck_hours: float = 12.0

    def __post_init__(self) -> None:
        self.sleeps = Sleeps()
        self.user = FakeClient(self.server, bot=False)
        self.bot = FakeClient(self.server, bot=True)
        self.stop = asyncio.Event()
        self._worker: asyncio.Task | None = None

    def clock(self) -> datetime:
        return self.clock_now

    def channel(self, channel: Channel, *, joined: bool = True) -> None:
        self.server.add_channel(channel.id, f"Telegram title of {channel.name}", channel.username, joined=joined)

    async def start(self, configured: list[Channel], *, catch_up: bool = True, run_worker: bool = True) -> list[str]:
        self.reading = await Store.open(self.tmp_path / "fw.sqlite")
        self.sending = await Store.open(self.tmp_path / "fw.sqlite")
        await connect_bot(self.bot, BOT_TOKEN)
        await connect_user(self.user)
        self.sender = BotSender(self.bot, TEAM_CHAT_MARKED)
        self.outbox = Outbox(self.sending, self.sender, rate_limit_per_minute=self.rate_limit, clock=self.clock,
                             sleep=self.sleeps)
        self.pipeline = Pipeline(self.reading, self.detector, self.alerts, clock=self.clock,
                                 on_alert=self.outbox.notify)
        self.directory = ChannelDirectory(self.user, self.reading)
        self.reader = Reader(self.user, self.reading, self.pipeline, self.directory, sleep=self.sleeps,
                             clock=self.clock, page_wait=0, recheck_hours=self.recheck_hours)
        await self.reader.load_positions()
        self.reader.register()
        self.user.on_reconnected.append(lambda: self.reader.request_catch_up("reconnected"))
        dialogs = await self.directory.dialogs()
        warnings = await self.directory.load(configured, dialogs)
        if catch_up:
            self.reader.request_catch_up("start", dialogs=dialogs)
        if run_worker:
            self._worker = asyncio.create_task(self.reader.run(self.stop))
        return warnings

    async def settle(self) -> None:
        """Everything queued is handled and every alert is delivered."""
        await self.reader.drain()
        await self.outbox.flush()

    async def publish(self, channel: Channel, text: str, minutes_ago: float = 0, **extra: object):
        post = self.server.publish(channel.id, text, ago(minutes_ago), **extra)
        await self.user.push(self.server.new_message_update(channel.id, post))
        return post

    def published_quietly(self, channel: Channel, text: str, minutes_ago: float = 0, **extra: object):
        """Published while we were not listening: only catch-up can find it."""
        return self.server.publish(channel.id, text, ago(minutes_ago), **extra)

    @property
    def sent(self) -> list[Sent]:
        return [s for s in self.server.sent if s.chat == TEAM_CHAT]

    async def assert_sent_is_the_stored_html(self) -> None:
        """What Telegram got is exactly `html.parse` of the alert the store holds."""
        rows = await self.sending.execute("SELECT html, tg_message_id FROM alerts WHERE state = 'sent'")
        by_id = {s.message_id: s for s in self.sent}
        for html, message_id in rows:
            if message_id is None:
                continue
            text, entities = tg_html.parse(html)
            assert (by_id[message_id].text, by_id[message_id].entities) == (text, entities)

    async def close(self) -> None:
        self.stop.set()
        if self._worker is not None:
            await self._worker
        await self.reading.close()
        await self.sending.close()


def entity_text(sent: Sent, entity: types.TypeMessageEntity) -> str:
    """Entity offsets count UTF-16 code units, as Telegram does."""
    units = sent.text.encode("utf-16-le")
    return units[entity.offset * 2:(entity.offset + entity.length) * 2].decode("utf-16-le")


def open_post_link(sent: Sent) -> str | None:
    """The link behind an alert's "Open post": the post the alert is about."""
    for entity in sent.entities:
        if isinstance(entity, types.MessageEntityTextUrl) and entity_text(sent, entity) == "Open post":
            return entity.url
    return None

