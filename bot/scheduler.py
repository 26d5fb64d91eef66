"""The morning digest on a clock: an APScheduler cron job, and a catch-up when the service starts.

The end of the last digest window sent is remembered in the store, and every delivery
checks it under one lock. That makes the cron job, the catch-up at start and a slow
send racing each other harmless: each 24-hour window reaches the team once. Several
schedulers on one shared store (one per machine, for when one goes down) take the
`digest` lease before sending, so only one of them sends; a holder that dies mid-send
hands the lease on when it runs out. Only the
latest window is caught up after a long outage — yesterday's news a week late helps
no one, and `/digest DATE` is there for the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.detect import Detector
from bot.digest import Digest, caption, chart_png, digest_window
from bot.outbox import process_owner
from bot.report import report_for, report_pages
from bot.settings import Settings
from bot.store import Store
from bot.store.db import iso, utcnow

log = logging.getLogger(__name__)

LAST_SENT_KEY = "digest_last_sent"
JOB_ID = "daily-digest"
LEASE = "digest"
#: Longer than any digest takes to build and send; a dead holder blocks the others this long.
LEASE_TIME = timedelta(minutes=15)

DigestSend = Callable[[list[str], bytes], Awaitable[None]]


class DigestScheduler:
    """Sends the digest to the team at the configured time; `trigger` and `clock` are for tests."""

    def __init__(self, store: Store, detector: Detector, settings: Settings, send: DigestSend, *,
                 trigger: BaseTrigger | None = None, clock: Callable[[], datetime] = utcnow,
                 owner: str | None = None) -> None:
        self.store = store
        self.owner = owner or process_owner("scheduler")
        self.detector = detector
        self.settings = settings
        self.send = send
        self.clock = clock
        hour, minute = settings.digest.hour_minute
        self.trigger = trigger or CronTrigger(hour=hour, minute=minute, second=0,
                                              timezone=ZoneInfo(settings.digest.timezone))
        self._lock = asyncio.Lock()
        self._scheduler: AsyncIOScheduler | None = None

    def start(self) -> None:
        """Call from inside the running event loop; the job runs on that loop."""
        self._scheduler = AsyncIOScheduler(timezone=ZoneInfo(self.settings.digest.timezone))
        # A loop stalled past the minute (or a suspended host) still gets its digest: the
        # grace time lets a late run through, coalescing folds several late runs into one.
        self._scheduler.add_job(self._scheduled, self.trigger, id=JOB_ID, coalesce=True, max_instances=1,
                                misfire_grace_time=3600, replace_existing=True)
        self._scheduler.start()
        log.info("digest scheduled: %s", self.trigger)

    def shutdown(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None

    @property
    def scheduler(self) -> AsyncIOScheduler | None:
        return self._scheduler

    def _due_end(self) -> datetime:
        _, end = digest_window(None, self.settings.digest.hour_minute, self.settings.digest.timezone, self.clock())
        return end

    async def last_sent(self) -> datetime | None:
        raw = await self.store.get_setting(LAST_SENT_KEY)
        return datetime.fromisoformat(raw) if raw else None

    async def run_missed(self) -> bool:
        """At start: send the latest digest if it fell due while the service was down.

        A store that has never sent a digest has missed nothing; it only notes where the
        schedule starts, so the first start of a new deployment does not post a digest.
        """
        due = self._due_end()
        last = await self.last_sent()
        if last is None:
            async with self.store.transaction():
                await self.store.set_setting(LAST_SENT_KEY, iso(due))
            return False
        if last >= due:
            return False
        log.info("the digest due at %s was missed while the service was down; sending it now", due)
        return await self._deliver_due()

    async def _scheduled(self) -> None:
        try:
            await self._deliver_due()
        except Exception:
            log.exception("scheduled digest failed; it will be sent at the next start")

    async def _deliver_due(self) -> bool:
        async with self._lock:
            now = self.clock()
            async with self.store.transaction():
                held = await self.store.take_lease(LEASE, self.owner, now, now + LEASE_TIME)
            if not held:
                log.info("another scheduler is sending the digest; this one stands by")
                return False
            try:
                due = self._due_end()
                last = await self.last_sent()
                if last is not None and last >= due:
                    return False
                await self._send(due.astimezone(ZoneInfo(self.settings.digest.timezone)).date())
                async with self.store.transaction():
                    await self.store.set_setting(LAST_SENT_KEY, iso(due))
                return True
            finally:
                async with self.store.transaction():
                    await self.store.release_lease(LEASE, self.owner)

    async def send_digest(self, day: date | None = None) -> None:
        """On demand to the team, for any day; the latest one also counts as sent."""
        async with self._lock:
            digest = await self._send(day)
            last = await self.last_sent()
            if day is None and (last is None or digest.end > last):
                async with self.store.transaction():
                    await self.store.set_setting(LAST_SENT_KEY, iso(digest.end))

    async def _send(self, day: date | None) -> Digest:
        report = await report_for(self.store, self.detector, self.settings, day, self.clock())
        digest = report.digest
        png = await asyncio.to_thread(chart_png, digest)
        # The caption goes first: short enough to ride on the photo, so chart and headline arrive together.
        await self.send([caption(digest), *report_pages(report)], png)
        log.info("digest for %s sent (%d posts, %d flagged)", digest.day_label, digest.total_posts,
                 digest.flagged_posts)
        return digest
