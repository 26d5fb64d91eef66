"""The command line over a PostgreSQL store: the same answers as over SQLite, and a server
that cannot be used is one line and status 2, its password never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from pg_support import DATABASE, PASSWORD_ROLE
from test_cli_store_faults import CONFIG, CORPUS, frontwatch

SECRET = "wr0ng-s3cret"


def one_line(done) -> str:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr[-3000:]
    assert lines[0].startswith("frontwatch: error: ")
    return lines[0]


@pytest.fixture(scope="module")
def stocked(pg_server, tmp_path_factory) -> tuple[str, Path]:
    """The demo corpus replayed into a PostgreSQL schema and into a SQLite file."""
    folder = tmp_path_factory.mktemp("both")
    url = pg_server.fresh_schema()
    for db in (url, str(folder / "fw.sqlite")):
        done = frontwatch("replay", "--config", str(CONFIG), "--db", db, "--quiet", str(CORPUS), cwd=folder)
        assert done.returncode == 0, done.stderr[-3000:]
    return url, folder / "fw.sqlite"


@pytest.mark.parametrize("query", ["Купянск", "Великий Бурлук", "отступили", "бої"])
def test_search_over_postgresql_lists_what_search_over_sqlite_lists(stocked, tmp_path, query):
    url, sqlite_file = stocked
    answers = [frontwatch("search", "--config", str(CONFIG), "--db", db, "--limit", "50", query, cwd=tmp_path)
               for db in (url, str(sqlite_file))]
    assert [a.returncode for a in answers] == [0, 0], answers[0].stderr[-2000:]
    assert answers[0].stdout == answers[1].stdout


def test_the_digest_over_postgresql_is_the_digest_over_sqlite(stocked, tmp_path):
    url, sqlite_file = stocked
    pages = []
    for n, db in enumerate((url, str(sqlite_file))):
        out = tmp_path / str(n)
        done = frontwatch("digest", "--config", str(CONFIG), "--db", db, "--out", str(out), cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
        pages.append(sorted((p.name, p.read_bytes()) for p in out.iterdir() if p.suffix in (".txt", ".html")))
    assert pages[0] and pages[0] == pages[1]


def test_a_server_that_refuses_connections_is_one_line_and_status_2_without_the_password(tmp_path):
    url = f"postgresql://fw:{SECRET}@127.0.0.1:1/frontwatch"
    done = frontwatch("search", "--config", str(CONFIG), "--db", url, "Izium", cwd=tmp_path)
    line = one_line(done)
    assert "cannot reach the PostgreSQL server" in line and "127.0.0.1" in line
    assert SECRET not in done.stderr + done.stdout


def test_a_refused_password_is_one_line_and_status_2_without_the_password(pg_server, tmp_path):
    url = pg_server.url(user=f"{PASSWORD_ROLE}:{SECRET}")
    done = frontwatch("search", "--config", str(CONFIG), "--db", url, "Izium", cwd=tmp_path)
    assert "refused the user name or password" in one_line(done)
    assert SECRET not in done.stderr + done.stdout


def test_a_database_the_server_does_not_have_is_one_line_and_status_2(pg_server, tmp_path):
    done = frontwatch("search", "--config", str(CONFIG), "--db", pg_server.url(database=f"{DATABASE}_absent"),
                      "Izium", cwd=tmp_path)
    assert "no such database" in one_line(done)


def test_a_postgresql_url_without_the_driver_installed_says_what_to_install(tmp_path):
    blocker = tmp_path / "blocked" / "psycopg"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('psycopg is not installed')\n", encoding="utf-8")
    done = frontwatch("search", "--config", str(CONFIG), "--db", f"postgresql://fw:{SECRET}@db.example/fw",
                      "Izium", cwd=tmp_path, pythonpath=[str(blocker.parent)])
    line = one_line(done)
    assert "frontwatch[postgres]" in line and "fw:***@db.example" in line
    assert SECRET not in done.stderr
