"""Search of stored posts that finds a word in any grammatical form.

A query word that names a place searches the place (every spelling and case the
detector knows, through the place ids indexed with each post); any other word is cut
to its stem and searched as a prefix in the folded text, so `отступили` also finds
`отступление`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.detect import Detector
from bot.detect.normalize import fold
from bot.store import Store, StoredPost
from bot.store.db import place_token

_WORD = re.compile(r"\w+", re.UNICODE)
_ENDINGS = sorted({
    # Russian and Ukrainian noun, adjective and verb endings, longest first
    "ами", "ями", "ого", "ому", "ему", "ими", "ыми", "ых", "их", "ой", "ей", "ий", "ый", "ая", "яя", "ое", "ее",
    "ую", "юю", "ом", "ем", "ам", "ям", "ах", "ях", "ов", "ев", "ів", "ою", "ею", "ові", "еві", "ами", "ять",
    "ать", "ить", "ети", "ити", "ати", "ают", "яют", "уют", "или", "али", "ыли", "ла", "ли", "ло", "ть", "ся",
    "сь", "ться", "лись", "лися", "а", "я", "о", "е", "и", "ы", "у", "ю", "і", "ї", "є", "ь", "й",
    # English
    "'s", "ing", "ed", "es", "s",
}, key=len, reverse=True)


def stem(word: str) -> str:
    """Crude suffix stripping that keeps at least four letters: enough for a prefix search."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


@dataclass(frozen=True, slots=True)
class SearchQuery:
    match: str
    places: tuple[str, ...]
    words: tuple[str, ...]


def build_query(query: str, detector: Detector) -> SearchQuery | None:
    """FTS5 MATCH expression; None when the query has no searchable word."""
    terms: list[str] = []
    places: list[str] = []
    words: list[str] = []
    whole = detector.resolve_place(query.strip())
    if whole is not None:
        return SearchQuery(match=f'places : "{place_token(whole)}"', places=(whole,), words=())
    for raw in _WORD.findall(query):
        place = detector.resolve_place(raw)
        if place is not None:
            places.append(place)
            terms.append(f'places : "{place_token(place)}"')
            continue
        folded = fold(raw)
        folded = "".join(ch for ch in folded if ch.isalnum())
        if not folded:
            continue
        base = stem(folded)
        words.append(base)
        terms.append(f'text : "{base}"*')
    if not terms:
        return None
    return SearchQuery(match=" AND ".join(terms), places=tuple(places), words=tuple(words))


async def search_posts(store: Store, detector: Detector, query: str, *, limit: int = 10,
                       offset: int = 0) -> tuple[SearchQuery | None, list[StoredPost]]:
    built = build_query(query, detector)
    if built is None:
        return None, []
    rows = await store.search(built.match, limit=limit, offset=offset)
    return built, [sp for sp, _ in rows]


def snippet(stored: StoredPost, built: SearchQuery, detector: Detector, width: int = 220) -> tuple[str, list[tuple[int, int]]]:
    """A window of the original text with the spans that made it match."""
    text = stored.post.text
    spans: list[tuple[int, int]] = []
    if built.places:
        detection = detector.detect(text)
        spans += [(m.start, m.end) for h in detection.places if h.place_id in built.places for m in h.matches]
    if built.words:
        folded = fold(text)
        if len(folded) == len(text):
            for word in built.words:
                for m in re.finditer(rf"\b{re.escape(word)}\w*", folded):
                    spans.append((m.start(), m.end()))
    spans.sort()
    return text, spans[:20]
