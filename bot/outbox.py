"""Delivery of stored alerts: written before sending, marked after, so nothing is lost or doubled.

The sender is whatever talks to the team: the Telegram bot in production, the terminal in
the demo. Several outboxes may drain one store (sender processes on separate machines over
PostgreSQL): each claims the alerts it sends for a lease, renews the claim just before each
send, and leaves other senders' live claims alone, so no alert goes out twice. It reports back-pressure with `RetryAfter` (Telegram's FloodWait) and a dropped
connection with `TransientSendError`; both delay delivery, neither loses an alert.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.render import SummaryView, render_summary
from bot.store import AlertRow, Store, StoreUnavailable
from bot.store.db import utcnow

log = logging.getLogger(__name__)

#: How long a claim holds without renewal: a crashed sender's alerts wait this long for another.
CLAIM_LEASE = timedelta(minutes=2)


def process_owner(role: str, instance: str | None = None) -> str:
    """The name a process's claims and leases go under: its role and host, and the instance name
    (FRONTWATCH_INSTANCE) that tells two of one role on one host apart.

    A name that survives a restart lets a restarted sender take its own alerts back at once
    instead of waiting out the lease its previous life left on them.
    """
    return f"{role}@{socket.gethostname()}" + (f"/{instance}" if instance else "")


class RetryAfter(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class TransientSendError(Exception):
    """The connection dropped or timed out: the same request may go through later."""


class Sender(Protocol):
    async def send(self, html: str, random_id: int) -> int | None: ...

    async def edit(self, message_id: int, html: str) -> None: ...

    async def send_photo(self, png: bytes, caption_html: str) -> int | None: ...


class Outbox:
    def __init__(self, store: Store, sender: Sender, *, rate_limit_per_minute: int | None = 20,
                 clock: Callable[[], datetime] = utcnow, sleep: Callable[[float], object] = asyncio.sleep,
                 max_backoff: float = 300.0, owner: str | None = None) -> None:
        self.store = store
        self.owner = owner or process_owner("sender")
        self.sender = sender
        self.rate_limit = rate_limit_per_minute
        self.clock = clock
        self.sleep = sleep
        self.max_backoff = max_backoff
        self._wake = asyncio.Event()
        self.sent = 0
        self.edited = 0
        self.folded = 0

    def notify(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; a pending alert at start (after a crash) goes first."""
        while not stop.is_set():
            # cleared before the flush, not after: an alert stored while the flush reads
            # wakes the next round at once instead of waiting out the timeout
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                log.exception("outbox flush failed; retrying")
                await self._sleep(5)
            waiter = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiter, stopper}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            stopper.cancel()

    async def flush(self) -> None:
        while True:
            now = self.clock()
            async with self.store.transaction():
                await self.store.claim_alerts(self.owner, now, now + CLAIM_LEASE)
            pending = await self.store.pending_alerts(self.owner)
            if pending:
                await self._send_batch(pending)
                continue
            edits = await self.store.alerts_to_edit(self.owner)
            if not edits:
                return
            for alert in edits:
                await self._deliver(alert, edit=True)

    async def _send_batch(self, pending: list[AlertRow]) -> None:
        budget = await self._budget()
        if budget <= 0:
            await self._sleep(await self._seconds_until_budget())
            return
        # An alert tried before may be in the chat already (the process died after Telegram
        # posted it): it goes again first with its random_id, which Telegram deduplicates, and
        # is never folded, or a summary would repeat what the group has seen.
        tried = [a for a in pending if a.attempts]
        if tried:
            await self._deliver(tried[0], edit=False)
            return
        if len(pending) > budget:
            keep = pending[: budget - 1]
            overflow = pending[budget - 1:]
            await self._fold(overflow)
            pending = keep
        for alert in pending:
            await self._deliver(alert, edit=False)

    async def _budget(self) -> int:
        if self.rate_limit is None:
            return 1 << 30
        sent = await self.store.sent_since(self.clock() - timedelta(minutes=1))
        return self.rate_limit - sent

    async def _seconds_until_budget(self) -> float:
        rows = await self.store.execute(
            "SELECT min(sent_at) FROM (SELECT sent_at FROM alerts WHERE state = 'sent' AND sent_at >= ?"
            " ORDER BY sent_at DESC LIMIT ?) AS recent",
            ((self.clock() - timedelta(minutes=1)).isoformat(timespec="seconds"), self.rate_limit))
        oldest = rows[0][0] if rows and rows[0][0] else None
        if oldest is None:
            return 1.0
        return max(1.0, (datetime.fromisoformat(oldest) + timedelta(minutes=1) - self.clock()).total_seconds())

    async def _fold(self, overflow: list[AlertRow]) -> None:
        """Too many alerts for the group's rate limit: the rest become one summary message."""
        lines = []
        for alert in await self._unfolded(overflow):
            if alert.kind == "post" and alert.post_id is not None:
                stored = await self.store.post(alert.post_id)
                what = ", ".join([*(t.upper() for t in alert.topics), *alert.places]) or alert.kind
                lines.append((f"{stored.post.channel_title or stored.post.channel_id}: {what}" if stored else what,
                              stored.post.link if stored else None))
            else:
                lines.append((f"{alert.kind}: {', '.join([*alert.topics, *alert.places])}", None))
        html = render_summary(SummaryView(
            title=f"{len(lines)} more alerts within a minute (rate limit {self.rate_limit}/min)",
            lines=tuple(lines), footer="Folded to keep the group readable; each is in the store and the digest."))
        async with self.store.transaction():
            summary_id = await self.store.create_alert(
                kind="summary", severity="info", post_id=None, places=[], topics=[], html=html,
                event_date=self.clock())
            await self.store.mark_folded([a.id for a in overflow], summary_id)
        self.folded += len(overflow)

    async def _unfolded(self, alerts: list[AlertRow]) -> list[AlertRow]:
        """A summary not yet sent and folded again hands on what it summed up: a line for the
        summary itself would name none of its posts, and they would never reach the group."""
        out: list[AlertRow] = []
        for alert in alerts:
            if alert.kind == "summary":
                rows = await self.store.execute("SELECT id FROM alerts WHERE folded_into = ? ORDER BY id", (alert.id,))
                inner = [a for a in [await self.store.alert(row[0]) for row in rows] if a is not None]
                if inner:
                    out.extend(await self._unfolded(inner))
                    continue
            out.append(alert)
        return out

    async def _deliver(self, alert: AlertRow, *, edit: bool) -> None:
        backoff = 1.0
        while True:
            now = self.clock()
            async with self.store.transaction():
                mine = await self.store.hold_alert(alert.id, self.owner, now, now + CLAIM_LEASE)
            current = await self.store.alert(alert.id) if mine else None
            if current is None or current.state not in ("pending", "sent"):
                return
            try:
                if edit:
                    if current.tg_message_id is not None:
                        await self.sender.edit(current.tg_message_id, current.html)
                    async with self.store.transaction():
                        await self.store.mark_edited(alert.id, current.html)
                    self.edited += 1
                else:
                    if not current.attempts:
                        await self._note(alert.id, "sending")
                    message_id = await self.sender.send(current.html, current.random_id)
                    async with self.store.transaction():
                        await self.store.mark_sent(alert.id, message_id, current.html)
                    self.sent += 1
                return
            except RetryAfter as exc:
                log.warning("Telegram asks to wait %s s before alert %s", exc.seconds, alert.id)
                await self._note(alert.id, f"flood wait {exc.seconds}s")
                await self._sleep(exc.seconds)
            except TransientSendError as exc:
                log.warning("alert %s not delivered (%s); retrying in %.0f s", alert.id, exc, backoff)
                await self._note(alert.id, str(exc) or "connection error")
                await self._sleep(backoff)
                backoff = min(self.max_backoff, backoff * 2)
            except StoreUnavailable:
                raise
            except Exception as exc:
                log.exception("alert %s was refused by the sender; marked failed", alert.id)
                async with self.store.transaction():
                    await self.store.mark_failed(alert.id, f"{type(exc).__name__}: {exc}", edit=edit)
                return

    async def _note(self, alert_id: int, error: str) -> None:
        async with self.store.transaction():
            await self.store.note_attempt(alert_id, error)

    async def _sleep(self, seconds: float) -> None:
        result = self.sleep(seconds)
        if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
            await result
