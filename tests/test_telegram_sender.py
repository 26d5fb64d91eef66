"""The bot's sending, through the outbox, against Telegram's own error types."""

from __future__ import annotations

import logging

import pytest
from telethon import errors, types
from telethon.extensions import html as tg_html

from bot.outbox import RetryAfter, TransientSendError
from bot.telegram.sender import BotSender, sent_message_id
from bot.telegram.sessions import TelegramAuthError, connect_bot
from tests.fakes.telegram import TEAM_CHAT, TEAM_CHAT_MARKED, FakeClient, FakeTelegram
from tests.fakes.world import RU, World, open_post_link
from tests.test_telegram_reader import numbered


@pytest.fixture
async def world(tmp_path, detector):
    w = World(tmp_path, detector)
    w.channel(RU)
    yield w
    await w.close()


async def _pending_alerts(world: World, n: int) -> list[str]:
    """n flagged posts through the pipeline, not yet delivered; their links in order."""
    links = []
    for i in range(n):
        post = await world.publish(RU, numbered(i), minutes_ago=10 - i)
        links.append(f"https://t.me/{RU.username}/{post.id}")
    await world.reader.drain()
    return links


async def test_alerts_go_out_as_html_without_link_previews_with_the_random_id_stored_for_them(world):
    await world.start([RU])
    await _pending_alerts(world, 1)
    [row] = await world.sending.pending_alerts()
    await world.outbox.flush()

    [sent] = world.sent
    assert sent.random_id == row.random_id
    assert (sent.text, sent.entities) == tg_html.parse(row.html)
    stored = await world.sending.alert(row.id)
    assert stored.state == "sent" and stored.tg_message_id == sent.message_id


async def test_an_alert_resent_after_a_crash_is_deduplicated_by_telegram_and_not_doubled(world):
    await world.start([RU])
    await _pending_alerts(world, 2)
    await world.outbox.flush()
    assert len(world.sent) == 2
    # The crash: the first alert went out, but the store never heard back.
    async with world.sending.transaction():
        await world.sending.execute("UPDATE alerts SET state = 'pending', tg_message_id = NULL WHERE id = 1")
    await world.outbox.flush()

    assert len(world.sent) == 2
    assert world.server.calls.count("SendMessageRequest") == 3
    assert (await world.sending.alert(1)).state == "sent"


async def test_flood_waits_and_drops_while_sending_delay_alerts_but_deliver_each_once_in_order(world):
    await world.start([RU])
    links = await _pending_alerts(world, 5)
    world.server.inject("SendMessageRequest", None, errors.FloodWaitError(request=None, capture=300),
                        ConnectionError("reset by peer"), None, TimeoutError(), OSError("network down"),
                        errors.FloodWaitError(request=None, capture=42))
    await world.outbox.flush()

    assert [open_post_link(s) for s in world.sent] == links
    assert 300 in world.sleeps.calls and 42 in world.sleeps.calls
    assert len({s.random_id for s in world.sent}) == 5
    await world.assert_sent_is_the_stored_html()


async def test_a_team_chat_that_refuses_the_bot_keeps_alerts_queued_until_it_is_fixed(world, caplog):
    await world.start([RU])
    links = await _pending_alerts(world, 2)
    refusal = errors.ChatWriteForbiddenError(request=None)
    world.server.inject("SendMessageRequest", refusal, refusal, refusal)
    with caplog.at_level(logging.ERROR):
        await world.outbox.flush()

    assert [open_post_link(s) for s in world.sent] == links
    assert sum("refuses the bot" in r.getMessage() for r in caplog.records) == 1
    assert (await world.sending.alert_counts()).get("failed", 0) == 0


async def test_an_unchanged_edit_is_not_an_error_and_a_digest_photo_goes_out_with_its_caption(world):
    await world.start([RU])
    await _pending_alerts(world, 1)
    await world.outbox.flush()
    sender = world.sender
    [sent] = world.sent
    await sender.edit(sent.message_id, tg_html.unparse(sent.text, sent.entities))
    assert sent.edits == 0

    message_id = await sender.send_photo(b"\x89PNG fake chart", "<b>Digest</b> of the day")
    photo = world.server.sent[-1]
    assert photo.photo and photo.message_id == message_id
    assert photo.text == "Digest of the day"
    assert isinstance(photo.entities[0], types.MessageEntityBold)


async def test_telethon_errors_become_the_outboxs_own():
    server = FakeTelegram()
    bot = FakeClient(server, bot=True)
    await connect_bot(bot, "1:" + "x" * 35)
    fatal = []
    sender = BotSender(bot, TEAM_CHAT_MARKED, on_fatal=fatal.append)
    server.inject("SendMessageRequest", errors.FloodWaitError(request=None, capture=7),
                  errors.RpcCallFailError(request=None), errors.AuthKeyUnregisteredError(request=None),
                  errors.MessageTooLongError(request=None))
    with pytest.raises(RetryAfter) as flood:
        await sender.send("<b>x</b>", 1)
    assert flood.value.seconds == 7
    with pytest.raises(TransientSendError):
        await sender.send("<b>x</b>", 2)
    with pytest.raises(TransientSendError):
        await sender.send("<b>x</b>", 3)
    assert isinstance(fatal[0], TelegramAuthError) and "bot" in str(fatal[0])
    with pytest.raises(errors.MessageTooLongError):
        await sender.send("<b>x</b>", 4)


def test_the_message_id_is_read_from_each_shape_of_answer():
    short = types.UpdateShortSentMessage(id=5, pts=1, pts_count=1, date=None)
    assert sent_message_id(short, 1) == 5
    updates = types.Updates(updates=[types.UpdateMessageID(id=9, random_id=77)], users=[], chats=[], date=None,
                            seq=0)
    assert sent_message_id(updates, 77) == 9
    assert sent_message_id(types.Updates(updates=[], users=[], chats=[], date=None, seq=0), 77) is None


async def test_an_invalid_bot_token_is_one_clear_error_naming_the_setting():
    server = FakeTelegram()
    server.bot_token_valid = False
    with pytest.raises(TelegramAuthError, match="TG_BOT_TOKEN"):
        await connect_bot(FakeClient(server, bot=True), "1:" + "x" * 35)


async def test_a_user_session_that_is_not_logged_in_is_one_clear_error():
    from bot.telegram.sessions import connect_user

    server = FakeTelegram()
    server.user_authorized = False
    with pytest.raises(TelegramAuthError, match="frontwatch login"):
        await connect_user(FakeClient(server, bot=False))


async def test_the_team_chat_is_found_by_the_bot_from_its_bot_api_id():
    server = FakeTelegram()
    bot = FakeClient(server, bot=True)
    await connect_bot(bot, "1:" + "x" * 35)
    sender = BotSender(bot, TEAM_CHAT_MARKED)
    await sender.send("hello", 123)
    assert server.sent[0].chat == TEAM_CHAT
    assert "GetChannelsRequest" in server.calls
