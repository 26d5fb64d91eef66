"""Web app and filtered search benchmark: every page and export over HTTP, and the query layer alone.

The store is the demo's (built into a temporary directory by the real demo pipeline), or
with --posts N the synthetic store of bench_store.py (1,000,000 posts by default there).
Server and client share one process and event loop, so each request's CPU time is the
whole work of answering it (routing, SQL, templates) plus the client's small share.
Reports wall time p50/p95/max and CPU time min/median/max per address.

Run: .venv/bin/python benchmarks/bench_web.py [--repeats 30] [--posts N]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import multiprocessing
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession  # noqa: E402

from bot.detect import Detector  # noqa: E402
from bot.query import Archive, Filters  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.web.app import start_web  # noqa: E402

TZ = "Europe/Kyiv"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def addresses(db: Path) -> list[str]:
    store = await Store.open_readonly(db)
    try:
        row = (await store.execute(
            "SELECT coalesce(c.username, c.id), p.message_id FROM posts p JOIN channels c ON c.id = p.channel_id"
            " WHERE EXISTS (SELECT 1 FROM post_places pp WHERE pp.post_id = p.id) ORDER BY p.date DESC LIMIT 1"))[0]
        day = (await store.execute("SELECT substr(max(date), 1, 10) FROM posts"))[0][0]
        top = (await store.execute(
            "SELECT place_id FROM post_places GROUP BY place_id ORDER BY count(*) DESC LIMIT 1"))[0][0]
    finally:
        await store.close()
    q = quote("Chasiv Yar withdrawal")
    return ["/", "/?side=ru", f"/?place={top}&since={day}&until={day}", "/?action=withdrawal&side=ua",
            f"/search?q={q}", f"/search?q={quote('отступили')}&side=ua", f"/search?q={quote('Изюм')}&since={day}",
            "/map", "/map?action=withdrawal", f"/post/{row[0]}/{row[1]}", f"/export.csv?place={top}",
            f"/export.json?side=ru&since={day}", "/places.geojson"]


async def bench_pages(db: Path, detector: Detector, repeats: int) -> None:
    runner, store = await start_web(db, detector, TZ, "127.0.0.1", 0, None)
    port = runner.addresses[0][1]
    urls = await addresses(db)
    wall: dict[str, list[float]] = {u: [] for u in urls}
    cpu: dict[str, list[float]] = {u: [] for u in urls}
    try:
        async with ClientSession() as session:
            for url in urls:  # warm the page cache and the templates once
                async with session.get(f"http://127.0.0.1:{port}{url}") as r:
                    assert r.status == 200, (url, r.status)
                    await r.read()
            for _ in range(repeats):
                for url in urls:
                    w0, c0 = time.perf_counter(), time.process_time()
                    async with session.get(f"http://127.0.0.1:{port}{url}") as r:
                        await r.read()
                    wall[url].append((time.perf_counter() - w0) * 1000)
                    cpu[url].append((time.process_time() - c0) * 1000)
    finally:
        await runner.cleanup()
        await store.close()
    everything = [t for ts in wall.values() for t in ts]
    print(f"web pages over HTTP, {len(everything)} requests: p95 {percentile(everything, 0.95):.1f} ms wall")
    print(f"  {'address':<58} {'wall p50':>9} {'p95':>7} {'max':>7} | {'cpu min':>8} {'med':>6} {'max':>6}")
    for url in urls:
        w, c = wall[url], cpu[url]
        print(f"  {url[:58]:<58} {statistics.median(w):8.1f} {percentile(w, 0.95):7.1f} {max(w):7.1f} |"
              f" {min(c):8.1f} {statistics.median(c):6.1f} {max(c):6.1f}")


async def bench_queries(db: Path, detector: Detector, repeats: int) -> None:
    store = await Store.open_readonly(db)
    archive = Archive(store, detector, TZ)
    cases = {
        "search topic+place": Filters(q="Chasiv Yar withdrawal"),
        "search word, side": Filters(q="отступили", side="ua"),
        "search place, side": Filters(q="Kupiansk", side="ru"),
        "timeline, action": Filters(action="withdrawal"),
        "place counts, map window": Filters(),
    }
    try:
        for name, filters in cases.items():
            wall, cpu = [], []
            for _ in range(repeats):
                w0, c0 = time.perf_counter(), time.process_time()
                if name.startswith("place counts"):
                    await archive.place_counts(await archive.map_window(filters))
                else:
                    await archive.timeline(filters, limit=20)
                wall.append((time.perf_counter() - w0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            print(f"  query {name:<25} wall p50 {statistics.median(wall):6.1f} p95 {percentile(wall, 0.95):6.1f} ms"
                  f" | cpu min {min(cpu):6.1f} med {statistics.median(cpu):6.1f} max {max(cpu):6.1f} ms")
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--posts", type=int, default=0, help="use bench_store's synthetic store of N posts")
    args = parser.parse_args()
    detector = Detector.from_config(ROOT / "config")
    with tempfile.TemporaryDirectory(prefix="frontwatch-bench-web-") as tmp:
        if args.posts:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            import bench_store

            db = Path(tmp) / "bench.sqlite"
            asyncio.run(bench_store._create(db))
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
                info = pool.submit(bench_store.generate, db, args.posts, min(100_000, args.posts // 10)).result()
            print(f"synthetic store: {args.posts:,} posts, written in {info['seconds']:.0f} s")
        else:
            from bot.demo import run_demo

            settings = load_settings(ROOT / "config", env_file=None)
            summary = asyncio.run(run_demo(settings, detector, out_dir=Path(tmp), stream=io.StringIO(), quiet=True))
            db = Path(summary["database"])
            print(f"demo store: {summary['posts_read']} posts")
        asyncio.run(bench_pages(db, detector, args.repeats))
        asyncio.run(bench_queries(db, detector, args.repeats))


if __name__ == "__main__":
    main()
