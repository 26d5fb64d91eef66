"""Case forms of Russian and Ukrainian place names, generated from the nominative.

A team adds a place by writing its base names; every case people write follows from the
ending class, so the gazetteer never lists `Купянска, Купянску, Купянском...` by hand.
The rules over-generate on purpose (both `-у` and `-і` locatives, both readings of an
ambiguous ending): a form nobody writes costs nothing, a missing one loses a post.
Input and output are folded (lower case, ё as е).
"""

from __future__ import annotations

from collections.abc import Iterable

CASES = ("nom", "gen", "dat", "acc", "ins", "loc")
Forms = dict[str, set[str]]

_VOWELS = "аеиоуыэюяіїє"
_HUSHING = "жшчщ"
_VELAR_RU = "кгх"
_PREPOSITIONS = frozenset({"на", "над", "под", "під", "в", "у", "при", "біля", "on", "upon"})

_RU_ADJ = {
    "nom": ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие"),
    "gen": ("ого", "его", "ой", "ей", "ых", "их"),
    "dat": ("ому", "ему", "ой", "ей", "ым", "им"),
    "acc": ("ый", "ий", "ой", "ую", "юю", "ое", "ее", "ые", "ие", "ых", "их"),
    "ins": ("ым", "им", "ой", "ою", "ей", "ею", "ыми", "ими"),
    "loc": ("ом", "ем", "ой", "ей", "ых", "их"),
}
_RU_ADJ_BY_GENDER = {
    "m": {"nom": ("ый", "ий", "ой"), "gen": ("ого", "его"), "dat": ("ому", "ему"), "acc": ("ый", "ий", "ой"),
          "ins": ("ым", "им"), "loc": ("ом", "ем")},
    "f": {"nom": ("ая", "яя"), "gen": ("ой", "ей"), "dat": ("ой", "ей"), "acc": ("ую", "юю"),
          "ins": ("ой", "ою", "ей", "ею"), "loc": ("ой", "ей")},
    "n": {"nom": ("ое", "ее"), "gen": ("ого", "его"), "dat": ("ому", "ему"), "acc": ("ое", "ее"),
          "ins": ("ым", "им"), "loc": ("ом", "ем")},
}
_UK_ADJ = {
    "nom": ("ий", "а", "е", "і"),
    "gen": ("ого", "ої", "их"),
    "dat": ("ому", "ій", "им"),
    "acc": ("ий", "у", "е", "і", "их"),
    "ins": ("им", "ою", "ими"),
    "loc": ("ому", "ім", "ій", "их"),
}
_UK_ADJ_BY_GENDER = {
    "m": {"nom": ("ий",), "gen": ("ого",), "dat": ("ому",), "acc": ("ий",), "ins": ("им",), "loc": ("ому", "ім")},
    "f": {"nom": ("а",), "gen": ("ої",), "dat": ("ій",), "acc": ("у",), "ins": ("ою",), "loc": ("ій",)},
    "n": {"nom": ("е",), "gen": ("ого",), "dat": ("ому",), "acc": ("е",), "ins": ("им",), "loc": ("ому", "ім")},
    # soft stems: Верхній Салтів, Нижня Дуванка, Дальнє (верхнього, нижньої, дальньому)
    "m_soft": {"nom": ("ій",), "gen": ("ього",), "dat": ("ьому",), "acc": ("ій",), "ins": ("ім",),
               "loc": ("ьому", "ім")},
    "f_soft": {"nom": ("я",), "gen": ("ьої",), "dat": ("ій",), "acc": ("ю",), "ins": ("ьою",), "loc": ("ій",)},
    "n_soft": {"nom": ("є",), "gen": ("ього",), "dat": ("ьому",), "acc": ("є",), "ins": ("ім",),
               "loc": ("ьому", "ім")},
}


def _forms(**cases: Iterable[str]) -> Forms:
    out: Forms = {case: set() for case in CASES}
    for case, values in cases.items():
        out[case].update(values)
    return out


def _adjective(stem: str, table: dict[str, tuple[str, ...]]) -> Forms:
    return {case: {stem + ending for ending in endings} for case, endings in table.items()}


# --- Russian -------------------------------------------------------------------------

def _ru_adjective_stem(word: str) -> tuple[str, str] | None:
    for ending, gender in (("ый", "m"), ("ий", "m"), ("ой", "m"), ("ая", "f"), ("яя", "f"), ("ое", "n"),
                           ("ее", "n")):
        if word.endswith(ending) and len(word) > 3:
            return word[:-2], gender
    return None


def _ru_noun(w: str) -> Forms:
    last, st = w[-1], w[:-1]
    if last in "ыи" and len(w) > 3:
        gen = {st, st + "ов", st + "ей"}
        if st.endswith("к"):
            core = st[:-1]
            gen |= {core[:-1] + "ек" if core.endswith("й") else core + "ек", core + "ок"}
        return _forms(nom={w}, gen=gen, dat={st + "ам", st + "ям"}, acc={w}, ins={st + "ами", st + "ями"},
                      loc={st + "ах", st + "ях"})
    if last == "а":
        gen = st + ("и" if st[-1] in _VELAR_RU + _HUSHING else "ы")
        ins = {st + "ой", st + "ою"} | ({st + "ей", st + "ею"} if st[-1] in _HUSHING + "ц" else set())
        return _forms(nom={w}, gen={gen}, dat={st + "е"}, acc={st + "у"}, ins=ins, loc={st + "е"})
    if last == "я":
        if st.endswith("и"):
            return _forms(nom={w}, gen={st + "и"}, dat={st + "и"}, acc={st + "ю"}, ins={st + "ей", st + "ею"},
                          loc={st + "и"})
        return _forms(nom={w}, gen={st + "и"}, dat={st + "е"}, acc={st + "ю"}, ins={st + "ей", st + "ею"},
                      loc={st + "е"})
    if last == "о":
        return _forms(nom={w}, gen={w, st + "а"}, dat={w, st + "у"}, acc={w}, ins={w, st + "ом"},
                      loc={w, st + "е"})
    if last == "е":
        if w.endswith("ье"):
            return _forms(nom={w}, gen={st + "я"}, dat={st + "ю"}, acc={w}, ins={st + "ем"}, loc={w})
        return _forms(nom={w}, gen={w, st + "я"}, dat={w, st + "ю"}, acc={w}, ins={w, st + "ем"}, loc={w})
    if last == "ь":
        fem = _forms(nom={w}, gen={st + "и"}, dat={st + "и"}, acc={w}, ins={st + "ью"}, loc={st + "и"})
        if st[-1] in _HUSHING:
            return fem
        masc = _forms(nom={w}, gen={st + "я"}, dat={st + "ю"}, acc={w}, ins={st + "ем"}, loc={st + "е"})
        return _merge(masc, fem)
    if last == "й":
        return _forms(nom={w}, gen={st + "я"}, dat={st + "ю"}, acc={w}, ins={st + "ем"}, loc={st + "е"})
    if last in _VOWELS:
        return _forms(**{case: {w} for case in CASES})
    ins = {w + "ом"} | ({w + "ем"} if last in _HUSHING + "ц" else set())
    forms = _forms(nom={w}, gen={w + "а"}, dat={w + "у"}, acc={w}, ins=ins, loc={w + "е", w + "у"})
    fleeting = _fleeting(w)
    if fleeting:
        # Марганец → Марганца, Городок → Городка; the full stem is kept too
        soft = fleeting.endswith("ц")
        forms = _merge(forms, _forms(gen={fleeting + "а"}, dat={fleeting + "у"},
                                     ins={fleeting + ("ем" if soft else "ом")}, loc={fleeting + "е"}))
    return forms


def _fleeting(w: str) -> str | None:
    """The stem of a noun whose last vowel drops when it declines: -ец, -ець, -ок."""
    if len(w) > 4 and w.endswith(("ец", "ок")) and w[-3] not in _VOWELS:
        return w[:-2] + w[-1]
    if len(w) > 5 and w.endswith("ець") and w[-4] not in _VOWELS:
        return w[:-3] + "ц"
    return None


def _ru_possessive(w: str) -> Forms:
    """`Часов` in `Часов Яр`: short forms, the full adjective people also write, and the
    word left as it is while the noun declines (`у Часов Яра`)."""
    short = _forms(nom={w}, gen={w, w + "а"}, dat={w, w + "у"}, acc={w}, ins={w, w + "ым"}, loc={w, w + "ом"})
    return _merge(short, _adjective(w, _RU_ADJ_BY_GENDER["m"]))


_PLURAL_ADJECTIVE = ("ие", "ые", "ьи", "ські", "цькі", "зькі")


def _plural_adjective(stem: str, soft: bool, uk: bool) -> Forms:
    """`Волчанские Хутора`, `Вовчанські Хутори`: the adjective of a plural name."""
    if uk:
        return _forms(nom={stem + "і"}, gen={stem + "их"}, dat={stem + "им"}, acc={stem + "і", stem + "их"},
                      ins={stem + "ими"}, loc={stem + "их"})
    i = "и" if soft else "ы"
    return _forms(nom={stem + i + "е"}, gen={stem + i + "х"}, dat={stem + i + "м"}, acc={stem + i + "е", stem + i + "х"},
                  ins={stem + i + "ми"}, loc={stem + i + "х"})


def _ru_word(w: str, position: str) -> Forms:
    if position in ("first", "middle") and w.endswith(("ие", "ые")) and len(w) > 4:
        return _plural_adjective(w[:-2], w.endswith("ие"), uk=False)
    if w.endswith("ьи") and position in ("first", "middle"):
        st = w[:-1]
        return _forms(nom={w}, gen={st + "их"}, dat={st + "им"}, acc={w, st + "их"}, ins={st + "ими"},
                      loc={st + "их"})
    if w.endswith("ья") and len(w) > 4:
        st = w[:-1]
        return _forms(nom={w}, gen={st + "ей"}, dat={st + "ей"}, acc={st + "ю"}, ins={st + "ей", st + "ею"},
                      loc={st + "ей"})
    adj = _ru_adjective_stem(w)
    if adj is not None and not (position == "only" and w.endswith("ой")):
        stem, gender = adj
        return _adjective(stem, _RU_ADJ_BY_GENDER[gender])
    if position == "first" and w.endswith(("ов", "ев", "ин")):
        return _ru_possessive(w)
    return _ru_noun(w)


# --- Ukrainian -----------------------------------------------------------------------

def _uk_alternations(w: str) -> set[str]:
    """`Харків -> Харков-`, `Київ -> Києв-`, `Ірпінь -> Ірпен-`: the closed-syllable і."""
    out = {w}
    for i in range(len(w) - 1, -1, -1):
        if w[i] in _VOWELS:
            if w[i] == "і":
                out |= {w[:i] + "о" + w[i + 1:], w[:i] + "е" + w[i + 1:]}
            elif w[i] == "ї":
                out.add(w[:i] + "є" + w[i + 1:])
            break
    return out


def _uk_soften(stem: str) -> set[str]:
    """Dative and locative `-і` after a velar: `Каховка -> Каховці`, `Ріг -> Розі`."""
    out = {stem + "і"}
    for hard, soft in (("к", "ц"), ("г", "з"), ("х", "с")):
        if stem.endswith(hard):
            out.add(stem[:-1] + soft + "і")
    return out


def _uk_noun(w: str) -> Forms:
    last, st = w[-1], w[:-1]
    if last in "иі" and len(w) > 3:
        gen = {st, st + "ів"}
        if st.endswith("к"):
            core = st[:-1]
            gen |= {core + "ок", core + "ек", (core[:-1] + "ок") if core.endswith("й") else core + "ок"}
        return _forms(nom={w}, gen=gen, dat={st + "ам", st + "ям"}, acc={w}, ins={st + "ами", st + "ями"},
                      loc={st + "ах", st + "ях"})
    if last == "а":
        soft = st[-1] in _HUSHING
        return _forms(nom={w}, gen={st + ("і" if soft else "и")}, dat=_uk_soften(st), acc={st + "у"},
                      ins={st + ("ею" if soft else "ою")}, loc=_uk_soften(st))
    if last == "я":
        if st.endswith("і"):
            return _forms(nom={w}, gen={st + "ї"}, dat={st + "ї"}, acc={st + "ю"}, ins={st + "єю"}, loc={st + "ї"})
        if len(st) > 1 and st[-1] == st[-2]:
            return _forms(nom={w}, gen={w}, dat={st + "ю"}, acc={w}, ins={st + "ям"}, loc={st + "і"})
        return _forms(nom={w}, gen={st + "і"}, dat={st + "і"}, acc={st + "ю"}, ins={st + "ею"}, loc={st + "і"})
    if last == "о":
        return _forms(nom={w}, gen={st + "а"}, dat={st + "у", st + "ові"}, acc={w}, ins={st + "ом"},
                      loc={st + "і", st + "у"} | _uk_soften(st))
    if last == "е":
        return _forms(nom={w}, gen={st + "я"}, dat={st + "ю"}, acc={w}, ins={st + "ем"}, loc={st + "і"})
    if last == "ь":
        stems = _uk_alternations(st)
        fleeting = _fleeting(w)
        if fleeting:
            stems.add(fleeting)      # Марганець → Марганця, Марганцем
        masc = _forms(nom={w}, gen={s + "я" for s in stems}, dat={s + "ю" for s in stems}, acc={w},
                      ins={s + "ем" for s in stems}, loc={s + "і" for s in stems})
        fem = _forms(nom={w}, gen={st + "і"}, dat={st + "і"}, acc={w}, ins={st + st[-1] + "ю"}, loc={st + "і"})
        return _merge(masc, fem)
    if last == "й":
        return _forms(nom={w}, gen={st + "я"}, dat={st + "ю"}, acc={w}, ins={st + "єм"}, loc={st + "ї"})
    if last in _VOWELS:
        return _forms(**{case: {w} for case in CASES})
    stems = _uk_alternations(w)
    fleeting = _fleeting(w)
    if fleeting:
        stems.add(fleeting)      # Городок → Городка, у Городку
    soft = last in _HUSHING
    forms = _forms(nom={w}, gen={s + e for s in stems for e in ("а", "у")},
                   dat={s + e for s in stems for e in ("у", "ові", "еві")}, acc={w},
                   ins={s + e for s in stems for e in ("ом", "ем")},
                   loc={s + "у" for s in stems} | {f for s in stems for f in _uk_soften(s)})
    if soft:
        forms["gen"].add(w + "і")
        forms["ins"].add(w + last + "ю")
    if w.endswith(("ськ", "цьк", "зьк")):
        # у Луцьку, not "Луцькі": that would be the adjective (Українськ, "українські війська")
        forms["loc"] = {f for f in forms["loc"] if not f.endswith("і")}
    return forms


def _uk_adjective_stem(w: str, position: str) -> tuple[str, str] | None:
    if w.endswith("ий") and len(w) > 3:
        return w[:-2], "m"
    if w.endswith("ній") and len(w) > 4:
        return w[:-2], "m_soft"
    if position in ("first", "middle") and w.endswith(_UK_NOUN_FEMININE):
        return None
    if position in ("first", "middle") and w.endswith("ня") and len(w) > 4:
        return w[:-1], "f_soft"
    if position in ("first", "middle") and w.endswith(_UK_ADJ_FEMININE) and len(w) > 2:
        return w[:-1], "f"
    if w.endswith("нє") and len(w) > 3:
        return w[:-1], "n_soft"
    # Світле, Біле, Кругле are adjectives; Гуляйполе, Поле are nouns
    if w.endswith("е") and len(w) > 3 and not w.endswith("оле"):
        return w[:-1], "n"
    return None


# a first word in -а that is an adjective (Руська, Біла, Велика), not a noun (Новоселівка, Гора)
_UK_ADJ_FEMININE = ("ська", "цька", "зька", "ова", "ева", "єва", "ина", "іна", "ьна", "на", "ла", "ша", "ка", "ня",
                    "ча", "жа", "ра", "ва")
_UK_NOUN_FEMININE = ("івка", "ївка", "овка", "ілка", "гора", "балка", "лука", "вода", "нива", "кора")


def _uk_word(w: str, position: str) -> Forms:
    if position in ("first", "middle") and w.endswith(("ські", "цькі", "зькі", "ні", "ві", "чі")) and len(w) > 4:
        return _plural_adjective(w[:-1], True, uk=True)
    adj = _uk_adjective_stem(w, position)
    if adj is not None:
        stem, gender = adj
        return _adjective(stem, _UK_ADJ_BY_GENDER[gender])
    if position == "first" and w.endswith(("ів", "їв")):
        stems = _uk_alternations(w) - {w}
        forms = _forms(**{case: {w} for case in CASES})
        for stem in stems:
            forms = _merge(forms, _adjective(stem, _UK_ADJ_BY_GENDER["m"]))
            forms = _merge(forms, _forms(gen={stem + "а"}, dat={stem + "у"}, ins={stem + "им"}, loc={stem + "ім"}))
        return forms
    forms = _uk_noun(w)
    if position == "last" and w.endswith(("ська", "цька", "зька", "ова", "ева", "єва", "ша")):
        # Руська Лозова, Новоселівка Перша: the second word may be an adjective too
        forms = _merge(forms, _adjective(w[:-1], _UK_ADJ_BY_GENDER["f"]))
    if position == "only" and w.endswith(("на", "ва")):
        forms = _merge(forms, _adjective(w[:-1], _UK_ADJ_BY_GENDER["f"]))
    return forms


# --- names ---------------------------------------------------------------------------

def _merge(a: Forms, b: Forms) -> Forms:
    return {case: a.get(case, set()) | b.get(case, set()) for case in CASES}


def _positions(n: int) -> list[str]:
    if n == 1:
        return ["only"]
    return ["first", *["middle"] * (n - 2), "last"]


def inflect(words: tuple[str, ...], lang: str) -> dict[tuple[str, ...], str]:
    """Every case of a (possibly multi-word) name, each word in the same case.

    Words after a preposition (`Славянск-на-Кубани`) stay as written.
    """
    if lang not in ("ru", "uk") or not words:
        return {words: "nom"}
    word_fn = _ru_word if lang == "ru" else _uk_word
    fixed_from = next((i for i, w in enumerate(words) if i and w in _PREPOSITIONS), len(words))
    head = words[:fixed_from]
    tail = words[fixed_from:]
    per_word = [word_fn(w, pos) for w, pos in zip(head, _positions(len(head)), strict=True)]
    if len(head) > 1 and head[0].endswith(_PLURAL_ADJECTIVE) and head[-1].endswith(("а", "я")):
        # a plural name whose noun ends in -а/-я (Волчанские Хутора, Козачьи Лагеря)
        st = head[-1][:-1]
        per_word[-1] = _forms(nom={head[-1]}, gen={st + "ов", st + "ей", st + "ів"}, dat={st + "ам", st + "ям"},
                              acc={head[-1]}, ins={st + "ами", st + "ями"}, loc={st + "ах", st + "ях"})
    out: dict[tuple[str, ...], str] = {}
    for case in CASES:
        combos: list[tuple[str, ...]] = [()]
        for forms in per_word:
            options = forms.get(case) or forms["nom"]
            combos = [c + (f,) for c in combos for f in sorted(options)]
        for combo in combos:
            key = combo + tail
            out[key] = f"{out[key]}/{case}" if key in out else case
    return out


def adjective_forms(word: str, lang: str) -> dict[str, str]:
    """All genders, numbers and cases of an adjective made from a place name."""
    if lang == "ru":
        found = _ru_adjective_stem(word)
        if found is None:
            return {word: "nom"}
        forms = _adjective(found[0], _RU_ADJ)
    else:
        if not word.endswith(("ий", "ій")):
            return {word: "nom"}
        forms = _adjective(word[:-2], _UK_ADJ)
    out: dict[str, str] = {}
    for case in CASES:
        for form in sorted(forms[case]):
            out[form] = f"{out[form]}/{case}" if form in out else case
    return out
