"""Several reader accounts: channels.toml splits the channels over user sessions, each account
follows its share, and one store, one pipeline worker and one sender serve them all."""

from __future__ import annotations

import asyncio
import os
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.channels import Channel, load_channels
from bot.cli import main
from bot.errors import ConfigError
from bot.settings import AlertSettings, load_settings
from bot.service import Service
from tests.fakes.telegram import API_HASH, TEAM_CHAT, TEAM_CHAT_MARKED, FakeClient, FakeTelegram
from tests.fakes.world import BOT_TOKEN, live_settings, open_post_link
from tests.test_telegram_reader import NOISE, numbered
from tests.test_telegram_sessions import first_user_login

ROOT_CONFIG = Path(__file__).resolve().parents[1] / "config"
MAIN_SHARE = [Channel(username=f"main_{i}", id=1200000001 + i, name=f"Main {i}", side=("ru", "ua")[i % 2],
                      kind="milblogger") for i in range(3)]
SECOND_SHARE = [Channel(username=f"second_{i}", id=1200000101 + i, name=f"Second {i}", side=("ua", "ru")[i % 2],
                        kind="media", account="second") for i in range(3)]


class TwoAccounts:
    """`frontwatch run` in-process with two reader accounts on the fake Telegram."""

    def __init__(self, tmp_path: Path, detector) -> None:
        self.server = FakeTelegram()
        for channel in MAIN_SHARE + SECOND_SHARE:
            self.server.add_channel(channel.id, channel.name, channel.username)
        self.settings = live_settings(tmp_path, ROOT_CONFIG, alerts=AlertSettings(rate_limit_per_minute=1000))
        self.main = FakeClient(self.server, bot=False)
        self.second = FakeClient(self.server, bot=False)
        self.bot = FakeClient(self.server, bot=True)
        self.service = Service(self.settings, user_client=self.main, bot_client=self.bot,
                               account_clients={"second": self.second}, detector=detector,
                               channels=MAIN_SHARE + SECOND_SHARE, sleep=lambda s: asyncio.sleep(0), page_wait=0,
                               sweep_seconds=0)
        self.published: list[tuple[int, int]] = []

    async def __aenter__(self) -> TwoAccounts:
        self.task = asyncio.create_task(self.service.run())
        ready = asyncio.create_task(self.service.ready.wait())
        await asyncio.wait({self.task, ready}, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        assert not self.task.done(), self.service.fatal or self.service.unreachable
        return self

    async def __aexit__(self, *exc) -> None:
        self.service.stop.set()
        await self.task

    def alerts(self):
        return [s for s in self.server.sent if s.chat == TEAM_CHAT]

    async def live(self, channel: Channel, text: str) -> None:
        """Published and pushed to both sessions, as when both accounts are members of the channel."""
        post = self.server.publish(channel.id, text, datetime.now(UTC))
        self.published.append((channel.id, post.id))
        update = self.server.new_message_update(channel.id, post)
        await self.main.push(update)
        await self.second.push(self.server.new_message_update(channel.id, post))

    def quietly(self, channel: Channel, text: str) -> None:
        post = self.server.publish(channel.id, text, datetime.now(UTC))
        self.published.append((channel.id, post.id))

    async def settled(self) -> None:
        await self.service.reader.drain()
        await self.service.outbox.flush()


async def _stored_keys(service: Service) -> list[tuple[int, int]]:
    rows = await service.outbox.store.execute("SELECT channel_id, message_id FROM posts")
    return sorted(tuple(r) for r in rows)


async def test_two_reader_accounts_each_follow_their_half_and_every_post_is_stored_and_alerted_once(
        tmp_path, detector):
    async with TwoAccounts(tmp_path, detector) as run:
        readers = run.service.readers
        assert set(readers) == {"main", "second"}
        assert readers["main"].client is run.main and readers["second"].client is run.second
        assert set(readers["main"].directory.followed) == {ch.id for ch in MAIN_SHARE}
        assert set(readers["second"].directory.followed) == {ch.id for ch in SECOND_SHARE}
        await run.settled()  # the start's catch-up, before anything is published

        n = 0
        for channel in MAIN_SHARE + SECOND_SHARE:
            await run.live(channel, numbered(n))
            await run.live(channel, NOISE + f" {n}")
            n += 1
        await run.settled()
        assert readers["main"].stats.live == 2 * len(MAIN_SHARE)
        assert readers["second"].stats.live == 2 * len(SECOND_SHARE)

        # Published while neither session heard it: each account's catch-up after its reconnect finds its own.
        for channel in MAIN_SHARE + SECOND_SHARE:
            run.quietly(channel, numbered(n))
            n += 1
        await run.second.auto_reconnected()
        await run.main.auto_reconnected()
        await run.settled()
        assert readers["main"].stats.caught_up == len(MAIN_SHARE)
        assert readers["second"].stats.caught_up == len(SECOND_SHARE)

        assert await _stored_keys(run.service) == sorted(run.published)
        links = sorted(open_post_link(s) for s in run.alerts())
        assert len(links) == len(set(links)) == n
        flagged = {f"https://t.me/{ch.username}/{mid}" for ch in MAIN_SHARE + SECOND_SHARE
                   for cid, mid in run.published if cid == ch.id and mid != 2}
        assert set(links) == flagged
    assert run.task.result() == 0


def _toml(path: Path, entries: list[dict]) -> Path:
    lines = []
    for entry in entries:
        lines.append("[[channel]]")
        lines += [f"{k} = {v!r}".replace("'", '"') for k, v in entry.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_channel_listed_under_two_accounts_is_refused_naming_both(tmp_path):
    path = _toml(tmp_path / "channels.toml", [
        {"username": "rybar", "side": "ru", "account": "main"},
        {"username": "Rybar", "side": "ru", "account": "second"},
    ])
    with pytest.raises(ConfigError) as error:
        load_channels(path)
    assert error.value.where == "channel #2"
    assert "rybar" in str(error.value) and "'main'" in str(error.value) and "'second'" in str(error.value)


def test_an_account_name_that_cannot_be_a_file_name_is_refused(tmp_path):
    path = _toml(tmp_path / "channels.toml", [{"username": "rybar", "account": "../other"}])
    with pytest.raises(ConfigError) as error:
        load_channels(path)
    assert error.value.where == "channel #1.account"


def _run_env(tmp_path: Path, extra: str = "") -> Path:
    env = tmp_path / ".env"
    env.write_text(f"TG_API_ID=1\nTG_API_HASH={API_HASH}\nTG_BOT_TOKEN={BOT_TOKEN}\n"
                   f"TG_TEAM_CHAT_ID={TEAM_CHAT_MARKED}\nTG_USER_SESSION={tmp_path / 'var' / 'user.session'}\n"
                   f"TG_BOT_SESSION={tmp_path / 'var' / 'bot.session'}\n{extra}", encoding="utf-8")
    return env


def _config_with(tmp_path: Path, entries: list[dict]) -> Path:
    config = tmp_path / "config"
    config.mkdir()
    for name in ("settings.toml", "gazetteer.toml", "topics.toml"):
        if (ROOT_CONFIG / name).exists():
            (config / name).write_bytes((ROOT_CONFIG / name).read_bytes())
    for extra in ROOT_CONFIG.iterdir():
        if extra.name != "channels.toml" and not (config / extra.name).exists():
            if extra.is_file():
                (config / extra.name).write_bytes(extra.read_bytes())
    _toml(config / "channels.toml", entries)
    return config


def test_run_with_a_channel_whose_account_has_no_session_stops_with_status_2_before_any_session_file(
        tmp_path, capsys, monkeypatch):
    for key in [k for k in os.environ if k.startswith(("TG_", "FRONTWATCH_"))]:
        monkeypatch.delenv(key)
    config = _config_with(tmp_path, [{"username": "rybar", "side": "ru"},
                                     {"username": "dva_majors", "side": "ru", "account": "news"}])
    status = main(["run", "--config", str(config), "--env", str(_run_env(tmp_path)),
                   "--db", str(tmp_path / "fw.sqlite")])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1
    assert "@dva_majors" in err[0] and "'news'" in err[0] and "frontwatch login --account news" in err[0]
    assert not (tmp_path / "var").exists() or not any((tmp_path / "var").iterdir())


def test_an_accounts_session_string_comes_from_its_own_key_and_is_not_shown(tmp_path, monkeypatch):
    for key in [k for k in os.environ if k.startswith(("TG_", "FRONTWATCH_"))]:
        monkeypatch.delenv(key)
    settings = load_settings(ROOT_CONFIG, _run_env(tmp_path, "TG_USER_SESSION_STRING_NEWS=secret-news-string\n"))
    assert settings.telegram.user_session_string_of("news") == "secret-news-string"
    assert settings.telegram.user_session_string_of("main") is None
    assert "secret-news-string" not in repr(settings)
    with pytest.raises(ConfigError) as error:
        load_settings(ROOT_CONFIG, _run_env(tmp_path, "TG_USER_SESION_STRING_NEWS=x\n"))
    assert "unknown setting" in str(error.value)


async def test_login_of_a_second_account_writes_its_own_private_session_beside_the_main_one(tmp_path):
    status, out, err, _, settings = await first_user_login(tmp_path, account="news", print_session=True)
    assert status == 0
    news = tmp_path / "user-news.session"
    assert stat.S_IMODE(news.stat().st_mode) == 0o600 and not (tmp_path / "user.session").exists()
    assert "account 'news'" in err.getvalue() and "TG_USER_SESSION_STRING_NEWS" in err.getvalue()
    assert out.getvalue().strip() not in err.getvalue()

    # The new session now satisfies the start-up check for channels of that account.
    from bot.telegram.sessions import check_reader_sessions
    check_reader_sessions(settings, [replace(SECOND_SHARE[0], account="news")], "channels.toml")
