"""The morning report: what changed, claims by place, the two sides, the week, the map; HTML and Telegram."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from telethon.extensions import html as tl_html

from bot.pipeline import Pipeline
from bot.post import ForwardOrigin
from bot.render import TELEGRAM_LIMIT, utf16_len
from bot.report import build_report, last_complete_end, report_html, report_pages
from bot.settings import AlertSettings

from conftest import MEDIA, RU_BLOG, UA_OFFICIAL, make_post
from given_events import GivenEvents
from test_claims import EVENTS, RU_KUPIANSK, UA_KUPIANSK

pytestmark = pytest.mark.both_backends

TZ = "Europe/Kyiv"
END = datetime(2026, 11, 21, 6, tzinfo=UTC)  # 08:00 in Kyiv


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
async def report(store, channels, detector):
    pipeline = Pipeline(store, GivenEvents(detector, EVENTS), AlertSettings(), clock=lambda: utc(21, 5))
    posts = [
        (UA_OFFICIAL, 1, "Обстріл Ізюма вночі, без жертв.", utc(16, 9)),                  # a week ago
        (RU_BLOG, 1, "Бои за Купянск продолжаются.", utc(19, 10)),                         # the day before
        (RU_BLOG, 2, RU_KUPIANSK, utc(20, 8)),
        (UA_OFFICIAL, 2, UA_KUPIANSK, utc(20, 9)),
        (UA_OFFICIAL, 3, "Ізюм: відновлення електропостачання.", utc(20, 10)),
        (RU_BLOG, 3, "Под Волчанском тяжёлые бои.", utc(20, 11)),
        (RU_BLOG, 4, "Ошибочное сообщение о Харькове.", utc(20, 12)),
    ]
    for channel, mid, text, when in posts:
        await pipeline.handle_post(make_post(channel, mid, text, when))
    await pipeline.handle_post(make_post(MEDIA, 1, RU_KUPIANSK, utc(20, 8, 30),
                                         forward=ForwardOrigin(RU_BLOG.name, RU_BLOG.id, 2)))
    await pipeline.handle_deletion(RU_BLOG.id, [4], when=utc(20, 13))
    return await build_report(store, detector, END, TZ)


def place(report, name):
    return next(p for p in report.places if p.name == name)


async def test_a_forward_counts_once_for_the_side_of_the_channel_it_copies(report):
    kupiansk = place(report, "Kupiansk")
    assert (kupiansk.today, kupiansk.yesterday) == (2, 1)
    assert kupiansk.sides == {"ru": 1, "ua": 1}


async def test_the_lead_names_new_claims_places_that_rose_and_places_new_this_week(report):
    assert report.new_claims_by_tier == (("both sides", 1),)
    assert [p.name for p in report.new_places] == ["Kharkiv", "Vovchansk"]
    assert [p.name for p in report.risen] == ["Izium", "Kupiansk"]  # Izium was seen 4 days ago: risen, not new


async def test_claims_are_grouped_by_place_with_their_independent_channels(report):
    [(name, [claim])] = report.claim_groups
    assert name == "Kupiansk" and claim.tier == "both_sides" and claim.text == "UA forces withdrew from Kupiansk"
    assert sorted(s.channel for s in claim.claimants) == ["Русский блог", "Штаб"]


async def test_each_side_has_its_places_and_those_only_it_writes_about(report):
    assert [p.name for p in report.side_rows("ru")] == ["Kharkiv", "Kupiansk", "Vovchansk"]
    assert [p.name for p in report.only("ru")] == ["Kharkiv", "Vovchansk"]
    assert [p.name for p in report.only("ua")] == ["Izium"]


async def test_the_trend_has_seven_days_ending_with_the_reported_one(report):
    assert place(report, "Kupiansk").trend == (0, 0, 0, 0, 0, 1, 2)
    assert place(report, "Izium").trend == (0, 0, 1, 0, 0, 0, 1)
    assert [d.day for d in report.days] == [15, 16, 17, 18, 19, 20, 21]


async def test_the_html_report_is_one_self_contained_page_with_the_map_and_every_section(report):
    page = report_html(report)
    assert not re.search(r"<(script|link|img|iframe)\b|\bsrc=|url\(", page)
    assert not re.search(r'href="(?!https://t\.me/)', page)
    assert set(re.findall(r'data-place="([\w-]+)"', page)) == {"kharkiv", "kupiansk", "vovchansk", "izium"}
    assert 'data-claim="kupiansk"' in page and page.count("data-claim=") == 1
    for heading in ("What changed", "Map of the day", "Claims by place", "RU channels and UA channels",
                    "Seven days of the leading places", "Busiest channels", "Deleted posts (1)"):
        assert heading in page
    assert "Ошибочное сообщение о Харькове." in page


async def test_the_telegram_report_tells_the_same_in_pages_that_fit(report):
    pages = report_pages(report)
    text = "\n".join(tl_html.parse(p)[0] for p in pages)
    assert all(utf16_len(p) <= TELEGRAM_LIMIT for p in pages)
    assert "• New claims: 1 both sides" in text
    assert "🟣 UA forces withdrew from Kupiansk — both sides, 2 channels: Русский блог, Штаб" in text
    assert "🇷🇺 RU: Kharkiv 1, Kupiansk 1, Vovchansk 1" in text
    assert "• Kupiansk: 0 0 0 0 0 1 2" in text
    assert "Deleted posts (1)" in text and "\n\n\n" not in text


async def test_a_digest_without_a_date_is_the_last_complete_day_that_has_posts(report, store):
    assert await last_complete_end(store, (8, 0), TZ, utc(27, 12)) == END
    # before that day's digest time the day is not complete yet: the day before it is the last complete one
    assert await last_complete_end(store, (8, 0), TZ, utc(20, 12)) == datetime(2026, 11, 20, 6, tzinfo=UTC)


def _fresh_templates(monkeypatch, tmp_path) -> None:
    """A new process's templates, with the compiled ones kept under `tmp_path`."""
    import tempfile

    from bot.templating import environment

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    environment.cache_clear()


@pytest.mark.sqlite_only
async def test_a_report_reads_the_same_from_templates_compiled_by_an_earlier_run(report, monkeypatch, tmp_path):
    _fresh_templates(monkeypatch, tmp_path)
    first = (report_html(report), report_pages(report))
    assert list(tmp_path.glob("_jinja2-cache-*/__frontwatch_*.cache"))
    _fresh_templates(monkeypatch, tmp_path)
    assert (report_html(report), report_pages(report)) == first


@pytest.mark.sqlite_only
async def test_a_report_is_written_where_compiled_templates_cannot_be_kept(report, monkeypatch, tmp_path):
    import os

    _fresh_templates(monkeypatch, tmp_path)
    expected = (report_html(report), report_pages(report))
    for kept in tmp_path.glob("_jinja2-cache-*"):
        for f in kept.iterdir():
            f.unlink()
        kept.rmdir()
        kept.write_text("not a folder")  # the cache folder cannot be made
    _fresh_templates(monkeypatch, tmp_path)
    assert (report_html(report), report_pages(report)) == expected
    (tmp_path / f"_jinja2-cache-{os.getuid()}").unlink()
    _fresh_templates(monkeypatch, tmp_path)
    from bot.templating import environment

    environment(TZ)  # made the folder; it goes away before anything is written to it
    (tmp_path / f"_jinja2-cache-{os.getuid()}").rmdir()
    assert (report_html(report), report_pages(report)) == expected
