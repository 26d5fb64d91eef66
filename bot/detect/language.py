"""Which language a post is written in, decided from letters before any statistics.

Russian and Ukrainian each have letters the other lacks (ы э ъ ё against і ї є ґ), so
nearly every Cyrillic post decides itself with a few `in` tests; the few without a
telling letter (short ones) are settled by words and endings only one language uses.
langdetect costs about 1.6 ms a call and misreads short posts; it is asked only to tell
English from other Latin-script languages when no English function word decides, with a
fixed seed so the answer never changes between runs.
"""

from __future__ import annotations

import re

from bot.detect.normalize import script_bytes, script_counts

_NOT_LATIN = bytes(b for b in range(256) if not 97 <= b <= 122)
_OTHER_CYRILLIC = re.compile("[ўјљњћђџәөүұқғңһѓќѕ]")
_WORD = re.compile(r"[^\W\d_]+")
# Links, mentions and markdown link targets: Latin letters that say nothing about the language.
_LINKS = re.compile(r"(?:https?://|www\.|t\.me/)\S+|@\w+|\]\([^)]*\)")

# Words and endings only one of the two languages uses, for Cyrillic posts without a
# telling letter: Russian "и", "с", "из", "что", "-ая", "-ие", "-ние"; Ukrainian "що",
# "щоб", "від", "-ння", "-ськ-".
_RU_WORDS = frozenset("и с к из от что чтобы это как он она они его ее её уже еще ещё или был была были быть нет "
                      "только тоже если когда где кто чем будет может можно надо нужно этот эта эти все всё "
                      "так же бы ли вот".split())
_UK_WORDS = frozenset("та що щоб це як від вже ще або але його вона вони був була були бути немає тільки теж "
                      "якщо коли де хто чим буде може можна треба потрібно цей ця ці все так же би чи ось "
                      "з зі із".split()) - _RU_WORDS
_RU_ENDINGS = ("ая", "яя", "ую", "юю", "ые", "ие", "ое", "ние", "ния", "нию", "нием", "ать", "ять", "еть", "ить")
_UK_ENDINGS = ("ння", "нню", "нням", "ськ", "ський", "ська", "ське", "ських", "ському", "цьк", "цький", "цька",
               "ють")
_EN_WORDS = frozenset("the and of to in is are was were for on with that this from by at as it its has have had "
                      "be been not but or after near says said".split())

_EN_PROBES = tuple(f" {w} " for w in ("the", "and", "of", "to", "in", "is", "are", "was", "for", "on", "with"))

# A Ukrainian apostrophe inside a Cyrillic word: "п'ять", "Слов'янськ".
_UK_APOSTROPHE = re.compile("[бвгґджзклмнпрстфхцчшщ]'[яюєї]")
# Cyrillic letters enough to judge a mostly Latin post (code, links) by its Cyrillic part.
_ENOUGH_LETTERS = 24
# langdetect's cost grows with the text; its first few hundred characters decide as well.
_LANGDETECT_CHARS = 400

# Share of letters that are the telling ones in ordinary text of each language.
_UK_RATE = 0.065
_RU_RATE = 0.022


def detect_language(folded: str, original: str, scripts: bytes | None = None) -> str:
    """Language of a post from its folded text (see `normalize`) and the original;
    `scripts` is `script_bytes(folded)` when the caller has it already."""
    if folded.isascii():
        return language_of(folded, original, *script_counts(folded))
    if scripts is None:
        scripts = script_bytes(folded)
    cyrillic = scripts.count(b"C")
    if cyrillic * 2 >= len(folded):
        # Mostly Cyrillic letters: the telling ones decide if there are any.
        decided = _telling_letters(folded, original)
        if decided is not None:
            return decided
    return language_of(folded, original, cyrillic, scripts.count(b"L"))


def language_of(folded: str, original: str, cyrillic: int, latin: int) -> str:
    """Language from the folded text and its letter counts by script."""
    if cyrillic == 0 and latin == 0:
        return "other"
    if latin <= cyrillic:
        return _cyrillic(folded, original, cyrillic)
    if cyrillic:
        folded = _LINKS.sub(" ", folded)
        latin = len(folded.encode("utf-8").translate(None, _NOT_LATIN))
        if latin <= cyrillic:
            return _cyrillic(folded, original, cyrillic)
    padded = f" {folded} "
    if any(word in padded for word in _EN_PROBES) or not _EN_WORDS.isdisjoint(_WORD.findall(folded)):
        return "en"
    if cyrillic >= _ENOUGH_LETTERS:
        return _cyrillic(folded, original, cyrillic)
    if latin < 40:
        return "en"
    return "en" if _langdetect(folded, ("en",)) == "en" else "other"


def _telling_letters(folded: str, original: str) -> str | None:
    has_ru = "ы" in folded or "э" in folded or "ъ" in folded or "ё" in original or "Ё" in original
    has_uk = "і" in folded or "ї" in folded or "є" in folded or "ґ" in folded
    if has_ru and not has_uk:
        bulgarian = "ы" not in folded and "э" not in folded and "ё" not in original and folded.count("ъ") >= 2
        return "other" if bulgarian else "ru"
    if has_uk and not has_ru:
        return "uk"
    if has_uk and has_ru:
        if "ў" in folded or _OTHER_CYRILLIC.search(folded) is not None:
            return "other"
        uk = folded.count("і") + folded.count("ї") + folded.count("є") + folded.count("ґ")
        ru = (folded.count("ы") + folded.count("э") + folded.count("ъ") + original.count("ё")
              + original.count("Ё"))
        return "uk" if uk / _UK_RATE >= ru / _RU_RATE else "ru"
    return None


def _cyrillic(folded: str, original: str, letters: int) -> str:
    decided = _telling_letters(folded, original)
    if decided is not None:
        return decided
    if _OTHER_CYRILLIC.search(folded) is not None:
        return "other"
    if _UK_APOSTROPHE.search(folded) is not None:
        return "uk"
    tokens = _WORD.findall(folded)
    ru = len(_RU_WORDS.intersection(tokens))
    uk = len(_UK_WORDS.intersection(tokens))
    if ru == uk:
        ru = sum(1 for t in tokens if t.endswith(_RU_ENDINGS))
        uk = sum(1 for t in tokens if t.endswith(_UK_ENDINGS))
    return "uk" if uk > ru else "ru"


def _langdetect(text: str, wanted: tuple[str, ...]) -> str | None:
    """The most probable of `wanted` by langdetect, or its top guess when none of them is likely."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        ranked = detect_langs(text[:_LANGDETECT_CHARS])
    except LangDetectException:
        return None
    for item in ranked:
        if item.lang in wanted and item.prob >= 0.2:
            return item.lang
    return ranked[0].lang if ranked else None
