"""Every settlement of Ukraine, and which one a post means: one test per rule of the
README's *Settlements* section, and the generated names."""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.detect import Detector
from bot.detect.names import english_names, national_romanisation, russian_names
from bot.detect.settlements import load_book
from bot.evaluate import format_check

OCHERETYNE = "UA14160190010012632"        # the Pokrovsk raion one; another is in Kramatorsk raion
KERAMIK = "UA14160190040090584"
KLISHCHIIVKA = "UA14020010120064151"


def places(detector: Detector, text: str) -> set[str]:
    return set(detector.detect(text).place_ids)


# --- homonyms -------------------------------------------------------------------------

def test_a_bare_name_shared_with_a_places_tsv_place_is_that_place(detector: Detector) -> None:
    assert places(detector, "Бои у Шевченково продолжаются") == {"shevchenkove"}


def test_a_bare_name_shared_by_one_city_and_villages_is_the_city(detector: Detector) -> None:
    assert places(detector, "Обстріл П'ятихаток уночі, є загиблі") == {"UA12040210010024143"}


def test_a_name_shared_by_villages_alone_is_unresolved_with_its_candidate_count(detector: Detector) -> None:
    detection = detector.detect("Бої за Іванівку тривають")
    assert detection.place_ids == ()
    assert [(u.text, u.count) for u in detection.unresolved] == [("Іванівку", 119)]
    shown = format_check("Бої за Іванівку тривають", detection, as_json=False)
    assert "unresolved 'Іванівку' at 7-15: 119 settlements of that name" in shown


def test_the_raion_named_after_a_homonym_says_which_it_is(detector: Detector) -> None:
    assert places(detector, "Fighting near Ocheretyne in Pokrovsk district") == {OCHERETYNE}
    assert places(detector, "Бои у Очеретино Покровского района") == {OCHERETYNE}


def test_the_hromada_named_after_a_homonym_says_which_it_is(detector: Detector) -> None:
    assert places(detector, "Василівка Очеретинської громади у сірій зоні") == {"UA14160190070075424"}


def test_the_oblast_named_beside_a_homonym_says_which_it_is_even_against_places_tsv(detector: Detector) -> None:
    assert places(detector, "Золочів на Львівщині приймає дітей") == {"UA46040070010068975"}
    assert places(detector, "Золочів приймає дітей") == {"zolochiv"}


def test_a_hromada_named_in_the_sentence_says_a_listed_towns_name_is_its_village(detector: Detector) -> None:
    # the village Костянтинівка of Мар'їнка hromada, not the city of Kramatorsk raion
    assert places(detector, "Мар’їнська громада: окупанти зайшли в Костянтинівку, в селі тривають бої.") == {
        "UA14160130110024680"}
    # a neighbour of the village's raion does not: the listed city stays the city
    assert places(detector, "Бої біля Курахового та Костянтинівки.") == {"kurakhove", "kostiantynivka"}
    assert places(detector, "Костянтинівка під обстрілом.") == {"kostiantynivka"}


def test_a_hromada_named_in_the_post_outweighs_an_oblast_named_for_something_else(detector: Detector) -> None:
    text = ("Ізюмська громада прощається з Героєм. Петро Богданов із с. Іванівка нашої громади загинув 12 березня, "
            "захищаючи Україну на Донеччині.")
    assert places(detector, text) == {"UA63040090060094359", "donetsk-oblast"}


def test_in_a_list_by_oblast_each_name_lies_in_the_oblast_of_its_own_part(detector: Detector) -> None:
    text = "Ситуація за добу: на Сумщині обстріляно Юнаківку, Хотінь та Білопілля; на Чернігівщині — Семенівку."
    # Білопілля is the Sumy city, not put in Chernihiv oblast by the part after the semicolon;
    # Семенівка is the Chernihiv city, not a Sumy namesake beside Юнаківка
    assert places(detector, text) == {"UA59080310010046655", "UA59080290010046940", "UA59080030010079123",
                                      "UA74060070010010511"}


def test_every_codifier_and_former_name_of_a_listed_place_finds_it(detector: Detector) -> None:
    missed = []
    for s in load_book().settlements:
        if s.id.startswith("UA"):
            continue
        for name in (s.uk, *s.former):
            if s.id not in places(detector, f"Бої йдуть біля міста {name}."):
                missed.append((s.id, name))
    assert missed == []


def test_a_settlement_of_the_same_raion_in_the_sentence_says_which_homonym_is_meant(detector: Detector) -> None:
    assert places(detector, "Бої біля Очеретиного та Керамика") == {OCHERETYNE, KERAMIK}


def test_the_axis_of_a_place_in_the_same_raion_says_which_homonym_is_meant(detector: Detector) -> None:
    assert places(detector, "На Авдіївському напрямку тривають бої за Очеретине") == {"avdiivka", OCHERETYNE}


def test_a_raion_named_after_its_town_mentions_no_place(detector: Detector) -> None:
    assert places(detector, "Shelling in Pokrovsk district overnight") == set()


# --- names that are everyday words -----------------------------------------------------

def test_a_common_word_name_counts_where_the_post_uses_it_as_a_place(detector: Detector) -> None:
    assert places(detector, "Бої під Степовим на Авдіївському напрямку") == {"avdiivka", "UA14160190400058352"}
    assert places(detector, "В районе н.п. Мирное Купянского района противник атаковал") == {"UA63080150380055631"}


@pytest.mark.parametrize("text", ["Приютное оставлено, гарнизон отошёл на север.",
                                  "Приютное сдано после двух недель боёв."])
def test_a_common_word_name_that_a_post_says_was_left_is_the_village(detector: Detector, text: str) -> None:
    assert places(detector, text) == {"UA23100110110053103"}


@pytest.mark.parametrize("text", ["Мирне населення евакуювали", "Степові райони без світла",
                                  "Веселое настроение на фронте не покидает бойцов", "Нове життя почалося з весни"])
def test_a_common_word_name_used_as_the_word_is_no_place(detector: Detector, text: str) -> None:
    assert places(detector, text) == set()


@pytest.mark.parametrize("text", [
    "Противник отходит на западный берег реки Оскол под Купянском Харьковской области.",
    "Росіяни закріпилися на березі річки Сула.",
])
def test_a_river_named_like_a_village_is_no_place(detector: Detector, text: str) -> None:
    assert not any(p.startswith("UA") for p in places(detector, text))


def test_a_village_named_like_a_river_is_a_place_after_a_settlement_word(detector: Detector) -> None:
    assert places(detector, "Бої біля села Оскіл Ізюмського району") == {"UA63040130010024034"}


def test_a_village_named_like_a_place_abroad_or_a_person_is_no_place_in_ordinary_news(detector: Detector) -> None:
    assert places(detector, "Роскосмос и Китай хотят разместить на Луне реактор") == set()
    assert places(detector, "Об этом сообщил губернатор Олег Кипер") == set()


@pytest.mark.parametrize(("text", "expected"), [
    ("Взрывы в Подольске, сообщают местные жители", set()),
    ("В Дамаске слышна стрельба", set()),
    ("Обстрел Подільська Одеської області", {"UA51120190010049331"}),
    ("Ракетний удар по Самару Дніпропетровської області", {"UA12100070010038698"}),
])
def test_a_town_whose_russian_forms_are_a_city_abroad_counts_only_when_the_post_says_which(
        detector: Detector, text: str, expected: set[str]) -> None:
    assert places(detector, text) == expected


# --- names -----------------------------------------------------------------------------

def test_a_renamed_place_is_found_by_its_earlier_official_name(detector: Detector) -> None:
    assert places(detector, "Отход идёт по последней дороге на Ласточкино") == {"UA14160190350070064"}


def test_russian_names_are_generated_from_the_ukrainian_by_rule() -> None:
    assert russian_names("Іванівка")[0] == "Ивановка"
    assert russian_names("Олександрівка")[0] == "Александровка"
    assert russian_names("Очеретине")[0] == "Очеретино"
    assert "Клещеевка" in russian_names("Кліщіївка")
    assert "Спорное" in russian_names("Спірне")


def test_russian_names_keep_the_russian_root_and_prefix_that_ukrainian_spells_otherwise() -> None:
    assert russian_names("Іллінка") == ("Ильинка",)
    assert "Раздольное" in russian_names("Роздольне")
    assert "Рассипное" in russian_names("Розсипне")
    assert "Роздольное" in russian_names("Роздольне")     # the reading that keeps роз- stays
    assert all(not name.startswith(("Раз", "Рас")) for name in russian_names("Розівка"))
    assert russian_names("Дальнє") == ("Дальнее",)
    assert "Верхнее Лозовое" in russian_names("Верхнє Лозове")


@pytest.mark.parametrize(("text", "expected"), [
    # two Очеретине in Donetsk oblast; one of them is a town (селище, formerly смт)
    ("Сообщают об отходе ВСУ из посёлка городского типа Очеретино", {"UA14160190010012632"}),
    ("ЗСУ тримають оборону в селищі Очеретине", {"UA14160190010012632"}),
    # two Роздольне in Donetsk oblast; one is a village
    ("ВС РФ освободили село Раздольное в ДНР", {"UA14100050260024364"}),
])
def test_the_kind_of_settlement_a_post_names_says_which_homonym_it_means(
        detector: Detector, text: str, expected: set[str]) -> None:
    assert places(detector, text) == expected


def test_villages_of_a_paragraph_about_the_kursk_region_are_russias(detector: Detector) -> None:
    text = ("За три дня ВС РФ продвинулись в Курской области на 7 км. Наши продолжают наступление. "
            "Зашли в Погребки и Орловку.")
    detection = detector.detect(text, "ru")
    assert detection.place_ids == ()
    # a blank line ends the paragraph; a sentence naming a Ukrainian place is Ukraine's
    assert "UA14160170010061687" in places(detector, "ВС РФ продвинулись в Курской области.\n\n"
                                                     "На Покровском направлении освобождена Новогродовка.")
    assert "UA14160170010061687" in places(detector, "ВС РФ продвинулись в Курской области. "
                                                     "Под Покровском освобождена Новогродовка.")


def test_a_post_about_the_kursk_region_means_its_villages_not_their_namesakes_in_sumy_oblast(
        detector: Detector) -> None:
    text = ("ВС РФ зачистили ещё три населённых пункта в Курской области.\n\n"
            "Наши давят в сторону Малой Локни. Оттуда до полного окружения группировки ВСУ в Погребках "
            "всего несколько километров.")
    assert detector.detect(text, "ru").place_ids == ()
    # the Sumy village Kursk has no namesake of stays Sumy's; a post naming Sumy oblast keeps them all
    assert "UA59080310010046655" in places(detector, "ВСУ отошли из Суджи, по дорогам на Юнаковку тянутся колонны. "
                                                     "Курская область постепенно очищается.")
    assert "UA59100170290073346" in places(detector, "Обстрел Курской области. В Сумской области под удар попали "
                                                     "Погребки.")


def test_russian_names_follow_the_root_a_russian_writer_uses() -> None:
    assert "Софиевка" in russian_names("Софіївка")
    assert "Георгиевка" in russian_names("Георгіївка")
    assert russian_names("Андріївка")[0] == "Андреевка"      # the likelier reading stays first
    assert russian_names("Жовте") == ("Желтое",)
    assert "Желтый Яр" in russian_names("Жовтий Яр")


def test_english_news_writes_ya_and_yu_for_the_soft_vowels(detector: Detector) -> None:
    assert english_names("Максимільянівка", russian_names("Максимільянівка"))[:2] == (
        "Maksymilianivka", "Maksymilyanivka")
    assert places(detector, "Russian troops entered Maksymilyanivka near Kurakhove.") == {
        "UA14160130120067065", "kurakhove"}


@pytest.mark.parametrize(("text", "expected"), [
    ("ВСУ отошли из Марганца", {"UA12080010010085669"}),
    ("ЗСУ вийшли з Марганця", {"UA12080010010085669"}),
    ("Обстріл Тростянця Сумської області", {"UA59040130010060037"}),
])
def test_a_name_in_ets_drops_its_vowel_when_declined(detector: Detector, text: str, expected: set[str]) -> None:
    assert places(detector, text) - {"sumy-oblast"} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # Волноваха gives «Волновахского района» in Russian, «Волноваського району» in Ukrainian
    ("ВСУ оставили Урожайное Волновахского района", {"UA14040010280021312"}),
    ("ВС РФ освободили Макаровку Волновахского района", {"UA14040010080042209"}),
    ("Бои у Нескучного Волновахского района", {"UA14040010090061025"}),
])
def test_a_raion_named_after_a_town_is_read_by_the_russian_adjective_of_the_town(
        detector: Detector, text: str, expected: set[str]) -> None:
    assert places(detector, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("ВСУ оставили Сладкое Пологовского района", {"UA23100070250076016"}),
    ("Российские войска вошли в Верхнекаменское", {"UA14020030020040419"}),
    ("Бои за Выемку под Северском", {"UA14020090340091913", "siversk"}),
    ("ВС РФ освободили Новоэкономическое", {"UA14160050020062757"}),
])
def test_a_russian_name_in_use_that_no_rule_gives_comes_from_the_exceptions_table(
        detector: Detector, text: str, expected: set[str]) -> None:
    assert places(detector, text) == expected


def test_the_occupations_name_for_an_oblast_says_which_homonym_a_report_means(detector: Detector) -> None:
    text = "Российские войска освободили населённые пункты Макаровка и Ленинское в ДНР, сообщило Минобороны"
    detection = detector.detect(text, "ru")
    assert "UA14040010080042209" in detection.place_ids
    assert [(e.action, e.place, e.by) for e in detection.events] == [("capture", "UA14040010080042209", "ru")]
    # Романовка: 31 of that name, 2 of them in Donetsk oblast; ДНР names no place itself
    assert places(detector, "ВС РФ освободили населённый пункт Дальнее в ДНР") == {"UA14160110120032432"}
    detection = detector.detect("Российские войска освободили населенный пункт Романовка в ДНР", "ru")
    assert detection.place_ids == ()
    assert [(u.text, u.count) for u in detection.unresolved] == [("Романовка", 2)]


def test_a_name_the_post_puts_in_an_oblast_where_no_settlement_bears_it_is_no_place(detector: Detector) -> None:
    assert places(detector, "ВСУ отошли от Кругляковки") == {"UA63080110060024155"}
    assert places(detector, "ВСУ отошли от Кругляковки в ДНР") == set()


@pytest.mark.parametrize("text", [
    "ВС РФ освободили еще два населённых пункта в Курской области — село Старая Сорочина и деревню Александрия.",
    "Израильская атака была направлена на ряд зданий в городе Пальмира.",
    "Российская армия освободила населенный пункт Новая Ильинка в ДНР.",
    "Наши давят в сторону Малой Локни со стороны Викторовки.",
])
def test_a_city_called_a_village_a_village_called_a_city_or_half_a_name_is_another_place(
        detector: Detector, text: str) -> None:
    assert {p for p in places(detector, text) if p.startswith("UA")} == set()


def test_a_city_named_by_itself_in_news_of_russia_is_still_the_city(detector: Detector) -> None:
    assert places(detector, "ВСУ отошли из Александрии, сообщают в Курской области") == {"UA35080050010051027"}


def test_russian_names_in_use_that_no_rule_gives_come_from_the_exceptions_table(detector: Detector) -> None:
    book = load_book()
    assert "Угледар" in book.settlements[book.by_id["vuhledar"]].ru
    assert book.settlements[book.by_id["balakliia"]].ru == "Балаклея"
    assert places(detector, "Бои у Стрелечьей не стихают") == {"UA63120090140010487"}


def test_a_generated_russian_name_is_found_in_any_case(detector: Detector) -> None:
    assert places(detector, "Бои у Клещеевки, штурм Клещеевку отбит") == {KLISHCHIIVKA}


def test_english_names_are_the_national_and_the_russian_based_romanisation(detector: Detector) -> None:
    assert national_romanisation("Очеретине") == "Ocheretyne"
    assert english_names("Очеретине", russian_names("Очеретине"))[:2] == ("Ocheretyne", "Ocheretino")
    assert places(detector, "Russian troops entered Klishchiivka") == {KLISHCHIIVKA}
    assert places(detector, "Russian troops entered Kleshcheevka") == {KLISHCHIIVKA}


# --- every generated form resolves back ---------------------------------------------------

def _unambiguous_forms() -> list[tuple[str, str]]:
    """(form, id) of every form that one settlement alone bears (places of places.tsv aside:
    the main gazetteer finds those)."""
    book = load_book()
    single = {gid: members[0] for gid, (_label, members) in enumerate(book.groups)
              if len(members) == 1 and book.settlements[members[0]].id.startswith("UA")}
    return sorted((form, book.settlements[single[gid]].id) for form, gid in book.forms.items()
                  if gid in single and form not in book.qualifiers)


FORMS = _unambiguous_forms()


@lru_cache(maxsize=1)
def _main_forms(detector: Detector) -> frozenset[str]:
    return frozenset(detector.surface_forms())


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FORMS))
def test_every_generated_form_of_a_settlement_resolves_back_to_it_when_unambiguous(detector: Detector, case) -> None:
    form, settlement_id = case
    # a form places.toml also gives to a place abroad (Валуек of Valuiki) is that place's
    assume(form not in _main_forms(detector))
    name = " ".join(w[:1].upper() + w[1:] for w in form.split(" "))
    detection = detector.detect(f"Бои у {name} продолжаются")
    assert settlement_id in detection.place_ids, (form, detection)


# --- cost ------------------------------------------------------------------------------

def test_a_five_megabyte_post_still_returns_a_detection(detector: Detector) -> None:
    post = "Бои у Клещеевки и Очеретино, ВСУ отошли из Купянска. Пирог с изюмом. " * 75_000
    detection = detector.detect(post)
    assert KLISHCHIIVKA in detection.place_ids and "kupiansk" in detection.place_ids


def test_a_post_of_names_is_read_for_a_bounded_number_of_names(detector: Detector) -> None:
    post = "Бои у Клещеевки. " * 20_000
    matches = sum(len(hit.matches) for hit in detector.detect(post).places)
    assert 0 < matches <= 2_000


# --- what a held-out set showed (one test per class of miss) --------------------------

RUSKA_LOZOVA = "UA63120070260085901"
BILYI_KOLODIAZ = "UA63140010020090502"
VILNE_POLE = "UA14040070030010923"
NOVOSELIVKA_PERSHA = "UA14160190190099080"
VREMIVKA = "UA14040010040083406"


@pytest.mark.parametrize("text, expected", [
    ("Ворог обстрілював околиці з Руської Лозової, є поранені.", RUSKA_LOZOVA),
    ("Противник обстрелял Русскую Лозовую.", RUSKA_LOZOVA),
    ("Бои идут в районе Белого Колодезя, противник наступает.", BILYI_KOLODIAZ),
    ("ВСУ выбиты из Вольного Поля, сообщает источник.", VILNE_POLE),
    ("Наши штурмовики зашли в Новоселовку Первую.", NOVOSELIVKA_PERSHA),
    ("Под Новоселовкой Первой идут бои.", NOVOSELIVKA_PERSHA),
])
def test_a_multi_word_name_with_adjective_parts_is_found_in_oblique_cases(detector: Detector, text: str,
                                                                          expected: str) -> None:
    assert places(detector, text) == {expected}


@pytest.mark.parametrize("text", [
    "Роет траншеи у Синьковки.",
    "Удар по Синьковке этой ночью.",
    "Евакуювали мешканців із Синьківки.",
])
def test_a_unique_village_named_alone_counts_in_ordinary_war_reporting(detector: Detector, text: str) -> None:
    assert places(detector, text) == {"UA63080130130078227"}


def test_ordinary_news_still_names_no_village(detector: Detector) -> None:
    assert places(detector, "В Китае отметили Новый год, Олег поздравил всех.") == set()


@pytest.mark.parametrize("text, expected", [
    ("В Орджоникидзе обстрел.", "UA12080090010010311"),
    ("Прилёт в Стаханове.", "UA44020050010070086"),
    ("Взрывы в Цюрупинске, где стоят оккупанты.", "oleshky"),
])
def test_a_renamed_place_is_found_by_its_old_name_in_russian(detector: Detector, text: str, expected: str) -> None:
    assert places(detector, text) == {expected}


def test_a_hromada_named_in_russian_says_which_homonym_is_meant_even_against_the_city(detector: Detector) -> None:
    assert places(detector, "Противник атакует Васильевку Очеретинской громады.") == {"UA14160190070075424"}
    assert places(detector, "Бои у Константиновки Марьинской громады.") == {"UA14160130110024680"}


def test_a_neighbour_named_in_the_same_sentence_says_which_homonym_is_meant(detector: Detector) -> None:
    assert places(detector, "Під Покровськом, біля Григорівки, тривають бої.") == {"pokrovsk", "UA14160230050039511"}


def test_a_neighbour_whose_raion_holds_two_villages_of_the_name_leaves_it_unresolved(detector: Detector) -> None:
    # Bakhmut raion has a Григорівка in the Siversk and one in the Chasiv Yar hromada: the
    # README's neighbour says the raion, not the hromada
    text = "Під Сіверськом, біля Григорівки, тривають бої."
    assert places(detector, text) == {"siversk"}
    assert [u.count for u in detector.detect(text).unresolved] == [2]


@pytest.mark.parametrize("text", [
    "Гусарівка під Балаклією знову під обстрілом.",
    "Russian forces seized Illinka, south of Kurakhove.",
    "Бої біля Іллінки, південніше Курахового.",
    "Бои у Ильинки юго-западнее Курахово.",
])
def test_a_village_said_to_lie_by_a_town_is_the_one_of_that_towns_hromada(detector: Detector, text: str) -> None:
    found = {p for p in places(detector, text) if p.startswith("UA")}
    assert len(found) == 1 and not detector.detect(text).unresolved


def test_an_axis_in_the_heading_says_which_raion_the_later_villages_lie_in(detector: Detector) -> None:
    text = ("На Покровському напрямку ворог продовжує спроби оточити угруповання. "
            "Підрозділи, що обороняли Лисівку, отримали наказ відійти.")
    assert places(detector, text) == {"pokrovsk", "UA14160210140059120"}


def test_an_axis_elsewhere_does_not_place_the_villages_of_a_post_about_a_russian_border_region(
        detector: Detector) -> None:
    text = ("ВСУ атакуют в районе Ольговки и Викторовки Курской области. "
            "Генштаб снимает резервы с харьковского и запорожского направлений.")
    assert {p for p in places(detector, text) if p.startswith("UA")} == set()


@pytest.mark.parametrize("text", [
    "Українські війська відбили атаку.",
    "Ukrainian forces hold the Oskil line.",
    "The Oskil river is high this spring, the army says.",
])
def test_an_adjective_or_a_river_is_not_taken_for_a_settlement(detector: Detector, text: str) -> None:
    assert places(detector, text) == set()


@pytest.mark.parametrize("text", ["На Времевском направлении идут бои.", "Времівський напрямок: ворог атакує."])
def test_the_axis_of_an_unambiguous_village_counts_as_the_village(detector: Detector, text: str) -> None:
    assert places(detector, text) == {VREMIVKA}


def test_the_defence_forces_are_no_village_named_sili(detector: Detector) -> None:
    detection = detector.detect("Речник Сили оборони Півдня Владислав Волошин повідомив про обстріли.", "ua")
    assert detection.place_ids == () and detection.unresolved == ()
    assert [u.text for u in detector.detect("Бої точаться біля села Сили.", "ua").unresolved] == ["Сили"]


@pytest.mark.parametrize("text", [
    "Над акваторией Северной стороны Севастополя сбили две ракеты после атаки дронов.",
    "Зима в Центральной России будет мягкой, обстрелы продолжаются.",
    "Из дома в Научном городке эвакуировали жителей после обстрела.",
    "Дефицита шампанского на Новый год не будет, несмотря на удары по Украине.",
    "Золотое время для застройщиков закончилось, Украина тоже строит меньше.",
    "Общее число сбитых за утро беспилотников достигло 25.",
])
def test_a_name_before_the_noun_it_qualifies_is_an_adjective(detector: Detector, text: str) -> None:
    assert {p for p in places(detector, text) if p.startswith("UA")} == set()


@pytest.mark.parametrize("text", [
    "ВСУ зачистили ещё три населённых пункта в Курской области — Погребки, Коренево и Любимовку.",
    "А возле села Волфино уничтожили группу, которая пыталась зайти в тыл нашим в Глушковском районе.",
    "Главное из Курского приграничья за прошедшие сутки: бои продолжаются.",
    "Браконьеры перекрыли в Приморском крае реки сетями, пишут наши военкоры.",
    "План «Ковёр» введён в аэропортах Внуково и Домодедово из-за угрозы атаки БПЛА.",
    "Ракеты \"Гром-2\" уничтожены ударом по позициям противника.",
    "Ракетный удар — это нападение, говорит депутат Свищев.",
    # a town abroad whose forms are a Ukrainian village's, a planet, a country
    "Жилая многоэтажка эвакуирована в Лобне из-за противопехотной мины.",
    "NASA рассмотрит отправку на Марс ещё одного дрона, пока Украина просит ПВО.",
    "Песков: наши отношения с Китаем не направлены против Украины.",
    "Ветеран ВСУ похоронен в штате Нью-Йорк.",
    # a village the post puts in a Russian raion, named with its kind
    "К утру ВС РФ освободили село Новоивановка в Суджанском районе.",
])
def test_news_of_russia_abbreviations_and_surnames_name_no_ukrainian_village(detector: Detector, text: str) -> None:
    assert places(detector, text) == set()


@pytest.mark.parametrize("text", ["Шацк на Волыни закрыл пляжи из-за цветения воды.",
                                  "У Шацьку Волинської області відкрили пляжі."])
def test_a_village_in_news_that_names_its_oblast_is_a_place_even_far_from_the_war(detector: Detector,
                                                                                   text: str) -> None:
    assert places(detector, text) == {"UA07060450010076290"}


def test_a_post_about_the_crimean_bridge_does_not_make_a_russian_city_ukrainian(detector: Detector) -> None:
    assert places(detector, "Обвиняемых в подрыве Крымского моста будут судить в Ростове.") == set()


def test_a_neighbour_in_the_same_sentence_outweighs_an_oblast_named_elsewhere_in_the_post(
        detector: Detector) -> None:
    text = ("Фланги — Старомайорское, Урожайное, Макаровка — давно за нами.\n\n"
            "Дальше откроется путь к границе Днепропетровской области.")
    found = places(detector, text)
    assert {"UA14040010280021312", "UA14040010080042209"} <= found     # Урожайне, Макарівка of Volnovakha raion
    assert not any(place.startswith("UA12") for place in found)


def test_a_village_named_with_its_hromada_in_local_news_is_that_village(detector: Detector) -> None:
    text = "Староста Михайлівки Циркунівської громади просить жителів не повертатися."
    assert places(detector, text) == {"UA63120290030016740"}


def test_a_village_named_like_a_surname_counts_where_the_post_says_it_was_liberated(detector: Detector) -> None:
    text = "Ukrainian forces liberated Lukiantsi and pushed Russian units back from Strilecha."
    assert places(detector, text) == {"UA63120090070079552", "UA63120090140010487"}


@pytest.mark.parametrize(("text", "expected"), [
    ("В Светлом Добропольской громады третью неделю нет света.", {"UA14160070150019086"}),
    ("Бои у села Зелёное Гуляйпольской громады.", {"UA23100070080016405"}),
])
def test_a_russian_hromada_adjective_keeps_the_o_of_the_towns_russian_name(
        detector: Detector, text: str, expected: set[str]) -> None:
    assert places(detector, text) == expected


def test_a_hromada_named_in_english_after_its_town_mentions_no_town(detector: Detector) -> None:
    text = "A charity delivered generators to the village of Shevchenko in Dobropillia hromada, Donetsk Oblast."
    assert places(detector, text) == {"UA14160070160024156", "donetsk-oblast"}


@pytest.mark.parametrize(("text", "expected"), [
    # Іванівське of Bakhmut raion was Красне until 2016; a Russian post may still say so
    ("Красное западнее Артёмовска: бои идут в центре села.", {"bakhmut", "UA14020010100058978"}),
    # the Russian name people use is not the one the rules give (Максимильяновка)
    ("Бои у Максимилиановки южнее Курахово.", {"kurakhove", "UA14160130120067065"}),
    ("Fighting continues around Maksimilianovka, east of Kurakhovo.", {"kurakhove", "UA14160130120067065"}),
])
def test_a_former_name_and_a_russian_name_in_use_are_found(detector: Detector, text: str, expected: set) -> None:
    assert places(detector, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # behind a river named like a village: the river
    ("Держать плацдарм за Осколом у Купянска дальше — значит терять людей.", {"kupiansk"}),
    # fighting for the village: the village
    ("Бои за Оскол продолжаются, ВСУ атакуют.", {"UA63040130010024034"}),
])
def test_a_common_word_name_behind_which_forces_stand_is_a_river(detector: Detector, text: str, expected: set) -> None:
    assert places(detector, text) == expected
