"""Russian and English names of a Ukrainian settlement, generated from its Ukrainian name.

The codifier gives only the Ukrainian name, while posts use the Russian one
(Очеретине → Очеретино) and two romanisations (Ocheretyne, Ocheretino). The Russian name
follows from the Ukrainian by a handful of sound correspondences (і from о or е in closed
syllables, -івка → -овка, -ське → -ское, neuter -е → -о/-ое); where a correspondence is
not decidable from the letters (Васильевка or Василовка, Вербовое or Вербово) every
reading is produced: a spelling nobody writes costs a dictionary entry, a missing one
loses a post. Names people really use that no rule gives come from an exceptions table.
"""

from __future__ import annotations

import re
from os.path import commonprefix

_CONSONANTS = "бвгґджзйклмнпрстфхцчшщ"
_HARD_FOR_Y = "бвдзлмнпрстфц"
_ADJ_FEMININE = ("ська", "цька", "зька", "ова", "ева", "єва", "ина", "іна", "на", "ва", "ка", "ла", "ча", "жа", "ша",
                 "ря", "ня", "ра", "ха", "га", "ба", "ата", "ота", "рута", "вта", "ста", "иса", "уца")


# a second word that is an adjective (Лозова, Перша), not a noun (Діброва is both: both readings)
_ADJ_FEMININE_LAST = ("ська", "цька", "зька", "ова", "ева", "єва", "ша", "рва")
# roots whose Russian differs by more than the letter rules (Білий Колодязь → Белый Колодезь)
_RU_ROOTS = (("руськ", "русск"), ("вільн", "вольн"), ("біл", "бел"), ("колодяз", "колодез"), ("перш", "перв"),
             ("червон", "красн"), ("кам'ян", "камен"), ("вовч", "волч"))


# and those that hold in a one-word name too (Чорнобаївка → Чернобаевка, Залізне → Железное,
# Вовчанськ → Волчанск, Вільхівка → Ольховка); перш-, червон-, кам'ян- do not (Першотравенськ,
# Червоноград, Кам'яне → Каменное)
_RU_ROOTS_ANY = (("чорн", "черн"), ("залізн", "железн"), ("колодяз", "колодез"), ("вовч", "волч"), ("вільх", "ольх"),
                 ("вільш", "ольш"), ("іллі", "ильи"),     # Іллінка → Ильинка, Іллічівка → Ильичёвка
                 ("жовт", "желт"))                        # Жовте → Жёлтое, Жовтий Яр → Жёлтый Яр
_VOICELESS = "скптшчхфц"


def _ru_root(word: str, roots: tuple[tuple[str, str], ...] = _RU_ROOTS + _RU_ROOTS_ANY) -> str:
    lower = word.lower()
    for uk, ru in roots:
        if lower.startswith(uk):
            return _cap(ru, word) + word[len(uk):]
    return word


def _cap(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _suffix_variants(w: str, position: str) -> list[str]:
    """Readings of a lower-case word's ending; the root is left to `_letters`."""
    if w.endswith("ець") and len(w) > 4:
        return [w[:-1]]      # Марганець → Марганец: Russian has no soft sign after ц
    if w.endswith("іївка"):
        return [w[:-5] + "еевка"]
    if w.endswith("ївка"):
        return [w[:-4] + "евка"]
    if w.endswith("івка"):
        stem = w[:-4]
        out = [stem + "овка", stem + "евка"]
        if stem.endswith(("л", "р", "н")):
            out.append(stem + "ьевка")
        return out
    for uk, ru in (("івськ", "овск"), ("ївськ", "евск"), ("гірськ", "горск"), ("пілля", "полье"),
                   ("піль", "поль"), ("ріг", "рог"), ("сілка", "селка"), ("їв", "ев")):
        if w.endswith(uk):
            return [w[:-len(uk)] + ru]
        if w.endswith(uk + "е") and uk.endswith("ськ"):
            return [w[:-len(uk) - 1] + ru + "ое"]
    if len(w) > 4 and w[-1] == "я" and (w[-2] == "'" or (w[-2] == w[-3] and w[-2] in _CONSONANTS and w[-2] != "н")):
        # Привілля → Приволье, Зимогір'я → Зимогорье (not -ння: Відродження is -ение)
        return [w[:-2] + "ье"]
    if w.endswith("ів") and len(w) > 3:
        return [w[:-2] + "ов", w[:-2] + "ев"]
    if w.endswith(("ське", "цьке", "зьке")):
        return [w[:-1] + "ое"]
    if w.endswith(("ове", "еве", "єве", "ине", "іне")):
        return [w[:-1] + "о", w[:-1] + "ое"]
    if len(w) > 3 and w.endswith("нє"):
        return [w[:-1] + "ее"]      # a soft adjective: Дальнє → Дальнее, Верхнє Лозове → Верхнее Лозовое
    if w.endswith("дзе"):
        return [w]      # Орджонікідзе: a Georgian ending, the same in Russian
    if position == "last" and w.endswith(("ле", "ре")):
        return [w]      # Вільне Поле → Вольное Поле
    if len(w) > 3 and w.endswith(("че", "же")):
        return [w[:-1] + "ее", w[:-1] + "ое"]      # Кипуче → Кипучее unstressed, Гаряче → Горячее
    if len(w) > 3 and w.endswith("е") and w[-2] in _CONSONANTS:
        return [w[:-1] + "ое", w[:-1] + "о"] if w[-2] in "вн" else [w[:-1] + "ое"]
    if w.endswith(("ий", "ій")) and len(w) > 3:
        return [w[:-2] + "ий", w[:-2] + "ый"]
    if w.endswith(("а", "я")) and (position == "first" or w.endswith(("ська", "цька"))) \
            and w.endswith(_ADJ_FEMININE):
        return [w + "я" if w.endswith("а") else w[:-1] + "яя"]
    if position == "last" and w.endswith(_ADJ_FEMININE_LAST):
        # Руська Лозова → Русская Лозовая, Новоселівка Перша → Новоселовка Первая
        return [w + "я", w]
    if w.endswith(("ські", "цькі")):
        return [w[:-1] + "ие"]
    if position == "only" and (w.endswith(("ова", "ева", "ьна")) or (w.endswith("на") and w[-3:-2] in _CONSONANTS)):
        return [w, w + "я"]
    if w.endswith("і") and len(w) > 2:
        before = w[-2]
        if position == "first" and before != "ц":      # a plural adjective: Малі Щербаки → Малые Щербаки
            return [w[:-1] + "ие", w[:-1] + "и"] if before in "кгхжчшщ" else \
                [w[:-1] + "ые", w[:-1] + "ие"] if before == "н" else [w[:-1] + "ые", w[:-1] + "ы", w[:-1] + "и"]
        if before in "кгхжчшщ":
            return [w[:-1] + "и"]
        return [w[:-1] + "ы", w[:-1] + "и"]
    if w.endswith("и") and len(w) > 2 and w[-2] in _HARD_FOR_Y:
        return [w[:-1] + "ы"]
    if w.endswith("ця"):
        return [w[:-1] + "а"]
    return [w]


def _closed(w: str, i: int) -> bool:
    """Whether the і at i stands in a closed syllable (a consonant, then a consonant or the
    end): there Ukrainian і comes from о or е (Спірне → Спорное, Новосілка → Новоселка)."""
    return i + 1 < len(w) and w[i + 1] in _CONSONANTS and (i + 2 == len(w) or w[i + 2] in _CONSONANTS + "ь")


def _letters(w: str, alternative: bool | str) -> str:
    """Letter by letter: і is и; in the alternative readings е (Кліщіївка → Клещеевка), or
    о in closed syllables ("closed")."""
    out: list[str] = []
    n = len(w)
    i = 0
    while i < n:
        ch = w[i]
        nxt = w[i + 1] if i + 1 < n else ""
        if ch == "'":
            out.append("ь" if nxt in "яюєїе" and not alternative else "")      # е: from ї, as in -'ївка
        elif ch == "і":
            if nxt == "й" and i + 2 < n:
                out.append("е")
            elif alternative == "closed" and i > 0:
                out.append("о" if _closed(w, i) else "е")
            else:
                out.append("е" if alternative and i > 0 else "и")
        elif ch == "ї":
            out.append("и" if i == 0 or (out and out[-1] == "ь") else "и")
        elif ch == "є":
            out.append("е")
        elif ch == "е" and i == 0 and not alternative:
            out.append("э")      # Енергодар → Энергодар: Russian е at a start is Ukrainian є
        elif ch == "ґ":
            out.append("г")
        elif ch == "й" and nxt == "о" and i > 0 and w[i - 1] in _CONSONANTS:
            out.append("ье")
            i += 2
            continue
        elif ch == "ь" and nxt == "о":
            out.append("е")      # Метьолкіне → Метёлкино, Верхньодніпровськ → Верхнеднепровск
            i += 2
            continue
        else:
            out.append(ch)
        i += 1
    text = "".join(out)
    if text.startswith("олекс"):
        text = "алекс" + text[5:]
    return text.replace("олекс", "алекс").replace("костянтин", "константин").replace("ськ", "ск") \
        .replace("цьк", "цк").replace("зьк", "зк")


def russian_names(uk: str) -> tuple[str, ...]:
    """Every Russian reading of a Ukrainian settlement name, the likeliest first."""
    parts = uk.replace("’", "'").replace("ʼ", "'").split()
    n = len(parts)
    parts = [_ru_root(p) if n > 1 else _ru_root(p, _RU_ROOTS_ANY) for p in parts]
    per_word: list[list[str]] = []
    for k, part in enumerate(parts):
        position = "only" if n == 1 else "first" if k < n - 1 else "last"
        pieces = part.split("-")
        variants: list[str] = []
        for alternative in (False, True, "closed"):
            for ending in _suffix_variants(pieces[-1].lower(), position):
                piece_words = [_letters(p.lower(), alternative) for p in pieces[:-1]] + [_letters(ending, alternative)]
                word = "-".join(_cap(p, orig) for p, orig in zip(piece_words, pieces, strict=True))
                if word not in variants:
                    variants.append(word)
        per_word.append(variants)
    names: list[str] = [""]
    for variants in per_word:
        names = [f"{name} {v}".strip() for name in names for v in variants]
    names = names[:8 if n == 1 else 12]
    if parts[-1].endswith("іївка"):
        # Андріївка → Андреевка, but Софіївка → Софиевка, Георгіївка → Георгиевка: a further
        # reading, after the likelier ones
        names.append(names[0][:-5] + "иевка")
    return tuple(dict.fromkeys(names + [_prefix_raz(name) for name in names]))


def _prefix_raz(name: str) -> str:
    """The Russian spelling of the prefix роз- (Роздольне → Раздольное, Розсипне →
    Рассыпное), as a further reading: a name may keep роз- in Russian (Розкішне →
    Роскошное), and Розівка is a rose, not a prefix."""
    out = []
    for word in name.split(" "):
        low = word.lower()
        if low.startswith("роз") and len(low) > 4 and low[3] in _CONSONANTS:
            head = "рас" if low[3] in _VOICELESS else "раз"
            word = _cap(head, word) + word[3:]
        out.append(word)
    return " ".join(out)


# --- romanisation --------------------------------------------------------------------

# The national system (Cabinet of Ministers resolution No. 55 of 2010): letters that
# differ at the start of a word have a second entry.
_NATIONAL = {"а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
             "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
             "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
             "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": ""}
_NATIONAL_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_NATIONAL_YA = {**_NATIONAL, "ю": "yu", "я": "ya"}
_RUSSIAN = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
            "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
            "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
            "ь": "", "э": "e", "ю": "yu", "я": "ya", "'": ""}


def _romanise_word(word: str, table: dict[str, str], initial: dict[str, str]) -> str:
    low = word.lower().replace("’", "'").replace("ʼ", "'")
    out: list[str] = []
    for i, ch in enumerate(low):
        if ch == "г" and i and low[i - 1] == "з" and table is _NATIONAL:
            out.append("gh")
        elif i == 0 and ch in initial:
            out.append(initial[ch])
        else:
            out.append(table.get(ch, ch))
    return _cap("".join(out), word)


def _romanise(name: str, table: dict[str, str], initial: dict[str, str]) -> str:
    return " ".join("-".join(_romanise_word(p, table, initial) for p in w.split("-")) for w in name.split())


def national_romanisation(uk: str) -> str:
    """Ocheretyne, Kupiansk, Velyka Novosilka."""
    return _romanise(uk, _NATIONAL, _NATIONAL_INITIAL)


def russian_romanisation(ru: str) -> str:
    """The spelling of English news that followed Russian: Ocheretino, Krasnogorovka."""
    text = _romanise(ru, _RUSSIAN, {"е": "ye"})
    out = []
    for word in text.split():
        if word.endswith(("iy", "yy")):
            word = word[:-2] + "y"
        out.append(word)
    return " ".join(out)


def english_names(uk: str, russian: tuple[str, ...]) -> tuple[str, ...]:
    """The national romanisation, its common -yi/-yy variant, and the Russian-based ones."""
    national = national_romanisation(uk)
    names = [national]
    if "yi" in national:
        names.append(national.replace("yi ", "yy ").removesuffix("yi") + ("yy" if national.endswith("yi") else ""))
    # я and ю after a consonant as "ya", "yu", as much English news writes them
    # (Kostyantynivka, Maksymilyanivka)
    hybrid = _romanise(uk, _NATIONAL_YA, _NATIONAL_INITIAL)
    if hybrid != national:
        names.append(hybrid)
    for ru in russian[:2]:
        names.append(russian_romanisation(ru))
        names.append(russian_romanisation(_AFTER_VOWEL_E.sub("\0", ru)).replace("\0", "ye"))
    return tuple(dict.fromkeys(n for n in names if n))


# е after a vowel or a soft or hard sign, which the BGN/PCGN spelling of English news
# writes "ye": Staromayorskoye, Kleshcheyevka, Avdeyevka
_AFTER_VOWEL_E = re.compile(r"(?<=[аеёиоуыэюяьъАЕЁИОУЫЭЮЯ])е")


def russian_adjectives(uk: str) -> tuple[str, ...]:
    """Russian masculine adjectives of a raion or hromada (Сватівський → Сватовский)."""
    word = _ru_root(uk.replace("’", "'").strip(), _RU_ROOTS_ANY)      # Вовчанська → Волчанская
    if " " in word or not word.endswith(("ий", "ій")):
        return ()
    stem = word[:-2]
    out: list[str] = []
    # "closed": і of a closed syllable as о (Добропільська → Добропольская, Гуляйпільська → Гуляйпольская)
    for alternative in (False, True, "closed"):
        for ending in _suffix_variants(stem.lower(), "only") if stem.endswith(("ськ", "цьк", "зьк")) \
                else [stem.lower()]:
            out.append(_cap(_letters(ending, alternative), word) + "ий")
    if stem.endswith("уцьк") and len(stem) > 5:
        # Великий Бурлук: Великобурлуцька громада, «Великобурлукская» in Russian
        out += [a[:-4] + "кский" for a in out if a.endswith("уцкий")]
    return tuple(dict.fromkeys(out))


def adjectives_of_russian_names(adjective: str, centre: str, in_use: tuple[str, ...]) -> tuple[str, ...]:
    """Russian adjectives of a raion or hromada named after a town whose Russian name in
    use is not the generated one: Вовчанська громада of Вовчанськ (Волчанск) is
    «Волчанская», Харківський район «Харьковский», Вугледарська «Угледарская».

    The generated adjective shares its beginning with the generated name of the town; that
    beginning is replaced by the same part of the name in use.
    """
    made = russian_names(centre)
    if not made:
        return ()
    generated = made[0]
    out: list[str] = []
    for adj in russian_adjectives(adjective):
        shared = len(commonprefix([adj, generated]))
        cut = len(generated) - shared
        if shared < 3 or cut > 2:
            continue
        for name in in_use:
            if name == generated or " " in name or len(name) <= cut or name[-1] != generated[-1] \
                    or name[len(name) - cut:] != generated[shared:]:
                continue      # Керчь, Днепр: the name in use ends otherwise, the rule would guess
            out.append(name[:len(name) - cut] + adj[shared:])
    # Russian builds the adjective on the whole name where Ukrainian contracts it:
    # Волноваха → Волновахский (Волноваський), Черкассы → Черкасский
    for adj in russian_adjectives(adjective)[:1]:
        for name in (*in_use, generated):
            derived = _town_adjective(name)
            if derived is not None and len(commonprefix([derived.lower(), adj.lower()])) >= 4:
                out.append(derived)
    return tuple(dict.fromkeys(a for a in out if a not in russian_adjectives(adjective)))


def _town_adjective(name: str) -> str | None:
    """The Russian adjective of a town's one-word name where Ukrainian contracts a
    consonant into -ський and Russian keeps it: Волноваха → Волновахский (Волноваський),
    Черкассы → Черкасский; None elsewhere, where the generated adjective already serves."""
    if " " in name or "-" in name or len(name) < 4:
        return None
    stem = name[:-1] if name[-1] in "аоеиыя" else name
    if stem.endswith("х"):
        return stem + "ский"
    if stem.endswith("сс"):
        return stem + "кий"
    return None
