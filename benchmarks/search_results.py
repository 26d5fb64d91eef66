"""Which posts a few hundred searches return, in which order: a change to how search runs
must leave this file unchanged.

The queries are drawn (seeded) from the store itself, so every kind has hundreds of
cases: rare, common and several words from the posts' own text, place names and place
filters, topics, words with a place or a topic, several words with a date range or a
side, and the next page of some of them. Each line of the output is one query, the post
ids of its page in order, whether there are more and the next offset; with `--times` the
CPU time of each query kind (min/median/max/p95) is printed to stderr.

Run: .venv/bin/python benchmarks/search_results.py STORE OUT.jsonl [--per-kind N] [--times]
then `cmp` two outputs (before and after a change).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sqlite3
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.detect import Detector  # noqa: E402
from bot.query import Archive, Filters  # noqa: E402
from bot.store import Store  # noqa: E402

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def vocabulary(path: Path, rng: random.Random, sample: int = 3000) -> tuple[list[str], list[str], list[list[str]]]:
    """(rare words, common words, word runs of real posts) from a sample of the store's posts."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    top = conn.execute("SELECT max(id) FROM posts").fetchone()[0]
    ids = sorted(rng.sample(range(1, top + 1), min(sample, top)))
    texts = [r[0] for r in conn.execute(
        f"SELECT text FROM posts WHERE id IN ({','.join(map(str, ids))})").fetchall()]
    conn.close()
    counts: dict[str, int] = {}
    runs = []
    for text in texts:
        words = _WORD.findall(text)
        runs.append(words)
        for w in set(words):
            counts[w] = counts.get(w, 0) + 1
    ordered = sorted(counts, key=lambda w: (-counts[w], w))
    return ordered[-2000:], ordered[:60], [r for r in runs if len(r) >= 4]


def queries(path: Path, detector: Detector, per_kind: int, seed: int = 11) -> list[tuple[str, Filters, int]]:
    rng = random.Random(seed)
    rare, common, runs = vocabulary(path, rng)
    places = [p for p in detector.places() if p.kind != "oblast"]
    topics = list(detector.topics())
    out: list[tuple[str, Filters, int]] = []

    def add(kind: str, filters: Filters, offset: int = 0) -> None:
        out.append((kind, filters, offset))

    for _ in range(per_kind):
        add("rare word", Filters(q=rng.choice(rare)))
        add("common word", Filters(q=rng.choice(common)))
        place = rng.choice(places)
        add("place", Filters(q=rng.choice((place.ru, place.uk, place.en))))
        add("place filter", Filters(place=rng.choice(places).id))
        add("word + place filter", Filters(q=rng.choice(common), place=rng.choice(places).id))
        add("topic filter", Filters(action=rng.choice(topics)))
        add("word + topic", Filters(q=f"{rng.choice(common + rare)} {rng.choice(topics)}"))
        run = rng.choice(runs)
        start = rng.randrange(len(run) - 1)
        add("several words", Filters(q=" ".join(run[start:start + rng.randint(2, 4)])))
        add("several words", Filters(q=f"{rng.choice(common)} {rng.choice(common)}"))
        add("several words", Filters(q=f"{rng.choice(common)} {rng.choice(rare)}"))
        add("several words", Filters(q=f"{rng.choice(rare)} {rng.choice(rare)}"))
        add("words + place", Filters(q=f"{rng.choice(common)} {place.ru}"))
        day = date(2026, 11, rng.randint(1, 19))
        add("words + dates", Filters(q=f"{rng.choice(common)} {rng.choice(common)}", since=day,
                                     until=date(2026, 11, min(19, day.day + rng.randint(0, 3)))))
        add("words + side", Filters(q=" ".join(run[start:start + 2]), side=rng.choice(("ru", "ua", "other"))))
        add("next page", Filters(q=f"{rng.choice(common)} {rng.choice(common)}"), offset=rng.choice((10, 30)))
    return out


async def run(path: Path, out: Path, per_kind: int, show_times: bool) -> None:
    detector = Detector.from_config(ROOT / "config")
    cases = queries(path, detector, per_kind)
    store = await Store.open(path, check=False)
    times: dict[str, list[float]] = {}
    try:
        archive = Archive(store, detector, "Europe/Kyiv")
        lines = []
        for kind, filters, offset in cases:
            started = time.process_time()
            page = await archive.timeline(filters, limit=10, offset=offset)
            times.setdefault(kind, []).append((time.process_time() - started) * 1000)
            lines.append(json.dumps({"kind": kind, "filters": filters.params(), "offset": offset,
                                     "posts": [i.stored.post_id for i in page.items],
                                     "copies": [[c.post_id for c, _ in i.copies] for i in page.items],
                                     "more": page.more, "next": page.next_offset}, ensure_ascii=False))
    finally:
        await store.close()
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if show_times:
        everything = sorted(t for ts in times.values() for t in ts)
        for kind, ts in [*times.items(), ("all", everything)]:
            ts = sorted(ts)
            print(f"{kind:<20} n {len(ts):4}  CPU ms: min {ts[0]:6.1f}  median {statistics.median(ts):6.1f}"
                  f"  p95 {ts[min(len(ts) - 1, round(0.95 * (len(ts) - 1)))]:6.1f}  max {ts[-1]:6.1f}",
                  file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-kind", type=int, default=100)
    parser.add_argument("--times", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.store, args.out, args.per_kind, args.times))


if __name__ == "__main__":
    main()
