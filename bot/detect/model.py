"""What detection returns: plain frozen values that the store, alerts and CLI share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Match:
    """Words of the original post that matched, and which name or rule matched them."""

    start: int
    end: int
    text: str
    rule: str


@dataclass(frozen=True, slots=True)
class PlaceHit:
    place_id: str
    matches: tuple[Match, ...]


@dataclass(frozen=True, slots=True)
class TopicHit:
    topic_id: str
    matches: tuple[Match, ...]


@dataclass(frozen=True, slots=True)
class Event:
    """A claim the post makes: forces left or took a place."""

    action: str                 # "withdrawal" | "capture"
    place: str | None           # the place id left or taken, None when the post names none
    by: str | None              # "ru" | "ua" | None
    stance: str                 # "asserted" | "denied"
    matches: tuple[Match, ...]  # the words that decided it (verb/term, actor word, negation), original-text offsets


@dataclass(frozen=True, slots=True)
class Detection:
    language: str
    places: tuple[PlaceHit, ...]
    topics: tuple[TopicHit, ...]
    events: tuple[Event, ...] = ()

    @property
    def place_ids(self) -> tuple[str, ...]:
        return tuple(hit.place_id for hit in self.places)

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(hit.topic_id for hit in self.topics)

    @property
    def flagged(self) -> bool:
        return bool(self.places or self.topics)

    def spans(self) -> list[tuple[int, int]]:
        return merge_spans((m.start, m.end) for hit in (*self.places, *self.topics) for m in hit.matches)


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry with its display names; the many surface forms live in the detector."""

    id: str
    kind: str
    country: str
    oblast: str | None
    en: str
    uk: str
    ru: str


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted and merged, so that highlighting never nests or overlaps tags."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
