"""Who is answered and who may change things: the team chat, allow-listed users in private,
admins for changes — and nothing at all, changed or shown, for anyone else."""

from __future__ import annotations

import logging

import pytest
from telethon.extensions import html as tl_html

from bot.commands import SPECS

from test_commands import ADMIN, FRIEND, GROUP_ADMIN, MEMBER, STRANGER, TEAM, kit, stocked  # noqa: F401

EXAMPLES = {
    "help": "/help", "status": "/status", "channels": "/channels", "follow": "/follow @new_chan ua",
    "unfollow": "/unfollow @ru_blog", "places": "/places", "track": "/track Изюм", "untrack": "/untrack Изюм",
    "search": "/search Изюм", "latest": "/latest", "digest": "/digest", "mute": "/mute Изюм 6h",
    "unmute": "/unmute Изюм", "explain": "/explain https://t.me/ru_blog/1", "web": "/web",
    "alerts": "/alerts events",
}
CHANGING = [s.name for s in SPECS if s.changes]


def test_every_command_has_an_example_here():
    assert set(EXAMPLES) == {s.name for s in SPECS}
    assert CHANGING == ["follow", "unfollow", "track", "untrack", "mute", "unmute", "alerts"]


@pytest.mark.parametrize("name", list(EXAMPLES))
async def test_a_user_outside_the_allow_list_gets_no_answer_and_changes_nothing(stocked, name):
    before = await stocked.snapshot()
    assert await stocked.ask(EXAMPLES[name], user=STRANGER, chat=STRANGER) == []
    assert await stocked.ask(EXAMPLES[name], user=STRANGER, chat=-1009999999999) == []
    assert await stocked.snapshot() == before


async def test_an_allow_listed_user_is_answered_in_private_but_not_in_another_group(stocked):
    assert "Izyum" in await stocked.say("/search Изюм", user=FRIEND, chat=FRIEND)
    assert await stocked.ask("/search Изюм", user=FRIEND, chat=-1009999999999) == []


async def test_the_team_chat_is_recognised_in_either_form_of_its_id(stocked):
    short_form = int(str(TEAM).replace("-100", "-", 1))
    assert await stocked.ask("/help", user=STRANGER, chat=short_form) != []


async def test_a_refusal_is_logged_once_per_user(stocked, caplog):
    with caplog.at_level(logging.WARNING, logger="bot.commands"):
        for text in ("/status", "/search Изюм", "/follow @new_chan"):
            await stocked.ask(text, user=STRANGER, chat=STRANGER)
        await stocked.ask("/status", user=STRANGER + 1, chat=STRANGER + 1)
    refusals = [r.getMessage() for r in caplog.records if "not allowed" in r.getMessage()]
    assert len(refusals) == 2 and f"user {STRANGER} " in refusals[0] and f"user {STRANGER + 1} " in refusals[1]


@pytest.mark.parametrize("name", CHANGING)
async def test_a_member_who_is_not_an_admin_is_refused_a_changing_command_and_nothing_changes(stocked, name):
    await stocked.ask("/mute Изюм 6h", user=ADMIN)  # so that /unmute would have something to change
    before = await stocked.snapshot()
    [reply] = await stocked.ask(EXAMPLES[name], user=MEMBER)
    assert tl_html.parse(reply.html)[0] == f"🔒 Only admins can use /{name}. Nothing was changed."
    assert await stocked.snapshot() == before
    [reply] = await stocked.ask(EXAMPLES[name], user=FRIEND, chat=FRIEND)
    assert "Only admins" in reply.html
    assert await stocked.snapshot() == before


async def test_a_non_admin_refusal_is_logged_once(stocked, caplog):
    with caplog.at_level(logging.WARNING, logger="bot.commands"):
        await stocked.ask("/track Изюм", user=MEMBER)
        await stocked.ask("/untrack Изюм", user=MEMBER)
    assert len([r for r in caplog.records if "not an admin" in r.getMessage()]) == 1


@pytest.mark.parametrize("user", [ADMIN, GROUP_ADMIN])
async def test_a_configured_admin_or_an_admin_of_the_team_group_may_change_things(stocked, user):
    assert (await stocked.say("/untrack Изюм", user=user)).startswith("✅ Stopped tracking Izium")
    assert "izium" not in await stocked.store.get_setting("tracked_places")


async def test_an_admin_of_the_team_group_may_change_things_from_a_private_chat_when_allow_listed(stocked):
    # GROUP_ADMIN is not allow-listed, so a private chat is not answered at all
    assert await stocked.ask("/untrack Изюм", user=GROUP_ADMIN, chat=GROUP_ADMIN) == []
    assert (await stocked.say("/untrack Изюм", user=ADMIN, chat=ADMIN)).startswith("✅")


async def test_a_failing_admin_lookup_counts_as_not_admin(stocked, caplog):
    async def offline(chat_id, user_id):
        raise ConnectionError("Telegram unreachable")

    stocked.commands.is_group_admin = offline
    assert "Only admins" in await stocked.say("/track Изюм", user=GROUP_ADMIN)
    assert "could not ask Telegram" in caplog.text
