"""Store benchmark: search over 1,000,000 posts, the digest of a 100,000-post day, peak memory.

The posts are written straight into a temporary SQLite file through the real schema
(`Store.open` runs the migrations) with `executemany`, folded the way the pipeline folds
them, so the measured queries are the ones the bot runs. Text is realistic: sentences of
real Russian-language channel posts from ../shared/corpus/news-2024 when it is there,
mixed with war reports in Russian, Ukrainian and English that name places (with their
place ids, as the detector would have stored them) and withdrawals.

Nothing is written into the repository; the temporary directory is removed at the end.
Run: .venv/bin/python benchmarks/bench_store.py [--posts N] [--day-posts N]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import json
import multiprocessing
import random
import re
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.detect import Detector  # noqa: E402
from bot.detect.normalize import fold  # noqa: E402
from bot.digest import build_digest, chart_png, render_digest  # noqa: E402
from bot.query import Archive, Filters  # noqa: E402
from bot.search import result_blocks  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.db import iso, place_token  # noqa: E402

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
    folded: dict[str, str] = {}

    def f(sentence: str) -> str:
        out = folded.get(sentence)
        if out is None:
            out = folded[sentence] = fold(sentence)
        return out

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-200000")
    channels = []
    for i in range(300):
        side = ("ru", "ua", "other")[i % 3]
        channels.append((1_500_000_000 + i, f"chan{i}", f"Channel {i}", side, ("milblogger", "official", "media")[i % 3]))
    conn.executemany("INSERT INTO channels(id, username, title, side, kind, followed, updated_at)"
                     " VALUES (?, ?, ?, ?, ?, 1, '2026-11-01T00:00:00+00:00')", channels)
    started = time.perf_counter()
    post_id = 0
    message_ids = {c[0]: 0 for c in channels}
    for day_start, count in day_plan(total, day_posts):
        offsets = sorted(rng.random() * 86400 for _ in range(count))
        for chunk in range(0, count, 20_000):
            posts, fts, pplaces, ptopics, dets = [], [], [], [], []
            for off in offsets[chunk:chunk + 20_000]:
                post_id += 1
                channel = channels[int(rng.paretovariate(1.2)) % len(channels)]
                message_ids[channel[0]] += 1
                parts = [rng.choice(background) for _ in range(rng.randint(1, 3))]
                place_ids: list[str] = []
                withdrawal = False
                if rng.random() < 0.12:
                    sentence, pid, withdrawal = rng.choice(war)
                    parts.insert(rng.randint(0, len(parts)), sentence)
                    place_ids.append(pid)
                text = " ".join(parts)
                when = day_start + timedelta(seconds=off)
                deleted = iso(when + timedelta(minutes=30)) if rng.random() < 0.005 else None
                msg = message_ids[channel[0]]
                posts.append((post_id, channel[0], msg, iso(when), text, f"https://t.me/{channel[1]}/{msg}",
                              deleted, iso(when + timedelta(seconds=3))))
                fts.append((post_id, " ".join(f(p) for p in parts), " ".join(place_token(p) for p in place_ids)))
                pplaces += [(post_id, p) for p in place_ids]
                topics = ["withdrawal"] if withdrawal else []
                ptopics += [(post_id, t) for t in topics]
                dets.append((post_id, "ru", json.dumps(place_ids), json.dumps(topics), "[]"))
            conn.executemany("INSERT INTO posts(id, channel_id, message_id, date, text, link, deleted_at, stored_at)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", posts)
            conn.executemany("INSERT INTO posts_fts(rowid, text, places) VALUES (?, ?, ?)", fts)
            conn.executemany("INSERT INTO post_places(post_id, place_id) VALUES (?, ?)", pplaces)
            conn.executemany("INSERT INTO post_topics(post_id, topic_id) VALUES (?, ?)", ptopics)
            conn.executemany("INSERT INTO detections(post_id, language, places, topics, matches)"
                             " VALUES (?, ?, ?, ?, ?)", dets)
            conn.commit()
    generated = time.perf_counter() - started
    _corroborations(conn, rng)
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    sample = rng.sample(list(folded), min(500, len(folded)))
    joined_ok = sum(fold(a + " " + b) == folded[a] + " " + folded[b] for a, b in zip(sample, reversed(sample)))
    return {"seconds": generated, "source": source, "fold_consistency": joined_ok / max(1, len(sample)),
            "size_mb": path.stat().st_size / 1e6}


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


QUERIES = {
    "place, ru": ["Изюм", "Купянске", "Харьков", "Бахмута", "Покровск"],
    "place, uk": ["Ізюмі", "Куп'янськ", "Харкові", "Бахмуті", "Покровська"],
    "place, en": ["Izyum", "Kupyansk", "Kharkov", "Bakhmut", "Pokrovsk"],
    "word, inflected": ["отступили", "відступили", "withdrawal", "обстрелы", "взрывов", "смартфоны"],
    "place + word": ["Изюм отступили", "Kupiansk withdrew", "Харків бої"],
    "rare word": ["гололёд", "электропередачи", "Sexdivers"],
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def bench_search(store: Store, detector: Detector, repeats: int) -> dict[str, list[float]]:
    archive = Archive(store, detector, "Europe/Kyiv")
    times: dict[str, list[float]] = {}
    for _ in range(repeats):
        for kind, queries in QUERIES.items():
            for q in queries:
                t0 = time.perf_counter()
                page = await archive.search(Filters(q=q), limit=10)
                list(result_blocks(page.items, "Europe/Kyiv"))
                times.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
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
        everything = [t for ts in times.values() for t in ts]
        print(f"search (10 newest, with highlighted snippets), {len(everything)} queries; first, cold: {cold:.1f} ms")
        for kind, ts in times.items():
            print(f"  {kind:<16} p50 {statistics.median(ts):7.1f} ms   p95 {percentile(ts, 0.95):7.1f} ms"
                  f"   max {max(ts):7.1f} ms")
        print(f"  {'all':<16} p50 {statistics.median(everything):7.1f} ms   "
              f"p95 {percentile(everything, 0.95):7.1f} ms   max {max(everything):7.1f} ms")

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--day-posts", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5, help="passes over the query set")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="frontwatch-bench-") as tmp:
        path = Path(tmp) / "bench.sqlite"
        asyncio.run(_create(path))
        # Generation runs in its own process, so the peak memory below is the bot's alone.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            info = pool.submit(generate, path, args.posts, args.day_posts).result()
        print(f"store benchmark: {args.posts:,} posts ({info['source']}), written in {info['seconds']:.0f} s, "
              f"{info['size_mb']:.0f} MB; folding sentence by sentence matches folding whole posts in "
              f"{info['fold_consistency']:.0%} of samples")
        detector = Detector.from_config(ROOT / "config")
        asyncio.run(measure(path, detector, args.repeats))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    generator = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: {own:.0f} MB RSS for the detector, search and digest over the {args.posts:,}-post store "
          f"(generating it took {generator:.0f} MB in a separate process)")


async def _create(path: Path) -> None:
    store = await Store.open(path)
    await store.close()


if __name__ == "__main__":
    main()
