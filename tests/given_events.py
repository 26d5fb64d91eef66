"""The real detector with each text's events stated by the test, so alerting, corroboration
and the digest are tested independently of how well the detector finds events."""

from __future__ import annotations

from dataclasses import replace

from bot.detect.model import Event, Match


def event(text: str, action: str, place: str | None, by: str | None, stance: str, *words: str) -> Event:
    """An event of `text` whose deciding words are `words`, at their offsets in the text."""
    matches = []
    for word in words:
        start = text.index(word)
        matches.append(Match(start, start + len(word), word, "event"))
    return Event(action=action, place=place, by=by, stance=stance, matches=tuple(matches))


class GivenEvents:
    """A text containing a known text gets that text's events (offsets shifted); any other none."""

    def __init__(self, detector, events: dict[str, tuple[Event, ...]]) -> None:
        self._detector = detector
        self._events = events

    def __getattr__(self, name):
        return getattr(self._detector, name)

    def detect(self, text, side=None):
        found = self._detector.detect(text)
        for known, events in self._events.items():
            if known in text:
                offset = text.index(known)
                shifted = tuple(replace(e, matches=tuple(replace(m, start=m.start + offset, end=m.end + offset)
                                                         for m in e.matches)) for e in events)
                return replace(found, events=shifted)
        return replace(found, events=())
