"""`frontwatch health`: what a container's HEALTHCHECK asks of the running service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main
from bot.health import check_health, heartbeat_path, write_heartbeat
from tests.test_service_run import Running


def health(tmp_path, capsys) -> tuple[int, str]:
    status = main(["health", "--db", str(tmp_path / "fw.sqlite")])
    captured = capsys.readouterr()
    return status, (captured.out + captured.err).strip()


def test_health_fails_when_the_service_has_never_run(tmp_path, capsys):
    status, said = health(tmp_path, capsys)
    assert status == 1 and "unhealthy: no heartbeat" in said and "not running" in said


@pytest.mark.parametrize("age, connected, ok, expected", [
    (timedelta(seconds=20), {"user": True, "bot": True}, True, "healthy: running; heartbeat 20 s ago"),
    (timedelta(minutes=10), {"user": True, "bot": True}, False, "last heartbeat 600 s ago: the service is stuck"),
    (timedelta(seconds=5), {"user": False, "bot": True}, False, "not connected to Telegram: user session"),
])
def test_health_reports_a_stale_heartbeat_or_a_lost_connection(tmp_path, capsys, age, connected, ok, expected):
    write_heartbeat(heartbeat_path(tmp_path / "fw.sqlite"), datetime.now(UTC) - age, connected)
    status, said = health(tmp_path, capsys)
    assert (status == 0) is ok and expected in said


def test_a_garbled_heartbeat_is_unhealthy_not_a_traceback(tmp_path, capsys):
    heartbeat_path(tmp_path / "fw.sqlite").write_bytes(b"\xff{not json")
    status, said = health(tmp_path, capsys)
    assert status == 1 and "unreadable heartbeat" in said


async def test_the_running_service_keeps_a_heartbeat_and_removes_it_when_stopped(tmp_path, detector):
    async with Running(tmp_path, detector) as run:
        beat = heartbeat_path(run.settings.db_path)
        await run.until(beat.exists, "a heartbeat written")
        assert check_health(beat, datetime.now(UTC)).ok
    assert not beat.exists()
