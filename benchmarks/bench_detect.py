"""How fast and big the detector is, with and without every settlement, against the substring
method and grep over the same forms, in one run.

    python benchmarks/bench_detect.py [--posts N]

Posts are real Russian channel posts from ../shared/corpus/news-2024 (read in place, never
copied), mixed with sentences of our own in Russian, Ukrainian and English, most of them
irrelevant as a monitor's day is. Nothing is written into the repository; grep reads a
temporary file that is removed afterwards.
"""

from __future__ import annotations

import argparse
import gc
import glob
import itertools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.detect import Detector  # noqa: E402
from bot.detect.config import read_places, read_topics  # noqa: E402
from bot.detect.gazetteer import build_gazetteer  # noqa: E402
from bot.detect.settlements import load_book  # noqa: E402
from bot.detect.topics import build_topics  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "news-2024"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"

OWN = [  # half of them relevant, so the mix is about one post in eight flagged
    "Власти города объявили о ремонте трёх мостов: движение будет ограничено до конца месяца, объезд по набережной.",
    "Сегодня в парке пройдёт фестиваль уличной еды, вход свободный, начало в полдень, музыка до позднего вечера.",
    "Курс рубля к доллару снизился на торгах, аналитики ожидают колебаний до конца недели из-за налоговых выплат.",
    "ВСУ отошли от Купянска на новые позиции, противник продолжает давить с севера, идут тяжёлые бои.",
    "На Покровском направлении отражены шесть атак, противник потерял два танка и до взвода пехоты.",
    "Вчера вечером в Харькове снова гремело: горит склад у вокзала, без света остались три района.",
    "Сьогодні у місті відкрили оновлену бібліотеку: нові книжки, зала для дітей і безкоштовний інтернет для всіх.",
    "Погода на вихідні: без опадів, вдень до плюс двадцяти, вночі прохолодно, вітер північно-західний.",
    "Під Часовим Яром наша рота відійшла на запасний рубіж, тримаємо канал і висоту.",
    "У Запоріжжі пролунали вибухи, у місті оголошено повітряну тривогу, мешканців просять бути в укриттях.",
    "The central bank kept interest rates unchanged, citing persistent inflation and a tight labour market.",
    "A new smartphone with three cameras goes on sale next month; the price has not been announced yet.",
    "A brigade spokesman said Russian assault groups pulled back toward Kreminna after losing six vehicles.",
    "Drones were shot down over the Kursk region overnight, the governor said; no casualties were reported.",
    "Рецепт дня: сырники с изюмом и ванилью, подавать со сметаной и свежими ягодами.",
    "Верстальщики, спасите: таблица съезжает, а отступ у второй строки никак не выставляется.",
]


def resident_mb() -> float:
    """Resident memory now (Linux), which unlike tracemalloc counts the automaton's native memory."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * resource.getpagesize() / 2**20


def build_posts(count: int) -> tuple[list[str], str]:
    corpus: list[str] = []
    for path in sorted(glob.glob(str(CORPUS / "*.json"))):
        with open(path, encoding="utf-8") as fh:
            corpus += [item["text"] for item in json.load(fh) if item.get("text")]
    source = f"{len(corpus)} corpus posts + {len(OWN)} own sentences" if corpus else f"{len(OWN)} own sentences only"
    posts: list[str] = []
    own = itertools.cycle(OWN)
    real = itertools.cycle(corpus) if corpus else None
    for i in range(count):
        if real is not None and i % 8:
            text = next(real)
            posts.append(f"{text}\n\n{next(own)}" if i % 9 == 0 else text)
        else:
            posts.append(f"{next(own)} {next(own)}" if i % 3 == 0 else next(own))
    return posts, source


def time_detector(detector: Detector, posts: list[str], runs: int = 5) -> list[float]:
    """CPU seconds of each run over all posts (the machine is shared: CPU time, not wall)."""
    # langdetect loads its language profiles on first use (about half a second, once)
    detector.detect("Der Bundestag hat heute ein neues Gesetz zur Begrenzung der Mieten beschlossen.")
    for post in posts[:2000]:
        detector.detect(post)
    out = []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            started = time.process_time()
            for post in posts:
                detector.detect(post)
            out.append(time.process_time() - started)
        finally:
            gc.enable()
    return sorted(out)


def dense_posts(count: int) -> list[str]:
    """Every post about the front: the labelled dev posts that name places, cycled."""
    texts = [item["text"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()
             for item in [json.loads(line)] if item.get("places")] if DEV.exists() else []
    texts = texts or [t for t in OWN if any(w in t for w in ("ВСУ", "Покров", "Харьков", "Часов", "Kreminna"))]
    return list(itertools.islice(itertools.cycle(texts), count))


def places_per_10k(detector: Detector, posts: list[str]) -> tuple[float, float]:
    """Place hits per 10,000 posts, and of them settlements beyond places.toml (UA… ids)."""
    hits = settlements = 0
    for post in posts:
        for place_id in detector.detect(post).place_ids:
            hits += 1
            settlements += place_id.startswith("UA")
    return hits * 10_000 / len(posts), settlements * 10_000 / len(posts)


def time_naive(forms: list[str], posts: list[str]) -> float:
    started = time.perf_counter()
    for post in posts:
        low = post.lower()
        [form for form in forms if form in low]
    return time.perf_counter() - started


def time_grep(forms: list[str], posts: list[str]) -> float | None:
    if shutil.which("grep") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        forms_file = Path(tmp) / "forms.txt"
        posts_file = Path(tmp) / "posts.txt"
        forms_file.write_text("\n".join(forms) + "\n", encoding="utf-8")
        posts_file.write_text("\n".join(p.replace("\n", " ") for p in posts) + "\n", encoding="utf-8")
        env = {**os.environ, "LC_ALL": "C.UTF-8"}
        # Output goes to a pipe that is read to the end: with stdout on /dev/null GNU grep
        # stops at the first match, which measures nothing. -n prints every matching line.
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(["grep", "-F", "-i", "-n", "-f", str(forms_file), str(posts_file)], env=env,
                              stdout=subprocess.PIPE, check=False)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode > 1:
            raise RuntimeError(f"grep failed with exit code {done.returncode}")
        matched = done.stdout.count(b"\n")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"grep: {matched:,} matching posts of {len(posts):,}, {elapsed:.2f} s wall, {cpu:.2f} s CPU")
        return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=120_000)
    parser.add_argument("--naive-sample", type=int, default=200)
    parser.add_argument("--grep-sample", type=int, default=300)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    resident_before = resident_mb()
    started = time.process_time()
    detector = Detector.from_config(ROOT / "config")
    load = time.process_time() - started
    detector_rss_mb = resident_mb() - resident_before
    peak_after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gazetteer = build_gazetteer(read_places(ROOT / "config" / "places.toml"))
    before = Detector(gazetteer, build_topics(read_topics(ROOT / "config" / "topics.toml")))
    book = load_book()
    forms = sorted(set(detector.surface_forms()) | set(book.forms))

    posts, source = build_posts(args.posts)
    chars = sum(map(len, posts)) / len(posts)
    dense = dense_posts(min(args.posts, 30_000))

    def rates(d: Detector, stream: list[str]) -> str:
        seconds = time_detector(d, stream)
        low, mid, high = (len(stream) / t for t in (seconds[-1], seconds[len(seconds) // 2], seconds[0]))
        return f"{mid:>10,.0f} ({low:,.0f}–{high:,.0f})"

    print(f"realistic stream: {len(posts):,} posts ({source}), {chars:.0f} characters on average; "
          f"dense stream: {len(dense):,} labelled posts that all name places")
    print(f"surface forms: {len(detector.surface_forms()):,} of places.toml + {len(book.forms):,} of "
          f"{len(book.settlements):,} settlements = {len(forms):,}")
    print()
    print("posts/s on one core, CPU time, median (min–max) of 5 runs")
    print(f"{'':<46} {'realistic':>26} {'dense':>26}")
    print(f"{'detector, places.toml only (before)':<46} {rates(before, posts):>26} {rates(before, dense):>26}")
    print(f"{'detector with every settlement (after)':<46} {rates(detector, posts):>26} {rates(detector, dense):>26}")

    sample = posts[: args.naive_sample]
    naive_rate = len(sample) / time_naive(forms, sample)
    print(f"{f'substring test of every form (on {len(sample):,} posts)':<46} {naive_rate:>10,.0f}")
    # grep -F -i over 400,000 forms reads about ten posts a second (case folding of UTF-8
    # patterns), so it runs on a sample; over the places.toml forms alone, on the whole stream
    old_forms = sorted(detector.surface_forms())
    for label, these, stream in (("every form", forms, posts[: args.grep_sample]),
                                 ("every form", forms, dense[: args.grep_sample]),
                                 ("places.toml forms (before)", old_forms, posts),
                                 ("places.toml forms (before)", old_forms, dense)):
        grep_seconds = time_grep(these, stream)
        name = "realistic" if stream[0] == posts[0] else "dense"
        if grep_seconds is None:
            print(f"{'grep -F -i -f forms':<46} {'not installed':>10}")
        else:
            print(f"{f'grep -F -i -f {label}, {name} ({len(stream):,})':<60} {len(stream) / grep_seconds:>10,.0f}")
    print()
    load_book.cache_clear()
    tracemalloc.start()
    Detector.from_config(ROOT / "config")
    detector_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"load (places.toml, topics, {len(book.settlements):,} settlements): {load:.2f} s CPU")
    print(f"memory: resident growth of the detector {detector_rss_mb:.0f} MB (automata included), process peak "
          f"right after loading it {peak_after_load:.0f} MB (ru_maxrss); Python objects of a second load "
          f"{detector_mb:.0f} MB (tracemalloc)")
    if CORPUS.exists():
        news = [text for path in sorted(glob.glob(str(CORPUS / "*.json")))
                for item in json.load(open(path, encoding="utf-8")) if (text := item.get("text"))]
        b_all, _ = places_per_10k(before, news)
        a_all, a_new = places_per_10k(detector, news)
        print(f"places found per 10,000 real news posts ({len(news):,}, news-2024): before {b_all:.0f}, "
              f"after {a_all:.0f} ({a_new:.0f} of them settlements beyond places.toml)")
    print("targets: >= 40,000 posts/s realistic; load <= 1.5 s; detector resident <= 300 MB")


if __name__ == "__main__":
    main()
