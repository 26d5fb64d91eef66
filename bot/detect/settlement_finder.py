"""Where a post names a settlement: the word starts worth resolving, found cheaply.

Most posts name none of the 29,707 settlements, so the finder's first job is to say so in
microseconds: one automaton pass over the post as written, for capitalised name
beginnings, and one dict lookup per hit. Only posts with a name of our own (not one that
only places.toml's places bear) go on to the resolver.
"""

from __future__ import annotations

import re
from itertools import chain, repeat
from operator import itemgetter

import ahocorasick_rs

from bot.detect.model import Detection, Place, PlaceHit
from bot.detect.names import russian_names
from bot.detect.normalize import WORD, Normalized
from bot.detect.settlement_book import SettlementBook
from bot.detect.settlement_resolver import MAX_OCCURRENCES, _Resolution
from bot.detect.settlement_words import axis_base, axis_form

# The nouns of an oblast, raion or hromada, anywhere in a word. The detector's automaton
# finds them in its pass (AREA_NOUNS, "обл" only as a whole abbreviation); _AREA_WORD finds
# the same, for a post that pass did not read to its end.
AREA_NOUNS = ("област", "обл", "район", "р-н", "громад", "общин", "oblast", "region", "district", "raion", "rayon",
              "province", "hromada", "community")
SHORT_AREA_NOUN = "обл"


def _area_alternation() -> str:
    """AREA_NOUNS as one alternation grouped by first letter: a flat one is tried at every
    "о" of a post, and the grouped one takes two thirds of its time."""
    by_first: dict[str, list[str]] = {}
    for noun in AREA_NOUNS:
        by_first.setdefault(noun[0], []).append(re.escape(noun[1:]) + (r"\b" if noun == SHORT_AREA_NOUN else ""))
    return "|".join(re.escape(first) + (f"(?:{'|'.join(rest)})" if len(rest) > 1 else rest[0])
                    for first, rest in by_first.items())


_AREA_WORD = re.compile(_area_alternation())
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ ,]+$")
_AREA_NOUN = re.compile(rf"[ ,]+(?:{_AREA_WORD.pattern})")

# What a capitalised word is to `starts`: no name's beginning (an axis adjective at most),
# a beginning of a name of our own, an area's adjective, a beginning only places.toml's
# places' names share, or nothing at all (not even an adjective of a settlement's name)
_NO_START, _OWN, _QUALIFIER, _START, _NOTHING = range(5)
_match_start = re.Match.start
_MEMO_SIZE = 50_000


class _OwnWords:
    """Words that are a name of a group places.toml's places do not cover, or the first
    word of one: a test on the book's own dictionary, where a set of them would copy
    three hundred thousand words at every start."""

    __slots__ = ("_forms", "_known", "_firsts")

    def __init__(self, forms: dict[str, int], known: frozenset[int], firsts: frozenset[str]) -> None:
        self._forms, self._known, self._firsts = forms, known, firsts

    def __contains__(self, word: str) -> bool:
        if word in self._firsts:
            return True
        group = self._forms.get(word)
        return group is not None and group not in self._known and " " not in word


class SettlementMatcher:
    """Finds settlements in one folded post, given what the main gazetteer already found."""

    def __init__(self, book: SettlementBook, places: tuple[Place, ...]) -> None:
        self.book = book
        # settlements that places.toml knows: their own hits come from the main gazetteer
        self.by_place_id = {p.id: book.by_id[p.id] for p in places if p.id in book.by_id}
        self.shadowed = frozenset(self.by_place_id.values())
        # the old names of places.toml's places (Цюрупинськ of oleshky), which the main
        # gazetteer does not know: this matcher reports them by the place's own id
        formers = {index: {*book.settlements[index].former,
                           *(ru for f in book.settlements[index].former for ru in russian_names(f))}
                   for index in self.shadowed if book.settlements[index].former}
        # One pass over the groups sorts them: those only places.toml's places bear (known),
        # the old names among them (former), and those that hold a city places.toml does not
        # list. A capitalised word that may begin a name of another group is one of our own:
        # only a post with one is resolved at all (Часовим of Часовим Яром is the main gazetteer's)
        cities = frozenset(i for i, s in enumerate(book.settlements) if s.category in "MK") - self.shadowed
        shadowed = self.shadowed
        former: list[int] = []
        known: list[int] = []
        city_groups: list[int] = []
        for gid, (label, members) in enumerate(book.groups):
            if shadowed.issuperset(members):
                if len(members) == 1 and label.partition(" ")[2] in formers.get(members[0], ()):
                    former.append(gid)
                else:
                    known.append(gid)
            elif not cities.isdisjoint(members):
                city_groups.append(gid)
        self.former_groups = frozenset(former)
        self.former_labels = frozenset(book.groups[gid][0] for gid in self.former_groups)
        self.known_groups = frozenset(known)
        self.city_groups = tuple(city_groups)
        # first words of the other groups' forms: every form but the known groups' (a form
        # belongs to one group), with a multi-word form's first word in its place
        # (the forms are walked in the dict's order, which keeps them near in memory: a walk
        # over a set of them takes several times as long)
        theirs = set(chain.from_iterable(map(book.group_forms, known)))
        several = [form for form in book.forms if " " in form and form not in theirs]
        self.own_words = _OwnWords(book.forms, self.known_groups,
                                   frozenset(map(itemgetter(0), map(str.partition, several, repeat(" ")))))
        # leftmost-longest without overlaps: a word start is the leftmost match of its word,
        # so no start is lost, and fewer matches inside words are reported
        self.automaton = ahocorasick_rs.AhoCorasick(book.keys(), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
                                                    implementation=ahocorasick_rs.Implementation.ContiguousNFA)
        self._kinds: dict[str, int] = {}
        # the resolver's per-form readings (settlement_resolver._Reading), kept across posts
        self.readings: dict = {}
        self.capitals = ahocorasick_rs.AhoCorasick(book.capital_keys(), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
                                                   implementation=ahocorasick_rs.Implementation.ContiguousNFA)

    def add_to(self, detection: Detection, starts: list[int], folded: str, original: str, norm: Normalized,
               war: bool) -> Detection:
        """The detection with the settlements of the post; a main-gazetteer match that the
        post shows to be another settlement ("Золочів на Львівщині") or a raion's name
        ("Pokrovsk district") is taken out."""
        resolution = _Resolution(self, folded, original, norm, detection.places, war)
        hits, unresolved = resolution.run(starts)
        dropped = resolution.dropped_matches()
        if not hits and not unresolved and not dropped:
            return detection
        places = detection.places
        if dropped:
            kept = []
            for hit in places:
                matches = tuple(m for m in hit.matches if (m.start, m.end) not in dropped)
                if matches:
                    kept.append(hit if len(matches) == len(hit.matches) else PlaceHit(hit.place_id, matches))
            places = tuple(kept)
        known = {hit.place_id for hit in places}
        return Detection(detection.language, places + tuple(h for h in hits if h.place_id not in known),
                         detection.topics, detection.events, unresolved)

    def city_words(self) -> dict[str, frozenset[str] | None]:
        """First words of every form of a city (or Kyiv, Sevastopol) places.toml does not
        list, each with the words that may follow it when it is only the first word of a
        longer name (новый of Новый Буг: news says "новый" all day), else None."""
        seconds: dict[str, set[str] | None] = {}
        for gid in self.city_groups:
            for form in self.book.group_forms(gid):
                first, _, rest = form.partition(" ")
                if not rest:
                    seconds[first] = None
                else:
                    following = seconds.setdefault(first, set())
                    if following is not None:
                        following.add(rest.partition(" ")[0])
        return {word: None if following is None else frozenset(following) for word, following in seconds.items()}

    def names_an_area(self, folded: str, areas: list[int]) -> bool:
        """Whether an area noun of the post follows a raion's or hromada's adjective
        ("Михайлівки Циркунівської громади"): the post names a Ukrainian place."""
        qualifiers = self.book.qualifiers
        for noun in areas:
            before = _WORD_BEFORE.search(folded, max(0, noun - 40), noun)
            if before is not None and before.group(1) in qualifiers:
                return True
        return False

    def oblast_words(self) -> set[str]:
        """Every form of an oblast's adjective or its region's name ("Волынской", "на Волыни",
        "Одещині"): a post naming one names a Ukrainian place, so its villages are looked for.
        Not Crimea's or Sevastopol's: Russian news names the Crimean bridge every day."""
        oblasts = self.book.oblasts
        return {word for word, kinds in self.book.qualifiers.items()
                if " " not in word and any(kind in ("oblast", "region") and not oblasts[index].code.startswith(
                    ("UA01", "UA85")) for kind, index in kinds)}

    def city_ids(self) -> frozenset[str]:
        """Ids of the cities (місто) places.toml does not list."""
        settlements = self.book.settlements
        return frozenset(s.id for s in settlements if s.category in "MK") \
            - frozenset(settlements[i].id for i in self.shadowed)

    def place(self, place_id: str) -> Place:
        index = self.book.by_id.get(place_id)
        if index is None:
            raise KeyError(place_id)
        return self.book.place(index)

    def starts(self, folded: str, original: str, norm: Normalized, rewritten: bool = False,
               areas: list[int] | None = None) -> list[int]:
        """Starts of words that are a name form, an area's adjective, or a name's first word,
        written with a capital letter where a name must be; at most MAX_OCCURRENCES * 4.

        Most posts hold no settlement's name, and a name is written with a capital letter:
        a scan of the post as written, for capitalised name beginnings, clears them in a
        few microseconds. Only a post with one is scanned word by word. A post whose
        folding deleted or rewrote letters (soft hyphens, Latin look-alikes) is always
        scanned word by word. The keys hold ё as е (Метёлкино, Змиёв), so the scan reads the
        post with ё so written, which keeps every position. `areas` are where the detector's
        pass found area nouns; without them the post is searched for them.
        """
        if norm.shifts or rewritten:
            return self._all_starts(folded, original, norm)
        if "ё" in original or "Ё" in original:
            original = original.replace("ё", "е").replace("Ё", "Е")
        forms, qualifiers = self.book.forms, self.book.qualifiers
        kinds = self._kinds
        out: list[int] = []
        own = False
        last = -1
        match = WORD.match
        for _index, start, _end in self.capitals.find_matches_as_indexes(original):
            if start == last or (start and original[start - 1].isalpha()):
                continue
            last = start
            word = match(folded, start)
            if word is None:
                continue
            word = word.group()
            kind = kinds.get(word)
            if kind is None:
                kind = self._kind(word)
            if kind == _NOTHING:
                continue
            if kind == _NO_START:
                axis = axis_form(forms, folded, start + len(word), word)
                group = forms.get(axis) if axis else None
                if group is None:
                    continue
                kind = _OWN if word in self.own_words or group not in self.known_groups else _START
            out.append(start)
            # a name that only places.toml's places bear is the main gazetteer's
            own = own or kind == _OWN or (kind == _QUALIFIER and _AREA_NOUN.match(folded, start + len(word)) is not None)
            if len(out) >= MAX_OCCURRENCES * 4:
                break
        if not own:
            return []
        # areas named by an adjective and a noun, in any letter case ("Сватівського району")
        for noun in map(_match_start, _AREA_WORD.finditer(folded)) if areas is None else areas:
            before = _WORD_BEFORE.search(folded, max(0, noun - 40), noun)
            if before is not None and before.group(1) in qualifiers:
                out.append(before.start(1))
        return sorted(set(out))

    def _kind(self, word: str) -> int:
        """What a capitalised word is to the finder, remembered: the gazetteer's dictionaries
        are large, and a post's capitalised words are mostly the same few thousand."""
        group = self.book.forms.get(word)
        if group is None and word not in self.book.first_words and word not in self.book.qualifiers:
            kind = _NO_START if axis_base(self.book.forms, word) is not None else _NOTHING
        elif word in self.own_words or (group is not None and group not in self.known_groups):
            kind = _OWN
        elif word in self.book.qualifiers:
            kind = _QUALIFIER
        else:
            kind = _START
        if len(self._kinds) >= _MEMO_SIZE:
            self._kinds.clear()
        self._kinds[word] = kind
        return kind

    def _all_starts(self, folded: str, original: str, norm: Normalized) -> list[int]:
        out: list[int] = []
        last = -1
        limit = MAX_OCCURRENCES * 4
        forms, first_words, qualifiers = self.book.forms, self.book.first_words, self.book.qualifiers
        match = WORD.match
        for _index, start, _end in self.automaton.find_matches_as_indexes(folded):
            if start == last or (start and folded[start - 1].isalpha()):
                continue
            last = start
            word = match(folded, start)
            if word is None:
                continue
            end = word.end()
            word = word.group()
            capital = original[norm.to_original(start)].isupper()
            if capital and word not in forms and axis_form(forms, folded, end, word):
                out.append(start)
            elif ((word in forms or word in first_words) and capital) or (word in qualifiers and (
                    capital or _AREA_NOUN.match(folded, end, end + 16) is not None)):
                out.append(start)
                if len(out) >= limit:
                    break
        return out
