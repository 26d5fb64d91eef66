"""Place and topic detection in Russian, Ukrainian and English posts: pure, synchronous, fast.

`Detector` is imported on first use: readers of the store (the digest, the report) need the
records below but not the detector's modules, whose import alone is a tenth of a second.
"""

from typing import TYPE_CHECKING

from bot.detect.model import Detection, Event, Match, Place, PlaceHit, TopicHit

if TYPE_CHECKING:
    from bot.detect.detector import Detector

__all__ = ["Detection", "Detector", "Event", "Match", "Place", "PlaceHit", "TopicHit"]


def __getattr__(name: str) -> object:
    if name == "Detector":
        from bot.detect.detector import Detector

        return Detector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
