"""Throughput of the whole ingest path, in one process: export parsing, detection, store, alerts, outbox.

    python benchmarks/bench_pipeline.py [POSTS] [--repeats N]

Builds a folder of Telegram Desktop exports (50 channels) from the real texts of
../shared/corpus/news-2024 (CC BY 4.0, from NKTKLN/telegram-news-classifier) with
`bench_replay.build`, then runs `bot.replay.replay` on it into a fresh store with the
terminal outbox flushed after every batch, as `frontwatch replay` does: in batches of 500
(the default) and in batches of one (every post its own transaction, what ingest did
before batching). The detector is loaded once, before the clock starts. Reports CPU
seconds (`time.process_time`: both threads of the process) min/median/max over the
repeats, posts per CPU second, and the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_replay import CORPUS, build, texts  # noqa: E402

from bot.detect import Detector  # noqa: E402
from bot.outbox import Outbox  # noqa: E402
from bot.pipeline import Pipeline  # noqa: E402
from bot.replay import replay  # noqa: E402
from bot.settings import AlertSettings  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.terminal import TerminalSender  # noqa: E402


async def one_run(export: Path, db: Path, detector: Detector, batch: int) -> tuple[float, int, int]:
    store = await Store.open(db)
    try:
        pipeline = Pipeline(store, detector, AlertSettings())
        outbox = Outbox(store, TerminalSender(quiet=True), rate_limit_per_minute=None)
        started = time.process_time()
        report = await replay(export, store, pipeline, [], progress=False, after_each=outbox.flush, batch=batch)
        return time.process_time() - started, report.new, outbox.sent
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("posts", nargs="?", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"bench_pipeline: skipped: {CORPUS} is absent (it holds the real news texts the export is built from)")
        return
    detector = Detector.from_config(ROOT / "config")
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        export = Path(tmp) / "export"
        build(export, args.posts, texts())
        print(f"pipeline (replay in one process, export parsing and outbox included), {args.posts:,} posts, "
              f"{args.repeats} runs each, CPU seconds:", flush=True)
        for batch in (500, 1):
            runs = [asyncio.run(one_run(export, Path(tmp) / f"b{batch}-{run}.sqlite", detector, batch))
                    for run in range(args.repeats)]
            seconds = [r[0] for r in runs]
            median = statistics.median(seconds)
            print(f"  batches of {batch:>3}: min {min(seconds):.1f} s, median {median:.1f} s, max {max(seconds):.1f} s"
                  f" = {args.posts / median:,.0f} posts per CPU second ({runs[0][1]:,} stored, {runs[0][2]:,} alerts"
                  " sent)", flush=True)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
