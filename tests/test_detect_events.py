"""Events: the claims a post makes (action, place, by, stance), one test per rule class of
the labelling contract (../shared/eval/README.md, "Events"), on sentences of our own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.detect import Detector
from bot.errors import ConfigError

CONFIG = Path(__file__).resolve().parents[1] / "config"


def claims(detector: Detector, text: str, side: str | None = None) -> set[tuple]:
    return {(e.action, e.place, e.by, e.stance) for e in detector.detect(text, side).events}


# --- actor words, both ways -----------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("ВСУ оставили Лиман после недели уличных боёв.", ("withdrawal", "lyman", "ua", "asserted")),
    ("Укры откатились из Купянска, бросив технику.", ("withdrawal", "kupiansk", "ua", "asserted")),
    ("Ukrainian troops pulled back from Toretsk overnight.", ("withdrawal", "toretsk", "ua", "asserted")),
    ("Окупанти відступили з Куп'янська під вогнем нашої артилерії.", ("withdrawal", "kupiansk", "ru", "asserted")),
    ("Russian forces withdrew from Kherson on Friday, officials said.", ("withdrawal", "kherson", "ru", "asserted")),
    ("Русские ушли из Изюма ночью, оставив склады.", ("withdrawal", "izium", "ru", "asserted")),
])
def test_an_actor_word_names_whose_forces_withdrew_whatever_the_channel(detector: Detector, text: str,
                                                                        expected: tuple) -> None:
    for side in ("ru", "ua", "other"):
        assert claims(detector, text, side) == {expected}


@pytest.mark.parametrize(("text", "expected"), [
    ("Первый опорник ВСУ захвачен в Купянске.", ("capture", "kupiansk", None, "asserted")),
    ("Российские войска прорвали оборону ВСУ, началось освобождение Купянска.",
     ("capture", "kupiansk", "ru", "asserted")),
])
def test_a_side_named_as_the_owner_of_a_position_is_not_who_took_it(detector: Detector, text: str,
                                                                    expected: tuple) -> None:
    assert claims(detector, text, "ru") == {expected}


def test_our_and_the_enemy_are_resolved_against_the_channels_side(detector: Detector) -> None:
    ours = "Наши подразделения отошли от Купянска на запасные позиции."
    assert claims(detector, ours, "ru") == {("withdrawal", "kupiansk", "ru", "asserted")}
    assert claims(detector, ours, "ua") == {("withdrawal", "kupiansk", "ua", "asserted")}
    assert claims(detector, ours, "other") == {("withdrawal", "kupiansk", None, "asserted")}
    enemy = "Ворог залишив позиції під Вовчанськом і відійшов."
    assert claims(detector, enemy, "ua") == {("withdrawal", "vovchansk", "ru", "asserted")}
    assert claims(detector, enemy, "ru") == {("withdrawal", "vovchansk", "ua", "asserted")}


def test_a_side_word_before_a_word_of_source_is_who_reports_not_who_withdrew(detector: Detector) -> None:
    text = "Russian channels report that troops left Vovchansk after heavy shelling."
    assert claims(detector, text, "other") == {("withdrawal", "vovchansk", None, "asserted")}


# --- passive, no actor -----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Лиман оставлен. Подробности уточняются.",
    "Часів Яр залишено, повідомляють джерела.",
    "Pokrovsk has been abandoned after a long defence.",
])
def test_a_passive_with_no_actor_has_no_side_even_on_a_sided_channel(detector: Detector, text: str) -> None:
    found = claims(detector, text, "ua")
    assert len(found) == 1
    action, place, by, stance = found.pop()
    assert (action, by, stance) == ("withdrawal", None, "asserted") and place is not None


# --- liberation and occupation verbs ---------------------------------------------------

def test_a_liberation_verb_with_no_actor_means_the_channels_own_side(detector: Detector) -> None:
    assert claims(detector, "Освобождён Изюм! Над горсоветом поднят флаг.", "ru") == {
        ("capture", "izium", "ru", "asserted")}
    assert claims(detector, "Звільнено Херсон! Місто наше.", "ua") == {("capture", "kherson", "ua", "asserted")}
    assert claims(detector, "Звільнено Херсон! Місто наше.", "other") == {("capture", "kherson", None, "asserted")}


def test_an_actor_word_beats_the_liberation_verbs_default(detector: Detector) -> None:
    assert claims(detector, "ВС РФ освободили Курахово, сообщает министерство.", "ua") == {
        ("capture", "kurakhove", "ru", "asserted")}


def test_a_capture_and_the_flight_it_caused_are_two_events_of_the_same_place(detector: Detector) -> None:
    assert claims(detector, "ЗСУ звільнили Балаклію, окупанти тікали, кидаючи техніку.", "ua") == {
        ("capture", "balakliia", "ua", "asserted"), ("withdrawal", "balakliia", "ru", "asserted")}


def test_entering_a_place_and_a_place_falling_are_captures(detector: Detector) -> None:
    assert claims(detector, "Russian assault groups entered Kupiansk from the north.", "other") == {
        ("capture", "kupiansk", "ru", "asserted")}
    assert claims(detector, "Bakhmut fell after ten months of fighting.", "other") == {
        ("capture", "bakhmut", None, "asserted")}
    assert claims(detector, "Pokrovsk has fallen, Russian bloggers claim.", "other") == {
        ("capture", "pokrovsk", None, "asserted")}
    assert claims(detector, "Oil prices fell sharply on Monday, traders in Kharkiv said.", "other") == set()


# --- denials ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "side", "expected"), [
    ("Никакого отступления из Купянска нет, позиции удерживаются.", "ru",
     ("withdrawal", "kupiansk", None, "denied")),
    ("Our troops did not leave Pokrovsk, whatever the other side claims.", "ua",
     ("withdrawal", "pokrovsk", "ua", "denied")),
    ("Російські пабліки пишуть, що ЗСУ залишили Часів Яр. Це брехня: місто тримаємо.", "ua",
     ("withdrawal", "chasiv-yar", "ua", "denied")),
    ("Kyiv denies Russian claims that its troops retreated from Toretsk.", "other",
     ("withdrawal", "toretsk", "ua", "denied")),
])
def test_a_denied_claim_is_reported_as_denied_never_as_asserted(detector: Detector, text: str, side: str,
                                                                expected: tuple) -> None:
    found = claims(detector, text, side)
    assert expected in found
    assert all(stance == "denied" for *_, stance in found)


@pytest.mark.parametrize(("text", "side", "expected"), [
    ("Российским захватчикам не удалось войти в Купянск. Город под контролем ВСУ.", "ua",
     {("capture", "kupiansk", "ru", "denied")}),
    ("Окупантам не вдалося зайти в Куп'янськ.", "ua", {("capture", "kupiansk", "ru", "denied")}),
    ("Противнику не удалось закрепиться в Часовом Яре.", "ua", {("capture", "chasiv-yar", "ru", "denied")}),
    ("Россиянам удалось зайти в Купянск с севера.", "other", {("capture", "kupiansk", "ru", "asserted")}),
    ("Ему удалось взять кредит под низкий процент.", "ru", set()),
])
def test_forces_that_failed_to_enter_a_place_are_a_denied_capture_and_those_that_managed_a_claimed_one(
        detector: Detector, text: str, side: str, expected: set[tuple]) -> None:
    assert claims(detector, text, side) == expected


def test_a_denial_of_one_claim_does_not_deny_another_in_the_same_sentence(detector: Detector) -> None:
    found = claims(detector, "Росіяни брешуть про захоплення Куп'янська, а ЗСУ звільнили Вовчанськ.", "ua")
    assert found == {("capture", "kupiansk", "ru", "denied"), ("capture", "vovchansk", "ua", "asserted")}


def test_the_words_that_decided_a_denial_are_kept(detector: Detector) -> None:
    text = "Інформація про вихід з Торецька — фейк."
    (event,) = detector.detect(text, "ua").events
    assert {m.text for m in event.matches} >= {"вихід з", "фейк", "Торецька"}
    assert all(text[m.start:m.end] == m.text for m in event.matches)


# --- command announcements --------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Командование приняло решение о выводе подразделений из Купянска на более выгодные рубежи.",
     ("withdrawal", "kupiansk", None, "asserted")),
    ("Командувач ухвалив рішення про вихід наших підрозділів з Вовчанська.",
     ("withdrawal", "vovchansk", "ua", "asserted")),
    ("Ukrainian units were ordered to fall back from Toretsk to avoid encirclement.",
     ("withdrawal", "toretsk", "ua", "asserted")),
])
def test_a_commands_announced_decision_to_withdraw_is_an_asserted_withdrawal(detector: Detector, text: str,
                                                                           expected: tuple) -> None:
    assert claims(detector, text, "ua") == {expected}


# --- not events: background, questions, plans and demands, opinion ----------------------

@pytest.mark.parametrize("text", [
    "Два года назад ВСУ оставили Лиман, и город до сих пор в руинах.",
    "В марте 2022 года русские отошли от Чернигова, оставив разрушения.",
    "Looking back: in autumn 2022 Russian forces fled Izium in a matter of days.",
    "После сдачи Херсона настроения в каналах сильно изменились.",
    "Сегодня годовщина: вспоминаем, как оккупанты бежали из Изюма.",
    "Когда ВСУ отступили из Авдеевки, многие думали, что фронт посыплется.",
    "Після того як ворог відступив з Херсона, місто почало відбудовуватись.",
])
def test_a_dated_or_recalled_past_is_background_not_an_event(detector: Detector, text: str) -> None:
    assert claims(detector, text, "ru") == set()
    assert "withdrawal" in detector.detect(text, "ru").topic_ids


@pytest.mark.parametrize("text", [
    "Правда ли, что ВСУ оставили Купянск?",
    "Did Ukrainian troops really pull back from Pokrovsk?",
    "Чи справді росіяни відступили з Вовчанська?",
])
def test_a_question_is_not_an_event(detector: Detector, text: str) -> None:
    assert claims(detector, text, "other") == set()


@pytest.mark.parametrize("text", [
    "Командование может принять решение об отводе войск из Покровска.",
    "Депутаты требуют вывести войска из Купянска до конца месяца.",
    "Ukraine may have to withdraw from Pokrovsk if supply routes are cut.",
    "Якщо ЗСУ не відійдуть з Торецька, їх оточать.",
    "Бійці просять дозволу відійти з Часового Яру.",
    "Analysts expect Russian troops to retreat from Kherson within weeks.",
])
def test_plans_forecasts_demands_and_hypotheticals_are_not_events(detector: Detector, text: str) -> None:
    assert claims(detector, text, "ua") == set()


@pytest.mark.parametrize("text", [
    "Наше отступление из Бахмута — позор для командования.",
    "Отступать из Купянска нам нельзя.",
    "Сдача Херсона — это не «перегруппировка», это провал.",
    "Retreating from Toretsk would be a mistake.",
    "Я считаю, что ВСУ уже вышли из Покровска, просто это скрывают.",
    "Армия, которая отступает из Купянска без приказа, обречена.",
])
def test_opinion_about_a_withdrawal_is_not_an_event(detector: Detector, text: str) -> None:
    assert claims(detector, text, "ru") == set()


# --- the place is the place left or taken -----------------------------------------------

def test_a_subordinate_clause_is_a_claim_when_the_main_clause_makes_one_too(detector: Detector) -> None:
    assert claims(detector, "После того как ВСУ отошли из Купянска, русские заняли город.", "ua") == {
        ("withdrawal", "kupiansk", "ua", "asserted"), ("capture", "kupiansk", "ru", "asserted")}


def test_an_ongoing_withdrawal_is_asserted(detector: Detector) -> None:
    assert claims(detector, "Противник продолжает отводить технику из Часова Яра.", "ru") == {
        ("withdrawal", "chasiv-yar", "ua", "asserted")}


def test_the_place_is_the_one_left_not_the_destination_nor_a_landmark(detector: Detector) -> None:
    assert claims(detector, "ВСУ отошли из Купянска в сторону Изюма.", "ru") == {
        ("withdrawal", "kupiansk", "ua", "asserted")}
    assert claims(detector, "Russian troops retreated from Robotyne toward Tokmak.", "ua") == {
        ("withdrawal", "robotyne", "ru", "asserted")}


def test_a_place_named_in_an_earlier_sentence_is_the_place_of_a_claim_without_one(detector: Detector) -> None:
    assert claims(detector, "Вовчанськ. Наші підрозділи вийшли з міста вночі.", "ua") == {
        ("withdrawal", "vovchansk", "ua", "asserted")}


def test_every_place_of_a_list_is_its_own_event(detector: Detector) -> None:
    assert claims(detector, "ВСУ отступили из Купянска и Боровой.", "ru") == {
        ("withdrawal", "kupiansk", "ua", "asserted"), ("withdrawal", "borova", "ua", "asserted")}


# --- what is not a military withdrawal or capture at all -------------------------------

@pytest.mark.parametrize("text", [
    "The ministry withdrew its statement about Pokrovsk after protests.",
    "Міністерство відкликало заяву щодо Покровська.",
    "Наемник взят в плен под Купянском, сообщают источники.",
    "Все заложники в Харькове освобождены, сообщает полиция.",
])
def test_things_that_are_not_forces_leaving_or_taking_a_place_make_no_event(detector: Detector,
                                                                           text: str) -> None:
    assert claims(detector, text, "other") == set()


def test_a_withdrawn_statement_is_not_a_withdrawal(detector: Detector) -> None:
    assert "withdrawal" not in detector.detect("The ministry withdrew its statement about Pokrovsk").topic_ids
    assert "withdrawal" in detector.detect("The brigade withdrew from Pokrovsk").topic_ids


def test_a_post_without_an_action_word_has_no_events(detector: Detector) -> None:
    assert detector.detect("Обстрел Харькова: повреждены дома в центре.", "ua").events == ()


# --- robustness and configuration -------------------------------------------------------

_PIECES = ["ВСУ", "отошли", "из", "Купянска", "противник", "освободили", "Изюм", ",", ".", "?", ":", "—", "не",
           "фейк", "2022", "20.11.2026", "наши", "withdrew", "from", "Pokrovsk", "Russian", "troops", "fell", "\n",
           "\n\n", "«", "»", "\u00ad", "когда", "который", "якобы", "взяли", "под", "контроль", "Бахмут", "у", "-"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.sampled_from(["ru", "ua", "other", None]))
def test_any_mix_of_claim_words_gives_events_whose_words_are_in_the_text(detector: Detector, pieces: list[str],
                                                                       side: str | None) -> None:
    text = " ".join(pieces)
    for event in detector.detect(text, side).events:
        assert event.action in ("withdrawal", "capture") and event.stance in ("asserted", "denied")
        assert event.by in ("ru", "ua", None)
        assert all(text[m.start:m.end] == m.text for m in event.matches)


def test_a_mistake_in_the_events_lexicon_names_the_file_and_key(tmp_path: Path) -> None:
    for name in ("places.toml", "topics.toml"):
        shutil.copy(CONFIG / name, tmp_path / name)
    text = (CONFIG / "events.toml").read_text(encoding="utf-8").replace("[cues]\n", "[cues]\nnegaton = [\"не\"]\n")
    (tmp_path / "events.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        Detector.from_config(tmp_path)
    assert err.value.source.endswith("events.toml") and err.value.where == "cues.negaton"
    assert "unknown key" in err.value.problem


# --- other wars, police and courts ----------------------------------------------------

@pytest.mark.parametrize("text", [
    "Повстанцы взяли под контроль Алеппо, правительственные войска вышли из города.",
    "Сирийская армия отступает из районов Хамы под натиском исламистов.",
    "Военные покинули здание парламента Южной Кореи после отмены военного положения.",
    "Rebels captured Aleppo as Syrian government forces withdrew.",
    "Водитель BMW сбежал с места ДТП, его задержали правоохранители.",
    "Ответственность за взрыв взяла на себя военизированная группировка.",
    "Военный суд освободил из-под стражи бывшего офицера.",
    "Спецназ вытеснил протестующих с проспекта Руставели в центре Тбилиси.",
])
def test_claims_of_other_wars_and_of_police_and_courts_are_no_claims_of_this_front(
        detector: Detector, text: str) -> None:
    assert claims(detector, text, "ru") == set()


def test_a_claim_of_this_front_beside_news_of_another_war_is_still_a_claim(detector: Detector) -> None:
    text = "Пока в Сирии идут бои за Алеппо, ВСУ отошли из Курахово на запасные позиции."
    assert claims(detector, text, "ru") == {("withdrawal", "kurakhove", "ua", "asserted")}


# --- places that only say where the place left or taken lies -------------------------------------

NOVOMYKHAILIVKA_OF_POKROVSK_RAION = "UA14160130130080935"
HLYBOKE_OF_KHARKIV_RAION = "UA63120090160050552"
ARTEMOVE_OF_TORETSK = "UA14020110020077205"
KONDRATIVKA_OF_SUMY_RAION = "UA59080290080084186"


@pytest.mark.parametrize(("text", "side", "expected"), [
    ("Russian forces seized Novomykhailivka, south-west of Kurakhove, the ministry said.", "other",
     {("capture", NOVOMYKHAILIVKA_OF_POKROVSK_RAION, "ru", "asserted")}),
    ("Our brigade pulled back from Hlyboke north of Kharkiv overnight.", "ua",
     {("withdrawal", HLYBOKE_OF_KHARKIV_RAION, "ua", "asserted")}),
    ("Штурмовики ВС РФ освободили Артёмово северо-западнее Горловки.", "ru",
     {("capture", ARTEMOVE_OF_TORETSK, "ru", "asserted")}),
    ("Наши освободили Кондратовку. Это в 20 км от Сум. Противник откатился из села к лесу.", "ru",
     {("capture", KONDRATIVKA_OF_SUMY_RAION, "ru", "asserted"),
      ("withdrawal", KONDRATIVKA_OF_SUMY_RAION, "ua", "asserted")}),
])
def test_a_place_that_only_gives_a_direction_or_distance_is_not_the_place_taken(
        detector: Detector, text: str, side: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


def test_the_capital_named_in_another_sentence_speaks_for_its_government_not_for_a_place_left(
        detector: Detector) -> None:
    text = "В Киеве об этом предпочли промолчать. А ВСУ тем временем отошли на новые рубежи."
    assert claims(detector, text, "ru") == {("withdrawal", None, "ua", "asserted")}


@pytest.mark.parametrize(("text", "side", "expected"), [
    ("С утра каналы разгоняют, будто наши оставили Ямполовку. Только что звонил командиру — враньё, стоим.", "ru",
     ("withdrawal", "UA14120110350022381", "ru", "denied")),
    ("У мережі шириться інформація, що ЗСУ вийшли з Кліщіївки. Речник бригади спростовує: позиції утримуються.",
     "ua", ("withdrawal", "UA14020010120064151", "ua", "denied")),
])
def test_a_rumour_the_next_sentence_calls_false_is_denied(detector: Detector, text: str, side: str,
                                                          expected: tuple) -> None:
    assert claims(detector, text, side) == {expected}


@pytest.mark.parametrize(("text", "side", "expected"), [
    # the city named earlier in the clause, not the village of the sentence before
    ("Наші тримають Новоекономічне. Заяви ворога про оточення Мирнограда та «вихід ЗСУ з міста» — брехня.", "ua",
     {("withdrawal", "myrnohrad", "ua", "denied")}),
    # the village of the sentence before, not the city that locates it
    ("Наши штурмовики освободили Кондратовку под Сумами. Противник отошёл из села к лесополосе.", "ru",
     {("capture", KONDRATIVKA_OF_SUMY_RAION, "ru", "asserted"),
      ("withdrawal", KONDRATIVKA_OF_SUMY_RAION, "ua", "asserted")}),
])
def test_a_city_or_village_the_clause_does_not_name_is_the_one_of_that_kind_named_before(
        detector: Detector, text: str, side: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize("text", [
    "Наши освободили Лысовку к югу от Покровска.",
    "Наші звільнили Лисівку на південь від Покровська.",
])
def test_a_city_that_a_direction_phrase_names_is_not_the_village_taken(detector: Detector, text: str) -> None:
    assert {place for _a, place, _b, _s in claims(detector, text, "ru")} <= {None, "UA14160210140059120"}


@pytest.mark.parametrize(("text", "side", "expected"), [
    ("Остатки десанта ВСУ выдавлены из Крынок.", "ru", {("withdrawal", "UA65100110040070147", "ua", "asserted")}),
    ("Наші видавили окупантів з Кринок.", "ua", {("withdrawal", "UA65100110040070147", "ru", "asserted")}),
    ("Говорить, что наши взяли Торецк, пока рано.", "ru", {("capture", "toretsk", "ru", "denied")}),
    ("Суджу противник оставил ещё в марте.", "ru", set()),
    ("Не надо сейчас писать «Покровск наш».", "ru", set()),
])
def test_squeezed_out_too_early_to_say_a_month_long_past_and_a_cheer_not_to_write(
        detector: Detector, text: str, side: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("text", "side", "expected"), [
    ("Окупанти окупували Семенівку та просунулися поблизу Уманського.", "ua",
     {("capture", "UA14160190240019927", "ru", "asserted")}),
    ("ВСУ выбиты из Андреевки, Клещеевка обложена с трёх сторон.", "ru",
     {("withdrawal", "UA14020010030085322", "ua", "asserted")}),
])
def test_a_place_followed_by_a_predicate_of_its_own_is_not_in_the_list_of_places_taken(
        detector: Detector, text: str, side: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


OCHERETYNE = "UA14160190010012632"


@pytest.mark.parametrize(("text", "expected"), [
    ("Russia said its forces had captured Ocheretyne, a town north of Avdiivka. Ukraine's army said its troops had "
     "withdrawn from the settlement to new lines.",
     {("capture", OCHERETYNE, "ru", "asserted"), ("withdrawal", OCHERETYNE, "ua", "asserted")}),
    ("Russian troops hoisted their tricolour over the centre of Toretsk, footage shows.",
     {("capture", "toretsk", "ru", "asserted")}),
    ("Ukraine's Tavria group said its units in Toretsk had pulled back to the western outskirts.",
     {("withdrawal", "toretsk", "ua", "asserted")}),
])
def test_wire_reports_name_the_settlement_once_and_a_command_group_is_no_chat_group(
        detector: Detector, text: str, expected: set) -> None:
    assert claims(detector, text, "other") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Geolocated footage published on May 3 indicates that Russian forces seized Toretsk.",
     {("capture", "toretsk", "ru", "asserted")}),
    ("Geolocated footage indicates that Russian forces recently advanced into the Kanal microraion of Chasiv Yar.",
     {("capture", "chasiv-yar", "ru", "asserted")}),
    ("Drone footage captured the moment Russian troops were hit near Toretsk.", set()),
    ("The strike was captured on video by Ukrainian soldiers near Pokrovsk.", set()),
])
def test_geolocated_footage_of_a_capture_is_a_capture_and_a_camera_capturing_is_not(
        detector: Detector, text: str, expected: set) -> None:
    assert claims(detector, text, "other") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Министерство обороны России заявило о взятии Торецка.", {("capture", "toretsk", "ru", "asserted")}),
    ("Наши заняли круговую оборону на окраине Торецка.", set()),
    ("Бойцы заняли оборонительные позиции у Торецка.", set()),
])
def test_the_ministry_of_defence_is_an_actor_and_taking_up_a_defence_takes_no_place(
        detector: Detector, text: str, expected: set) -> None:
    assert claims(detector, text, "other") == expected


def test_footage_that_shows_a_withdrawal_reports_it(detector: Detector) -> None:
    text = "Геолокаційні кадри свідчать про відхід ЗСУ з позицій на південній околиці Торецька."
    assert claims(detector, text, "other") == {("withdrawal", "toretsk", "ua", "asserted")}


@pytest.mark.parametrize(("text", "expected"), [
    ("Кліщіївка наша!", {("capture", "UA14020010120064151", "ua", "asserted")}),
    ("Старомайорське наше! Хлопці зайшли в село з двох боків, орки відкотились на південь.",
     {("capture", "UA14040010180012001", "ua", "asserted"), ("withdrawal", "UA14040010180012001", "ru", "asserted")}),
])
def test_a_village_cried_ours_is_the_village_taken(detector: Detector, text: str, expected: set) -> None:
    assert claims(detector, text, "ua") == expected


@pytest.mark.parametrize(("text", "side", "expected"), [
    ("Минобороны России объявило о взятии Покровска. Генштаб ВСУ это опроверг.", "other",
     {("capture", "pokrovsk", "ru", "denied")}),
    ("Ukraine's military acknowledged that Russian troops had infiltrated Pokrovsk in small groups.", "other",
     {("capture", "pokrovsk", "ru", "asserted")}),
    ("У Часовому Яру противник малими групами просочився в район заводу.", "ua",
     {("capture", "chasiv-yar", "ru", "asserted")}),
])
def test_infiltrating_a_place_is_entering_it_and_the_general_staff_that_refuted_it_denies_it(
        detector: Detector, text: str, side: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Ukraine's military acknowledged on Wednesday that Soledar had fallen.", {("capture", "soledar", None, "asserted")}),
    ("Росіяни малими групами просочилися на північ, у напрямку Покровська.", set()),
])
def test_who_admits_a_place_fell_did_not_take_it_and_infiltrating_nowhere_named_takes_nothing(
        detector: Detector, text: str, expected: set) -> None:
    assert claims(detector, text, "other") == expected


@pytest.mark.parametrize(("text", "side", "expected"), [
    ("Российские штурмовики закрепились в южной части Мирнограда.", "ru", {("capture", "myrnohrad", "ru", "asserted")}),
    ("Противник закрепился в лесополосах у Мирнограда.", "ua", set()),
    ("Наши штурмовики уже в Торецке, идёт зачистка.", "ru", {("capture", "toretsk", "ru", "asserted")}),
    ("Новгородское полностью под контролем наших подразделений, противник отброшен к Торецку.", "ru",
     {("capture", "UA14020110050044480", "ru", "asserted"), ("withdrawal", "UA14020110050044480", "ua", "asserted")}),
    ("Сили оборони відтіснили росіян з північних кварталів Куп'янська.", "ua",
     {("withdrawal", "kupiansk", "ru", "asserted")}),
    ("ВС РФ освободили Лысовку под Покровском.", "ru", {("capture", "UA14160210140059120", "ru", "asserted")}),
])
def test_dug_in_already_in_pushed_back_and_a_russian_village_name_in_use(
        detector: Detector, text: str, side: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


def test_riot_police_pushing_protesters_back_from_a_parliament_is_no_withdrawal(detector: Detector) -> None:
    text = "Участников митинга в Тбилиси спецназ оттеснил от парламента."
    assert "withdrawal" not in detector.detect(text).topic_ids


@pytest.mark.parametrize(("text", "expected"), [
    ("Russian forces entered Vovchansk from the direction of Hlyboke.", {("capture", "vovchansk", "ru", "asserted")}),
    ("Российские штурмовики зашли в Торецк со стороны Железного.", {("capture", "toretsk", "ru", "asserted")}),
])
def test_the_place_a_capture_came_from_is_not_taken(detector: Detector, text: str, expected: set) -> None:
    assert claims(detector, text, "other") == expected


def test_a_reflexive_verb_after_a_place_opens_a_new_predicate(detector: Detector) -> None:
    text = "Ворог окупував Лисівку та просунувся поблизу Котлиного й Удачного."
    assert claims(detector, text, "ua") == {("capture", "UA14160210140059120", "ru", "asserted")}


@pytest.mark.parametrize(("text", "side", "expected"), [
    ("Наши освободили Вольное и Новое Шахово, противник бежал из обоих сёл в сторону Золотого Колодезя.", "ru",
     {("capture", "UA14160270040026715", "ru", "asserted"), ("capture", "UA14160270140025139", "ru", "asserted"),
      ("withdrawal", "UA14160270040026715", "ua", "asserted"), ("withdrawal", "UA14160270140025139", "ua", "asserted")}),
    ("Ukrainian troops recaptured Zolotyi Kolodiaz and Kucheriv Yar; Russian units were pushed out of both villages.",
     "other",
     {("capture", "UA14160270070025956", "ua", "asserted"), ("capture", "UA14160270100036947", "ua", "asserted"),
      ("withdrawal", "UA14160270070025956", "ru", "asserted"), ("withdrawal", "UA14160270100036947", "ru", "asserted")}),
])
def test_both_villages_are_the_two_named_before(detector: Detector, text: str, side: str, expected: set) -> None:
    assert claims(detector, text, side) == expected
