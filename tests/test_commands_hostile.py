"""Whatever a team member types after a command, the answer is one valid Telegram message
(or several), each within 4,096 UTF-16 units, and a wrong argument gets the usage line."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from telethon.extensions import html as tl_html

from bot.commands import SPECS, Commands
from bot.pipeline import Pipeline
from bot.render import TELEGRAM_LIMIT, utf16_len
from bot.settings import AlertSettings
from bot.store import Store

from conftest import MEDIA, RU_BLOG, UA_OFFICIAL, at, make_post
from test_commands import ADMIN, TEAM, FakeDirectory, make_commands, make_settings, kit  # noqa: F401

LONG = "Купянск" * 600  # 4,200 characters


def assert_fits(replies) -> str:
    assert replies, "no answer"
    texts = []
    for reply in replies:
        assert utf16_len(reply.html) <= TELEGRAM_LIMIT
        texts.append(tl_html.parse(reply.html)[0])
    text = "\n".join(texts)
    assert "failed unexpectedly" not in text
    return text


@pytest.mark.parametrize("command", ["/search", "/track", "/untrack", "/follow", "/unfollow", "/mute",
                                     "/unmute", "/latest", "/explain", "/help", "/digest"])
@pytest.mark.parametrize("argument", [LONG, "@" + "a" * 4000, "x" * 4000 + " 6h", "<b>&amp;" * 700])
async def test_a_4000_character_argument_gets_an_answer_that_fits_one_message(kit, command, argument):  # noqa: F811
    assert_fits(await kit.ask(f"{command} {argument}", user=ADMIN))


@pytest.mark.parametrize("text, expected", [
    ("/latest ²", "Usage: /latest"),
    ("/latest Изюм ³", "Usage: /latest"),
    ("/latest " + "9" * 5000, "Usage: /latest"),
    ("/digest 0001-01-01", "Usage: /digest"),
    ("/digest 9999-12-31", "Usage: /digest"),
    ("/digest 01.01.0001", "Usage: /digest"),
    ("/explain https://t.me/ru_blog/99999999999999999999999", "Usage: /explain"),
    ("/explain https://t.me/c/1000000001/9223372036854775808", "Usage: /explain"),
    ("/explain https://t.me/c/99999999999999999999999/1", "Usage: /explain"),
])
async def test_an_out_of_range_number_or_date_answers_the_usage_line(kit, text, expected):  # noqa: F811
    assert expected in assert_fits(await kit.ask(text, user=ADMIN))


@pytest.fixture(scope="module")
def bot(detector, tmp_path_factory):
    """One stocked store for every generated example; the loop lives as long as the module."""
    runner = asyncio.Runner()
    now = {"t": at(12)}

    async def setup():
        store = await Store.open(tmp_path_factory.mktemp("fuzz") / "fw.sqlite")
        async with store.transaction():
            for ch in (RU_BLOG, UA_OFFICIAL, MEDIA):
                await store.upsert_channel(ch, followed=True)
        pipeline = Pipeline(store, detector, AlertSettings(), clock=lambda: now["t"])
        for n, text in enumerate(["ВСУ отступили из Изюма.", "Бои у Купянска <b>&", "Сводка: " + "Бахмут " * 500]):
            await pipeline.handle_post(make_post(RU_BLOG, n + 1, text, at(9 + n)))
        commands = make_commands(store, detector, make_settings(tmp_path_factory.mktemp("cfg")), FakeDirectory(),
                                 now)
        return store, commands

    store, commands = runner.run(setup())
    yield runner, commands
    runner.run(store.close())
    runner.close()


characters = st.characters(blacklist_categories=("Cs",))
hostile = st.one_of(
    st.text(characters, max_size=60),
    st.builds(lambda c, n: c * n, st.text(characters, min_size=1, max_size=3), st.integers(1300, 2100)),
    st.sampled_from(["²", "0001-01-01", "9999-12-31", "-0", "0", "-1", "31", "99999999999", "9" * 5000,
                     "https://t.me/c/0/0", "https://t.me/c/1/" + "9" * 40, "t.me/" + "a" * 3000 + "/1",
                     "@", "@@", "ru media milblogger", "1m" * 3000, "0m", "90d1m", "<i>", "&lt;", "\u202e",
                     "\u0000", "🇺🇦" * 1500]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=st.sampled_from(SPECS), words=st.lists(hostile, max_size=3))
def test_every_command_with_hostile_arguments_answers_valid_html_that_fits(bot, spec, words):
    runner, commands = bot
    replies = runner.run(commands.handle(TEAM, ADMIN, f"/{spec.name} {' '.join(words)}"))
    assert_fits(replies)
