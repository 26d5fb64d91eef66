"""Every settlement of Ukraine, and which one a post means.

The codifier has 29,707 settlements and most names are shared (Іванівка is 119 villages),
so a name alone rarely says which place it is. The rules are the README's: a place of
`places.toml` wins a bare name (the main gazetteer handles it), then the only city of
that name; any other homonym counts only when the post says which one — it names the
oblast, raion or hromada, or another settlement of the same raion in the same sentence
(an axis such as "на Купянском направлении" is a mention of its place, so it counts as a
neighbour). Names that are everyday words (Веселе, Мирне) count only where the text uses
them as a place.

Cost: one Aho-Corasick pass over the folded post finds word starts that begin a name
form's stem (a few tens of thousands of keys, not the half million forms); only those
words are looked up in the form table, and only posts with a capitalised hit go further.
"""

from __future__ import annotations

import gzip
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from itertools import chain, repeat
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import ahocorasick_rs

from bot.detect.inflect import adjective_forms, inflect
from bot.detect.model import Detection, Match, Place, PlaceHit, Unresolved
from bot.detect.names import russian_names
from bot.detect.normalize import APOSTROPHES, WORD, Normalized, words

DATA = Path(__file__).with_name("data") / "settlements.tsv.gz"

_KIND = {"M": "city", "K": "city", "X": "town", "C": "village"}
_OBLAST_NOUNS = frozenset({"область", "области", "областью", "областей", "областям", "областях", "обл", "області",
                           "областю", "oblast", "oblasts", "region", "regions", "province"})
_RAION_NOUNS = frozenset({"район", "района", "районе", "району", "районом", "районі", "районах", "районов",
                          "районів", "р", "district", "districts", "raion", "rayon"})
_HROMADA_NOUNS = frozenset({"громада", "громади", "громаді", "громаду", "громадою", "громад", "громады", "громаде",
                            "громадой", "громадах", "громадам", "община", "общины",
                            "общине", "общину", "общиной", "hromada", "community", "territorial"})
_SETTLEMENT_WORDS = frozenset({
    "село", "села", "селі", "селу", "селом", "сел", "селище", "селища", "селищі", "смт", "с", "н", "п", "пос",
    "поселок", "поселка", "поселке", "посёлок", "поселку", "поселком", "деревня", "деревни", "деревне", "деревню",
    "хутор", "хутора", "хуторе", "хутір", "населенный", "населенного", "населенном", "населеному", "населений",
    "населеного", "пункт", "пункта", "пункте", "пункту", "пункті", "village", "villages", "town", "settlement",
    "місто", "міста", "місті", "город", "города", "городе", "городок", "містечко"})
# not "за", "через": "за Оскол", "через Дніпро" are rivers
_PLACE_PREPOSITIONS = frozenset({"в", "во", "у", "на", "под", "під", "пiд", "біля", "возле", "около", "из", "із",
                                 "з", "зі", "от", "від", "до", "к", "ко", "между", "між", "поблизу",
                                 "неподалеку", "неподалік", "near", "in", "at", "from", "outside", "around", "to"})
# "реки Оскол", "річки Сула", "the Donets river": the river, never the village of its name
_RIVER_WORDS = frozenset({"река", "реки", "реке", "реку", "рекой", "річка", "річки", "річці", "річку", "річкою",
                          "river", "берег", "берега", "берегу", "берегом", "бережок", "берегах"})
_RIVER_AFTER = frozenset({"river", "line", "bank", "banks", "valley", "floodplain"})
_LINKS = frozenset({"и", "та", "і", "й", "а", "также", "and", "or", "или", "або"})
_KEY_LETTERS = 5
# At most this many candidate words of one post are resolved: a post of several megabytes
# that is nothing but names costs a bounded amount; the rest of it is not read for names.
MAX_OCCURRENCES = 400
_SENTENCE = re.compile(r"[.!?…\n]+")
_AREA_WORD = re.compile(r"област|обл\b|район|р-н|громад|общин|oblast|region|district|raion|rayon|province|hromada|"
                        r"community")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ ,]+$")
_AREA_NOUN = re.compile(r"[ ,]+(?:област|обл\b|район|р-н|громад|общин|oblast|region|district|raion|rayon|"
                        r"province|hromada|community)")


@dataclass(frozen=True, slots=True)
class Settlement:
    id: str
    code: str
    category: str
    oblast: int
    raion: int          # -1 for Kyiv and Sevastopol, and the Chornobyl zone
    hromada: int
    uk: str
    ru: str
    en: str
    former: tuple[str, ...]
    lat: float | None
    lon: float | None
    also: str           # what else the name is: "word", "person", "elsewhere" (a place abroad), or ""


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    name: str           # Ukrainian
    parent: int


class SettlementBook:
    """The shipped gazetteer in memory: settlements, the areas above them, and every form.

    The file holds the finished index (every case form of every name, grouped by the
    settlements that share the name), so loading is parsing, not inflecting.
    """

    def __init__(self, path: Path = DATA) -> None:
        self.settlements: list[Settlement] = []
        self.oblasts: list[Area] = []
        self.oblast_slugs: list[str] = []
        self.raions: list[Area] = []
        self.hromadas: list[Area] = []
        self.by_id: dict[str, int] = {}
        # qualifier words: a form of an oblast, raion or hromada adjective -> (kind, area)
        self.qualifiers: dict[str, list[tuple[str, int]]] = defaultdict(list)
        # form -> the group of names that gives it: (label, settlements)
        self.forms: dict[str, int] = {}
        self.groups: list[tuple[str, tuple[int, ...]]] = []
        self.first_words: dict[str, int] = {}
        self._read(path)

    def _read(self, path: Path) -> None:
        oblast_index: dict[str, int] = {}
        raion_index: dict[str, int] = {}
        hromada_index: dict[str, int] = {}
        columns: dict[str, str] = {}
        try:
            handle = gzip.open(path, "rt", encoding="utf-8")
            lines = handle.read().splitlines()
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: cannot read the settlement gazetteer ({exc})") from None
        for number, line in enumerate(lines, start=1):
            cells = line.split("\t")
            kind = cells[0]
            try:
                if kind in "GMNFKC" and kind:
                    columns[kind] = cells[1]
                elif kind == "S":
                    _, sid, code, category, parent, uk, former, ru, en, lat, lon, also = cells
                    if parent in hromada_index:
                        hromada = hromada_index[parent]
                        raion = self.hromadas[hromada].parent
                        oblast = self.raions[raion].parent
                    else:
                        hromada, raion = -1, -1
                        oblast = oblast_index.get(parent, oblast_index.get(code, -1))
                    self.by_id[sid] = len(self.settlements)
                    self.settlements.append(Settlement(
                        id=sid, code=code, category=category, oblast=oblast, raion=raion, hromada=hromada, uk=uk,
                        ru=ru.partition("|")[0] or uk, en=en.partition("|")[0] or uk, former=_split(former),
                        lat=float(lat) if lat else None, lon=float(lon) if lon else None, also=also))
                elif kind == "W":
                    self.first_words[cells[1]] = int(cells[2])
                elif kind == "Q":
                    _, area_kind, index, coded = cells
                    entry = (area_kind, int(index))
                    for form in coded.split("|"):
                        self.qualifiers[form].append(entry)
                elif kind == "O":
                    _, code, slug, uk = cells[:4]
                    oblast_index[code] = len(self.oblasts)
                    self.oblasts.append(Area(code, uk, -1))
                    self.oblast_slugs.append(slug)
                elif kind == "P":
                    _, code, parent, uk = cells
                    raion_index[code] = len(self.raions)
                    self.raions.append(Area(code, uk, oblast_index[parent]))
                elif kind == "H":
                    _, code, parent, uk = cells
                    hromada_index[code] = len(self.hromadas)
                    self.hromadas.append(Area(code, uk, raion_index[parent]))
                elif not line.startswith("#") and line:
                    raise ValueError(f"unknown row kind {kind!r}")
            except (ValueError, KeyError, IndexError) as exc:
                raise ValueError(f"{path}: line {number}: malformed gazetteer row ({exc})") from None
        self.qualifiers = dict(self.qualifiers)
        try:
            labels = columns["G"].split("|")
            members = [tuple(map(int, m.split())) for m in columns["M"].split(",")]
            counts = list(map(int, columns["N"].split()))
            generated = columns["F"].split("|")
        except (KeyError, ValueError) as exc:
            raise ValueError(f"{path}: the form rows are missing or malformed ({exc})") from None
        if not len(labels) == len(members) == len(counts) or sum(counts) != len(generated):
            raise ValueError(f"{path}: the form rows disagree in length")
        self.groups = list(zip(labels, members, strict=True))
        # the automata's keys, when the build wrote them (it does: they take a while to derive)
        self._keys = columns["K"].split("|") if "K" in columns else None
        self._capital_keys = columns["C"].split("|") if "C" in columns else None
        gids = chain.from_iterable(map(repeat, range(len(counts)), counts))
        self.forms = dict(zip(generated, gids, strict=True))

    def keys(self) -> list[str]:
        """The automaton's keys: each name word cut to its first letters, which most of its
        case forms share; a word found by its key is then looked up whole."""
        if self._keys is not None:
            return self._keys
        cut = _KEY_LETTERS
        keys = {w[:cut] for w in self.forms if " " not in w}
        keys.update(w[:cut] for w in self.first_words)
        keys.update(w[:cut] for w in self.qualifiers)
        return sorted(keys)

    def capital_keys(self) -> list[str]:
        """Name beginnings as a post writes them: capitalised or in capitals, with any apostrophe."""
        if self._capital_keys is not None:
            return self._capital_keys
        keys: set[str] = set()
        heads = [w for w in self.forms if " " not in w]
        heads += self.first_words
        heads += [w for w, kinds in self.qualifiers.items() if any(k in ("region", "oblast-en", "raion-en")
                                                                    for k, _ in kinds)]
        for word in heads:
            cut = word[:_KEY_LETTERS]
            for variant in {cut, *(cut.replace("'", ap) for ap in APOSTROPHES if "'" in cut)}:
                keys.add(variant[:1].upper() + variant[1:])
                keys.add(variant.upper())
        return sorted(keys)

    def lookup(self, joined: str) -> tuple[str, tuple[int, ...]] | None:
        """(label, settlements) of a name form."""
        found = self.forms.get(joined)
        return None if found is None else self.groups[found]

    def search(self, query: str) -> list[int]:
        """Settlements a user means by a name in any language and case, optionally followed
        by its raion, hromada or oblast ("Іванівка Ізюмський", "Ivanivka Kharkiv"), or by id."""
        if query.strip().upper() in self.by_id:
            return [self.by_id[query.strip().upper()]]
        if query.strip().lower() in self.by_id:
            return [self.by_id[query.strip().lower()]]
        tokens = words(query)
        for n in range(len(tokens), 0, -1):
            group = self.forms.get(" ".join(tokens[:n]))
            if group is not None:
                break
        else:
            return []
        candidates = list(self.groups[group][1])
        for word in tokens[n:]:
            wanted = [(kind, index) for kind, index in self.qualifiers.get(word, ())]
            kept = [c for c in candidates if any(self._within(c, kind, index) for kind, index in wanted)]
            if wanted and kept:
                candidates = kept
            elif word not in _OBLAST_NOUNS | _RAION_NOUNS | _HROMADA_NOUNS:
                return []
        return candidates

    def _within(self, index: int, kind: str, area: int) -> bool:
        s = self.settlements[index]
        if kind in ("oblast", "oblast-en", "region"):
            return s.oblast == area
        if kind in ("raion", "raion-en"):
            return s.raion == area
        return kind == "hromada" and s.hromada == area

    # --- places -----------------------------------------------------------------------

    def place(self, index: int) -> Place:
        s = self.settlements[index]
        return Place(id=s.id, kind=_KIND[s.category], country="UA", oblast=self.oblast_slugs[s.oblast]
                     if s.oblast >= 0 else None, en=s.en, uk=s.uk, ru=s.ru)

    def where(self, index: int) -> str:
        """Oblast, raion and hromada in words, to tell homonyms apart."""
        s = self.settlements[index]
        parts = []
        if s.hromada >= 0:
            parts.append(f"{self.hromadas[s.hromada].name[:-2]}а громада")
        if s.raion >= 0:
            parts.append(f"{self.raions[s.raion].name} район")
        if s.oblast >= 0 and self.oblasts[s.oblast].name:
            name = self.oblasts[s.oblast].name
            parts.append(name if " " in name else f"{name} область")
        return ", ".join(p for p in parts if p)


def name_forms(name: str, lang: str) -> list[str]:  # used by scripts/build_gazetteer.py
    """Every case of a name as detection sees it (folded words joined by a space)."""
    tokens = words(name)
    if not tokens:
        return []
    generated = [tokens] if lang == "en" else list(inflect(tokens, lang))
    extra = [tuple(w.replace("'", "") for w in f) for f in generated if any("'" in w for w in f)]
    return list(dict.fromkeys(" ".join(f) for f in generated + extra if f))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p for p in cell.split("|") if p)


class PlaceNames(dict):
    """English names by place id, for alerts and digests: the places of places.toml up
    front, a settlement's (Ocheretyne, not UA14160190010012632) looked up on first use."""

    def __init__(self, detector) -> None:
        super().__init__((p.id, p.en) for p in detector.places())
        self._detector = detector

    def get(self, key, default=None):
        if key not in self:
            try:
                self[key] = self._detector.place(key).en
            except KeyError:
                return default
        return self[key]


@lru_cache(maxsize=2)
def load_book(path: Path = DATA) -> SettlementBook:
    """One book a process: it is read-only once built, and takes most of a second to load."""
    return SettlementBook(path)


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
        self.former_groups = frozenset(
            gid for gid, (label, members) in enumerate(book.groups)
            if len(members) == 1 and label.partition(" ")[2] in formers.get(members[0], ()))
        self.former_labels = frozenset(book.groups[gid][0] for gid in self.former_groups)
        # a capitalised word that may begin a name no places.toml place bears: only a post
        # with one of them is resolved at all (Часовим of Часовим Яром is the main gazetteer's)
        mine = {gid for gid, (_label, members) in enumerate(book.groups)
                if not self.shadowed.issuperset(members) or gid in self.former_groups}
        self.known_groups = frozenset(range(len(book.groups))) - mine
        self.own_words = frozenset(form.partition(" ")[0] for form, gid in book.forms.items() if gid in mine)
        # leftmost-longest without overlaps: a word start is the leftmost match of its word,
        # so no start is lost, and fewer matches inside words are reported
        self.automaton = ahocorasick_rs.AhoCorasick(book.keys(), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
                                                    implementation=ahocorasick_rs.Implementation.ContiguousNFA)
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
        return replace(detection, places=places + tuple(h for h in hits if h.place_id not in known),
                       unresolved=unresolved)

    def place(self, place_id: str) -> Place:
        index = self.book.by_id.get(place_id)
        if index is None:
            raise KeyError(place_id)
        return self.book.place(index)

    def starts(self, folded: str, original: str, norm: Normalized, rewritten: bool = False) -> list[int]:
        """Starts of words that are a name form, an area's adjective, or a name's first word,
        written with a capital letter where a name must be; at most MAX_OCCURRENCES * 4.

        Most posts hold no settlement's name, and a name is written with a capital letter:
        a scan of the post as written, for capitalised name beginnings, clears them in a
        few microseconds. Only a post with one is scanned word by word. A post whose
        folding deleted or rewrote letters (soft hyphens, Latin look-alikes) is always
        scanned word by word.
        """
        if norm.shifts or rewritten:
            return self._all_starts(folded, original, norm)
        forms, first_words, own_words, groups_known = self.book.forms, self.book.first_words, self.own_words, \
            self.known_groups
        qualifiers = self.book.qualifiers
        out: list[int] = []
        own = False
        last = -1
        for _index, start, _end in self.capitals.find_matches_as_indexes(original):
            if start == last or (start and original[start - 1].isalpha()):
                continue
            last = start
            word = WORD.match(folded, start)
            if word is None:
                continue
            word = word.group()
            group = forms.get(word)
            if group is None and word not in first_words and word not in qualifiers:
                axis = axis_form(forms, folded, start + len(word), word)
                group = forms.get(axis) if axis else None
            if word in first_words or group is not None or word in qualifiers:
                out.append(start)
                # a name that only places.toml's places bear is the main gazetteer's
                own = own or word in own_words or (group is not None and group not in groups_known) \
                    or (word in qualifiers and _AREA_NOUN.match(folded, start + len(word)) is not None)
                if len(out) >= MAX_OCCURRENCES * 4:
                    break
        if not own:
            return []
        # areas named by an adjective and a noun, in any letter case ("Сватівського району")
        for noun in _AREA_WORD.finditer(folded):
            before = _WORD_BEFORE.search(folded, max(0, noun.start() - 40), noun.start())
            if before is not None and before.group(1) in qualifiers:
                out.append(before.start(1))
        return sorted(set(out))

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


_AXIS_NOUN = re.compile(r"[ \t]+(?:направлени|напрям|direction|axis)")
_ADJ_TAIL = re.compile(r"(?:ськ|цьк|зьк|ск|цк|зк)(?:ий|ій|ого|ому|им|ім|ая|ой|ую|ое|ом|ое|ый|ие|ых|а|е|у|ої|ою|і)$")


def axis_form(forms: dict[str, int], folded: str, end: int, word: str) -> str | None:
    """The settlement form an axis adjective is made from ("Времевском направлении" →
    Времевка, "Очеретинський напрямок" → Очеретине): the README counts an axis as a
    mention of its place. None when the word is no adjective before an axis noun."""
    tail = _ADJ_TAIL.search(word)
    if tail is None or _AXIS_NOUN.match(folded, end) is None:
        return None
    base = word[:tail.start()]
    suffix = word[tail.start():tail.start() + (3 if word[tail.start() + 1:tail.start() + 2] == "ь" else 2)]
    options = [base + "ка", base + "е", base + "о", base + "ое", base + suffix, base]
    if base.endswith(("ів", "ов")):
        options += [base[:-2] + "ове", base[:-2] + "ово", base[:-2] + "ів"]
    return next((o for o in options if o in forms), None)


class _Occurrence(NamedTuple):
    start: int
    end: int
    candidates: tuple[int, ...]
    label: str
    common: str         # the strictest `also` of its candidates
    sentence: int
    known: int          # index of the main gazetteer's hit on these words, or -1


class _Area(NamedTuple):
    """An oblast, raion or hromada the post names, and where."""

    start: int
    end: int
    kind: str           # oblast, raion or hromada
    index: int
    sentence: int


class _Evidence:
    """Which areas a name is said to lie in: by the post as a whole, or right beside it."""

    __slots__ = ("oblast", "raion", "hromada", "near_raion", "near_hromada", "far_raion", "far_hromada")

    def __init__(self) -> None:
        self.oblast: set[int] = set()
        self.raion: set[int] = set()
        self.hromada: set[int] = set()
        self.near_raion: set[int] = set()
        self.near_hromada: set[int] = set()
        self.far_raion: set[int] = set()
        self.far_hromada: set[int] = set()

    def narrow(self, candidates: list[int], settlements: list[Settlement]) -> tuple[list[int], bool]:
        said = False
        for wanted, key in ((self.oblast, "oblast"), (self.raion, "raion"), (self.hromada, "hromada"),
                            (self.near_raion, "raion"), (self.near_hromada, "hromada"),
                            (self.far_raion, "raion"), (self.far_hromada, "hromada")):
            if not wanted:
                continue
            kept = [c for c in candidates if getattr(settlements[c], key) in wanted]
            if kept:
                candidates = kept
                said = True
        return candidates, said


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
    "котле", "котлі", "окопал", "закрепил", "закріпил", "закріпи", "укрепля", "укріплю"
)


# what may stand between a name and an area named beside it: "X Сватівського району",
# "X, Харківщина", "X на Львівщині", "X in the Svatove district"
_LINK = re.compile(r"[ \t,;:()\-–—]*(?:(?:у|в|во|на|at|in|of)\s+)?(?:the\s+)?")
# and a place that says where it is: "X под Y", "X near Y"
_NEARBY = re.compile(r"[ \t,]*(?:под|підо|під|біля|возле|около|поблизу|неподалік|неподалеку|near|outside)\s+")
# nouns an adjective-shaped name may qualify instead ("Тилігульському лимані"): then it is
# no place
_JOINT_BEFORE = re.compile(r"(?:,\s*|\s+(?:и|та|і|й|and|or|або|или)\s+)$")
_JOINT_AFTER = re.compile(r"(?:\s*,|\s+(?:и|та|і|й|and|or|або|или)\s+)\s*")
_HEAD_NOUNS = ("лиман", "озер", "водосховищ", "водохранилищ", "мор", "річ", "рек", "ріц", "ліс", "лес", "парк",
               "завод", "комбінат", "шахт", "аеропорт", "аэропорт", "вокзал", "трас", "шосе", "мост", "міст",
               "район", "округ", "напрям", "направлен", "фронт", "громад", "общин", "област", "сільрад", "сельсовет",
               "рада", "раді", "совет", "тэц", "тец", "тэс", "тес", "аэс", "аес", "гэс", "гес", "кладовищ",
               "кладбищ", "плацдарм", "участ", "ділянц", "ділянк", "отряд", "загін", "батальон", "полк", "бригад",
               "групп", "угрупован", "корпус", "дивизи", "дивізі", "клуб", "команд", "стадион", "стадіон",
               "проспект", "улиц", "вулиц", "переул", "провул", "площад", "бульвар", "шоссе", "набережн")


class _Resolution:
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
        # axes ("на Купянском направлении"), by start: they say which only in their sentence
        self.axes = {self._folded_pos(m.start) for hit in known for m in hit.matches
                     if m.rule.partition(" ")[2].startswith("adjective")}
        self.dropped: set[tuple[int, int]] = set()
        self.war = war
        self.areas_at: dict[int, list[_Area]] = {}
        self.sure_at: dict[int, int] = {}
        self.sentence_raions: dict[int, set[int]] = {}
        self.sentence_hromadas: dict[int, set[int]] = {}
        self.post_raions: set[int] = set()
        self.post_hromadas: set[int] = set()
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
            self._sentence_ends = [m.end() for m in _SENTENCE.finditer(folded)
                                   if not _abbreviation(folded, m.start())]
        return bisect_right(self._sentence_ends, pos)

    def run(self, starts: list[int]) -> tuple[tuple[PlaceHit, ...], tuple[Unresolved, ...]]:
        book = self.book
        occurrences: list[_Occurrence] = []
        areas: list[_Area] = []
        taken_until = -1
        forms, own_words, known_groups = book.forms, self.m.own_words, self.m.known_groups
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
            name, candidates = book.lookup(joined)
            if self._name_before(start) or (not _toponymic(name) and not self._headline(end)
                                            and self._at_sentence_start(start)):
                continue
            if axis is None and " " not in joined and self._name_after(end):
                continue
            if axis is None and len(candidates) and self._qualifies_a_noun(joined, end):
                continue
            if axis is not None and len(candidates) > 1:
                continue      # an axis named after a homonym says nothing of which one
            if " " not in joined and (_adjective_of_a_town(name, joined) or (
                    axis is None and joined.endswith(("ый", "ий")) and self._lower_word_after(end)
                    and self._word_before(start) not in _PLACE_PREPOSITIONS)):
                continue      # "Северный поток", "Мирный договор": an adjective before its noun
            label = f"{name} ({joined})"
            common = _strictest({book.settlements[c].also for c in candidates}, label)
            known = self._known_at(start, end)
            if known >= 0 and self.known[known].place_id not in self.m.by_place_id:
                continue      # an oblast, or a place beyond the codifier
            occurrences.append(_Occurrence(start, end, candidates, label, common, -1, known))
            taken_until = end
        if not occurrences and not areas:
            return (), ()
        if not areas and not self._front():
            # outside the war only a city named by itself counts (the rules of _counts)
            settlements = book.settlements
            occurrences = [o for o in occurrences if o.known >= 0 or (
                not o.common and any(settlements[c].category in "MK" for c in o.candidates))]
        if all(o.known >= 0 for o in occurrences) and not any(a.kind == "raion" for a in areas):
            area_starts = {a.start for a in areas}
            if not any(_NEARBY.match(self.folded, o.end, o.end + 30) or _LINK.match(
                    self.folded, o.end, o.end + 30).end() in area_starts for o in occurrences):
                return (), ()     # only the main gazetteer's names, and nothing beside them says otherwise
        occurrences = [o._replace(sentence=self.sentence(o.start)) for o in occurrences]
        self.name_starts = {o.start for o in occurrences} | set(self.known_starts)
        self.name_ends = {o.end for o in occurrences} | {span[1] for span in self.known_spans}
        return self._resolve(occurrences, areas)



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
        sentence = self.sentence(start)
        out: list[_Area] = []
        for kind, index in quals:
            if kind == "region":
                out.append(_Area(start, end, "oblast", index, sentence))
            elif kind in ("oblast", "oblast-en") and noun in _OBLAST_NOUNS:
                out.append(_Area(start, nxt.end(), "oblast", index, sentence))
            elif kind in ("raion", "raion-en") and noun in _RAION_NOUNS:
                out.append(_Area(start, nxt.end(), "raion", index, sentence))
            elif kind == "hromada" and noun in _HROMADA_NOUNS:
                out.append(_Area(start, nxt.end(), "hromada", index, sentence))
        return out

    def _qualifies_a_noun(self, joined: str, end: int) -> bool:
        """An adjective-shaped name followed by a noun it describes is that noun's adjective."""
        if " " in joined or not joined.endswith(("ому", "ому", "ого", "ий", "ій", "ой", "ая", "ое", "ом", "ої", "ій",
                                                 "им", "ій", "ую", "ої", "ей", "ем", "е", "а")):
            return False
        nxt = WORD.search(self.folded, end, end + 30)
        if nxt is None or self.folded[end:nxt.start()].strip():
            return False
        return nxt.group().startswith(_HEAD_NOUNS)

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
            # a raion named after its town ("Pokrovsk district") mentions no place
            if area.kind == "raion":
                low = bisect_left(self.known_starts, area.start)
                high = bisect_left(self.known_starts, area.end)
                self.dropped.update(span[:2] for span in self.known_spans[low:high])
            self.areas_at.setdefault(area.start, []).append(area)
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
                if occ.known >= 0 or any(c in self.m.shadowed for c in occ.candidates) or (
                        self.won_names and any(settlements[c].uk in self.won_names for c in occ.candidates)):
                    continue
                if not self._counts(occ._replace(common="common" if occ.common == "common" else ""), occurrences,
                                    False, "C"):
                    continue
                narrowed, _ = post.narrow(list(occ.candidates), settlements)
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
            kind = _strictest({settlements[index].also}, occ.label)
            if not self._counts(occ._replace(common=kind), occurrences, said, settlements[index].category):
                decided[n] = -1
                continue
            decided[n] = index
            if occ.known < 0:
                self._sure(occ.start, occ.end, index)
            changed = True
        return changed

    def dropped_matches(self) -> set[tuple[int, int]]:
        """Original spans of the main gazetteer's matches that turned out to be another
        settlement or an area's name."""
        return {self.norm.original_span(s, e) for s, e in self.dropped}

    def _sure(self, start: int, end: int, index: int) -> None:
        """Note a place known for sure: it says which raion and hromada its sentence (and,
        unless it is an axis, the post) is about."""
        s = self.book.settlements[index]
        self.sure_at[start] = index
        sentence = self.sentence(start)
        self.sentence_raions.setdefault(sentence, set()).add(s.raion)
        self.sentence_hromadas.setdefault(sentence, set()).add(s.hromada)
        if start not in self.axes:
            self.post_raions.add(s.raion)
            self.post_hromadas.add(s.hromada)

    def _choose(self, occ: _Occurrence, post: _Evidence, defaults: bool) -> tuple[int, bool] | None:
        """(settlement, whether the post said which) or None while still ambiguous.

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
        nearby = _NEARBY.match(self.folded, occ.end, occ.end + 30)
        index = self.sure_at.get(nearby.end()) if nearby else None
        if index is not None:
            beside.near_raion.add(settlements[index].raion)
            beside.near_hromada.add(settlements[index].hromada)
        narrowed, said = beside.narrow(candidates, settlements)
        if said and len(narrowed) == 1:
            return narrowed[0], True
        if occ.known >= 0 or (any(c in self.m.shadowed for c in candidates)
                              and occ.label.partition(" (")[0] not in self.m.former_labels):
            return None
        if self.won_names and any(settlements[c].uk in self.won_names for c in candidates):
            return None
        near = _Evidence()
        near.oblast, near.raion, near.hromada = post.oblast, post.raion, post.hromada
        near.near_raion = self.sentence_raions.get(occ.sentence, set())
        near.near_hromada = self.sentence_hromadas.get(occ.sentence, set())
        near.far_raion, near.far_hromada = self.post_raions, self.post_hromadas
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
        if occ.label.startswith("en") and (before == "the" or self._word_after(occ.end) in _RIVER_AFTER):
            return False      # "the Oskil line", "the Donets": a river; a village takes no article
        if not said and category not in "MK" and self._in_russia(occ):
            return False
        if not said and _surname_like(occ.label):
            return self._front() and self._used_as_place(occ, occurrences, said)
        if said and occ.common not in ("common", "person"):
            return True
        if occ.common in ("common", "person"):
            return self._front() and self._used_as_place(occ, occurrences, said)
        if occ.common == "word":
            return self._front() and (self._used_as_place(occ, occurrences, said) or self._headline(occ.end)
                                      or (self.known_ua and not self._at_sentence_start(occ.start)))
        if occ.common == "elsewhere":
            return self._front() and self._used_as_place(occ, occurrences, said)
        return category in "MK" or self._front()

    def _front(self) -> bool:
        """Whether the post is about the war or names a Ukrainian place or area: a village
        named by itself counts only there (news of Китай, Берлин, Олег is not of villages)."""
        return self.war or self.known_ua

    def _used_as_place(self, occ: _Occurrence, occurrences: list[_Occurrence], said: bool) -> bool:
        """A common-word name is a place after a settlement word or a place preposition, in
        a list of places, or when the post said which one it is (and it does not open a
        sentence, where a capital letter says nothing)."""
        before = self._word_before(occ.start)
        if before in _SETTLEMENT_WORDS or before in _PLACE_PREPOSITIONS:
            return True
        after = [w for w in WORD.findall(self.folded, occ.end, occ.end + 14) if w not in ("a", "the")]
        if after and after[0] in _SETTLEMENT_WORDS and self.folded[occ.end:occ.end + 3].strip(" ,—-")[:1] in "a,":
            return True
        if said and not self._at_sentence_start(occ.start):
            return True
        return self._listed(occ)

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
        if self._russian_sentences is None:
            self._russian_sentences = {}
            for m in _RUSSIA.finditer(self.folded):
                self._russian_sentences.setdefault(self.sentence(m.start()), []).append(m.start())
        return any(p < occ.start or p >= occ.end for p in self._russian_sentences.get(occ.sentence, ()))

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

    def _name_after(self, end: int) -> bool:
        """A capitalised word right after that is no place: the name is part of a longer
        proper name (Северная Корея, Малая Азия) or a first name before a surname."""
        nxt = WORD.match(self.folded, end + 1) if self.folded[end:end + 1] == " " else None
        if nxt is None:
            return False
        word = nxt.group()
        a = self.norm.to_original(nxt.start())
        if not self.original[a:a + 1].isupper() or self.original[a:a + 2].isupper():
            return False
        return word not in self.book.forms and word not in self.book.qualifiers and \
            not word.startswith(("ukrain", "russia", "укр", "рос", "рус"))

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


# regions and big cities of Russia, and words only Russia's places take (край, Подмосковье)
_RUSSIA = re.compile(
    r"\b(?:курск|белгород|брянск|подмосков|московск|ленинградск|ростовск|воронеж|липецк|орловск|тульск|"
    r"калужск|смоленск|рязанск|тамбов|саратов|волгоград|краснодар|кубан|ставропол|дагестан|чечн|"
    r"екатеринбург|петербург|махачкал|калининград|сочи|казан|новосибирск|красноярск|челябинск|"
    r"нижегородск|самарск|свердловск|татарстан|башкир|краснодарск|приморск\w* кра|"
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


def _abbreviation(text: str, dot: int) -> bool:
    """A full stop after a short lower-case word (с., н.п., пос., обл.) ends no sentence."""
    if dot >= len(text) or text[dot] != ".":
        return False
    k = dot
    while k > 0 and text[k - 1].isalpha():
        k -= 1
    word = text[k:dot]
    return 0 < len(word) <= 3 and word.islower()
