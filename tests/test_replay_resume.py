"""`frontwatch replay` killed with SIGKILL at random points and started again ends with the
store a clean run makes: every post, version, detection, alert and outbox row, none twice."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHANNELS = {1600000001: "ru", 1600000002: "ua", 1600000003: "ru", 1600000004: "ua", 1600000005: "other"}
PLACES = ["Работино", "Купянска", "Изюма", "Бахмута", "Авдеевки", "Покровска", "Часова Яра", "Волчанска"]
START = 1795168800
#: Columns that record when a row was stored or sent, and the terminal's own alert numbers.
WHEN_STORED = {"stored_at", "recorded_at", "created_at", "sent_at", "updated_at", "tg_message_id", "random_id"}


def _text(rng: random.Random, i: int) -> str:
    roll = rng.random()
    place = rng.choice(PLACES)
    if roll < 0.25:
        return f"ВСУ отступили из {place}. Сводка {i}."
    if roll < 0.4:
        return f"Бои у {place}, сообщение {i}."
    return f"Погода на {i}-й день: облачно, без осадков."


def make_export(root: Path, seed: int, posts: int) -> None:
    """Channels exported once each, plus a later export of two channels with edited versions;
    some posts forward another channel's post word for word."""
    rng = random.Random(seed)
    messages: dict[int, list[dict]] = {cid: [] for cid in CHANNELS}
    sent: list[tuple[int, dict]] = []
    for i in range(posts):
        cid = rng.choice(list(CHANNELS))
        entry = {"id": len(messages[cid]) + 1, "type": "message", "date_unixtime": str(START + 37 * i),
                 "text": _text(rng, i)}
        if sent and rng.random() < 0.1:
            origin_cid, origin = rng.choice(sent[-50:])
            if origin_cid != cid:
                entry.update(text=origin["text"], forwarded_from=f"Канал {origin_cid}",
                             forwarded_from_id=f"channel{origin_cid}")
        messages[cid].append(entry)
        sent.append((cid, entry))
    for cid, entries in messages.items():
        _write(root / f"first-{cid}", cid, entries)
    for cid in list(CHANNELS)[:2]:
        edited = [dict(m, text=m["text"] + f" Уточнение: бои у {rng.choice(PLACES)}.",
                       edited_unixtime=str(int(m["date_unixtime"]) + 600))
                  for m in rng.sample(messages[cid], len(messages[cid]) // 10)]
        _write(root / f"later-{cid}", cid, sorted(edited, key=lambda m: m["id"]))


def _write(folder: Path, cid: int, messages: list[dict]) -> None:
    folder.mkdir(parents=True)
    data = {"name": f"Канал {cid}", "type": "public_channel", "id": cid, "messages": messages}
    (folder / "result.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _channels_toml(path: Path) -> Path:
    path.write_text("".join(f'[[channel]]\nid = {cid}\nname = "Канал {cid}"\nside = "{side}"\nkind = "milblogger"\n\n'
                            for cid, side in CHANNELS.items()), encoding="utf-8")
    return path


def _replay(export: Path, db: Path, channels: Path, cwd: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRONTWATCH_", "TG_"))}
    env["TMPDIR"] = str(cwd / "tmp")
    return subprocess.Popen([sys.executable, "-m", "bot", "replay", str(export), "--db", str(db), "--quiet",
                             "--config", str(ROOT / "config"), "--channels", str(channels)],
                            cwd=cwd, env={**env, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _stored_posts(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM posts").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def _finish(proc: subprocess.Popen) -> str:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
    return out


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every table but the replay's own position and the search index's shadow tables, without
    the columns saying when a row was stored."""
    with sqlite3.connect(db) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'posts_fts%'"
            " AND name NOT LIKE 'sqlite_%' AND name != 'settings' ORDER BY name")]
        out = {}
        for table in tables:
            columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})") if c[1] not in WHEN_STORED]
            out[table] = sorted(conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall(),
                                key=repr)
        return out


@pytest.mark.parametrize("seed", [12])
def test_a_replay_killed_at_random_points_and_restarted_stores_what_a_clean_run_stores(tmp_path, seed):
    export = tmp_path / "export"
    make_export(export, seed, posts=2500)
    channels = _channels_toml(tmp_path / "channels.toml")
    (tmp_path / "tmp").mkdir()
    rng = random.Random(seed)

    clean_db = tmp_path / "clean.sqlite"
    _finish(_replay(export, clean_db, channels, tmp_path))
    clean = dump(clean_db)
    assert len(clean["posts"]) == 2500 and len(clean["alerts"]) > 20 and len(clean["alert_posts"]) > len(clean["alerts"])
    assert any(row for row in clean["post_versions"]) and len(clean["post_versions"]) > 2500

    db = tmp_path / "killed.sqlite"
    proc = _replay(export, db, channels, tmp_path)
    time.sleep(rng.uniform(0.2, 1.5))  # while it starts or reads the export
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kills = 1
    for target in sorted(rng.sample(range(200, 2400), 4)):
        proc = _replay(export, db, channels, tmp_path)
        deadline = time.monotonic() + 120
        while _stored_posts(db) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
    out = _finish(_replay(export, db, channels, tmp_path))
    assert kills == 5 and "resumed an interrupted replay" in out
    assert dump(db) == clean
    assert not list((tmp_path / "tmp").iterdir()), "a killed replay's sorted runs were left behind"
