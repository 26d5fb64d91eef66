"""Commands that never talk to Telegram start without importing Telethon (a third of a
second of every start); only `login` and `run` need it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Runs each command in turn in one interpreter and reports the first that imported Telethon.
PROBE = """
import json, sys
from bot.cli import main
for argv in json.loads(sys.argv[1]):
    status = main(argv)
    if "telethon" in sys.modules:
        print("IMPORTED-BY", argv[0], flush=True)
        sys.exit(1)
    if status != 0:
        print("FAILED", argv[0], status, flush=True)
        sys.exit(1)
print("NO-TELETHON", flush=True)
"""


def test_offline_commands_never_import_telethon(tmp_path):
    config = str(ROOT / "config")
    labelled = tmp_path / "set.jsonl"
    labelled.write_text(json.dumps({"id": "a", "lang": "ru", "text": "ВСУ отошли от Купянска",
                                    "places": ["kupiansk"], "withdrawal": True}, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    db = str(tmp_path / "demo" / "frontwatch.sqlite")
    commands = [
        ["check", "--config", config, "ВСУ отошли от Купянска"],
        ["eval", "--config", config, str(labelled)],
        ["demo", "--config", config, "--out", str(tmp_path / "demo"), "--quiet"],
        ["search", "--config", config, "--db", db, "Купянск"],
        ["digest", "--config", config, "--db", db, "--out", str(tmp_path / "digest")],
    ]
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(commands)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert "NO-TELETHON" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]


def test_the_live_commands_are_still_offered():
    done = subprocess.run([sys.executable, "-m", "bot", "--help"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert "login" in done.stdout and "run" in done.stdout


def test_the_digest_reads_the_store_without_loading_the_detector(tmp_path):
    """The report names places it stored: the detector's modules (a tenth of a second of a
    cold start) are for reading posts, which the digest does not do."""
    config = str(ROOT / "config")
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "bot", "demo", "--config", config, "--out", str(tmp_path / "demo"),
                    "--quiet"], cwd=tmp_path, check=True, capture_output=True, timeout=120, env=env)
    probe = ("import sys\nfrom bot.cli import main\nstatus = main(sys.argv[1:])\n"
             "print(status, 'DETECTOR' if 'bot.detect.detector' in sys.modules else 'NO-DETECTOR', flush=True)\n")
    done = subprocess.run([sys.executable, "-c", probe, "digest", "--config", config,
                           "--db", str(tmp_path / "demo" / "frontwatch.sqlite"), "--out", str(tmp_path / "digest")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert "0 NO-DETECTOR" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
