"""The alert policy as the team sees it: what becomes an alert, what updates one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telethon.extensions import html as tl_html

from bot.outbox import Outbox
from bot.pipeline import Pipeline
from bot.post import ForwardOrigin
from bot.settings import AlertSettings
from bot.terminal import TerminalSender

from conftest import MEDIA, RU_BLOG, UA_OFFICIAL, at, entity_text, make_post

pytestmark = pytest.mark.both_backends

WITHDRAWAL_RU = "Противник отошёл от Купянска, наши штурмовики заходят на окраины."
WITHDRAWAL_UA = "Наші підрозділи відійшли від Куп'янська на більш вигідні позиції."


class Recorder(TerminalSender):
    def __init__(self) -> None:
        super().__init__(quiet=True)
        self.sent: list[str] = []
        self.edits: list[tuple[int, str]] = []

    async def send(self, html, random_id):
        self.sent.append(html)
        return await super().send(html, random_id)

    async def edit(self, message_id, html):
        self.edits.append((message_id, html))
        await super().edit(message_id, html)


@pytest.fixture
async def env(store, channels, detector):
    now = {"t": at(23, day=22)}
    pipeline = Pipeline(store, detector, AlertSettings(), clock=lambda: now["t"])
    sender = Recorder()
    outbox = Outbox(store, sender, rate_limit_per_minute=None)
    return pipeline, outbox, sender, now


def text_of(html: str) -> str:
    return tl_html.parse(html)[0]


async def test_an_irrelevant_post_is_stored_but_not_alerted(env, store):
    pipeline, outbox, sender, _ = env
    await pipeline.handle_post(make_post(RU_BLOG, 1, "Погода в Москве: дожди до выходных.", at(9)))
    await outbox.flush()
    assert sender.sent == [] and await store.count_posts() == 1


async def test_a_withdrawal_at_a_place_sends_one_claim_alert_with_link_and_highlight(env):
    pipeline, outbox, sender, _ = env
    await pipeline.handle_post(make_post(RU_BLOG, 2, WITHDRAWAL_RU, at(9)))
    await outbox.flush()
    [html] = sender.sent
    text, entities = tl_html.parse(html)
    assert text.startswith("🔴 RU milblogger: UA forces withdrew from Kupiansk")
    assert any(getattr(e, "url", None) == "https://t.me/ru_blog/2" for e in entities)
    bold = {entity_text(text, e) for e in entities}
    assert "Купянска" in bold


async def test_an_alert_on_a_village_names_it_in_english_not_by_its_codifier_id(env):
    pipeline, outbox, sender, _ = env
    await pipeline.handle_post(make_post(RU_BLOG, 3, "Противник отошёл из Клещеевки, бои идут у канала.", at(9)))
    await outbox.flush()
    [html] = sender.sent
    text = text_of(html)
    assert "Klishchiivka" in text and "UA14020010120064151" not in text


async def test_forward_of_an_alerted_post_updates_the_alert_instead_of_sending_again(env):
    pipeline, outbox, sender, _ = env
    await pipeline.handle_post(make_post(RU_BLOG, 3, WITHDRAWAL_RU, at(9)))
    await outbox.flush()
    fwd = make_post(MEDIA, 50, WITHDRAWAL_RU, at(9, 30),
                    forward=ForwardOrigin(name=RU_BLOG.name, channel_id=RU_BLOG.id, message_id=3))
    await pipeline.handle_post(fwd)
    await outbox.flush()
    assert len(sender.sent) == 1
    [(message_id, html)] = sender.edits
    assert message_id == 1 and "also in: Wire (fwd)" in text_of(html)


async def test_a_near_copy_with_a_new_prefix_and_signature_joins_the_first_alert(env):
    pipeline, outbox, sender, _ = env
    await pipeline.handle_post(make_post(RU_BLOG, 4, WITHDRAWAL_RU + "\n\nПодписаться на Русский блог", at(9)))
    await pipeline.handle_post(make_post(MEDIA, 60, "⚡️ " + WITHDRAWAL_RU + "\n\nWire | прислать новость", at(10)))
    await outbox.flush()
    assert len(sender.sent) == 1
    assert "also in: Wire" in text_of(sender.sent[0])


async def test_a_near_copy_is_matched_against_the_alerted_posts_edited_text_not_its_first(env):
    pipeline, outbox, sender, _ = env
    first = "Бои у Часов Яра продолжаются, подробности позже."
    edited = "В Покровске сегодня тихо, жители просят не публиковать фото работы ПВО и позиций."
    await pipeline.handle_post(make_post(RU_BLOG, 5, first, at(9)))
    await pipeline.handle_post(make_post(MEDIA, 61, "Бои у Часов Яра: " + first, at(9, 5)))
    await pipeline.handle_post(make_post(RU_BLOG, 5, edited, at(9), edit_date=at(9, 10)))
    await pipeline.handle_post(make_post(MEDIA, 62, "⚡️ " + edited + "\n\nWire | прислать новость", at(9, 20)))
    await outbox.flush()
    assert len(sender.sent) == 1
    assert "also in: Wire" in text_of(sender.sent[0])


async def test_an_edit_that_adds_a_place_turns_a_quiet_post_into_an_alert(env):
    pipeline, outbox, sender, _ = env
    await pipeline.handle_post(make_post(UA_OFFICIAL, 7, "Ситуація на фронті складна, деталі згодом.", at(9)))
    await outbox.flush()
    assert sender.sent == []
    await pipeline.handle_post(make_post(UA_OFFICIAL, 7, "Ситуація на фронті складна: бої біля Покровська.",
                                         at(9), edit_date=at(9, 20)))
    await outbox.flush()
    [html] = sender.sent
    assert "Pokrovsk" in text_of(html) and "edited" in text_of(html)


async def test_an_edit_that_adds_a_withdrawal_updates_the_sent_alert(env):
    pipeline, outbox, sender, _ = env
    await pipeline.handle_post(make_post(RU_BLOG, 8, "Бои у Часов Яра продолжаются.", at(9)))
    await outbox.flush()
    await pipeline.handle_post(make_post(RU_BLOG, 8, "Бои у Часов Яра продолжаются. ВСУ отступили с позиций.",
                                         at(9), edit_date=at(9, 40)))
    await outbox.flush()
    assert len(sender.sent) == 1
    [(_, html)] = sender.edits
    assert text_of(html).startswith("🔴 RU milblogger: UA forces withdrew from Chasiv Yar")


async def test_a_deleted_post_annotates_its_alert_and_keeps_the_text(env, store):
    pipeline, outbox, sender, _ = env
    await pipeline.handle_post(make_post(RU_BLOG, 9, WITHDRAWAL_RU, at(9)))
    await outbox.flush()
    await pipeline.handle_deletion(RU_BLOG.id, [9], at(11))
    await outbox.flush()
    [(_, html)] = sender.edits
    assert "deleted by the channel" in text_of(html)
    assert (await store.post_by_key(RU_BLOG.id, 9)).post.text == WITHDRAWAL_RU


async def test_both_sides_reporting_a_withdrawal_at_one_place_give_one_both_sides_claim_alert(env):
    pipeline, outbox, sender, _ = env
    await pipeline.handle_post(make_post(RU_BLOG, 10, WITHDRAWAL_RU, at(9)))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 11, WITHDRAWAL_UA, at(12)))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 12, "Підтверджуємо: підрозділи відійшли від Купʼянська.", at(13)))
    await outbox.flush()
    both = [h for h in sender.sent if "BOTH SIDES" in text_of(h)]
    assert len(both) == 1 and len(sender.sent) == 1
    assert "Kupiansk" in text_of(both[0])
    assert pipeline.stats.corroborations == 1


async def test_reports_further_apart_than_the_window_are_not_corroboration(env):
    pipeline, outbox, sender, _ = env
    await pipeline.handle_post(make_post(RU_BLOG, 13, WITHDRAWAL_RU, at(1)))
    await pipeline.handle_post(make_post(UA_OFFICIAL, 14, WITHDRAWAL_UA, at(1) + timedelta(hours=7)))
    await outbox.flush()
    assert not any("BOTH SIDES" in text_of(h) for h in sender.sent)


async def test_posts_found_late_are_summarised_in_one_alert(env):
    pipeline, outbox, sender, now = env
    now["t"] = at(20)
    for i in range(5):
        await pipeline.handle_post(make_post(RU_BLOG, 100 + i, f"Бои у Бахмута, сводка {i}: противник отошёл.",
                                             at(8, i), late=True))
    await pipeline.summarize_held()
    await outbox.flush()
    [html] = sender.sent
    assert "5 flagged posts" in text_of(html)
    assert text_of(html).count("Русский блог: RU milblogger: UA forces withdrew from Bakhmut") == 5


async def test_a_post_that_breaks_the_pipeline_is_skipped_and_the_next_one_is_handled(env, monkeypatch):
    pipeline, outbox, sender, _ = env
    original = pipeline.detector.detect

    def explode(text, side=None):
        if "взрыв" in text:
            raise RuntimeError("boom")
        return original(text, side=side)

    monkeypatch.setattr(pipeline.detector, "detect", explode, raising=False)
    bad = await pipeline.handle_post(make_post(RU_BLOG, 20, "взрыв", at(9)))
    good = await pipeline.handle_post(make_post(RU_BLOG, 21, WITHDRAWAL_RU, at(9, 1)))
    await outbox.flush()
    assert bad.status == "error" and good.status == "new" and len(sender.sent) == 1


async def test_a_muted_place_is_not_alerted_but_still_stored(env, store):
    pipeline, outbox, sender, _ = env
    async with store.transaction():
        await store.set_setting("mutes", {"place:kupiansk": at(23, day=25).isoformat()})
    await pipeline.handle_post(make_post(MEDIA, 30, "Обстрел Купянска утром.", at(9)))
    await outbox.flush()
    assert sender.sent == [] and await store.count_posts() == 1


async def test_a_withdrawal_at_one_town_does_not_corroborate_fighting_at_another(env):
    pipeline, outbox, sender, _ = env
    await pipeline.handle_post(make_post(RU_BLOG, 40, WITHDRAWAL_RU, at(9)))
    summary = ("Зведення. Біля Торецька наші підрозділи відійшли на нові рубежі.\n"
               "Біля Куп'янська за добу відбили вісім штурмів.")
    await pipeline.handle_post(make_post(UA_OFFICIAL, 41, summary, at(10)))
    await outbox.flush()
    assert not any("BOTH SIDES" in text_of(h) for h in sender.sent)
