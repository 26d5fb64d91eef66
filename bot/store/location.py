"""Where the store lives: a SQLite file path, or a `postgresql://` URL for a shared server.

A URL may carry a password, so everything shown to a person (errors, logs, the CLI's
summaries) goes through `shown`, which keeps the user, host and database and drops it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: str | Path) -> bool:
    return isinstance(target, str) and target.lower().startswith(POSTGRES_SCHEMES)


def parse_target(value: str | Path) -> str | Path:
    """A URL stays a string (a Path would fold its `//`); anything else is a file path."""
    if isinstance(value, str) and is_postgres(value.strip()):
        return value.strip()
    return Path(value)


def shown(target: str | Path) -> str:
    """The target as it may appear in a message: a URL without its password."""
    if not is_postgres(target):
        return str(target)
    parts = urlsplit(str(target))
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ":?"
    user = f"{parts.username}:***@" if parts.password is not None else (f"{parts.username}@" if parts.username else "")
    # the query may hold `password=` too: it is left out whole
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, "", ""))
