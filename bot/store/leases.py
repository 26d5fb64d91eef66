"""Who does what when several processes share one store: outbox claims and named leases.

Two senders may run against one PostgreSQL database (or one SQLite file). Each claims the
alerts it will send before sending them; a claim carries the sender's name and a time it
runs out, so a sender that crashed mid-way hands its alerts on once the lease is past and
a live sender renews its own. A named lease (`digest`) lets exactly one of several
schedulers do a duty, and passes to another if the holder dies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


def _iso(dt: datetime) -> str:
    from bot.store.db import iso

    return iso(dt)


class Leases:
    """Mixed into `Store`; `_db` is its backend."""

    _db: Any

    async def claim_alerts(self, owner: str, now: datetime, until: datetime) -> int:
        """Take every alert waiting to be sent or edited that no live claim of another sender holds."""
        rows = await self._db.all(
            "UPDATE alerts SET claimed_by = ?, claimed_until = ? WHERE id IN (SELECT id FROM alerts"
            " WHERE id IN (SELECT id FROM alerts WHERE state = 'pending'"
            " UNION ALL SELECT id FROM alerts WHERE state = 'sent' AND needs_edit = 1)"
            " AND (claimed_by IS NULL OR claimed_by = ? OR claimed_until < ?)"
            f" ORDER BY id{self._db.skip_locked}) RETURNING id",
            (owner, _iso(until), owner, _iso(now)))
        return len(rows)

    async def hold_alert(self, alert_id: int, owner: str, now: datetime, until: datetime) -> bool:
        """Renew `owner`'s claim on one alert just before sending it; False when it is no longer its own."""
        row = await self._db.one(
            "UPDATE alerts SET claimed_until = ? WHERE id = ? AND claimed_by = ? AND claimed_until >= ? RETURNING id",
            (_iso(until), alert_id, owner, _iso(now)))
        return row is not None

    async def release_claims(self, owner: str) -> None:
        await self._db.execute("UPDATE alerts SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?",
                               (owner,))

    async def take_lease(self, name: str, owner: str, now: datetime, until: datetime) -> bool:
        """True when `owner` holds the lease till `until`: it was free, run out, or already its own."""
        row = await self._db.one(
            "INSERT INTO leases(name, owner, until) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET"
            " owner = excluded.owner, until = excluded.until WHERE leases.owner = excluded.owner OR leases.until < ?"
            " RETURNING owner", (name, owner, _iso(until), _iso(now)))
        return row is not None

    async def release_lease(self, name: str, owner: str) -> None:
        await self._db.execute("DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner))
