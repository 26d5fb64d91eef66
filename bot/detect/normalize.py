"""One folding of text shared by detection and search, with a way back to the original.

Detection reports spans of the text the user sees, while it matches on a folded copy
(lower case, ё as е, one apostrophe, no invisible characters, Latin look-alikes inside
Cyrillic words read as Cyrillic). Most posts need nothing but `str.lower`, so that is the
fast path; the offset map is built only when an invisible character was deleted, and the
look-alike rewrite only when a word mixes scripts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

APOSTROPHES = "'\u2019\u02bc`\u2018\u00b4\u02b9\u2032\uff07"
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u0300\u0301"
CYRILLIC_LETTERS = "абвгдежзийклмнопрстуфхцчшщъыьэюяёіїєґ"

# What folding does beyond `str.lower`, character by character. It is applied with
# `str.replace` and one regex deletion rather than `str.translate`: translate costs about
# 45 ns a character on Cyrillic text (20 us a post), the replacements under 1 us.
FOLD_MAP: dict[str, str] = {
    **{ch: "'" for ch in APOSTROPHES[1:]}, **{ch: "" for ch in INVISIBLE}, "ё": "е", "Ё": "е", "\u0130": "i",
}
_SPECIAL = re.compile("[" + re.escape(APOSTROPHES[1:] + INVISIBLE) + "\u0130]")
_INVISIBLE = re.compile("[" + re.escape(INVISIBLE) + "]")

# Latin letters that look like Cyrillic ones (after lower-casing), read as Cyrillic only
# inside a word that also has real Cyrillic letters.
LOOKALIKES = {"a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "i": "і", "k": "к", "m": "м", "o": "о",
              "p": "р", "t": "т", "x": "х", "y": "у"}
_LOOKALIKE_TABLE = str.maketrans(LOOKALIKES)
# UTF-8 bytes as script classes: L a Latin letter, C a Cyrillic letter (its lead byte; the
# continuation bytes are dropped). "LC" either way round means a word mixes the scripts.
_SCRIPT_MAP = bytes(
    ord("L") if 97 <= b <= 122 else ord("C") if 0xD0 <= b <= 0xD3 else 32 for b in range(256)
)
_CONTINUATION = bytes(range(0x80, 0xC0))
_NOT_LATIN = bytes(b for b in range(256) if not 97 <= b <= 122)
_LATIN_RUN = re.compile("[a-z]+")
_CYRILLIC = frozenset(CYRILLIC_LETTERS)
_WORD_AROUND = re.compile(r"[^\W\d_]+")


class Normalized(NamedTuple):
    """Folded text, and where its characters came from when invisible ones were deleted.

    `shifts[k]` is the folded index at which the k-th deleted character stood, so an index
    maps back by counting the deletions at or before it: a bisection, not a table as long
    as the post. A named tuple because one is built for every post.
    """

    text: str
    original_length: int
    shifts: tuple[int, ...] = ()

    def to_original(self, i: int) -> int:
        if not self.shifts:
            return i
        if i >= len(self.text):
            return self.original_length
        return i + bisect_right(self.shifts, i)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if not self.shifts:
            return start, end
        if end <= start:
            pos = self.to_original(start)
            return pos, pos
        return self.to_original(start), self.to_original(end - 1) + 1


def fix_lookalikes(text: str) -> str:
    """Rewrite the Latin look-alikes of a word in which one of them touches a Cyrillic
    letter ("Kупянск", "Покрoвськ"); keeps the length. Other words stay as they are."""
    parts: list[str] = []
    last = 0
    for run in _LATIN_RUN.finditer(text):
        start, end = run.span()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if not ((before in _CYRILLIC and text[start] in LOOKALIKES)
                or (after in _CYRILLIC and text[end - 1] in LOOKALIKES)):
            continue
        word = _WORD_AROUND.match(text, _word_start(text, start))
        if word is None:
            continue
        w_start, w_end = word.span()
        if w_start < last:
            continue
        parts.append(text[last:w_start])
        parts.append(text[w_start:w_end].translate(_LOOKALIKE_TABLE))
        last = w_end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _word_start(text: str, i: int) -> int:
    while i > 0 and text[i - 1].isalpha():
        i -= 1
    return i


def fold_raw(text: str) -> tuple[str, tuple[int, ...]]:
    """Folding without the look-alike rewrite, and the shifts of deleted characters.

    The detector reuses the script bytes of the look-alike test for language detection,
    so it runs the two steps itself; everything else calls `normalize`, which does both.
    """
    if _SPECIAL.search(text) is None:
        return text.lower().replace("ё", "е"), ()
    source = text.replace("\u0130", "I")
    shifts: tuple[int, ...] = ()
    deleted = [m.start() for m in _INVISIBLE.finditer(source)]
    if deleted:
        shifts = tuple(pos - k for k, pos in enumerate(deleted))
        source = _INVISIBLE.sub("", source)
    folded = source.lower().replace("ё", "е")
    for ch in APOSTROPHES[1:]:
        if ch in folded:
            folded = folded.replace(ch, "'")
    return folded, shifts


def script_bytes(folded: str) -> bytes:
    """Folded non-ASCII text as one byte a letter: L Latin, C Cyrillic, space otherwise."""
    return folded.encode("utf-8").translate(_SCRIPT_MAP, _CONTINUATION)


def mixes_scripts(scripts: bytes) -> bool:
    """Whether a Latin letter touches a Cyrillic one, searched only between the first and
    the last Latin letter (in most posts one link at the end)."""
    first = scripts.find(b"L")
    if first < 0:
        return False
    last = scripts.rfind(b"L") + 2
    return scripts.find(b"LC", first, last) >= 0 or scripts.find(b"CL", max(first - 1, 0), last) >= 0


def script_counts(folded: str) -> tuple[int, int]:
    """Cyrillic and Latin letters in folded text."""
    if folded.isascii():
        return 0, len(folded.encode("ascii").translate(None, _NOT_LATIN))
    scripts = script_bytes(folded)
    return scripts.count(b"C"), scripts.count(b"L")


def normalize(text: str) -> Normalized:
    folded, shifts = fold_raw(text)
    if not folded.isascii() and mixes_scripts(script_bytes(folded)):
        folded = fix_lookalikes(folded)
    return Normalized(folded, len(text), shifts)


def fold(text: str) -> str:
    return normalize(text).text


# A word of folded text: letters, with apostrophes inside Ukrainian words but not the
# English possessive, so "Izium's" is the word "izium".
# Folded text is lower case, so an explicit class is exact for the scripts detection
# knows and several times faster than a Unicode category test.
_LETTER = "a-zа-яёіїєґàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßąćęłńśźżčďěňřšťůžğışўјљњћђџ"
WORD = re.compile(f"[{_LETTER}]+(?:'(?!s\\b)[{_LETTER}]+)*")
# The same words in a stretch with no apostrophe, found without trying to extend each one.
LETTERS = re.compile(f"[{_LETTER}]+")


def words(text: str) -> tuple[str, ...]:
    """The words of a name or phrase as detection sees them."""
    return tuple(WORD.findall(fold(text)))
