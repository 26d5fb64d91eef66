"""Whether a change to the detector left its answers as they were, post by post.

    python scripts/same_detections.py save FILE      # before the change
    python scripts/same_detections.py compare FILE   # after it: exit status 1 on any difference

A speed-up of the detector must not change what it finds, and the eval's scores can hide a
changed match span or rule label. This records `Detector.detect(text, side)` for every post
of bench_detect's realistic stream and of ../shared/eval/dev.jsonl, each with the channel
side "ru", "ua" and "other", as the detections' reprs (a frozen dataclass's repr shows every
field), and compares them one by one.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_detect import DEV, build_posts  # noqa: E402

from bot.detect import Detector  # noqa: E402

SIDES = ("ru", "ua", "other")


def detections(posts: int) -> list[str]:
    detector = Detector.from_config(ROOT / "config")
    stream, _ = build_posts(posts)
    with open(DEV, encoding="utf-8") as fh:
        dev = [json.loads(line)["text"] for line in fh if line.strip()]
    return [f"{side}\t{n}\t{detector.detect(text, side)!r}"
            for side in SIDES for n, text in enumerate(stream + dev)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("file", type=Path)
    parser.add_argument("--posts", type=int, default=30_000, help="posts of the realistic stream")
    args = parser.parse_args()
    now = detections(args.posts)
    if args.action == "save":
        with gzip.open(args.file, "wt", encoding="utf-8") as fh:
            fh.write("\n".join(now))
        print(f"{len(now):,} detections saved to {args.file}")
        return 0
    with gzip.open(args.file, "rt", encoding="utf-8") as fh:
        before = fh.read().split("\n")
    differing = [(a, b) for a, b in zip(before, now, strict=False) if a != b]
    if len(before) != len(now):
        print(f"{len(before):,} detections saved, {len(now):,} now")
    for a, b in differing[:10]:
        print(f"before: {a}\nnow:    {b}\n")
    print(f"{len(now):,} detections, {len(differing):,} differing")
    return 1 if differing or len(before) != len(now) else 0


if __name__ == "__main__":
    sys.exit(main())
