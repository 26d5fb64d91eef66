"""Search of stored posts that finds a word in any grammatical form.

Analysts type a word the way they would say it (`Изюм`, `отступили`, `withdrawal`) and
expect every form of it. A run of query words that names a place searches the place
itself — the place ids indexed with each post — so `Изюм` finds `в Изюме`, `Ізюмі` and
`Izyum`, and not raisins, because the detector already told those apart. Any other word
is folded the way the index was folded, cut to its stem and searched as a prefix, so
`отступили` also finds `отступление`.

Snippets come from the original text, never the folded one: the team reads what the
channel wrote, with the words that made the post match highlighted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.channels import Channel
from bot.detect.model import merge_spans
from bot.detect import Detector
from bot.detect.normalize import fold
from bot.render import SIDE_LABEL, excerpt_pieces, esc, link, local_time
from bot.store import Store, StoredPost
from bot.store.db import place_token

# A query or post word: letters and digits, with the apostrophes, hyphens and invisible
# characters that real posts put inside names (`Куп'янськ`, `Купянск-Узловой`).
_TOKEN = re.compile(r"\w(?:[\w'’ʼ`\u00ad\u200b\u200c\u200d\u2060-]*\w)?", re.UNICODE)
_ALNUM_RUN = re.compile(r"[^\W_]+", re.UNICODE)
_MAX_PLACE_WORDS = 4
_POSSESSIVE = re.compile(r"['’ʼ`]s$", re.I)

# Words that carry no meaning on their own; AND-ing them would only drop good results.
STOPWORDS = frozenset("""
в во на под над за из изо с со к ко у о об от до по при про для без через и а но или что как это
не ни же ли бы то так уже ещё еще все всё его ее её их они он она мы вы я
у в з із зі до на під над за від про для без через і й та але чи що як це не ні же би вже все їх
вони він вона ми ви я біля поблизу коло
the a an of in on at to from for by with near and or but not is are was were be been
""".split())

_RU_UK_ENDINGS = tuple(sorted({
    # nouns and adjectives, Russian
    "иями", "ями", "ами", "ией", "иям", "иях", "ием", "ого", "его", "ому", "ему", "ыми", "ими",
    "ая", "яя", "ое", "ее", "ые", "ие", "ый", "ий", "ой", "ей", "ую", "юю", "ом", "ем", "ам", "ям",
    "ах", "ях", "ов", "ев", "ью", "ия", "ии", "ию",
    # verbs, Russian
    "ившись", "авшись", "ились", "ались", "ялись", "ылись", "ется", "ются", "ится", "ятся",
    "ился", "ался", "ялся", "илась", "алась", "илось", "алось", "ила", "ала", "яла", "ыла",
    "или", "али", "яли", "ыли", "ило", "ало", "ить", "ать", "ять", "еть", "ут", "ют", "ат", "ят",
    "ет", "ит", "им", "ешь", "ишь", "ете", "ите", "ив", "ав", "ивший", "авший",
    # nouns and adjectives, Ukrainian
    "ові", "еві", "єві", "ою", "ею", "єю", "ів", "їв", "ій", "ім", "их",
    "ої", "а", "я", "і", "ї", "и", "у", "ю", "о", "е", "є", "ь", "й", "ы",
    # verbs, Ukrainian
    "илися", "ися", "ати", "ити", "яти", "іти", "ують", "юють", "ають",
    "ают", "яют", "уют", "ует", "ает", "яет", "ла", "ли", "ло", "ся", "сь",
}, key=len, reverse=True))
_EN_ENDINGS = ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "'s", "’s", "s", "ly", "e", "y")


def _is_latin(word: str) -> bool:
    return all("a" <= ch <= "z" or ch.isdigit() or ch in "'’" for ch in word)


def stem(word: str) -> str:
    """Strip inflection so a prefix search covers every form; keep enough letters to stay specific.

    A stem shorter than four letters (three for English) would match half the
    vocabulary, so short words are searched whole.
    """
    if _is_latin(word):
        for ending in _EN_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                return word[: -len(ending)]
        return word
    base = word
    for reflexive in ("ся", "сь"):
        if base.endswith(reflexive) and len(base) - 2 >= 4:
            base = base[:-2]
            break
    for ending in _RU_UK_ENDINGS:
        if base.endswith(ending) and len(base) - len(ending) >= 4:
            base = base[: -len(ending)]
            break
    return base


def _plain(text: str) -> str:
    """What FTS5's `remove_diacritics 2` sees, so highlighting agrees with what matched.

    SQLite strips accents from Latin letters only (`é` is `e`, but `й` stays `й`).
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if unicodedata.combining(ch) and out and out[-1] < "\u0250":
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


@dataclass(frozen=True, slots=True)
class SearchQuery:
    match: str
    places: tuple[str, ...]
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    stored: StoredPost
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: SearchQuery | None
    hits: tuple[SearchHit, ...]
    more: bool


def _fts_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _word_terms(token: str) -> list[str]:
    """Folded alphanumeric pieces of one query word, each cut to its stem.

    A one-letter piece left by an apostrophe (`d'`, `'s`) would match every word
    starting with that letter, so it is dropped when the word has a real piece.
    """
    pieces = [p for p in _ALNUM_RUN.findall(fold(token).lower()) if p]
    long_pieces = [p for p in pieces if len(p) > 1]
    return [stem(p) for p in (long_pieces or pieces)]


def _without_possessive(token: str) -> str:
    return _POSSESSIVE.sub("", token)


def build_query(query: str, detector: Detector) -> SearchQuery | None:
    """The FTS5 MATCH expression for a query; None when it holds nothing to search for.

    The longest run of words that names a place wins, so `Великий Бурлук` is one place
    rather than two words.
    """
    tokens = [_without_possessive(t) for t in _TOKEN.findall(query)]
    content = [t for t in tokens if fold(t).lower() not in STOPWORDS] or tokens
    places: list[str] = []
    words: list[str] = []
    i = 0
    while i < len(content):
        for n in range(min(_MAX_PLACE_WORDS, len(content) - i), 0, -1):
            place = detector.resolve_place(" ".join(content[i:i + n]))
            if place is not None:
                if place not in places:
                    places.append(place)
                i += n
                break
        else:
            for term in _word_terms(content[i]):
                if term not in words:
                    words.append(term)
            i += 1
    if not places and not words:
        return None
    terms = [f"places : {_fts_string(place_token(p))}" for p in places]
    terms += [f"text : {_fts_string(w)}*" for w in words]
    return SearchQuery(match=" AND ".join(terms), places=tuple(places), words=tuple(words))


def match_spans(text: str, built: SearchQuery, detector: Detector) -> tuple[tuple[int, int], ...]:
    """Where in the original text the query matched: the detector's place spans and the stemmed words."""
    spans: list[tuple[int, int]] = []
    if built.places:
        wanted = set(built.places)
        spans += [(m.start, m.end) for hit in detector.detect(text).places if hit.place_id in wanted
                  for m in hit.matches]
    if built.words:
        prefixes = tuple(_plain(w) for w in built.words)
        for token in _TOKEN.finditer(text):
            pieces = [_plain(p) for p in _ALNUM_RUN.findall(fold(token.group()).lower())]
            if any(piece.startswith(prefixes) for piece in pieces):
                spans.append(token.span())
    return tuple(merge_spans(spans))


async def run_search(store: Store, detector: Detector, query: str, *, limit: int = 10,
                     offset: int = 0) -> SearchResult:
    """Newest matches first; one extra row is read to know whether more exist."""
    built = build_query(query, detector)
    if built is None:
        return SearchResult(None, (), False)
    rows = await store.search_posts(built.match, limit=limit + 1, offset=offset)
    hits = tuple(SearchHit(sp, match_spans(sp.post.text, built, detector)) for sp in rows[:limit])
    return SearchResult(built, hits, len(rows) > limit)


def snippet_html(text: str, spans: tuple[tuple[int, int], ...], width: int = 240) -> str:
    """A one-paragraph window of the original text around the first match, highlights in bold."""
    flat = re.sub(r"\s", " ", text)  # same length, so spans still point at the right letters
    return "".join(f"<b>{esc(piece)}</b>" if hi else esc(piece)
                   for piece, hi in excerpt_pieces(flat, spans, width))


def describe_query(built: SearchQuery, detector: Detector) -> str:
    parts = [f"place {detector.place(p).en}" for p in built.places]
    parts += [f"{w}…" for w in built.words]
    return " + ".join(parts)


def result_blocks(result: SearchResult, detector: Detector, channels: Mapping[int, Channel], tz: str,
                  *, width: int = 240) -> Iterable[str]:
    """One HTML block per hit: when, where, a highlighted snippet and the link."""
    for n, hit in enumerate(result.hits, start=1):
        post = hit.stored.post
        channel = channels.get(post.channel_id)
        name = (channel.name if channel else None) or post.channel_title or post.channel_username \
            or str(post.channel_id)
        side = SIDE_LABEL.get(channel.side, channel.side) if channel else SIDE_LABEL["other"]
        deleted = " · 🗑 deleted" if hit.stored.deleted_at else ""
        yield (f"{n}. {esc(local_time(post.date, tz))} · {link(post.link, name)} ({esc(side)}){deleted}\n"
               f"{snippet_html(post.text, hit.spans, width)}")
