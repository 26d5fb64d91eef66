"""The withdrawal topic, its negatives, and topics a team adds in TOML alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.detect import Detector

CONFIG = Path(__file__).resolve().parents[1] / "config"


def withdrawal(detector: Detector, text: str) -> bool:
    return "withdrawal" in detector.detect(text).topic_ids


@pytest.mark.parametrize("text", [
    "Противник отступил к окраине села",
    "Подразделения отошли на запасные позиции",
    "Враг отходит за реку, бросая технику",
    "ВСУ оставили город после двух недель боёв",
    "Наши оставили позиции у лесополосы",
    "Начался вывод войск из района",
    "Отвод подразделений на новый рубеж завершён",
    "Минобороны объявило о перегруппировке сил",
    "Это очередной жест доброй воли, как говорят в штабе",
    "Бегство оккупантов из города было паническим",
    "Окупанти драпають з позицій",
    "Командование выровняло линию фронта у посёлка",
    "Наші підрозділи відступили на нові рубежі",
    "ЗСУ залишили місто після тривалих боїв",
    "Бригада відійшла з позицій на околиці",
    "Підрозділи вийшли з оточення під Торецьком",
    "Штаб називає це вирівнюванням лінії оборони біля ставка",
    "Ukrainian forces withdrew from the village overnight",
    "Russian troops are retreating toward the river",
    "The battalion pulled back two kilometres",
    "Two platoons got the order to fall back behind the railway embankment",
    "Soldiers fled their positions under drone attack",
    "The garrison abandoned Vuhledar after the road was cut",
    "Moscow calls the pull-back of its units 'regrouping'",
])
def test_withdrawal_is_found_in_all_three_languages(detector: Detector, text: str) -> None:
    assert withdrawal(detector, text)


@pytest.mark.parametrize("text", [
    "Отступления не будет, — повторил комбат, — держим квартал до подхода резерва",
    "Генштаб опровергает отход бригады с рубежа",
    "Ніхто не відходив з Вовчанська, наші тримаються",
    "The ministry denies that its forces withdrew from the town",
])
def test_a_denial_of_withdrawal_still_speaks_of_one(detector: Detector, text: str) -> None:
    assert withdrawal(detector, text)


@pytest.mark.parametrize("text", [
    "Делегация потребовала вывода войск до прежней линии",
    "Критики призывают вывести войска из региона",
    "Protesters demand the withdrawal of troops from the border",
])
def test_a_demand_for_withdrawal_still_speaks_of_one(detector: Detector, text: str) -> None:
    assert withdrawal(detector, text)


@pytest.mark.parametrize("text", [
    "Вывод средств на карты других банков ограничен",
    "You can withdraw cash at any ATM without fees",
    "Банк обмежив виведення коштів на іноземні картки",
])
def test_money_withdrawals_are_not_military(detector: Detector, text: str) -> None:
    assert not withdrawal(detector, text)


@pytest.mark.parametrize("text", [
    "Благодарим подписчиков: вы оставили сотню комментариев за вечер",
    "После рекламы многие покинули наш чат, но мы не грустим",
    "Дякуємо, що залишили відгук, відповімо кожному",
])
def test_comments_and_chats_left_are_not_withdrawals(detector: Detector, text: str) -> None:
    assert not withdrawal(detector, text)


@pytest.mark.parametrize("text", [
    "В документе слетел отступ первой строки, помогите с форматированием",
    "А теперь лирическое отступление о погоде и котах",
    "Ліричний відступ: трохи про історію каналу",
])
def test_indentation_and_digressions_are_not_withdrawals(detector: Detector, text: str) -> None:
    assert not withdrawal(detector, text)


@pytest.mark.parametrize("text", [
    "Турция грозит выйти из сделки по газу, если цену не снизят",
    "Росія вийшла з угоди про контроль над озброєннями",
    "The country withdrew from the arms control treaty",
])
def test_leaving_a_treaty_or_deal_is_not_a_withdrawal(detector: Detector, text: str) -> None:
    assert not withdrawal(detector, text)


@pytest.mark.parametrize("text", [
    "Жители покидают прифронтовые сёла, эвакуация продолжается",
    "Civilians are urged to leave the town while the road is open",
    "Мешканці залишають місто, евакуаційні автобуси ходять щодня",
])
def test_civilians_evacuating_are_not_a_military_withdrawal(detector: Detector, text: str) -> None:
    assert not withdrawal(detector, text)


@pytest.mark.parametrize("text", [
    "Командование спешно стягивает свежие резервы к соседнему участку",
    "The command moved its reserves to another sector",
])
def test_reserves_moved_elsewhere_are_not_a_withdrawal(detector: Detector, text: str) -> None:
    assert not withdrawal(detector, text)


@pytest.mark.parametrize("text", [
    "Нападающий покидает клуб по окончании сезона",
    "Захисник залишає команду після п'яти років",
    "Our goalkeeper will leave the club when the season ends",
])
def test_a_player_leaving_a_team_is_not_a_withdrawal(detector: Detector, text: str) -> None:
    assert not withdrawal(detector, text)


@pytest.mark.parametrize("text", [
    "Штурмовики продвинулись на два километра и заняли высоту",
    "Село освобождено, над администрацией поднят флаг",
    "Our brigade advanced and captured two strongpoints",
])
def test_an_advance_or_capture_as_such_is_not_a_withdrawal(detector: Detector, text: str) -> None:
    assert not withdrawal(detector, text)


@pytest.mark.parametrize("text", [
    "Болезнь отступила, пациента выписали",
    "Жара отступит только к выходным",
    "Nicotine withdrawal makes the first smoke-free week hard",
    "Book a yoga retreat by the lake this summer",
    "Вывод из всего сказанного простой",
])
def test_everyday_senses_of_withdrawal_words_do_not_count(detector: Detector, text: str) -> None:
    assert not withdrawal(detector, text)


def test_the_match_names_the_rule_and_the_words(detector: Detector) -> None:
    text = "ВСУ отошли от Купянска"
    hit = detector.detect(text).topics[0]
    assert hit.topic_id == "withdrawal"
    (match,) = hit.matches
    assert (match.text, match.rule) == ("отошли", "withdrawal: ru отошл-")
    assert text[match.start:match.end] == match.text


def test_a_phrase_match_covers_all_its_words(detector: Detector) -> None:
    text = "Начался вывод российских войск из района"
    (match,) = detector.detect(text).topics[0].matches
    assert match.text == "вывод российских войск"


def test_a_phrase_that_opens_with_a_word_stem_reaches_as_far_as_one_that_opens_with_a_whole_word(
        detector: Detector) -> None:
    # "водрузил* флаг*" with two words between, as "подняли флаг*" may have
    for text in ("Штурмовики водрузили там наши флаги.", "Штурмовики подняли там наши флаги."):
        assert "capture" in detector.detect(text, "ru").topic_ids, text


@pytest.mark.parametrize("text", [
    "З метою збереження життя особового складу наші підрозділи вийшли з Курахового на вигідніші рубежі.",
    "В целях сохранения жизни личного состава подразделения вышли из Угледара на более выгодные рубежи.",
])
def test_a_withdrawal_to_save_the_lives_of_personnel_is_a_withdrawal(detector: Detector, text: str) -> None:
    assert "withdrawal" in detector.detect(text).topic_ids


@pytest.mark.parametrize("text", ["Ветеран батальона ушёл из жизни на 90-м году.",
                                  "Боєць нашої бригади пішов з життя після важкого поранення."])
def test_a_soldier_who_died_did_not_withdraw(detector: Detector, text: str) -> None:
    assert "withdrawal" not in detector.detect(text).topic_ids


def test_a_team_adds_a_topic_in_toml_without_code(tmp_path: Path) -> None:
    shutil.copy(CONFIG / "places.toml", tmp_path / "places.toml")
    (tmp_path / "topics.toml").write_text(
        (CONFIG / "topics.toml").read_text(encoding="utf-8") + '''
[topics.encirclement]
title = "Encirclement"
exclude = ["выйти|выход*|вышл* из окружения"]

[[topics.encirclement.rules]]
lang = "ru"
match = ["окружени*", "котел", "котле", "котла", "оперативн* окружени*"]
not_near = ["полит*"]

[[topics.encirclement.rules]]
lang = "en"
match = ["encircl*", "cauldron", "pocket"]
near = ["@place", "troops", "forces"]
''', encoding="utf-8")
    detector = Detector.from_config(tmp_path)
    assert detector.topics() == ("withdrawal", "capture", "encirclement")
    assert "encirclement" in detector.detect("Гарнизон Купянска может оказаться в окружении уже к зиме").topic_ids
    assert "encirclement" in detector.detect("Troops near Pokrovsk face encirclement").topic_ids
    assert "encirclement" not in detector.detect("Группа попыталась выйти из окружения").topic_ids
    assert "encirclement" not in detector.detect("Pick up a pocket knife").topic_ids


def test_an_excluded_phrase_in_one_post_does_not_silence_the_same_word_in_the_next(detector: Detector) -> None:
    # the detector remembers which exclude phrases a word may sit in, never a verdict
    assert not withdrawal(detector, "Небольшое отступление от темы: завтра стрим.")
    assert withdrawal(detector, "Отступление ВСУ из Купянска подтвердили в штабе.")
    assert not withdrawal(detector, "Лирическое отступление: дождь третий день.")
    assert withdrawal(detector, "Отступление ВСУ из Купянска подтвердили в штабе.")
