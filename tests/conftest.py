from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.channels import Channel
from bot.detect import Detector
from bot.post import ForwardOrigin, Post
from bot.settings import AlertSettings
from bot.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector.from_config(ROOT / "config")


@pytest.fixture
def empty_env(tmp_path: Path) -> str:
    """An empty settings file: `--env` must name a file that exists."""
    path = tmp_path / "empty.env"
    path.write_text("")
    return str(path)


#: "sqlite-inline" is the store offline commands (replay) open: statements on the calling thread
BACKENDS = ("sqlite", "sqlite-inline", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module marked `both_backends` runs every test that uses `store` against SQLite (as the
    service and as offline commands open it) and PostgreSQL."""
    marked = metafunc.definition.get_closest_marker
    if "store" in metafunc.fixturenames and marked("both_backends") and not marked("sqlite_only"):
        metafunc.parametrize("store", BACKENDS, indirect=True)


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole run, started only if a test asks for it."""
    from pg_support import start_server

    try:
        server = start_server()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@pytest.fixture
async def store(request: pytest.FixtureRequest, tmp_path: Path):
    kind = getattr(request, "param", "sqlite")
    if kind == "postgresql":
        target: str | Path = request.getfixturevalue("pg_server").fresh_schema()
    else:
        target = tmp_path / "fw.sqlite"
    s = await Store.open(target, inline=kind == "sqlite-inline")
    yield s
    await s.close()


RU_BLOG = Channel(username="ru_blog", id=1000000001, name="Русский блог", side="ru", kind="milblogger")
UA_OFFICIAL = Channel(username="ua_staff", id=1000000002, name="Штаб", side="ua", kind="official")
MEDIA = Channel(username="wire", id=1000000003, name="Wire", side="other", kind="media")


@pytest.fixture
async def channels(store: Store) -> list[Channel]:
    async with store.transaction():
        for ch in (RU_BLOG, UA_OFFICIAL, MEDIA):
            await store.upsert_channel(ch)
    return [RU_BLOG, UA_OFFICIAL, MEDIA]


def at(hour: int, minute: int = 0, day: int = 20) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def make_post(channel: Channel, message_id: int, text: str, when: datetime, *, edit_date: datetime | None = None,
              forward: ForwardOrigin | None = None, late: bool = False) -> Post:
    return Post(channel_id=channel.id, message_id=message_id, date=when, text=text,
                channel_username=channel.username, channel_title=channel.name, edit_date=edit_date,
                forward=forward, late=late)


@pytest.fixture
def alert_settings() -> AlertSettings:
    return AlertSettings()


def entity_text(text: str, entity) -> str:
    """Telegram entity offsets count UTF-16 code units, not Python characters."""
    units = text.encode("utf-16-le")
    return units[2 * entity.offset: 2 * (entity.offset + entity.length)].decode("utf-16-le")
