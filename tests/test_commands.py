"""Bot commands as the team uses them: each answer, and each wrong or missing argument.

Every reply is parsed back with Telethon's own HTML parser, so a broken tag or an
unescaped `<` in a post would fail here as it would fail in Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from telethon.extensions import html as tl_html
from telethon.tl.types import MessageEntityTextUrl

from bot.channels import Channel, parse_channel_ref
from bot.commands import COMMAND_LIST, SPECS, Commands, Reply
from bot.pipeline import Pipeline
from bot.render import TELEGRAM_LIMIT, utf16_len
from bot.settings import AccessSettings, AlertSettings, Settings, TelegramSettings
from bot.store import Store

from conftest import MEDIA, ROOT, RU_BLOG, UA_OFFICIAL, at, entity_text, make_post

TEAM = -1001500000001
ADMIN, MEMBER, GROUP_ADMIN, FRIEND, STRANGER = 11, 22, 33, 44, 55
STARTED = at(6)

IZIUM_RU = "ВСУ отступили из Изюма, бои идут на окраинах города."
IZIUM_UA = "Сили оборони відступили з Ізюма на вигідніші позиції."
IZIUM_EN = "Heavy fighting continues near Izyum, officials say."
RAISINS = "Булочки с изюмом к чаю: рецепт дня."
KUPIANSK = "Обстановка под Купянском напряжённая, противник подтягивает резервы."
NEW_CHANNEL = Channel(username="new_chan", id=1000000009, name="Новый канал", side="other", kind="media")


def make_settings(tmp_path: Path) -> Settings:
    return Settings(config_dir=ROOT / "config", db_path=tmp_path / "fw.sqlite",
                    access=AccessSettings(admins=(ADMIN,), allowed_users=(FRIEND,)),
                    telegram=TelegramSettings(team_chat_ids=(TEAM,)))


class FakeDirectory:
    """Telegram's channel look-up, without Telegram: knows @new_chan and nothing else."""

    def __init__(self) -> None:
        self.known = {"new_chan": NEW_CHANNEL}
        self.refreshed = 0

    async def resolve(self, ref: str) -> Channel | None:
        username, _ = parse_channel_ref(ref)
        return self.known.get((username or "").lower())

    async def refresh(self) -> None:
        self.refreshed += 1


async def is_group_admin(chat_id: int, user_id: int) -> bool:
    return chat_id == TEAM and user_id == GROUP_ADMIN


@dataclass
class Kit:
    store: Store
    commands: Commands
    directory: FakeDirectory
    pipeline: Pipeline
    now: dict = field(default_factory=dict)

    async def ask(self, text: str, *, user: int = MEMBER, chat: int = TEAM) -> list[Reply]:
        replies = await self.commands.handle(chat, user, text)
        for reply in replies:
            assert utf16_len(reply.html) <= TELEGRAM_LIMIT
            tl_html.parse(reply.html)
        return replies

    async def say(self, text: str, **kw) -> str:
        """The plain text the user reads."""
        return "\n".join(tl_html.parse(r.html)[0] for r in await self.ask(text, **kw))

    async def post(self, channel: Channel, message_id: int, text: str, when) -> None:
        self.now["t"] = when
        await self.pipeline.handle_post(make_post(channel, message_id, text, when))
        self.now["t"] = at(12)

    async def snapshot(self) -> tuple:
        """Everything a command could change."""
        return (await self.store.execute("SELECT key, value FROM settings ORDER BY key"),
                await self.store.execute("SELECT id, username, title, side, kind, followed FROM channels ORDER BY id"),
                self.directory.refreshed)


def make_commands(store: Store, detector, settings: Settings, directory: FakeDirectory, now: dict) -> Commands:
    return Commands(store, detector, settings, is_group_admin=is_group_admin, directory=directory,
                    started_at=STARTED, bot_username="frontwatch_bot", clock=lambda: now["t"])


@pytest.fixture
async def kit(store, channels, detector, tmp_path) -> Kit:
    now = {"t": at(12)}
    directory = FakeDirectory()
    commands = make_commands(store, detector, make_settings(tmp_path), directory, now)
    pipeline = Pipeline(store, detector, AlertSettings(), clock=lambda: now["t"])
    return Kit(store, commands, directory, pipeline, now)


@pytest.fixture
async def stocked(kit) -> Kit:
    """Five stored posts: Izium in three languages, raisins, Kupiansk."""
    await kit.post(RU_BLOG, 1, IZIUM_RU, at(9))
    await kit.post(UA_OFFICIAL, 1, IZIUM_UA, at(9, 30))
    await kit.post(MEDIA, 1, IZIUM_EN, at(10))
    await kit.post(RU_BLOG, 2, RAISINS, at(10, 30))
    await kit.post(RU_BLOG, 3, KUPIANSK, at(11))
    return kit


def links(reply: Reply) -> list[str]:
    return [e.url for e in tl_html.parse(reply.html)[1] if isinstance(e, MessageEntityTextUrl)]


def bold(reply: Reply) -> list[str]:
    text, entities = tl_html.parse(reply.html)
    return [entity_text(text, e) for e in entities if type(e).__name__ == "MessageEntityBold"]


# -- the command list ------------------------------------------------------------------


def test_the_command_list_for_telegram_names_every_command_with_a_short_description():
    names = [name for name, _ in COMMAND_LIST]
    assert names == ["help", "status", "channels", "follow", "unfollow", "places", "track", "untrack", "search",
                     "latest", "digest", "mute", "unmute", "explain", "alerts", "web"]
    assert all(name.islower() and len(name) <= 32 and 3 <= len(about) <= 256 for name, about in COMMAND_LIST)


async def test_help_lists_every_command_with_its_usage_and_marks_the_admin_ones(kit):
    text = await kit.say("/help")
    for spec in SPECS:
        assert spec.usage in text
    assert "/follow @channel [side] [kind] — follow a channel 🔒" in text
    assert "/search QUERY — search stored posts, any word form" in text


async def test_help_for_one_command_explains_it_and_an_unknown_one_gets_the_usage(kit):
    assert "Usage: /mute PLACE|@channel DURATION" in await kit.say("/help mute")
    assert "no command nosuch" in await kit.say("/help nosuch")


async def test_start_is_answered_like_help_and_an_unknown_command_points_to_help(kit):
    assert "/explain LINK" in await kit.say("/start")
    assert await kit.say("/frobnicate") == "Unknown command /frobnicate. /help lists what I can do."


async def test_a_command_addressed_to_this_bot_is_answered_and_one_for_another_bot_is_ignored(kit):
    assert "/status" in await kit.say("/help@frontwatch_bot")
    assert await kit.ask("/help@other_bot") == []


@pytest.mark.parametrize("text", ["/status now", "/channels all"])
async def test_a_command_that_takes_no_arguments_answers_its_usage_when_given_some(kit, text):
    name = text.split()[0]
    assert (await kit.say(text)).startswith(f"⚠️ {name} takes no arguments.\nUsage: {name} — ")


async def test_a_long_list_of_mutes_in_a_usage_answer_is_paged(kit):
    async with kit.store.transaction():
        await kit.store.set_setting("mutes", {f"place:{p.id}": at(20).isoformat()
                                              for p in kit.commands.detector.places()})
    replies = await kit.ask("/mute", user=ADMIN)
    text = "\n".join(tl_html.parse(r.html)[0] for r in replies)
    assert len(replies) > 1 and text.count("until 20 Nov 22:00 Kyiv") == len(kit.commands.detector.places())


async def test_ordinary_messages_are_not_answered(kit):
    assert await kit.ask("hello team") == []
    assert await kit.ask("") == []


# -- status and channels ---------------------------------------------------------------


async def test_status_shows_uptime_channels_last_post_per_channel_catch_up_lag_and_pending_outbox(stocked):
    [reply] = await stocked.ask("/status")
    text = tl_html.parse(reply.html)[0]
    assert "Up 6 h (since 20 Nov 08:00 Kyiv)" in text
    assert "Channels followed: 3 (🇷🇺 RU 1, 🇺🇦 UA 1, 🌐 1)" in text
    assert "Posts stored: 5" in text
    assert "Catch-up lag:" in text and "worst of the last 5" in text
    pending = (await stocked.store.alert_counts()).get("pending", 0)
    assert pending > 0 and f"Outbox: {pending} pending" in text
    assert "Русский блог (🇷🇺 RU): 20 Nov 13:00 Kyiv, 1 h ago, stored after " in text
    assert "https://t.me/ru_blog/3" in links(reply)


async def test_status_of_an_empty_store_says_so(kit):
    async with kit.store.transaction():
        for ch in (RU_BLOG, UA_OFFICIAL, MEDIA):
            await kit.store.set_followed(ch.id, False)
    text = await kit.say("/status")
    assert "Catch-up lag: no post stored yet" in text and "no channel followed" in text


async def test_channels_lists_followed_channels_by_side_with_links(kit):
    [reply] = await kit.ask("/channels")
    text = tl_html.parse(reply.html)[0]
    assert text.splitlines()[0] == "📣 Followed channels (3)"
    assert "Русский блог @ru_blog · milblogger" in text and "Штаб @ua_staff · official" in text
    assert text.index("🇷🇺 RU") < text.index("Русский блог") < text.index("🇺🇦 UA") < text.index("Штаб")
    assert set(links(reply)) == {"https://t.me/ru_blog", "https://t.me/ua_staff", "https://t.me/wire"}


async def test_a_long_channel_list_is_split_into_pages_that_each_fit_a_message(kit):
    async with kit.store.transaction():
        for i in range(400):
            await kit.store.upsert_channel(Channel(username=f"channel_number_{i}", id=2000000000 + i,
                                                   name=f"Очень длинное название канала {i}", side="ru",
                                                   kind="milblogger"))
    replies = await kit.ask("/channels")
    assert len(replies) > 1
    text = "\n".join(tl_html.parse(r.html)[0] for r in replies)
    assert all(f"@channel_number_{i} " in text for i in range(400))
    assert tl_html.parse(replies[-1].html)[0].endswith(f"({len(replies)}/{len(replies)})")


# -- follow / unfollow -----------------------------------------------------------------


async def test_follow_looks_the_channel_up_stores_it_with_side_and_kind_and_tells_the_reader(kit):
    text = await kit.say("/follow @new_chan ua official", user=ADMIN)
    assert text == "✅ Now following Новый канал @new_chan — 🇺🇦 UA official. 4 channels followed."
    stored = await kit.store.channel(NEW_CHANNEL.id)
    assert (stored.side, stored.kind) == ("ua", "official")
    assert kit.directory.refreshed == 1


async def test_follow_accepts_a_link_and_kind_before_side(kit):
    await kit.say("/follow https://t.me/new_chan milblogger ru", user=ADMIN)
    stored = await kit.store.channel(NEW_CHANNEL.id)
    assert (stored.side, stored.kind) == ("ru", "milblogger")


async def test_follow_of_a_followed_channel_changes_only_what_is_given(kit):
    assert await kit.say("/follow @wire", user=ADMIN) == "Already following Wire @wire (🌐 media)."
    await kit.say("/follow @wire official", user=ADMIN)
    assert (await kit.store.channel(MEDIA.id)).kind == "official"


async def test_follow_and_track_persist_across_a_restart(tmp_path, detector):
    path = tmp_path / "restart.sqlite"
    settings, now = make_settings(tmp_path), {"t": at(12)}
    store = await Store.open(path)
    try:
        commands = make_commands(store, detector, settings, FakeDirectory(), now)
        await commands.handle(TEAM, ADMIN, "/follow @new_chan ru")
        await commands.handle(TEAM, ADMIN, "/untrack Изюм")
        await commands.handle(TEAM, ADMIN, "/mute Купянск 6h")
    finally:
        await store.close()
    store = await Store.open(path)
    try:
        commands = make_commands(store, detector, settings, FakeDirectory(), now)
        channels = tl_html.parse((await commands.handle(TEAM, MEMBER, "/channels"))[0].html)[0]
        places = "\n".join(tl_html.parse(r.html)[0] for r in await commands.handle(TEAM, MEMBER, "/places"))
        assert "Новый канал @new_chan" in channels
        assert "▫️ izium — Izium" in places and "✅ kupiansk — Kupiansk" in places
        assert "🔇 until 20 Nov 20:00 Kyiv" in places
    finally:
        await store.close()


@pytest.mark.parametrize("text, problem", [
    ("/follow", "Name one channel."),
    ("/follow @new_chan sideways", "«sideways» is not one side and one kind."),
    ("/follow @new_chan ru ua", "«ru ua» is not one side and one kind."),
    ("/follow @new_chan ru official extra", "Name one channel."),
    ("/follow @bad-name", "«@bad-name» is not a channel username, link or id."),
])
async def test_follow_with_wrong_arguments_answers_the_usage_and_changes_nothing(kit, text, problem):
    before = await kit.snapshot()
    said = await kit.say(text, user=ADMIN)
    assert said.startswith(f"⚠️ {problem}\nUsage: /follow @channel [side] [kind]")
    assert said.endswith("Nothing was changed.")
    assert await kit.snapshot() == before


async def test_follow_of_a_channel_telegram_does_not_know_names_the_closest_known(kit):
    before = await kit.snapshot()
    text = await kit.say("/follow @ru_blogg", user=ADMIN)
    assert "Telegram knows no public channel «@ru_blogg»" in text and "Closest I know: Русский блог @ru_blog" in text
    assert await kit.snapshot() == before


async def test_unfollow_stops_following_keeps_the_posts_and_tells_the_reader(stocked):
    text = await stocked.say("/unfollow @ru_blog", user=ADMIN)
    assert text.startswith("✅ Stopped following Русский блог @ru_blog") and text.endswith("2 channels followed.")
    assert RU_BLOG.id not in {ch.id for ch in await stocked.store.channels(followed_only=True)}
    assert stocked.directory.refreshed == 1
    assert "Изюма" in await stocked.say("/search отступили")
    assert "is not followed" in await stocked.say("/unfollow Русский блог", user=ADMIN)


async def test_unfollow_by_display_name_works_and_an_unknown_channel_names_the_closest(kit):
    assert "Stopped following Штаб" in await kit.say("/unfollow Штаб", user=ADMIN)
    before = await kit.snapshot()
    text = await kit.say("/unfollow @wirre", user=ADMIN)
    assert "I don't know a channel «@wirre». Closest known: Wire @wire." in text
    assert "Usage: /unfollow @channel" in await kit.say("/unfollow", user=ADMIN)
    assert await kit.snapshot() == before


# -- places, track, untrack ------------------------------------------------------------


async def test_places_lists_every_place_in_three_languages_with_what_is_tracked(kit, detector):
    replies = await kit.ask("/places")
    text = "\n".join(tl_html.parse(r.html)[0] for r in replies)
    assert f"📍 Places — {len(detector.places())} known, all tracked" in text
    assert "✅ izium — Izium · Ізюм · Изюм" in text
    assert "✅ kupiansk — Kupiansk · Куп'янськ · Купянск" in text


async def test_track_and_untrack_take_an_id_or_any_name_in_any_form(kit, detector):
    total = len(detector.places())
    assert await kit.say("/untrack Ізюмі", user=ADMIN) == (
        "✅ Stopped tracking Izium (izium): its posts are stored and searchable but not alerted. "
        f"{total - 1} of {total} places tracked.")
    assert await kit.say("/untrack izium", user=ADMIN) == "Izium (izium) is not tracked. Nothing was changed."
    assert await kit.say("/track Izyum", user=ADMIN) == f"✅ Now tracking Izium (izium). {total} of {total} places tracked."
    assert await kit.say("/track Изюм", user=ADMIN) == "Izium (izium) is tracked already. Nothing was changed."
    assert "izium" in await kit.store.get_setting("tracked_places")


async def test_track_takes_any_settlement_by_name_in_any_language_narrowed_by_its_raion(kit, detector):
    total = len(detector.places())
    await kit.say("/untrack Ізюм", user=ADMIN)
    assert await kit.say("/track Очеретино Покровский", user=ADMIN) == (
        f"✅ Now tracking Ocheretyne (UA14160190010012632). {total - 1} of {total} places and 1 other settlement "
        "tracked.")
    assert await kit.say("/track Klishchiivka", user=ADMIN) == (
        f"✅ Now tracking Klishchiivka (UA14020010120064151). {total - 1} of {total} places and 2 other settlements "
        "tracked.")
    assert "UA14160190010012632" in await kit.store.get_setting("tracked_places")


async def test_track_of_a_name_several_settlements_share_lists_them_by_oblast_and_raion_to_pick_from(kit):
    await kit.say("/untrack Ізюм", user=ADMIN)
    before = await kit.store.get_setting("tracked_places")
    replies = await kit.ask("/track Очеретине", user=ADMIN)
    text = "\n".join(tl_html.parse(r.html)[0] for r in replies)
    assert text.startswith("📍 «Очеретине» is 2 settlements. Pick one: /track with its id, or add its raion")
    assert "• UA14120170330088067 — Очеретине, Олександрівська громада, Краматорський район, Донецька область" in text
    assert "• UA14160190010012632 — Очеретине, Очеретинська громада, Покровський район, Донецька область" in text
    assert await kit.store.get_setting("tracked_places") == before
    many = await kit.ask("/track Іванівка", user=ADMIN)
    assert len(many) > 1 and all(utf16_len(r.html) <= 4096 for r in many)


async def test_places_with_a_name_lists_the_settlements_of_that_name(kit):
    replies = await kit.ask("/places Ocheretyne")
    text = "\n".join(tl_html.parse(r.html)[0] for r in replies)
    assert text.startswith("📍 «Ocheretyne»: 2 settlements")
    assert "✅ UA14160190010012632 — Очеретине · Очеретино · Ocheretyne, Очеретинська громада, Покровський район" \
        in text


async def test_track_when_all_places_are_tracked_changes_nothing(kit):
    assert await kit.say("/track Купянск", user=ADMIN) == (
        "All places are tracked already, Kupiansk (kupiansk) among them. Nothing was changed.")
    assert await kit.store.get_setting("tracked_places") is None


async def test_an_untracked_place_is_no_longer_alerted_by_the_pipeline(kit):
    await kit.say("/untrack Купянск", user=ADMIN)
    before = sum((await kit.store.alert_counts()).values())
    await kit.post(RU_BLOG, 7, KUPIANSK, at(11))
    assert sum((await kit.store.alert_counts()).values()) == before


async def test_track_of_an_unknown_place_names_the_closest_and_missing_names_get_the_usage(kit):
    before = await kit.snapshot()
    text = await kit.say("/track Купянсл", user=ADMIN)
    assert text.startswith("❓ I don't know a place «Купянсл». Closest known: Kupiansk (kupiansk)")
    assert "Usage: /track PLACE" in await kit.say("/track", user=ADMIN)
    assert "Usage: /untrack PLACE" in await kit.say("/untrack", user=ADMIN)
    assert await kit.snapshot() == before


# -- search and latest -----------------------------------------------------------------


async def test_search_answers_newest_first_with_highlighted_snippet_channel_date_and_link(stocked):
    [reply] = await stocked.ask("/search Изюм")
    text = tl_html.parse(reply.html)[0]
    assert text.splitlines()[0] == "🔎 Изюм — place Izium · 3 found"
    assert links(reply) == ["https://t.me/wire/1", "https://t.me/ua_staff/1", "https://t.me/ru_blog/1"]
    assert "1. 20 Nov 12:00 Kyiv · Wire (🌐)" in text and "3. 20 Nov 11:00 Kyiv · Русский блог (🇷🇺 RU)" in text
    assert {"Izyum", "Ізюма", "Изюма"} <= set(bold(reply))
    assert "изюмом" not in text


async def test_search_with_nothing_to_find_answers_the_usage_and_no_match_says_so(stocked):
    assert "⚠️ What should I search for?\nUsage: /search QUERY" in await stocked.say("/search")
    assert "Nothing to search for in «…!?»" in await stocked.say("/search …!?")
    assert await stocked.say("/search танкодром") == "🔎 No stored post matches «танкодром» (танкодр…)."


async def test_search_text_from_a_post_is_escaped(kit):
    await kit.post(MEDIA, 9, "Бои у Изюма <b>не</b> & <script>", at(10))
    [reply] = await kit.ask("/search Изюм")
    assert "<b>не</b> & <script>" in tl_html.parse(reply.html)[0]


async def test_latest_lists_the_newest_flagged_posts_with_what_they_are_about(stocked):
    [reply] = await stocked.ask("/latest")
    text = tl_html.parse(reply.html)[0]
    assert text.splitlines()[0] == "📰 Latest 4 flagged posts, newest first"
    assert links(reply) == ["https://t.me/ru_blog/3", "https://t.me/wire/1", "https://t.me/ua_staff/1",
                            "https://t.me/ru_blog/1"]
    assert "WITHDRAWAL, Izium" in text and "изюмом" not in text


async def test_latest_for_a_place_and_a_count(stocked):
    [reply] = await stocked.ask("/latest Ізюм 2")
    assert tl_html.parse(reply.html)[0].splitlines()[0] == "📰 Latest 2 flagged posts on Izium (izium), newest first"
    assert links(reply) == ["https://t.me/wire/1", "https://t.me/ua_staff/1"]
    assert "No flagged post on Kyiv (kyiv) stored yet." in await stocked.say("/latest Киев")


@pytest.mark.parametrize("text, expected", [
    ("/latest Изюм 0", "⚠️ N must be between 1 and 30.\nUsage: /latest [PLACE] [N]"),
    ("/latest 500", "⚠️ N must be between 1 and 30."),
    ("/latest Изюмск", "❓ I don't know a place «Изюмск». Closest known: Izium (izium)"),
])
async def test_latest_with_a_bad_count_or_unknown_place_explains_itself(stocked, text, expected):
    assert (await stocked.say(text)).startswith(expected)


# -- digest ----------------------------------------------------------------------------


async def test_digest_answers_with_the_chart_and_the_morning_report_the_schedule_sends(stocked):
    stocked.now["t"] = at(7, day=21)  # after 08:00 Kyiv on the 21st
    replies = await stocked.ask("/digest")
    photo, *pages = replies
    assert photo.photo is not None and photo.photo.startswith(b"\x89PNG")
    assert tl_html.parse(photo.html)[0].startswith("🗞 Digest · 21 Nov 2026\n5 posts, 4 flagged")
    text = "\n".join(tl_html.parse(p.html)[0] for p in pages)
    assert text.startswith("🗞 Morning report · 21 Nov 2026")
    assert "• New this week: Izium 3, Kupiansk 1" in text
    assert "• Izium: 0 0 0 0 0 0 3" in text and "• Kupiansk: 0 0 0 0 0 0 1" in text
    assert "https://t.me/ru_blog/1" in [u for p in pages for u in links(p)]


async def test_digest_of_a_given_date_and_of_one_not_yet_due(stocked):
    stocked.now["t"] = at(7, day=22)
    photo, *pages = await stocked.ask("/digest 2026-11-21")
    assert "Morning report · 21 Nov 2026" in tl_html.parse(pages[0].html)[0]
    photo, *pages = await stocked.ask("/digest 22.11.2026")
    assert "0 posts, 0 flagged" in tl_html.parse(pages[0].html)[0]
    assert "is not due yet" in await stocked.say("/digest 2026-11-23")


@pytest.mark.parametrize("text, problem", [
    ("/digest yesterday", "«yesterday» is not a date like 2026-11-20."),
    ("/digest 2026-13-01", "«2026-13-01» is not a date like 2026-11-20."),
    ("/digest 2026-11-20 2026-11-21", "Give one date at most."),
])
async def test_digest_with_a_bad_date_answers_the_usage(kit, text, problem):
    assert (await kit.say(text)).startswith(f"⚠️ {problem}\nUsage: /digest [YYYY-MM-DD]")


# -- mute / unmute ---------------------------------------------------------------------


async def test_mute_a_place_stores_the_until_time_and_the_pipeline_holds_its_alerts(kit):
    text = await kit.say("/mute Купянск 6h", user=ADMIN)
    assert text.startswith("🔇 Kupiansk (kupiansk) muted for 6 h, until 20 Nov 20:00 Kyiv.")
    assert await kit.store.get_setting("mutes") == {"place:kupiansk": (at(12) + timedelta(hours=6)).isoformat()}
    before = sum((await kit.store.alert_counts()).values())
    await kit.post(RU_BLOG, 8, KUPIANSK, at(11, 50))
    assert sum((await kit.store.alert_counts()).values()) == before


async def test_mute_a_channel_by_username_and_unmute_it(kit):
    assert (await kit.say("/mute @ru_blog 1h30m", user=ADMIN)).startswith("🔇 @ru_blog muted for 1 h 30 min")
    assert await kit.store.get_setting("mutes") == {f"channel:{RU_BLOG.id}": (at(13, 30)).isoformat()}
    assert "Muted: @ru_blog until 20 Nov 15:30 Kyiv" in await kit.say("/status")
    assert await kit.say("/unmute @ru_blog", user=ADMIN) == "🔔 @ru_blog unmuted: alerts resume now."
    assert await kit.store.get_setting("mutes") == {}
    assert await kit.say("/unmute @ru_blog", user=ADMIN) == "@ru_blog is not muted.\nNothing is muted."


async def test_an_expired_mute_is_gone(kit):
    await kit.say("/mute Изюм 30m", user=ADMIN)
    kit.now["t"] = at(13)
    assert "is not muted" in await kit.say("/unmute Изюм", user=ADMIN)


@pytest.mark.parametrize("text, problem", [
    ("/mute", "Nothing is muted."),
    ("/mute Изюм", "Nothing is muted."),
    ("/mute Изюм soon", "«soon» is not a duration like 30m, 6h or 2d."),
    ("/mute Изюм 0h", "«0h» is not a duration like 30m, 6h or 2d."),
    ("/mute Изюм 100d", "A mute lasts 90 days at most."),
    ("/unmute", "Nothing is muted."),
])
async def test_mute_and_unmute_with_wrong_arguments_answer_the_usage_and_change_nothing(kit, text, problem):
    before = await kit.snapshot()
    said = await kit.say(text, user=ADMIN)
    assert said.startswith(f"⚠️ {problem}\nUsage: /{text.split()[0][1:]} ")
    assert await kit.snapshot() == before


async def test_unmute_lists_what_is_muted_when_the_target_is_not(kit):
    await kit.say("/mute Изюм 2d", user=ADMIN)
    assert await kit.say("/unmute Купянск", user=ADMIN) == (
        "Kupiansk (kupiansk) is not muted.\nMuted now:\n• Izium (izium) until 22 Nov 14:00 Kyiv")


async def test_mute_of_something_unknown_names_the_closest_places_and_channels(kit):
    before = await kit.snapshot()
    text = await kit.say("/mute Купянсл 2d", user=ADMIN)
    assert "«Купянсл» is neither a place nor a channel I know. Closest places: Kupiansk (kupiansk)" in text
    assert "I don't know a channel «@nobody_here»" in await kit.say("/mute @nobody_here 2d", user=ADMIN)
    assert await kit.snapshot() == before


# -- explain ---------------------------------------------------------------------------


async def test_explain_a_flagged_post_shows_the_stored_detection_the_matched_words_and_the_alert(stocked):
    replies = await stocked.ask("/explain https://t.me/ru_blog/1")
    text = "\n".join(tl_html.parse(r.html)[0] for r in replies)
    assert text.startswith("🔍 Why this post was flagged\nРусский блог @ru_blog (🇷🇺 RU milblogger) · 20 Nov 11:00 Kyiv")
    assert "Stored detection: topic withdrawal, place Izium (izium)" in text
    assert "• place Izium (izium): «Изюма»" in text
    assert "• topic withdrawal: «отступили»" in text
    assert "Alert #1: 🟣 a claim by both sides, waiting in the outbox" in text
    assert "https://t.me/ru_blog/1" in [u for r in replies for u in links(r)]


async def test_explain_a_post_that_was_not_flagged_names_the_word_that_only_looks_like_a_place(stocked):
    text = await stocked.say("/explain t.me/ru_blog/2?single")
    assert text.startswith("🔍 Why this post was not flagged")
    assert "Stored detection: nothing" in text
    assert "«изюмом» looks like Izium (izium) but is not the place in this context" in text
    assert "Alert: none — nothing matched." in text


async def test_explain_a_post_of_an_untracked_place_says_why_no_alert_was_sent(kit):
    await kit.say("/untrack Купянск", user=ADMIN)
    await kit.post(RU_BLOG, 5, KUPIANSK, at(11))
    text = await kit.say("/explain https://t.me/ru_blog/5")
    assert "Alert: none — its places are not tracked (Kupiansk (kupiansk))." in text


@pytest.mark.parametrize("text, expected", [
    ("/explain", "⚠️ Give the post's link.\nUsage: /explain LINK"),
    ("/explain https://example.com/x/1", "⚠️ «https://example.com/x/1» is not a link to a Telegram post."),
    ("/explain https://t.me/unknown_chan/5", "❓ I don't know a channel «unknown_chan»."),
    ("/explain https://t.me/ru_blog/999", "I have no post 999 of Русский блог @ru_blog stored"),
])
async def test_explain_of_a_bad_link_or_a_post_not_stored_says_so(stocked, text, expected):
    assert (await stocked.say(text)).startswith(expected)


# -- failures --------------------------------------------------------------------------


async def test_an_unexpected_error_in_one_command_answers_an_apology_and_is_logged(kit, monkeypatch, caplog):
    async def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(kit.store, "channel_activity", broken)
    text = await kit.say("/status")
    assert text == "⚠️ Sorry, /status failed unexpectedly. The error is logged for the maintainers."
    assert "disk on fire" in caplog.text and "command /status" in caplog.text
    assert "/help" in await kit.say("/help")


# -- claims ----------------------------------------------------------------------------

KUPIANSK_CLAIM = "ВСУ отступили из Купянска, наши заходят в город."
KUPIANSK_FORWARD_TEXT = KUPIANSK_CLAIM
KUPIANSK_DENIAL = "Жодного відходу з Куп'янська не було."


@pytest.fixture
async def claimed(store, channels, detector, tmp_path) -> Kit:
    from given_events import GivenEvents, event

    events = {
        KUPIANSK_CLAIM: (event(KUPIANSK_CLAIM, "withdrawal", "kupiansk", "ua", "asserted", "ВСУ", "отступили"),),
        KUPIANSK_DENIAL: (event(KUPIANSK_DENIAL, "withdrawal", "kupiansk", "ua", "denied", "Жодного", "відходу"),),
    }
    now = {"t": at(12)}
    given = GivenEvents(detector, events)
    commands = make_commands(store, given, make_settings(tmp_path), FakeDirectory(), now)
    kit = Kit(store, commands, FakeDirectory(), Pipeline(store, given, AlertSettings(), clock=lambda: now["t"]), now)
    await kit.post(RU_BLOG, 1, KUPIANSK_CLAIM, at(9))
    kit.now["t"] = at(9, 10)
    from bot.post import ForwardOrigin
    await kit.pipeline.handle_post(make_post(MEDIA, 7, KUPIANSK_CLAIM, at(9, 10),
                                             forward=ForwardOrigin(RU_BLOG.name, RU_BLOG.id, 1)))
    await kit.post(UA_OFFICIAL, 1, KUPIANSK_DENIAL, at(10))
    return kit


async def test_explain_names_the_claim_its_deciding_words_and_where_the_claim_stands(claimed):
    text = await claimed.say("/explain https://t.me/ru_blog/1")
    assert "• 🔴 RU milblogger: UA forces withdrew from Kupiansk: «ВСУ» (event), «отступили» (event)" in text
    assert ("Claim #1 «UA forces withdrew from Kupiansk»: one source, 1 independent channel(s) assert it, "
            "1 deny it — ⚠️ disputed; alert #1.") in text


async def test_explain_of_a_denial_shows_it_as_a_denial_and_of_a_forward_says_whose_word_it_counts_as(claimed):
    denial = await claimed.say("/explain https://t.me/ua_staff/1")
    assert "• ⚪ UA official denies: withdrawal from Kupiansk: «Жодного» (event), «відходу» (event)" in denial
    assert "🔴" not in denial
    forward = await claimed.say("/explain https://t.me/wire/7")
    assert "it counts for that one" in forward


async def test_explain_of_a_post_without_a_claim_says_it_makes_none(stocked):
    text = await stocked.say("/explain https://t.me/ru_blog/3")
    assert "• none: no report that forces left or took a place" in text


async def test_help_explains_every_mark_an_alert_can_carry(kit):
    text = await kit.say("/help")
    for mark in ("🟣", "🔴", "⚪", "🟠", "🟡", "⚠️"):
        assert any(line.startswith(mark + " ") for line in text.splitlines()), mark


async def test_an_admin_chooses_what_alerts_and_a_member_cannot(kit):
    assert "Alerts now: events_and_tracked" in await kit.say("/alerts", user=ADMIN)
    assert (await kit.say("/alerts events", user=MEMBER)).startswith("🔒 Only admins can use /alerts")
    assert "Alerts now: events (was events_and_tracked)" in await kit.say("/alerts events", user=ADMIN)
    assert await kit.store.get_setting("alert_on") == "events"
    assert "Choose one of events, events_and_tracked, everything." in await kit.say("/alerts all", user=ADMIN)
    assert await kit.store.get_setting("alert_on") == "events"


async def test_explain_says_a_mention_was_not_alerted_because_alerts_are_set_to_claims_only(kit):
    await kit.say("/alerts events", user=ADMIN)
    await kit.post(RU_BLOG, 8, KUPIANSK, at(11))
    text = await kit.say("/explain https://t.me/ru_blog/8")
    assert "alerts are set to events (/alerts) and the post makes no claim" in text


async def test_web_gives_an_admin_the_link_with_the_access_token_and_members_nothing(kit, tmp_path):
    from dataclasses import replace as _replace

    assert "FRONTWATCH_WEB_URL" in await kit.say("/web", user=ADMIN)
    kit.commands.settings = _replace(kit.commands.settings, web_url="https://fw.example.org",
                                     web_token="tok 0123&x")
    [reply] = await kit.ask("/web", user=ADMIN)
    assert links(reply) == ["https://fw.example.org/?token=tok+0123%26x"]
    refused = await kit.say("/web", user=MEMBER)
    assert refused == "🔒 Only admins can use /web." and "tok" not in refused


async def test_search_and_latest_show_a_forward_once_with_where_else_it_appeared(kit):
    from conftest import make_post as _make_post
    from bot.post import ForwardOrigin

    await kit.post(RU_BLOG, 7, KUPIANSK, at(11))
    kit.now["t"] = at(11, 5)
    await kit.pipeline.handle_post(_make_post(UA_OFFICIAL, 8, KUPIANSK, at(11, 5),
                                              forward=ForwardOrigin(RU_BLOG.name, RU_BLOG.id, 7)))
    for command in ("/search Kupiansk", "/latest"):
        [reply] = await kit.ask(command)
        assert links(reply).count("https://t.me/ru_blog/7") == 1, command
        assert "https://t.me/ua_staff/8" in links(reply)
        assert "↪ also in: Штаб" in tl_html.parse(reply.html)[0]
