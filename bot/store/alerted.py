"""What near-copy matching (bot/near_copies.py) reads of alerted posts: what was written since
it last looked, and the few alerts it is about to pick, read again.

Rows are followed by increasing id: alerts by their own, text versions by `rowid` in SQLite
and by their `seq` column in PostgreSQL (migration 9; the backend's `version_seq` names it).
An id that was skipped may belong to a transaction still open, so the caller asks for the
ids it has not seen below the highest it has (`gaps`) again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

_VERSION = "(SELECT max(v.version) FROM post_versions v WHERE v.post_id = {}.post_id)"


def _iso(dt: datetime) -> str:
    from bot.store.db import iso

    return iso(dt)


def _placeholders(n: int) -> str:
    return ",".join("?" * n)


class AlertedPosts:
    """Mixed into `Store`; `_db` is its backend."""

    _db: Any

    async def recent_post_alerts(self, since: datetime, until: datetime) -> list[tuple[int, str, int, int]]:
        """Alerts on posts in a window, without their text: (alert id, alert state, post id,
        the post's text version), newest first. Alerts of one date come newest id first,
        the order SQLite's backward walk of `alerts_post_date` gives them."""
        return await self._db.all(
            f"SELECT a.id, a.state, a.post_id, {_VERSION.format('a')} FROM alerts a"
            " WHERE a.kind = 'post' AND a.event_date >= ? AND a.event_date <= ?"
            " ORDER BY a.event_date DESC, a.id DESC",
            (_iso(since), _iso(until)),
        )

    async def alerted_texts(self, post_ids: Sequence[int]) -> list[tuple[int, int, str, str]]:
        """(post id, text version, text, matches as JSON) of posts, for near-copy matching."""
        return await self._db.all(
            "SELECT p.id, (SELECT max(v.version) FROM post_versions v WHERE v.post_id = p.id), p.text,"
            " coalesce(d.matches, '[]') FROM posts p"
            f" LEFT JOIN detections d ON d.post_id = p.id WHERE p.id IN ({_placeholders(len(post_ids))})",
            list(post_ids))

    async def first_post_alert_since(self, since: datetime) -> int | None:
        """The lowest id of an alert on a post dated from `since` on: where reading alerts starts."""
        row = await self._db.one(
            "SELECT min(id) FROM alerts WHERE kind = 'post' AND event_date >= ?", (_iso(since),))
        return row[0] if row else None

    async def last_ids(self) -> tuple[int, int]:
        """The highest alert id and text version id written so far (0 when none)."""
        seq = self._db.version_seq
        row = await self._db.one(
            f"SELECT (SELECT coalesce(max(id), 0) FROM alerts), (SELECT coalesce(max({seq}), 0) FROM post_versions)")
        return row[0], row[1]

    async def alerts_after(self, after: int, gaps: Sequence[int] = ()) -> list[tuple[int, str, int | None, str]]:
        """(id, kind, post id, event date as stored) of every alert above `after` or among `gaps`."""
        extra = f" OR id IN ({_placeholders(len(gaps))})" if gaps else ""
        return await self._db.all(
            f"SELECT id, kind, post_id, event_date FROM alerts WHERE id > ?{extra} ORDER BY id",
            (after, *gaps))

    async def versions_after(self, after: int, gaps: Sequence[int] = ()) -> list[tuple[int, int, int]]:
        """(version id, post id, version) of every text version above `after` or among `gaps`."""
        seq = self._db.version_seq
        extra = f" OR {seq} IN ({_placeholders(len(gaps))})" if gaps else ""
        return await self._db.all(
            f"SELECT {seq}, post_id, version FROM post_versions WHERE {seq} > ?{extra} ORDER BY {seq}",
            (after, *gaps))

    async def post_alerts_now(self, alert_ids: Sequence[int]) -> list[tuple[int, str, str, int | None, str, int]]:
        """(id, kind, state, post id, event date as stored, the post's text version) of alerts
        as they stand: the last word before one is chosen."""
        return await self._db.all(
            f"SELECT a.id, a.kind, a.state, a.post_id, a.event_date, {_VERSION.format('a')} FROM alerts a"
            f" WHERE a.id IN ({_placeholders(len(alert_ids))})",
            list(alert_ids))
