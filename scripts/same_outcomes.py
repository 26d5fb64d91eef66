"""Whether two stores made the same alerts from the same posts: row by row, table by table.

    python scripts/same_outcomes.py BEFORE.db AFTER.db    # exit status 1 on any difference

A speed-up of the pipeline (near-copy matching, claims) must not change which alerts it
makes, which posts each gathers, the claims they stand for or what waits in the outbox.
Replay one export into two fresh SQLite stores, once with each version of the code, and
compare them here: every table but the settings (the replay's own position) and the search
index, without the columns that say when a row was stored or hold a random id, and the
outbox (each alert's state and the text the sender sends or edits to) on its own.
"""

from __future__ import annotations

import sqlite3
import sys

#: columns that differ between two runs of the same code: when a row was written, random ids
NOT_COMPARED = {"stored_at", "recorded_at", "created_at", "sent_at", "updated_at", "random_id",
                "claimed_by", "claimed_until"}
#: what the sender reads of each alert: whether and what it sends or edits
OUTBOX = "SELECT id, state, needs_edit, folded_into, attempts, last_error, html FROM alerts ORDER BY id"


def tables(conn: sqlite3.Connection) -> dict[str, str]:
    """Each compared table with the query that reads it in a fixed order."""
    names = [n for (n,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'posts_fts%'"
        " AND name NOT LIKE 'sqlite_%' AND name != 'settings' ORDER BY name")]
    out = {}
    for name in names:
        columns = ", ".join(c[1] for c in conn.execute(f"PRAGMA table_info({name})") if c[1] not in NOT_COMPARED)
        out[name] = f"SELECT {columns} FROM {name} ORDER BY {columns}"
    out["outbox"] = OUTBOX
    return out


def compare(before: str, after: str) -> list[str]:
    """One line per table: its row count, and the first row that differs if any."""
    lines = []
    with sqlite3.connect(f"file:{before}?mode=ro", uri=True) as a, \
            sqlite3.connect(f"file:{after}?mode=ro", uri=True) as b:
        queries = tables(a)
        if set(queries) != set(tables(b)):
            return [f"different tables: {sorted(queries)} / {sorted(tables(b))}"]
        for name, sql in queries.items():
            rows_a, rows_b = a.execute(sql).fetchall(), b.execute(sql).fetchall()
            if rows_a == rows_b:
                lines.append(f"same       {name}: {len(rows_a)} rows")
                continue
            first = next((i for i, (x, y) in enumerate(zip(rows_a, rows_b)) if x != y), min(len(rows_a), len(rows_b)))
            shown = [repr(r[first])[:300] if first < len(r) else "(none)" for r in (rows_a, rows_b)]
            lines.append(f"DIFFERENT  {name}: {len(rows_a)} / {len(rows_b)} rows; first at {first}:"
                         f"\n    {shown[0]}\n    {shown[1]}")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    lines = compare(*argv)
    print("\n".join(lines))
    return 0 if all(line.startswith("same") for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
