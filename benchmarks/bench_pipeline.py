"""Throughput of the whole pipeline (store, detect, policy, alert rows) into a real SQLite file.

Reads the real posts of ../shared/corpus/news-2024 when present (CC BY 4.0, from
NKTKLN/telegram-news-classifier), else the bundled demo corpus, and feeds N posts through
`Pipeline.handle_post` the way replay does. Prints posts/s and peak memory.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.channels import Channel  # noqa: E402
from bot.detect import Detector  # noqa: E402
from bot.pipeline import Pipeline  # noqa: E402
from bot.post import Post  # noqa: E402
from bot.settings import AlertSettings  # noqa: E402
from bot.sources.export import load_channels, read_posts  # noqa: E402
from bot.store import Store  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000


def texts() -> list[str]:
    shared = ROOT.parent / "shared" / "corpus" / "news-2024"
    out: list[str] = []
    if shared.is_dir():
        for file in sorted(shared.glob("*.json")):
            out += [m["text"] for m in json.loads(file.read_text(encoding="utf-8")) if m.get("text")]
    if not out:
        out = [p.text for ch in load_channels(ROOT / "corpus" / "demo") for p in read_posts(ch)]
    return out


async def main() -> None:
    corpus = texts()
    detector = Detector.from_config(ROOT / "config")
    channels = [Channel(username=f"bench{i}", id=1_000_000 + i, name=f"Bench {i}", side=("ru", "ua", "other")[i % 3],
                        kind="media") for i in range(30)]
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(Path(tmp) / "bench.sqlite")
        async with store.transaction():
            for ch in channels:
                await store.upsert_channel(ch)
        pipeline = Pipeline(store, detector, AlertSettings())
        posts = [Post(channel_id=channels[i % 30].id, message_id=i + 1, date=start + timedelta(seconds=20 * i),
                      text=corpus[i % len(corpus)], channel_username=channels[i % 30].username)
                 for i in range(N)]
        t0 = time.perf_counter()
        for post in posts:
            await pipeline.handle_post(post)
        elapsed = time.perf_counter() - t0
        t1 = time.perf_counter()
        for post in posts[: N // 4]:
            await pipeline.handle_post(post)
        repeat = time.perf_counter() - t1
        size = (Path(tmp) / "bench.sqlite").stat().st_size
        await store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    s = pipeline.stats
    print(f"pipeline: {N:,} posts in {elapsed:.1f} s = {N / elapsed:,.0f} posts/s "
          f"({s.flagged:,} flagged, {s.alerts:,} alerts, {s.merged:,} merged, {s.corroborations} both-sides)")
    print(f"replay of {N // 4:,} already-stored posts: {N // 4 / repeat:,.0f} posts/s (idempotent path)")
    print(f"database file {size / 1e6:.1f} MB; peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
