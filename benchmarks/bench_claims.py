"""What claims cost the pipeline: the same posts with their events, and with events dropped.

Both sides run in one process on the same posts (the demo corpus repeated, as 30 channels
of three sides, 20 s apart), each into a fresh SQLite file, alternating, five times. With
events, every event's post is grouped into claims (open-claim look-up, sources, tier
recount, alert re-render); without, the pipeline does what it did before claims. Reports
process CPU time per run (min / median / max) and posts/s at the median.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
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

N = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000
ROUNDS = 5


class WithoutEvents:
    """The same detector with every event dropped: the pipeline as it was before claims."""

    def __init__(self, detector: Detector) -> None:
        self._detector = detector

    def __getattr__(self, name):
        return getattr(self._detector, name)

    def detect(self, text, side=None):
        return replace(self._detector.detect(text, side=side), events=())


async def run(detector, posts, channels) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(Path(tmp) / "bench.sqlite")
        async with store.transaction():
            for ch in channels:
                await store.upsert_channel(ch)
        pipeline = Pipeline(store, detector, AlertSettings())
        t0 = time.process_time()
        for post in posts:
            await pipeline.handle_post(post)
        cpu = time.process_time() - t0
        claims = (await store.execute("SELECT count(*) FROM claims"))[0][0]
        await store.close()
    return cpu, claims


async def main() -> None:
    texts = [p.text for ch in load_channels(ROOT / "corpus" / "demo") for p in read_posts(ch) if p.text]
    detector = Detector.from_config(ROOT / "config")
    channels = [Channel(username=f"bench{i}", id=1_000_000 + i, name=f"Bench {i}", side=("ru", "ua", "other")[i % 3],
                        kind="milblogger") for i in range(30)]
    start = datetime(2026, 11, 1, tzinfo=UTC)
    posts = [Post(channel_id=channels[i % 30].id, message_id=i + 1, date=start + timedelta(seconds=20 * i),
                  text=texts[i % len(texts)], channel_username=channels[i % 30].username) for i in range(N)]
    events = sum(bool(detector.detect(p.text, side=channels[i % 30].side).events) for i, p in enumerate(posts))
    times: dict[str, list[float]] = {"with events (claims)": [], "events dropped": []}
    claims = 0
    for _ in range(ROUNDS):
        cpu, claims = await run(detector, posts, channels)
        times["with events (claims)"].append(cpu)
        cpu, _ = await run(WithoutEvents(detector), posts, channels)
        times["events dropped"].append(cpu)
    print(f"claims: {N:,} posts ({events:,} with events, {claims:,} claims), {ROUNDS} rounds, CPU seconds per run")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"  {name:22} min {min(values):.2f}  median {med:.2f}  max {max(values):.2f}  = {N / med:,.0f} posts/s")


if __name__ == "__main__":
    asyncio.run(main())
