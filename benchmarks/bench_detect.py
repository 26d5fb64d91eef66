"""How fast the detector is against the naive method and against grep, in one run.

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

CORPUS = ROOT.parent / "shared" / "corpus" / "news-2024"

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


def time_detector(detector: Detector, posts: list[str]) -> float:
    # langdetect loads its language profiles on first use (about half a second, once)
    detector.detect("Der Bundestag hat heute ein neues Gesetz zur Begrenzung der Mieten beschlossen.")
    for post in posts[:2000]:
        detector.detect(post)
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        for post in posts:
            detector.detect(post)
        return time.perf_counter() - started
    finally:
        gc.enable()


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
    parser.add_argument("--naive-sample", type=int, default=2_000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    posts, source = build_posts(args.posts)
    chars = sum(map(len, posts)) / len(posts)

    resident_before = resident_mb()
    started = time.perf_counter()
    detector = Detector.from_config(ROOT / "config")
    build = time.perf_counter() - started
    detector_rss_mb = resident_mb() - resident_before
    tracemalloc.start()
    Detector.from_config(ROOT / "config")
    detector_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    forms = detector.surface_forms()

    detect_seconds = time_detector(detector, posts)
    rate = len(posts) / detect_seconds
    flagged = sum(detector.detect(p).flagged for p in posts[:20_000]) / min(len(posts), 20_000)

    sample = posts[: args.naive_sample]
    naive_rate = len(sample) / time_naive(forms, sample)
    grep_seconds = time_grep(forms, posts)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"posts: {len(posts):,} ({source}), {chars:.0f} characters on average, "
          f"{flagged:.1%} flagged; {len(forms):,} surface forms")
    print()
    print(f"{'method':<60} {'posts/s':>12} {'vs detector':>12}")
    print(f"{'detector.detect (one core)':<60} {rate:>12,.0f} {'1.0x':>12}")
    print(f"{f'naive substring test of every form (on {len(sample):,}, extrapolated)':<60} "
          f"{naive_rate:>12,.0f} {f'{rate / naive_rate:.1f}x':>12}")
    if grep_seconds is not None:
        grep_rate = len(posts) / grep_seconds
        print(f"{'grep -F -i -f forms (floor, no context rules)':<60} {grep_rate:>12,.0f} "
              f"{f'{rate / grep_rate:.2f}x':>12}")
    else:
        print(f"{'grep -F -i -f forms':<60} {'not installed':>12}")
    print()
    print(f"detector build from config: {build * 1000:.0f} ms")
    print(f"memory: detector build peak {detector_mb:.0f} MB of Python objects (tracemalloc), resident growth "
          f"{detector_rss_mb:.0f} MB including the native automaton; whole process peak {peak_mb:.0f} MB "
          f"(ru_maxrss, mostly the {len(posts):,} posts and grep's copy of them)")
    print(f"detector is {rate / naive_rate:.0f}x the naive method; target >= 50,000 posts/s and >= 10x naive")


if __name__ == "__main__":
    main()
