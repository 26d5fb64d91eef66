"""Settlements that posts of the front name in ways the first rules missed: a village heading a
line with its hromada or raion, a common-word name so qualified, a renamed city by its old
name, a unique village as the object of fighting; and the places abroad that are no village."""

from __future__ import annotations

from bot.detect import Detector

IVANIVKA_OF_VOVCHANSK = "UA63140010320082855"
MYRNE_OF_KUPIANSK = "UA63080150380055631"
STEPOVE_OF_OCHERETYNE = "UA14160190400058352"
PROHRES_OF_POKROVSK = "UA14160050240078689"
PEREMOHA_OF_LOZOVA = "UA63100050560017830"
VESELE_OF_VELYKYI_BURLUK = "UA63080010070038106"
SAMAR = "UA12100070010038698"              # Новомосковськ until 2024
YANY_KAPU = "UA01140230010018772"          # Красноперекопськ until 2016
CHORNOMORSK = "UA51100370010020298"        # Іллічівськ until 2016
PODILSK = "UA51120190010049331"            # Котовськ until 2016
UMANSKE = "UA14160190300027538"
KRYNKY = "UA65100110040070147"
KLISHCHIIVKA = "UA14020010120064151"
BERLIN_VILLAGE = "UA46040010030057159"


def places(detector: Detector, text: str) -> set[str]:
    return set(detector.detect(text).place_ids)


# --- 1. a name heading a line, with its hromada or raion ---------------------------------

def test_a_village_heading_a_line_with_its_russian_hromada_adjective_is_that_village(detector: Detector) -> None:
    # the Russian adjective comes from Волчанск, the town's Russian name, not from the letters
    assert places(detector, "Ивановка Волчанской громады: противник обстреливает окраины.") \
        == {IVANIVKA_OF_VOVCHANSK}
    assert places(detector, "Сегодня днём Ивановка Волчанской громады снова под обстрелом.") \
        == {IVANIVKA_OF_VOVCHANSK}


def test_a_common_word_village_heading_a_line_with_its_raion_is_that_village(detector: Detector) -> None:
    assert places(detector, "Мирное Купянского района: обстрел, повреждены дома.") == {MYRNE_OF_KUPIANSK}
    assert places(detector, "Мирне Куп'янського району: ворожий дрон атакував авто.") == {MYRNE_OF_KUPIANSK}
    assert places(detector, "Степовое Очеретинской громады: продолжаются бои.") == {STEPOVE_OF_OCHERETYNE}


def test_an_english_hromada_named_after_its_town_says_which_village_and_is_no_mention_of_the_town(
        detector: Detector) -> None:
    assert places(detector, "Ivanivka of Vovchansk hromada: Russian shelling damaged houses.") \
        == {IVANIVKA_OF_VOVCHANSK}
    assert places(detector, "Shelling of Vovchansk hromada continues.") == set()


# --- 2. common-word names qualified by their area ----------------------------------------

def test_a_common_word_name_with_its_raion_or_hromada_is_a_place_even_opening_the_post(
        detector: Detector) -> None:
    assert places(detector, "Прогресс Покровского района: враг атакует.") == {PROHRES_OF_POKROVSK}
    assert places(detector, "Прогрес Гродівської громади: противник штурмує.") == {PROHRES_OF_POKROVSK}
    assert places(detector, "Перемога Лозівського району — ворожий обстріл.") == {PEREMOHA_OF_LOZOVA}


def test_a_village_named_with_the_russian_adjective_of_its_hromada_is_found(detector: Detector) -> None:
    assert places(detector, "Село Веселое Великобурлукской громады попало под обстрел.") \
        == {VESELE_OF_VELYKYI_BURLUK}
    assert places(detector, "Противник атакует в районе Веселого Великобурлукской громады.") \
        == {VESELE_OF_VELYKYI_BURLUK}


def test_a_common_word_name_alone_in_everyday_words_is_still_no_place(detector: Detector) -> None:
    assert places(detector, "Мирное население Купянского района эвакуируют из-за обстрелов.") == set()
    assert places(detector, "Рейс скасовано через загрозу обстрілу. Нова дата — у повідомленні.") == set()


# --- 3. renamed cities by their old names ------------------------------------------------

def test_an_old_name_of_a_renamed_city_is_the_city_whatever_its_new_name_also_means(detector: Detector) -> None:
    # Самар is also a name by the dictionary; Новомосковск is not, and names the city alone
    assert places(detector, "Удар по Новомосковску, есть разрушения.") == {SAMAR}
    assert places(detector, "Взрывы в Новомосковске: поврежден завод.") == {SAMAR}


def test_old_soviet_names_still_in_use_are_the_renamed_towns_in_every_language(detector: Detector) -> None:
    assert places(detector, "Взрывы в Красноперекопске, горит склад.") == {YANY_KAPU}
    assert places(detector, "Explosions reported in Krasnoperekopsk after a drone attack.") == {YANY_KAPU}
    # the Russian name people use (Ильичёвск), not the one the letter rules give
    assert places(detector, "Удар по Ильичёвску: повреждены причалы.") == {CHORNOMORSK}
    assert places(detector, "У Котовську вибухи після атаки дронів.") == {PODILSK}


# --- 4. a unique village as the object of fighting ---------------------------------------

def test_a_unique_village_after_a_word_of_fighting_is_a_place(detector: Detector) -> None:
    assert places(detector, "Захисники відбили штурм Уманського.") == {UMANSKE}
    assert places(detector, "Росіяни штурмують Уманське.") == {UMANSKE}
    assert places(detector, "Бойцы отбили атаку у Уманского.") == {UMANSKE}


def test_a_bridgehead_held_by_marines_or_fierce_clashes_make_a_post_of_the_war(detector: Detector) -> None:
    assert places(detector, "Морпехи удерживают плацдарм у Кринок.") == {KRYNKY}
    assert places(detector, "Под Клещеевкой идут ожесточённые столкновения.") == {KLISHCHIIVKA}
    assert places(detector, "Біля Кліщіївки тривають зіткнення.") == {KLISHCHIIVKA}
    assert places(detector, "Clashes continue near Klishchiivka.") == {KLISHCHIIVKA}


# --- places abroad -----------------------------------------------------------------------

def test_a_city_abroad_named_in_a_post_of_the_war_is_not_the_village_of_its_name(detector: Detector) -> None:
    assert places(detector, "Военные эксперты обсудили в Берлине поставки ракет.") == set()
    assert places(detector, "Штурм Берлина: как это было.") == set()


def test_a_village_named_like_a_city_abroad_counts_after_its_settlement_word(detector: Detector) -> None:
    assert places(detector, "Противник обстреливает село Берлин.") == {BERLIN_VILLAGE}


# --- 5. a city named in any post -----------------------------------------------------------

VINNYTSIA = "UA05020030010063857"
ZHYTOMYR = "UA18040190010057814"
CHERKASY = "UA71080490010015879"
POLTAVA = "UA53080370010073240"
SHCHASTIA = "UA44160090010046671"


def test_a_city_named_in_a_post_that_is_not_about_the_war_is_found(detector: Detector) -> None:
    assert places(detector, "Житомир і Черкаси готуються до свят: ярмарки відкриються в суботу.") \
        == {ZHYTOMYR, CHERKASY}
    assert places(detector, "Лекція відбудеться в п'ятницю в міській бібліотеці Полтави.") == {POLTAVA}


def test_a_city_opening_a_sentence_is_found_though_the_capital_letter_says_nothing(detector: Detector) -> None:
    assert places(detector, "Вінниця вночі знову без світла, кажуть в обленерго.") == {VINNYTSIA}


def test_a_city_named_like_an_everyday_word_opening_a_sentence_is_that_word(detector: Detector) -> None:
    assert places(detector, "Щастя не за горами, кажуть синоптики про весну.") == set()
    assert places(detector, "Счастье — это когда тебя понимают.") == set()
    assert places(detector, "Бої за Щастя тривають, ворог обстрілює околиці.") == {SHCHASTIA}


def test_a_russian_town_named_like_a_ukrainian_city_in_peaceful_news_is_no_place(detector: Detector) -> None:
    assert places(detector, "В кредитной организации в подмосковной Дубне случился дождь из денег.") == set()
    assert places(detector, "Ровно 110 лет назад Германия объявила войну России.") == set()
