"""Detection CPU time of this tree against another revision, on bench_detect's stream, in one run.

    python benchmarks/bench_compare.py [--rev main] [--posts N] [--rounds R]

The other revision is exported with `git archive` into a temporary folder (nothing in the
repository changes). Both sides detect the same posts, written once to a temporary file,
each in its own child process so that neither imports the other's code; the rounds
alternate between the sides so that a busy machine slows both alike. Each child reports
the CPU time (`time.process_time`) of detecting every post after a warm-up; the minimum,
median and maximum over the rounds are printed with the ratio of the medians. Posts are
detected with the channel's side ("ru") where the revision's `detect` accepts one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_detect import build_posts  # noqa: E402

CHILD = r"""
import gc, inspect, json, sys, time
from pathlib import Path
root, posts_file = Path(sys.argv[1]), sys.argv[2]
sys.path.insert(0, str(root))
from bot.detect import Detector
detector = Detector.from_config(root / "config")
posts = json.loads(Path(posts_file).read_text(encoding="utf-8"))
takes_side = "side" in inspect.signature(detector.detect).parameters
detect = (lambda text: detector.detect(text, "ru")) if takes_side else detector.detect
for post in posts[:2000]:
    detect(post)
gc.collect()
gc.disable()
started = time.process_time()
for post in posts:
    detect(post)
print(time.process_time() - started)
"""


def export(rev: str, into: Path) -> None:
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")


def run_side(root: Path, posts_file: Path) -> float:
    out = subprocess.run([sys.executable, "-c", CHILD, str(root), str(posts_file)], check=True,
                         capture_output=True, text=True, cwd=root)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="main", help="the revision to compare against (default: main)")
    parser.add_argument("--posts", type=int, default=120_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    posts, source = build_posts(args.posts)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        base.mkdir()
        export(args.rev, base)
        posts_file = Path(tmp) / "posts.json"
        posts_file.write_text(json.dumps(posts, ensure_ascii=False), encoding="utf-8")
        times: dict[str, list[float]] = {args.rev: [], "this tree": []}
        for _ in range(args.rounds):
            times[args.rev].append(run_side(base, posts_file))
            times["this tree"].append(run_side(ROOT, posts_file))
    print(f"posts: {len(posts):,} ({source}); {args.rounds} rounds, CPU seconds per pass over all posts")
    print(f"{'side':<14} {'min':>8} {'median':>8} {'max':>8} {'posts/s (median)':>18}")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:<14} {min(values):>8.3f} {med:>8.3f} {max(values):>8.3f} {len(posts) / med:>18,.0f}")
    ratio = statistics.median(times["this tree"]) / statistics.median(times[args.rev])
    print(f"this tree / {args.rev} (medians): {ratio:.3f}")


if __name__ == "__main__":
    main()
