"""The digest of a fixture day whose counts are known, built through the real pipeline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from telethon.extensions import html as tl_html
from telethon.tl.types import MessageEntityTextUrl

from bot.digest import (MAX_LISTED, build_digest, caption, chart_png, digest_for, digest_window, render_digest)
from bot.pipeline import Pipeline
from bot.render import CAPTION_LIMIT, TELEGRAM_LIMIT, utf16_len
from bot.settings import AlertSettings, Settings

from conftest import MEDIA, ROOT, RU_BLOG, UA_OFFICIAL, at, make_post
from given_events import GivenEvents, event

pytestmark = pytest.mark.both_backends

END = at(6, day=21)  # 08:00 in Kyiv on 21 Nov: the digest covers 20 Nov 08:00 → 21 Nov 08:00
TZ = "Europe/Kyiv"

DAY = [  # (channel, message id, text, when)
    (RU_BLOG, 4, "Бои под Купянском продолжаются.", at(6, day=20)),  # exactly at the start: counted
    (RU_BLOG, 1, "ВСУ отступили из Изюма, бои идут на окраинах.", at(7, day=20)),
    (UA_OFFICIAL, 1, "Сили оборони відступили з Ізюма на вигідніші позиції.", at(8, day=20)),
    (MEDIA, 1, "Heavy fighting continues near Izyum, officials say.", at(9, day=20)),
    (RU_BLOG, 2, "Обстановка под Купянском напряжённая.", at(10, day=20)),
    (RU_BLOG, 3, "Погода в Москве: дожди до выходных.", at(11, day=20)),
    (MEDIA, 2, "Курс рубля снова упал на торгах.", at(12, day=20)),
    (RU_BLOG, 5, "Изюм снова под обстрелом.", at(6, day=21)),  # exactly at the end: the next digest's
]
DAY_BEFORE = [
    (RU_BLOG, 10, "Бои за Купянск не утихают.", at(10, day=19)),
    (UA_OFFICIAL, 10, "Ворог знову обстрілює Куп'янськ.", at(11, day=19)),
    (MEDIA, 10, "Kupiansk is under fire again.", at(12, day=19)),
    (RU_BLOG, 11, "Под Изюмом спокойно.", at(5, 59, day=20)),
]


RU_IZIUM, UA_IZIUM = DAY[1][2], DAY[2][2]
EVENTS = {
    RU_IZIUM: (event(RU_IZIUM, "withdrawal", "izium", "ua", "asserted", "ВСУ", "отступили"),),
    UA_IZIUM: (event(UA_IZIUM, "withdrawal", "izium", "ua", "asserted", "Сили оборони", "відступили"),),
}


async def play(store, detector, posts) -> Pipeline:
    now = {"t": posts[0][3]}
    pipeline = Pipeline(store, detector, AlertSettings(), clock=lambda: now["t"])
    for channel, message_id, text, when in posts:
        now["t"] = when
        await pipeline.handle_post(make_post(channel, message_id, text, when))
    return pipeline


@pytest.fixture
async def day(store, channels, detector):
    pipeline = await play(store, GivenEvents(detector, EVENTS), DAY_BEFORE + DAY)
    await pipeline.handle_deletion(MEDIA.id, [2], at(13, day=20))
    return await build_digest(store, detector, END, TZ)


def page_text(pages: list[str]) -> str:
    return "\n".join(tl_html.parse(p)[0] for p in pages)


def page_links(pages: list[str]) -> list[str]:
    return [e.url for p in pages for e in tl_html.parse(p)[1] if isinstance(e, MessageEntityTextUrl)]


async def test_the_window_is_the_24_hours_before_the_digest_time_start_included_end_excluded(day):
    assert (day.start, day.end) == (at(6, day=20), END)
    assert day.day_label == "21 Nov 2026"
    assert (day.total_posts, day.flagged_posts) == (7, 5)


async def test_mentions_per_place_are_counted_with_the_change_against_the_day_before(day):
    counts = {pc.place_id: (pc.today, pc.yesterday, pc.change) for pc in day.places}
    assert counts == {"izium": (3, 1, 2), "kupiansk": (2, 3, -1)}
    assert [pc.place_id for pc in day.places] == ["izium", "kupiansk"]
    text = page_text(render_digest(day))
    assert "• Izium: 3 (+2)\n• Kupiansk: 2 (-1)" in text


async def test_withdrawal_posts_are_listed_with_channel_side_places_and_link(day):
    assert day.withdrawal_total == 2
    assert [(w.channel, w.side, w.places, w.link) for w in day.withdrawals] == [
        ("Русский блог", "ru", ("Izium",), "https://t.me/ru_blog/1"),
        ("Штаб", "ua", ("Izium",), "https://t.me/ua_staff/1")]
    pages = render_digest(day)
    assert "Withdrawal posts (2)\n• 20 Nov 09:00 Kyiv Русский блог (🇷🇺 RU) — Izium: ВСУ отступили из Изюма" \
        in page_text(pages)
    assert {"https://t.me/ru_blog/1", "https://t.me/ua_staff/1"} <= set(page_links(pages))


async def test_a_claim_made_by_both_sides_is_listed_under_its_place_with_its_channels(day):
    [claim] = day.claims
    assert (claim.place, claim.text, claim.tier, claim.disputed) == (
        "Izium", "UA forces withdrew from Izium", "both_sides", False)
    assert [s.link for s in claim.claimants] == ["https://t.me/ru_blog/1", "https://t.me/ua_staff/1"]
    assert ("Claims per place (1: 1 by both sides, 0 disputed)\nIzium\n• 🟣 UA forces withdrew from Izium — both"
            " sides, 2 independent channels, first 20 Nov 09:00 Kyiv: Русский блог (🇷🇺 RU), Штаб (🇺🇦 UA)"
            ) in page_text(render_digest(day))


CLAIM = "Противник оставил Купянск этой ночью."
FORWARD = CLAIM
DENIAL = "Жодного відходу з Куп'янська не було."
LONE_DENIAL = "Відходу з Вовчанська не було, це фейк."
DENIALS = {
    CLAIM: (event(CLAIM, "withdrawal", "kupiansk", "ua", "asserted", "Противник", "оставил"),),
    DENIAL: (event(DENIAL, "withdrawal", "kupiansk", "ua", "denied", "Жодного", "відходу"),),
    LONE_DENIAL: (event(LONE_DENIAL, "withdrawal", "vovchansk", "ua", "denied", "Відходу", "не було"),),
}


async def test_the_digest_says_who_denies_a_claim_and_counts_a_forward_as_no_new_channel(
        store, channels, detector):
    from bot.post import ForwardOrigin

    pipeline = Pipeline(store, GivenEvents(detector, DENIALS), AlertSettings(), clock=lambda: at(12, day=20))
    await pipeline.handle_post(make_post(RU_BLOG, 1, CLAIM, at(9, day=20)))
    await pipeline.handle_post(make_post(MEDIA, 1, FORWARD, at(9, 30, day=20), forward=ForwardOrigin(
        RU_BLOG.name, RU_BLOG.id, 1)))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 1, DENIAL, at(10, day=20)))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 2, LONE_DENIAL, at(11, day=20)))
    digest = await build_digest(store, detector, END, TZ)
    text = page_text(render_digest(digest))
    assert ("• 🔴 UA forces withdrew from Kupiansk — one source, 1 independent channel, first 20 Nov 11:00 Kyiv:"
            " Русский блог (🇷🇺 RU); ⚪ denied by Штаб (🇺🇦 UA) · ⚠️ disputed") in text
    assert "Denials of what no followed channel claimed (1)\n• 20 Nov 13:00 Kyiv Штаб (🇺🇦 UA) — Vovchansk" in text


async def test_the_busiest_channels_rank_by_flagged_posts_then_all_posts(day):
    assert [(c.name, c.flagged, c.posts) for c in day.busiest] == [
        ("Русский блог", 3, 4), ("Wire", 1, 2), ("Штаб", 1, 1)]
    assert "• Русский блог (🇷🇺 RU): 3 / 4" in page_text(render_digest(day))


async def test_posts_deleted_in_the_window_are_listed_with_their_kept_text(day):
    assert day.deleted_total == 1
    assert [(d.link, d.excerpt) for d in day.deleted] == [("https://t.me/wire/2", "Курс рубля снова упал на торгах.")]
    assert "Deleted posts (1)\n• 20 Nov 14:00 Kyiv Wire (🌐): Курс рубля" in page_text(render_digest(day))


async def test_the_chart_is_a_png_and_the_caption_fits_a_photo(day):
    png = chart_png(day)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    text = tl_html.parse(caption(day))[0]
    assert text == ("🗞 Digest · 21 Nov 2026\n7 posts, 5 flagged, 2 on withdrawal, 1 claims (1 by both sides).\n"
                    "Top places: Izium 3 (+2), Kupiansk 2 (-1)")
    assert utf16_len(caption(day)) <= CAPTION_LIMIT


async def test_the_tracked_places_set_by_command_limit_the_mentions(store, channels, detector, tmp_path):
    await play(store, detector, DAY_BEFORE + DAY)
    async with store.transaction():
        await store.set_setting("tracked_places", ["kupiansk"])
    settings = Settings(config_dir=ROOT / "config", db_path=tmp_path / "x.sqlite")
    digest = await digest_for(store, detector, settings, date(2026, 11, 21), at(7, day=22))
    assert [pc.place_id for pc in digest.places] == ["kupiansk"]
    assert digest.withdrawal_total == 2


async def test_a_busy_day_is_split_into_pages_that_each_fit_and_say_how_many_more(store, channels, detector):
    posts = [(RU_BLOG if i % 2 else UA_OFFICIAL, 100 + i,
              f"Сводка {i}: ВСУ отступили из Изюма, потери уточняются; позиции под номером {i * 7919} оставлены. "
              + "Подробности позже. " * 5, at(7, day=20) + timedelta(minutes=7 * i)) for i in range(MAX_LISTED + 20)]
    await play(store, detector, posts)
    digest = await build_digest(store, detector, END, TZ)
    pages = render_digest(digest)
    assert len(pages) > 1
    assert all(utf16_len(p) <= TELEGRAM_LIMIT for p in pages)
    assert [tl_html.parse(p)[0].splitlines()[-1] for p in pages] == [f"({i}/{len(pages)})"
                                                                      for i in range(1, len(pages) + 1)]
    text = page_text(pages)
    assert f"Withdrawal posts ({MAX_LISTED + 20})" in text and "… and 20 more (/latest lists them)" in text
    assert len([u for u in page_links(pages) if "/ru_blog/" in u or "/ua_staff/" in u]) >= MAX_LISTED


def test_the_default_window_is_the_latest_digest_time_before_now():
    kyiv = ZoneInfo(TZ)
    assert digest_window(None, (8, 0), TZ, datetime(2026, 11, 21, 7, 59, tzinfo=kyiv))[1] == \
        datetime(2026, 11, 20, 8, 0, tzinfo=kyiv)
    assert digest_window(None, (8, 0), TZ, datetime(2026, 11, 21, 8, 0, tzinfo=kyiv))[1] == \
        datetime(2026, 11, 21, 8, 0, tzinfo=kyiv)


def test_windows_of_consecutive_days_tile_without_gap_or_overlap_across_a_clock_change():
    windows = [digest_window(date(2026, 10, d), (8, 0), TZ, datetime.now(UTC)) for d in range(24, 28)]
    for (_, end), (start, _) in zip(windows, windows[1:]):
        assert end == start
    lengths = [(e.astimezone(UTC) - s.astimezone(UTC)) / timedelta(hours=1) for s, e in windows]
    assert lengths == [24, 25, 24, 24]
