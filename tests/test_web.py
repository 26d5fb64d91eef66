"""The web app over HTTP: who may read, that it never writes, bad parameters, and the exports."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.store import Store
from bot.web.app import WebConfigError, is_loopback, token_required

from web_support import LiveServer, build_demo

PAGES = ["/", "/search?q=Chasiv+Yar+withdrawal", "/map", "/post/shtab_oborony_demo/27410", "/export.csv",
         "/export.json?side=ru", "/places.geojson?action=withdrawal"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, detector) -> Path:
    out = tmp_path_factory.mktemp("webdemo")
    return Path(build_demo(out, detector)["database"])


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8"), dict(error.headers)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_addresses_are_served_without_a_token(host):
    assert is_loopback(host) and token_required(host, None) is False


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "frontwatch.example.org"])
def test_any_other_address_refuses_to_start_without_a_token_and_requires_one_with_it(host):
    with pytest.raises(WebConfigError, match="FRONTWATCH_WEB_TOKEN"):
        token_required(host, None)
    assert token_required(host, "s3cret") is True


def test_on_a_non_loopback_bind_every_request_without_the_token_is_refused(demo_db, detector):
    with LiveServer(demo_db, detector, host="0.0.0.0", token="tok-123") as server:
        for path in [*PAGES, "/static/style.css", "/nowhere"]:
            status, body, _ = get(server.url + path)
            assert status == 401, path
            assert "tok-123" not in body
        assert get(server.url + "/?token=wrong")[0] == 403
        assert get(server.url + "/map", {"Authorization": "Bearer wrong"})[0] == 403
        status, _, headers = get(server.url + "/?token=tok-123")
        assert status == 200
        cookie = headers["Set-Cookie"].split(";")[0]
        assert get(server.url + "/map", {"Cookie": cookie})[0] == 200
        assert get(server.url + "/export.csv", {"Authorization": "Bearer tok-123"})[0] == 200


def test_serving_every_page_never_changes_the_store(demo_db, detector):
    before = hashlib.sha256(demo_db.read_bytes()).hexdigest()
    with LiveServer(demo_db, detector) as server:
        for path in PAGES:
            assert get(server.url + path)[0] == 200, path
    assert hashlib.sha256(demo_db.read_bytes()).hexdigest() == before


async def test_the_web_apps_connection_cannot_write(demo_db):
    store = await Store.open_readonly(demo_db)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await store.execute("DELETE FROM posts")
    finally:
        await store.close()


async def test_a_missing_database_is_an_error_not_a_new_empty_store(tmp_path):
    with pytest.raises(FileNotFoundError, match="no frontwatch database"):
        await Store.open_readonly(tmp_path / "absent.sqlite")
    assert not (tmp_path / "absent.sqlite").exists()


@pytest.mark.parametrize("query, param", [
    ("place=Atlantis", "place"), ("side=blue", "side"), ("channel=@nobody", "channel"), ("action=dance", "action"),
    ("tier=gold", "tier"), ("since=yesterday", "since"), ("until=2026-13-01", "until"),
    ("since=2026-11-23&until=2026-11-20", "until"), ("offset=-5", "offset"),
])
def test_a_bad_parameter_answers_400_naming_it_on_pages_and_exports(demo_db, detector, query, param):
    with LiveServer(demo_db, detector) as server:
        for path in ["/", "/map", "/search", "/export.csv", "/export.json", "/places.geojson"]:
            status, body, _ = get(f"{server.url}{path}?{query}")
            assert status == 400, (path, query)
            assert f"{param}</b>" in body or f"bad parameter {param}:" in body, (path, body[:300])


def test_exports_parse_back_and_agree_with_each_other(demo_db, detector):
    with LiveServer(demo_db, detector) as server:
        _, text, headers = get(server.url + "/export.csv?place=kupiansk")
        assert headers["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(text)))
        _, body, _ = get(server.url + "/export.json?place=kupiansk")
        data = json.loads(body)
        _, geo, headers = get(server.url + "/places.geojson?place=kupiansk")
        features = json.loads(geo)["features"]
    assert data["filters"] == {"place": "kupiansk"}
    assert [r["link"] for r in rows] == [i["link"] for i in data["items"]] and rows
    assert all("Kupiansk" in i["places"] for i in data["items"])
    assert headers["Content-Type"].startswith("application/geo+json")
    [feature] = features
    assert feature["properties"]["id"] == "kupiansk" and feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert 37 < lon < 38.5 and 49 < lat < 50.5
    # forwards and copies count once: the place's story count equals the exported stories
    assert feature["properties"]["posts"] == len(data["items"])


def test_exported_forwards_are_folded_into_the_first_post(demo_db, detector):
    with LiveServer(demo_db, detector) as server:
        data = json.loads(get(server.url + "/export.json?channel=shtab_oborony_demo")[1])
    origin = next(i for i in data["items"] if i["link"].endswith("/27410"))
    assert origin["also_in"] == ["https://t.me/vostochny_rubezh_demo/5"]
    everything = json.loads(get_all(demo_db, detector))
    assert "https://t.me/vostochny_rubezh_demo/5" not in [i["link"] for i in everything["items"]]


def get_all(db: Path, detector) -> str:
    with LiveServer(db, detector) as server:
        return get(server.url + "/export.json")[1]


def test_the_map_without_dates_covers_the_last_seven_days_that_have_posts(demo_db, detector):
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    with sqlite3.connect(f"{demo_db.resolve().as_uri()}?mode=ro", uri=True) as conn:
        newest = conn.execute("SELECT max(date) FROM posts").fetchone()[0]
    last = datetime.fromisoformat(newest).astimezone(ZoneInfo("Europe/Kyiv")).date()
    with LiveServer(demo_db, detector) as server:
        default = json.loads(get(server.url + "/places.geojson")[1])
        asked = json.loads(get(server.url + f"/places.geojson?since={last}")[1])
        page = get(server.url + "/map")[1]
    assert default["window"] == {"since": str(last - timedelta(days=6)), "until": str(last)}
    assert asked["window"] == {"since": str(last), "until": None}
    assert sum(f["properties"]["posts"] for f in asked["features"]) < sum(
        f["properties"]["posts"] for f in default["features"])
    assert "the last 7 days that have posts" in page and isinstance(last, date)


def test_frontwatch_web_on_a_network_address_without_a_token_refuses_to_start(demo_db, tmp_path, capsys, monkeypatch, empty_env):
    from bot.cli import main

    monkeypatch.delenv("FRONTWATCH_WEB_TOKEN", raising=False)
    status = main(["web", "--env", empty_env, "--db", str(demo_db), "--host", "0.0.0.0",
                   "--port", "8765"])
    assert status == 2 and "set FRONTWATCH_WEB_TOKEN" in capsys.readouterr().err


async def test_a_posts_markup_is_shown_as_text_never_run(tmp_path, detector):
    import asyncio

    from bot.pipeline import Pipeline
    from bot.settings import AlertSettings
    from conftest import RU_BLOG, at, make_post

    store = await Store.open(tmp_path / "x.sqlite")
    async with store.transaction():
        await store.upsert_channel(RU_BLOG)
    text = 'Купянск: <script>alert("x")</script><img src=x onerror=alert(1)> "quoted"'
    await Pipeline(store, detector, AlertSettings(), clock=lambda: at(12)).handle_post(
        make_post(RU_BLOG, 1, text, at(11)))
    await store.close()

    def fetch_all() -> list[str]:
        with LiveServer(tmp_path / "x.sqlite", detector) as server:
            return [get(server.url + path)[1] for path in ("/", "/search?q=%D0%9A%D1%83%D0%BF%D1%8F%D0%BD%D1%81%D0%BA", "/post/ru_blog/1")]

    for body in await asyncio.to_thread(fetch_all):
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert(" in body
