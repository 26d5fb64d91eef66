"""What deserves the team's attention, decided without I/O so every rule is easy to test."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from bot.channels import Channel
from bot.detect import Detection
from bot.detect.normalize import fold

_WORD = re.compile(r"\w{3,}")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
OPPOSING = {"ru": "ua", "ua": "ru"}


def severity(detection: Detection, channel: Channel | None) -> str:
    """A claim that forces left or took a place is what analysts act on; a denial is never
    dressed as one; talk of a withdrawal with no claim, or any official post, is worth a look;
    a bare place is background."""
    stances = {e.stance for e in detection.events}
    if "asserted" in stances:
        return "high"
    if stances:
        return "denial"
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


def filter_detection(detection: Detection, tracked: set[str] | None, muted_places: set[str]) -> Detection:
    """Drop places the team does not track or has muted, and events at muted places; topics
    stay, and so do events at untracked places: a claim is news wherever it is."""
    if tracked is None and not muted_places:
        return detection
    places = tuple(
        hit for hit in detection.places
        if (tracked is None or hit.place_id in tracked) and hit.place_id not in muted_places
    )
    events = tuple(e for e in detection.events if e.place not in muted_places)
    if len(places) == len(detection.places) and len(events) == len(detection.events):
        return detection
    return replace(detection, places=places, events=events)


def active_mutes(mutes: dict[str, str], now: datetime) -> dict[str, str]:
    return {key: until for key, until in mutes.items() if datetime.fromisoformat(until) > now}
