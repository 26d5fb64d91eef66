"""A real PostgreSQL server for the tests, started from the installed binaries into a temp dir.

The server listens on a Unix socket only, in its own folder, with durability off (a test
database is thrown away). `initdb` and the server refuse to run as root, so under root
they run as `nobody`, owning only their temp folder. Each test gets its own schema, which
is much cheaper than a database and just as separate.

Absent binaries fail the tests that need them, naming what to install: a suite that
silently skipped PostgreSQL would claim a coverage it does not have.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

DATABASE = "frontwatch_test"
PASSWORD_ROLE = "fw_with_password"


def find_bindir() -> Path | None:
    """`FRONTWATCH_PG_BINDIR`, then `pg_config --bindir`, then the newest Debian install."""
    candidates: list[str] = []
    if os.environ.get("FRONTWATCH_PG_BINDIR"):
        candidates.append(os.environ["FRONTWATCH_PG_BINDIR"])
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    for folder in candidates:
        if folder and (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


class PgServer:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="frontwatch-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.port = 5432
        self._as: list[str] = []
        self._schemas = itertools.count(1)

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._as, *args], capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")

    def start(self) -> None:
        self.socket_dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "nobody")
            shutil.chown(self.socket_dir, "nobody")
            self._as = ["runuser", "-u", "nobody", "--"]
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        # one role must give its password, so a refused login can be tested; everyone else is trusted
        hba = self.data / "pg_hba.conf"
        hba.write_text(f"local all {PASSWORD_ROLE} scram-sha-256\nlocal all all trust\n", encoding="utf-8")
        options = (f"-k {self.socket_dir} -p {self.port} -c listen_addresses='' -c fsync=off"
                   " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "60",
                  "-l", str(self.root / "server.log"), "start")
        self._admin(f"CREATE DATABASE {DATABASE}")
        self._admin(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD 'the-right-one'")

    def url(self, database: str = DATABASE, schema: str | None = None, user: str = "postgres") -> str:
        url = f"postgresql://{user}@/{database}?host={self.socket_dir}&port={self.port}"
        return url + (f"&options=-csearch_path%3D{schema}" if schema else "")

    def _admin(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(sql)

    def fresh_schema(self) -> str:
        """The URL of an empty schema of its own: a new store to the code under test."""
        name = f"t{os.getpid()}_{next(self._schemas)}"
        self._admin(f"CREATE SCHEMA {name}", DATABASE)
        return self.url(schema=name)

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PgServer:
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found: install them "
                           "(Debian: apt-get install postgresql) or set FRONTWATCH_PG_BINDIR")
    server = PgServer(bindir)
    try:
        server.start()
    except BaseException:
        with contextlib.suppress(Exception):
            server.stop()
        raise
    return server
