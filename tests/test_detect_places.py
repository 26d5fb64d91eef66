"""Place mentions: every hard case class of ../shared/eval/README.md, in sentences of our own."""

from __future__ import annotations

import pytest

from bot.detect import Detector


def places(detector: Detector, text: str) -> set[str]:
    return set(detector.detect(text).place_ids)


# --- grammatical cases -----------------------------------------------------------------

@pytest.mark.parametrize(("text", "place"), [
    ("Колонна техники замечена под Изюмом ночью", "izium"),
    ("Штаб переехал в Изюме на окраину", "izium"),
    ("Дорога из Купянска снова обстреливается", "kupiansk"),
    ("Бойцы закрепились под Балаклеей", "balakliia"),
    ("Свет дали не везде у Харкові", "kharkiv"),
    ("Евакуаційний автобус вирушив з Куп'янська о сьомій", "kupiansk"),
    ("Бои идут в Часовом Яру третий месяц", "chasiv-yar"),
    ("Артиллерия работает по Часову Яру", "chasiv-yar"),
    ("Наступление под Часовым Яром захлебнулось", "chasiv-yar"),
    ("Ситуація в Часовому Яру складна", "chasiv-yar"),
    ("Вечером прилёт в Кривом Роге", "kryvyi-rih"),
    ("Із Кривого Рогу надійшли нові дані", "kryvyi-rih"),
    ("У Кривому Розі оголошено тривогу", "kryvyi-rih"),
    ("Переправа у Новой Каховке разрушена", "nova-kakhovka"),
    ("Сирени лунають у Новій Каховці", "nova-kakhovka"),
    ("Бои за Рубежное продолжаются", "rubizhne"),
    ("Наши закрепились в Рубежном", "rubizhne"),
    ("Обстріл Рубіжного триває", "rubizhne"),
    ("Удар по Курахово нанесён утром", "kurakhove"),
    ("Противник накапливает силы у Курахова", "kurakhove"),
    ("Окупанти обстріляли Курахове з артилерії", "kurakhove"),
    ("Ситуація під Кураховим погіршилась", "kurakhove"),
    ("В Гуляйполе снова без света", "huliaipole"),
    ("Удар по Гуляйполю вночі", "huliaipole"),
    ("Бои в Великой Новоселке не прекращаются", "velyka-novosilka"),
    ("Ворог наступає на Велику Новосілку", "velyka-novosilka"),
    ("Обстріл Великої Новосілки триває", "velyka-novosilka"),
    ("Штурмы под Кременной продолжаются", "kreminna"),
    ("Повідомляють про вибухи у Кремінній", "kreminna"),
    ("В Мариуполе восстанавливают дома", "mariupol"),
    ("Новини з Маріуполя сьогодні", "mariupol"),
    ("Ночная атака на Керчь отражена", "kerch"),
    ("Над Керчью работает ПВО", "kerch"),
    ("В Запорожье воздушная тревога", "zaporizhzhia"),
    ("Удар по Запоріжжю вночі", "zaporizhzhia"),
    ("Дрони атакували Сумах і Сумам", "sumy"),
    ("Колонна вышла из Дергачей", "derhachi"),
    ("Штурмовики закрепились у Липцов к утру", "lyptsi"),
    ("Обстрел Валуек продолжается", "valuiki"),
    ("Прилеты по Алешкам каждый день", "oleshky"),
    ("Ситуація в Олешках критична", "oleshky"),
    ("Над Голой Пристанью дроны", "hola-prystan"),
    ("Мешканці Голої Пристані без води", "hola-prystan"),
    ("Под Купянском-Узловым идут бои", "kupiansk-vuzlovyi"),
    ("Взрывы в Джанкое слышны всю ночь", "dzhankoi"),
    ("В Ірпені відкрили школу", "irpin"),
    ("Балаклії повернули світло", "balakliia"),
])
def test_a_place_is_found_in_every_grammatical_case(detector: Detector, text: str, place: str) -> None:
    assert place in places(detector, text)


def test_english_possessive_still_names_the_place(detector: Detector) -> None:
    assert places(detector, "Izium's mayor asked for generators") == {"izium"}
    assert places(detector, "Kherson’s riverside was shelled again") == {"kherson"}


# --- spellings ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "place"), [
    ("Shelling reported in Kharkov overnight", "kharkiv"),
    ("Troops seen near Izyum", "izium"),
    ("Fighting near Kupyansk intensified", "kupiansk"),
    ("Fighting near Kupjansk intensified", "kupiansk"),
    ("Balakleya was retaken in September", "balakliia"),
    ("Balakliya was retaken in September", "balakliia"),
    ("Severodonetsk is under fire", "sievierodonetsk"),
    ("Shelling in Zaporozhye continued", "zaporizhzhia"),
    ("Nikolaev port was struck", "mykolaiv"),
    ("A drone hit Odessa overnight", "odesa"),
    ("A missile hit an industrial zone in Dnepr", "dnipro"),
    ("Lugansk airport reopened", "luhansk"),
    ("Chernigov museum reopened", "chernihiv"),
    ("Kiev residents queued for water", "kyiv"),
    ("Krivoy Rog was hit by a missile", "kryvyi-rih"),
    ("Russian shelling of Ugledar continues", "vuhledar"),
    ("Avdeyevka coke plant burned", "avdiivka"),
    ("Strikes on Energodar were reported", "enerhodar"),
])
def test_romanisations_people_really_write_are_found(detector: Detector, text: str, place: str) -> None:
    assert place in places(detector, text)


@pytest.mark.parametrize("name", ["Куп'янськ", "Куп’янськ", "Купʼянськ", "Куп`янськ", "Купянськ", "Куп‘янськ"])
def test_any_apostrophe_or_none_in_ukrainian_names_is_accepted(detector: Detector, name: str) -> None:
    assert places(detector, f"Новини з міста {name} сьогодні") == {"kupiansk"}


def test_yo_and_ye_are_the_same_letter(detector: Detector) -> None:
    assert places(detector, "Под Орёховом тихо") == {"orikhiv"}
    assert places(detector, "Бои под Артёмовском") == {"bakhmut"}
    assert places(detector, "В Великой Новосёлке бои") == {"velyka-novosilka"}


@pytest.mark.parametrize(("text", "place"), [
    ("Kупянск под обстрелом", "kupiansk"),          # Latin K
    ("Бaлаклея без света", "balakliia"),             # Latin a
    ("Покрoвськ евакуюють", "pokrovsk"),             # Latin o
    ("Cлов'янськ під ударом", "sloviansk"),          # Latin C
    ("Xерсон вновь под обстрелом", "kherson"),       # Latin X
    ("Вибухи у Kиєві вночі", "kyiv"),                # Latin K, Ukrainian letters
])
def test_latin_look_alike_letters_inside_a_cyrillic_word_are_read_as_cyrillic(
        detector: Detector, text: str, place: str) -> None:
    assert places(detector, text) == {place}


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_a_word_split_by_an_invisible_character_still_matches(detector: Detector, invisible: str) -> None:
    text = f"Вибухи в Кра{invisible}маторську вночі"
    detection = detector.detect(text)
    assert detection.place_ids == ("kramatorsk",)
    match = detection.places[0].matches[0]
    assert text[match.start:match.end] == f"Кра{invisible}маторську"


@pytest.mark.parametrize(("text", "place"), [
    ("Бои за Артемовск продолжаются", "bakhmut"),
    ("Бої за Артемівськ тривають", "bakhmut"),
    ("Fighting around Artemivsk went on", "bakhmut"),
    ("Дорога на Красноармейск перерезана", "pokrovsk"),
    ("Під Красноармійськом бої", "pokrovsk"),
    ("Штурм Дзержинска продолжается", "toretsk"),
    ("В Днепропетровске прогремели взрывы", "dnipro"),
    ("До Димитрова осталось три километра", "myrnohrad"),
    ("Войска вошли в Красный Лиман", "lyman"),
])
def test_former_names_mean_the_same_place(detector: Detector, text: str, place: str) -> None:
    assert places(detector, text) == {place}


@pytest.mark.parametrize(("text", "expected"), [
    ("Бои на Купянском направлении стихли к ночи", {"kupiansk"}),
    ("Ситуація на Херсонському фронті стабільна", {"kherson"}),
    ("Russian attacks on the Bakhmut axis continued", {"bakhmut"}),
    ("Heavy fighting in the Pokrovsk direction", {"pokrovsk"}),
    ("Обстріли по Гуляйпільському та Оріхівському напрямках", {"orikhiv", "huliaipole"}),
    ("Купянское направление сегодня самое тихое", {"kupiansk"}),
    ("Штурмы на Красноармейском направлении усилились", {"pokrovsk"}),
])
def test_an_axis_adjective_mentions_its_place(detector: Detector, text: str, expected: set[str]) -> None:
    assert places(detector, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Харьковская область: ночью работала ПВО", {"kharkiv-oblast"}),
    ("Прилёты по Харьковской области", {"kharkiv-oblast"}),
    ("Харківщина під обстрілом", {"kharkiv-oblast"}),
    ("Из Белгородчины вывозят детей", {"belgorod-oblast"}),
    ("Strikes across the Kharkiv region overnight", {"kharkiv-oblast"}),
    ("Shelling in Kharkiv Oblast", {"kharkiv-oblast"}),
    ("Donetsk and Luhansk oblasts were hit", {"donetsk-oblast", "luhansk-oblast"}),
    ("Обстрелы Донецкой и Луганской областей", {"donetsk-oblast", "luhansk-oblast"}),
    ("Без света Харьков и вся Харьковская область", {"kharkiv", "kharkiv-oblast"}),
    ("Донеччина: за добу обстріляли 12 громад", {"donetsk-oblast"}),
    ("#Херсонская_область под ударом", {"kherson-oblast"}),
])
def test_oblast_forms_mention_the_oblast_and_not_its_capital(
        detector: Detector, text: str, expected: set[str]) -> None:
    assert places(detector, text) == expected


@pytest.mark.parametrize("text", [
    "Над Курской областью ночью сбили дроны",
    "Курская область: сбиты три дрона",
    "Drones were shot down over the Kursk region",
    "Kursk Oblast governor spoke to reporters",
    "Сумская область под обстрелом",
    "Strikes hit the Dnipropetrovsk region",
])
def test_an_oblast_that_is_not_tracked_mentions_nothing_not_even_its_capital(
        detector: Detector, text: str) -> None:
    assert places(detector, text) == set()


def test_a_capital_standing_for_its_government_still_mentions_it(detector: Detector) -> None:
    assert places(detector, "Киев решил не отвечать на ультиматум") == {"kyiv"}
    assert places(detector, "Kyiv says the talks are over") == {"kyiv"}


# --- what does not count ------------------------------------------------------------------

def test_raisins_in_a_recipe_do_not_mention_izium(detector: Detector) -> None:
    assert places(detector, "Кекс с изюмом и курагой: рецепт на выходные") == set()
    assert places(detector, "Додайте жменю ізюму в тісто") == set()
    assert places(detector, "Главная изюминка сезона — новый сериал") == set()


def test_the_dnipro_river_is_not_the_city(detector: Detector) -> None:
    assert places(detector, "Форсировать Днепр здесь невозможно") == set()
    assert places(detector, "Лодки курсируют через Днепр ночью") == set()
    assert places(detector, "Позиции на левом берегу Днепра укреплены") == set()
    assert places(detector, "Marines hold a foothold across the Dnipro River") == set()


def test_the_city_of_dnipro_is_still_found(detector: Detector) -> None:
    assert places(detector, "В Днепре прогремели взрывы") == {"dnipro"}
    assert places(detector, "Дніпро прокинувся від сирен о п'ятій ранку") == {"dnipro"}


def test_an_estuary_is_not_the_town_of_lyman(detector: Detector) -> None:
    assert places(detector, "Отдых на Днепровском лимане") == set()
    assert places(detector, "Рибалка на Бузькому лимані") == set()
    assert places(detector, "Бои под Лиманом продолжаются") == {"lyman"}


def test_a_fuss_is_not_bucha(detector: Detector) -> None:
    assert places(detector, "Соседи подняли бучу из-за парковки") == set()
    assert places(detector, "Буча отмечает годовщину освобождения") == {"bucha"}


def test_sums_of_money_are_not_sumy(detector: Detector) -> None:
    assert places(detector, "Громада отримала суми коштів на ремонт") == set()
    assert places(detector, "Сум і туга в кожному домі") == set()
    assert places(detector, "Суми знову під обстрілом") == {"sumy"}


def test_a_surname_is_not_orikhiv(detector: Detector) -> None:
    assert places(detector, "Полковник Орехов провёл совещание") == set()
    assert places(detector, "Бои под Ореховом продолжаются") == {"orikhiv"}


def test_a_surname_given_with_a_first_name_is_not_mykolaiv_anywhere_in_the_post(detector: Detector) -> None:
    text = "Певец Игорь Николаев дал концерт. После концерта Николаева встречали поклонники."
    assert places(detector, text) == set()


@pytest.mark.parametrize("text", [
    "Отдых в Балаклаве: море и скалы",
    "Ярмарка в Славянске-на-Кубани собрала фермеров",
    "Odessa, Texas is an oil town",
    "Акции Харьковского тракторного завода выросли",
    "The Donbas Arena stood empty",
    "Шахтер Донецк выиграл у Динамо",
    "Игрок покидает «Зарю» Луганск",
    "Chicken Kiev with mashed potatoes",
    "The Kyiv Independent published a long read",
    "Экипаж атомной подлодки «Курск» вспоминают в Видяево",
])
def test_other_places_and_things_named_after_a_place_are_not_that_place(detector: Detector, text: str) -> None:
    assert places(detector, text) == set()


def test_kupiansk_vuzlovyi_is_its_own_place(detector: Detector) -> None:
    assert places(detector, "Купянск-Узловой под ударами") == {"kupiansk-vuzlovyi"}
    assert places(detector, "Бої за Куп'янськ-Вузловий не вщухають") == {"kupiansk-vuzlovyi"}
    assert places(detector, "Из Купянска в Купянск-Узловой") == {"kupiansk", "kupiansk-vuzlovyi"}


def test_slavic_the_adjective_is_not_sloviansk(detector: Detector) -> None:
    assert places(detector, "Лекція про слов'янську писемність") == set()
    assert places(detector, "Новини зі Слов'янська") == {"sloviansk"}


def test_places_are_ordered_by_their_first_match(detector: Detector) -> None:
    detection = detector.detect("Удары по Херсону, затем по Николаеву и снова по Херсону")
    assert detection.place_ids == ("kherson", "mykolaiv")
    assert len(detection.places[0].matches) == 2


def test_a_match_reports_the_original_words_and_the_rule(detector: Detector) -> None:
    text = "Колонны ушли из Купянска"
    match = detector.detect(text).places[0].matches[0]
    assert (match.start, match.end, match.text) == (16, 24, "Купянска")
    assert text[match.start:match.end] == match.text
    assert match.rule == "ru name Купянск (gen)"
