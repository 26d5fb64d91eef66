"""Ingest and sending stay fast as the store grows: no statement they run reads a whole
table that grows with the posts (posts, their rows, alerts, claims). Each statement run
while a batch with alerts, a forward and a near-copy goes through the pipeline and the
outbox is explained by SQLite itself (EXPLAIN QUERY PLAN)."""

from __future__ import annotations

import re
import sqlite3

import pytest

from bot.outbox import Outbox
from bot.pipeline import Pipeline
from bot.post import ForwardOrigin
from bot.settings import AlertSettings
from bot.store import batch
from bot.terminal import TerminalSender

from conftest import MEDIA, RU_BLOG, UA_OFFICIAL, at, make_post

GROWING = {"posts", "post_versions", "detections", "post_places", "post_topics", "post_events", "posts_fts",
           "alerts", "alert_posts", "claims", "claim_posts"}
WITHDRAWAL = "Противник отошёл от Купянска, наши штурмовики заходят на окраины."
NEAR_COPY = "Противник отошёл от Купянска, наши штурмовики заходят на окраины города."
QUIET = "Погода в Москве: дожди до выходных, местами гроза."


def full_reads(db_path, statements: list[str]) -> list[tuple[str, str]]:
    """(statement, plan line) for every full pass over a growing table."""
    conn = sqlite3.connect(db_path)
    conn.create_function("fw_fold", 1, lambda text: text, deterministic=True)
    conn.execute(batch.FTS_STAGE_TABLE)   # a connection's own table of one commit's index entries
    aliases = re.compile(r"\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", re.I)
    found = []
    for sql in statements:
        if not re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", sql, re.I):
            continue
        names = {}
        for table, alias in aliases.findall(sql):
            names[table.lower()] = table.lower()
            if alias and alias.upper() not in ("WHERE", "ON", "SET", "VALUES", "SELECT", "ORDER", "GROUP", "LEFT",
                                               "JOIN", "USING", "AS", "LIMIT"):
                names[alias.lower()] = table.lower()
        for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
            scanned = re.match(r"SCAN (\w+)(?! CONSTANT)", row[3])
            if scanned and names.get(scanned.group(1).lower(), scanned.group(1).lower()) in GROWING \
                    and "COVERING INDEX" not in row[3] and " USING INDEX" not in row[3] \
                    and not re.search(r"VIRTUAL TABLE INDEX \d+:\S*=", row[3]):
                found.append((sql, row[3]))
    conn.close()
    return found


@pytest.mark.sqlite_only
async def test_ingesting_and_sending_never_read_every_stored_post_or_alert(store, channels, detector, tmp_path):
    statements: list[str] = []
    await store._in_db_thread(lambda conn: conn.set_trace_callback(statements.append))
    pipeline = Pipeline(store, detector, AlertSettings(), clock=lambda: at(23, day=22))
    outbox = Outbox(store, TerminalSender(quiet=True), rate_limit_per_minute=None)
    await pipeline.handle_batch([make_post(MEDIA, i, f"{QUIET} Сводка {i}.", at(8, i)) for i in range(1, 30)])
    await pipeline.handle_batch([
        make_post(RU_BLOG, 1, WITHDRAWAL, at(9)),
        make_post(MEDIA, 40, QUIET, at(9, 1)),
        make_post(UA_OFFICIAL, 2, WITHDRAWAL, at(9, 2),
                  forward=ForwardOrigin(name=RU_BLOG.name, channel_id=RU_BLOG.id, message_id=1)),
        make_post(MEDIA, 41, NEAR_COPY, at(9, 3)),
    ])
    await outbox.flush()
    await pipeline.handle_batch([make_post(RU_BLOG, 1, WITHDRAWAL + " Обновлено.", at(9), edit_date=at(10))])
    await outbox.flush()
    await store._in_db_thread(lambda conn: conn.set_trace_callback(None))
    assert outbox.sent >= 1 and len(statements) > 50
    assert full_reads(tmp_path / "fw.sqlite", statements) == []
