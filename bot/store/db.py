"""Everything the service remembers lives in one database: a SQLite file, or PostgreSQL for a team.

A batch of posts is handled in one transaction (posts, versions, detections, alerts), so
a crash leaves either all of it or none of it, and the outbox can trust what it reads.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.channels import Channel
from bot.detect import Detection
from bot.post import ForwardOrigin, Post
from bot.store.backend import PostgresBackend, write_new_posts_async
from bot.store import batch
from bot.store.batch import DetectionRows, NewPost, iso, place_token, write_new_posts
from bot.store.connection import StoreConnection
from bot.store.alerted import AlertedPosts
from bot.store.claim_store import Claims
from bot.store.leases import Leases

# aiosqlite logs every statement with its parameters at DEBUG, post text included; post
# text stays out of logs at every level, so its logger never goes below INFO.
logging.getLogger("aiosqlite").setLevel(logging.INFO)


def parse_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class SavedPost:
    """What storing a post changed: the pipeline decides from this whether to re-check."""

    post_id: int
    status: str  # "new" | "unchanged" | "edited"
    previous_text: str | None = None


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """The stored version of a message: its post id, text and edit date (or date if never edited)."""

    post_id: int
    text: str
    rank: datetime


@dataclass(frozen=True, slots=True)
class StoredPost:
    post_id: int
    post: Post
    deleted_at: datetime | None
    language: str | None
    places: tuple[str, ...]
    topics: tuple[str, ...]
    matches: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class AlertRow:
    id: int
    kind: str
    severity: str
    post_id: int | None
    places: tuple[str, ...]
    topics: tuple[str, ...]
    html: str
    state: str
    random_id: int
    tg_message_id: int | None
    needs_edit: bool
    folded_into: int | None
    attempts: int
    event_date: datetime
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ChannelActivityRow:
    channel: Channel
    last_date: datetime | None
    last_stored: datetime | None
    last_link: str | None


_ALERT_COLUMNS = (
    "id, kind, severity, post_id, places, topics, html, state, random_id, tg_message_id,"
    " needs_edit, folded_into, attempts, event_date, created_at"
)
_POST_COLUMNS = (
    "p.id, p.channel_id, p.message_id, p.date, p.text, p.edit_date, p.fwd_name,"
    " p.fwd_channel_id, p.fwd_message_id, p.link, p.late, p.deleted_at,"
    " c.username, c.title, d.language, d.places, d.topics, d.matches"
)
_POST_JOIN = "FROM posts p LEFT JOIN channels c ON c.id = p.channel_id LEFT JOIN detections d ON d.post_id = p.id"


def _alert(row: Sequence[Any]) -> AlertRow:
    return AlertRow(
        id=row[0],
        kind=row[1],
        severity=row[2],
        post_id=row[3],
        places=tuple(json.loads(row[4])),
        topics=tuple(json.loads(row[5])),
        html=row[6],
        state=row[7],
        random_id=row[8],
        tg_message_id=row[9],
        needs_edit=bool(row[10]),
        folded_into=row[11],
        attempts=row[12],
        event_date=datetime.fromisoformat(row[13]),
        created_at=datetime.fromisoformat(row[14]),
    )


def _stored_post(row: Sequence[Any]) -> StoredPost:
    forward = None
    if row[6] is not None or row[7] is not None:
        forward = ForwardOrigin(name=row[6] or "", channel_id=row[7], message_id=row[8])
    post = Post(
        channel_id=row[1],
        message_id=row[2],
        date=datetime.fromisoformat(row[3]),
        text=row[4],
        edit_date=parse_iso(row[5]),
        forward=forward,
        link=row[9],
        late=bool(row[10]),
        channel_username=row[12],
        channel_title=row[13],
    )
    return StoredPost(
        post_id=row[0],
        post=post,
        deleted_at=parse_iso(row[11]),
        language=row[14],
        places=tuple(json.loads(row[15])) if row[15] else (),
        topics=tuple(json.loads(row[16])) if row[16] else (),
        matches=tuple(tuple(m) for m in json.loads(row[17])) if row[17] else (),
    )


class Store(StoreConnection, Claims, Leases, AlertedPosts):
    """Async access to the store: a SQLite file, or a PostgreSQL database named by URL.

    Open with `await Store.open(path_or_url)`; the SQL below runs on both (bot/store/backend.py).
    """

    # -- channels ---------------------------------------------------------------------

    async def upsert_channel(self, channel: Channel, *, followed: bool = True) -> None:
        if channel.id is None:
            raise ValueError(f"channel {channel.label} has no id yet; resolve it first")
        await self._db.execute(
            "INSERT INTO channels(id, username, title, side, kind, followed, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET username=excluded.username, title=excluded.title,"
            " side=excluded.side, kind=excluded.kind, followed=excluded.followed,"
            " updated_at=excluded.updated_at",
            (channel.id, channel.username, channel.name, channel.side, channel.kind,
             int(followed), iso(utcnow())),
        )

    async def channels(self, *, followed_only: bool = False) -> list[Channel]:
        sql = "SELECT id, username, title, side, kind FROM channels"
        if followed_only:
            sql += " WHERE followed = 1"
        rows = await self._all(sql + " ORDER BY lower(coalesce(title, username))")
        return [Channel(id=r[0], username=r[1], name=r[2] or r[1] or str(r[0]), side=r[3], kind=r[4])
                for r in rows]

    async def channel(self, channel_id: int) -> Channel | None:
        row = await self._one("SELECT id, username, title, side, kind FROM channels WHERE id = ?", (channel_id,))
        if row is None:
            return None
        return Channel(id=row[0], username=row[1], name=row[2] or row[1] or str(row[0]), side=row[3], kind=row[4])

    async def set_followed(self, channel_id: int, followed: bool) -> None:
        await self._db.execute(
            "UPDATE channels SET followed = ?, updated_at = ? WHERE id = ?",
            (int(followed), iso(utcnow()), channel_id),
        )

    # -- posts ------------------------------------------------------------------------

    async def save_post(self, post: Post) -> SavedPost:
        """Insert a post, or record an edit when its text changed; a repeat changes nothing.

        Versions are written by triggers (migration 3); the search index by `save_detection`,
        which every new or edited post gets.
        """
        edit_date = iso(post.edit_date) if post.edit_date else None
        inserted = await self._one(batch.POST_INSERT, batch.post_row(post, iso(utcnow())))
        if inserted is not None:
            return SavedPost(inserted[0], "new")
        post_id, old_text = await self._one(
            "SELECT id, text FROM posts WHERE channel_id = ? AND message_id = ?", (post.channel_id, post.message_id)
        )
        if old_text == post.text:
            return SavedPost(post_id, "unchanged")
        await self._db.execute(
            "UPDATE posts SET text = ?, edit_date = coalesce(?, edit_date) WHERE id = ?",
            (post.text, edit_date, post_id),
        )
        return SavedPost(post_id, "edited", previous_text=old_text)

    async def save_detection(self, post_id: int, detection: Detection, text: str | None = None, *,
                             fresh: bool = False) -> None:
        """The detection, the place and topic index rows, and the post's search entry.

        `fresh` says the post was just inserted, so there is nothing old to clear.
        """
        if text is None:
            text = (await self._one("SELECT text FROM posts WHERE id = ?", (post_id,)))[0]
        rows = DetectionRows.of(post_id, detection, text)
        await self._db.execute(batch.DETECTION_UPSERT, rows.detection)
        if not fresh:
            await self._db.execute("DELETE FROM post_events WHERE post_id = ?", (post_id,))
            await self._db.execute("DELETE FROM post_places WHERE post_id = ?", (post_id,))
            await self._db.execute("DELETE FROM post_topics WHERE post_id = ?", (post_id,))
            await self._db.unindex_post(post_id)
        if rows.places:
            await self._db.executemany(batch.PLACE_INSERT, rows.places)
        if rows.topics:
            await self._db.executemany(batch.TOPIC_INSERT, rows.topics)
        if rows.events:
            await self._db.executemany(batch.EVENT_INSERT, rows.events)
        await self._db.index_post(post_id, text, [place_token(p) for p in detection.place_ids])

    async def stored_versions(self, keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], StoredVersion]:
        """What is stored under each (channel, message id) asked for, in one query per 400 keys:
        enough for a batch to tell new posts, repeats and edits apart."""
        found: dict[tuple[int, int], StoredVersion] = {}
        keys = list(dict.fromkeys(keys))
        for i in range(0, len(keys), 400):
            chunk = keys[i:i + 400]
            values = ", ".join(["(?, ?)"] * len(chunk))
            # the keys drive the join, so each is one look-up in the (channel, message) index;
            # `IN (VALUES ...)` made SQLite read every stored post
            rows = await self._all(
                "SELECT p.channel_id, p.message_id, p.id, p.text, coalesce(p.edit_date, p.date)"
                f" FROM (VALUES {values}) AS k JOIN posts p ON p.channel_id = k.column1 AND p.message_id = k.column2",
                [v for key in chunk for v in key])
            found.update(((r[0], r[1]), StoredVersion(r[2], r[3], datetime.fromisoformat(r[4]))) for r in rows)
        return found

    async def save_new_posts(self, items: Sequence[NewPost]) -> list[int | Exception]:
        """New posts with their detections, written in one call on the database thread (see
        `bot.store.batch`): each gets its post id, or the exception that kept it out alone.
        Must run inside `transaction()`."""
        if not items:
            return []
        if isinstance(self._db, PostgresBackend):
            return await write_new_posts_async(self._db, items, iso(utcnow()))
        return await self._in_db_thread(write_new_posts, items, iso(utcnow()), self._db.deferred)

    async def _in_db_thread(self, fn, *args: Any) -> Any:
        """Runs `fn(sqlite3_connection, *args)` on aiosqlite's own thread in one hop: the one
        place frontwatch reaches past aiosqlite (its `_execute`), so many statements cost one
        thread switch. SQLite only."""
        conn = self._db.conn
        return await conn._execute(lambda: fn(conn._conn, *args))

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Inside a batch's transaction: what the body wrote is undone alone if it raises."""
        await self._db.execute("SAVEPOINT fw_post")
        mark = self._db.index_mark()
        try:
            yield
        except BaseException:
            self.rollbacks += 1
            self._db.index_undo(mark)
            with suppress(Exception):
                await self._db.execute("ROLLBACK TO SAVEPOINT fw_post")
                await self._db.execute("RELEASE SAVEPOINT fw_post")
            raise
        await self._db.execute("RELEASE SAVEPOINT fw_post")

    async def mark_deleted(self, channel_id: int, message_ids: Iterable[int], when: datetime) -> list[int]:
        """Keep the text; only note when the channel deleted it. Returns the stored post ids."""
        ids: list[int] = []
        for message_id in message_ids:
            row = await self._one(
                "SELECT id FROM posts WHERE channel_id = ? AND message_id = ? AND deleted_at IS NULL",
                (channel_id, message_id),
            )
            if row:
                await self._db.execute("UPDATE posts SET deleted_at = ? WHERE id = ?", (iso(when), row[0]))
                ids.append(row[0])
        return ids

    async def post(self, post_id: int) -> StoredPost | None:
        row = await self._one(f"SELECT {_POST_COLUMNS} {_POST_JOIN} WHERE p.id = ?", (post_id,))
        return _stored_post(row) if row else None

    async def post_by_key(self, channel_id: int, message_id: int) -> StoredPost | None:
        row = await self._one(
            f"SELECT {_POST_COLUMNS} {_POST_JOIN} WHERE p.channel_id = ? AND p.message_id = ?",
            (channel_id, message_id),
        )
        return _stored_post(row) if row else None

    async def recent_posts_for_recheck(self, channel_id: int, since: datetime, limit: int) -> list[tuple[int, str]]:
        """(message id, text) of a channel's newest posts published since `since` and not known
        to be deleted: what the reader asks Telegram about again after it was away."""
        return [(r[0], r[1]) for r in await self._all(
            "SELECT message_id, text FROM posts WHERE channel_id = ? AND date >= ? AND deleted_at IS NULL"
            " ORDER BY message_id DESC LIMIT ?", (channel_id, iso(since), limit))]

    async def versions(self, post_id: int) -> list[tuple[int, str, datetime | None]]:
        rows = await self._all(
            "SELECT version, text, edit_date FROM post_versions WHERE post_id = ? ORDER BY version", (post_id,)
        )
        return [(r[0], r[1], parse_iso(r[2])) for r in rows]

    async def posts_by_ids(self, post_ids: Sequence[int]) -> list[StoredPost]:
        """Several posts in one query, in the order asked for (absent ids are skipped)."""
        found: dict[int, StoredPost] = {}
        ids = list(dict.fromkeys(post_ids))
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = await self._all(
                f"SELECT {_POST_COLUMNS} {_POST_JOIN} WHERE p.id IN ({','.join('?' * len(chunk))})", chunk)
            found.update((r[0], _stored_post(r)) for r in rows)
        return [found[i] for i in ids if i in found]

    async def latest_flagged(self, limit: int, *, place_id: str | None = None,
                             tracked: Iterable[str] | None = None) -> list[StoredPost]:
        """Newest posts that mention a place (the one asked for, or any tracked) or a topic."""
        if place_id is not None:
            where = "p.id IN (SELECT post_id FROM post_places WHERE place_id = ?)"
            params: list[Any] = [place_id]
        else:
            params = []
            places_clause = "EXISTS (SELECT 1 FROM post_places pp WHERE pp.post_id = p.id)"
            if tracked is not None:
                tracked = list(tracked)
                places_clause = ("EXISTS (SELECT 1 FROM post_places pp WHERE pp.post_id = p.id AND pp.place_id IN"
                                 f" ({','.join('?' * len(tracked))}))")
                params.extend(tracked)
            where = f"({places_clause} OR EXISTS (SELECT 1 FROM post_topics pt WHERE pt.post_id = p.id))"
        ids = await self._all(f"SELECT p.id FROM posts p WHERE {where} ORDER BY p.date DESC, p.id DESC LIMIT ?",
                              [*params, limit])
        return await self.posts_by_ids([r[0] for r in ids])

    async def channel_activity(self) -> list[ChannelActivityRow]:
        """Each followed channel with its newest stored post and how long after publication it was stored."""
        rows = await self._all(
            "SELECT c.id, c.username, c.title, c.side, c.kind, p.date, p.stored_at, p.link FROM channels c"
            " LEFT JOIN posts p ON p.id = (SELECT id FROM posts WHERE channel_id = c.id"
            "  ORDER BY message_id DESC LIMIT 1)"
            " WHERE c.followed = 1 ORDER BY lower(coalesce(c.title, c.username))")
        return [ChannelActivityRow(
            channel=Channel(id=r[0], username=r[1], name=r[2] or r[1] or str(r[0]), side=r[3], kind=r[4]),
            last_date=parse_iso(r[5]), last_stored=parse_iso(r[6]), last_link=r[7]) for r in rows]

    async def recent_store_delays(self, n: int = 200) -> list[tuple[datetime, datetime]]:
        """(published, stored) of the posts stored most recently: how far behind the reader runs."""
        rows = await self._all(
            "SELECT date, stored_at FROM posts WHERE id > (SELECT coalesce(max(id), 0) FROM posts) - ?"
            " ORDER BY id", (n,))
        return [(datetime.fromisoformat(r[0]), datetime.fromisoformat(r[1])) for r in rows]

    async def count_posts(self) -> int:
        return (await self._one("SELECT count(*) FROM posts"))[0]

    # -- read positions ---------------------------------------------------------------

    async def read_position(self, channel_id: int) -> int | None:
        row = await self._one("SELECT last_message_id FROM read_positions WHERE channel_id = ?", (channel_id,))
        return row[0] if row else None

    async def advance_read_position(self, channel_id: int, message_id: int) -> None:
        """Only ever moves forward, so a late or replayed old post cannot rewind catch-up."""
        await self._db.execute(
            "INSERT INTO read_positions(channel_id, last_message_id, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(channel_id) DO UPDATE SET"
            f" last_message_id = {self._db.greatest}(read_positions.last_message_id, excluded.last_message_id),"
            " updated_at = excluded.updated_at",
            (channel_id, message_id, iso(utcnow())),
        )

    async def read_positions(self) -> dict[int, int]:
        return {r[0]: r[1] for r in await self._all("SELECT channel_id, last_message_id FROM read_positions")}

    # -- alerts -----------------------------------------------------------------------

    async def create_alert(
        self, *, kind: str, severity: str, post_id: int | None, places: Sequence[str],
        topics: Sequence[str], html: str, event_date: datetime, relation: str = "origin",
        state: str = "pending",
    ) -> int:
        alert_id = await self._db.insert_id(
            "INSERT INTO alerts(kind, severity, post_id, places, topics, html, state, random_id,"
            " event_date, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, severity, post_id, json.dumps(list(places)), json.dumps(list(topics)), html, state,
             secrets.randbits(63), iso(event_date), iso(utcnow())),
        )
        if post_id is not None:
            await self.link_alert_post(alert_id, post_id, relation)
        return alert_id

    async def link_alert_post(self, alert_id: int, post_id: int, relation: str) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO alert_posts(alert_id, post_id, relation) VALUES (?, ?, ?)",
            (alert_id, post_id, relation),
        )

    async def alert(self, alert_id: int) -> AlertRow | None:
        row = await self._one(f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE id = ?", (alert_id,))
        return _alert(row) if row else None

    async def alert_for_post(self, post_id: int, kind: str = "post") -> AlertRow | None:
        row = await self._one(
            f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE kind = ? AND id IN"
            " (SELECT alert_id FROM alert_posts WHERE post_id = ?) ORDER BY id LIMIT 1",
            (kind, post_id),
        )
        return _alert(row) if row else None

    async def alert_posts(self, alert_id: int, *, with_claims: bool = True) -> list[tuple[StoredPost, str]]:
        """The alert's posts; `with_claims=False` leaves out posts that only joined one of its
        claims (those are read through the claim, one per source)."""
        rows = await self._all(
            f"SELECT {_POST_COLUMNS}, ap.relation {_POST_JOIN} JOIN alert_posts ap ON ap.post_id = p.id"
            " WHERE ap.alert_id = ?" + ("" if with_claims else " AND ap.relation != 'claim'")
            + " ORDER BY p.date, p.id",
            (alert_id,),
        )
        return [(_stored_post(r[:-1]), r[-1]) for r in rows]

    async def get_settings(self, keys: Sequence[str]) -> dict[str, Any]:
        """Several runtime settings in one round trip; absent keys are left out."""
        rows = await self._all(
            f"SELECT key, value FROM settings WHERE key IN ({','.join('?' * len(keys))})", keys)
        return {k: json.loads(v) for k, v in rows}

    async def version_count(self, post_id: int) -> int:
        return (await self._one("SELECT count(*) FROM post_versions WHERE post_id = ?", (post_id,)))[0]

    async def update_alert(self, alert_id: int, *, html: str, places: Sequence[str] | None = None,
                           topics: Sequence[str] | None = None, severity: str | None = None) -> None:
        """New text for an alert; a sent one is queued for an edit, a pending one just changes."""
        await self._db.execute(
            "UPDATE alerts SET html = ?, places = coalesce(?, places), topics = coalesce(?, topics),"
            " severity = coalesce(?, severity),"
            " needs_edit = CASE WHEN state = 'sent' AND html != ? THEN 1 ELSE needs_edit END WHERE id = ?",
            (html, json.dumps(list(places)) if places is not None else None,
             json.dumps(list(topics)) if topics is not None else None, severity, html, alert_id),
        )

    async def pending_alerts(self, owner: str | None = None) -> list[AlertRow]:
        """Alerts to send; with `owner`, only those that sender has claimed."""
        mine = " AND claimed_by = ?" if owner is not None else ""
        rows = await self._all(f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE state = 'pending'{mine} ORDER BY id",
                               (owner,) if owner is not None else ())
        return [_alert(r) for r in rows]

    async def alerts_to_edit(self, owner: str | None = None) -> list[AlertRow]:
        mine = " AND claimed_by = ?" if owner is not None else ""
        rows = await self._all(
            f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE state = 'sent' AND needs_edit = 1{mine} ORDER BY id",
            (owner,) if owner is not None else ())
        return [_alert(r) for r in rows]

    async def mark_sent(self, alert_id: int, tg_message_id: int | None, html: str) -> None:
        """Clears the edit flag only when the text sent is still the current text."""
        await self._db.execute(
            "UPDATE alerts SET state = 'sent', tg_message_id = ?, sent_at = ?, last_error = NULL, claimed_by = NULL,"
            " claimed_until = NULL,"
            " needs_edit = CASE WHEN html = ? THEN 0 ELSE 1 END WHERE id = ?",
            (tg_message_id, iso(utcnow()), html, alert_id),
        )

    async def mark_edited(self, alert_id: int, html: str) -> None:
        await self._db.execute(
            "UPDATE alerts SET needs_edit = CASE WHEN html = ? THEN 0 ELSE 1 END, claimed_by = NULL,"
            " claimed_until = NULL WHERE id = ?", (html, alert_id)
        )

    async def mark_folded(self, alert_ids: Sequence[int], summary_id: int) -> None:
        await self._db.executemany(
            "UPDATE alerts SET state = 'folded', folded_into = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ?",
            [(summary_id, a) for a in alert_ids]
        )

    async def mark_failed(self, alert_id: int, error: str, *, edit: bool = False) -> None:
        """A refused send leaves the queue so one bad alert cannot hold up the rest."""
        if edit:
            await self._db.execute("UPDATE alerts SET needs_edit = 0, last_error = ?, claimed_by = NULL,"
                                   " claimed_until = NULL WHERE id = ?",
                                     (error[:500], alert_id))
        else:
            await self._db.execute("UPDATE alerts SET state = 'failed', last_error = ?, claimed_by = NULL,"
                                   " claimed_until = NULL WHERE id = ?",
                                     (error[:500], alert_id))

    async def note_attempt(self, alert_id: int, error: str) -> None:
        await self._db.execute(
            "UPDATE alerts SET attempts = attempts + 1, last_error = ? WHERE id = ?", (error[:500], alert_id)
        )

    async def sent_since(self, since: datetime) -> int:
        return (await self._one(
            "SELECT count(*) FROM alerts WHERE state = 'sent' AND sent_at >= ?", (iso(since),)
        ))[0]

    async def alert_counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in await self._all("SELECT state, count(*) FROM alerts GROUP BY state")}

    # -- runtime settings -------------------------------------------------------------

    async def get_setting(self, key: str, default: Any = None) -> Any:
        row = await self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(row[0]) if row else default

    async def set_setting(self, key: str, value: Any) -> None:
        await self._db.execute(
            "INSERT INTO settings(key, value, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (key, json.dumps(value, ensure_ascii=False), iso(utcnow())),
        )

    # -- search -----------------------------------------------------------------------

    async def search_posts(self, *, places: Sequence[str] = (), words: Sequence[str] = (), limit: int = 20,
                           offset: int = 0) -> list[StoredPost]:
        """Posts naming every place and holding a word starting with each of `words`, newest first."""
        where, params = self.match_clause(places, words)
        rows = await self._all(f"SELECT p.id FROM posts p WHERE p.id IN ({where}) ORDER BY p.date DESC, p.id DESC"
                               " LIMIT ? OFFSET ?", (*params, limit, offset))
        return await self.posts_by_ids([r[0] for r in rows])

    def match_clause(self, places: Sequence[str], words: Sequence[str]) -> tuple[str, list[Any]]:
        """A subquery of the post ids the full-text index finds, for the caller's own WHERE."""
        return self._db.match_clause([place_token(p) for p in places], words)

    async def match_expression(self, places: Sequence[str], words: Sequence[str]) -> str:
        """SQLite only: the search index's MATCH for every place and a word starting with each of `words`."""
        return await self._db.match_expression([place_token(p) for p in places], words)

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        """Read-only reports (digest, status) that have no method of their own."""
        return await self._all(sql, params)


