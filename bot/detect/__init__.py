"""Place and topic detection in Russian, Ukrainian and English posts: pure, synchronous, fast."""

from bot.detect.detector import Detector
from bot.detect.model import Detection, Event, Match, Place, PlaceHit, TopicHit

__all__ = ["Detection", "Detector", "Event", "Match", "Place", "PlaceHit", "TopicHit"]
