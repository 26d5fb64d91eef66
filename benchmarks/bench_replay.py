"""`frontwatch replay` of large exports against a plain batched `sqlite3` writer: posts/s, peak RSS.

    python benchmarks/bench_replay.py [SIZES...] [--limit SECONDS] [--no-plain]

Builds, for each size (default 100000 and 1000000 posts), a folder of Telegram Desktop
exports of 50 channels from the real texts of ../shared/corpus/news-2024 (CC BY 4.0,
from NKTKLN/telegram-news-classifier), then runs the real `frontwatch replay` on it in a
child process into a fresh store. Reports wall time, the child's CPU time, posts stored per
second and its peak RSS (the kernel's high-water mark). With `--limit`, a run still going
after that many seconds is stopped and reported as partial: posts stored so far, and the
peak RSS reached, which already covers reading and sorting the whole export.

In the same run, on the same export, a plain writer (`--plain-writer`, also a child
process) stores the same rows — posts with their versions, detections (the same detector),
place, topic and event rows, the search index (written last in each batch), read positions —
with `sqlite3` in batches of 500 per transaction, reading each file whole with `json.load`,
without sorting, alerts or outbox: the floor frontwatch's replay is measured against.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "news-2024"
CHANNELS = 50
START = 1_700_000_000


def texts() -> list[str]:
    out: list[str] = []
    for file in sorted(CORPUS.glob("*.json")):
        out += [m["text"] for m in json.loads(file.read_text(encoding="utf-8")) if isinstance(m.get("text"), str)
                and m["text"].strip()]
    return out


def build(folder: Path, posts: int, corpus: list[str]) -> int:
    """One result.json per channel, written as it goes; a post every few seconds across all."""
    rng = random.Random(posts)
    per_channel = [posts // CHANNELS + (1 if i < posts % CHANNELS else 0) for i in range(CHANNELS)]
    size = 0
    for ch, count in enumerate(per_channel):
        cid = 1_700_000_000 + ch
        file = folder / f"channel-{ch:03d}" / "result.json"
        file.parent.mkdir(parents=True)
        with file.open("w", encoding="utf-8") as out:
            out.write(json.dumps({"name": f"Bench {ch}", "type": "public_channel", "id": cid},
                                 ensure_ascii=False)[:-1] + ', "messages": [\n')
            for i in range(count):
                message = {"id": i + 1, "type": "message", "date_unixtime": str(START + (i * CHANNELS + ch) * 3),
                           "text": rng.choice(corpus)}
                out.write(("" if i == 0 else ",\n") + json.dumps(message, ensure_ascii=False))
            out.write("\n]}\n")
        size += file.stat().st_size
    return size


def stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM posts").fetchone()[0]
    except sqlite3.Error:
        return 0


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def plain_writer(export: Path, db: Path) -> None:
    """The comparison: the same rows, nothing else, in batches of 500 (see the module docstring)."""
    import asyncio
    from datetime import UTC, datetime

    sys.path.insert(0, str(ROOT))
    from bot.detect import Detector
    from bot.detect.normalize import fold
    from bot.store import Store
    from bot.store import batch as sql

    asyncio.run(_create(Store, db))
    detector = Detector.from_config(ROOT / "config")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.create_function("fw_fold", 1, fold, deterministic=True)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    stored_at = datetime.now(UTC).isoformat(timespec="seconds")
    reached: dict[int, int] = {}
    rows: list[tuple] = []

    def flush() -> None:
        conn.execute("BEGIN")
        index: list[tuple] = []
        for row, text in rows:
            post_id = conn.execute(sql.POST_INSERT, row).fetchone()[0]
            found = sql.DetectionRows.of(post_id, detector.detect(text), text)
            conn.execute(sql.DETECTION_UPSERT, found.detection)
            conn.executemany(sql.PLACE_INSERT, found.places)
            conn.executemany(sql.TOPIC_INSERT, found.topics)
            conn.executemany(sql.EVENT_INSERT, found.events)
            index.append(found.fts)
        # the search index last, in one statement: an FTS5 insert between the other rows
        # writes its pending entries out at every statement's savepoint (the trigger's)
        conn.executemany(sql.FTS_INSERT, index)
        conn.executemany(sql.POSITION_ADVANCE, [(c, m, stored_at) for c, m in reached.items()])
        conn.execute("COMMIT")
        rows.clear()

    for file in sorted(export.rglob("result.json")):
        channel = json.loads(file.read_text(encoding="utf-8"))
        for m in channel["messages"]:
            date = datetime.fromtimestamp(int(m["date_unixtime"]), UTC).isoformat(timespec="seconds")
            rows.append(((channel["id"], m["id"], date, m["text"], None, None, None, None,
                          f"https://t.me/c/{channel['id']}/{m['id']}", 0, stored_at), m["text"]))
            reached[channel["id"]] = max(reached.get(channel["id"], 0), m["id"])
            if len(rows) >= 500:
                flush()
    if rows:
        flush()
    conn.close()


async def _create(store_class, db: Path) -> None:
    await (await store_class.open(db)).close()


def run(export: Path, db: Path, posts: int, limit: float | None, *, plain: bool = False) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRONTWATCH_", "TG_"))}
    errors = (db.parent / "stderr.txt").open("wb")
    t0 = time.perf_counter()
    command = ([sys.executable, str(Path(__file__).resolve()), "--plain-writer", str(export), str(db)] if plain
               else [sys.executable, "-m", "bot", "replay", str(export), "--db", str(db), "--quiet",
                     "--config", str(ROOT / "config")])
    proc = subprocess.Popen(command, cwd=db.parent, env={**env, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=errors)
    peak = 0.0
    partial = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, peak_rss_mb(proc.pid))
        if limit is not None and time.perf_counter() - t0 > limit and not partial:
            proc.send_signal(signal.SIGTERM)  # SIGINT is ignored under nohup; replay resumes anyway
            partial = True
        time.sleep(0.5)
    proc.returncode = os.waitstatus_to_exitcode(status)
    errors.close()
    if proc.returncode != 0 and not partial:
        print((db.parent / "stderr.txt").read_text(errors="replace")[-2000:])
    wall = time.perf_counter() - t0
    peak = max(peak, usage.ru_maxrss / 1024)
    done = stored(db)
    cpu = usage.ru_utime + usage.ru_stime
    state = f"PARTIAL (stopped after {limit:.0f} s)" if partial else f"exit {proc.returncode}"
    who = "plain sqlite3 writer" if plain else "frontwatch replay"
    print(f"  {who:<20} {posts:>9,} posts: {state}; {done:,} stored in {wall:,.0f} s wall, {cpu:,.0f} s CPU: "
          f"{done / wall:,.0f} posts/s wall, {done / max(cpu, 1e-9):,.0f} posts/s CPU; peak RSS {peak:,.0f} MB",
          flush=True)
    return done / max(cpu, 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--limit", type=float, default=None, help="stop a run after this many seconds")
    parser.add_argument("--no-plain", action="store_true", help="leave out the plain sqlite3 writer")
    parser.add_argument("--plain-writer", nargs=2, type=Path, metavar=("EXPORT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain_writer:
        plain_writer(*args.plain_writer)
        return
    if not CORPUS.is_dir():
        print(f"bench_replay: skipped: {CORPUS} is absent (it holds the real news texts the exports are built from)")
        return
    corpus = texts()
    print(f"bench_replay: {len(corpus):,} texts from {CORPUS.name}, {CHANNELS} channels per export", flush=True)
    for posts in args.sizes:
        with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
            export = Path(tmp) / "export"
            t0 = time.perf_counter()
            size = build(export, posts, corpus)
            print(f"  built {posts:,} posts ({size / 1e6:,.0f} MB of JSON) in {time.perf_counter() - t0:,.0f} s",
                  flush=True)
            ours = run(export, Path(tmp) / "bench.sqlite", posts, args.limit)
            if not args.no_plain:
                theirs = run(export, Path(tmp) / "plain.sqlite", posts, args.limit, plain=True)
                print(f"  replay / plain writer, posts per CPU second: {ours / theirs:.2f}", flush=True)


if __name__ == "__main__":
    main()
