"""What the events (claims) cost on bench_detect's stream: the same detector with and
without its event lexicon, on the same posts, in one run.

    python benchmarks/bench_events.py [--posts N] [--rounds R]

Both detectors share the gazetteer, topics and settlements, so the difference is the work
of bot/detect/events.py alone; a third one lacks the capture topic too. The detectors take
turns every 500 posts so that a busy machine slows all alike; CPU time (`time.process_time`) of detecting every post with the
channel's side "ru" is printed as min / median / max, with the overhead of the medians.
The time spent inside `find_events` during the detector's own run is printed too: the
most direct figure, since it needs no second detector. Issue 9's target: events add at most
10% to detection without them.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_detect import build_posts  # noqa: E402

import bot.detect.detector as detector_module  # noqa: E402
from bot.detect import Detector  # noqa: E402
from bot.detect.config import read_places, read_topics  # noqa: E402
from bot.detect.eventlex import read_event_lexicon  # noqa: E402
from bot.detect.gazetteer import build_gazetteer  # noqa: E402
from bot.detect.settlements import SettlementMatcher, load_book  # noqa: E402
from bot.detect.topics import build_topics  # noqa: E402


def cpu_seconds(detectors: list[Detector], posts: list[str], chunk: int = 500) -> list[float]:
    """CPU time of each detector over all posts, taking turns every `chunk` posts so that a
    burst of load on the shared machine falls on all of them alike."""
    totals = [0.0] * len(detectors)
    gc.collect()
    gc.disable()
    try:
        for low in range(0, len(posts), chunk):
            part = posts[low:low + chunk]
            for n, detector in enumerate(detectors):
                started = time.process_time()
                for post in part:
                    detector.detect(post, "ru")
                totals[n] += time.process_time() - started
    finally:
        gc.enable()
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=60_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    config = ROOT / "config"
    gazetteer = build_gazetteer(read_places(config / "places.toml"))
    spec = read_topics(config / "topics.toml")
    matcher = SettlementMatcher(load_book(), gazetteer.places)
    # one gazetteer, topic book and settlement matcher for all, so that no detector finds
    # its automata colder in the CPU's caches than another's
    book = build_topics(spec)
    with_events = Detector(gazetteer, book, read_event_lexicon(config / "events.toml"), matcher)
    without = Detector(gazetteer, book, None, matcher)
    # nor the capture topic, which exists for the events
    no_capture = replace(spec, topics=tuple(t for t in spec.topics if t.id != "capture"))
    bare = Detector(gazetteer, build_topics(no_capture), None, matcher)
    posts, source = build_posts(args.posts)
    flagged = sum(1 for p in posts if with_events.detect(p, "ru").events)
    for d in (with_events, without, bare):
        for post in posts[:2000]:
            d.detect(post, "ru")
    names = ("without events", "with events", "nor capture")
    times: dict[str, list[float]] = {name: [] for name in names}
    inside: list[float] = []     # CPU time spent in find_events itself, per round
    original = detector_module.find_events

    def timed(*a, **k):
        started = time.process_time()
        try:
            return original(*a, **k)
        finally:
            inside[-1] += time.process_time() - started

    detector_module.find_events = timed
    try:
        for _ in range(args.rounds):
            inside.append(0.0)
            for name, seconds in zip(names, cpu_seconds([without, with_events, bare], posts), strict=True):
                times[name].append(seconds)
    finally:
        detector_module.find_events = original
    print(f"{len(posts):,} posts ({source}); {flagged:,} of them with events; {args.rounds} rounds, CPU s")
    for name, values in times.items():
        print(f"{name:<16} min {min(values):.2f}  median {statistics.median(values):.2f}  max {max(values):.2f}")
    print(f"{'in find_events':<16} min {min(inside):.2f}  median {statistics.median(inside):.2f}  max {max(inside):.2f}")
    shares = [e / (w - e) for e, w in zip(inside, times["with events"], strict=True)]
    print(f"find_events / the rest of the same detection (medians of rounds): {100 * statistics.median(shares):.1f}%")
    base, full, bare_s = (statistics.median(v) for v in times.values())
    print(f"events overhead (medians): {100 * (full - base) / base:+.1f}% over detection without the "
          f"lexicon (target <= +10%); {100 * (full - bare_s) / bare_s:+.1f}% over detection without the "
          f"capture topic either")


if __name__ == "__main__":
    main()
