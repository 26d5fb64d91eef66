"""What `frontwatch run` can honestly say about itself to a container's health check.

The service rewrites a small heartbeat file beside the store every minute from its event
loop: a fresh file means the loop is turning (not hung, not dead), and it carries whether
both Telegram connections were up at that moment. `frontwatch health` reads it in a
separate process, so a health check never touches the store's locks or Telegram.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 60.0
#: Three missed beats: a slow disk or a long FloodWait is not yet a hang.
STALE_AFTER = timedelta(seconds=3 * HEARTBEAT_SECONDS)


def heartbeat_path(db_path: Path | str, role: str = "all") -> Path:
    """Beside the SQLite file; with a PostgreSQL store, in var/ of the machine the process runs on
    (each role has its own, as each may run on a machine of its own)."""
    if isinstance(db_path, str):
        return Path("var") / ("frontwatch.heartbeat" if role == "all" else f"frontwatch-{role}.heartbeat")
    suffix = ".heartbeat" if role == "all" else f".{role}.heartbeat"
    return db_path.with_name(db_path.name + suffix)


def write_heartbeat(path: Path, when: datetime, connected: dict[str, bool]) -> None:
    """Written whole then renamed, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"at": when.isoformat(), "connected": connected}), encoding="utf-8")
    os.replace(tmp, path)


async def beat(path: Path, stop: asyncio.Event, clients: dict[str, Any], clock: Callable[[], datetime],
               interval: float = HEARTBEAT_SECONDS) -> None:
    """Until stop; the file is removed on the way out, so a stopped service reads as stopped."""
    try:
        while not stop.is_set():
            try:
                write_heartbeat(path, clock(), {name: bool(c.is_connected()) for name, c in clients.items()})
            except OSError as exc:
                log.warning("could not write the heartbeat %s (%s)", path, exc.strerror)
            try:
                await asyncio.wait_for(stop.wait(), interval)
            except asyncio.TimeoutError:
                pass
    finally:
        path.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    message: str


def check_health(path: Path, now: datetime, stale_after: timedelta = STALE_AFTER) -> Health:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        at = datetime.fromisoformat(data["at"])
        connected = {str(k): bool(v) for k, v in data["connected"].items()}
    except FileNotFoundError:
        return Health(False, f"no heartbeat at {path}: `frontwatch run` is not running (or uses another --db)")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Health(False, f"unreadable heartbeat at {path}")
    age = now - at
    if age > stale_after:
        return Health(False, f"last heartbeat {int(age.total_seconds())} s ago: the service is stuck or gone")
    down = sorted(name for name, up in connected.items() if not up)
    if down:
        return Health(False, f"running, but not connected to Telegram: {', '.join(down)} session")
    return Health(True, f"running; heartbeat {int(age.total_seconds())} s ago; "
                        f"{', '.join(sorted(connected))} sessions connected")
