"""Claims as the team sees them: one alert per claim, its tier raised by edits, denials marked.

These run through the real pipeline, store (an SQLite file) and outbox; the detector is the
real one, with the events of each text given here (the event rules are tested with the
detector itself), so the alerting rules are tested independently of event recall.
"""

from __future__ import annotations

import re

import pytest
from telethon.extensions import html as tl_html

from bot.channels import Channel
from bot.outbox import Outbox
from bot.pipeline import Pipeline
from bot.post import ForwardOrigin
from bot.render import TELEGRAM_LIMIT, utf16_len
from bot.settings import AlertSettings

from conftest import MEDIA, RU_BLOG, UA_OFFICIAL, at, make_post
from given_events import GivenEvents, event
from test_pipeline import Recorder

pytestmark = pytest.mark.both_backends

RU_OFFICIAL = Channel(username="ru_mod", id=1000000004, name="Министерство", side="ru", kind="official")
UA_BLOG = Channel(username="ua_blog", id=1000000005, name="Окопний блог", side="ua", kind="milblogger")

RU_KUPIANSK = "ВСУ отступили из Купянска, наши штурмовики заходят в город."
RU_KUPIANSK_2 = "По данным наших источников, противник оставил Купянск этой ночью."
UA_KUPIANSK = "Наші підрозділи вийшли з Куп'янська на заздалегідь підготовлені позиції."
UA_DENIAL = "Жодного відходу з Куп'янська не було, це російська пропаганда."
RU_VOVCHANSK_DENIAL = "Никакого отступления под Волчанском нет."
MENTION = "Обстрел Купянска утром, есть раненые."
TOPIC_ONLY = "Части отошли на новые рубежи, подробности позже."


EVENTS = {
    RU_KUPIANSK: (event(RU_KUPIANSK, "withdrawal", "kupiansk", "ua", "asserted", "ВСУ", "отступили"),),
    RU_KUPIANSK_2: (event(RU_KUPIANSK_2, "withdrawal", "kupiansk", "ua", "asserted", "противник", "оставил"),),
    UA_KUPIANSK: (event(UA_KUPIANSK, "withdrawal", "kupiansk", "ua", "asserted", "Наші", "вийшли"),),
    UA_DENIAL: (event(UA_DENIAL, "withdrawal", "kupiansk", "ua", "denied", "Жодного", "відходу"),),
    RU_VOVCHANSK_DENIAL: (event(RU_VOVCHANSK_DENIAL, "withdrawal", "vovchansk", None, "denied",
                                "Никакого", "отступления"),),
}


@pytest.fixture
async def env(store, channels, detector):
    async with store.transaction():
        for ch in (RU_OFFICIAL, UA_BLOG):
            await store.upsert_channel(ch)
    sender = Recorder()
    outbox = Outbox(store, sender, rate_limit_per_minute=None)

    def make(real: bool = False, **settings) -> Pipeline:
        """The pipeline with this file's events, or with the real detector's (`real=True`)."""
        return Pipeline(store, detector if real else GivenEvents(detector, EVENTS), AlertSettings(**settings),
                        clock=lambda: at(23, day=22))

    return make, outbox, sender


def text_of(html: str) -> str:
    assert utf16_len(html) <= TELEGRAM_LIMIT
    return tl_html.parse(html)[0]


def bold_words(html: str) -> set[str]:
    text, entities = tl_html.parse(html)
    units = text.encode("utf-16-le")
    return {units[2 * e.offset: 2 * (e.offset + e.length)].decode("utf-16-le") for e in entities}


async def test_a_claim_is_headlined_in_english_with_who_says_it_and_whose_forces(env):
    make, outbox, sender = env
    await make().handle_post(make_post(RU_BLOG, 1, RU_KUPIANSK, at(9)))
    await outbox.flush()
    [html] = sender.sent
    assert text_of(html).startswith("🔴 RU milblogger: UA forces withdrew from Kupiansk")
    assert "one source" in text_of(html)
    assert {"ВСУ", "отступили", "Купянска"} <= bold_words(html)


async def test_a_denial_is_headlined_as_a_denial_and_never_as_a_claim(env):
    make, outbox, sender = env
    await make().handle_post(make_post(RU_BLOG, 2, RU_VOVCHANSK_DENIAL, at(9)))
    await outbox.flush()
    [html] = sender.sent
    headline = text_of(html).splitlines()[0]
    assert headline == "⚪ RU milblogger denies: withdrawal from Vovchansk"
    assert "🔴" not in text_of(html) and "withdrew" not in text_of(html)
    assert {"Никакого", "отступления"} <= bold_words(html)


async def test_a_forward_across_sides_is_never_a_second_side(env, store):
    make, outbox, sender = env
    pipeline = make()
    await pipeline.handle_post(make_post(RU_BLOG, 3, RU_KUPIANSK, at(9)))
    await outbox.flush()
    fwd = make_post(UA_BLOG, 70, RU_KUPIANSK, at(9, 20),
                    forward=ForwardOrigin(name=RU_BLOG.name, channel_id=RU_BLOG.id, message_id=3))
    await pipeline.handle_post(fwd)
    await outbox.flush()
    assert len(sender.sent) == 1
    final = sender.edits[-1][1] if sender.edits else sender.sent[0]
    assert "BOTH SIDES" not in text_of(final) and not text_of(final).startswith("🟣")
    assert pipeline.stats.corroborations == 0
    assert await store.execute("SELECT tier FROM claims") == [("single",)]


async def test_a_forward_of_a_post_we_never_saw_takes_the_original_channels_side(env, store):
    make, outbox, sender = env
    pipeline = make()
    await pipeline.handle_post(make_post(RU_BLOG, 4, RU_KUPIANSK_2, at(9)))
    fwd = make_post(UA_BLOG, 71, RU_KUPIANSK, at(9, 30),
                    forward=ForwardOrigin(name=RU_OFFICIAL.name, channel_id=RU_OFFICIAL.id, message_id=999))
    await pipeline.handle_post(fwd)
    await outbox.flush()
    assert await store.execute("SELECT tier FROM claims") == [("several",)]
    assert not any("BOTH SIDES" in text_of(h) for h in sender.sent + [h for _, h in sender.edits])


async def test_a_near_copy_across_sides_is_the_same_source(env, store):
    make, outbox, sender = env
    pipeline = make()
    await pipeline.handle_post(make_post(RU_BLOG, 5, RU_KUPIANSK + "\n\nПодписаться на Русский блог", at(9)))
    await pipeline.handle_post(make_post(UA_BLOG, 72, "⚡️ " + RU_KUPIANSK + "\n\nОкопний блог | підписатися",
                                         at(9, 40)))
    await outbox.flush()
    assert len(sender.sent) == 1
    assert await store.execute("SELECT tier FROM claims") == [("single",)]
    assert pipeline.stats.corroborations == 0


async def test_tier_changes_edit_the_claims_alert_instead_of_sending_another(env, store):
    make, outbox, sender = env
    pipeline = make()
    await pipeline.handle_post(make_post(RU_BLOG, 6, RU_KUPIANSK, at(9)))
    await outbox.flush()
    await pipeline.handle_post(make_post(RU_OFFICIAL, 7, RU_KUPIANSK_2, at(10)))
    await outbox.flush()
    assert len(sender.sent) == 1
    several = text_of(sender.edits[-1][1])
    assert "2 channels of one side (RU)" in several and "Also claimed by: Министерство" in several
    await pipeline.handle_post(make_post(UA_OFFICIAL, 8, UA_KUPIANSK, at(12)))
    await outbox.flush()
    assert len(sender.sent) == 1 and len(sender.edits) == 2
    both = text_of(sender.edits[-1][1])
    assert both.startswith("🟣 RU milblogger: UA forces withdrew from Kupiansk") and "BOTH SIDES" in both
    assert "3 independent channels" in both and "Штаб" in both
    assert {m for m, _ in sender.edits} == {1}
    assert pipeline.stats.corroborations == 1
    assert await store.execute("SELECT action, place_id, tier, disputed FROM claims") == [
        ("withdrawal", "kupiansk", "both_sides", 0)]


async def test_a_denial_from_the_other_side_edits_the_claims_alert_to_disputed(env, store):
    make, outbox, sender = env
    pipeline = make()
    await pipeline.handle_post(make_post(RU_BLOG, 9, RU_KUPIANSK, at(9)))
    await outbox.flush()
    await pipeline.handle_post(make_post(UA_OFFICIAL, 10, UA_DENIAL, at(11)))
    await outbox.flush()
    assert len(sender.sent) == 1
    [(message_id, html)] = sender.edits
    text = text_of(html)
    assert message_id == 1 and "DISPUTED" in text.splitlines()[0]
    assert "Denied by: Штаб" in text
    assert await store.execute("SELECT tier, disputed FROM claims") == [("single", 1)]


async def test_a_denial_before_the_claim_disputes_it_from_the_start(env):
    make, outbox, sender = env
    pipeline = make()
    await pipeline.handle_post(make_post(UA_OFFICIAL, 11, UA_DENIAL, at(8)))
    await pipeline.handle_post(make_post(RU_BLOG, 12, RU_KUPIANSK, at(9)))
    await outbox.flush()
    denial, claim = sender.sent
    assert text_of(denial).startswith("⚪ UA official denies: withdrawal from Kupiansk")
    assert text_of(claim).startswith("🔴 RU milblogger: UA forces withdrew from Kupiansk · ⚠️ DISPUTED")


async def test_a_claim_older_than_the_window_is_not_corroborated_by_a_new_one(env, store):
    make, outbox, sender = env
    pipeline = make(corroboration_window_hours=2)
    await pipeline.handle_post(make_post(RU_BLOG, 13, RU_KUPIANSK, at(9)))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 14, UA_KUPIANSK, at(12)))
    await outbox.flush()
    assert len(sender.sent) == 2 and sender.edits == []
    assert await store.execute("SELECT tier FROM claims ORDER BY id") == [("single",), ("single",)]


@pytest.mark.parametrize("mode, alerted", [
    ("events", {"claim"}),
    ("events_and_tracked", {"claim", "mention"}),
    ("everything", {"claim", "mention", "topic"}),
])
async def test_what_reaches_the_group_follows_the_alert_on_setting(env, store, mode, alerted):
    make, outbox, sender = env
    pipeline = make(alert_on=mode)
    posts = {"claim": RU_KUPIANSK, "mention": MENTION, "topic": TOPIC_ONLY}
    for i, text in enumerate(posts.values()):
        await pipeline.handle_post(make_post(MEDIA, 20 + i, text, at(9, i)))
    await outbox.flush()
    sent = {name for name, text in posts.items() if any(text in text_of(h) for h in sender.sent)}
    assert sent == alerted
    assert await store.count_posts() == 3


async def test_an_admin_setting_in_the_store_overrides_the_file_and_track_still_applies(env, store):
    make, outbox, sender = env
    pipeline = make(alert_on="everything")
    async with store.transaction():
        await store.set_setting("alert_on", "events_and_tracked")
        await store.set_setting("tracked_places", ["pokrovsk"])
    await pipeline.handle_post(make_post(MEDIA, 30, MENTION, at(9)))
    await pipeline.handle_post(make_post(MEDIA, 31, "Бои у Покровска продолжаются.", at(9, 5)))
    await pipeline.handle_post(make_post(MEDIA, 32, RU_KUPIANSK, at(9, 10)))
    await outbox.flush()
    texts = [text_of(h) for h in sender.sent]
    assert len(texts) == 2 and "Pokrovsk" in texts[0] and "Kupiansk" in texts[1]


async def test_a_muted_place_silences_its_claims_too(env, store):
    make, outbox, sender = env
    async with store.transaction():
        await store.set_setting("mutes", {"place:kupiansk": at(23, day=25).isoformat()})
    await make(alert_on="events").handle_post(make_post(RU_BLOG, 40, RU_KUPIANSK, at(9)))
    await outbox.flush()
    assert sender.sent == []
    assert await store.execute("SELECT action, place_id, by_side, stance FROM post_events") == [
        ("withdrawal", "kupiansk", "ua", "asserted")]


async def test_an_edit_that_drops_the_claim_lowers_the_tier_it_raised(env, store):
    make, outbox, sender = env
    pipeline = make()
    await pipeline.handle_post(make_post(RU_BLOG, 50, RU_KUPIANSK, at(9)))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 51, UA_KUPIANSK, at(10)))
    await outbox.flush()
    assert "BOTH SIDES" in text_of(sender.sent[0])
    await pipeline.handle_post(make_post(UA_OFFICIAL, 51, "Ситуація під Куп'янськом складна.", at(10),
                                         edit_date=at(10, 30)))
    await outbox.flush()
    assert len(sender.sent) == 1
    assert "BOTH SIDES" not in text_of(sender.edits[-1][1])
    assert await store.execute("SELECT tier FROM claims") == [("single",)]


async def test_a_claim_alert_with_many_voices_stays_within_one_message(env, store):
    make, outbox, sender = env
    pipeline = make()
    long_name = "Канал " + "очень длинное имя " * 20
    await pipeline.handle_post(make_post(RU_BLOG, 60, RU_KUPIANSK + " " + "подробности " * 600, at(9)))
    await outbox.flush()
    for i in range(30):
        ch = Channel(username=f"ch{i}", id=1000000100 + i, name=f"{long_name}{i}", side="ru" if i % 2 else "ua",
                     kind="media")
        async with store.transaction():
            await store.upsert_channel(ch)
        own_words = " ".join(f"слово{i}x{j}" for j in range(12))
        text = f"{UA_DENIAL if i % 3 == 0 else RU_KUPIANSK_2} {own_words}"
        await pipeline.handle_post(make_post(ch, 1, text, at(9, i + 1)))
    await outbox.flush()
    final = sender.edits[-1][1]
    assert utf16_len(final) <= TELEGRAM_LIMIT
    assert re.search(r"and \d+ more", text_of(final)) and "BOTH SIDES" in text_of(final)


async def test_a_forward_known_only_by_the_original_channels_title_counts_for_that_channel(env, store):
    make, outbox, sender = env
    pipeline = make()
    await pipeline.handle_post(make_post(RU_BLOG, 80, RU_KUPIANSK, at(9)))
    await pipeline.handle_post(make_post(UA_BLOG, 81, RU_KUPIANSK, at(9, 5), forward=ForwardOrigin(name=RU_BLOG.name)))
    await outbox.flush()
    assert await store.execute("SELECT source, source_side FROM claim_posts ORDER BY post_id") == [
        (f"channel:{RU_BLOG.id}", "ru"), (f"channel:{RU_BLOG.id}", "ru")]
    assert await store.execute("SELECT tier FROM claims") == [("single",)]


async def test_a_side_that_denies_and_then_admits_the_claim_leaves_it_undisputed_on_both_sides(env, store):
    make, outbox, sender = env
    pipeline = make()
    await pipeline.handle_post(make_post(RU_BLOG, 82, RU_KUPIANSK, at(9)))
    await outbox.flush()
    await pipeline.handle_post(make_post(UA_OFFICIAL, 83, UA_DENIAL, at(10)))
    await outbox.flush()
    assert "DISPUTED" in text_of(sender.edits[-1][1])
    await pipeline.handle_post(make_post(UA_BLOG, 84, UA_KUPIANSK, at(11)))
    await outbox.flush()
    final = text_of(sender.edits[-1][1])
    assert final.startswith("🟣") and "DISPUTED" not in final and "Denied by: Штаб" in final
    assert await store.execute("SELECT tier, disputed FROM claims") == [("both_sides", 0)]


@pytest.mark.parametrize("side, kind, action, place, by, stance, expected", [
    ("ru", "milblogger", "withdrawal", "Kupiansk", "ua", "asserted", "RU milblogger: UA forces withdrew from Kupiansk"),
    ("ua", "official", "withdrawal", "Vovchansk", "ru", "asserted", "UA official: RU forces withdrew from Vovchansk"),
    ("other", "media", "withdrawal", "Izium", None, "asserted", "media: withdrawal from Izium (by whom not said)"),
    ("ua", "milblogger", "withdrawal", None, "ua", "asserted", "UA milblogger: UA forces withdrew (no place named)"),
    ("ru", "official", "capture", "Chasiv Yar", "ru", "asserted", "RU official: RU forces took Chasiv Yar"),
    ("other", "media", "capture", "Lyman", None, "asserted", "media: Lyman taken (by whom not said)"),
    ("ua", "official", "withdrawal", "Vovchansk", "ua", "denied", "UA official denies: withdrawal from Vovchansk"),
    ("ua", "official", "withdrawal", "Vovchansk", None, "denied", "UA official denies: withdrawal from Vovchansk"),
    ("ru", "milblogger", "withdrawal", "Kupiansk", "ua", "denied", "RU milblogger denies: UA withdrawal from Kupiansk"),
    ("ua", "official", "capture", "Toretsk", "ru", "denied", "UA official denies: RU capture of Toretsk"),
])
def test_the_headline_says_who_says_what_of_whose_forces_and_a_denial_as_a_denial(
        side, kind, action, place, by, stance, expected):
    from bot.claims import headline

    assert headline(side, kind, action, place, by, stance) == expected


def test_tiers_count_independent_sources_and_only_a_denial_by_the_other_side_disputes():
    from bot.claims import Voice, standing

    ru1, ru2, ua1 = (Voice("asserted", f"channel:{n}", side) for n, side in ((1, "ru"), (2, "ru"), (3, "ua")))
    copy_of_ru1 = Voice("asserted", "channel:1", "ru")
    assert standing([ru1]).tier == "single"
    assert standing([ru1, copy_of_ru1]).tier == "single"
    assert standing([ru1, ru2]).tier == "several"
    assert standing([ru1, ua1]).tier == "both_sides"
    assert not standing([ru1, Voice("denied", "channel:4", "ru")]).disputed
    assert not standing([ru1, Voice("denied", "channel:5", "other")]).disputed
    assert standing([ru1, Voice("denied", "channel:6", "ua")]).disputed
    assert not standing([ru1, Voice("denied", "channel:6", "ua"), ua1]).disputed
    both_ways = standing([ru1, ua1, Voice("denied", "channel:1", "ru")])
    assert both_ways.denials == 0 and not both_ways.disputed


async def test_a_claim_stays_open_while_echoed_but_opens_a_new_alert_past_the_merge_window(env, store):
    make, outbox, sender = env
    pipeline = make(corroboration_window_hours=6, merge_window_hours=8)
    await pipeline.handle_post(make_post(RU_BLOG, 90, RU_KUPIANSK, at(9)))
    await pipeline.handle_post(make_post(RU_OFFICIAL, 91, RU_KUPIANSK_2, at(14)))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 93, UA_KUPIANSK, at(16)))
    await pipeline.handle_post(make_post(UA_BLOG, 92, UA_KUPIANSK + " Слава ЗСУ!", at(18)))
    await outbox.flush()
    assert len(sender.sent) == 2
    assert await store.execute("SELECT tier, first_date FROM claims ORDER BY id") == [
        ("both_sides", "2026-11-20T09:00:00+00:00"), ("single", "2026-11-20T18:00:00+00:00")]


async def test_with_the_real_detector_a_forward_across_sides_adds_no_side_and_a_denial_disputes_the_claim(
        env, store):
    make, outbox, sender = env
    pipeline = make(real=True)
    claim = "ВСУ отступили из Купянска, наши штурмовики заходят в город."
    await pipeline.handle_post(make_post(RU_BLOG, 1, claim, at(9)))
    await outbox.flush()
    await pipeline.handle_post(make_post(UA_BLOG, 1, claim, at(9, 30),
                                         forward=ForwardOrigin(name=RU_BLOG.name, channel_id=RU_BLOG.id, message_id=1)))
    await outbox.flush()
    await pipeline.handle_post(make_post(
        UA_OFFICIAL, 1, "Інформація про відхід наших підрозділів з Куп'янська не відповідає дійсності.", at(10)))
    await outbox.flush()
    assert len(sender.sent) == 1
    versions = [text_of(sender.sent[0]), *(text_of(h) for _, h in sender.edits)]
    assert versions[0].startswith("🔴 RU milblogger: UA forces withdrew from Kupiansk")
    assert not any("BOTH SIDES" in v or v.startswith("🟣") for v in versions)
    assert "DISPUTED" in versions[-1].splitlines()[0]
    assert "Denied by «UA forces withdrew from Kupiansk»: Штаб" in versions[-1]
    assert await store.execute("SELECT tier, disputed FROM claims WHERE action = 'withdrawal'") == [("single", 1)]


async def test_a_forward_whose_original_we_never_saw_speaks_with_the_original_channels_voice(env, store):
    make, outbox, sender = env
    pipeline = make(real=True)
    text = "Наши штурмовики зашли в Часов Яр, противник отступает."
    await pipeline.handle_post(make_post(UA_BLOG, 5, text, at(9), forward=ForwardOrigin(
        name=RU_BLOG.name, channel_id=RU_BLOG.id, message_id=777)))
    await outbox.flush()
    [html] = sender.sent
    headline = text_of(html).splitlines()[0]
    assert headline.startswith("🔴 RU milblogger: RU forces took Chasiv Yar")
    assert headline.endswith("(forwarded by UA milblogger)")
    assert ("capture", "chasiv-yar", "ru", "asserted") in await store.execute(
        "SELECT action, place_id, by_side, stance FROM post_events")


async def test_an_edit_of_a_post_that_joined_a_claim_keeps_it_an_independent_channel(env, store):
    make, outbox, sender = env
    pipeline = make()
    await pipeline.handle_post(make_post(RU_BLOG, 95, RU_KUPIANSK, at(9)))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 96, UA_KUPIANSK, at(10)))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 96, UA_KUPIANSK + " Деталі згодом.", at(10),
                                         edit_date=at(10, 20)))
    await outbox.flush()
    assert await store.execute("SELECT source, source_side FROM claim_posts ORDER BY post_id") == [
        (f"channel:{RU_BLOG.id}", "ru"), (f"channel:{UA_OFFICIAL.id}", "ua")]
    assert await store.execute("SELECT tier FROM claims") == [("both_sides",)]


async def test_the_headline_is_marked_disputed_only_when_its_own_claim_is(env, store):
    make, outbox, sender = env
    both = "ВСУ отступили из Купянска, а наши взяли Боровую."
    EVENTS[both] = (event(both, "withdrawal", "kupiansk", "ua", "asserted", "ВСУ", "отступили"),
                    event(both, "capture", "borova", "ru", "asserted", "наши", "взяли"))
    denial = "Боровую ворог не взяв."
    EVENTS[denial] = (event(denial, "capture", "borova", "ru", "denied", "не взяв"),)
    try:
        pipeline = make()
        await pipeline.handle_post(make_post(RU_BLOG, 97, both, at(9)))
        await pipeline.handle_post(make_post(UA_OFFICIAL, 98, denial, at(10)))
        await outbox.flush()
    finally:
        del EVENTS[both], EVENTS[denial]
    [html] = sender.sent
    lines = text_of(html).splitlines()
    assert lines[0] == "🔴 RU milblogger: UA forces withdrew from Kupiansk"
    assert "Claim «RU forces took Borova»: one source so far · ⚠️ DISPUTED: the other side denies it" in lines
    assert "⚪ Denied by «RU forces took Borova»: Штаб (🇺🇦 UA official, 20 Nov 12:00 Kyiv)" in lines


async def test_a_near_copy_of_the_other_sides_post_reads_its_ours_as_the_originals(env, store):
    make, outbox, sender = env
    pipeline = make(real=True)
    text = "Противник отходит из Купянска, наши штурмовые группы зачищают город. Подробности позже."
    await pipeline.handle_post(make_post(RU_BLOG, 99, text, at(9)))
    await pipeline.handle_post(make_post(UA_BLOG, 99, "🤡 Z-каналы пишут:\n\n" + text, at(9, 20)))
    await outbox.flush()
    events = await store.execute(
        "SELECT p.channel_id, e.action, e.by_side FROM post_events e JOIN posts p ON p.id = e.post_id"
        " WHERE e.stance = 'asserted' ORDER BY p.id, e.seq")
    assert {(a, by) for ch, a, by in events if ch == UA_BLOG.id} == {(a, by) for ch, a, by in events
                                                                     if ch == RU_BLOG.id}
    assert ("withdrawal", "ua") in {(a, by) for _, a, by in events}
    assert len(sender.sent) == 1
