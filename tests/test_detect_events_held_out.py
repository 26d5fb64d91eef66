"""Events on the classes of sentences a held-out set showed missed or invented (issue 9):
each case is a sentence of our own in Russian, Ukrainian or English, not a dev line."""

from __future__ import annotations

import pytest

from bot.detect import Detector


def claims(detector: Detector, text: str, side: str | None = None) -> set[tuple]:
    return {(e.action, e.place, e.by, e.stance) for e in detector.detect(text, side).events}


# --- 1. the place of a withdrawal or an entry ----------------------------------------------

@pytest.mark.parametrize(("side", "text", "expected"), [
    ("ua", "Командование приняло решение об отводе подразделений из населённого пункта Торецк на рубежи западнее.",
     ("withdrawal", "toretsk", None, "asserted")),
    ("ua", "Командувач угруповання ухвалив рішення про відведення підрозділів з Вовчанська.",
     ("withdrawal", "vovchansk", None, "asserted")),
    ("ru", "Штурмовые группы ВСУ вышли из Торецка ночью, бросив часть техники.",
     ("withdrawal", "toretsk", "ua", "asserted")),
    ("ua", "Окупанти відійшли від Куп'янська на кілька кілометрів.", ("withdrawal", "kupiansk", "ru", "asserted")),
    ("ua", "Противник увійшов до Торецька з півдня і закріплюється.", ("capture", "toretsk", "ru", "asserted")),
    ("ru", "Наш батальон вошёл в Торецк и закрепился на окраине.", ("capture", "toretsk", "ru", "asserted")),
    ("other", "Ukrainian soldiers are fleeing Toretsk as the defence collapses.",
     ("withdrawal", "toretsk", "ua", "asserted")),
])
def test_the_place_left_or_entered_is_attached_to_the_event(detector: Detector, side: str, text: str,
                                                            expected: tuple) -> None:
    assert claims(detector, text, side) == {expected}


def test_a_village_named_only_beside_a_withdrawal_word_is_the_place_left(detector: Detector) -> None:
    text = "Принято решение об отводе подразделений из населённого пункта Невельское."
    [event] = detector.detect(text, "ua").events
    assert (event.action, event.by, event.stance) == ("withdrawal", None, "asserted")
    assert event.place is not None and event.place.startswith("UA")


def test_a_chat_group_left_is_still_no_withdrawal(detector: Detector) -> None:
    assert claims(detector, "Депутаты вышли из группы в парламенте Торецка.", "ru") == set()


# --- 2. exclamations and a fall ----------------------------------------------------------------

@pytest.mark.parametrize(("side", "text", "expected"), [
    ("ru", "Торецк наш! Флаг уже над администрацией.", ("capture", "toretsk", "ru", "asserted")),
    ("ru", "Часов Яр НАШ!", ("capture", "chasiv-yar", "ru", "asserted")),
    ("ua", "Куп'янськ наш!", ("capture", "kupiansk", "ua", "asserted")),
    ("other", "Торецк наш!", ("capture", "toretsk", None, "asserted")),
    ("ua", "Kupiansk is ours!", ("capture", "kupiansk", "ua", "asserted")),
    ("ru", "Торецк пал.", ("capture", "toretsk", None, "asserted")),
    ("ua", "Вовчанськ впав.", ("capture", "vovchansk", None, "asserted")),
    ("other", "Toretsk has fallen.", ("capture", "toretsk", None, "asserted")),
    ("other", "Vuhledar has fallen to the Russians.", ("capture", "vuhledar", "ru", "asserted")),
])
def test_an_exclamation_of_ours_or_a_fall_is_a_capture(detector: Detector, side: str, text: str,
                                                       expected: tuple) -> None:
    assert claims(detector, text, side) == {expected}


@pytest.mark.parametrize("text", [
    "Торецк — наш город, и мы его отстроим.",
    "Это наша Авдеевка, мы тут выросли!",
])
def test_our_as_a_plain_possessive_is_no_capture(detector: Detector, text: str) -> None:
    assert claims(detector, text, "ru") == set()


# --- 3. a reported withdrawal called false -----------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Информация о выходе наших подразделений из Торецка — фейк.", ("withdrawal", "toretsk", "ua", "denied")),
    ("Інформація про відступ з Куп'янська — російська ІПСО.", ("withdrawal", "kupiansk", None, "denied")),
    ("Генштаб опроверг сообщения о выходе подразделений из Торецка.", ("withdrawal", "toretsk", None, "denied")),
    ("Інформація про залишення Куп'янська не відповідає дійсності.", ("withdrawal", "kupiansk", None, "denied")),
    ("Claims of a Ukrainian withdrawal from Toretsk are Russian propaganda, the brigade said.",
     ("withdrawal", "toretsk", "ua", "denied")),
])
def test_a_report_of_a_withdrawal_called_false_is_a_denied_withdrawal(detector: Detector, text: str,
                                                                      expected: tuple) -> None:
    detection = detector.detect(text, "ua")
    assert "withdrawal" in [hit.topic_id for hit in detection.topics]
    assert claims(detector, text, "ua") == {expected}


# --- 4. surrender ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Под Торецком укры сдаются целыми отделениями.", ("withdrawal", "toretsk", "ua", "asserted")),
    ("В Торецке бойцы ВСУ сложили оружие.", ("withdrawal", "toretsk", "ua", "asserted")),
    ("Ukrainian marines surrendered in Toretsk after running out of ammunition.",
     ("withdrawal", "toretsk", "ua", "asserted")),
    ("Dozens of Ukrainian soldiers laid down their arms near Vuhledar.", ("withdrawal", "vuhledar", "ua", "asserted")),
])
def test_surrender_is_a_withdrawal(detector: Detector, text: str, expected: tuple) -> None:
    assert claims(detector, text, "ru") == {expected}


# --- 5. a capture stated by a second verb ----------------------------------------------------

def test_pushing_out_and_entering_are_a_withdrawal_and_a_capture_by_the_pusher(detector: Detector) -> None:
    assert claims(detector, "ЗСУ вибили росіян з Торецька і зайшли в місто.", "ua") == {
        ("withdrawal", "toretsk", "ru", "asserted"), ("capture", "toretsk", "ua", "asserted")}
    assert claims(detector, "ВС РФ выбили ВСУ из Торецка и вошли в город.", "other") == {
        ("withdrawal", "toretsk", "ua", "asserted"), ("capture", "toretsk", "ru", "asserted")}


# --- 6. actor words -------------------------------------------------------------------------------

@pytest.mark.parametrize(("side", "text", "expected"), [
    ("other", "AFU units withdrew from Toretsk.", ("withdrawal", "toretsk", "ua", "asserted")),
    ("other", "The AFU pulled out of Toretsk.", ("withdrawal", "toretsk", "ua", "asserted")),
    ("ua", "Our brigade withdrew from Toretsk to new positions.", ("withdrawal", "toretsk", "ua", "asserted")),
    ("ru", "Силы обороны отошли из Торецка.", ("withdrawal", "toretsk", "ua", "asserted")),
    ("other", "The Armed Forces of Ukraine withdrew from Toretsk.", ("withdrawal", "toretsk", "ua", "asserted")),
    ("other", "ZSU units left Toretsk.", ("withdrawal", "toretsk", "ua", "asserted")),
    ("ru", "Под Курахово укронацисты массово складывают оружие.", ("withdrawal", "kurakhove", "ua", "asserted")),
    ("ru", "Сили оборони відійшли з Торецька.", ("withdrawal", "toretsk", "ua", "asserted")),
    ("ru", "Наша бригада вошла в Торецк.", ("capture", "toretsk", "ru", "asserted")),
    ("ua", "Наша бригада вийшла з Торецька.", ("withdrawal", "toretsk", "ua", "asserted")),
])
def test_abbreviations_and_our_units_name_the_side(detector: Detector, side: str, text: str,
                                                   expected: tuple) -> None:
    assert claims(detector, text, side) == {expected}


# --- 7. not events ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("side", "text"), [
    ("ua", "«Ми вийдемо з Торецька?» — питають читачі. Я пам'ятаю, як ми виходили з Херсона."),
    ("ru", "«Мы выйдем из Торецка?» — спрашивают подписчики. Вспомним, как выходили из Херсона."),
    ("other", "Kherson in November 2022 was the textbook case of a planned regrouping."),
    ("other", "Troops left the trenches to avoid encirclement and capture in Toretsk."),
    ("other", "Ukrainian troops risk capture if they stay in Pokrovsk."),
    ("ru", "«Мы уйдём из Купянска?» — пишут в личку. Когда уходили из Херсона, тоже никто не верил."),
    ("ru", "«Отступим ли мы из Купянска?» — спрашивают подписчики. Напомню, в 2022-м мы уже уходили из Херсона."),
])
def test_a_question_a_recalled_past_and_a_capture_to_avoid_are_no_events(detector: Detector, side: str,
                                                                          text: str) -> None:
    assert claims(detector, text, side) == set()


@pytest.mark.parametrize(("side", "text"), [
    ("other", "Kherson was the textbook case of regrouping done right: the Russians pulled back across the river "
              "without losing a single brigade."),
    ("other", "Look at Lyman: the Russians fled the town leaving their equipment behind. Pokrovsk is not there yet."),
    ("ru", "Херсон — классический пример: войска отошли за Днепр организованно. Сейчас в Купянске всё иначе."),
    ("ua", "Згадайте Вугледар: тоді підрозділи вийшли з міста в останній момент. Зараз інша ситуація."),
])
def test_a_past_withdrawal_held_up_as_an_example_in_an_argument_is_no_event(detector: Detector, side: str,
                                                                            text: str) -> None:
    assert claims(detector, text, side) == set()


@pytest.mark.parametrize(("side", "text"), [
    ("ru", "Загнанные в окопы украинцы под Торецком зачастую просто бегут с позиций."),
    ("ru", "Дроны отрезают противнику путь отхода из Торецка."),
    ("ua", "Наші дрони перекрили шляхи відходу з Торецька."),
])
def test_a_habit_or_a_way_out_is_no_withdrawal(detector: Detector, side: str, text: str) -> None:
    assert claims(detector, text, side) == set()
