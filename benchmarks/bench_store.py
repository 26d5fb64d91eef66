"""Store benchmark: search p50/p95 by query kind, the digest of a whole day cold and warm, memory.

The posts are written into a temporary SQLite file through frontwatch's own batch write
path (`bot.store.batch.write_new_posts`, what the pipeline uses for posts that raise no
alert: post, version, detection rows, search index, read positions), 5,000 a transaction,
with the detection each post's text was built with (place ids, withdrawal), so generating
a million posts does not wait for the detector. Text is realistic: sentences of real
Russian-language channel posts from ../shared/corpus/news-2024 when it is there, mixed
with war reports in Russian, Ukrainian and English that name places and withdrawals; 30%
of posts end with a channel's subscribe line, so "подписаться" is a word in 30% of posts.

The digest is timed in a fresh process (`frontwatch digest` does the same queries through
`report_for`) after `echo 3 > /proc/sys/vm/drop_caches` (root only; otherwise the file is
copied to a new name, which leaves part of it cached) — cold — and again in that process —
warm.

Nothing is written into the repository; the temporary directory is removed at the end.
Run: .venv/bin/python benchmarks/bench_store.py [--posts N] [--day-posts N]
(default 200,000 posts and a 20,000-post day; the issue's figures: --posts 1000000 --day-posts 100000)
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.detect import Detection, Detector  # noqa: E402
from bot.detect.normalize import fold  # noqa: E402
from bot.digest import build_digest, chart_png, render_digest  # noqa: E402
from bot.query import Archive, Filters  # noqa: E402
from bot.search import result_blocks  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.detect.model import PlaceHit, TopicHit  # noqa: E402
from bot.store.batch import NewPost, write_new_posts  # noqa: E402
from bot.store.db import iso  # noqa: E402
from bot.post import Post  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "news-2024"
PLACES_TSV = SHARED / "eval" / "places.tsv"
DIGEST_END = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)  # 08:00 Kyiv

FALLBACK_SENTENCES = [
    "В Москве открылась новая станция метро", "Курс доллара снова вырос на торгах биржи",
    "Учёные представили новый способ хранения энергии", "Синоптики обещают снег и гололёд в выходные",
    "Правительство обсудило бюджет на следующий год", "Apple показала новый смартфон и часы",
    "В Україні запрацювала нова версія застосунку", "The central bank kept its key rate unchanged",
    "Футбольный клуб подписал контракт с новым тренером", "На дорогах города ожидаются пробки",
]

RU_TEMPLATES = [
    "Противник отступил из {gen}, наши подразделения закрепляются на окраинах",
    "Тяжёлые бои в районе {gen}, ВСУ перебрасывают резервы",
    "Под {ins} идут позиционные бои, обстановка сложная",
    "ВСУ оставили позиции у {gen} и отошли на новые рубежи",
    "Обстрел {gen}: повреждены жилые дома и линия электропередачи",
    "Перегруппировка войск в районе {gen}, информация уточняется",
    "В {loc} слышны взрывы, работает ПВО",
]
UK_TEMPLATES = [
    "Сили оборони відступили з {gen} на більш вигідні позиції",
    "Тривають бої поблизу {gen}, ворог штурмує позиції",
    "У {loc} пролунали вибухи, працює ППО",
    "Окупанти залишили позиції біля {gen}",
]
EN_TEMPLATES = [
    "Ukrainian forces withdrew from {en} after weeks of heavy fighting",
    "Heavy fighting continues near {en}, officials say",
    "Russian troops retreated from positions around {en}",
    "Shelling of {en} damaged several buildings overnight",
]
WITHDRAWAL_MARKERS = ("отступ", "отош", "оставили", "перегруппировка", "відступ", "залишили", "withdrew",
                      "retreated")


def ru_forms(name: str) -> dict[str, str]:
    """Rough case forms: enough for text that reads like a post, not a grammar."""
    if name.endswith(("а", "я")):
        stem = name[:-1]
        return {"gen": stem + ("и" if name.endswith("я") or stem[-1] in "кгх" else "ы"), "ins": stem + "ой",
                "loc": stem + "е"}
    if name.endswith(("ая", "ое")):
        return {"gen": name[:-2] + "ой", "ins": name[:-2] + "ой", "loc": name[:-2] + "ой"}
    if name.endswith(("ь", "й")):
        stem = name[:-1]
        return {"gen": stem + "я", "ins": stem + "ем", "loc": stem + "е"}
    return {"gen": name + "а", "ins": name + "ом", "loc": name + "е"}


def uk_forms(name: str) -> dict[str, str]:
    if name.endswith(("а", "я")):
        return {"gen": name[:-1] + "и", "loc": name[:-1] + "і"}
    return {"gen": name + "а", "loc": name + "і"}


def load_places() -> list[dict[str, str]]:
    with PLACES_TSV.open(encoding="utf-8") as f:
        return [row for row in csv.DictReader(f, delimiter="\t") if row["kind"] != "oblast"]


def load_sentences() -> tuple[list[str], str]:
    if not CORPUS.is_dir():
        return FALLBACK_SENTENCES, "built-in sentences (../shared/corpus absent)"
    sentences: list[str] = []
    for path in sorted(CORPUS.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", item.get("text") or "").replace("**", "")
            sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if 20 <= len(s.strip()) <= 300]
    return sentences, f"{len(sentences)} sentences of ../shared/corpus/news-2024"


def war_sentences(places: list[dict[str, str]]) -> list[tuple[str, str, bool]]:
    """(sentence, place id, withdrawal?) in three languages for every place."""
    out = []
    for p in places:
        ru, uk = ru_forms(p["ru"]), uk_forms(p["uk"])
        out += [(t.format(**ru), p["id"], False) for t in RU_TEMPLATES]
        out += [(t.format(**uk), p["id"], False) for t in UK_TEMPLATES]
        out += [(t.format(en=p["en"]), p["id"], False) for t in EN_TEMPLATES]
    return [(s, pid, any(m in s for m in WITHDRAWAL_MARKERS)) for s, pid, _ in out]


def day_plan(total: int, day_posts: int) -> list[tuple[datetime, int]]:
    """(day start, posts) from the oldest day: the digest day and the day before hold `day_posts` each."""
    rest = total - 2 * day_posts
    days = max(1, rest // 25_000)
    plan = [(DIGEST_END - timedelta(days=2 + days - i), rest // days + (1 if i < rest % days else 0))
            for i in range(days)]
    return plan + [(DIGEST_END - timedelta(days=2), day_posts), (DIGEST_END - timedelta(days=1), day_posts)]


def generate(path: Path, total: int, day_posts: int, seed: int = 7) -> dict[str, float]:
    rng = random.Random(seed)
    places = load_places()
    background, source = load_sentences()
    war = war_sentences(places)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("fw_fold", 1, fold, deterministic=True)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    channels = []
    for i in range(300):
        side = ("ru", "ua", "other")[i % 3]
        channels.append((1_500_000_000 + i, f"chan{i}", f"Channel {i}", side, ("milblogger", "official", "media")[i % 3]))
    conn.executemany("INSERT INTO channels(id, username, title, side, kind, followed, updated_at)"
                     " VALUES (?, ?, ?, ?, ?, 1, '2026-11-01T00:00:00+00:00')", channels)
    started = time.perf_counter()
    message_ids = {c[0]: 0 for c in channels}
    deletions: list[tuple[str, int, int]] = []
    stored_at = iso(DIGEST_END)
    for day_start, count in day_plan(total, day_posts):
        offsets = sorted(rng.random() * 86400 for _ in range(count))
        for chunk in range(0, count, 5_000):
            items = []
            for off in offsets[chunk:chunk + 5_000]:
                channel = channels[int(rng.paretovariate(1.2)) % len(channels)]
                message_ids[channel[0]] += 1
                parts = [rng.choice(background) for _ in range(rng.randint(1, 3))]
                place_ids: list[str] = []
                withdrawal = False
                if rng.random() < 0.12:
                    sentence, pid, withdrawal = rng.choice(war)
                    parts.insert(rng.randint(0, len(parts)), sentence)
                    place_ids.append(pid)
                if rng.random() < 0.30:
                    parts.append(SUBSCRIBE)
                when = day_start + timedelta(seconds=off)
                msg = message_ids[channel[0]]
                if rng.random() < 0.005:
                    deletions.append((iso(when + timedelta(minutes=30)), channel[0], msg))
                detection = Detection(language="ru", places=tuple(PlaceHit(p, ()) for p in place_ids),
                                      topics=(TopicHit("withdrawal", ()),) if withdrawal else ())
                items.append(NewPost(Post(channel_id=channel[0], message_id=msg, date=when, text=" ".join(parts),
                                          channel_username=channel[1]), detection))
            conn.execute("BEGIN")
            write_new_posts(conn, items, stored_at)
            conn.execute("COMMIT")
    conn.executemany("UPDATE posts SET deleted_at = ? WHERE channel_id = ? AND message_id = ?", deletions)
    generated = time.perf_counter() - started
    _corroborations(conn, rng)
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"seconds": generated, "source": source, "size_mb": path.stat().st_size / 1e6}


def _corroborations(conn: sqlite3.Connection, rng: random.Random) -> None:
    """A few both-sides events on the digest day, each with its evidence posts."""
    day = (iso(DIGEST_END - timedelta(days=1)), iso(DIGEST_END))
    rows = conn.execute(
        "SELECT p.id, pp.place_id, p.date FROM posts p JOIN post_places pp ON pp.post_id = p.id"
        " JOIN post_topics pt ON pt.post_id = p.id WHERE p.date >= ? AND p.date < ? LIMIT 60", day).fetchall()
    for i in range(0, len(rows) - 2, 3):
        group = rows[i:i + 3]
        cur = conn.execute("INSERT INTO alerts(kind, severity, places, topics, html, state, random_id, event_date,"
                           " created_at) VALUES ('corroboration', 'high', ?, '[\"withdrawal\"]', '', 'sent', ?, ?, ?)",
                           (json.dumps([group[0][1]]), rng.getrandbits(62), group[0][2], group[0][2]))
        conn.executemany("INSERT OR IGNORE INTO alert_posts(alert_id, post_id, relation) VALUES (?, ?, 'evidence')",
                         [(cur.lastrowid, r[0]) for r in group])
        conn.execute("INSERT INTO corroborations(place_id, topic_id, first_date, last_date, alert_id)"
                     " VALUES (?, 'withdrawal', ?, ?, ?)", (group[0][1], group[0][2], group[-1][2], cur.lastrowid))


SUBSCRIBE = "Подписаться на канал | Прислать новость"

#: Query kind: the searches and filters the web archive, CLI `search` and the bot's /search run.
QUERIES: dict[str, list[Filters]] = {
    "rare word": [Filters(q=q) for q in ("гололёд", "электропередачи", "Sexdivers")],
    "common word (30%)": [Filters(q="подписаться"), Filters(q="канал"), Filters(q="новость")],
    "place": [Filters(q=q) for q in ("Изюм", "Купянске", "Харків", "Bakhmut", "Покровск")],
    "place filter": [Filters(place=p) for p in ("izium", "kupiansk", "kharkiv", "bakhmut", "pokrovsk")],
    "word + place filter": [Filters(q="подписаться", place=p) for p in ("izium", "kupiansk", "kharkiv")],
    "topic filter": [Filters(action="withdrawal"), Filters(q="отступили"), Filters(q="withdrawal")],
    "word + topic": [Filters(q="подписаться отступили"), Filters(q="канал withdrawal")],
    "phrase (words)": [Filters(q=q) for q in ("Изюм отступили", "Kupiansk withdrew", "Харків бої",
                                              "прислать новость канал")],
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def bench_search(store: Store, detector: Detector, repeats: int) -> dict[str, list[float]]:
    archive = Archive(store, detector, "Europe/Kyiv")
    times: dict[str, list[float]] = {}
    for _ in range(repeats):
        for kind, queries in QUERIES.items():
            for filters in queries:
                t0, c0 = time.perf_counter(), time.process_time()
                page = await (archive.search(filters, limit=10) if filters.q else archive.timeline(filters, limit=10))
                list(result_blocks(page.items, "Europe/Kyiv"))
                times.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
                times.setdefault(kind + " (CPU)", []).append((time.process_time() - c0) * 1000)
    return times


async def bench_open(path: Path, repeats: int = 5) -> None:
    """Opening checks the whole file (`quick_check`) once per process; what that costs."""
    seconds = {True: [], False: []}
    for _ in range(repeats):
        for check in (True, False):
            started = time.process_time()
            store = await Store.open(path, check=check)
            await store.close()
            seconds[check].append(time.process_time() - started)
    size = path.stat().st_size / 1e6
    for check, ts in seconds.items():
        print(f"open of the {size:,.0f} MB store {'with' if check else 'without'} quick_check, CPU: "
              f"min {min(ts) * 1000:.0f} ms, median {statistics.median(ts) * 1000:.0f} ms, max {max(ts) * 1000:.0f} ms")


async def measure(path: Path, detector: Detector, repeats: int) -> None:
    await bench_open(path)
    store = await Store.open(path)
    try:
        t0 = time.perf_counter()
        await Archive(store, detector, "Europe/Kyiv").search(Filters(q="Изюм"), limit=10)
        cold = (time.perf_counter() - t0) * 1000
        times = await bench_search(store, detector, repeats)
        everything = [t for kind, ts in times.items() if not kind.endswith("(CPU)") for t in ts]
        print("  wall time is what a user waits on a shared machine; CPU (both threads of the process) is the"
              " machine's work")
        print(f"search (10 newest, with highlighted snippets), {len(everything)} queries; first, cold: {cold:.1f} ms")
        for kind, ts in times.items():
            print(f"  {kind:<24} p50 {statistics.median(ts):7.1f} ms   p95 {percentile(ts, 0.95):7.1f} ms"
                  f"   max {max(ts):7.1f} ms")
        print(f"  {'all (wall)':<24} p50 {statistics.median(everything):7.1f} ms   "
              f"p95 {percentile(everything, 0.95):7.1f} ms   max {max(everything):7.1f} ms")

        share = (await store.execute(
            "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'text : подписаться*'"))[0][0]
        print(f"  'подписаться' is in {share / await store.count_posts():.0%} of posts")

        gc.collect()
        tracemalloc.start()
        t0 = time.perf_counter()
        digest = await build_digest(store, detector, DIGEST_END, "Europe/Kyiv")
        built = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        t0 = time.perf_counter()
        pages = render_digest(digest)
        rendered = time.perf_counter() - t0
        t0 = time.perf_counter()
        png = chart_png(digest)
        charted = time.perf_counter() - t0
        print(f"digest of a {digest.total_posts:,}-post day ({digest.flagged_posts:,} flagged, "
              f"{digest.withdrawal_total:,} withdrawal, {digest.deleted_total} deleted, "
              f"{len(digest.claims)} claims)")
        print(f"  build {built * 1000:.0f} ms (Python heap peak {peak / 1e6:.1f} MB), render {rendered * 1000:.1f} ms "
              f"into {len(pages)} page(s), chart {charted * 1000:.0f} ms ({len(png) / 1e3:.0f} kB PNG)")
    finally:
        await store.close()


def cold_cache(path: Path) -> tuple[Path, str]:
    """The file with nothing of it in the page cache: dropped as root, else a fresh copy."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return path, "page cache dropped"
    except OSError:
        copy = path.with_name("cold-" + path.name)
        shutil.copyfile(path, copy)
        return copy, "a fresh copy of the file (no root: the page cache could not be dropped; partly cached)"


def digest_child(path: str) -> None:
    """In a fresh process: the morning report's queries (`frontwatch digest` without the
    detector load, timed apart), cold then warm, as the command runs them."""
    from bot.report import build_report

    detector_started = time.perf_counter()
    detector = Detector.from_config(ROOT / "config")
    loaded = time.perf_counter() - detector_started

    async def once(check: bool) -> tuple[float, float, float, int]:
        t0 = time.perf_counter()
        store = await Store.open(path, check=check)
        opened = time.perf_counter() - t0
        try:
            t1, c1 = time.perf_counter(), time.process_time()
            report = await build_report(store, detector, DIGEST_END, "Europe/Kyiv")
            return opened, time.perf_counter() - t1, time.process_time() - c1, report.digest.total_posts
        finally:
            await store.close()

    for label, check in (("cold", False), ("warm", False), ("warm, with the open's quick_check", True)):
        opened, built, cpu, total = asyncio.run(once(check))
        print(f"  {label:<34} report of a {total:,}-post day {built * 1000:6.0f} ms wall, {cpu * 1000:6.0f} ms CPU;"
              f" open {opened * 1000:5.0f} ms", flush=True)
    print(f"  (the detector's load, before any of it: {loaded:.1f} s)", flush=True)


def bench_digest_cold(path: Path) -> None:
    target, how = cold_cache(path)
    print(f"digest from a fresh process, cold: {how}", flush=True)
    subprocess.run([sys.executable, __file__, "--digest-child", str(target)], check=True)


def bench_digest_cli(path: Path, runs: int) -> None:
    """`frontwatch digest` as a user runs it (Python start, imports, the report, its files), in a
    fresh process each time: cold (page cache dropped) then warm, `runs` times; wall and CPU."""
    times: dict[str, list[tuple[float, float]]] = {"cold": [], "warm": []}
    how = ""
    with tempfile.TemporaryDirectory(prefix="frontwatch-digest-") as out:
        for _ in range(runs):
            for mode in times:
                target, how = cold_cache(path) if mode == "cold" else (path, how)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                subprocess.run([sys.executable, "-m", "bot", "digest", "--config", str(ROOT / "config"), "--db",
                                str(target), "--date", f"{DIGEST_END:%Y-%m-%d}", "--out", out],
                               cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
                wall = time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                times[mode].append((wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime))
    print(f"frontwatch digest from the command line, {runs} runs (cold: {how}):")
    for mode, runs_of in times.items():
        for i, what in ((0, "wall"), (1, "CPU")):
            ts = [r[i] for r in runs_of]
            print(f"  {mode} {what:<4} min {min(ts):.2f} s   median {statistics.median(ts):.2f} s   max {max(ts):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--day-posts", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5, help="passes over the query set")
    parser.add_argument("--store", type=Path, default=None,
                        help="keep the generated store at this path; an existing one is measured as it is"
                             " (build once, then iterate on queries without rebuilding)")
    parser.add_argument("--digest-runs", type=int, default=3, help="cold and warm runs of `frontwatch digest`")
    parser.add_argument("--digest-child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.digest_child:
        digest_child(args.digest_child)
        return
    with tempfile.TemporaryDirectory(prefix="frontwatch-bench-") as tmp:
        path = args.store or Path(tmp) / "bench.sqlite"
        if args.store is None or not args.store.exists():
            asyncio.run(_create(path))
            # Generation runs in its own process, so the peak memory below is the bot's alone.
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
                info = pool.submit(generate, path, args.posts, args.day_posts).result()
            print(f"store benchmark: {args.posts:,} posts ({info['source']}), written through "
                  f"write_new_posts in {info['seconds']:.0f} s ({args.posts / info['seconds']:,.0f} posts/s), "
                  f"{info['size_mb']:.0f} MB", flush=True)
        else:
            print(f"store benchmark: the store {path} as it is ({path.stat().st_size / 1e6:,.0f} MB)", flush=True)
        bench_digest_cold(path)
        bench_digest_cli(path, args.digest_runs)
        detector = Detector.from_config(ROOT / "config")
        asyncio.run(measure(path, detector, args.repeats))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    generator = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: {own:.0f} MB RSS for the detector, search and digest over the store"
          + (f" (generating it took {generator:.0f} MB in a separate process)" if generator else ""))


async def _create(path: Path) -> None:
    store = await Store.open(path)
    await store.close()


if __name__ == "__main__":
    main()
