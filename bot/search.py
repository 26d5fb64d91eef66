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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TYPE_CHECKING

from bot.channels import Channel
from bot.detect.model import merge_spans
from bot.detect.normalize import fold
from bot.render import SIDE_LABEL, excerpt_pieces, esc, link, local_time
from bot.store import StoredPost
from bot.store.db import place_token
from bot.store.fulltext import plain

if TYPE_CHECKING:
    from bot.detect import Detector

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


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """Places and word stems go to the store's full-text index (`Store.match_clause`), topics to its topic rows."""

    places: tuple[str, ...]
    words: tuple[str, ...]
    topics: tuple[str, ...] = ()


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
    """The places, word stems and topics of a query; None when it holds nothing to search for.

    The longest run of words that names a place wins, so `Великий Бурлук` is one place
    rather than two words. A word that names a topic (`отступили`, `відступ`,
    `withdrawal`) asks for posts the detector put under that topic, not for its letters,
    so a text indent or a digression is not a retreat.
    """
    tokens = [_without_possessive(t) for t in _TOKEN.findall(query)]
    content = [t for t in tokens if fold(t).lower() not in STOPWORDS] or tokens
    places: list[str] = []
    words: list[str] = []
    topics: list[str] = []
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
            topic = detector.topic_of_word(content[i])
            if topic is not None:
                if topic not in topics:
                    topics.append(topic)
                i += 1
                continue
            for term in _word_terms(content[i]):
                if term not in words:
                    words.append(term)
            i += 1
    if not places and not words and not topics:
        return None
    return SearchQuery(places=tuple(places), words=tuple(words), topics=tuple(topics))


def match_spans(text: str, built: SearchQuery, detector: Detector) -> tuple[tuple[int, int], ...]:
    """Where in the original text the query matched: the detector's place and topic spans, the stemmed words."""
    spans: list[tuple[int, int]] = []
    if built.places or built.topics:
        detection = detector.detect(text)
        wanted = set(built.places)
        spans += [(m.start, m.end) for hit in detection.places if hit.place_id in wanted for m in hit.matches]
        spans += [(m.start, m.end) for hit in detection.topics if hit.topic_id in built.topics
                  for m in hit.matches]
    if built.words:
        prefixes = tuple(plain(w) for w in built.words)
        for token in _TOKEN.finditer(text):
            pieces = [plain(p) for p in _ALNUM_RUN.findall(fold(token.group()).lower())]
            if any(piece.startswith(prefixes) for piece in pieces):
                spans.append(token.span())
    return tuple(merge_spans(spans))


def snippet_html(text: str, spans: tuple[tuple[int, int], ...], width: int = 240) -> str:
    """A one-paragraph window of the original text around the first match, highlights in bold."""
    flat = re.sub(r"\s", " ", text)  # same length, so spans still point at the right letters
    return "".join(f"<b>{esc(piece)}</b>" if hi else esc(piece)
                   for piece, hi in excerpt_pieces(flat, spans, width))


def describe_query(built: SearchQuery, detector: Detector) -> str:
    parts = [f"place {detector.place(p).en}" for p in built.places]
    parts += [f"topic {t}" for t in built.topics]
    parts += [f"{w}…" for w in built.words]
    return " + ".join(parts)


def channel_name(post_channel: Channel | None, stored: StoredPost) -> str:
    post = stored.post
    return (post_channel.name if post_channel else None) or post.channel_title or post.channel_username \
        or str(post.channel_id)


def result_blocks(items: Iterable[Any], tz: str, *, width: int = 240,
                  what: Callable[[StoredPost], str] | None = None) -> Iterable[str]:
    """One HTML block per story: when, where, a highlighted snippet, the link, and its copies."""
    for n, item in enumerate(items, start=1):
        post = item.stored.post
        side = SIDE_LABEL.get(item.channel.side, item.channel.side) if item.channel else SIDE_LABEL["other"]
        deleted = " · 🗑 deleted" if item.stored.deleted_at else ""
        also = ""
        if item.copies:
            shown = ", ".join(link(sp.post.link, channel_name(ch, sp)) for sp, ch in item.copies[:5])
            more = f" and {len(item.copies) - 5} more" if len(item.copies) > 5 else ""
            also = f"\n↪ also in: {shown}{more}"
        label = f" · <b>{esc(what(item.stored))}</b>" if what else ""
        yield (f"{n}. {esc(local_time(post.date, tz))} · {link(post.link, channel_name(item.channel, item.stored))}"
               f" ({esc(side)}){label}{deleted}\n{snippet_html(post.text, item.spans, width)}{also}")
