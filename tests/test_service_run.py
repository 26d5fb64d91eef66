"""`frontwatch run` in-process over the fake Telegram: both sessions, the reader, the outbox,
the bot commands and the digest scheduler wired together."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from telethon import errors

from bot.settings import ROLES, AccessSettings, AlertSettings
from bot.service import Service
from tests.fakes.telegram import TEAM_CHAT, TEAM_CHAT_MARKED, FakeClient, FakeTelegram, command_update
from tests.fakes.world import BOT_TOKEN, RU, UA, WIRE, live_settings, open_post_link
from tests.test_telegram_reader import NOISE, WITHDRAWAL, numbered

ROOT_CONFIG = __import__("pathlib").Path(__file__).resolve().parents[1] / "config"
ADMIN = 4242


class Running:
    """A service running in the background of a test, with the fake Telegram under it."""

    def __init__(self, tmp_path, detector, server: FakeTelegram | None = None, *, sweep_seconds: float = 0,
                 roles: frozenset[str] = frozenset(ROLES), **settings_changes) -> None:
        self.server = server or FakeTelegram()
        for channel in (RU, UA, WIRE):
            if channel.id not in self.server.channels:
                self.server.add_channel(channel.id, channel.name, channel.username)
        settings = live_settings(tmp_path, ROOT_CONFIG, alerts=AlertSettings(rate_limit_per_minute=1000))
        self.settings = replace(settings, access=AccessSettings(admins=(ADMIN,)), **settings_changes)
        self.user = FakeClient(self.server, bot=False)
        self.bot = FakeClient(self.server, bot=True)
        self.sleeps: list[float] = []

        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)
            await asyncio.sleep(0)

        self.service = Service(self.settings, user_client=self.user, bot_client=self.bot, detector=detector,
                               channels=[RU, UA, WIRE], sleep=sleep, page_wait=0,
                               sweep_seconds=sweep_seconds, roles=roles)
        self.task: asyncio.Task | None = None

    async def __aenter__(self) -> Running:
        self.task = asyncio.create_task(self.service.run())
        ready = asyncio.create_task(self.service.ready.wait())
        await asyncio.wait({self.task, ready}, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        return self

    async def __aexit__(self, *exc) -> None:
        self.service.stop.set()
        await self.task

    def team_messages(self):
        return [s for s in self.server.sent if s.chat == TEAM_CHAT]

    async def until(self, condition, what: str) -> None:
        """Let the service work until `condition()` holds (a hung service fails after 10 s)."""
        async def wait() -> None:
            while not condition():
                await asyncio.sleep(0.005)
        try:
            await asyncio.wait_for(wait(), 10)
        except asyncio.TimeoutError:
            pytest.fail(f"never happened: {what}")

    async def publish(self, channel, text: str, **extra):
        post = self.server.publish(channel.id, text, datetime.now(UTC), **extra)
        await self.user.push(self.server.new_message_update(channel.id, post))
        return post


async def test_the_service_reads_a_channel_alerts_the_team_and_answers_its_commands(tmp_path, detector):
    async with Running(tmp_path, detector) as run:
        post = await run.publish(RU, WITHDRAWAL)
        await run.until(lambda: run.team_messages(), "the alert")
        assert open_post_link(run.team_messages()[0]) == f"https://t.me/{RU.username}/{post.id}"

        await run.bot.push(command_update(TEAM_CHAT, ADMIN, "/status"))
        await run.until(lambda: len(run.team_messages()) >= 2, "the /status reply")
        assert "Up " in run.team_messages()[1].text
        assert {c.command for c in run.server.bot_commands} >= {"status", "follow", "digest"}
    assert run.task.result() == 0


async def test_a_group_admin_follows_a_channel_by_command_and_its_posts_are_alerted(tmp_path, detector):
    server = FakeTelegram()
    server.add_channel(1100000010, "Late joiner", "late_joiner", joined=False)
    server.publish(1100000010, NOISE, datetime.now(UTC))
    server.admins.add(777)
    async with Running(tmp_path, detector, server=server) as run:
        await run.bot.push(command_update(TEAM_CHAT, 777, "/follow @late_joiner ua official"))
        await run.until(lambda: run.team_messages(), "the /follow reply")
        assert "Now following" in run.team_messages()[0].text
        await run.until(lambda: 1100000010 in run.service.directory.followed, "following the new channel")
        await run.service.reader.drain()

        post = await run.publish(WIRE.__class__(username="late_joiner", id=1100000010, name="x", side="ua",
                                                kind="official"), WITHDRAWAL)
        await run.until(lambda: len(run.team_messages()) >= 2, "the alert from the new channel")
        assert open_post_link(run.team_messages()[1]) == f"https://t.me/late_joiner/{post.id}"

        await run.bot.push(command_update(TEAM_CHAT, 999, "/follow @ua_staff"))
        await run.until(lambda: len(run.team_messages()) >= 3, "the refusal")
        assert "Only admins" in run.team_messages()[2].text


async def test_an_invalid_bot_token_stops_the_service_with_one_clear_error_and_status_3(tmp_path, detector):
    server = FakeTelegram()
    server.bot_token_valid = False
    run = Running(tmp_path, detector, server=server)
    status = await run.service.run()

    assert status == 3
    assert "TG_BOT_TOKEN" in str(run.service.fatal)
    assert BOT_TOKEN not in str(run.service.fatal)


async def test_a_revoked_user_session_stops_the_service_with_one_clear_error_and_status_3(tmp_path, detector):
    server = FakeTelegram()
    server.user_authorized = False
    run = Running(tmp_path, detector, server=server)

    assert await run.service.run() == 3
    assert "frontwatch login" in str(run.service.fatal)


async def test_bot_credentials_revoked_while_running_stop_the_service_and_keep_the_alert_queued(tmp_path, detector):
    async with Running(tmp_path, detector) as run:
        run.server.inject("SendMessageRequest", *[errors.AuthKeyUnregisteredError(request=None)] * 1000)
        await run.publish(RU, WITHDRAWAL)
        await run.until(lambda: run.task.done(), "the service stopping")
    assert run.task.result() == 3
    counts = await _alert_counts(run)
    assert counts == {"pending": 1}


async def _alert_counts(run: Running) -> dict[str, int]:
    from bot.store import Store

    store = await Store.open(run.settings.db_path)
    try:
        return await store.alert_counts()
    finally:
        await store.close()


async def test_after_the_connection_is_lost_for_good_the_service_reconnects_and_fills_the_gap(tmp_path, detector):
    async with Running(tmp_path, detector) as run:
        await run.service.reader.drain()
        run.user.fail_connects = 2
        run.user.lose_connection()
        missed = [run.server.publish(UA.id, numbered(n), datetime.now(UTC)) for n in range(3)]
        await run.until(lambda: len(run.team_messages()) == 3, "the missed posts alerted")
        assert [open_post_link(s) for s in run.team_messages()] == [
            f"https://t.me/{UA.username}/{p.id}" for p in missed]
        assert run.user.connects == 2
        assert run.sleeps[:2] == [1.0, 2.0]


async def test_secrets_never_reach_a_log_line_or_an_alert(tmp_path, detector, caplog):
    from bot.telegram.sessions import make_session

    async with Running(tmp_path, detector) as seed:
        pass
    session_string = __import__("telethon").sessions.StringSession.save(seed.user.session)
    with caplog.at_level(logging.DEBUG):
        async with Running(tmp_path, detector) as run:
            run.server.inject("SendMessageRequest", errors.FloodWaitError(request=None, capture=3),
                              ConnectionError("reset"))
            await run.publish(RU, WITHDRAWAL)
            await run.until(lambda: run.team_messages(), "the alert")
            settings = replace(run.settings.telegram, user_session_string=session_string)
            assert make_session(replace(run.settings, telegram=settings), "user").auth_key is not None
    secrets = [run.settings.telegram.api_hash, BOT_TOKEN, session_string]
    logged = "\n".join(r.getMessage() for r in caplog.records) + "\n" + repr(run.settings)
    sent = "\n".join(s.text for s in run.server.sent)
    for secret in secrets:
        assert secret not in logged and secret not in sent
    assert str(TEAM_CHAT_MARKED) not in sent


async def test_telegram_out_of_reach_at_start_is_one_line_and_status_1_for_systemd_to_retry(tmp_path, detector):
    run = Running(tmp_path, detector)
    run.bot.fail_connects = 1

    assert await run.service.run() == 1
    assert "cannot reach Telegram for the bot session" in run.service.unreachable
    assert run.service.fatal is None


async def test_the_periodic_sweep_finds_posts_no_update_announced(tmp_path, detector):
    async with Running(tmp_path, detector, sweep_seconds=0.01) as run:
        await run.service.reader.drain()
        silent = run.server.publish(WIRE.id, WITHDRAWAL, datetime.now(UTC))
        await run.until(lambda: run.team_messages(), "the swept post alerted")
        assert open_post_link(run.team_messages()[0]) == f"https://t.me/{WIRE.username}/{silent.id}"


async def test_the_digest_reaches_the_team_as_a_chart_and_its_pages_on_schedule_and_on_command(tmp_path, detector):
    async with Running(tmp_path, detector) as run:
        await run.publish(RU, WITHDRAWAL)
        await run.until(lambda: run.team_messages(), "the alert")

        await run.service.scheduler.send_digest(None)
        scheduled = run.team_messages()[1:]
        assert scheduled[0].photo and all(not s.photo for s in scheduled[1:])
        assert "SaveFilePartRequest" in run.server.calls

        await run.bot.push(command_update(TEAM_CHAT, ADMIN, "/digest"))
        await run.until(lambda: len(run.team_messages()) > 1 + len(scheduled), "the /digest reply")
        assert run.team_messages()[1 + len(scheduled)].photo


async def test_two_parts_sharing_a_store_connection_never_share_a_transaction(store):
    """A bot command writing while a post is handled must not land in (or be rolled back with)
    the post's transaction."""
    inside = asyncio.Event()
    release = asyncio.Event()

    async def post_that_breaks() -> None:
        with pytest.raises(RuntimeError):
            async with store.transaction():
                await store.set_setting("from_post", 1)
                inside.set()
                await release.wait()
                raise RuntimeError("the post broke")

    async def command() -> None:
        await inside.wait()
        async with store.transaction():
            await store.set_setting("from_command", 2)

    post = asyncio.create_task(post_that_breaks())
    cmd = asyncio.create_task(command())
    await inside.wait()
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(post, cmd)

    assert await store.get_setting("from_post") is None
    assert await store.get_setting("from_command") == 2


async def test_optional_calls_failing_at_start_never_stop_the_service_and_bot_commands_are_registered_later(
        tmp_path, detector, caplog):
    """Telethon gives up on a request after repeated server errors with a bare ValueError."""
    gave_up = ValueError("Request was unsuccessful 6 time(s)")
    server = FakeTelegram()
    server.inject("SetBotCommandsRequest", gave_up, gave_up, gave_up)
    server.inject("GetDialogsRequest", gave_up)
    caplog.set_level(logging.DEBUG, logger="bot")
    async with Running(tmp_path, detector, server=server) as run:
        assert not run.task.done(), "the service is running"
        await run.publish(RU, WITHDRAWAL)
        await run.until(lambda: run.team_messages(), "the alert")
        await run.until(lambda: run.server.bot_commands, "the command list registered on a later try")
        assert {c.command for c in run.server.bot_commands} >= {"status", "follow", "digest"}
    assert run.task.result() == 0
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING and "command list" in r.getMessage()]
    assert len(warnings) == 1, "logged once, not once per try"
    assert "Traceback" not in caplog.text


async def test_the_bot_failing_to_say_who_it_is_at_start_never_stops_the_service(tmp_path, detector):
    gave_up = ValueError("Request was unsuccessful 6 time(s)")
    server = FakeTelegram()
    run = Running(tmp_path, detector, server=server)
    original = run.bot.get_me

    async def get_me(*args, **kwargs):
        if run.service.team is not None:  # past the login check, which needs the answer
            raise gave_up
        return await original(*args, **kwargs)

    run.bot.get_me = get_me
    async with run:
        assert not run.task.done(), "the service is running"
        await run.publish(RU, WITHDRAWAL)
        await run.until(lambda: run.team_messages(), "the alert")
    assert run.task.result() == 0


@pytest.mark.parametrize("failure", [ValueError("Request was unsuccessful 6 time(s)"),
                                     errors.ServerError(request=None, message="INTERNAL")],
                         ids=["telethon-gave-up", "server-error"])
async def test_telegram_failing_a_required_call_at_start_is_one_line_and_status_1(tmp_path, detector, failure):
    server = FakeTelegram()
    server.inject("GetUsersRequest", failure, failure, failure, failure)
    run = Running(tmp_path, detector, server=server)

    assert await run.service.run() == 1
    assert "Telegram" in run.service.unreachable and type(failure).__name__ in run.service.unreachable
    assert run.service.fatal is None


async def test_a_debug_level_run_never_writes_post_text_to_the_log(tmp_path, detector, caplog):
    secret_words = "quokkazebra"
    text = f"Ukrainian units pulled out of Avdiivka overnight, {secret_words} brigade said."
    with caplog.at_level(logging.DEBUG):
        async with Running(tmp_path, detector) as run:
            post = await run.publish(RU, text)
            await run.until(lambda: run.team_messages(), "the alert")
            edited = run.server.edit(RU.id, post.id, text + " Updated.", datetime.now(UTC))
            await run.user.push(run.server.edit_update(RU.id, edited))
            await run.service.reader.drain()
    assert any(r.levelno == logging.DEBUG for r in caplog.records), "the run did log at DEBUG"
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert secret_words not in logged.lower()


async def test_a_store_that_is_not_a_database_stops_the_service_at_start_naming_the_file(tmp_path, detector):
    from bot.store import StoreUnavailable

    run = Running(tmp_path, detector)
    run.settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    run.settings.db_path.write_bytes(b"\x00garbage" * 4096)
    with pytest.raises(StoreUnavailable, match="not a SQLite database") as raised:
        await asyncio.wait_for(run.service.run(), 30)
    assert str(run.settings.db_path) in str(raised.value)


async def test_with_a_web_address_set_the_service_serves_the_archive_beside_the_bot(tmp_path, detector):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with Running(tmp_path, detector, web_listen=("127.0.0.1", port)) as run:
        post = await run.publish(RU, WITHDRAWAL)
        await run.until(lambda: run.team_messages(), "the alert")
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET /export.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        answer = (await reader.read()).decode()
        writer.close()
    assert answer.startswith("HTTP/1.1 200") and f"https://t.me/{RU.username}/{post.id}" in answer
    assert run.task.result() == 0
