"""Which settlement a name means: the README's homonym rules for one post.

A places.toml place wins a bare name, then the only city of that name; any other homonym
counts only when the post says which (its oblast, raion or hromada, a neighbour of the same
raion, an axis). What the post says first is applied to a fixed point, then the defaults,
whose places may in turn say which another name is.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, NamedTuple

from bot.detect.model import Match, PlaceHit, Unresolved
from bot.detect.normalize import WORD, Normalized
from bot.detect.settlement_book import _HROMADA_NOUNS, _OBLAST_NOUNS, _RAION_NOUNS, Settlement
from bot.detect.settlement_usage import UsageRules
from bot.detect.settlement_words import (
    _CITY_NOUNS, _HEAD_NOUNS, _PLACE_PREPOSITIONS, _VILLAGE_NOUNS, _abbreviation, _adjective_of_a_town, _everyday_city, _strictest, _toponymic,
    axis_form, renamed_city_names,
)
from bot.detect.settlement_words import _AREA_LINK as _LINK

if TYPE_CHECKING:
    from bot.detect.settlement_finder import SettlementMatcher

# At most this many candidate words of one post are resolved: a post of several megabytes
# that is nothing but names costs a bounded amount; the rest of it is not read for names.
MAX_OCCURRENCES = 400
_SENTENCE = re.compile(r"[.!?…\n]+")
# What kind of settlement the word right before a name says it is (the same city and village
# nouns the usage rules read): then the one candidate of that kind is meant («пгт
# Очеретино», «селище Очеретине», «городе Покровское»)
_KIND_OF = {**dict.fromkeys(_CITY_NOUNS, "MK"), **dict.fromkeys(_VILLAGE_NOUNS, "C"),
            **dict.fromkeys(("пгт", "смт", "селище", "селища", "селищі", "селищем"), "X")}
_TOWN_TYPE = re.compile(r"(?:городского типа|міського типу)[ .]+$")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ .]+$")
# Villages of the Kursk, Belgorod and Bryansk regions fought over or shelled since 2024 whose
# names a village across the border in Ukraine also bears; by that oblast's code prefix
_ACROSS = {
    "UA59": frozenset({
        "погребки", "зеленый шлях", "волфино", "новоивановка", "ольговка", "любимовка", "малая локня", "плехово",
        "мартыновка", "николаевка", "леонидово", "викторовка", "нижний клин", "медвежье", "дарьино", "марьевка",
        "орловка", "куриловка", "фанасеевка", "пушкарное", "гуево", "кремяное", "свердликово", "махновка",
        "снагость", "апанасовка", "комаровка", "толстый луг", "камышное", "корнеевка", "сорочина", "гончаровка",
        "мирный", "русское поречное", "казачья локня", "александрия", "заолешенка", "борки", "теткино",
        "михайловка", "журавлевка", "нечаев", "черкасское поречное", "новый путь", "старая сорочина", "пограничное",
        "ивашковка", "безменовка", "лебедевка", "степановка", "колмаков"}),
    "UA63": frozenset({
        "журавлевка", "козинка", "глотово", "новая таволжанка", "нехотеевка", "вязовое", "дорогощь", "грайворон",
        "логачевка", "головчино", "безымено", "косилово", "красный хутор", "середа", "демидовка", "ясные зори",
        "шебекино", "графовка", "терновка", "ржевка", "муром", "зозули", "солохи", "бессоновка", "щетиновка"}),
    "UA74": frozenset({"климово", "новые юрковичи", "суражичи", "белая березка", "погар"}),
}


def _name_of(label: str) -> str:
    """The name a form was matched as, lower case and ё as е: "ru Погребки (погребках)" → "погребки"."""
    return label.partition(" (")[0].partition(" ")[2].lower().replace("ё", "е")


# Russian border regions and the Ukrainian oblasts across from them: (the Russian region
# named, the oblast named) by the oblast's code prefix
_BORDER = {
    "UA59": (re.compile(r"курск|kursk|суджанск|глушков|коренев|рыльск|льгов|брянск|bryansk"),
             re.compile(r"сумск|сумщин|сумськ|сум[иаыу]\b|sumy")),
    "UA63": (re.compile(r"белгород|belgorod|шебекин|грайворон|валуйк"),
             re.compile(r"харьков|харків|kharkiv|kharkov")),
    "UA74": (re.compile(r"брянск|bryansk|климов"), re.compile(r"чернигов|чернігів|chernihiv")),
}
_MEMO_SIZE = 20_000


class _Occurrence(NamedTuple):
    start: int
    end: int
    candidates: tuple[int, ...]
    label: str
    common: str         # the strictest `also` of its candidates
    sentence: int
    known: int          # index of the main gazetteer's hit on these words, or -1
    reading: _Reading


class _Reading(NamedTuple):
    """What a name form says in any post, worked out once a form: a name is shared by up
    to 119 settlements (Іванівка), and posts name the same few thousand forms again."""

    name: str
    candidates: tuple[int, ...]
    label: str
    plain_city: bool    # the one city of the name, and no everyday word
    toponymic: bool
    common: str         # the strictest `also` of its candidates
    shadowed: bool      # a places.toml place is among the candidates
    city_alone: bool    # counts outside the war: a city's name that is no other word


class _Area(NamedTuple):
    """An oblast, raion or hromada the post names, and where."""

    start: int
    end: int
    kind: str           # oblast, raion or hromada
    index: int


class _Evidence:
    """Which areas a name is said to lie in: by the post as a whole, or right beside it."""

    __slots__ = ("oblast", "raion", "hromada", "near_raion", "near_hromada", "far_raion")

    def __init__(self) -> None:
        self.oblast: set[int] = set()
        self.raion: set[int] = set()
        self.hromada: set[int] = set()
        self.near_raion: set[int] = set()
        self.near_hromada: set[int] = set()     # only of a place the name is said to lie by
        self.far_raion: set[int] = set()

    def narrow(self, candidates: list[int], settlements: list[Settlement]) -> tuple[list[int], bool]:
        said = False
        # the nearest word first: a neighbour in the same sentence ("Старомайорское, Урожайное,
        # Макаровка") before an area named elsewhere in the post ("к границе Днепропетровской
        # области"), the narrowest area first (a hromada's village beats the oblast a soldier
        # of it fell in: «с. Іванівка нашої громади … загинув на Донеччині»), then places
        # anywhere in the post
        for wanted, key in ((self.near_raion, "raion"), (self.near_hromada, "hromada"),
                            (self.hromada, "hromada"), (self.raion, "raion"), (self.oblast, "oblast"),
                            (self.far_raion, "raion")):
            if not wanted:
                continue
            kept = [c for c in candidates if getattr(settlements[c], key) in wanted]
            if kept:
                candidates = kept
                said = True
        return candidates, said


# a place that says where it is: "X под Y", "X near Y", "X, south of Y", «X южнее Y»
_COMPASS = r"(?:north|south)(?:[- ]?(?:east|west))?|east|west"
_NEARBY = re.compile(r"[ \t,]*(?:под|підо|під|біля|возле|около|поблизу|неподалік|неподалеку|near|outside"
                     rf"|(?:a few |\d+ )?(?:km |kilometres |miles )?(?:{_COMPASS}) of"
                     r"|(?:северо-|юго-)?(?:север|юж|запад|восточ)нее|(?:північно-|південно-)?(?:північ|півден|захід|схід)ніше"
                     r")\s+")



class _Resolution(UsageRules):
    """The homonym rules for one post."""

    def __init__(self, matcher: SettlementMatcher, folded: str, original: str, norm: Normalized,
                 known: tuple[PlaceHit, ...], war: bool) -> None:
        self.m = matcher
        self.book = matcher.book
        self.folded = folded
        self.original = original
        self.norm = norm
        self.known = known
        self._sentence_ends: list[int] | None = None
        self._russian_sentences: dict[int, list[int]] | None = None
        # the main gazetteer's matches as folded spans: (start, end, hit index)
        self.known_spans = sorted((self._folded_pos(m.start), self._folded_pos(m.end), k)
                                  for k, hit in enumerate(known) for m in hit.matches)
        self.known_starts = [span[0] for span in self.known_spans]
        # axes ("на Купянском направлении"), by start: they say which raion, not which hromada
        self.axes = {self._folded_pos(m.start) for hit in known for m in hit.matches
                     if m.rule.partition(" ")[2].startswith("adjective")}
        self.dropped: set[tuple[int, int]] = set()
        self.war = war
        self._border: frozenset[str] | None = None
        self.renamed = renamed_city_names(matcher.book)
        self.areas_at: dict[int, list[_Area]] = {}
        self.sure_at: dict[int, int] = {}
        self.sentence_raions: dict[int, set[int]] = {}
        self.post_raions: set[int] = set()
        self.axis_raions: set[int] = set()      # of axes named in other sentences
        self.name_starts: set[int] = set()
        self.name_ends: set[int] = set()
        # names a places.toml place bears in this post: it won them, so a homonym of it
        # counts only when said right beside its name ("Покровськ не здано" adds no village)
        self.won_names = {self.book.settlements[matcher.by_place_id[hit.place_id]].uk for hit in known
                          if hit.place_id in matcher.by_place_id}
        self.known_ua = any(hit.place_id in matcher.by_place_id or hit.place_id.endswith("-oblast") for hit in known)

    def sentence(self, pos: int) -> int:
        if self._sentence_ends is None:
            folded = self.folded
            # only a full stop may close an abbreviation: a line break or "!" is not asked
            self._sentence_ends = [m.end() for m in _SENTENCE.finditer(folded)
                                   if folded[m.start()] != "." or not _abbreviation(folded, m.start())]
        return bisect_right(self._sentence_ends, pos)

    def sentence_span(self, sentence: int) -> tuple[int, int]:
        """Where a sentence of `sentence` begins and ends; it ends with its full stop."""
        if self._sentence_ends is None:
            self.sentence(0)
        ends = self._sentence_ends
        assert ends is not None
        return ends[sentence - 1] if sentence else 0, ends[sentence] if sentence < len(ends) else len(self.folded)

    def run(self, starts: list[int]) -> tuple[tuple[PlaceHit, ...], tuple[Unresolved, ...]]:
        book = self.book
        occurrences: list[_Occurrence] = []
        areas: list[_Area] = []
        taken_until = -1
        forms, own_words, known_groups = book.forms, self.m.own_words, self.m.known_groups
        readings = self.m.readings
        for start in starts:
            if start < taken_until:
                continue
            first = WORD.match(self.folded, start)
            if first is None:
                continue
            word = first.group()
            quals = book.qualifiers.get(word)
            if quals:
                named = self._areas(start, first.end(), quals)
                if named:
                    areas += named
                    taken_until = first.end()
                    continue
                if any(kind == "oblast" for kind, _ in quals) and " " not in (
                        self._name(first, book.first_words.get(word, 1)) or (0, ""))[1]:
                    continue      # an oblast's adjective (Донецкой, in a list of oblasts) is no village,
                    # but it may begin one's name (Івано-Благодатне)
            if len(occurrences) >= MAX_OCCURRENCES or (word not in own_words and forms.get(word) in known_groups):
                continue      # a name only places.toml's places bear: the main gazetteer's hit says it all
            found = self._name(first, book.first_words.get(word, 1))
            axis = None
            if found is None:
                axis = axis_form(book.forms, self.folded, first.end(), word)
                if axis is None:
                    continue
                found = first.end(), axis
            end, joined = found
            a = self.norm.to_original(start)
            if not self.original[a:a + 1].isupper() or self._quoted(start, end) or self._compound(start, end):
                continue
            if end - start <= 4 and self.original[a:a + end - start].isupper():
                continue      # АСУ, РЕН: an abbreviation, not a village written in capitals
            reading = readings.get(joined) or self._reading(joined)
            name, candidates = reading.name, reading.candidates
            if self._name_before(start) or (not reading.plain_city and not reading.toponymic
                                            and not self._headline(end)
                                            and self._at_sentence_start(start) and not self._area_follows(end)):
                continue
            if axis is None and " " not in joined and self._name_after(end, joined):
                continue
            if axis is None and len(candidates) and self._qualifies_a_noun(joined, end):
                continue
            if axis is not None and len(candidates) > 1:
                continue      # an axis named after a homonym says nothing of which one
            if " " not in joined and (_adjective_of_a_town(name, joined) or (
                    axis is None and joined.endswith(("ый", "ий")) and self._lower_word_after(end)
                    and self._word_before(start) not in _PLACE_PREPOSITIONS)):
                continue      # "Северный поток", "Мирный договор": an adjective before its noun
            known = self._known_at(start, end)
            if known >= 0 and self.known[known].place_id not in self.m.by_place_id:
                continue      # an oblast, or a place beyond the codifier
            occurrences.append(_Occurrence(start, end, candidates, reading.label, reading.common, -1, known, reading))
            taken_until = end
        if not occurrences and not areas:
            return (), ()
        if not areas and not self._front():
            # outside the war only a city named by itself counts (the rules of _counts)
            occurrences = [o for o in occurrences if o.known >= 0 or o.reading.city_alone]
        if all(o.known >= 0 for o in occurrences) and not any(a.kind in ("raion", "hromada") for a in areas):
            area_starts = {a.start for a in areas}
            if not any(_NEARBY.match(self.folded, o.end, o.end + 30) or _LINK.match(
                    self.folded, o.end, o.end + 30).end() in area_starts for o in occurrences):
                return (), ()     # only the main gazetteer's names, and nothing beside them says otherwise
        occurrences = [o._replace(sentence=self.sentence(o.start)) for o in occurrences]
        self.name_starts = {o.start for o in occurrences} | set(self.known_starts)
        self.name_ends = {o.end for o in occurrences} | {span[1] for span in self.known_spans}
        return self._resolve(occurrences, areas)



    def _reading(self, joined: str) -> _Reading:
        book = self.book
        settlements = book.settlements
        name, candidates = book.lookup(joined)
        # the one city of a name that is no everyday word is that city anywhere, even opening
        # a sentence (Вінниця під атакою), whatever villages share it
        cities = [c for c in candidates if settlements[c].category in "MK"]
        plain_city = len(cities) == 1 and not settlements[cities[0]].also and not _everyday_city(name)
        label = f"{name} ({joined})"
        common = "" if plain_city or self._renamed(label) else _strictest(
            {settlements[c].also for c in candidates}, label)
        reading = _Reading(name, candidates, label, plain_city, _toponymic(name), common,
                           any(c in self.m.shadowed for c in candidates),
                           not common and not _everyday_city(name) and bool(cities))
        readings = self.m.readings
        if len(readings) >= _MEMO_SIZE:
            readings.clear()
        readings[joined] = reading
        return reading

    def _known_at(self, start: int, end: int) -> int:
        """The main gazetteer's hit on these words, or -1. A hit on a part of a longer
        settlement name (Дружковка in Алексеево-Дружковка) gives way: the longest reading
        wins, as in the main gazetteer."""
        i = bisect_right(self.known_starts, end - 1) - 1
        while i >= 0 and self.known_spans[i][0] >= start - 200:
            s, e, k = self.known_spans[i]
            if s < end and start < e:
                if start <= s and e <= end and e - s < end - start:
                    self.dropped.add((s, e))
                    return -1
                return k
            i -= 1
        return -1

    def _name(self, first: re.Match, longest: int) -> tuple[int, str] | None:
        """The longest name form starting with this word: (end, form)."""
        word = first.group()
        if longest == 1:      # most words begin no name of several words
            return (first.end(), word) if word in self.book.forms else None
        ends = [first.end()]
        parts = [word]
        pos = first.end()
        while len(parts) < longest:
            nxt = WORD.search(self.folded, pos, pos + 40)
            if nxt is None or self.folded[pos:nxt.start()].strip(" -\u2010\u2011\u2013"):
                break
            parts.append(nxt.group())
            ends.append(nxt.end())
            pos = nxt.end()
        forms = self.book.forms
        for n in range(len(parts), 0, -1):
            joined = " ".join(parts[:n])
            if joined in forms:
                return ends[n - 1], joined
        return None

    def _areas(self, start: int, end: int, quals: list[tuple[str, int]]) -> list[_Area]:
        """The areas a word names with the noun after it ("Изюмского района", "Sumy Oblast"),
        or by itself (Харківщина)."""
        nxt = WORD.search(self.folded, end, end + 30)
        noun = nxt.group() if nxt is not None and not self.folded[end:nxt.start()].strip(" ,-") else ""
        out: list[_Area] = []
        for kind, index in quals:
            if kind == "region":
                out.append(_Area(start, end, "oblast", index))
            elif kind in ("oblast", "oblast-en") and noun in _OBLAST_NOUNS:
                out.append(_Area(start, nxt.end(), "oblast", index))
            elif kind in ("raion", "raion-en") and noun in _RAION_NOUNS:
                out.append(_Area(start, nxt.end(), "raion", index))
            elif kind == "hromada" and noun in _HROMADA_NOUNS:
                out.append(_Area(start, nxt.end(), "hromada", index))
        return out

    def _qualifies_a_noun(self, joined: str, end: int) -> bool:
        """An adjective-shaped name followed by a noun it describes is that noun's adjective."""
        if " " in joined or not joined.endswith(("ому", "ого", "ий", "ій", "ый", "ой", "ая", "ое", "ом", "ої", "им", "ым",
                                                 "ую", "ей", "ем", "ые", "ие", "ых", "их", "е", "а")):
            return False
        nxt = WORD.search(self.folded, end, end + 30)
        if nxt is None or self.folded[end:nxt.start()].strip():
            return False
        if nxt.group()[-2:] == joined[-2:] and len(nxt.group()) > 4 and self._lower_word_after(end):
            # a second adjective of the same case between ("Южного военного округа")
            after = WORD.search(self.folded, nxt.end(), nxt.end() + 30)
            if after is not None and not self.folded[nxt.end():after.start()].strip():
                nxt = after
        return nxt.group().startswith(_HEAD_NOUNS) and not self._area_follows(end)

    def _area_follows(self, end: int) -> bool:
        """An oblast, raion or hromada is named right after ("Прогрес Покровського району",
        "Нове Лиманської громади"): the word before it is the settlement, not an adjective."""
        link = _LINK.match(self.folded, end, end + 30)
        word = WORD.match(self.folded, link.end()) if link else None
        quals = self.book.qualifiers.get(word.group()) if word else None
        return bool(quals) and bool(self._areas(word.start(), word.end(), quals))

    # --- the rules ----------------------------------------------------------------------

    def _resolve(self, occurrences: list[_Occurrence], areas: list[_Area]
                 ) -> tuple[tuple[PlaceHit, ...], tuple[Unresolved, ...]]:
        book = self.book
        settlements = book.settlements
        post = _Evidence()
        for slug in (h.place_id[:-len("-oblast")] for h in self.known if h.place_id.endswith("-oblast")):
            if slug in book.oblast_slugs:
                post.oblast.add(book.oblast_slugs.index(slug))
        for area in areas:
            getattr(post, area.kind).add(area.index)
            self.known_ua = True
            # a raion or hromada named after its town ("Pokrovsk district", "Vovchansk
            # hromada") mentions no place
            if area.kind in ("raion", "hromada"):
                low = bisect_left(self.known_starts, area.start)
                high = bisect_left(self.known_starts, area.end)
                self.dropped.update(span[:2] for span in self.known_spans[low:high])
            self.areas_at.setdefault(area.start, []).append(area)
        named_after = [(a.start, a.end) for a in areas if a.kind in ("raion", "hromada")]
        if named_after:
            # and so is the settlement word of it ("Dobropillia hromada")
            occurrences = [o for o in occurrences if not any(a <= o.start < b for a, b in named_after)]
        for s, e, k in self.known_spans:
            index = self.m.by_place_id.get(self.known[k].place_id)
            if index is not None and (s, e) not in self.dropped:
                self._sure(s, e, index)
        decided: dict[int, int] = {}
        # what the post says first, to a fixed point; then the defaults (the only city of
        # the name), whose places may in turn say which another name is
        for defaults in (False, True, False):
            while self._decide(occurrences, decided, post, defaults) and not defaults:
                pass
        hits: dict[int, list[Match]] = {}
        unresolved: list[Unresolved] = []
        for n, occ in enumerate(occurrences):
            a, b = self.norm.original_span(occ.start, occ.end)
            choice = decided.get(n)
            if choice is None:
                if occ.known >= 0 or occ.reading.shadowed or (
                        self.won_names and any(settlements[c].uk in self.won_names for c in occ.candidates)):
                    continue
                if not self._counts(occ._replace(common="common" if occ.common == "common" else ""), occurrences,
                                    False, "C"):
                    continue
                narrowed, _ = self._around(occ, post).narrow(list(occ.candidates), settlements)
                unresolved.append(Unresolved(a, b, self.original[a:b], len(narrowed),
                                             tuple(settlements[c].id for c in narrowed)))
                continue
            if choice < 0 or (choice in self.m.shadowed and occ.label.partition(" (")[0] not in self.m.former_labels):
                continue
            if occ.known >= 0:
                low = bisect_left(self.known_starts, occ.start - 200)
                high = bisect_left(self.known_starts, occ.end)
                self.dropped.update(span[:2] for span in self.known_spans[low:high]
                                    if span[0] < occ.end and occ.start < span[1])
            hits.setdefault(choice, []).append(Match(a, b, self.original[a:b], occ.label))
        return tuple(PlaceHit(settlements[i].id, tuple(ms)) for i, ms in hits.items()), tuple(unresolved)

    def _decide(self, occurrences: list[_Occurrence], decided: dict[int, int], post: _Evidence,
                defaults: bool) -> bool:
        """One pass over the names not yet decided; whether any was."""
        settlements = self.book.settlements
        changed = False
        for n, occ in enumerate(occurrences):
            if n in decided:
                continue
            choice = self._choose(occ, post, defaults)
            if choice is None:
                continue
            index, said = choice
            if index < 0:
                decided[n] = -1
                continue
            kind = "" if self._renamed(occ.label) else _strictest({settlements[index].also}, occ.label)
            if not self._counts(occ._replace(common=kind), occurrences, said, settlements[index].category) \
                    or (not said and settlements[index].category not in "MK"
                        and _name_of(occ.label) in _ACROSS.get(settlements[index].id[:4], ())
                        and settlements[index].id[:4] in self._across_border()):
                decided[n] = -1
                continue
            decided[n] = index
            if occ.known < 0:
                self._sure(occ.start, occ.end, index)
            changed = True
        return changed

    def _across_border(self) -> frozenset[str]:
        """Oblasts (code prefixes) across from a Russian region the post is about and names no
        place of: there a village of `_ACROSS` ("Погребки", "Зелёный Шлях", "Волфино") is the
        Russian region's namesake; Юнаковка, which the Kursk region has not, stays Sumy's."""
        if self._border is None:
            self._border = frozenset(code for code, (there, here) in _BORDER.items()
                                     if there.search(self.folded) and not here.search(self.folded))
        return self._border

    def dropped_matches(self) -> set[tuple[int, int]]:
        """Original spans of the main gazetteer's matches that turned out to be another
        settlement or an area's name."""
        return {self.norm.original_span(s, e) for s, e in self.dropped}

    def _sure(self, start: int, end: int, index: int) -> None:
        """Note a place known for sure: it says which raion its sentence and the post are about.

        Only the raion: the README's neighbour is "another settlement of the same raion", and
        a raion often holds two villages of one name in different hromadas (Торське of the
        Lyman and of the Druzhkivka hromada), which a neighbour then does not tell apart."""
        s = self.book.settlements[index]
        self.sure_at[start] = index
        sentence = self.sentence(start)
        self.sentence_raions.setdefault(sentence, set()).add(s.raion)
        (self.axis_raions if start in self.axes else self.post_raions).add(s.raion)

    def _choose(self, occ: _Occurrence, post: _Evidence, defaults: bool) -> tuple[int, bool] | None:
        """(settlement, whether the post said which) or None while still ambiguous; (-1, True)
        when the post puts the name in an area where no settlement of it lies.

        Beside the name (an area right after it, a place linked by "под", "near"): that
        decides even against a place of places.toml or the city of the name. Elsewhere in
        the post: an area anywhere, a settlement of the same sentence.
        """
        settlements = self.book.settlements
        candidates = list(occ.candidates)
        beside = _Evidence()
        link = _LINK.match(self.folded, occ.end, occ.end + 30)
        for area in self.areas_at.get(link.end(), ()) if link else ():
            getattr(beside, area.kind).add(area.index)
        if (beside.oblast or beside.raion or beside.hromada) and not any(
                settlements[c].oblast in beside.oblast or settlements[c].raion in beside.raion
                or settlements[c].hromada in beside.hromada for c in candidates):
            return -1, True   # "Новая Ильинка в ДНР", whose namesake lies in Chernihiv oblast: not ours
        nearby = _NEARBY.match(self.folded, occ.end, occ.end + 30)
        index = self.sure_at.get(nearby.end()) if nearby else None
        if index is not None:
            beside.near_raion.add(settlements[index].raion)
            beside.near_hromada.add(settlements[index].hromada)
        narrowed, said = beside.narrow(candidates, settlements)
        if said and len(narrowed) == 1:
            return narrowed[0], True
        kind = self._kind_before(occ.start) if len(narrowed) > 1 else None
        if kind is not None:
            of_kind = [c for c in narrowed if settlements[c].category in kind]
            if len(of_kind) == 1:
                return of_kind[0], False     # which one, but not where: Russia's villages stay Russia's
        if occ.known >= 0:
            return self._not_the_listed(occ, candidates)
        if occ.reading.shadowed and occ.label.partition(" (")[0] not in self.m.former_labels:
            return None
        if self.won_names and any(settlements[c].uk in self.won_names for c in candidates):
            return None
        near = self._around(occ, post)
        narrowed, said = near.narrow(narrowed, settlements)
        if said and len(narrowed) == 1:
            return narrowed[0], True
        if len(candidates) == 1:
            return candidates[0], False
        if not defaults:
            return None
        cities = [c for c in candidates if settlements[c].category in "MK"]
        if len(cities) == 1 and (not said or cities[0] in narrowed):
            return cities[0], False
        return None

    def _not_the_listed(self, occ: _Occurrence, candidates: list[int]) -> tuple[int, bool] | None:
        """A name places.tsv gives to one of its places is that place when bare; a raion or
        hromada named in its own sentence may say it is another ("Мар'їнська громада: окупанти зайшли в
        Костянтинівку", the village, not the city of Kramatorsk raion). A neighbour or an axis
        does not: the listed towns are the front's, and the villages named with them as often
        lie in the next raion."""
        settlements = self.book.settlements
        listed = self.m.by_place_id.get(self.known[occ.known].place_id)
        # a raion or hromada, not an oblast: "обійти Гуляйполе й вийти до межі Дніпропетровщини"
        # names the oblast of another Гуляйполе as where the enemy heads
        areas = [a for at, found in self.areas_at.items() if self.sentence(at) == occ.sentence for a in found
                 if a.kind != "oblast"]
        if not areas:
            return None
        kept = [c for c in candidates if any(getattr(settlements[c], a.kind) == a.index for a in areas)]
        if len(kept) == 1 and kept[0] != listed:
            return kept[0], True
        return None

    def _around(self, occ: _Occurrence, post: _Evidence) -> _Evidence:
        """What the post says of where a name lies: its areas, then places of the name's
        sentence, then places anywhere in it."""
        near = _Evidence.__new__(_Evidence)      # every field is set below
        near.oblast, near.raion, near.hromada = post.oblast, post.raion, post.hromada
        near_oblast = False
        if len(post.oblast) > 1:
            # a list by oblast, its parts between semicolons ("на Сумщині — Юнаківку; на
            # Чернігівщині — Семенівку"): the oblast named in the name's part, before it
            low, high = self.sentence_span(occ.sentence)
            cut = self.folded.rfind(";", low, occ.start)
            part = cut if cut >= 0 else low if self.folded.find(";", occ.end, high) >= 0 else occ.start
            before = [a for at, found in self.areas_at.items() if part <= at < occ.start
                      for a in found if a.kind == "oblast"]
            if before:
                near.oblast = {max(before, key=lambda a: a.start).index}
                near_oblast = True
        near.near_raion = self.sentence_raions.get(occ.sentence, set())
        near.near_hromada = set()
        near.far_raion = self.post_raions
        if self.axis_raions and not self._across_border():
            # an axis in a heading says which raion the post's villages lie in ("На Покровському
            # напрямку… Підрозділи, що обороняли Лисівку"), unless the post is about a Russian
            # border region, whose villages share Ukrainian names
            near.far_raion = self.post_raions | self.axis_raions
        if near_oblast:
            # and the neighbours of that oblast's part of the list only
            raions = self.book.raions
            near.near_raion = {r for r in near.near_raion if r >= 0 and raions[r].parent in near.oblast}
            near.far_raion = {r for r in near.far_raion if r >= 0 and raions[r].parent in near.oblast}
        return near

    def _kind_before(self, start: int) -> str | None:
        """The categories the word right before a name allows ("MK", "X", "C"), or None."""
        low = max(0, start - 24)
        if _TOWN_TYPE.search(self.folded, low, start):
            return "X"
        word = _WORD_BEFORE.search(self.folded, low, start)
        return _KIND_OF.get(word.group(1)) if word is not None else None

    def _folded_pos(self, original_pos: int) -> int:
        if not self.norm.shifts:
            return original_pos
        low, high = 0, len(self.folded)
        while low < high:
            mid = (low + high) // 2
            if self.norm.to_original(mid) < original_pos:
                low = mid + 1
            else:
                high = mid
        return low
