"""Edits and deletions made while the reader was away, found by asking Telegram again for
the recent posts already stored (Telegram does not replay those updates after a gap).
"""

from __future__ import annotations

import pytest
from telethon import errors

from bot.errors import ConfigError
from bot.settings import load_settings
from tests.fakes.world import RU, UA, World, ago, open_post_link

VAGUE = "Heavy fighting reported near the river overnight, details later."
PLACED = "Heavy fighting reported near Kupiansk overnight, details later."
PLACE_ONLY = "Heavy shelling reported near Kupiansk overnight, several houses damaged."
WITHDRAWN = PLACE_ONLY + " Our units have withdrawn from Kupiansk."
WITHDRAWAL = "Ukrainian units pulled out of Avdiivka overnight so as not to be cut off, the command said."
NOISE = "Thanks for reading: the channel is three years old today."


@pytest.fixture
async def world(tmp_path, detector):
    w = World(tmp_path, detector)
    for channel in (RU, UA):
        w.channel(channel)
    yield w
    await w.close()


@pytest.fixture
async def restart(world):
    """Stop the first service and start another over the same store and Telegram."""
    started: list[World] = []

    async def again(channels, **options) -> World:
        await world.close()
        w = World(world.tmp_path, world.detector, server=world.server, **options)
        started.append(w)
        await w.start(channels)
        await w.settle()
        return w

    yield again
    for w in started:
        await w.close()


async def test_an_edit_that_adds_a_place_while_the_service_was_down_produces_an_alert_after_restart(world, restart):
    await world.start([RU])
    post = await world.publish(RU, VAGUE, minutes_ago=20)
    await world.settle()
    assert world.sent == []

    world.server.edit(RU.id, post.id, PLACED, ago(10))
    restarted = await restart([RU])

    assert [open_post_link(s) for s in restarted.sent] == [f"https://t.me/{RU.username}/{post.id}"]
    assert "Kupiansk" in restarted.sent[0].text
    stored = await restarted.reading.post_by_key(RU.id, post.id)
    assert stored.post.text == PLACED and stored.post.edit_date == ago(10)
    assert [v[1] for v in await restarted.reading.versions(stored.post_id)] == [VAGUE, PLACED]


async def test_an_edit_to_an_alerted_post_while_the_service_was_down_updates_that_alert_instead_of_sending_another(
        world, restart):
    await world.start([RU])
    post = await world.publish(RU, PLACE_ONLY, minutes_ago=30)
    await world.settle()
    assert len(world.sent) == 1 and "WITHDRAWAL" not in world.sent[0].text.upper()

    world.server.edit(RU.id, post.id, WITHDRAWN, ago(5))
    restarted = await restart([RU])

    assert len(restarted.sent) == 1
    assert restarted.sent[0].edits == 1
    assert "WITHDRAWAL" in restarted.sent[0].text.upper()
    await restarted.assert_sent_is_the_stored_html()


async def test_a_deletion_while_the_service_was_down_annotates_the_alert_and_keeps_the_text_in_the_store(
        world, restart):
    await world.start([RU])
    post = await world.publish(RU, WITHDRAWAL, minutes_ago=30)
    await world.publish(RU, NOISE, minutes_ago=29)
    await world.settle()
    assert len(world.sent) == 1

    world.server.delete(RU.id, [post.id])
    restarted = await restart([RU])

    assert len(restarted.sent) == 1 and restarted.sent[0].edits == 1
    assert "deleted" in restarted.sent[0].text
    stored = await restarted.reading.post_by_key(RU.id, post.id)
    assert stored.deleted_at is not None and stored.post.text == WITHDRAWAL
    assert (await restarted.reading.post_by_key(RU.id, post.id + 1)).deleted_at is None


async def test_posts_unchanged_while_the_service_was_down_produce_nothing_after_restart(world, restart):
    await world.start([RU, UA])
    posts = [await world.publish(RU, WITHDRAWAL, minutes_ago=30), await world.publish(UA, NOISE, minutes_ago=20)]
    await world.settle()
    assert len(world.sent) == 1
    calls_before = len(world.server.calls)

    restarted = await restart([RU, UA])

    assert "GetMessagesRequest" in world.server.calls[calls_before:]  # they were asked about
    assert len(restarted.sent) == 1 and restarted.sent[0].edits == 0
    assert restarted.pipeline.stats.edits == restarted.pipeline.stats.deletions == 0
    for channel, post in zip((RU, UA), posts):
        stored = await restarted.reading.post_by_key(channel.id, post.id)
        assert stored.deleted_at is None and await restarted.reading.version_count(stored.post_id) == 1


async def test_a_flood_wait_and_a_dropped_connection_during_the_recheck_delay_it_but_each_change_arrives_once(
        world, restart):
    world.published_quietly(RU, NOISE, minutes_ago=60)
    await world.start([RU])
    await world.settle()
    for n in range(150):
        world.published_quietly(RU, f"Quiet post {n}", minutes_ago=40)
    world.reader.request_catch_up("sweep")
    await world.settle()
    assert await world.reading.count_posts() == 150 and world.sent == []

    first, second = 20, 140  # one in each batch of 100 ids
    world.server.edit(RU.id, first, f"Quiet post {first - 2}. " + PLACED, ago(10))
    world.server.edit(RU.id, second, f"Quiet post {second - 2}. " + WITHDRAWAL, ago(9))
    world.server.inject("GetMessagesRequest", None, errors.FloodWaitError(request=None, capture=300),
                        ConnectionError("connection reset"))
    restarted = await restart([RU])

    assert 300 in restarted.sleeps.calls
    assert restarted.reader.stats.retries == 2
    assert [open_post_link(s) for s in restarted.sent] == [
        f"https://t.me/{RU.username}/{first}", f"https://t.me/{RU.username}/{second}"]
    assert restarted.pipeline.stats.edits == 2
    await restarted.assert_sent_is_the_stored_html()


async def test_after_a_reconnect_an_edit_made_while_disconnected_updates_the_alert_but_a_sweep_does_not_ask(world):
    await world.start([RU])
    post = await world.publish(RU, PLACE_ONLY, minutes_ago=30)
    await world.settle()
    world.server.edit(RU.id, post.id, WITHDRAWN, ago(5))

    world.reader.request_catch_up("sweep")
    await world.settle()
    assert "GetMessagesRequest" not in world.server.calls
    assert world.sent[0].edits == 0

    await world.user.auto_reconnected()
    await world.settle()
    assert len(world.sent) == 1 and world.sent[0].edits == 1
    assert "WITHDRAWAL" in world.sent[0].text.upper()


async def test_a_reconnect_that_folds_into_a_sweep_already_queued_still_asks_again(world):
    await world.start([RU])
    post = await world.publish(RU, PLACE_ONLY, minutes_ago=30)
    await world.settle()
    world.server.edit(RU.id, post.id, WITHDRAWN, ago(5))

    world.reader.request_catch_up("sweep")
    world.reader.request_catch_up("reconnected")
    await world.settle()

    assert world.reader.stats.catch_ups == 2  # the start's, and one for both requests
    assert len(world.sent) == 1 and world.sent[0].edits == 1
    assert "WITHDRAWAL" in world.sent[0].text.upper()


async def test_posts_older_than_the_window_are_not_asked_about_again(world, restart):
    await world.start([RU])
    old = await world.publish(RU, VAGUE, minutes_ago=13 * 60)
    await world.settle()
    world.server.edit(RU.id, old.id, PLACED, ago(10))

    restarted = await restart([RU])

    assert restarted.sent == []
    assert (await restarted.reading.post_by_key(RU.id, old.id)).post.text == VAGUE


async def test_a_window_of_zero_hours_turns_the_recheck_off(world, restart):
    await world.start([RU])
    post = await world.publish(RU, VAGUE, minutes_ago=20)
    await world.settle()
    world.server.edit(RU.id, post.id, PLACED, ago(10))

    restarted = await restart([RU], recheck_hours=0)

    assert restarted.sent == []
    assert "GetMessagesRequest" not in world.server.calls


async def test_a_channel_that_cannot_be_read_during_the_recheck_does_not_stop_the_others(world, restart):
    await world.start([RU, UA])
    ru = await world.publish(RU, VAGUE, minutes_ago=20)
    ua = await world.publish(UA, VAGUE, minutes_ago=20)
    await world.settle()
    world.server.edit(RU.id, ru.id, PLACED, ago(10))
    world.server.edit(UA.id, ua.id, PLACED, ago(10))
    world.server.inject("GetMessagesRequest", errors.ChannelPrivateError(request=None))

    restarted = await restart([RU, UA])

    assert [open_post_link(s) for s in restarted.sent] == [f"https://t.me/{UA.username}/{ua.id}"]


@pytest.mark.parametrize("value", ["twelve", "-1", "nan"])
def test_a_bad_recheck_window_names_its_key(tmp_path, value):
    (tmp_path / "config").mkdir()
    env = tmp_path / ".env"
    env.write_text(f"FRONTWATCH_RECHECK_HOURS={value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"FRONTWATCH_RECHECK_HOURS: expected .*hours"):
        load_settings(tmp_path / "config", env_file=env)


def test_the_recheck_window_defaults_to_twelve_hours_and_zero_is_allowed(tmp_path, monkeypatch):
    monkeypatch.delenv("FRONTWATCH_RECHECK_HOURS", raising=False)
    (tmp_path / "config").mkdir()
    env = tmp_path / ".env"
    env.write_text("", encoding="utf-8")
    assert load_settings(tmp_path / "config", env_file=env).telegram.recheck_hours == 12.0
    env.write_text("FRONTWATCH_RECHECK_HOURS=0\n", encoding="utf-8")
    assert load_settings(tmp_path / "config", env_file=env).telegram.recheck_hours == 0.0
