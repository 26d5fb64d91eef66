"""Alerts stay valid Telegram HTML within one message, whatever the post contains."""

from __future__ import annotations

from datetime import UTC, datetime

from telethon.extensions import html as tl_html
from telethon.tl import types

from conftest import entity_text

from bot.render import (
    TELEGRAM_LIMIT,
    PostAlertView,
    Related,
    render_post_alert,
    utf16_len,
)

WHEN = datetime(2026, 11, 20, 10, 5, tzinfo=UTC)
LINK = "https://t.me/ru_blog/42"


def view(text: str, spans=(), **kw) -> PostAlertView:
    base = dict(severity="high", places=("Kupiansk",), topics=("withdrawal",), channel="Блог <b>&</b>",
                side="ru", kind="milblogger", date=WHEN, text=text, spans=tuple(spans), link=LINK)
    base.update(kw)
    return PostAlertView(**base)


def parsed(html: str):
    text, entities = tl_html.parse(html)
    return text, entities


def test_hostile_post_text_arrives_as_literal_text_not_markup():
    hostile = 'Тест <script>alert(1)</script> & <b>жирный</b> <a href="http://evil">клик</a> &amp; 5 < 6'
    html = render_post_alert(view(hostile), "Europe/Kyiv")
    text, entities = parsed(html)
    assert hostile in text
    urls = [e.url for e in entities if isinstance(e, types.MessageEntityTextUrl)]
    assert urls == [LINK]
    assert "Блог <b>&</b>" in text


def test_matched_words_are_highlighted_exactly():
    post = "Сообщают, что ВСУ отошли от Купянска на север."
    start = post.index("Купянска")
    html = render_post_alert(view(post, spans=[(start, start + len("Купянска"))]), "Europe/Kyiv")
    text, entities = parsed(html)
    bold = [entity_text(text, e) for e in entities if isinstance(e, types.MessageEntityBold)]
    assert "Купянска" in bold


def test_a_post_of_several_thousand_characters_still_fits_one_message():
    post = ("Длинный пост <тег> & «кавычки» 🇺🇦 " * 200) + " Купянск " + ("хвост " * 300)
    start = post.index("Купянск")
    related = tuple(Related(channel=f"Канал {i} <&>", link=f"https://t.me/c{i}/1", relation="copy") for i in range(30))
    html = render_post_alert(view(post, spans=[(start, start + 7)], also_in=related), "Europe/Kyiv")
    assert utf16_len(html) <= TELEGRAM_LIMIT
    text, entities = parsed(html)
    assert "Купянск" in text
    assert any(isinstance(e, types.MessageEntityTextUrl) and e.url == LINK for e in entities)
    assert "and 18 more" in text


def test_emoji_heavy_text_is_measured_in_utf16_units():
    post = "🔥" * 5000
    html = render_post_alert(view(post), "Europe/Kyiv")
    assert utf16_len(html) <= TELEGRAM_LIMIT
    text, _ = parsed(html)
    assert "🔥" in text


def test_alert_names_the_channel_side_local_time_forward_and_deletion():
    html = render_post_alert(view("текст", forwarded_from="Источник & Ко",
                                  deleted_at=datetime(2026, 11, 20, 12, 0, tzinfo=UTC)), "Europe/Kyiv")
    text, _ = parsed(html)
    assert "RU milblogger" in text
    assert "20 Nov 12:05 Kyiv" in text
    assert "forwarded from Источник & Ко" in text
    assert "deleted by the channel at 20 Nov 14:00 Kyiv" in text




def test_an_alert_for_several_claims_with_many_voices_each_still_fits_one_message():
    from bot.render import ClaimView, VoiceLine

    voices = tuple(VoiceLine(channel="Канал <b>" + "ж" * 80, side="ua" if i % 2 else "ru", kind="milblogger",
                             date=WHEN, link=f"https://t.me/c{i}_{'x' * 25}/{i}",
                             relation="asserts" if i % 3 else "denies") for i in range(40))
    claims = tuple(ClaimView(text=f"UA forces withdrew from Place {n}", tier="both_sides", disputed=True,
                             channels=27, sides=("ru", "ua"), voices=voices) for n in range(5))
    html = render_post_alert(view("ВСУ отошли " * 800, headline="RU milblogger: UA forces withdrew from Place 0",
                                  disputed=True, claims=claims), "Europe/Kyiv")
    text, _ = tl_html.parse(html)
    assert utf16_len(html) <= TELEGRAM_LIMIT
    assert text.startswith("🟣 RU milblogger: UA forces withdrew from Place 0 · ⚠️ DISPUTED")
    assert "BOTH SIDES" in text and "Канал <b>" in text
