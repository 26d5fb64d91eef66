"""The query layer every view shares: filters read strictly, claims and tiers, copies counted once."""

from __future__ import annotations

from datetime import date

import pytest

from bot.pipeline import Pipeline
from bot.post import ForwardOrigin
from bot.query import Archive, FilterError, Filters, parse_filters
from bot.settings import AlertSettings

from conftest import MEDIA, RU_BLOG, UA_OFFICIAL, at, make_post
from given_events import GivenEvents, event
from test_claims import EVENTS as CLAIM_EVENTS, RU_KUPIANSK, UA_KUPIANSK

pytestmark = pytest.mark.both_backends

RU_VOVCHANSK = "Противник оставил позиции у Волчанска, идёт зачистка."
MENTION = "Обстрел Харькова утром, есть раненые."

EVENTS = {
    RU_KUPIANSK: CLAIM_EVENTS[RU_KUPIANSK],
    UA_KUPIANSK: CLAIM_EVENTS[UA_KUPIANSK],
    RU_VOVCHANSK: (event(RU_VOVCHANSK, "withdrawal", "vovchansk", "ua", "asserted", "Противник", "оставил"),),
}


@pytest.fixture
async def archive(store, channels, detector):
    pipeline = Pipeline(store, GivenEvents(detector, EVENTS), AlertSettings(), clock=lambda: at(23, day=21))
    await pipeline.handle_post(make_post(RU_BLOG, 1, RU_KUPIANSK, at(8)))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 1, UA_KUPIANSK, at(9)))
    await pipeline.handle_post(make_post(MEDIA, 1, RU_KUPIANSK, at(9, 30), forward=ForwardOrigin(RU_BLOG.name,
                                                                                                 RU_BLOG.id, 1)))
    await pipeline.handle_post(make_post(RU_BLOG, 2, RU_VOVCHANSK, at(12)))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 2, MENTION, at(23, day=21)))
    return Archive(store, detector, "Europe/Kyiv")


def keys(page) -> list[tuple[str, int]]:
    return [(item.stored.post.channel_username, item.stored.post.message_id) for item in page.items]


async def test_the_tier_filter_keeps_the_posts_of_claims_at_that_tier(archive):
    both = await archive.timeline(await archive.parse({"tier": "both_sides"}))
    assert keys(both) == [("ua_staff", 1), ("ru_blog", 1)]
    assert {t.text for i in both.items for t in i.claims} == {"UA forces withdrew from Kupiansk"}
    assert all(t.tier_label == "both sides" for i in both.items for t in i.claims)
    single = await archive.timeline(await archive.parse({"tier": "single", "action": "withdrawal"}))
    assert keys(single) == [("ru_blog", 2)]


async def test_the_forward_is_folded_into_the_post_it_forwards_and_counts_once(archive):
    page = await archive.timeline(Filters(place="kupiansk"))
    origin = next(i for i in page.items if i.stored.post.channel_username == "ru_blog")
    assert [sp.post.channel_username for sp, _ in origin.copies] == ["wire"]
    assert ("wire", 1) not in keys(page)
    [kupiansk] = [pc for pc in await archive.place_counts(Filters()) if pc.place_id == "kupiansk"]
    assert kupiansk.posts == 2 and kupiansk.sides == {"ru": 1, "ua": 1, "other": 1}


async def test_dates_are_the_teams_calendar_days(archive):
    # 23:00 UTC on the 21st is already the 22nd in Kyiv
    page = await archive.timeline(Filters(since=date(2026, 11, 22), until=date(2026, 11, 22)))
    assert keys(page) == [("ua_staff", 2)]
    page = await archive.timeline(Filters(until=date(2026, 11, 20)))
    assert ("ua_staff", 2) not in keys(page) and keys(page)


async def test_the_timeline_lists_only_flagged_posts_newest_first(archive, store):
    await store.save_post(make_post(MEDIA, 9, "Weather: rain tomorrow.", at(13)))
    page = await archive.timeline(Filters())
    assert ("wire", 9) not in keys(page)
    dates = [i.stored.post.date for i in page.items]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("params, param, says", [
    ({"place": "Atlantis"}, "place", "no known place «Atlantis»"),
    ({"side": "left"}, "side", "expected one of ru, ua, other"),
    ({"channel": "@ghost"}, "channel", "no stored channel «@ghost»"),
    ({"action": "dance"}, "action", "expected one of withdrawal"),
    ({"tier": "gold"}, "tier", "expected one of single, several, both_sides"),
    ({"since": "20.11.2026"}, "since", "is not a date like 2026-11-20"),
    ({"since": "2026-11-21", "until": "2026-11-20"}, "until", "is before since"),
])
def test_a_bad_filter_names_its_parameter(detector, params, param, says):
    with pytest.raises(FilterError) as caught:
        parse_filters(params, detector, [RU_BLOG], tiers=("single", "several", "both_sides"))
    assert caught.value.param == param and says in caught.value.message


def test_filters_read_names_in_any_language_and_write_back_stable_parameters(detector):
    f = parse_filters({"place": "Купянске", "channel": "@RU_BLOG", "side": "RU", "since": "2026-11-20"},
                      detector, [RU_BLOG])
    assert (f.place, f.channel, f.side, f.since) == ("kupiansk", RU_BLOG.id, "ru", date(2026, 11, 20))
    assert f.params({RU_BLOG.id: "ru_blog"}) == {"place": "kupiansk", "side": "ru", "channel": "ru_blog",
                                                  "since": "2026-11-20"}


async def test_a_near_copy_the_claim_counts_for_its_origin_is_folded_into_the_origin(store, channels, detector):
    pipeline = Pipeline(store, GivenEvents(detector, EVENTS), AlertSettings(), clock=lambda: at(23, day=21))
    await pipeline.handle_post(make_post(RU_BLOG, 1, RU_KUPIANSK, at(8)))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 1, UA_KUPIANSK, at(9)))
    await pipeline.handle_post(make_post(MEDIA, 5, "Срочно: " + RU_KUPIANSK, at(9, 40)))
    archive = Archive(store, detector, "Europe/Kyiv")
    page = await archive.timeline(Filters(place="kupiansk"))
    assert keys(page) == [("ua_staff", 1), ("ru_blog", 1)]
    [origin] = [i for i in page.items if i.stored.post.channel_username == "ru_blog"]
    assert [sp.post.message_id for sp, _ in origin.copies] == [5]
    view = await archive.post("wire", 5)
    assert [sp.post.channel_username for sp, _ in view.item.copies] == ["ru_blog"]


async def test_a_village_beyond_places_toml_is_counted_and_drawn_by_its_english_name(store, channels, detector):
    from bot.geo import MapPoint, build_map

    pipeline = Pipeline(store, detector, AlertSettings(), clock=lambda: at(23, day=21))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 5, "Бої біля Красноторки тривають, ворог штурмує.", at(10)))
    counts = await Archive(store, detector, "Europe/Kyiv").place_counts(Filters())
    assert [(c.place_id, c.name) for c in counts] == [("UA14120090040069534", "Krasnotorka")]
    drawn = build_map([MapPoint(c.place_id, c.name, c.posts) for c in counts])
    assert [c.name for c in drawn.circles] == ["Krasnotorka"] and drawn.unplaced == ()


async def test_search_and_place_filter_list_newest_first_when_older_posts_were_stored_later(store, channels, detector):
    """Posts arrive out of date order (catch-up, an old export replayed into a live store):
    the search index is walked in date order, not in the order posts were stored."""
    pipeline = Pipeline(store, detector, AlertSettings(), clock=lambda: at(23, day=25))
    texts = {1: "Сводка: обстрел Харькова утром, есть раненые.",
             2: "Сводка дня: в Харькове ночью работала ПВО, обломки упали на склад.",
             3: "Сводка: под Харьковом горит нефтебаза после удара дронов.",
             4: "Сводка мэрии: в Харькове восстановили свет в трёх районах.",
             5: "Сводка: Харьков снова без метро, поезда стоят из-за тревоги."}
    for message_id, day in ((1, 24), (2, 20), (3, 22), (4, 21), (5, 23)):
        await pipeline.handle_post(make_post(MEDIA, message_id, texts[message_id], at(10, day=day)))
    archive = Archive(store, detector, "Europe/Kyiv")
    newest_first = [("wire", 1), ("wire", 5), ("wire", 3), ("wire", 4), ("wire", 2)]
    assert keys(await archive.search(Filters(q="сводка"), limit=10)) == newest_first
    assert keys(await archive.timeline(Filters(place="kharkiv"), limit=10)) == newest_first
    assert keys(await archive.search(Filters(q="сводка", place="kharkiv"), limit=2)) == newest_first[:2]
    since = await archive.parse({"q": "сводка", "since": "2026-11-21", "until": "2026-11-22"})
    assert keys(await archive.search(since, limit=10)) == [("wire", 3), ("wire", 4)]
    assert [sp.post.message_id for sp in await store.search_posts(words=["сводка"], limit=3)] == [1, 5, 3]
