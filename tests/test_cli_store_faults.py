"""A store that cannot be used stops the command at once with one line naming the file and
the problem, never a traceback and never a hang (the real CLI, in a process, under a timeout)."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config"
CORPUS = ROOT / "corpus" / "demo"
LIMIT = 60  # seconds: a hung process fails the test instead of hanging the suite


def frontwatch(*args: str, cwd: Path, preexec_fn=None, pythonpath: list[str] = ()) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, capture_output=True, text=True,
                              timeout=LIMIT, preexec_fn=preexec_fn,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join([*pythonpath, str(ROOT)])})
    except subprocess.TimeoutExpired:
        pytest.fail(f"frontwatch {' '.join(args)} hung")


def one_error_line(done: subprocess.CompletedProcess, path: Path) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-3000:]
    assert lines[0].startswith("frontwatch: error: ") and str(path) in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def stocked_db(tmp_path_factory) -> Path:
    """A real store with every post of the demo corpus in it."""
    folder = tmp_path_factory.mktemp("stocked")
    done = frontwatch("replay", "--config", str(CONFIG), "--db", str(folder / "fw.sqlite"), "--quiet", str(CORPUS),
                      cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder / "fw.sqlite"


def test_a_file_of_random_bytes_as_db_is_one_line_and_status_2(tmp_path):
    db = tmp_path / "random.sqlite"
    db.write_bytes(os.urandom(64 * 1024))
    done = frontwatch("search", "--config", str(CONFIG), "--db", str(db), "Izium", cwd=tmp_path)
    assert done.returncode == 2
    assert "not a SQLite database" in one_error_line(done, db)


def test_a_text_file_as_db_is_one_line_and_status_2(tmp_path):
    db = tmp_path / "notes.txt"
    db.write_text("channels I follow:\n@ru_blog\n@ua_staff\n", encoding="utf-8")
    done = frontwatch("digest", "--config", str(CONFIG), "--db", str(db), "--out", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2
    assert "not a SQLite database" in one_error_line(done, db)
    assert db.read_text(encoding="utf-8").startswith("channels I follow"), "the file is left as it was"


def test_a_corrupted_database_is_found_when_it_is_opened(tmp_path, stocked_db):
    db = tmp_path / "corrupt.sqlite"
    shutil.copy(stocked_db, db)
    page = sqlite3.connect(stocked_db).execute("PRAGMA page_size").fetchone()[0]
    with open(db, "r+b") as f:  # the header page stays intact, the pages after it are garbage
        f.seek(page * 2)
        f.write(b"\xff\x00garbage" * (page // 4))
    done = frontwatch("search", "--config", str(CONFIG), "--db", str(db), "Izium", cwd=tmp_path)
    assert done.returncode == 2
    assert "corrupt" in one_error_line(done, db)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's read-only /proc")
def test_a_db_in_a_folder_that_cannot_be_written_is_one_line_and_status_2(tmp_path):
    db = Path("/proc/frontwatch-test/fw.sqlite")  # read-only for root too
    done = frontwatch("replay", "--config", str(CONFIG), "--db", str(db), "--quiet", str(CORPUS), cwd=tmp_path)
    assert done.returncode == 2
    one_error_line(done, db)


def _read_only(path: Path):
    """Root ignores file modes; an immutable file (chattr +i) is read-only for root too."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        return lambda: path.chmod(0o644)
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("running as root where chattr +i is not available")
    return lambda: subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_database_is_one_line_and_a_non_zero_status_when_the_command_writes(tmp_path):
    db = tmp_path / "fw.sqlite"
    sqlite3.connect(db).execute("CREATE TABLE unrelated (x)").connection.close()  # not yet in WAL mode
    undo = _read_only(db)
    try:
        done = frontwatch("replay", "--config", str(CONFIG), "--db", str(db), "--quiet", str(CORPUS), cwd=tmp_path)
    finally:
        undo()
    assert done.returncode != 0
    assert "read-only" in one_error_line(done, db)


def test_a_full_disk_stops_replay_with_one_line_and_no_summary_of_posts_not_stored(tmp_path):
    db = tmp_path / "fw.sqlite"

    def small_disk() -> None:  # writes past 300 kB fail as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    done = frontwatch("replay", "--config", str(CONFIG), "--db", str(db), "--quiet", str(CORPUS), cwd=tmp_path,
                      preexec_fn=small_disk)
    assert done.returncode != 0
    line = one_error_line(done, db)
    assert "full" in line or "I/O" in line
    assert "replayed" not in done.stdout, "no summary counting posts that were not stored"
