"""Words around a settlement's name that say whether it is used as a place, and the
shapes of words that are something else (a surname, an adjective, a river, Russia).

They are kept apart from the rules that use them so that the lists can grow (a new war
word, a Russian region) without touching the logic, and so the cost of each rule stays a
set or dict lookup.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.detect.names import english_names, russian_names

if TYPE_CHECKING:
    from bot.detect.settlement_book import SettlementBook

_SETTLEMENT_WORDS = frozenset({
    "село", "села", "селі", "селу", "селом", "сел", "селище", "селища", "селищі", "смт", "с", "н", "п", "пос",
    "поселок", "поселка", "поселке", "посёлок", "поселку", "поселком", "деревня", "деревни", "деревне", "деревню",
    "хутор", "хутора", "хуторе", "хутір", "населенный", "населенного", "населенном", "населеному", "населений",
    "населеного", "пункт", "пункта", "пункте", "пункту", "пункті", "village", "villages", "town", "settlement",
    "місто", "міста", "місті", "город", "города", "городе", "городок", "містечко"})
# a word of a city before a village's name, or of a village before a city's, says the
# post means another place of that name ("в городе Пальмира", "деревню Александрия")
_CITY_NOUNS = frozenset({"город", "города", "городе", "городу", "городом", "місто", "міста", "місті", "містом",
                         "city"})
_VILLAGE_NOUNS = frozenset({"село", "села", "селе", "селі", "селу", "селом", "деревня", "деревни", "деревне",
                            "деревню", "деревней", "хутор", "хутора", "хуторе", "хутір", "village"})
# the first words of two-word names: Нова, Мала, Велика, Стара, Верхня, Червона, Біла...
_NAME_ADJECTIVES = ("нов", "мал", "велик", "больш", "стар", "верхн", "нижн", "середн", "средн", "червон", "красн",
                    "біл", "бел", "чорн", "черн", "зелен", "сух", "кам'ян", "камен", "золот", "широк", "глибок",
                    "глубок", "перш", "перв")
# not "за", "через": "за Оскол", "через Дніпро" are rivers
_PLACE_PREPOSITIONS = frozenset({"в", "во", "у", "на", "под", "під", "пiд", "біля", "возле", "около", "из", "із",
                                 "з", "зі", "от", "від", "до", "к", "ко", "между", "між", "поблизу",
                                 "неподалеку", "неподалік", "near", "in", "at", "from", "outside", "around", "to"})
# nouns that place an event by a settlement named after them: "в районе Счастья", "на окраинах Мирного"
_PLACE_NOUNS = frozenset({"районе", "районі", "району", "окраине", "окраинах", "окраину", "окраины", "окраїні",
                          "окраїнах", "окраїну", "окраїни", "околицах", "околицях", "окрестностях", "окрестности",
                          "подступах", "підступах", "outskirts", "vicinity"})
# "реки Оскол", "річки Сула", "the Donets river": the river, never the village of its name
_RIVER_WORDS = frozenset({"река", "реки", "реке", "реку", "рекой", "річка", "річки", "річці", "річку", "річкою",
                          "river", "берег", "берега", "берегу", "берегом", "бережок", "берегах"})
_RIVER_AFTER = frozenset({"river", "line", "bank", "banks", "valley", "floodplain"})
_LINKS = frozenset({"и", "та", "і", "й", "а", "также", "and", "or", "или", "або"})
# what may stand between a name and an area named beside it: "X Сватівського району",
# "X, Харківщина", "X на Львівщині", "X in the Svatove district"
_AREA_LINK = re.compile(r"[ \t,:()\-–—]*(?:(?:у|в|во|на|at|in|of)\s+)?(?:the\s+)?")
# Words whose object is a place fought over, left or taken (_GROUND_STEMS), or struck or
# evacuated (_STRIKE_STEMS): a village named right after one ("штурм Уманського", "бої за
# Роботине", "shelling hit Bilohorivka") is used as a place, whatever else its name is.
# Beginnings of words; a preposition ("за", "по", "на") may stand between.
_GROUND_STEMS = (
    "штурм", "оборон", "бои", "бой", "бою", "боях", "бої", "боїв", "бій", "сражени", "битв", "захват", "захоп",
    "взял", "взяли", "взяв", "занял", "заняли", "заняв", "зайшл", "зашли", "вошли", "увійшл", "вийшл", "вышли",
    "освобод", "звільн", "оставил", "залишил", "покинул", "покину", "сдал", "сдач", "здал", "здач", "отступ",
    "відступ", "отошл", "відійшл", "окруж", "оточ", "зачист", "удерж", "утрим", "прорв", "прорыв", "прорив",
    "наступ", "продвин", "просун", "подступ", "окраин", "околиц", "контрол", "позиц", "плацдарм", "assault",
    "storm", "captur", "took", "seiz", "liberat", "retook", "recaptur", "abandon", "left", "hold", "held", "defen",
    "fight", "battle", "entered", "encircl", "retreat", "withdr", "clear", "outskirts", "toward", "towards")
# a place abroad's name (Нью-Йорк) counts after these alone: history has its storms of Berlin
_TAKEN_STEMS = ("бои", "бой", "бою", "боях", "бої", "боїв", "бій", "вийшл", "вышли", "захоп", "взял", "взяли", "взяв", "занял", "заняли", "заняв", "оставил", "залишил",
                "покинул", "покину", "сдал", "здал", "зайшл", "зашли", "вошли", "увійшл", "captur", "seiz", "abandon",
                "withdr", "retreat", "entered")
# passives said of a place taken, freed, left, encircled or cleared: "Старомайорське
# звільнено", "Работино освобождено", "Приютное оставлено"
_TAKEN_PARTICIPLES = ("звільнен", "освобожден", "захоплен", "захвачен", "окупован", "оккупирован", "взят",
                      "оставлен", "залишен", "покинут", "сдан", "здан", "окружен", "оточен", "зачищен",
                      "liberated", "captured", "abandoned", "encircled")
# the object of liberation is a place, not a person of that name ("liberated Lukiantsi")
_LIBERATED_STEMS = ("liberat", "звільн", "освобод", "recaptur", "retook", "retake", "відбил", "отбил")
# a place cried ours ("Старомайорське наше!")
_OURS = frozenset({"наш", "наша", "наше", "наши", "наші", "ours"})
# the word after "Сили", "Силы" when they are forces ("Сили оборони"), not the village Сили
_FORCES_OF = frozenset({"оборони", "обороны", "безпілотних", "беспилотных", "спеціальних", "специальных",
                        "територіальної", "территориальной", "підтримки", "поддержки"})
_STRIKE_STEMS = _GROUND_STEMS + (
    "обстрел", "обстріл", "атак", "удар", "бомб", "эвакуир", "евакуйов", "эвакуац", "евакуац", "shell", "attack",
    "struck", "hit", "bomb", "pound", "evacuat")
_WAR_OBJECT_LINKS = frozenset({"за", "по", "на", "в", "у", "под", "під", "до", "к", "of", "on", "at", "in", "for",
                               "near", "around", "into", "from", "из", "з", "із", "от", "від"})


_AXIS_NOUN = re.compile(r"[ \t]+(?:направлени|напрям|direction|axis)")
_ADJ_TAIL = re.compile(r"(?:ськ|цьк|зьк|ск|цк|зк)(?:ий|ій|ого|ому|им|ім|ая|ой|ую|ое|ом|ое|ый|ие|ых|а|е|у|ої|ою|і)$")


def axis_form(forms: dict[str, int], folded: str, end: int, word: str) -> str | None:
    """The settlement form an axis adjective is made from ("Времевском направлении" →
    Времевка, "Очеретинський напрямок" → Очеретине): the README counts an axis as a
    mention of its place. None when the word is no adjective before an axis noun."""
    # the axis noun after the word first: one anchored match that fails at once for almost
    # every capitalised word, where the ending search would scan the whole word
    if _AXIS_NOUN.match(folded, end) is None:
        return None
    return axis_base(forms, word)


def axis_base(forms: dict[str, int], word: str) -> str | None:
    """The settlement form an adjective would name before an axis noun: the half of
    `axis_form` that depends on the word alone, which a caller may remember."""
    tail = _ADJ_TAIL.search(word)
    if tail is None:
        return None
    base = word[:tail.start()]
    suffix = word[tail.start():tail.start() + (3 if word[tail.start() + 1:tail.start() + 2] == "ь" else 2)]
    options = [base + "ка", base + "е", base + "о", base + "ое", base + suffix, base]
    if base.endswith(("ів", "ов")):
        options += [base[:-2] + "ове", base[:-2] + "ово", base[:-2] + "ів"]
    return next((o for o in options if o in forms), None)


# Word beginnings of posts about the war. A post with none of them and no place of the main
# gazetteer is not searched for settlements at all (a village named by itself would not
# count there), which keeps the everyday stream at the speed it had before.
WAR_STEMS = (
    "всу", "зсу", "рф", "збройн", "вооруженн", "войск", "військ", "армі", "арми", "army", "troops", "forces",
    "military", "фронт", "front", "направлени", "напрям", "обстр", "shell", "штурм", "assault", "бои", "боев", "боя",
    "бої", "бій", "бою", "fight", "атак", "attack", "дрон", "drone", "бпла", "беспилот", "безпілот", "ракет",
    "missile", "артил", "artiller", "окупант", "оккупант", "occup", "противник", "ворог", "враг", "enemy", "освобод",
    "звільн", "liberat", "захоп", "captur", "отступ", "відступ", "retreat", "withdr", "отош", "отход", "відхід",
    "відійш", "позиц", "position", "окоп", "trench", "укрепл", "укріпл", "сво", "оборон", "defen", "наступ",
    "offensive", "advance", "обломк", "уламк", "прилет", "приліт", "вибух", "взрыв", "explos", "эвакуац", "евакуац",
    "evacuat", "генштаб", "general staff", "минобороны", "міноборони", "бригад", "brigade", "батальон", "battalion",
    "десант", "marines", "снаряд", "миномет", "міномет", "танк", "tank", "бтр", "бмп", "село", "селище", "village",
    "поселок", "посёлок", "н.п", "смт", "флаг", "прапор", "flag",
    # ordinary war reporting without the words above: strikes, glide bombs, mines, trenches,
    # advances, clearing, evacuation (stems under five letters match whole words only)
    "удар", "удары", "удару", "ударом", "ударов", "ударил", "удари", "ударів", "ударив", "strike", "struck",
    "каб", "каба", "кабы", "кабов", "кабами", "каби", "кабів", "авиабомб", "авіабомб", "бомб", "bomb", "glide",
    "минир", "заминир", "мінув", "мінує", "замінув", "minefield", "landmine", "траншеи", "траншей", "траншеї",
    "траншею", "trench", "окопа", "продвига", "продвину", "просува", "просуну", "зачист", "clearing", "пехот",
    "піхот", "infantry", "штурмов", "евакую", "евакуюв", "эвакуир", "оккупир", "окупов", "shelled", "shelling",
    "ворож", "вражес", "боевик", "рашист", "орки", "орків", "fpv", "фпв", "дрг", "диверс", "рубеж", "рубіж",
    "выбит", "вибит", "сдан", "здан", "взят", "гарнизон", "гарнізон", "окружени", "оточенн", "encircl", "котел",
    "котле", "котлі", "окопал", "закрепил", "закріпил", "закріпи", "укрепля", "укріплю",
    # fighting, counter-attacks, bridgeheads, troops: words that news of accidents, prices
    # or sport does not use ("погибли", "столкновение", "заняли" do, and stay out)
    "атака", "атаки", "атаку", "атаке", "атако", "атакам", "атаках", "атакув", "атаков", "контратак", "контрнаступ",
    "counteroffens", "counterattack", "відбил", "відбива", "repel", "плацдарм", "bridgehead", "морпех", "морпіх",
    "бойов", "боестолкн", "бойцы", "бойцов", "бійці", "бійців", "воины", "воїни", "захопл", "shot down", "ожесточ",
    "запекл", "зіткнен", "clashes", "milblog", "военкор", "воєнкор"
)


# regions and big cities of Russia, and words only Russia's places take (край, Подмосковье)
_RUSSIA = re.compile(
    r"\b(?:курск|белгород|брянск|подмосков|московск|ленинградск|ростовск|воронеж|липецк|орловск|тульск|"
    r"калужск|калуг|смоленск|рязанск|тамбов|саратов|волгоград|краснодар|кубан|ставропол|дагестан|чечн|"
    r"екатеринбург|петербург|махачкал|калининград|сочи|казан|новосибирск|красноярск|челябинск|"
    r"нижегородск|самарск|свердловск|татарстан|башкир|краснодарск|приморск\w* кра|приморь|бурят|иркутск|"
    r"глушков|коренев|суджанск|рыльск|льгов|шебекин|грайворон|валуйк|раменск|лобн|"
    r"kursk|belgorod|bryansk|moscow region)|\bкра(?:й|е|я|ю)\b")
_SURNAME_ENDINGS = ("ова", "ева", "ина", "ову", "еву", "ину", "овым", "евым", "иным", "ов", "ев", "ин")


def _surname_like(label: str) -> bool:
    """A Russian form that is also a surname's (Свищева of Свищево, Песков of Пески,
    Рогов): such a name counts only where used as a place."""
    lang, _, rest = label.partition(" ")
    name, _, joined = rest.partition(" (")
    joined = joined.rstrip(")")
    return lang == "ru" and " " not in joined and joined.endswith(_SURNAME_ENDINGS) \
        and not joined.endswith(("ино", "ово", "ево"))


_ADJECTIVE_ENDINGS = ("ські", "ський", "ська", "ське", "ського", "ської", "ських", "ському", "ським", "ская", "ский",
                      "ское", "ские", "ского", "ской", "ских", "скому", "ским", "цькі", "цький", "цькому", "цкий",
                      "цкие", "цкая")


def _adjective_of_a_town(name: str, joined: str) -> bool:
    """A town in -ськ has no case form in -ські, -ский ("Українські війська" is no Українськ):
    such a form is the ordinary adjective."""
    return name.endswith(("ськ", "цьк", "ск", "цк")) and joined.endswith(_ADJECTIVE_ENDINGS) \
        and not joined.endswith(("ська", "цька"))


def _strictest(kinds: set[str], label: str) -> str:
    """What else a name is, for the rules: in English only a first name or a place abroad
    (Krynky is no English word, whatever it means in Ukrainian)."""
    order = ("person", "elsewhere") if label.startswith("en") else ("common", "person", "elsewhere", "word")
    return next((k for k in order if k in kinds), "")


_TOPONYMIC = ("івка", "ївка", "овка", "евка", "ськ", "цьк", "ск", "цк", "ське", "цьке", "ское", "цкое", "ове", "еве",
              "єве", "ово", "ево", "ине", "іне", "ино", "ое", "не", "ке", "поль", "піль", "пілля", "полье", "град",
              "город", "горськ", "гірськ", "ці", "цы", "ичі", "ичи", "ів", "їв", "ов", "ев", "ин", "ivka", "ovka",
              "evka", "sk", "ske", "skoe", "skoye", "ne", "no", "noe", "ove", "ovo", "eve", "evo", "yne", "ino",
              "pil", "pol", "grad", "hrad", "horod", "gorod", "tsi", "tsy", "ychi", "ichi", "iv", "ov", "ev")


def _toponymic(label: str) -> bool:
    """Whether a name ends as place names do (-івка, -ськ, -ове, -піль, ...): such a name
    is a place even where a capital letter tells nothing, at the start of a sentence."""
    lang, _, name = label.partition(" ")
    name = name.lower()
    return lang == "en" or " " in name or "-" in name or name.endswith(_TOPONYMIC)


# Cities whose name is also an everyday word, a person, a front's name or a bigger town of
# Russia (Щастя, Долина, Хотин, Слобожанське, Подольск): opening a sentence, where the
# capital letter tells nothing, or in a post that is not about the war, they are read as
# that other thing, as a village's name would be.
_EVERYDAY_CITIES = frozenset(n.lower() for n in (
    "Алмазна", "Антрацит", "Бар", "Богуслав", "Борислав", "Броди", "Броды", "Валки", "Вишневе", "Вишневое",
    "Володимир", "Галич", "Гірник", "Городище", "Городок", "Долина", "Заводське", "Заводское", "Залізне",
    "Золоте", "Золотое", "Ізмаїл", "Измаил", "Калинівка", "Калиновка", "Кипуче", "Лиман", "Малин", "Мена",
    "Олександрія", "Александрия", "Острог", "Південне", "Покров", "Пологи", "Привілля", "Приморськ", "Приморск",
    "Рівне", "Родинське", "Родинское", "Рудки", "Саки", "Самар", "Сарни", "Семенівка", "Семеновка", "Скала",
    "Славута", "Славутич", "Слобожанське", "Слобожанское", "Сміла", "Смела", "Сніжне", "Снежное", "Сорокине",
    "Сорокино", "Соснівка", "Сосновка", "Стрий", "Судак", "Тернівка", "Терновка", "Турка", "Українка", "Украинка",
    "Українськ", "Украинск", "Хорол", "Хрустальний", "Хрустальный", "Чоп", "Шахтарськ", "Шахтерск", "Щастя",
    "Счастье", "Южне", "Южное", "Ровно", "Bar", "Нікіта", "Никита", "Хотин", "Подольск", "Дубна", "Дубно", "Благовещенское",
    "Благовіщенське",
))


def _everyday_city(label: str) -> bool:
    return label.partition(" ")[2].lower() in _EVERYDAY_CITIES


def _abbreviation(text: str, dot: int) -> bool:
    """A full stop after a short lower-case word (с., н.п., пос., обл.) ends no sentence."""
    if dot >= len(text) or text[dot] != ".":
        return False
    k = dot
    while k > 0 and text[k - 1].isalpha():
        k -= 1
    word = text[k:dot]
    return 0 < len(word) <= 3 and word.islower()


# what joins names in a list of places ("Погребки, Коренево и Любимовка")
_JOINT_BEFORE = re.compile(r"(?:,\s*|\s+(?:и|та|і|й|and|or|або|или)\s+)$")
_JOINT_AFTER = re.compile(r"(?:\s*,|\s+(?:и|та|і|й|and|or|або|или)\s+)\s*")
# nouns an adjective-shaped name may qualify instead ("Тилігульському лимані"): then it is
# no place
_HEAD_NOUNS = ("лиман", "озер", "водосховищ", "водохранилищ", "мор", "річ", "рек", "ріц", "ліс", "лес", "парк",
               "завод", "комбінат", "шахт", "аеропорт", "аэропорт", "вокзал", "трас", "шосе", "мост", "міст",
               "район", "округ", "напрям", "направлен", "фронт", "громад", "общин", "област", "сільрад", "сельсовет",
               "рада", "раді", "совет", "тэц", "тец", "тэс", "тес", "аэс", "аес", "гэс", "гес", "кладовищ",
               "кладбищ", "плацдарм", "участ", "ділянц", "ділянк", "отряд", "загін", "батальон", "полк", "бригад",
               "групп", "угрупован", "корпус", "дивизи", "дивізі", "клуб", "команд", "стадион", "стадіон", "флот",
               "проспект", "улиц", "вулиц", "переул", "провул", "площад", "бульвар", "шоссе", "набережн",
               # "Приморском крае", "Курского приграничья", "Аграрного университета", "Тихий
               # океан", "на Новый год"
               "край", "крае", "края", "краю", "приграничь", "прикордон", "университет", "університет",
               "океан", "год",
               # "Северной стороны Севастополя", "Центральной России", "Научном городке",
               # "Кировского рудника"
               "сторон", "росси", "украин", "україн", "европ", "європ", "ази", "америк", "африк", "городк",
               "городо", "рудник",
               # "Золотое время", "Общее число", "New York Times"
               "врем", "числ", "times")


@lru_cache(maxsize=4)
def renamed_city_names(book: SettlementBook) -> frozenset[str]:
    """The old names of renamed cities in every language (Стаханов, Новомосковск, Torez):
    what the current name also is (Самар a first name, Кадіївка a surname by the
    dictionary) says nothing of the old one, which names the city alone."""
    names: set[str] = set()
    for s in book.settlements:
        if s.category not in "MK" or s.also == "common":
            continue      # Південне's Южне is as much a word as the new name
        for former in s.former:
            ru = russian_names(former)
            names.update((former, *ru, *english_names(former, ru)))
    return frozenset(names)
