"""Writing many new posts at once: the rows one post needs, and the run of them on the db thread.

Each post handed over from the event loop to the database thread costs a thread switch
and a wake-up, which used to dominate ingest (about fifteen per post). A post that raises
nothing only needs its rows written, so a whole run of them goes over in one call and is
written there with plain `sqlite3`; a post that breaks is rolled back alone and reported,
the others stay.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.detect import Detection
from bot.post import Post
from bot.store.faults import store_problem

POST_INSERT = (
    "INSERT INTO posts(channel_id, message_id, date, text, edit_date, fwd_name,"
    " fwd_channel_id, fwd_message_id, link, late, stored_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT(channel_id, message_id) DO NOTHING RETURNING id"
)
DETECTION_UPSERT = (
    "INSERT INTO detections(post_id, language, places, topics, matches) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT(post_id) DO UPDATE SET language=excluded.language, places=excluded.places,"
    " topics=excluded.topics, matches=excluded.matches"
)
# a place row carries its post's date and channel (migration 8): (place id, post id)
PLACE_INSERT = ("INSERT INTO post_places(post_id, place_id, date, channel_id)"
                " SELECT id, ?, date, channel_id FROM posts WHERE id = ?")
TOPIC_INSERT = "INSERT INTO post_topics(post_id, topic_id) VALUES (?, ?)"
EVENT_INSERT = ("INSERT INTO post_events(post_id, seq, action, place_id, by_side, stance, matches)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)")
# FTS5 and the fold function are SQLite's own; these are the statements a PostgreSQL store
# replaces with its own text index. The index's rowid is `FTS_KEY` (migration 5): date
# order, so a search newest first stops at the end of its page.
def _fts_key(post: str = "") -> str:
    """The search index's rowid of a post row (`post`: its table's alias and a dot)."""
    return f"((CAST(strftime('%s', {post}date) AS INTEGER) << 32) | {post}id)"


FTS_KEY = _fts_key()
FTS_ID = "(rowid & 4294967295)"
FTS_INSERT = f"INSERT INTO posts_fts(rowid, text, places) SELECT {FTS_KEY}, fw_fold(?), ? FROM posts WHERE id = ?"
FTS_DELETE = f"DELETE FROM posts_fts WHERE rowid = (SELECT {FTS_KEY} FROM posts WHERE id = ?)"
# A transaction's index entries at its commit: staged in a temporary table of the
# connection (folded text, places, post id), then written by one statement, so SQLite does
# the whole run without coming back to Python.
FTS_STAGE_TABLE = ("CREATE TEMP TABLE IF NOT EXISTS fw_index_rows"
                   " (seq INTEGER PRIMARY KEY, text TEXT, places TEXT, post_id INTEGER)")
FTS_STAGE = "INSERT INTO temp.fw_index_rows(seq, text, places, post_id) VALUES (?, ?, ?, ?)"
FTS_INSERT_STAGED = (
    "INSERT INTO posts_fts(rowid, text, places)"
    f" SELECT {_fts_key('p.')}, r.text, r.places"
    " FROM temp.fw_index_rows AS r CROSS JOIN posts AS p ON p.id = r.post_id"
    " WHERE r.seq >= ? AND r.seq < ? ORDER BY r.seq"
)
FTS_UNSTAGE = "DELETE FROM temp.fw_index_rows"
POSITION_ADVANCE = (
    "INSERT INTO read_positions(channel_id, last_message_id, updated_at) VALUES (?, ?, ?)"
    " ON CONFLICT(channel_id) DO UPDATE SET"
    " last_message_id = max(last_message_id, excluded.last_message_id), updated_at = excluded.updated_at"
)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def place_token(place_id: str) -> str:
    """FTS5 splits on `-`, which would let `kharkiv` match `kharkiv-oblast`; one token per id."""
    return place_id.replace("-", "")


def fts_key(post_id: int, date: datetime) -> int:
    """`FTS_KEY` of a post, for a bound on the search index's rowid (a date range)."""
    return (max(int(date.timestamp()), 0) << 32) | post_id


def post_row(post: Post, stored_at: str) -> tuple:
    fwd = post.forward
    return (post.channel_id, post.message_id, iso(post.date), post.text,
            iso(post.edit_date) if post.edit_date else None,
            fwd.name if fwd else None, fwd.channel_id if fwd else None, fwd.message_id if fwd else None,
            post.link, int(post.late), stored_at)


@dataclass(frozen=True, slots=True)
class DetectionRows:
    """Every row a detection adds beside its post: written alike by one post and by a batch."""

    detection: tuple
    places: list[tuple]
    topics: list[tuple]
    events: list[tuple]
    fts: tuple

    @classmethod
    def of(cls, post_id: int, detection: Detection, text: str) -> "DetectionRows":
        if not (detection.places or detection.topics or detection.events):
            # most posts: nothing found, the same empty rows every time
            return cls(detection=(post_id, detection.language, "[]", "[]", "[]"), places=[], topics=[], events=[],
                       fts=(text, "", post_id))
        matches = [[m.start, m.end] for hit in (*detection.places, *detection.topics) for m in hit.matches]
        place_ids = detection.place_ids
        return cls(
            detection=(post_id, detection.language, json.dumps(list(place_ids)),
                       json.dumps(list(detection.topic_ids)), json.dumps(matches)),
            places=[(p, post_id) for p in place_ids],
            topics=[(post_id, t) for t in detection.topic_ids],
            events=[(post_id, seq, e.action, e.place, e.by, e.stance,
                     json.dumps([[m.start, m.end] for m in e.matches]))
                    for seq, e in enumerate(detection.events)],
            fts=(text, " ".join(place_token(p) for p in place_ids), post_id),
        )


@dataclass(frozen=True, slots=True)
class NewPost:
    """A post not yet stored, with the detection the pipeline made of it."""

    post: Post
    detection: Detection


def write_new_posts(conn: sqlite3.Connection, items: Sequence[NewPost], stored_at: str,
                    deferred: list | None = None) -> list[int | Exception]:
    """Runs on the database thread, inside the caller's transaction. For each item its new
    post id, or the exception that made it roll back alone; read positions move for the
    posts written. Search index entries go to `deferred`, when given, for the commit to
    write (see `SqliteBackend.begin`).

    A run of posts almost never holds a bad one, so it is first written under one
    savepoint; only when a post fails is the run rolled back and written again post by
    post, each under its own, which gives the same rows and ids with two statements a
    post fewer on the way taken nearly always."""
    conn.execute("SAVEPOINT fw_new_posts")
    try:
        written = [_write_one(conn, item, stored_at, deferred is None) for item in items]
    except Exception as exc:
        if store_problem(exc) is not None:
            raise  # the file or the disk failed, not a post: the whole batch rolls back
        conn.execute("ROLLBACK TO fw_new_posts")
        conn.execute("RELEASE fw_new_posts")
        written = [_write_alone(conn, item, stored_at, deferred is None) for item in items]
    else:
        conn.execute("RELEASE fw_new_posts")
    results: list[int | Exception] = []
    reached: dict[int, int] = {}
    for item, outcome in zip(items, written, strict=True):
        if isinstance(outcome, Exception):
            results.append(outcome)
            continue
        post_id, fts = outcome
        results.append(post_id)
        if deferred is not None:
            deferred.append(("+", fts))
        key = item.post.channel_id
        reached[key] = max(reached.get(key, item.post.message_id), item.post.message_id)
    if reached:
        conn.executemany(POSITION_ADVANCE, [(c, m, stored_at) for c, m in reached.items()])
    return results


def _write_alone(conn: sqlite3.Connection, item: NewPost, stored_at: str,
                 index_now: bool) -> tuple[int, tuple] | Exception:
    """One post under its own savepoint: what it raises is handed back, its rows undone."""
    conn.execute("SAVEPOINT fw_new_post")
    try:
        outcome = _write_one(conn, item, stored_at, index_now)
    except Exception as exc:  # noqa: BLE001 - handed back and reported with the post's link
        if store_problem(exc) is not None:
            raise
        conn.execute("ROLLBACK TO fw_new_post")
        conn.execute("RELEASE fw_new_post")
        return exc
    conn.execute("RELEASE fw_new_post")
    return outcome


def _write_one(conn: sqlite3.Connection, item: NewPost, stored_at: str, index_now: bool) -> tuple[int, tuple]:
    """A post's rows; its post id and search index entry."""
    row = conn.execute(POST_INSERT, post_row(item.post, stored_at)).fetchone()
    if row is None:
        raise sqlite3.IntegrityError(f"post {item.post.link} is already stored")
    rows = DetectionRows.of(row[0], item.detection, item.post.text)
    conn.execute(DETECTION_UPSERT, rows.detection)
    if rows.places:
        conn.executemany(PLACE_INSERT, rows.places)
    if rows.topics:
        conn.executemany(TOPIC_INSERT, rows.topics)
    if rows.events:
        conn.executemany(EVENT_INSERT, rows.events)
    if index_now:
        conn.execute(FTS_INSERT, rows.fts)
    return row[0], rows.fts
