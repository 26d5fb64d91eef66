"""One post as the event rules read it: words, sentences and clauses around the action words.

Built once per post that holds a withdrawal or capture word, from the sentences around
those words only, so that a long post costs little more than a short one.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import NamedTuple

from bot.detect.eventlex import JoinedWords
from bot.detect.model import Match, PlaceHit
from bot.detect.normalize import LETTERS, WORD, Normalized

# unbound methods, so that a post's words, starts and ends are listed by map() in C
_group = re.Match.group
_start = re.Match.start

# A full stop after these is an abbreviation, not a sentence end ("с. Іванівка", "Gen. Syrskyi").
_ABBREVIATION = re.compile(r"(?<![^\W\d_])(?:с|г|п|н|пос|смт|им|ул|вул|обл|р|т|е|mr|dr|st|vs|gen|lt|col|maj|sgt|u|s)$",
                           re.IGNORECASE)
# A post's opening this short is read whole: its heading ("Бахмут: ...") may name the place.
HEADING_CHARS = 300
_REACH = 1200   # characters either side of an action word searched for sentence ends
_CONJUNCTIONS = frozenset({
    "а", "но", "однако", "зато", "пока", "когда", "хотя", "потому", "поскольку", "что", "чтобы", "который",
    "которая", "которые", "которое", "где", "але", "проте", "однак", "поки", "коли", "хоча", "бо", "що", "щоб",
    "який", "яка", "які", "яке", "де", "тоді", "but", "while", "as", "whereas", "although", "though", "when",
    "because", "that", "which", "who", "where", "after", "before", "until", "otherwise", "иначе", "інакше",
})
_LIST_LINKS = frozenset({"and", "и", "і", "й", "та", "или", "або", "or"})
_SPLITTERS = _CONJUNCTIONS | _LIST_LINKS
_NO_PLACE = ("", False, -1)
# Endings of a verb or a short participle: after a list of places, such a word begins a new
# predicate ("окупували Семенівку та просунулися поблизу X", "…Малой Локни, Суджа обложена")
_PREDICATE_ENDINGS = ("ли", "лись", "лися", "лась", "лася", "лось", "лося", "вся", "лся", "ена", "ено", "ены", "ені", "ана",
                      "ано", "аны", "ані", "ута", "уто", "уты", "ются", "ються", "ed")
# Plain character classes: Python's regex engine scans them several times faster than
# alternations with look-arounds, and the few hits are sorted out in code.
# A sentence ends at a line break, or at stops (and closing quotes or brackets) before a space;
# the pattern opens with one character class, which the engine scans for in a tight loop,
# twice as fast as the alternation "\n|[.!?…]+..." that means the same.
_END = re.compile(r"[\n.!?…](?:(?<=\n)|[.!?…]*[\"»”)]*(?=\s|\Z))")
_MARKS = (";", ":", "—", "–", "-")   # clause marks besides the comma
_DAY_BEFORE = re.compile(r"\d{1,2}(?:[./]\d{1,2}[./]|\s+[^\W\d_]+\.?\s+)$")
_YEAR = re.compile(r"(?<!\d)(?:19[4-9]\d|20[0-4]\d)(?!\d)")


class Mention(NamedTuple):
    """An action word (a named tuple: a few are made for every post read)."""

    action: str
    start: int          # folded offset of the action word
    end: int
    match: Match


class Post:
    """Words of one folded post with sentence and clause limits, built on demand."""

    def __init__(self, norm: Normalized, original: str, places: Sequence[PlaceHit],
                 mentions: Sequence[int], deleted: list[int] | None) -> None:
        self.norm = norm
        self.original = original
        text = norm.text
        self.text = text
        # Sentence ends around the action words; words only for the sentences around them,
        # the one before and the one after, so that a long post costs little more than a
        # short one.
        positions, asks = _sentence_ends(text, mentions)
        windows: list[list[int]] = []
        last_end = len(positions) - 1
        for start in mentions:
            k = bisect_right(positions, start)            # sentence k spans positions[k-1]..positions[k]
            low = positions[k - 2] if k > 1 else 0
            high = positions[k + 1 if k < last_end else last_end]
            if low <= HEADING_CHARS:
                low = 0
            if windows and low <= windows[-1][1]:
                if high > windows[-1][1]:
                    windows[-1][1] = high
            else:
                windows.append([low, high])
        self.heading = bool(windows) and windows[0][0] == 0
        found = [m for low, high in windows
                 for m in (WORD if text.find("'", low, high) >= 0 else LETTERS).finditer(text, low, high)]
        # unbound methods mapped in C: no Python call per word
        self.words = JoinedWords(map(_group, found))
        self.starts: list[int] = list(map(_start, found))
        starts = self.starts
        # word indices after a year, after a clause mark (";", ":", a dash, a bracket), after a comma
        self.years: set[int] = set()
        self.marks: set[int] = set()
        self.commas: set[int] = set()
        find = text.find
        for low, high in windows:
            # each mark found by str.find, which skips the letters between in C
            pos = find(",", low, high)
            while pos >= 0:
                self.commas.add(bisect_left(starts, pos))
                pos = find(",", pos + 1, high)
            for mark in _MARKS:
                pos = find(mark, low, high)
                while pos >= 0:
                    if mark != "-" or (text[pos - 1:pos] == " " and text[pos + 1:pos + 2] == " "):
                        self.marks.add(bisect_left(starts, pos))
                    pos = find(mark, pos + 1, high)
            # every year begins "19" or "20": a substring search is far cheaper than the regex
            if find("19", low, high) >= 0 or find("20", low, high) >= 0:
                # a year dates a past; the year of a full date ("20 ноября 2026", "21.11.2026")
                # is the day of the report
                self.years.update(bisect_left(starts, m.end()) for m in _YEAR.finditer(text, low, high)
                                  if not _DAY_BEFORE.search(text, max(0, m.start() - 24), m.start()))
        # sentences as word ranges; `question[k]` when sentence k ends with "?"
        self.sentences: list[tuple[int, int]] = []
        self.question: list[bool] = []
        self.paragraph_break: list[bool] = []   # a blank line (or a part not read) before sentence k
        starts = self.starts
        for w_low, w_high in windows:
            for n in range(max(1, bisect_right(positions, w_low)), len(positions)):
                a = positions[n - 1]
                if a >= w_high:
                    break
                low, high = bisect_left(starts, a), bisect_left(starts, positions[n])
                if high > low:
                    self.sentences.append((low, high))
                    self.question.append(asks[n])
                    self.paragraph_break.append(a == w_low and a > 0 or "\n\n" in text[a:starts[low]])
        self.sentence_starts = [s for s, _ in self.sentences]
        # places: for each word index, the place it belongs to
        self.place_of: dict[int, tuple[str, bool, int]] = {}
        place_of = self.place_of
        # first words of places written in a form that is also the accusative ("в Торецк"):
        # after a verb of leaving, where the forces went
        self.accusative: set[int] = set()
        firsts: list[int] = []
        size = len(starts)
        for hit in places:
            for m in hit.matches:
                start, end = m.start, m.end
                if deleted:
                    start -= bisect_left(deleted, start)
                    end -= bisect_left(deleted, end)
                axis = "adjective" in m.rule and not hit.place_id.endswith("-oblast")
                first = bisect_left(starts, start)
                if m.rule.endswith(("/acc)", "(acc)")):
                    self.accusative.add(first)
                i = first
                entry = (hit.place_id, axis, first)
                while i < size and starts[i] < end:
                    place_of[i] = entry
                    i += 1
                firsts.append(first)
        # the first word of each place: where a place read from the left begins (a later
        # place written over an earlier one's words takes them)
        self.place_starts = sorted({i for i in firsts if place_of.get(i, _NO_PLACE)[2] == i})
        self._clauses: dict[int, list[tuple[int, int]]] = {}
        self._splits: list[int] | None = None

    def end(self, i: int) -> int:
        """Where word i ends (asked for a few words of a post, so not listed for all)."""
        return self.starts[i] + len(self.words[i])

    def sentence_of(self, i: int) -> int:
        return bisect_right(self.sentence_starts, i) - 1

    def between(self, i: int) -> str:
        """The characters between word i-1 and word i."""
        return self.text[self.end(i - 1):self.starts[i]] if i > 0 else self.text[:self.starts[0]]

    def clauses(self, k: int) -> list[tuple[int, int]]:
        cached = self._clauses.get(k)
        if cached is not None:
            return cached
        low, high = self.sentences[k]
        splits = self._splits
        if splits is None:
            splits = self._splits = self._clause_openers()
        out: list[tuple[int, int]] = []
        start = low
        for i in splits[bisect_right(splits, low):bisect_left(splits, high)]:
            out.append((start, i))
            start = i
        out.append((start, high))
        self._clauses[k] = out
        return out

    def _clause_openers(self) -> list[int]:
        """Every word of the post that opens a clause, unless it opens its sentence: one
        after a clause mark, a conjunction, or one after a comma that does not stand
        between the words of one place; found once for all the sentences asked about."""
        words, place_of = self.words, self.place_of
        splits = set(self.marks)
        # a place next to the comma first: most commas have none, and two lookups settle them
        splits.update(i for i in self.commas if not (
            (i - 1 in place_of or i in place_of or i + 1 in place_of)
            and (i - 1 in place_of or self.capitalised(i - 1)) and (i in place_of or self._listed(i)))
            or self._predicate_after(i))
        for i in _positions(words, _SPLITTERS):
            # "та", "и" only before a new predicate after a place: "окупували Семенівку та просунулися"
            if words[i] in _CONJUNCTIONS or i - 1 in place_of and self._predicate(i + 1):
                splits.add(i)
        return sorted(splits)

    def _predicate(self, i: int) -> bool:
        """Word i is a lower-case verb or short participle."""
        return i < len(self.words) and len(self.words[i]) > 4 and self.words[i].endswith(_PREDICATE_ENDINGS) \
            and i not in self.place_of and not self.capitalised(i)

    def _predicate_after(self, i: int) -> bool:
        """The place at word i is followed by a predicate of its own: a new clause's subject."""
        place = self.place_of.get(i)
        if place is None or place[2] != i:
            return False
        return self._predicate(self.place_end(i) + 1)

    def place_end(self, first: int, limit: int | None = None) -> int:
        """The last word of the place whose first word is `first`, before word `limit`."""
        limit = len(self.words) if limit is None else limit
        j = first
        while j + 1 < limit and self.place_of.get(j + 1, _NO_PLACE)[2] == first:
            j += 1
        return j

    def _listed(self, i: int) -> bool:
        """Whether word i is a name in a list of places that we do not know ("Polohy,
        Mykhailivka, and Inzhenerne"): capitalised, and followed by a comma or "and"."""
        words = self.words
        if i < len(words) and words[i] in _LIST_LINKS:
            i += 1      # ", and Inzhenerne"
            return i < len(words) and (i in self.place_of or self.capitalised(i))
        return i + 1 < len(words) and self.capitalised(i) and (i + 1 in self.commas or words[i + 1] in _LIST_LINKS)

    def clause_of(self, i: int) -> tuple[int, int]:
        for low, high in self.clauses(self.sentence_of(i)):
            if low <= i < high:
                return low, high
        raise ValueError(i)

    def ends_with_colon(self, clause: tuple[int, int]) -> bool:
        high = clause[1]
        return high < len(self.words) and ":" in self.between(high)

    def capitalised(self, i: int) -> bool:
        pos = self.norm.to_original(self.starts[i])
        return pos < len(self.original) and self.original[pos].isupper()

    def original_match(self, first: int, last: int, rule: str) -> Match:
        a, b = self.norm.original_span(self.starts[first], self.end(last))
        return Match(a, b, self.original[a:b], rule)


def _positions(words: list[str], wanted: frozenset[str]) -> list[int]:
    """Indices of the words of `wanted`: a post holds a few, each looked up by list methods, in C."""
    out: list[int] = []
    for word in wanted.intersection(words):
        i = -1
        for _ in range(words.count(word)):
            i = words.index(word, i + 1)
            out.append(i)
    return out


def _stretches(mentions: Sequence[int], size: int) -> list[tuple[int, int, int, int]]:
    """Stretches of text around the action words in which sentence ends are looked for:
    wide enough for the sentence before and the sentence after; each with the starts of its
    first and last action words."""
    out: list[tuple[int, int, int, int]] = []
    for start in mentions:
        low, high = max(0, start - _REACH), min(size, start + _REACH)
        if low <= HEADING_CHARS:
            low = 0
        if out and low <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], high), out[-1][2], start)
        else:
            out.append((low, high, start, start))
    return out


def _sentence_ends(text: str, mentions: Sequence[int]) -> tuple[list[int], list[bool]]:
    """Offsets at which sentences end (from 0), and whether each sentence ends with "?".

    A stretch is read only up to the second sentence end after its last action word: the
    sentence after the action word's is the last one the rules look at. Before its first
    action word only the last two sentence ends count, so reading starts at a letter
    `_NEAR` characters before it, and from the stretch's start only when fewer ends stand
    between. No sentence end spans a letter, so the ends after one are those a reading from
    further back finds.
    """
    positions = [0]
    asks = [False]
    for low, high, first, last in _stretches(mentions, len(text)):
        mark = len(positions)
        # from past the heading: a window reaching into it is read from the post's start
        letter = _LETTER.search(text, first - _NEAR, first) if first - _NEAR > max(low, HEADING_CHARS) else None
        if letter is not None:
            _read_ends(text, letter.start(), high, last, positions, asks)
            if bisect_right(positions, first, mark) - mark > 2:    # the reading's start and two ends
                continue
            del positions[mark:], asks[mark:]
        _read_ends(text, low, high, last, positions, asks)
    return positions, asks


_NEAR = 400
_LETTER = re.compile(r"[^\W\d_]")


def _read_ends(text: str, low: int, high: int, last: int, positions: list[int], asks: list[bool]) -> None:
    add_end, add_ask = positions.append, asks.append
    if low > positions[-1]:
        add_end(low)
        add_ask(False)
    after = 0
    for m in _END.finditer(text, low, high):
        pos, j = m.span()
        if j == pos + 1:     # a line break always matches alone
            ch = text[pos]
            if ch == "\n":
                if pos == positions[-1]:
                    continue    # a line break right after a stop ends no second sentence
                add_ask(False)
            elif ch == "." and not text[pos - 4:pos].isalpha() \
                    and _ABBREVIATION.search(text, max(0, pos - 6), pos):
                continue    # four letters before the stop are no abbreviation: none is longer than three
            else:
                add_ask(ch == "?")
        else:
            add_ask("?" in m.group())
        add_end(j)
        if j > last:
            after += 1
            if after == 2:
                break
    else:
        if high > positions[-1]:
            add_end(high)
            add_ask(False)
