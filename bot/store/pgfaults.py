"""When the PostgreSQL server, rather than the post in hand, is the trouble.

The same contract as `faults.store_problem`: unreachable, refusing the credentials, no
such database, out of space or read-only become one line for the operator (exit 2 from a
command, a retry later in the live reader). The server's own message is kept short and
never holds the password: libpq does not repeat it, and `Store` scrubs it besides.
"""

from __future__ import annotations

_BY_STATE = {
    "28P01": "the server refused the user name or password",
    "28000": "the server refused this user (check pg_hba.conf and the user name)",
    "3D000": "no such database on the server (create it first: createdb)",
    "53100": "the server's disk is full",
    "53300": "the server has no free connection slot (too many clients)",
    "57P01": "the server ended the connection (shutting down, restarting, or ended by an administrator)",
    "57P03": "the server is starting up or in recovery; try again shortly",
    "25006": "the server is read-only (a standby?)",
    "42501": "this user lacks the privileges the store needs (CREATE on the database)",
}


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def postgres_problem(exc: BaseException) -> str | None:
    try:
        import psycopg
    except ImportError:
        return None
    if not isinstance(exc, psycopg.Error):
        return None
    state = getattr(exc, "sqlstate", None) or ""
    message = _one_line(str(exc))
    if state in _BY_STATE:
        return f"{_BY_STATE[state]} ({message})"
    lowered = message.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return f"the server refused the user name or password ({message})"
    if "database" in lowered and "does not exist" in lowered:
        return f"{_BY_STATE['3D000']} ({message})"
    if isinstance(exc, psycopg.OperationalError) or state.startswith("08"):
        return f"cannot reach the PostgreSQL server ({message})"
    return None
