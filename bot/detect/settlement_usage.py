"""Whether a name found in a post is used as a place there: the README's rules for names
that are also words, first names, places abroad or rivers, read from the words around it.

A base class of the resolver: these rules only read the post's text around a name, while
the resolver decides which settlement it is.
"""

from __future__ import annotations

from bisect import bisect_left

import re
from typing import TYPE_CHECKING

from bot.detect.normalize import WORD, Normalized
from bot.detect.settlement_book import SettlementBook
from bot.detect.settlement_words import (
    _AREA_LINK, _CITY_NOUNS, _FORCES_OF, _JOINT_AFTER, _JOINT_BEFORE, _LIBERATED_STEMS, _NAME_ADJECTIVES, _OURS,
    _PLACE_NOUNS, _PLACE_PREPOSITIONS, _RIVER_AFTER, _RIVER_WORDS, _RUSSIA, _SETTLEMENT_WORDS, _STRIKE_STEMS, _TAKEN_PARTICIPLES, _TAKEN_STEMS,
    _VILLAGE_NOUNS, _WAR_OBJECT_LINKS, _abbreviation, _surname_like,
)

# names that are a noun of settlement in either language
_KIND_WORDS = _CITY_NOUNS | _VILLAGE_NOUNS | frozenset({"селище", "селища", "селищі", "селищем"})

if TYPE_CHECKING:
    from bot.detect.settlement_resolver import _Occurrence

# the two words right before a name, joined by single spaces: "бої за ", "штурм "
_WORDS_BEFORE = re.compile(r"(?:([^\W\d_]+) )?([^\W\d_]+) $")


_FOREIGN_AREAS = frozenset({"штат", "штата", "штате", "штату", "штатом", "state", "провинция", "провинции",
                            "провинцию", "province", "префектуре", "префектура", "графство", "графстве", "county"})
_INSTRUMENTAL = ("ом", "ем", "ём", "ой", "ей", "ою", "ею", "ью", "ами", "ями", "им", "ым")


class UsageRules:
    """The text rules; the resolver sets the post's text and what it knows of it."""

    book: SettlementBook
    folded: str
    original: str
    norm: Normalized
    war: bool
    known_ua: bool
    renamed: frozenset[str]
    areas_at: dict
    name_starts: set[int]
    name_ends: set[int]
    _russian_sentences: dict[int, list[int]] | None

    def sentence(self, pos: int) -> int:
        raise NotImplementedError

    def sentence_span(self, sentence: int) -> tuple[int, int]:
        raise NotImplementedError

    def _counts(self, occ: _Occurrence, occurrences: list[_Occurrence], said: bool, category: str) -> bool:
        """Whether a name is used as a place, by what else the name is.

        An everyday word of the README's list (Веселе, Мирне), a first name or a place
        abroad must stand as a place (after "село" or a place preposition, in a list, or
        said which) in a post about the war; another dictionary word may also stand
        capitalised inside a sentence of such a post; any village named by itself counts
        only in a post about the war or one that names a Ukrainian place.
        """
        before = self._word_before(occ.start)
        if before in _RIVER_WORDS:
            return False
        if not said and self.folded[occ.start:occ.end] in _KIND_WORDS and self._at_sentence_start(occ.start):
            return False      # "Город наш!", "Селище тримаємо": the noun, capitalised as a sentence opens
        if occ.label.startswith("en") and (before == "the" or self._word_after(occ.end) in _RIVER_AFTER):
            return False      # "the Oskil line", "the Donets": a river; a village takes no article
        if not said and category not in "MK" and self._in_russia(occ):
            return False      # Коренево in a sentence about the Kursk region
        if occ.common and before in ("с", "со", "за") and self.folded[occ.start:occ.end].endswith(_INSTRUMENTAL):
            return False      # "отношения с Китаем": with it, not from it; "плацдарм за Осколом": behind a river
        if not said and (before in _CITY_NOUNS if category not in "MK" else before in _VILLAGE_NOUNS):
            return False      # "в городе Пальмира", "деревню Александрия": another place of the name
        if before in _FOREIGN_AREAS:
            return False      # "в штате Нью-Йорк", "провинции Идлиб": a country's part abroad
        if not said and self._word_after(occ.end) in _FORCES_OF:
            return False      # "Сили оборони", "Силы беспилотных систем": forces, not the village Сили
        if not said and _surname_like(occ.label) and not self._renamed(occ.label):
            return self._front() and self._used_as_place(occ, occurrences, said)
        if said and occ.common not in ("common", "person"):
            return True
        if occ.common == "person":
            # "liberated Lukiantsi": people are not liberated in news of the front, villages are
            return self._front() and (self._used_as_place(occ, occurrences, said)
                                      or self._war_object(occ.start, _LIBERATED_STEMS))
        if occ.common == "common":
            return self._front() and not self._named_thing(occ.start) \
                and (self._used_as_place(occ, occurrences, said) or self._war_object(occ.start)
                     or self._war_subject(occ.end))
        if occ.common == "word":
            return self._front() and (self._used_as_place(occ, occurrences, said) or self._headline(occ.end)
                                      or (self.known_ua and not self._at_sentence_start(occ.start))
                                      or self._war_object(occ.start) or self._war_subject(occ.end))
        if occ.common == "elsewhere":
            # Берлин, Китай, Пальмира named by themselves are the places abroad even in news
            # of a war; the village needs its settlement word, or a post about Ukraine
            return self._front() and (
                self._word_before(occ.start) in _SETTLEMENT_WORDS or self._war_object(occ.start, _TAKEN_STEMS)
                or (self.known_ua and self._used_as_place(occ, occurrences, said)))
        return category in "MK" or self._front()

    def _renamed(self, label: str) -> bool:
        """Whether a label ("ru Стаханов (стаханове)") is a renamed city's old name."""
        return label.partition(" (")[0].partition(" ")[2] in self.renamed

    def _front(self) -> bool:
        """Whether the post is about the war or names a Ukrainian place or area: a village
        named by itself counts only there (news of Китай, Берлин, Олег is not of villages)."""
        return self.war or self.known_ua

    def _used_as_place(self, occ: _Occurrence, occurrences: list[_Occurrence], said: bool) -> bool:
        """A common-word name is a place after a settlement word, a place preposition or a
        noun of place ("в районе Счастья"), in a list of places, or when the post said which
        one it is (and it does not open a sentence, where a capital letter says nothing)."""
        before = self._word_before(occ.start)
        if before in _SETTLEMENT_WORDS or before in _PLACE_PREPOSITIONS:
            return True
        if before in _PLACE_NOUNS and occ.common == "common":
            return True      # "в районе Счастья"; not for a place abroad's name (на окраине Калуги)
        after = [w for w in WORD.findall(self.folded, occ.end, occ.end + 14) if w not in ("a", "the")]
        if after and after[0] in _SETTLEMENT_WORDS and self.folded[occ.end:occ.end + 3].strip(" ,—-")[:1] in "a,":
            return True
        if said and (not self._at_sentence_start(occ.start) or self._area_beside(occ.end)):
            return True      # «Мирное Купянского района:» opens a line and still is the village
        return self._listed(occ)

    def _area_beside(self, end: int) -> bool:
        """An oblast, raion or hromada named right after the name ("Мирне Куп'янського району")."""
        return _AREA_LINK.match(self.folded, end, end + 30).end() in self.areas_at

    def _war_object(self, start: int, stems: tuple[str, ...] = _STRIKE_STEMS) -> bool:
        """The name is the object of fighting, shelling, an advance, a capture, a withdrawal
        or an evacuation: "штурм Уманського", "бої за Мирне", "shelling hit Bilohorivka"."""
        found = _WORDS_BEFORE.search(self.folded, max(0, start - 40), start)
        if found is None:
            return False
        verb = found.group(2)
        if verb in _WAR_OBJECT_LINKS:
            verb = found.group(1) or ""
        return verb.startswith(stems)

    def _war_subject(self, end: int) -> bool:
        """The name is the subject of a capture or liberation said right after it:
        "Старомайорське звільнено", "Работино освобождено", "Прогрес окупований"."""
        after = self._word_after(end)
        if after in _OURS:
            # "Старомайорське наше!": said as a cry, not "Мирное наше будущее"
            rest = self.folded[end:end + 12].lstrip(" ")[len(after):].lstrip(" ")
            return rest[:1] in ("!", "") or rest.startswith(("\n", "."))
        return after.startswith(_TAKEN_PARTICIPLES)

    def _named_thing(self, start: int) -> bool:
        """A common-word name right after a capitalised word that is no settlement word,
        preposition or place: the second word of a holiday's, firm's or street's name
        ("День Победы", "Орден Дружби", "Нова Пошта")."""
        before = None
        for before in WORD.finditer(self.folded, max(0, start - 30), start):
            pass
        if before is None or self.folded[before.end():start] != " ":
            return False
        word = before.group()
        a = self.norm.to_original(before.start())
        return self.original[a:a + 1].isupper() and word not in _SETTLEMENT_WORDS \
            and word not in _PLACE_PREPOSITIONS and word not in self.book.forms and word not in self.book.qualifiers

    def _listed(self, occ: _Occurrence) -> bool:
        """Whether another name stands next to this one, joined by a comma or "и"/"та"."""
        before = self.folded[max(0, occ.start - 8):occ.start]
        after = self.folded[occ.end:occ.end + 8]
        for text, name_side in ((before, "before"), (after, "after")):
            joint = _JOINT_BEFORE.search(text) if name_side == "before" else _JOINT_AFTER.match(text)
            if joint is None:
                continue
            if name_side == "before":
                pos = occ.start - len(joint.group())
                if pos in self.name_ends:
                    return True
            elif occ.end + joint.end() in self.name_starts:
                return True
        return False

    def _lower_word_after(self, end: int) -> bool:
        """A lower-case word right after, not a preposition or a verb's little helper."""
        if self.folded[end:end + 1] != " ":
            return False
        nxt = WORD.match(self.folded, end + 1)
        if nxt is None or len(nxt.group()) < 3 or nxt.group() in _PLACE_PREPOSITIONS:
            return False
        a = self.norm.to_original(nxt.start())
        return self.original[a:a + 1].islower()

    def _in_russia(self, occ: _Occurrence) -> bool:
        """Whether the sentence names a region or city of Russia, outside the name itself
        (Воронеж, Казанка are Ukrainian villages too): a village named there by itself is
        Russia's (Коренево in the Kursk region, Внуково near Moscow)."""
        if any(p < occ.start or p >= occ.end for p in self._russia(occ.sentence)):
            return True
        # a paragraph about Russia ("ВС РФ продвинулись в Курской области на 7 км. ... Зашли в
        # Погребки"): a sentence before it, with no blank line between, names Russia, and
        # this one names no Ukrainian place
        low, high = self.sentence_span(occ.sentence)
        for k in (occ.sentence - 1, occ.sentence - 2):
            if k < 0:
                break
            a, _ = self.sentence_span(k)
            if "\n\n" in self.folded[a:low]:
                break
            if self._russia(k):
                return not self._names_ukraine(low, high)
        return False

    def _names_ukraine(self, low: int, high: int) -> bool:
        """Whether words low..high hold a place of places.toml (a city, an oblast, an axis)."""
        i = bisect_left(self.known_starts, low)
        return i < len(self.known_starts) and self.known_starts[i] < high

    def _russia(self, sentence: int) -> list[int]:
        """Where a sentence names Russia's regions and cities. Only the sentences asked about
        are searched: no name crosses a sentence's end, so each is searched on its own."""
        if self._russian_sentences is None:
            self._russian_sentences = {}
        found = self._russian_sentences.get(sentence)
        if found is None:
            found = [m.start() for m in _RUSSIA.finditer(self.folded, *self.sentence_span(sentence))]
            self._russian_sentences[sentence] = found
        return found

    def _word_after(self, pos: int) -> str:
        found = WORD.search(self.folded, pos, pos + 30)
        return found.group() if found is not None and not self.folded[pos:found.start()].strip() else ""

    def _word_before(self, pos: int) -> str:
        found = WORD.findall(self.folded, max(0, pos - 40), pos)
        return found[-1] if found else ""

    def _at_sentence_start(self, pos: int) -> bool:
        low = max(0, pos - 60)
        before = self.folded[low:pos]
        k = len(before)
        # emoji, bullets, quotes and markup before a word open a line as a full stop would
        while k and not before[k - 1].isalnum() and before[k - 1] not in ".!?…\n:,;)":
            k -= 1
        before = before[:k]
        if not before:
            return low == 0 or not self.folded[low:pos].strip()
        return before[-1] in ".!?…\n:" and not _abbreviation(self.folded, low + len(before) - 1)

    def _name_after(self, end: int, name: str) -> bool:
        """A capitalised word right after that is no place: the name is part of a longer
        proper name (Северная Корея, Малая Азия) or a first name before a surname."""
        nxt = WORD.match(self.folded, end + 1) if self.folded[end:end + 1] == " " else None
        if nxt is None:
            return False
        word = nxt.group()
        a = self.norm.to_original(nxt.start())
        if not self.original[a:a + 1].isupper() or self.original[a:a + 2].isupper():
            return False
        if word in self.book.qualifiers or word.startswith(("ukrain", "russia", "укр", "рос", "рус")):
            return False
        # "Новая Ильинка", "Малая Локня": the adjective of a two-word name we do not know
        # (Новоіллінка, or a Russian village), not the village called Нова or Мала
        return word not in self.book.forms or name.startswith(_NAME_ADJECTIVES)

    def _headline(self, end: int) -> bool:
        """A name opening a post or line and followed by a colon or dash ("Кринки: ...")."""
        return self.folded[end:end + 3].lstrip(" ")[:1] in (":", "—", "–")

    def _compound(self, start: int, end: int) -> bool:
        """Inside a hyphenated name (Славянск-на-Кубани, Южно-Сахалинск), a word is not a
        place by itself."""
        folded = self.folded
        return (start > 1 and folded[start - 1] == "-" and folded[start - 2].isalpha()) or (
            folded[end:end + 1] in "-." and folded[end + 1:end + 2].isalnum())      # Гром-2, Ray.so

    def _name_before(self, start: int) -> bool:
        """A capitalised word right before, not opening the sentence: a first name or a
        title before a surname that is also a village's name."""
        before = None
        for before in WORD.finditer(self.folded, max(0, start - 30), start):
            pass
        if before is None or self.folded[before.end():start].strip():
            return False
        a = self.norm.to_original(before.start())
        return self.original[a:a + 1].isupper() and not self._at_sentence_start(before.start()) \
            and before.group() not in self.book.forms

    def _quoted(self, start: int, end: int) -> bool:
        """A name in quotes is the name of something else: a club, a ship, an operation."""
        return start > 0 and self.folded[start - 1] in "«\"“„" and self.folded[end:end + 1] in "»\"”“"
