"""The shipped settlement gazetteer in memory: every settlement, the areas above it, and
every form of every name, read once a process.

The file is the finished index that scripts/build_gazetteer.py writes (inflecting half a
million forms takes half a minute), so loading is parsing; the product never reads
../shared at run time.
"""

from __future__ import annotations

import gzip
import json
from array import array
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain, repeat
from pathlib import Path
from typing import NamedTuple

from bot.detect.inflect import inflect
from bot.detect.model import Place
from bot.detect.normalize import APOSTROPHES, words

DATA = Path(__file__).with_name("data") / "settlements.tsv.gz"

_KIND = {"M": "city", "K": "city", "X": "town", "C": "village"}
_OBLAST_NOUNS = frozenset({"область", "области", "областью", "областей", "областям", "областях", "обл", "області",
                           "областю", "oblast", "oblasts", "region", "regions", "province"})
_RAION_NOUNS = frozenset({"район", "района", "районе", "району", "районом", "районі", "районах", "районов",
                          "районів", "р", "district", "districts", "raion", "rayon"})
_HROMADA_NOUNS = frozenset({"громада", "громади", "громаді", "громаду", "громадою", "громад", "громады", "громаде",
                            "громадой", "громадах", "громадам", "община", "общины",
                            "общине", "общину", "общиной", "hromada", "community", "territorial"})
_KEY_LETTERS = 5


class Settlement(NamedTuple):
    """One settlement; a named tuple, not a frozen dataclass, because every start builds
    29,707 of them and a frozen dataclass's constructor took three times as long."""

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
                        sid, code, category, oblast, raion, hromada, uk, ru.partition("|")[0] or uk,
                        en.partition("|")[0] or uk, _split(former), float(lat) if lat else None,
                        float(lon) if lon else None, also))
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
            # each group's settlement numbers, spaced, groups between commas: read as JSON,
            # which parses the 125,000 groups in C
            members = list(map(tuple, json.loads("[[" + columns["M"].replace(",", "],[").replace(" ", ",") + "]]")))
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
        # the forms in file order, where each group's are a run: a group's forms are a slice
        self._form_list = generated
        self._form_starts = array("q", accumulate(counts, initial=0))

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

    def group_forms(self, gid: int) -> list[str]:
        return self._form_list[self._form_starts[gid]:self._form_starts[gid + 1]]

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
