"""Events on wording that other hands use: our own sentences, in Russian, Ukrainian and
English, for each class of claim the detector missed or got wrong on a set it was not
tuned on (../shared/eval/README.md, "Events", is the contract)."""

from __future__ import annotations

import pytest

from bot.detect import Detector

W, C = "withdrawal", "capture"
ASSERTED, DENIED = "asserted", "denied"


def claims(detector: Detector, text: str, side: str) -> set[tuple]:
    return {(e.action, e.place, e.by, e.stance) for e in detector.detect(text, side).events}


# --- 1. a place left or taken with no actor named ----------------------------------------------

@pytest.mark.parametrize(("side", "text", "expected"), [
    ("ru", "Лиман сдали. Без боя.", {(W, "lyman", None, ASSERTED)}),
    ("ua", "Бахмут здали, пишуть росіяни.", {(W, "bakhmut", None, ASSERTED)}),
    ("other", "Selydove has been abandoned, according to local sources.", {(W, "selydove", None, ASSERTED)}),
    ("ua", "Вовчанськ окуповано.", {(C, "vovchansk", "ru", ASSERTED)}),
    ("ua", "Підрозділи виведено з Вугледара.", {(W, "vuhledar", None, ASSERTED)}),
    ("ru", "Войска выведены из Херсона.", {(W, "kherson", None, ASSERTED)}),
])
def test_a_place_given_up_with_no_one_named_is_still_a_claim(detector: Detector, side: str, text: str,
                                                             expected: set) -> None:
    assert claims(detector, text, side) == expected


# --- 2. the two sides of one change of hands -----------------------------------------------------

@pytest.mark.parametrize(("side", "text", "expected"), [
    ("ru", "Противник сдаёт Кременную, наши взяли уже половину города.",
     {(W, "kreminna", "ua", ASSERTED), (C, "kreminna", "ru", ASSERTED)}),
    ("ua", "Ворога вибито з Роботиного, селище під контролем ЗСУ.",
     {(W, "robotyne", "ru", ASSERTED), (C, "robotyne", "ua", ASSERTED)}),
    ("ru", "Противник выбит из Работино, посёлок под контролем ВС РФ.",
     {(W, "robotyne", "ua", ASSERTED), (C, "robotyne", "ru", ASSERTED)}),
    ("ru", "Противник бежит из Марьинки. Наши уже в центре.",
     {(W, "marinka", "ua", ASSERTED), (C, "marinka", "ru", ASSERTED)}),
    ("ua", "Зачистили Роботине, ворог відкотився.", {(C, "robotyne", None, ASSERTED), (W, "robotyne", "ru", ASSERTED)}),
    ("ua", "Окупанти драпанули з Роботиного, село наше!", {(W, "robotyne", "ru", ASSERTED), (C, "robotyne", "ua", ASSERTED)}),
])
def test_a_post_that_tells_both_who_left_and_who_took_a_place_has_both_claims(detector: Detector, side: str,
                                                                              text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    ("ru", "Работино полностью под нашим контролем.", {(C, "robotyne", "ru", ASSERTED)}),
    ("ua", "Роботине повністю під контролем Сил оборони.", {(C, "robotyne", "ua", ASSERTED)}),
])
def test_full_control_declared_over_a_place_is_its_capture_by_who_holds_it(detector: Detector, side: str,
                                                                          text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    ("ua", "Роботине перейшло під контроль ворога.", {(C, "robotyne", "ru", ASSERTED)}),
    ("ru", "Кременная перешла под контроль противника.", {(C, "kreminna", "ua", ASSERTED)}),
    ("other", "Toretsk came under Russian control.", {(C, "toretsk", "ru", ASSERTED)}),
])
def test_a_place_passing_under_a_sides_control_is_that_sides_capture(detector: Detector, side: str, text: str,
                                                                     expected: set) -> None:
    assert claims(detector, text, side) == expected


def test_fighting_in_a_places_centre_is_no_capture(detector: Detector) -> None:
    text = "Очеретино: по данным наших источников, бои идут уже в центре посёлка."
    assert {e.action for e in detector.detect(text, "ru").events} == set()


# --- 3. a command's order to leave -----------------------------------------------------------------

@pytest.mark.parametrize(("side", "text", "expected"), [
    ("ua", "Дали команду відходити з Вовчанська.", {(W, "vovchansk", None, ASSERTED)}),
    ("ru", "Подразделениям дали команду отходить из Кременной.", {(W, "kreminna", None, ASSERTED)}),
    ("other", "Ukrainian troops were forced to retreat from Toretsk.", {(W, "toretsk", "ua", ASSERTED)}),
    ("ua", "Наші підрозділи змушені були відійти з Торецька.", {(W, "toretsk", "ua", ASSERTED)}),
])
def test_a_command_given_to_pull_back_is_an_asserted_withdrawal(detector: Detector, side: str, text: str,
                                                                expected: set) -> None:
    assert claims(detector, text, side) == expected


# --- 4. the other side's claim, denied -------------------------------------------------------------

@pytest.mark.parametrize(("side", "text", "expected"), [
    ("ru", "ВСУ заявляют, что вернули Работино. Ложь: посёлок под контролем наших.",
     {(C, "robotyne", "ua", DENIED)}),
    ("ua", "Kupiansk has not been surrendered, and Russian troops have not taken the city.",
     {(W, "kupiansk", None, DENIED), (C, "kupiansk", "ru", DENIED)}),
    ("ru", "Киевские паблики пишут, что наши отошли из Кременной. Вброс.", {(W, "kreminna", "ru", DENIED)}),
    ("ua", "Росіяни заявляють про захоплення Торецька. Це не відповідає дійсності.", {(C, "toretsk", "ru", DENIED)}),
    ("ua", "Russia claims it captured Chasiv Yar. That is not true: the town is held by our troops.",
     {(C, "chasiv-yar", "ru", DENIED)}),
    ("other", "Kyiv denies Russian claims that Kupiansk has fallen.", {(C, "kupiansk", None, DENIED)}),
    ("ua", "Це не падіння Покровська, а вихід з окремих позицій.", {(C, "pokrovsk", None, DENIED)}),
    ("ru", "Нет, Угледар никто не сдавал.", {(W, "vuhledar", "ru", DENIED)}),
    ("ua", "Російські пропагандисти брешуть, що взяли Куп'янськ.", {(C, "kupiansk", "ru", DENIED)}),
    ("ru", "Слухи о сдаче Купянска не подтверждаются.", {(W, "kupiansk", None, DENIED)}),
])
def test_a_claim_reported_only_to_be_called_false_is_denied_and_keeps_its_taker(detector: Detector, side: str,
                                                                                text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    ("ua", "Знову читаю в російських пабліках, що ЗСУ «тікають з Куп'янська». Місто наше, хлопці стоять.",
     {(W, "kupiansk", "ua", DENIED)}),
    ("ru", "Укропаблики пишут, что ВСУ зашли в Работино. Посёлок под контролем наших.", {(C, "robotyne", "ua", DENIED)}),
    ("ua", "Росіяни заявляють, що взяли Часів Яр. Місто тримаємо.", {(C, "chasiv-yar", "ru", DENIED)}),
])
def test_the_other_sides_claim_answered_by_we_hold_the_place_is_denied(detector: Detector, side: str, text: str,
                                                                       expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    ("ua", "Генштаб повідомляє, що наші підрозділи відійшли з Торецька. Решту позицій тримаємо.",
     {(W, "toretsk", "ua", ASSERTED)}),
    ("ua", "Росіяни відійшли з Роботиного. Село тримаємо.", {(W, "robotyne", "ru", ASSERTED)}),
])
def test_holding_the_rest_after_our_own_report_denies_nothing(detector: Detector, side: str, text: str,
                                                              expected: set) -> None:
    assert claims(detector, text, side) == expected


# --- 5. whose forces --------------------------------------------------------------------------------

@pytest.mark.parametrize(("side", "text", "expected"), [
    ("ru", "🇷🇺 Пацаны зашли в Работино!", {(C, "robotyne", None, ASSERTED)}),
    ("ru", "Мужики отошли из Работино.", {(W, "robotyne", None, ASSERTED)}),
    ("other", "Ukrainian forces were pushed out of Robotyne.", {(W, "robotyne", "ua", ASSERTED)}),
    ("ua", "Ворога вибито з Куп'янська.", {(W, "kupiansk", "ru", ASSERTED)}),
    ("ru", "Противника выбили из Торецка.", {(W, "toretsk", "ua", ASSERTED)}),
    ("ua", "Окупантів вибили з Роботиного.", {(W, "robotyne", "ru", ASSERTED)}),
    ("ru", "По информации с мест, Торецк оставлен нашими подразделениями.", {(W, "toretsk", "ru", ASSERTED)}),
    ("other", "Окупаційні війська відступили з Роботиного.", {(W, "robotyne", "ru", ASSERTED)}),
    ("other", "The Defence Forces withdrew from Toretsk.", {(W, "toretsk", "ua", ASSERTED)}),
    ("other", "Kremlin forces pulled back from Kreminna.", {(W, "kreminna", "ru", ASSERTED)}),
    ("other", "A Russian military blogger concedes troops were pulled back from Vovchansk.",
     {(W, "vovchansk", "ru", ASSERTED)}),
    ("other", "Ukrainian forces retook a plant in Vovchansk after Russian troops withdrew from the site they had "
              "held since spring.", {(C, "vovchansk", "ua", ASSERTED), (W, "vovchansk", "ru", ASSERTED)}),
])
def test_street_slang_names_no_side_and_the_one_pushed_out_is_who_withdrew(detector: Detector, side: str,
                                                                           text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


# --- 6. the place of the claim ---------------------------------------------------------------------

@pytest.mark.parametrize(("side", "text", "expected"), [
    ("ru", "В районе Работино наши отошли на вторую линию.", {(W, "robotyne", "ru", ASSERTED)}),
    ("ua", "У районі Вовчанська ворог відступив.", {(W, "vovchansk", "ru", ASSERTED)}),
    ("ua", "Над Роботиним знову прапор України!", {(C, "robotyne", None, ASSERTED)}),
])
def test_a_withdrawal_in_the_area_of_a_place_and_a_flag_over_it_name_that_place(detector: Detector, side: str,
                                                                                text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


def test_a_retreat_from_a_places_approaches_is_a_withdrawal_from_no_named_place(detector: Detector) -> None:
    assert claims(detector, "Противник отступил с подступов к Торецку.", "ru") == {(W, None, "ua", ASSERTED)}


def test_a_flag_over_a_place_on_its_holiday_is_no_capture(detector: Detector) -> None:
    assert claims(detector, "Над Харковом майорить прапор у День Незалежності.", "ua") == set()


# --- 7. not news -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("side", "text"), [
    ("ru", "Админы отступают на заранее подготовленные позиции на даче. Вернёмся в понедельник."),
    ("ua", "Адміни відступають на заздалегідь підготовлені позиції у відпустку."),
    ("ru", "Когда оставили Лиман — назвали перегруппировкой."),
    ("ru", "Когда ВСУ уходили из Херсона, это назвали жестом доброй воли."),
    ("ru", "Как и в Херсоне, где наши отошли за Днепр, решение принимали наверху."),
    ("ua", "Того разу ми вийшли з Херсона без втрат."),
    ("ru", "Падение Покровска — вопрос времени."),
    ("ua", "Уявіть, що ми залишили Покровськ. Що далі?"),
])
def test_a_joke_or_a_past_named_in_passing_is_no_claim(detector: Detector, side: str, text: str) -> None:
    assert claims(detector, text, side) == set()


@pytest.mark.parametrize(("side", "text"), [
    ("ru", "ВСУ будут вынуждены отступить из Курахово."),
    ("ru", "Робсон был вынужден бежать за рубеж от уголовного преследования."),
    ("ru", "Бригаду вывели из Покровска на отдых."),
])
def test_a_retreat_still_to_come_a_flight_from_the_law_or_a_rest_is_no_claim(detector: Detector, side: str,
                                                                             text: str) -> None:
    assert claims(detector, text, side) == set()


def test_an_order_to_retreat_that_never_came_speaks_of_a_withdrawal_but_claims_none(detector: Detector) -> None:
    detection = detector.detect("Наказ відступати так і не надійшов.", "ua")
    assert "withdrawal" in detection.topic_ids
    assert detection.events == ()


# --- 8. a flag raised, the taker unknown -------------------------------------------------------------

@pytest.mark.parametrize(("side", "text"), [
    ("other", "A flag was raised over Robotyne; it is still unclear whose troops did it."),
    ("other", "A Ukrainian flag was raised over Robotyne, but it is unclear who raised it."),
    ("ru", "Над Работино снова наш флаг."),
])
def test_a_flag_raised_over_a_place_is_its_capture_by_no_named_side(detector: Detector, side: str,
                                                                    text: str) -> None:
    assert claims(detector, text, side) == {(C, "robotyne", None, ASSERTED)}


# --- 9. how news agencies and monitoring projects word them ------------------------------------------

@pytest.mark.parametrize(("side", "text", "expected"), [
    # a bracketed oblast after each village does not end the list
    ("other", "Украинские войска были вынуждены оставить позиции в сёлах Крынки (Херсонская область) и "
              "Урожайное (Донецкая область).",
     {(W, "UA65100110040070147", "ua", ASSERTED), (W, "UA14040010280021312", "ua", ASSERTED)}),
    # the genitive after "under the control of" is who took them
    ("ua", "Сусідні села Роботине і Кринки потрапили під контроль загарбників.",
     {(C, "robotyne", "ru", ASSERTED), (C, "UA65100110040070147", "ru", ASSERTED)}),
    ("ru", "Несколько сёл под Работино перешли под контроль российских войск.", {(C, None, "ru", ASSERTED)}),
    # "where" opens a clause about the place before it
    ("ua", "Найважче в районі села Роботине, куди зайшли росіяни.", {(C, "robotyne", "ru", ASSERTED)}),
    # a part of a side's forces
    ("ua", "Частина російських військ відійшла з Роботиного.", {(W, "robotyne", "ru", ASSERTED)}),
    ("ru", "Часть украинских войск, по словам военкоров, отошла из Курахово.", {(W, "kurakhove", "ua", ASSERTED)}),
    # the oblast of a raion is where a destination lies, not a place left
    ("ru", "ВСУ отошли в район села Ольгино Бериславского района Херсонской области.", {(W, None, "ua", ASSERTED)}),
])
def test_the_wording_of_agency_and_monitoring_reports(detector: Detector, side: str, text: str,
                                                      expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the capital whose forces act is no place left
    ("Russian troops captured Vuhledar a day after Kyiv's forces said they were withdrawing from the town.",
     {(C, "vuhledar", "ru", ASSERTED), (W, "vuhledar", "ua", ASSERTED)}),
    ("Kyiv's forces have liberated eight settlements over two weeks.", {(C, None, "ua", ASSERTED)}),
    # a region that only says where the village lies is not the place taken
    ("Russia said its forces had captured a small village in Ukraine's eastern Donetsk region.",
     {(C, None, "ru", ASSERTED)}),
    ("Russian forces took control of the village of Urozhaine in eastern Ukraine's Donetsk region.",
     {(C, "UA14040010280021312", "ru", ASSERTED)}),
    # villages taken but not named are not the place named in passing before them
    ("Since the fall of Avdiivka in February, Russian forces have taken over a dozen villages.",
     {(C, None, "ru", ASSERTED)}),
])
def test_an_english_wire_report_names_the_place_taken_not_the_region_or_the_capital(
        detector: Detector, text: str, expected: set) -> None:
    assert claims(detector, text, "other") == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # fighting for a place is not taking it; a chance of retreat had or not is no retreat
    ("ru", "Военкор отметил, что российские войска начали бои за освобождение Часова Яра.", set()),
    ("ru", "Части ВСУ не имели возможности отойти из Курахово.", set()),
    ("ua", "Окупанти не мали можливості відступити з Роботиного.", set()),
    # those pushed out withdrew, in a participle too
    ("ru", "Части ВСУ, выбитые из Красного Лимана, отошли к Ямполю.", {(W, "lyman", "ua", ASSERTED)}),
])
def test_a_fight_for_a_place_or_a_chance_of_retreat_is_no_claim_and_the_expelled_withdrew(
        detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # the forces that claim it are the ones who did it; channels that claim it are not
    ("other", "Russian forces claim to have captured Kurakhove; Kyiv says fighting continues.",
     {(C, "kurakhove", "ru", ASSERTED)}),
    ("other", "Russian channels claim that Ukrainian troops left Kurakhove.", {(W, "kurakhove", "ua", ASSERTED)}),
    # a neighbouring brigade of the channel's side
    ("ua", "Сусідня бригада відійшла з Роботиного, щоб не втратити людей.", {(W, "robotyne", "ua", ASSERTED)}),
])
def test_forces_that_claim_and_a_neighbouring_brigade_are_the_actors(detector: Detector, side: str, text: str,
                                                                      expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # "сдали X", "left X": the place may be any settlement, not only one of places.toml
    ("ru", "Враг сдал Новогродовку без боя.", {(W, "UA14160170010061687", "ua", ASSERTED)}),
    ("other", "Ukrainian troops left Novohrodivka on Sunday, the army said.", {(W, "UA14160170010061687", "ua", ASSERTED)}),
    ("ua", "ЗСУ здали Новогродівку, пишуть росіяни.", {(W, "UA14160170010061687", "ua", ASSERTED)}),
])
def test_a_verb_that_needs_a_place_takes_any_settlement(detector: Detector, side: str, text: str,
                                                        expected: set) -> None:
    assert claims(detector, text, side) == expected


def test_a_verb_that_needs_a_place_does_not_take_a_name_that_is_no_place(detector: Detector) -> None:
    detection = detector.detect("Студент сдал Петрову курсовую в срок.", "ru")
    assert detection.topic_ids == ()


@pytest.mark.parametrize(("side", "text", "expected"), [
    # failing to take a place denies its capture; managing to claims it
    ("ua", "Росіяни не змогли захопити Вугледар, штурм відбито.", {(C, "vuhledar", "ru", DENIED)}),
    ("ru", "Российские войска не смогли войти в Купянск.", {(C, "kupiansk", "ru", DENIED)}),
    ("ua", "Росіяни змогли зайти в Курахове.", {(C, "kurakhove", "ru", ASSERTED)}),
    # seizing weapons or vehicles is no place taken
    ("ru", "Они сумели захватить несколько образцов военной техники под Курахово.", set()),
])
def test_failing_or_managing_to_take_a_place(detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a denial before another claim is about that one, not the withdrawal reported first
    ("A brigade spokesperson said Ukrainian forces withdrew from Novohrodivka, but denied claims that Russian "
     "forces had seized Selydove.",
     {(W, "UA14160170010061687", "ua", ASSERTED), (C, "selydove", "ru", DENIED)}),
    # a village we do not know is not the town named in the sentence before
    ("Russian forces seized Illinka, south of Kurakhove. Milbloggers claimed Russian forces also captured "
     "Zarichne-Pivdenne.", {(C, "UA14160110040033449", "ru", ASSERTED)}),
    # English news writes Дальнє "Dalne"
    ("Milbloggers claimed that Russian forces captured Dalne, south of Kurakhove.",
     {(C, "UA14160110120032432", "ru", ASSERTED)}),
    # a list goes on past a name we do not know
    ("Russian forces have withdrawn personnel from Polohy, Mykhailivka, and Inzhenerne in Zaporizhzhia Oblast.",
     {(W, "UA23100190010032690", "ru", ASSERTED), (W, "UA23100190090027195", "ru", ASSERTED)}),
])
def test_an_analysts_daily_report_keeps_each_claim_to_its_own_place_and_stance(
        detector: Detector, text: str, expected: set) -> None:
    assert claims(detector, text, "other") == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # Мирноград is a city, not civilians ("мирные жители" rule a withdrawal word out)
    ("ua", "Підрозділи Сил оборони з метою збереження життя особового складу відійшли з Мирнограда на більш "
           "вигідні позиції.", {(W, "myrnohrad", "ua", ASSERTED)}),
    ("ru", "ВСУ отошли из Мирнограда.", {(W, "myrnohrad", "ua", ASSERTED)}),
    # "те" are the other side named between, not the units that open the sentence
    ("ru", "Подразделения российских войск продвигаются, не позволяя украинским силам закрепиться на позициях, "
           "куда те отходят.", {(W, None, None, ASSERTED)}),
    # a month ago is a past the post dates
    ("ru", "Месяц назад противник оставил микрорайон Канал в Часовом Яре, теперь бои идут в центре.", set()),
])
def test_a_city_named_like_a_word_units_of_a_side_and_a_month_ago(detector: Detector, side: str, text: str,
                                                                   expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # "there is no withdrawal", said after the noun
    ("ua", "Про Покровськ чесно. Ворог зайшов у південні квартали. Виходу з міста немає, поки є наказ.",
     {(C, "pokrovsk", "ru", ASSERTED), (W, "pokrovsk", None, DENIED)}),
    ("ru", "Отхода из Купянска нет, не ведитесь на панику.", {(W, "kupiansk", None, DENIED)}),
    # the other side's capture, answered by "the town is not lost"; "ours stand" alone is no answer
    ("ua", "Росіяни заявили про «звільнення» Торецька. Насправді бої тривають, місто не втрачено.",
     {(C, "toretsk", "ru", DENIED)}),
    ("ua", "Росіяни захопили Торецьк. Наші стоять на нових рубежах.", {(C, "toretsk", "ru", ASSERTED)}),
])
def test_no_withdrawal_there_and_a_town_not_lost_deny_the_claim(detector: Detector, side: str, text: str,
                                                                 expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # a look back that opens a long post frames only what comes before its news
    ("ru", "Долго молчал, теперь можно. Год назад мы стояли под Авдеевкой и думали, что это надолго. Сегодня наши "
           "штурмовики зашли в Покровск с юга. Противник отходит к Мирнограду.",
     {(C, "pokrovsk", "ru", ASSERTED), (W, "pokrovsk", "ua", ASSERTED)}),
    ("ru", "Год назад наши освободили Авдеевку. Вспоминаем ребят, которые шли первыми.", set()),
    # a report after a recalled past opens news
    ("other", "A Russian milblogger complained about the pace of the offensive, recalled the 2022 retreat from "
              "Kharkiv Oblast, and claimed that Russian forces had finally entered Kupiansk.",
     {(C, "kupiansk", "ru", ASSERTED)}),
    # the second word of a name is none of the words that rule a claim out ("первое место")
    ("ru", "Сводка: ВС РФ освободили Шевченко Первое.", {(C, "UA14160050310025403", "ru", ASSERTED)}),
])
def test_claims_of_a_long_post_that_looks_back_first(detector: Detector, side: str, text: str,
                                                     expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # where the forces went, in the accusative after в/на, is no place left; in the locative it is
    ("ru", "ВСУ оставили позиции у Часова Яра и отошли в Торецк.", {(W, "chasiv-yar", "ua", ASSERTED)}),
    ("ua", "ЗСУ відійшли у Торецьк.", {(W, None, "ua", ASSERTED)}),
    ("ru", "ВСУ отошли в Покровске на новые позиции.", {(W, "pokrovsk", "ua", ASSERTED)}),
    # entering one is taking it
    ("ru", "Наши вошли в Торецк.", {(C, "toretsk", "ru", ASSERTED)}),
])
def test_a_withdrawal_into_a_town_is_not_from_it(detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Ukraine lost control of Selydove, the military said.", {(W, "selydove", "ua", ASSERTED)}),
    ("Russian forces overran Novohrodivka.", {(C, "UA14160170010061687", "ru", ASSERTED)}),
    # a side that claims a capture took it; bloggers who report it did not
    ("Russia claims full control of Vuhledar.", {(C, "vuhledar", "ru", ASSERTED)}),
    ("Russian milbloggers report that Toretsk has fallen.", {(C, "toretsk", None, ASSERTED)}),
])
def test_english_verbs_of_losing_and_overrunning_and_a_side_that_claims(detector: Detector, text: str,
                                                                       expected: set) -> None:
    assert claims(detector, text, "other") == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # an attack beside a word that only means taking back is how it was taken back
    ("other", "A Ukrainian counter-attack retook Tabaivka in the Kupiansk district late on Monday.",
     {(C, "UA63080130150017580", "ua", ASSERTED)}),
    ("other", "Ukrainian forces recently regained positions in western Kurakhove.",
     {(C, "kurakhove", "ua", ASSERTED)}),
    # pushing into a place enters it: no one was pushed out
    ("other", "Russian forces have pushed into the south-eastern edge of Kostiantynivka.",
     {(C, "kostiantynivka", "ru", ASSERTED)}),
    # accounts that report are speakers, not a bank's
    ("other", "Several Telegram accounts reported that Ukrainian troops had left Siversk.",
     {(W, "siversk", "ua", ASSERTED)}),
    ("ua", "Русня драпає з Глибокого на північ від Харкова!", {(W, "UA63120090160050552", "ru", ASSERTED)}),
])
def test_taking_back_pushing_into_and_reporting_accounts(detector: Detector, side: str, text: str,
                                                         expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # a claim quoted, then called fake in the next sentence
    ("ua", "Зранку по пабліках розлетілося: «ЗСУ покинули Торецьк». Перевірили у наших на місці — фейк.",
     {(W, "toretsk", "ua", DENIED)}),
    ("ua", "«ЗСУ покинули Торецьк». Перевірили у наших на місці — фейк.", {(W, "toretsk", "ua", DENIED)}),
    ("ua", "Russian channels are screaming that 'the Ukrainians are fleeing Huliaipole'. Neither is true.",
     {(W, "huliaipole", "ua", DENIED)}),
    # a liberation mocked in scare quotes is the other side's, denied
    ("ua", "Кремлівські пропагандисти вкотре «звільнили» Суджу. Як і минулого разу — брехня.",
     {(C, "sudzha", "ru", DENIED)}),
    ("ua", "Руснява вже втретє «звільнила» Роботине 😂", {(C, "robotyne", "ru", DENIED)}),
    # distancing quotes in a report still assert the claim
    ("other", "Російське міноборони заявило про «звільнення» Новогродівки.",
     {(C, "UA14160170010061687", "ru", ASSERTED)}),
    ("other", "Moscow said its forces had 'liberated' Robotyne, a claim AFP could not verify.",
     {(C, "robotyne", "ru", ASSERTED)}),
])
def test_a_quoted_claim_answered_or_mocked_is_denied_and_a_reported_one_is_not(
        detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # a capital that speaks is not the place left
    ("other", "Ukrainian troops have retreated from two villages east of Pokrovsk, Kyiv said on Sunday.",
     {(W, None, "ua", ASSERTED)}),
    ("ua", "ЗСУ вийшли з мікрорайону Канал у Часовому Яру, повідомив речник угруповання.",
     {(W, "chasiv-yar", "ua", ASSERTED)}),
    # "the town" may be an urban-type settlement, not only a city
    ("other", "Ukraine said its forces had pulled out of Velyka Novosilka, days after Russia's defence ministry "
              "claimed to have captured the town.",
     {(W, "velyka-novosilka", "ua", ASSERTED), (C, "velyka-novosilka", "ru", ASSERTED)}),
    # the lines fallen back to lie by the place; lines left there were the place's
    ("ua", "Наші підрозділи відійшли на більш вигідні рубежі в районі Новоселівки Першої.", {(W, None, "ua", ASSERTED)}),
    ("ua", "Окупанти покинули позиції біля Степногірська після удару HIMARS.",
     {(W, "UA23040210010095541", "ru", ASSERTED)}),
    # positions taken up are no place taken
    ("ua", "Сирський ухвалив рішення про вихід підрозділів із Селидового. Війська зайняли заздалегідь підготовлені "
           "позиції.", {(W, "selydove", None, ASSERTED)}),
    ("ru", "Подразделения группировки «Запад» заняли новые рубежи и позиции, отразили три контратаки.", set()),
    # "уже" with a verb between: the place is the verb's
    ("ru", "Штурмовые группы уже накапливаются у Предтечино, подвоз БК идёт круглосуточно.", set()),
    ("ru", "Наши уже в Покровске!", {(C, "pokrovsk", "ru", ASSERTED)}),
    # an adverbial participle after the action names the place left
    ("ru", "На Северском направлении наши подразделения выровняли линию фронта, оставив посёлок Выемка.",
     {(W, "UA14020090340091913", "ru", ASSERTED)}),
])
def test_speakers_towns_lines_and_positions_are_read_for_what_they_are(detector: Detector, side: str, text: str,
                                                                       expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # "за" of a time before the verb sends no place anywhere
    ("ua", "Сирський: за тиждень Сили оборони звільнили Кіндрашівку та Радьківку на Куп’янському напрямку.",
     {(C, "UA63080070010082928", "ua", ASSERTED), (C, "UA63080070250094966", "ua", ASSERTED)}),
    # the noun of leaving names who left before the place
    ("ru", "Информация о выходе подразделений ВС РФ из Кременной не соответствует действительности.",
     {(W, "kreminna", "ru", DENIED)}),
])
def test_a_time_before_the_verb_and_the_forces_between_a_noun_and_its_place(detector: Detector, side: str, text: str,
                                                                            expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # a region in the heading says where, it was not left
    ("ru", "Belgorod region: the enemy attempted to break through near Shebekino. The attack was repelled and the "
           "enemy retreated with heavy losses.", {(W, None, "ua", ASSERTED)}),
    # "ours" after "again" and before a flag
    ("ru", "Работино снова наше 🇷🇺 Штурмовые отряды выбили ВСУ с северной окраины.",
     {(C, "robotyne", "ru", ASSERTED), (W, "robotyne", "ua", ASSERTED)}),
    # one of our companies withdrew
    ("ua", "Так, одна з наших рот вчора відійшла з позицій на узліссі метрів на 300.", {(W, None, "ua", ASSERTED)}),
    # the place a locator follows is the one that fell
    ("other", "Ocheretyne, a village north-west of Avdiivka, has fallen, a Ukrainian spokesperson acknowledged.",
     {(C, "UA14160190010012632", None, ASSERTED)}),
])
def test_a_heading_region_ours_again_one_of_our_units_and_a_located_place_that_fell(
        detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    ("ru", "ВСУ выбили наши подразделения из Степовой Новоселовки под Купянском.",
     {(W, "UA63080130140094059", "ru", ASSERTED)}),
    ("ua", "Окупанти вибили наших хлопців з Кліщіївки.", {(W, "UA14020010120064151", "ua", ASSERTED)}),
])
def test_our_units_pushed_out_withdrew(detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # a denial of "claims" with no side named
    ("other", "Kyiv rejected claims by Moscow that Russian troops had captured Kupiansk, saying Ukrainian forces "
              "continue to hold the city.", {(C, "kupiansk", "ru", DENIED)}),
    # islands across the river from a city are not the city
    ("ua", "Російські підрозділи відійшли з позицій на дніпровських островах навпроти Херсона, повідомив речник.",
     {(W, None, "ru", ASSERTED)}),
    # pressing into a town enters it
    ("other", "Ukraine's top commander said troops had withdrawn from Sudzha to avoid encirclement, as Russian forces "
              "pressed into the town from the north.", {(W, "sudzha", "ua", ASSERTED), (C, "sudzha", "ru", ASSERTED)}),
    # a quoted claim answered "no", or by saying it again negated
    ("ua", "«ЗСУ залишили Велику Новосілку» — пишуть z-канали. Відповідаємо: ні, не залишили. Бригада тримає оборону.",
     {(W, "velyka-novosilka", "ua", DENIED)}),
    ("ua", "Щодня хтось пише «наші вже здали Покровськ». Ні, не здали.", {(W, "pokrovsk", "ua", DENIED)}),
    # who says a capture in scare quotes claims it
    ("ua", "Российские пропагандисты в очередной раз «взяли» Часов Яр. Это ложь: город контролируют Силы обороны.",
     {(C, "chasiv-yar", "ru", DENIED)}),
])
def test_rejected_claims_islands_across_a_river_and_answers_to_a_quoted_claim(
        detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # a claim of full control is a claim of capture, here called untrue
    ("ua", "❌ Дворічна — росіяни заявляють про повний контроль, це неправда, бої тривають.",
     {(C, "UA63080050010081319", "ru", DENIED)}),
    ("ua", "Минобороны РФ заявило о полном контроле над Угледаром.", {(C, "vuhledar", "ru", ASSERTED)}),
])
def test_a_claim_of_full_control_is_a_capture(detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # the fighters of our brigade are ours
    ("ua", "Штурмовики нашої бригади зайшли в Новопрокопівку та закріпилися на південній околиці.",
     {(C, "UA23100270090070068", "ua", ASSERTED)}),
    # a place said to be ours as a fact, with no exclamation
    ("ru", "Торецк фактически наш, осталось дочистить окраины.", {(C, "toretsk", "ru", ASSERTED)}),
    ("ru", "Противник бежит из Торецка. Город фактически наш, осталось дочистить окраины.",
     {(W, "toretsk", "ua", ASSERTED), (C, "toretsk", "ru", ASSERTED)}),
    # "Город" opening a sentence is the noun, not the village Город
    ("ru", "Наши вошли в Торецк. Город наш!", {(C, "toretsk", "ru", ASSERTED)}),
])
def test_our_fighters_and_a_town_said_to_be_ours(detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # entering the enemy's positions in a place takes part of it; taking up new lines takes none
    ("ua", "❗️Вовчанськ, від побратимів: росіяни відійшли з території агрегатного заводу, наші штурмовики зайшли на "
           "позиції, де ворог сидів з весни.", {(W, "vovchansk", "ru", ASSERTED), (C, "vovchansk", "ua", ASSERTED)}),
    ("ru", "Подразделения группировки «Запад» заняли новые рубежи и позиции.", set()),
])
def test_the_enemys_positions_entered_take_part_of_the_place_and_new_lines_none(detector: Detector, side: str,
                                                                                text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # a side's claim the other has not confirmed is still asserted; a rumour not confirmed is denied
    ("other", "Министерство обороны России заявило, что российские войска освободили Новомихайловку — село к югу от "
              "Курахово. Генштаб ВСУ эту информацию не подтвердил.", {(C, "UA14160130130080935", "ru", ASSERTED)}),
    ("other", "Russia's defence ministry claims its troops captured Kurakhove; Kyiv has not confirmed.",
     {(C, "kurakhove", "ru", ASSERTED)}),
    ("ru", "Слухи о сдаче Купянска не подтверждаются.", {(W, "kupiansk", None, DENIED)}),
])
def test_not_confirmed_denies_a_rumour_but_not_a_sides_claim(detector: Detector, side: str, text: str,
                                                            expected: set) -> None:
    assert claims(detector, text, side) == expected


# --- round 5: map shorthand, unit phrases, demands, claims answered by a denial of "this information" ---

@pytest.mark.parametrize(("side", "text", "expected"), [
    # map accounts' shorthand and the Russian army's groups of forces name the side
    ("other", "RU infiltration group entered the southern outskirts of Kostiantynivka.",
     {(C, "kostiantynivka", "ru", ASSERTED)}),
    ("ru", "Units of the Vostok Group of Forces took control of Velyka Novosilka.",
     {(C, "velyka-novosilka", "ru", ASSERTED)}),
    # the fighters of our brigade, in English
    ("ua", "Soldiers of our brigade cleared the railway station district of Kupiansk.", {(C, "kupiansk", "ua", ASSERTED)}),
    # full control held by a side named after "of the"
    ("ua", "Vovchansk is under the full control of the Russian Armed Forces.", {(C, "vovchansk", "ru", ASSERTED)}),
    # a part of a side's garrison, its adjective in the singular genitive
    ("ru", "Часть украинского гарнизона отошла из Покровска в сторону Гришино.", {(W, "pokrovsk", "ua", ASSERTED)}),
])
def test_who_acted_in_map_shorthand_unit_names_and_of_phrases(detector: Detector, side: str, text: str,
                                                              expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # a participle describing a noun is no claim
    ("other", "Kyiv hoped to trade the captured land for guarantees.", set()),
    # what someone demands be done has not happened; what someone reports has
    ("other", "Moscow demanded that Ukraine withdraw its troops from Kramatorsk.", set()),
    ("other", "Кремль требует, чтобы ВСУ ушли из Славянска.", set()),
    ("other", "Генштаб сообщил, что ВСУ ушли из Краматорска.", {(W, "kramatorsk", "ua", ASSERTED)}),
    # part of a month, in English, dates a past
    ("other", "Russian troops had entered Vovchansk in mid-May, but the town is contested.", set()),
])
def test_demands_described_nouns_and_dated_pasts_are_not_claims(detector: Detector, side: str, text: str,
                                                                 expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # the side whose voices claim a capture is who would have taken the place
    ("ua", "Заяви російських пабліків про захоплення Куп'янська не відповідають дійсності.",
     {(C, "kupiansk", "ru", DENIED)}),
    ("ua", "Міноборони росії вкотре «захопило» Борову. Це фейк.", {(C, "borova", "ru", DENIED)}),
    # "this information" denied in the next sentence
    ("other", "Минобороны РФ заявило о взятии Часова Яра. В ВСУ эту информацию опровергли.",
     {(C, "chasiv-yar", "ru", DENIED)}),
])
def test_a_sides_claimed_capture_denied_keeps_the_side_that_claims_it(detector: Detector, side: str, text: str,
                                                                     expected: set) -> None:
    assert claims(detector, text, side) == expected


def test_a_region_named_before_a_village_left_only_says_where_it_is(detector: Detector) -> None:
    found = claims(detector, "На Харківщині окупантів вибито з Вовчанська.", "ua")
    assert found == {(W, "vovchansk", "ru", ASSERTED)}


@pytest.mark.parametrize(("side", "text", "expected"), [
    # "on the Pokrovsk axis" names where, not what was taken
    ("other", "Russian forces captured Myrnohrad on the Pokrovsk axis.", {(C, "myrnohrad", "ru", ASSERTED)}),
    # a town a compass word sets the clause by only says where the other place lies
    ("ru", "Южнее Угледара наши подразделения закрепились в Пречистовке.",
     {(C, "UA14040050110090801", "ru", ASSERTED)}),
])
def test_an_axis_or_a_compass_bearing_only_locates_the_place_taken(detector: Detector, side: str, text: str,
                                                                  expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # a map mentioned near a capture is no bank card that cancels it
    ("other", "Карта обновлена 🗺\nПо геолокации: ВС РФ заняли Петропавловку Купянского района.",
     {(C, "UA63080130010073205", "ru", ASSERTED)}),
    # the other side's claim, answered by where the map puts the front
    ("ua", "Z-каналы пишут: «Русская армия взяла Степногорск». Открываем карту DeepState — Степногорск под контролем "
           "Сил обороны.", {(C, "UA23040210010095541", "ru", DENIED)}),
    # a statement refuted with no demonstrative
    ("other", "Минобороны России заявило о взятии Покровска. Генштаб ВСУ заявление опроверг.",
     {(C, "pokrovsk", "ru", DENIED)}),
    # «Пока же» is "for now", not "while"
    ("ru", "Если Купянск-Узловой падёт, левый берег будет потерян. Пока же наши штурмовые группы зашли в восточную "
           "часть Купянска-Узлового.", {(C, "kupiansk-vuzlovyi", "ru", ASSERTED)}),
])
def test_maps_statements_refuted_and_for_now_clauses(detector: Detector, side: str, text: str,
                                                     expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # "the city" after a town's name in a heading is that town
    ("ru", "▪️ Суджа: противник в спешке покидает город, бросая технику.", {(W, "sudzha", "ua", ASSERTED)}),
    # fleeing right after the place was entered leaves that place, not the road's end
    ("ru", "Наши штурмовики зашли в Суджу, укры бегут по трассе на Юнаковку.",
     {(C, "sudzha", "ru", ASSERTED), (W, "sudzha", "ua", ASSERTED)}),
    # breaking through to a place reaches it; into it, or to its centre, takes it
    ("ua", "Окупанти прорвалися до Покровська.", set()),
    ("ua", "Окупанти прорвалися в Покровськ.", {(C, "pokrovsk", "ru", ASSERTED)}),
    ("ua", "Окупанти прорвалися до центру Покровська.", {(C, "pokrovsk", "ru", ASSERTED)}),
])
def test_the_town_fled_and_a_breakthrough_that_only_reaches_a_place(detector: Detector, side: str, text: str,
                                                                     expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # "(both east of X)" locates the two places before it
    ("other", "Ukrainian forces withdrew from Berdychi and Semenivka (both northwest of Avdiivka) to positions further "
              "west.", {(W, "UA14160190060085594", "ua", ASSERTED), (W, "UA14160190240019927", "ua", ASSERTED)}),
    # "the area" names no place, and none named before stands in for it
    ("other", "Ukrainian forces recaptured Kucheriv Yar. Russian forces that had infiltrated the area withdrew toward "
              "the east.", {(C, "UA14160270100036947", "ua", ASSERTED), (W, None, "ru", ASSERTED)}),
])
def test_both_of_a_list_located_and_an_unnamed_area(detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # an option in the base form, after "or", is no news
    ("other", "Kyiv faces a stark choice: keep defending Pokrovsk, or retreat in good order to a new line.", set()),
    # a past tense after "and" is
    ("other", "Russian troops shelled the town and withdrew from Vovchansk.", {(W, "vovchansk", "ru", ASSERTED)}),
])
def test_an_option_in_the_base_form_is_not_a_claim(detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # "наши" inside a quotation of the other side's source is that side's
    ("ua", "Один із Z-каналів пише: «Наши штурмовики зашли в Ямполовку и закрепились на западной окраине».",
     {(C, "UA14120110350022381", "ru", ASSERTED)}),
    ("ua", "Российские каналы пишут: «Наши вошли в Торецк».", {(C, "toretsk", "ru", ASSERTED)}),
    # and outside a quotation, the channel's own
    ("ua", "Наши штурмовики зашли в Ямполовку.", {(C, "UA14120110350022381", "ua", ASSERTED)}),
])
def test_ours_in_a_quotation_is_the_quoted_sides(detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # every place of a list of where they went is a destination, and "из города" is the town named before
    ("ru", "‼️Мирноград: противник начал отвод подразделений из города в сторону Родинского и Белицкого.",
     {(W, "myrnohrad", "ua", ASSERTED)}),
    ("ua", "Наші вийшли з Торецька, підрозділи відійшли в сторону Щербинівки та Дружби.",
     {(W, "toretsk", "ua", ASSERTED)}),
])
def test_each_place_of_a_list_of_destinations_is_where_they_went(detector: Detector, side: str, text: str,
                                                                 expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # "X — наш," with the exclamation at the sentence's end
    ("ru", "Торецк — наш, флаги подняты над горсоветом 🇷🇺", {(C, "toretsk", "ru", ASSERTED)}),
    ("ru", "Торецк наш, но работы ещё много.", set()),
    ("ru", "Харьков — наш город, и мы его не отдадим 🇷🇺", set()),
])
def test_a_place_said_ours_before_a_comma_counts_with_the_exclamation_at_the_end(detector: Detector, side: str,
                                                                                 text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # holding a share of a town takes part of it
    ("ru", "Красноармейск (Покровск): обстановка на утро.\nНаши подразделения контролируют более 70% города.",
     {(C, "pokrovsk", "ru", ASSERTED)}),
    ("other", "Russian troops control about 60% of the town of Pokrovsk.", {(C, "pokrovsk", "ru", ASSERTED)}),
    # controlling prices is no capture
    ("ru", "Власти Покровска контролируют более 20 цен на продукты.", set()),
])
def test_a_share_of_a_town_held_is_part_of_it_taken(detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # the sentence after the other side's claim calls it nonsense
    ("ru", "Укросми пишут, что наши якобы отошли из Часова Яра. Бред. Ребята стоят на своих позициях.",
     {(W, "chasiv-yar", "ru", DENIED)}),
    ("ua", "Росіяни заявили, що наші підрозділи вийшли з Часового Яру. Це не так: позиції утримуються.",
     {(W, "chasiv-yar", "ua", DENIED)}),
    # the next sentence says the place was not taken
    ("ua", "Міноборони рф знову заявляє, що їхні війська захопили Часів Яр. Насправді місто не захоплене.",
     {(C, "chasiv-yar", "ru", DENIED)}),
])
def test_the_next_sentence_calling_a_claim_nonsense_or_the_place_not_taken_denies_it(
        detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # slang for the Russian forces, pushed out of a village
    ("ua", "Наші хлопці вибили кацапів з Кліщіївки, село повністю наше.",
     {(W, "UA14020010120064151", "ru", ASSERTED), (C, "UA14020010120064151", "ua", ASSERTED)}),
    # "нашими" after a noun of leaving is whose leaving it was
    ("ru", "Слухи об оставлении нашими подразделениями Часова Яра не соответствуют действительности.",
     {(W, "chasiv-yar", "ru", DENIED)}),
])
def test_slang_and_instrumental_side_words_name_who_withdrew(detector: Detector, side: str, text: str,
                                                            expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # "после оставления X" names a past in passing inside an argument
    ("ru", "Многие спрашивают, почему после оставления Херсона мы не вернулись на правый берег.", set()),
    ("ua", "Після залишення Авдіївки ворог так і не зміг прорвати наступну лінію.", set()),
])
def test_a_leaving_named_after_since_is_background(detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # the town the clause opens near only says where the village taken lies; so in the clause
    # looked back at from the next one
    ("ua", "Під Покровськом наші звільнили Котлине, окупанти відступили.",
     {(C, "UA14160210350050880", "ua", ASSERTED), (W, "UA14160210350050880", "ru", ASSERTED)}),
    ("ru", "Под Покровском наши освободили Котлино.", {(C, "UA14160210350050880", "ru", ASSERTED)}),
])
def test_a_town_a_clause_opens_near_only_says_where_the_village_taken_lies(
        detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # a question about the claim, answered "no" by the next sentence, denies it
    ("ua", "Нас питають: чи правда, що ЗСУ вийшли з Часового Яру? Ні. Місто тримаємо.",
     {(W, "chasiv-yar", "ua", DENIED)}),
    ("ru", "Подписчики спрашивают, правда ли, что ВСУ ушли из Торецка? Нет, бои идут в центре.",
     {(W, "toretsk", "ua", DENIED)}),
    # a question answered "not yet" claims nothing
    ("ru", "ВСУ вышли из Торецка? Ещё нет, но к этому идёт.", set()),
    # a claim followed by asking whether it is true is a rumour asked about
    ("ru", "Пишут, что ВСУ ночью начали выходить из Торецка. Правда или очередной вброс? Официальных данных нет.",
     set()),
    # "правда," opening a statement is no question
    ("ru", "ВСУ вышли из Торецка. Правда, не все подразделения успели отойти.", {(W, "toretsk", "ua", ASSERTED)}),
])
def test_a_question_about_a_claim_answered_no_denies_it_and_one_asking_if_it_is_true_claims_nothing(
        detector: Detector, side: str, text: str, expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # pushed out "from there": the place named before
    ("ru", "Клещеевка — наши полностью контролируют село, противник выбит оттуда ещё вчера.",
     {(C, "UA14020010120064151", "ru", ASSERTED), (W, "UA14020010120064151", "ua", ASSERTED)}),
    ("ua", "Кліщіївка: ворога вибито звідти ще вчора.", {(W, "UA14020010120064151", "ru", ASSERTED)}),
])
def test_forces_pushed_out_from_there_left_the_place_named_before(detector: Detector, side: str, text: str,
                                                                  expected: set) -> None:
    assert claims(detector, text, side) == expected


@pytest.mark.parametrize(("side", "text", "expected"), [
    # "hours after" dates a capture in wire copy; it does not cancel it
    ("other", "Russia's defence ministry said its troops had taken full control of Kurakhove, hours after the "
              "Ukrainian command said units were pulling back from the town.",
     {(C, "kurakhove", "ru", ASSERTED), (W, "kurakhove", "ua", ASSERTED)}),
    # the time something took is no capture
    ("other", "It took hours for Russian troops to reach the outskirts of Kurakhove.", set()),
])
def test_hours_after_a_capture_date_it_and_hours_taken_are_no_capture(detector: Detector, side: str, text: str,
                                                                      expected: set) -> None:
    assert claims(detector, text, side) == expected
