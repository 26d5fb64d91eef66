"""Build the shipped settlement gazetteer from the state codifier and GeoNames.

Reads ../shared/gazetteer/ (KATOTTG of 16 May 2025, GeoNames coordinates), ../shared/eval/
places.tsv (the short ids) and the project's own tables in gazetteer/ (renamed places,
Russian names in use, common-word names); writes bot/detect/data/settlements.tsv.gz,
which is all the product reads at run time. Run it with `make gazetteer`.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.detect.names import (  # noqa: E402
    adjectives_of_russian_names,
    english_names,
    national_romanisation,
    russian_adjectives,
    russian_names,
)
from bot.detect.inflect import adjective_forms, inflect  # noqa: E402
from bot.detect.normalize import words  # noqa: E402
from bot.detect.settlements import SettlementBook, name_forms  # noqa: E402

# KATOTTG oblast code → slug (as in places.tsv), Russian adjective, English name, the
# region words in -щина (uk | ru), and GeoNames' region name.
OBLASTS = {
    "UA01": ("crimea", "Крымская", "Crimea", "Крим", "Крым", "Crimea"),
    "UA05": ("vinnytsia", "Винницкая", "Vinnytsia", "Вінниччина", "Винничина", "Vinnytsia"),
    "UA07": ("volyn", "Волынская", "Volyn", "Волинь", "Волынь", "Volyn"),
    "UA12": ("dnipropetrovsk", "Днепропетровская", "Dnipropetrovsk", "Дніпропетровщина", "Днепропетровщина",
             "Dnipropetrovsk"),
    "UA14": ("donetsk", "Донецкая", "Donetsk", "Донеччина", "Донетчина", "Donetsk"),
    "UA18": ("zhytomyr", "Житомирская", "Zhytomyr", "Житомирщина", "Житомирщина", "Zhytomyr"),
    "UA21": ("zakarpattia", "Закарпатская", "Zakarpattia", "Закарпаття", "Закарпатье", "Transcarpathia"),
    "UA23": ("zaporizhzhia", "Запорожская", "Zaporizhzhia", "Запоріжжя", "Запорожье", "Zaporizhzhia"),
    "UA26": ("ivano-frankivsk", "Ивано-Франковская", "Ivano-Frankivsk", "Прикарпаття", "Прикарпатье",
             "Ivano-Frankivsk"),
    "UA32": ("kyiv", "Киевская", "Kyiv", "Київщина", "Киевщина", "Kiev"),
    "UA35": ("kirovohrad", "Кировоградская", "Kirovohrad", "Кіровоградщина", "Кировоградщина", "Kirovohrad"),
    "UA44": ("luhansk", "Луганская", "Luhansk", "Луганщина", "Луганщина", "Luhansk"),
    "UA46": ("lviv", "Львовская", "Lviv", "Львівщина", "Львовщина", "Lviv"),
    "UA48": ("mykolaiv", "Николаевская", "Mykolaiv", "Миколаївщина", "Николаевщина", "Mykolaiv"),
    "UA51": ("odesa", "Одесская", "Odesa", "Одещина", "Одесщина", "Odessa"),
    "UA53": ("poltava", "Полтавская", "Poltava", "Полтавщина", "Полтавщина", "Poltava"),
    "UA56": ("rivne", "Ровенская", "Rivne", "Рівненщина", "Ровенщина", "Rivne"),
    "UA59": ("sumy", "Сумская", "Sumy", "Сумщина", "Сумщина", "Sumy"),
    "UA61": ("ternopil", "Тернопольская", "Ternopil", "Тернопільщина", "Тернопольщина", "Ternopil"),
    "UA63": ("kharkiv", "Харьковская", "Kharkiv", "Харківщина", "Харьковщина", "Kharkivs’ka Oblast’"),
    "UA65": ("kherson", "Херсонская", "Kherson", "Херсонщина", "Херсонщина", "Kherson"),
    "UA68": ("khmelnytskyi", "Хмельницкая", "Khmelnytskyi", "Хмельниччина", "Хмельнитчина", "Khmelnytskyi"),
    "UA71": ("cherkasy", "Черкасская", "Cherkasy", "Черкащина", "Черкасщина", "Cherkasy"),
    "UA73": ("chernivtsi", "Черновицкая", "Chernivtsi", "Буковина", "Буковина", "Chernivtsi"),
    "UA74": ("chernihiv", "Черниговская", "Chernihiv", "Чернігівщина", "Черниговщина", "Chernihiv"),
    "UA80": ("kyiv-city", "", "Kyiv", "", "", "Kyiv City"),
    "UA85": ("sevastopol", "", "Sevastopol", "", "", "Sevastopol City"),
}
# Other words a post uses for an oblast, which say where a homonym lies without being a
# mention of the oblast: the occupation's names that Russian reports put after every
# village they claim ("Романовка в ДНР"; they do not decline). Not Donbas, which names a
# stadium and a football club as often as the two oblasts.
REGION_WORDS = {
    "UA14": (("ДНР", ""), ("DPR", "")),
    "UA44": (("ЛНР", ""), ("LPR", "")),
}
SETTLEMENT_CATEGORIES = "MXCK"
PLACES_KINDS = ("city", "town", "village")


def fold(name: str) -> str:
    return name.strip().replace("’", "'").replace("ʼ", "'")


def latin_key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalpha())


@dataclass(eq=False)
class Settlement:
    code: str
    category: str
    parent: str           # hromada code; the oblast code for Kyiv and Sevastopol
    oblast: str
    raion: str
    uk: str
    id: str = ""
    former: list[str] = field(default_factory=list)
    ru: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)
    lat: str = ""
    lon: str = ""
    common: str = ""      # "common" (gazetteer/common_words.txt), "word", "person" or "elsewhere"
    ru_in_use: list[str] = field(default_factory=list)   # places.tsv's and russian.tsv's, not generated


class WordKinds:
    """Which settlement names are also words, first names or well-known places elsewhere,
    by the Russian and Ukrainian dictionaries of pymorphy3 (used here only, at build time).

    A village called Мирне, Спірне or Шахтар is an everyday word; Олег and Максим are
    first names; Китай, Берлин, Оскол are places abroad or rivers that Ukrainian villages
    share a name with. Detection asks more of such a name before it counts (README,
    Settlements: names that are common words count only where used as a place).
    """

    def __init__(self) -> None:
        try:
            import pymorphy3
        except ImportError:
            raise SystemExit("the gazetteer build needs pymorphy3 and its dictionaries: "
                             ".venv/bin/pip install -e '.[gazetteer]' (make gazetteer does this)") from None
        self.ru = pymorphy3.MorphAnalyzer(lang="ru")
        self.uk = pymorphy3.MorphAnalyzer(lang="uk")

    def kind(self, s: Settlement) -> str:
        if " " in s.uk or "-" in s.uk:
            return ""
        uk = s.uk.lower().replace("'", "")
        if self.uk.word_is_known(uk):
            tag = self.uk.parse(uk)[0].tag
            if {"Name", "Surn", "Patr"} & set(tag.grammemes):
                return "person"
            if tag.POS in ("ADJF", "ADJS") and s.category in "CX":
                return "word"
        for ru in s.ru[:4]:
            word = ru.lower().replace("ё", "е")
            if " " in word or "-" in word or not self.ru.word_is_known(word):
                continue
            parses = [p for p in self.ru.parse(word) if p.tag.case == "nomn" or p.tag.POS in ("ADJF", "ADJS")]
            if not parses:
                continue
            grammemes = set(parses[0].tag.grammemes)
            if {"Name", "Surn", "Patr"} & grammemes:
                return "person"
            if "Geox" in grammemes:
                return "elsewhere" if s.category in "CX" else ""
            return "word" if s.category in "CX" else ""
        return ""


def read_table(path: Path) -> list[list[str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if number and cells[0] in ("oblast", "name"):
            continue
        rows.append(cells)
    return rows


def masculine(adjective: str) -> str:
    """Hromada names are feminine adjectives (Очеретинська); rules read the masculine."""
    adjective = fold(adjective)
    if adjective.endswith("а"):
        return adjective[:-1] + "ий"
    if adjective.endswith("я"):
        return adjective[:-1] + "ій"
    return adjective


def name_index(settlements: list[Settlement]):
    """Names grouped with the settlements that bear them, each with every case form."""
    by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, s in enumerate(settlements):
        for lang, names in (("uk", (s.uk, *s.former)), ("ru", s.ru), ("en", s.en)):
            for name in names:
                members = by_name[(lang, name)]
                if not members or members[-1] != index:
                    members.append(index)
    groups: list[tuple[str, list[int], list[str]]] = []
    owners: dict[str, list[int]] = defaultdict(list)
    first_words: dict[str, int] = {}
    for (lang, name), members in by_name.items():
        forms = name_forms(name, lang)
        gid = len(groups)
        groups.append((f"{lang} {name}", members, forms))
        for form in forms:
            owners[form].append(gid)
            if " " in form:
                head = form.partition(" ")[0]
                first_words[head] = max(first_words.get(head, 1), form.count(" ") + 1)
    # A form that several names give (uk and ru "Бахмут", or two names' over-generated
    # readings) moves to a group of its own whose members are all their settlements, so
    # that every form has exactly one group.
    merged: dict[tuple[int, ...], int] = {}
    for form, gids in owners.items():
        if len(gids) == 1:
            continue
        for gid in gids:
            groups[gid][2].remove(form)
        key = tuple(gids)
        if key not in merged:
            merged[key] = len(groups)
            members = sorted({m for gid in gids for m in groups[gid][1]})
            groups.append((groups[gids[0]][0], members, []))
        groups[merged[key]][2].append(form)
    return groups, first_words


def centre_adjectives(adjective: str, centres: list[Settlement]) -> set[str]:
    """Russian adjectives of an area from the Russian name in use of the town it is named
    after (Волчанской громады, Харьковского района), where the rules give another."""
    out: set[str] = set()
    for centre in centres:
        for ru in adjectives_of_russian_names(adjective, centre.uk, tuple(centre.ru_in_use)):
            out |= set(adjective_forms(words(ru)[0], "ru"))
    return out


def area_centres(settlements: list[Settlement], areas: dict[str, tuple[str, str]], key: str
                 ) -> dict[str, list[Settlement]]:
    """The town (else village) each raion or hromada is named after: the longest shared
    beginning of names, at least three letters."""
    centres: dict[str, list[Settlement]] = defaultdict(list)
    best: dict[str, tuple[int, int]] = {}
    for s in settlements:
        code = getattr(s, key)
        if code not in areas:
            continue
        rank = (len(os.path.commonprefix([s.uk, areas[code][1]])), "CXMK".index(s.category))
        if rank[0] < 3 or rank < best.get(code, (0, 0)):
            continue
        if rank > best.get(code, (0, 0)):
            best[code] = rank
            centres[code] = []
        centres[code].append(s)
    return centres


def _gzip_text(path: Path, mode: str) -> io.TextIOWrapper:
    """A gzip member with no time stamp, so that the same sources give the same bytes."""
    return io.TextIOWrapper(gzip.GzipFile(path, mode, compresslevel=9, mtime=0), encoding="utf-8")


def qualifier_rows(oblasts, raions, hromadas, centres, hromada_centres):
    """Forms that name an area: adjectives (with a noun after them at run time) and the
    region words (Харківщина)."""
    rows: list[tuple[str, int, list[str]]] = []
    oblast_codes = list(oblasts) + ["UA80000000000093317", "UA85000000000065278"]
    for index, code in enumerate(oblast_codes):
        slug, ru_adj, en, region_uk, region_ru, _ = OBLASTS[code[:4]]
        name = oblasts.get(code, "")
        forms: set[str] = set()
        if name and " " not in name:
            forms |= set(adjective_forms(words(masculine(name))[0], "uk"))
        if ru_adj:
            forms |= set(adjective_forms(words(ru_adj[:-2] + "ий")[0], "ru"))
        if forms:
            rows.append(("oblast", index, sorted(forms)))
        regions = {" ".join(f) for region, lang in ((region_uk, "uk"), (region_ru, "ru"),
                                                    *REGION_WORDS.get(code[:4], ())) if region
                   for f in inflect(words(region), lang)}
        if regions:
            rows.append(("region", index, sorted(regions)))
        if en:
            rows.append(("oblast-en", index, [" ".join(words(en))]))
    for index, (_code, (_parent, name)) in enumerate(raions.items()):
        forms = set(adjective_forms(words(name)[0], "uk"))
        for ru in russian_adjectives(name):
            forms |= set(adjective_forms(words(ru)[0], "ru"))
        forms |= centre_adjectives(name, centres.get(_code, []))
        rows.append(("raion", index, sorted(forms)))
        centre = sorted(centres.get(_code, []), key=lambda s: "MX".index(s.category))[:1]
        english = {" ".join(words(e)) for c in centre for e in c.en[:3] if len(words(e)) == 1}
        if english:
            rows.append(("raion-en", index, sorted(english)))
    for index, (code, (_parent, name)) in enumerate(hromadas.items()):
        adjective = masculine(name)
        tokens = words(adjective)
        if len(tokens) != 1:
            continue
        forms = set(adjective_forms(tokens[0], "uk"))
        for ru in russian_adjectives(adjective):
            forms |= set(adjective_forms(words(ru)[0], "ru"))
        forms |= centre_adjectives(adjective, hromada_centres.get(code, []))
        # "Vovchansk hromada", "Dobropillia hromada" (Добропільська of Добропілля): the town's
        # one-word English names, where it bears the whole name but its last letters
        forms |= {" ".join(words(e)) for c in hromada_centres.get(code, [])
                  if len(os.path.commonprefix([c.uk, name])) >= len(c.uk) - 2 for e in c.en[:3] if len(words(e)) == 1}
        rows.append(("hromada", index, sorted(forms)))
    return rows


def build(shared: Path, places_tsv: Path, tables: Path, out: Path) -> dict[str, int]:
    oblasts: dict[str, str] = {}
    raions: dict[str, tuple[str, str]] = {}
    hromadas: dict[str, tuple[str, str]] = {}
    settlements: list[Settlement] = []
    with (shared / "katottg-2025-05-16.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        for line, row in enumerate(reader, start=2):
            if len(row) != 7:
                raise SystemExit(f"katottg-2025-05-16.csv line {line}: expected 7 columns, got {len(row)}")
            level1, level2, level3, level4, _extra, category, name = row
            name = fold(name)
            if category == "O":
                oblasts[level1] = name
            elif category == "P":
                raions[level2] = (level1, name)
            elif category == "H":
                hromadas[level3] = (level2, name)
            elif category == "K":
                settlements.append(Settlement(level1, category, level1, level1, "", name))
            elif category in SETTLEMENT_CATEGORIES:
                settlements.append(Settlement(level4, category, level3, level1, level2, name))

    by_oblast_name: dict[tuple[str, str], list[Settlement]] = defaultdict(list)
    for s in settlements:
        by_oblast_name[(s.oblast[:4], s.uk)].append(s)
    slug_to_code = {v[0]: k for k, v in OBLASTS.items()}

    def find(oblast_slug: str, name: str, hromada: str = "") -> Settlement | None:
        code = slug_to_code.get(oblast_slug)
        candidates = by_oblast_name.get((code, fold(name)), []) if code else []
        if hromada:
            candidates = [c for c in candidates if c.parent in hromadas and hromadas[c.parent][1] == hromada]
        if oblast_slug == "kyiv" and not candidates:
            candidates = by_oblast_name.get(("UA80", fold(name)), [])
        candidates = sorted(candidates, key=lambda s: "KMXC".index(s.category))
        return candidates[0] if candidates else None

    for row in read_table(tables / "renamed.tsv"):
        oblast_slug, name, former = row[:3]
        found = find(oblast_slug, name, row[3] if len(row) > 3 else "")
        if found is None:
            raise SystemExit(f"gazetteer/renamed.tsv: {name} ({oblast_slug}) is not in the codifier")
        found.former += [fold(f) for f in former.split("|") if f.strip()]

    by_former = {(s.oblast[:4], f): s for s in settlements for f in s.former}
    capitals = {s.uk: s for s in settlements if s.category == "K"}
    matched_ids = 0
    with places_tsv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["country"] != "UA" or row["kind"] not in PLACES_KINDS:
                continue
            found = find(row["oblast"], row["uk"]) or capitals.get(fold(row["uk"])) \
                or by_former.get((slug_to_code.get(row["oblast"]), fold(row["uk"])))
            if found is None:
                print(f"places.tsv: {row['id']} ({row['uk']}, {row['oblast']}) not found in the codifier",
                      file=sys.stderr)
                continue
            found.id = row["id"]
            found.ru_in_use.append(row["ru"])
            matched_ids += 1

    exceptions = {fold(row[0]): (row[1].split("|"), row[2].split("|") if len(row) > 2 else [])
                  for row in read_table(tables / "russian.tsv")}
    common = {fold(line) for line in (tables / "common_words.txt").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")}
    elsewhere = {fold(line) for line in (tables / "elsewhere.txt").read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.startswith("#")}
    words_of = WordKinds()
    for s in settlements:
        extra_ru, extra_en = exceptions.get(s.uk, ([], []))
        s.ru_in_use += extra_ru
        ru = [*extra_ru, *russian_names(s.uk)]
        for former in s.former:
            ru += [*exceptions.get(former, ([], []))[0], *russian_names(former)]
        s.ru = list(dict.fromkeys(ru))
        en = [*extra_en, *english_names(s.uk, tuple(r for r in ru if r not in extra_ru) or tuple(ru))]
        en += [e for r in extra_ru for e in english_names(s.uk, (r,))[1:]]
        for former in s.former:
            en += [*exceptions.get(former, ([], []))[1], *english_names(former, russian_names(former))]
        s.en = list(dict.fromkeys(en))
        s.common = "common" if s.uk in common else "elsewhere" if s.uk in elsewhere else words_of.kind(s)

    coordinates = 0
    by_latin: dict[tuple[str, str], list[Settlement]] = defaultdict(list)
    for s in settlements:
        for name in (national_romanisation(s.uk), *s.en):
            by_latin[(s.oblast[:4], latin_key(name))].append(s)
    region_code = {v[5]: k for k, v in OBLASTS.items()}
    with (shared / "geonames-ua.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            code = region_code.get(row["region"])
            if code is None:
                continue
            candidates = list(dict.fromkeys(by_latin.get((code, latin_key(row["name"])), [])))
            candidates = [c for c in candidates if not c.lat]
            if not candidates:
                continue
            candidates.sort(key=lambda s: "KMXC".index(s.category))
            best = candidates[0]
            if len(candidates) > 1 and candidates[1].category == best.category:
                continue
            best.lat, best.lon = row["latitude"], row["longitude"]
            coordinates += 1

    # the town a raion is named after (Покровський: Покровськ), for "Pokrovsk district"
    centres: dict[str, list[Settlement]] = defaultdict(list)
    best: dict[str, int] = {}
    for s in settlements:
        if s.category in "MX" and s.raion in raions:
            shared = len(os.path.commonprefix([s.uk, raions[s.raion][1]]))
            if shared < 3 or shared < best.get(s.raion, 0):
                continue
            if shared > best.get(s.raion, 0):
                best[s.raion] = shared
                centres[s.raion] = []
            centres[s.raion].append(s)

    groups, first_words = name_index(settlements)
    qualifiers = qualifier_rows(oblasts, raions, hromadas, centres, area_centres(settlements, hromadas, "parent"))
    out.parent.mkdir(parents=True, exist_ok=True)
    with _gzip_text(out, "wb") as handle:
        handle.write("# frontwatch settlements, built by scripts/build_gazetteer.py from KATOTTG 2025-05-16 and "
                     "GeoNames (CC BY 4.0). O oblast, P raion, H hromada, S settlement, G names, M the settlements "
                     "that bear each, N its count of forms, F the forms, W the length of names by first word, "
                     "Q forms of area adjectives, K and C the keys of the automata\n")
        for code, name in oblasts.items():
            handle.write("\t".join(("O", code, OBLASTS[code[:4]][0], name)) + "\n")
        for code in ("UA80000000000093317", "UA85000000000065278"):
            handle.write("\t".join(("O", code, OBLASTS[code[:4]][0], "")) + "\n")
        for code, (parent, name) in raions.items():
            handle.write("\t".join(("P", code, parent, name)) + "\n")
        for code, (parent, name) in hromadas.items():
            handle.write("\t".join(("H", code, parent, masculine(name))) + "\n")
        for s in settlements:
            handle.write("\t".join(("S", s.id or s.code, s.code, s.category, s.parent, s.uk, "|".join(s.former),
                                    "|".join(s.ru), "|".join(s.en), s.lat, s.lon, s.common or ""))
                         + "\n")
        # the forms as three long rows, so that loading them is a few C-level calls
        handle.write("G\t" + "|".join(label for label, _, _ in groups) + "\n")
        handle.write("M\t" + ",".join(" ".join(map(str, members)) for _, members, _ in groups) + "\n")
        handle.write("N\t" + " ".join(str(len(forms)) for _, _, forms in groups) + "\n")
        handle.write("F\t" + "|".join(form for _, _, forms in groups for form in forms) + "\n")
        for word, length in sorted(first_words.items()):
            handle.write(f"W\t{word}\t{length}\n")
        for kind, index, forms in qualifiers:
            handle.write("\t".join(("Q", kind, str(index), "|".join(forms))) + "\n")
    # the automata's keys, derived from what was just written, appended as a second member
    book = SettlementBook(out)
    with _gzip_text(out, "ab") as handle:
        handle.write("K\t" + "|".join(book.keys()) + "\n")
        handle.write("C\t" + "|".join(book.capital_keys()) + "\n")
    return {"settlements": len(settlements), "places.tsv ids": matched_ids, "with coordinates": coordinates,
            "raions": len(raions), "hromadas": len(hromadas)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                        help="the shared data folder (default: ../shared)")
    parser.add_argument("--out", type=Path, default=ROOT / "bot" / "detect" / "data" / "settlements.tsv.gz",
                        help="where to write the gazetteer")
    args = parser.parse_args()
    for needed in (args.shared / "gazetteer" / "katottg-2025-05-16.csv", args.shared / "gazetteer" / "geonames-ua.tsv",
                   args.shared / "eval" / "places.tsv"):
        if not needed.is_file():
            raise SystemExit(f"missing input file: {needed}")
    counts = build(args.shared / "gazetteer", args.shared / "eval" / "places.tsv", ROOT / "gazetteer", args.out)
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: "
          + ", ".join(f"{v:,} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
