"""Language of a post: letters first, langdetect only for what letters cannot decide."""

from __future__ import annotations

import pytest

from bot.detect import Detector


@pytest.mark.parametrize(("text", "language"), [
    ("Противник отступил к окраине села, бои продолжаются", "ru"),
    ("Ворог відступив до околиці села, бої тривають", "uk"),
    ("The enemy fell back to the edge of the village", "en"),
    ("Харків", "uk"),
    ("Бахмут", "ru"),
    ("Херсон!", "ru"),
    ("Kharkiv", "en"),
    ("Слов'янськ", "uk"),
    ("Подъём", "ru"),
    ("Є світло", "uk"),
    ("Izyum 🔥", "en"),
    ("🔥🔥🔥 12:00", "other"),
    ("", "other"),
])
def test_short_posts_get_a_language_from_their_letters(detector: Detector, text: str, language: str) -> None:
    assert detector.detect(text).language == language


def test_a_russian_post_with_a_long_link_is_russian(detector: Detector) -> None:
    text = "Подробности в нашем канале: https://example.org/articles/very-long-path-with-many-latin-words-inside"
    assert detector.detect(text).language == "ru"


def test_a_russian_post_without_telling_letters_is_russian(detector: Detector) -> None:
    assert detector.detect("Две галактики создали гигантскую линзу в виде зигзага").language == "ru"


def test_a_ukrainian_post_quoting_a_russian_word_stays_ukrainian(detector: Detector) -> None:
    text = "Окупанти називають це «перегруппировка», але насправді це відступ з позицій під Куп'янськом"
    assert detector.detect(text).language == "uk"


def test_other_languages_are_other(detector: Detector) -> None:
    assert detector.detect("Der Bundestag hat heute ein neues Gesetz zur Begrenzung der Mieten beschlossen "
                           "und damit die Rechte der Mieter gestärkt.").language == "other"
    assert detector.detect("Сутра ће бити сунчано, а увече јака киша у Београду").language == "other"


def test_language_detection_is_deterministic(detector: Detector) -> None:
    text = "Le gouvernement a annoncé de nouvelles mesures pour soutenir les agriculteurs touchés par la sécheresse."
    assert len({detector.detect(text).language for _ in range(5)}) == 1
