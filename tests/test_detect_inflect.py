"""Case forms generated from base names, by ending class."""

from __future__ import annotations

import pytest

from bot.detect.inflect import adjective_forms, inflect
from bot.detect.normalize import words


def forms(name: str, lang: str) -> set[str]:
    return {" ".join(form) for form in inflect(words(name), lang)}


@pytest.mark.parametrize(("name", "lang", "expected"), [
    ("Купянск", "ru", {"купянска", "купянску", "купянском", "купянске"}),
    ("Куп'янськ", "uk", {"куп'янська", "куп'янську", "куп'янськом"}),
    ("Каховка", "ru", {"каховки", "каховке", "каховку", "каховкой"}),
    ("Каховка", "uk", {"каховки", "каховці", "каховку", "каховкою"}),
    ("Курахово", "ru", {"курахово", "курахова", "курахову", "кураховом", "курахове"}),
    ("Курахове", "uk", {"курахового", "кураховому", "кураховим"}),
    ("Рубежное", "ru", {"рубежного", "рубежному", "рубежным", "рубежном"}),
    ("Рубіжне", "uk", {"рубіжного", "рубіжному", "рубіжним"}),
    ("Боровая", "ru", {"боровой", "боровую", "боровою"}),
    ("Мариуполь", "ru", {"мариуполя", "мариуполю", "мариуполем", "мариуполе"}),
    ("Керчь", "ru", {"керчи", "керчью"}),
    ("Балаклія", "uk", {"балаклії", "балаклію", "балаклією"}),
    ("Харків", "uk", {"харкова", "харкову", "харковом", "харкові"}),
    ("Київ", "uk", {"києва", "києву", "києві"}),
    ("Запорожье", "ru", {"запорожья", "запорожью", "запорожьем"}),
    ("Запоріжжя", "uk", {"запоріжжю", "запоріжжям", "запоріжжі"}),
    ("Сумы", "ru", {"сум", "сумам", "сумами", "сумах"}),
    ("Дергачі", "uk", {"дергачів", "дергачам", "дергачах"}),
    ("Алешки", "ru", {"алешек", "алешках"}),
    ("Джанкой", "ru", {"джанкоя", "джанкою", "джанкоем", "джанкое"}),
    ("Часов Яр", "ru", {"часова яра", "часову яру", "часовым яром", "часовом яру", "часовом яре", "часов яра"}),
    ("Часів Яр", "uk", {"часового яру", "часовому яру", "часовим яром", "часів яру"}),
    ("Новая Каховка", "ru", {"новой каховки", "новой каховке", "новую каховку", "новой каховкой"}),
    ("Кривой Рог", "ru", {"кривого рога", "кривом роге", "кривом рогу", "кривым рогом"}),
    ("Кривий Ріг", "uk", {"кривого рогу", "кривому розі", "кривим рогом"}),
    ("Велика Новосілка", "uk", {"великої новосілки", "великій новосілці", "велику новосілку"}),
    ("Купянск-Узловой", "ru", {"купянска узлового", "купянске узловом"}),
    ("Гола Пристань", "uk", {"голої пристані", "голу пристань", "голою пристанню"}),
])
def test_case_forms_follow_from_the_ending(name: str, lang: str, expected: set[str]) -> None:
    assert expected <= forms(name, lang)


def test_words_after_a_preposition_stay_as_written() -> None:
    generated = forms("Славянск-на-Кубани", "ru")
    assert {"славянске на кубани", "славянска на кубани"} <= generated
    assert all(form.endswith("на кубани") for form in generated)


def test_english_names_are_not_inflected() -> None:
    assert forms("Kryvyi Rih", "en") == {"kryvyi rih"}


def test_adjectives_get_every_gender_number_and_case() -> None:
    generated = set(adjective_forms("купянский", "ru"))
    assert {"купянское", "купянском", "купянская", "купянской", "купянских", "купянскими"} <= generated
    generated = set(adjective_forms("херсонський", "uk"))
    assert {"херсонському", "херсонська", "херсонській", "херсонських"} <= generated


@pytest.mark.parametrize(("name", "expected", "not_expected"), [
    ("Верхній Салтів", {"верхнього салтова", "верхньому салтові", "верхнім салтовом"}, {"верхного салтова"}),
    ("Нижня Дуванка", {"нижньої дуванки", "нижню дуванку", "нижньою дуванкою"}, {"нижної дуванки"}),
    ("Дальнє", {"дальнього", "дальньому", "дальнім"}, set()),
    ("Світле", {"світлого", "світлому", "світлим"}, {"світля"}),
    ("Біле", {"білого", "білому"}, {"біля"}),     # "біля" is the preposition "near"
    ("Гуляйполе", {"гуляйполя", "гуляйполі"}, {"гуляйполього"}),
])
def test_ukrainian_soft_and_l_stem_adjective_names_decline_as_adjectives(
        name: str, expected: set[str], not_expected: set[str]) -> None:
    found = forms(name, "uk")
    assert expected <= found
    assert not (not_expected & found)


def test_a_village_with_a_soft_adjective_in_its_name_is_found_in_the_genitive() -> None:
    from bot.detect.settlements import load_book
    book = load_book()
    assert book.lookup("верхнього салтова")[0] == "uk Верхній Салтів"
    assert book.lookup("нижньої дуванки")[0] == "uk Нижня Дуванка"
    assert book.lookup("біля") is None
