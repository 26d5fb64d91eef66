"""Start-up cost of an offline command: `frontwatch check` as shipped (Telethon is not
imported) against the same command with Telethon imported first, as every command did
before only `login` and `run` imported it.

Each side is a fresh interpreter doing the whole command; they alternate, and the CPU time
of each child (user + system) is reported, since the machine is shared.
Run: .venv/bin/python benchmarks/bench_start.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMAND = ["check", "--config", str(ROOT / "config"), "ВСУ отошли от Купянска"]
SIDES = {
    "as shipped": "from bot.cli import main; raise SystemExit(main(sys.argv[1:]))",
    "Telethon imported too": "import telethon; from bot.cli import main; raise SystemExit(main(sys.argv[1:]))",
}


def child_cpu(code: str) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", f"import sys; {code}", *COMMAND], cwd=ROOT, check=True,
                   capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    seconds: dict[str, list[float]] = {name: [] for name in SIDES}
    for _ in range(args.repeats):
        for name, code in SIDES.items():
            seconds[name].append(child_cpu(code))
    print(f"frontwatch check, {args.repeats} starts per side, CPU time of the whole process:")
    for name, ts in seconds.items():
        print(f"  {name:<22} min {min(ts) * 1000:4.0f} ms  median {statistics.median(ts) * 1000:4.0f} ms  "
              f"max {max(ts) * 1000:4.0f} ms")


if __name__ == "__main__":
    main()
