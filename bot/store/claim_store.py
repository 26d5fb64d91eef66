"""Claims in the store: the events posts carry, and who asserts or denies what at each place.

A claim groups the posts that say one thing (an action at a place) within a window; each
post is one voice, kept with its stance and the independent source it speaks for, so a
tier (one source, one side, both sides) and a dispute are counted from the voices alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.store.batch import iso

if TYPE_CHECKING:
    from bot.store.db import StoredPost


@dataclass(frozen=True, slots=True)
class StoredEvent:
    action: str
    place: str | None
    by: str | None
    stance: str
    matches: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class ClaimRow:
    id: int
    action: str
    place_id: str
    tier: str
    disputed: bool
    first_date: datetime
    last_date: datetime
    alert_id: int | None


@dataclass(frozen=True, slots=True)
class ClaimVoice:
    """One post's word on a claim, and the independent source it speaks for."""

    post: StoredPost
    stance: str
    by_side: str | None
    source: str
    source_side: str | None


_CLAIM_COLUMNS = "id, action, place_id, tier, disputed, first_date, last_date, alert_id"


def _claim(row: Sequence[Any]) -> ClaimRow:
    return ClaimRow(id=row[0], action=row[1], place_id=row[2], tier=row[3], disputed=bool(row[4]),
                    first_date=datetime.fromisoformat(row[5]), last_date=datetime.fromisoformat(row[6]),
                    alert_id=row[7])


class Claims:
    """Mixed into `Store`: `_db` is its backend; `_all`, `_one` and `posts_by_ids` are its own."""

    _db: Any

    async def post_events(self, post_id: int) -> list[StoredEvent]:
        rows = await self._all(
            "SELECT action, place_id, by_side, stance, matches FROM post_events WHERE post_id = ? ORDER BY seq",
            (post_id,))
        return [StoredEvent(r[0], r[1], r[2], r[3], tuple(tuple(m) for m in json.loads(r[4]))) for r in rows]

    async def event_posts_between(self, action: str, place_id: str, stance: str, start: datetime,
                                  end: datetime) -> list[int]:
        """Posts in a window with an event of this action, place and stance, oldest first."""
        rows = await self._all(
            "SELECT DISTINCT p.id, p.date FROM post_events e JOIN posts p ON p.id = e.post_id"
            " WHERE e.action = ? AND e.place_id = ? AND e.stance = ? AND p.date >= ? AND p.date <= ?"
            " ORDER BY p.date, p.id", (action, place_id, stance, iso(start), iso(end)))
        return [r[0] for r in rows]

    async def open_claim(self, action: str, place_id: str, when: datetime, window: timedelta,
                         lifetime: timedelta) -> ClaimRow | None:
        """The claim a post at `when` belongs to: last spoken of no more than `window` before it,
        and first asserted no more than `lifetime` before it.

        A claim stays open while channels keep echoing it, but not for ever: a place talked of
        every day gets a new claim (and a new alert) each `lifetime`, since edits notify no one.
        """
        row = await self._one(
            f"SELECT {_CLAIM_COLUMNS} FROM claims WHERE action = ? AND place_id = ? AND last_date >= ?"
            " AND first_date >= ? AND first_date <= ? ORDER BY first_date DESC, id DESC LIMIT 1",
            (action, place_id, iso(when - window), iso(when - lifetime), iso(when + window)))
        return _claim(row) if row else None

    async def claim(self, claim_id: int) -> ClaimRow | None:
        row = await self._one(f"SELECT {_CLAIM_COLUMNS} FROM claims WHERE id = ?", (claim_id,))
        return _claim(row) if row else None

    async def set_claim_alert(self, claim_id: int, alert_id: int) -> None:
        await self._db.execute("UPDATE claims SET alert_id = ? WHERE id = ?", (alert_id, claim_id))

    async def create_claim(self, action: str, place_id: str, first: datetime, alert_id: int | None) -> int:
        return await self._db.insert_id(
            "INSERT INTO claims(action, place_id, first_date, last_date, alert_id) VALUES (?, ?, ?, ?, ?)",
            (action, place_id, iso(first), iso(first), alert_id))

    async def add_claim_voice(self, claim_id: int, post_id: int, stance: str, by_side: str | None, source: str,
                              source_side: str | None, when: datetime) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO claim_posts(claim_id, post_id, stance, by_side, source, source_side)"
            " VALUES (?, ?, ?, ?, ?, ?)", (claim_id, post_id, stance, by_side, source, source_side))
        await self._db.execute(
            f"UPDATE claims SET first_date = CASE WHEN ? = 'asserted' THEN {self._db.least}(first_date, ?)"
            f" ELSE first_date END, last_date = {self._db.greatest}(last_date, ?) WHERE id = ?",
            (stance, iso(when), iso(when), claim_id))

    async def set_claim_state(self, claim_id: int, tier: str, disputed: bool) -> None:
        await self._db.execute("UPDATE claims SET tier = ?, disputed = ? WHERE id = ?",
                                 (tier, int(disputed), claim_id))

    async def claim_stances(self, claim_id: int) -> list[tuple[str, str, str | None]]:
        """(stance, source, source side) of every voice: what a tier is counted from."""
        return [tuple(r) for r in await self._all(
            "SELECT stance, source, source_side FROM claim_posts WHERE claim_id = ?", (claim_id,))]

    async def claim_voices(self, claim_id: int) -> list[ClaimVoice]:
        rows = await self._all(
            "SELECT post_id, stance, by_side, source, source_side FROM claim_posts WHERE claim_id = ?", (claim_id,))
        posts = {sp.post_id: sp for sp in await self.posts_by_ids([r[0] for r in rows])}
        voices = [ClaimVoice(posts[r[0]], r[1], r[2], r[3], r[4]) for r in rows if r[0] in posts]
        return sorted(voices, key=lambda v: (v.post.post.date, v.post.post_id, v.stance))

    async def claims_of_post(self, post_id: int) -> list[ClaimRow]:
        rows = await self._all(
            f"SELECT {_CLAIM_COLUMNS} FROM claims WHERE id IN (SELECT claim_id FROM claim_posts WHERE post_id = ?)"
            " ORDER BY id", (post_id,))
        return [_claim(r) for r in rows]

    async def claims_of_alert(self, alert_id: int) -> list[ClaimRow]:
        rows = await self._all(f"SELECT {_CLAIM_COLUMNS} FROM claims WHERE alert_id = ? ORDER BY id", (alert_id,))
        return [_claim(r) for r in rows]

    async def claims_between(self, start: datetime, end: datetime) -> list[ClaimRow]:
        rows = await self._all(
            f"SELECT {_CLAIM_COLUMNS} FROM claims WHERE last_date >= ? AND first_date < ?"
            " ORDER BY place_id, action, first_date, id", (iso(start), iso(end)))
        return [_claim(r) for r in rows]

    async def forget_claim_voices(self, post_id: int) -> None:
        """An edited post speaks again: its old word on claims is taken back first."""
        await self._db.execute("DELETE FROM claim_posts WHERE post_id = ?", (post_id,))
