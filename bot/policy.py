"""What deserves the team's attention, decided without I/O so every rule is easy to test."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime

from bot.channels import Channel
from bot.detect import Detection
from bot.detect.normalize import fold

_WORD = re.compile(r"\w{3,}")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
OPPOSING = {"ru": "ua", "ua": "ru"}


def severity(detection: Detection, channel: Channel | None) -> str:
    """A topic with a place is the event analysts look for; a bare place is background."""
    if detection.topic_ids and detection.place_ids:
        return "high"
    if detection.topic_ids or (channel is not None and channel.kind == "official"):
        return "medium"
    return "low"


def word_set(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(fold(text)))


def core_text(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The paragraphs that carry the matches. A copy keeps them while its ⚡️ prefix,
    signature and ad lines change, so comparing these finds copies of short posts too."""
    spans = list(spans)
    if not spans:
        return text
    kept = []
    start = 0
    for brk in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        if any(s < end and e > start for s, e in spans):
            kept.append(text[start:end])
        start = brk.end() if brk else end
    return "\n\n".join(kept) or text


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap against the longer text, so a short quote of a long post is not a copy of it."""
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|\n")


def places_with_topic(detection: Detection, text: str, topic_id: str) -> set[str]:
    """Places named in the same sentence as the topic's words.

    A daily summary that lists a withdrawal at one town and fighting at another must not
    be read as a withdrawal at both; corroboration across sides needs the pairing.
    """
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]

    def sentence(pos: int) -> int:
        return bisect_right(ends, pos)

    topic_sentences = {sentence(m.start) for hit in detection.topics if hit.topic_id == topic_id for m in hit.matches}
    return {hit.place_id for hit in detection.places if any(sentence(m.start) in topic_sentences for m in hit.matches)}


def filter_detection(detection: Detection, tracked: set[str] | None, muted_places: set[str]) -> Detection:
    """Drop places the team does not track or has muted; topics stay."""
    if tracked is None and not muted_places:
        return detection
    places = tuple(
        hit for hit in detection.places
        if (tracked is None or hit.place_id in tracked) and hit.place_id not in muted_places
    )
    if len(places) == len(detection.places):
        return detection
    return Detection(language=detection.language, places=places, topics=detection.topics)


def active_mutes(mutes: dict[str, str], now: datetime) -> dict[str, str]:
    return {key: until for key, until in mutes.items() if datetime.fromisoformat(until) > now}
