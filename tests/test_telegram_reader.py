"""The reader over real Telethon events: updates built from real TL types, dispatched by
Telethon's own `_dispatch_update` into our handlers, through the real pipeline and store,
out of the bot as the messages Telegram would receive (parsed back from the alert HTML).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import replace

import pytest
from telethon import errors, types

from bot.channels import Channel
from bot.post import marked_channel_id
from bot.telegram.sessions import TelegramAuthError
from tests.fakes.world import NOW, RU, UA, WIRE, World, ago, open_post_link

WITHDRAWAL = "Ukrainian units pulled out of Avdiivka overnight so as not to be cut off, the command said."
PLACE_ONLY = "Heavy shelling reported near Kupiansk overnight, several houses damaged."
NOISE = "Thanks for reading: the channel is three years old today."


def numbered(n: int) -> str:
    """Flagged posts that are not near-copies of each other (the policy would merge those),
    each a mention of a tracked place, not a claim (the same claim again edits its alert)."""
    return f"Update {n}: shelling reported near Avdiivka, zone{n}a sector{n}b group{n}c unit{n}d."


@pytest.fixture
async def world(tmp_path, detector):
    w = World(tmp_path, detector)
    for channel in (RU, UA, WIRE):
        w.channel(channel)
    yield w
    await w.close()


async def test_a_new_post_naming_a_place_and_a_withdrawal_becomes_one_alert_linking_to_it(world):
    await world.start([RU, UA, WIRE])
    post = await world.publish(RU, WITHDRAWAL, minutes_ago=1)
    await world.publish(RU, NOISE)
    await world.settle()

    assert len(world.sent) == 1
    alert = world.sent[0]
    assert open_post_link(alert) == f"https://t.me/{RU.username}/{post.id}"
    assert "Avdiivka" in alert.text and "WITHDRAWAL" in alert.text.upper()
    assert RU.name in alert.text  # the team's name for the channel, not its Telegram title
    bold = [e for e in alert.entities if isinstance(e, types.MessageEntityBold)]
    assert bold, "matched words and the headline are highlighted"
    await world.assert_sent_is_the_stored_html()


async def test_posts_of_chats_not_followed_are_ignored_even_a_user_sharing_a_channels_digits(world):
    world.channel(Channel(username="other", id=1100000099, name="x", side="ru", kind="media"))
    await world.start([RU])
    stranger = world.server.publish(1100000099, WITHDRAWAL, ago(1))
    await world.user.push(world.server.new_message_update(1100000099, stranger))
    lookalike = types.Message(id=7, peer_id=types.PeerUser(RU.id), date=NOW, message=WITHDRAWAL)
    await world.user.push(types.UpdateNewMessage(message=lookalike, pts=5, pts_count=1))
    await world.settle()

    assert world.sent == []
    assert await world.reading.count_posts() == 0


async def test_a_channel_configured_by_its_marked_id_is_followed(world):
    await world.start([Channel(username=None, id=marked_channel_id(RU.id), name="By id", side="ru", kind="milblogger")])
    await world.publish(RU, WITHDRAWAL)
    await world.settle()

    assert len(world.sent) == 1
    assert "By id" in world.sent[0].text


async def test_an_edit_that_adds_a_withdrawal_updates_the_alert_instead_of_sending_another(world):
    await world.start([RU])
    post = await world.publish(RU, PLACE_ONLY, minutes_ago=5)
    await world.settle()
    assert len(world.sent) == 1 and "WITHDRAWAL" not in world.sent[0].text.upper()

    edited = world.server.edit(RU.id, post.id, PLACE_ONLY + " Our units have withdrawn from Kupiansk.", ago(1))
    await world.user.push(world.server.edit_update(RU.id, edited))
    await world.settle()

    assert len(world.sent) == 1
    assert world.sent[0].edits == 1
    assert "WITHDRAWAL" in world.sent[0].text.upper()
    await world.assert_sent_is_the_stored_html()


async def test_a_deleted_post_annotates_its_alert_and_its_text_stays_in_the_store(world):
    await world.start([RU])
    post = await world.publish(RU, WITHDRAWAL, minutes_ago=3)
    await world.settle()
    world.server.delete(RU.id, [post.id])
    await world.user.push(world.server.delete_update(RU.id, [post.id]))
    await world.settle()

    assert len(world.sent) == 1 and world.sent[0].edits == 1
    assert "deleted" in world.sent[0].text
    stored = await world.reading.post_by_key(RU.id, post.id)
    assert stored.deleted_at is not None and stored.post.text == WITHDRAWAL


async def test_forward_of_an_alerted_post_updates_the_alert_instead_of_sending_again(world):
    await world.start([RU, WIRE])
    original = await world.publish(RU, WITHDRAWAL, minutes_ago=10)
    await world.settle()
    forward = await world.publish(WIRE, WITHDRAWAL, minutes_ago=2, fwd_channel=RU.id, fwd_message=original.id)
    await world.settle()

    assert len(world.sent) == 1
    alert = world.sent[0]
    assert alert.edits == 1
    assert f"https://t.me/{WIRE.username}/{forward.id}" in alert.links
    assert "also in" in alert.text
    stored = await world.reading.post_by_key(WIRE.id, forward.id)
    assert stored.post.forward.channel_id == RU.id and stored.post.forward.message_id == original.id


async def test_unknown_and_private_usernames_are_warned_about_by_name_and_the_rest_are_followed(world, caplog):
    world.server.add_channel(1100000050, "Closed", "closed_one", joined=False, private=True)
    ghost = Channel(username="no_such_channel", id=None, name="Ghost", side="ru", kind="media")
    closed = Channel(username="closed_one", id=None, name="Closed", side="ua", kind="media")
    hidden = Channel(username=None, id=1100000077, name="Hidden", side="ua", kind="media")
    with caplog.at_level(logging.WARNING):
        warnings = await world.start([ghost, RU, closed, hidden, UA])

    assert len(warnings) == 3
    for name in ("no_such_channel", "closed_one", "1100000077"):
        assert sum(name in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING) == 1
    assert set(world.directory.followed) == {RU.id, UA.id}
    assert {c.id for c in await world.reading.channels(followed_only=True)} == {RU.id, UA.id}


async def test_a_channel_whose_look_up_hit_a_flood_wait_is_followed_from_the_next_sweep_on(world):
    world.server.channels[UA.id].joined = False
    world.server.inject("ResolveUsernameRequest", errors.FloodWaitError(request=None, capture=900))
    warnings = await world.start([RU, UA])
    assert UA.id not in world.directory.followed
    assert len(warnings) == 1 and "@ua_staff" in warnings[0]

    await world.directory.retry_joins()
    await world.settle()
    assert UA.id in world.directory.followed and world.server.channels[UA.id].joined
    await world.publish(UA, WITHDRAWAL)
    await world.settle()
    assert len(world.sent) == 1


async def test_public_channels_the_account_is_not_in_are_joined_and_then_read(world):
    world.server.channels[UA.id].joined = False
    await world.start([UA])

    assert "JoinChannelRequest" in world.server.calls
    assert world.server.channels[UA.id].joined
    await world.publish(UA, WITHDRAWAL)
    await world.settle()
    assert len(world.sent) == 1


async def test_a_channel_seen_for_the_first_time_starts_at_its_newest_post(world):
    for n in range(5):
        world.published_quietly(RU, numbered(n), minutes_ago=500 - n)
    await world.start([RU])
    await world.settle()

    assert world.sent == []
    assert await world.reading.read_position(RU.id) == 5
    await world.publish(RU, numbered(9))
    await world.settle()
    assert len(world.sent) == 1


async def test_posts_that_arrived_after_following_began_but_died_in_the_queue_are_read_after_a_restart(world):
    await world.start([RU], run_worker=False)  # the process dies before it handles anything
    arrived = [await world.publish(RU, numbered(n), minutes_ago=2) for n in range(3)]
    await world.close()

    restarted = World(world.tmp_path, world.detector, server=world.server)
    try:
        await restarted.start([RU])
        await restarted.settle()
        assert [open_post_link(s) for s in restarted.sent] == [
            f"https://t.me/{RU.username}/{p.id}" for p in arrived]
    finally:
        await restarted.close()


async def test_catch_up_on_start_reads_the_gap_since_the_stored_position_and_marks_it_late(world):
    world.published_quietly(RU, NOISE, minutes_ago=30)
    await world.start([RU])
    await world.settle()
    await world.close()

    gap = [world.published_quietly(RU, numbered(n), minutes_ago=20 - n) for n in range(3)]
    restarted = World(world.tmp_path, world.detector, server=world.server)
    try:
        await restarted.start([RU])
        await restarted.settle()
        assert [open_post_link(s) for s in restarted.sent] == [
            f"https://t.me/{RU.username}/{p.id}" for p in gap]
        assert all("found late" in s.text for s in restarted.sent)
        for p in gap:
            assert (await restarted.reading.post_by_key(RU.id, p.id)).post.late
    finally:
        await restarted.close()


async def test_a_long_gap_is_summarised_in_one_alert_instead_of_flooding_the_group(world):
    world.published_quietly(RU, NOISE, minutes_ago=600)
    await world.start([RU])
    await world.settle()
    old = [world.published_quietly(RU, numbered(n), minutes_ago=300 - n) for n in range(6)]
    fresh = world.published_quietly(RU, numbered(99), minutes_ago=5)
    world.reader.request_catch_up("test")
    await world.settle()

    assert len(world.sent) == 2
    assert open_post_link(world.sent[0]) == f"https://t.me/{RU.username}/{fresh.id}"
    summary = world.sent[1]
    assert "Found during catch-up" in summary.text
    assert [f"https://t.me/{RU.username}/{p.id}" for p in old] == summary.links


async def test_after_telethon_reconnects_by_itself_the_gap_is_filled(world):
    await world.start([RU, UA])
    await world.publish(RU, NOISE)
    await world.settle()
    missed = [world.published_quietly(UA, numbered(n), minutes_ago=3 - n) for n in range(2)]
    await world.user.auto_reconnected()
    await world.settle()

    assert [open_post_link(s) for s in world.sent] == [f"https://t.me/{UA.username}/{p.id}" for p in missed]


async def test_a_gap_telethon_skips_while_connected_is_found_by_the_next_sweep(world):
    await world.start([RU])
    await world.settle()
    skipped = [world.published_quietly(RU, numbered(n), minutes_ago=4) for n in range(3)]
    after = await world.publish(RU, numbered(50), minutes_ago=1)  # arrives live after the silent gap
    await world.settle()
    assert [open_post_link(s) for s in world.sent] == [f"https://t.me/{RU.username}/{after.id}"]

    world.reader.request_catch_up("sweep")
    await world.settle()
    links = [open_post_link(s) for s in world.sent]
    assert links[1:] == [f"https://t.me/{RU.username}/{p.id}" for p in skipped]
    assert len(set(links)) == len(links) == 4


async def test_a_silent_gap_followed_by_a_live_post_and_a_crash_is_still_read_after_the_restart(world):
    await world.start([RU])
    await world.settle()
    skipped = [world.published_quietly(RU, numbered(n), minutes_ago=4) for n in range(2)]
    await world.publish(RU, numbered(50), minutes_ago=1)
    await world.settle()
    assert await world.reading.read_position(RU.id) == 3  # the live post moved it past the gap
    await world.close()  # the process dies before any sweep
    before = len(world.sent)

    restarted = World(world.tmp_path, world.detector, server=world.server)
    try:
        await restarted.start([RU])
        await restarted.settle()
        assert [open_post_link(s) for s in restarted.sent[before:]] == [
            f"https://t.me/{RU.username}/{p.id}" for p in skipped]
    finally:
        await restarted.close()


async def test_a_message_that_breaks_is_logged_with_its_link_and_the_next_one_is_read(world, caplog):
    await world.start([RU])
    broken = types.Message(id=41, peer_id=types.PeerChannel(RU.id), date="not a date", message=WITHDRAWAL)
    with caplog.at_level(logging.ERROR):
        await world.user.push(types.UpdateNewChannelMessage(message=broken, pts=9, pts_count=1))
        await world.publish(RU, numbered(1))
        await world.settle()

    assert any(f"https://t.me/{RU.username}/41" in r.getMessage() for r in caplog.records)
    assert len(world.sent) == 1
    assert world.reader.stats.skipped == 1


async def test_flood_wait_and_dropped_connections_during_catch_up_lose_nothing_and_double_nothing(world):
    world.published_quietly(RU, NOISE, minutes_ago=40)
    await world.start([RU])
    await world.settle()
    flagged = []
    for n in range(230):
        if n % 23 == 0:
            flagged.append(world.published_quietly(RU, numbered(n), minutes_ago=30))
        else:
            world.published_quietly(RU, f"Quiet post {n}", minutes_ago=30)
    world.server.inject("GetHistoryRequest", None, errors.FloodWaitError(request=None, capture=300),
                        ConnectionError("connection reset"), None, TimeoutError())
    world.reader.request_catch_up("test")
    await world.settle()

    assert 300 in world.sleeps.calls
    assert await world.reading.count_posts() == 230  # all of the gap; the first post was the starting point
    assert [open_post_link(s) for s in world.sent] == [f"https://t.me/{RU.username}/{p.id}" for p in flagged]
    await world.assert_sent_is_the_stored_html()


async def test_a_revoked_user_session_during_catch_up_stops_the_reader_with_one_clear_error(world):
    await world.start([RU], catch_up=False)
    world.published_quietly(RU, WITHDRAWAL)
    world.server.inject("GetDialogsRequest", errors.AuthKeyUnregisteredError(request=None))
    world.reader.request_catch_up("test")
    with pytest.raises(TelegramAuthError, match="frontwatch login"):
        await world._worker
    world._worker = None


async def test_a_command_may_follow_a_channel_and_its_posts_are_read_from_then_on(world):
    world.channel(replace(WIRE, id=1100000010, username="late_joiner"), joined=False)
    await world.start([RU])
    channel = await world.directory.resolve("https://t.me/late_joiner")
    assert channel is not None and channel.id == 1100000010
    async with world.reading.transaction():
        await world.reading.upsert_channel(replace(channel, side="ua"))
    world.published_quietly(channel, NOISE, minutes_ago=9)
    await world.directory.refresh()
    await world.settle()
    await world.publish(channel, WITHDRAWAL)
    await world.settle()

    assert len(world.sent) == 1
    assert await world.reading.read_position(channel.id) == 2

    async with world.reading.transaction():
        await world.reading.set_followed(channel.id, False)
    await world.directory.refresh()
    await world.publish(channel, numbered(3))
    await world.settle()
    assert len(world.sent) == 1


def fail_once_to_store(store, message_id: int) -> None:
    """The disk fills up exactly while this message is stored, as SQLite reports it."""
    original = store.save_post
    failed = []

    async def save_post(post):
        if post.message_id == message_id and not failed:
            failed.append(post)
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode, error.sqlite_errorname = sqlite3.SQLITE_FULL, "SQLITE_FULL"
            raise error
        return await original(post)

    original_batch = store.save_new_posts

    async def save_new_posts(items):
        if any(item.post.message_id == message_id for item in items) and not failed:
            failed.append(items)
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode, error.sqlite_errorname = sqlite3.SQLITE_FULL, "SQLITE_FULL"
            raise error
        return await original_batch(items)

    store.save_post = save_post
    store.save_new_posts = save_new_posts


async def stored_ids(store, channel) -> list[int]:
    return [row[0] for row in await store.execute(
        "SELECT message_id FROM posts WHERE channel_id = ? ORDER BY message_id", (channel.id,))]


async def test_a_post_that_fails_to_store_during_catch_up_is_stored_after_a_restart(world, caplog):
    world.published_quietly(RU, NOISE, minutes_ago=40)
    await world.start([RU])
    await world.settle()
    gap = [world.published_quietly(RU, f"Quiet post {n}", minutes_ago=30) for n in range(4)]
    fail_once_to_store(world.reading, gap[1].id)
    with caplog.at_level(logging.WARNING):
        world.reader.request_catch_up("sweep")
        await world.settle()
    assert gap[1].id not in await stored_ids(world.reading, RU)
    assert any("disk is full" in r.getMessage() for r in caplog.records), "the failure is logged"
    await world.close()

    restarted = World(world.tmp_path, world.detector, server=world.server)
    try:
        await restarted.start([RU])
        await restarted.settle()
        assert await stored_ids(restarted.reading, RU) == [p.id for p in gap]  # 1 was the starting point
    finally:
        await restarted.close()


async def test_a_post_that_fails_to_store_during_catch_up_is_stored_by_the_next_sweep(world):
    world.published_quietly(RU, NOISE, minutes_ago=40)
    await world.start([RU])
    await world.settle()
    gap = [world.published_quietly(RU, numbered(n), minutes_ago=3) for n in range(3)]
    fail_once_to_store(world.reading, gap[0].id)
    world.reader.request_catch_up("sweep")
    await world.settle()
    world.reader.request_catch_up("sweep")
    await world.settle()

    assert await stored_ids(world.reading, RU) == [p.id for p in gap]
    links = [open_post_link(s) for s in world.sent]
    assert sorted(links) == sorted(f"https://t.me/{RU.username}/{p.id}" for p in gap), "each alerted once"


@pytest.mark.parametrize("failure", [errors.ServerError(request=None, message="INTERNAL"),
                                     ValueError("Request was unsuccessful 6 time(s)")],
                         ids=["server-error", "telethon-gave-up"])
async def test_a_channel_whose_look_up_hit_a_server_error_at_start_is_followed_from_the_next_sweep_on(
        world, failure):
    world.server.channels[UA.id].joined = False
    world.server.inject("ResolveUsernameRequest", failure)
    warnings = await world.start([RU, UA])
    assert UA.id not in world.directory.followed
    assert len(warnings) == 1 and "@ua_staff" in warnings[0] and "next sweep" in warnings[0]

    await world.directory.retry_joins()
    await world.settle()
    assert UA.id in world.directory.followed


async def test_a_burst_of_queued_updates_is_stored_in_batches_in_order_with_a_deletion_between(world):
    await world.start([RU, WIRE], catch_up=False, run_worker=False)  # updates pile up, as after a reconnect
    batches: list[int] = []
    handle_batch = world.pipeline.handle_batch

    async def counted(posts, **kwargs):
        batches.append(len(posts))
        return await handle_batch(posts, **kwargs)

    world.pipeline.handle_batch = counted
    first = [await world.publish(WIRE, f"{NOISE} Issue {n}.") for n in range(20)]
    alerted = await world.publish(RU, WITHDRAWAL)
    world.server.delete(WIRE.id, [first[0].id])
    await world.user.push(world.server.delete_update(WIRE.id, [first[0].id]))
    later = [await world.publish(WIRE, f"{NOISE} Late issue {n}.") for n in range(5)]
    world._worker = asyncio.create_task(world.reader.run(world.stop))
    await world.settle()

    assert batches == [21, 5]
    stored = await world.reading.execute("SELECT message_id, deleted_at IS NOT NULL FROM posts ORDER BY id")
    assert [m for m, _ in stored] == [p.id for p in (*first, alerted, *later)]
    assert [m for m, deleted in stored if deleted] == [first[0].id]
    assert len(world.sent) == 1

    lone = await world.publish(RU, NOISE)
    await world.settle()
    assert batches == [21, 5, 1] and await world.reading.post_by_key(RU.id, lone.id) is not None
