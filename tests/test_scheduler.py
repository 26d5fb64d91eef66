"""The morning digest on its clock: the real APScheduler fires it, and each day's digest
reaches the team exactly once — however often the trigger fires or the service restarts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.triggers.cron import CronTrigger
from telethon.extensions import html as tl_html

from bot.pipeline import Pipeline
from bot.render import CAPTION_LIMIT, utf16_len
from bot.scheduler import JOB_ID, LAST_SENT_KEY, DigestScheduler
from bot.settings import AlertSettings, DigestSettings, Settings

from conftest import ROOT, RU_BLOG, at, make_post

pytestmark = pytest.mark.both_backends

TZ = "Europe/Kyiv"


class Inbox:
    """The team chat: records every digest delivered, and can fail on demand."""

    def __init__(self) -> None:
        self.digests: list[tuple[list[str], bytes]] = []
        self.arrived = asyncio.Event()
        self.fail = False

    async def send(self, pages: list[str], png: bytes) -> None:
        if self.fail:
            raise ConnectionError("Telegram unreachable")
        self.digests.append((pages, png))
        self.arrived.set()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(config_dir=ROOT / "config", db_path=tmp_path / "fw.sqlite",
                    digest=DigestSettings(time="08:00", timezone=TZ))


@pytest.fixture
async def stocked(store, channels, detector):
    pipeline = Pipeline(store, detector, AlertSettings(), clock=lambda: at(9))
    await pipeline.handle_post(make_post(RU_BLOG, 1, "ВСУ отступили из Изюма.", at(9)))
    return store


async def test_the_default_trigger_is_a_cron_at_the_configured_time_and_zone(store, detector, settings):
    scheduler = DigestScheduler(store, detector, settings, Inbox().send)
    scheduler.start()
    try:
        job = scheduler.scheduler.get_job(JOB_ID)
        assert isinstance(job.trigger, CronTrigger) and str(job.trigger.timezone) == TZ
        fields = {f.name: str(f) for f in job.trigger.fields}
        assert (fields["hour"], fields["minute"], fields["second"]) == ("8", "0", "0")
        local = job.next_run_time.astimezone(ZoneInfo(TZ))
        assert (local.hour, local.minute, local.second) == (8, 0, 0)
    finally:
        scheduler.shutdown()
        await asyncio.sleep(0)


async def test_the_real_scheduler_fires_a_near_cron_trigger_and_the_digest_is_sent_once(stocked, detector, settings):
    inbox = Inbox()
    target = datetime.now(ZoneInfo(TZ)).replace(microsecond=0) + timedelta(seconds=2)
    trigger = CronTrigger(hour=target.hour, minute=target.minute, second=target.second, timezone=TZ)
    scheduler = DigestScheduler(stocked, detector, settings, inbox.send, trigger=trigger)
    runs: list[int] = []
    done = asyncio.Event()

    def listener(event) -> None:
        runs.append(event.code)
        done.set()

    scheduler.start()
    scheduler.scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    try:
        await asyncio.wait_for(done.wait(), timeout=30)
    finally:
        scheduler.shutdown()
        await asyncio.sleep(0)
    assert runs == [EVENT_JOB_EXECUTED]
    [(pages, png)] = inbox.digests
    assert png.startswith(b"\x89PNG") and tl_html.parse(pages[0])[0].startswith("🗞 Digest")
    assert await scheduler.run_missed() is False
    assert len(inbox.digests) == 1


async def test_a_trigger_firing_every_second_still_sends_each_days_digest_once(stocked, detector, settings):
    inbox = Inbox()
    scheduler = DigestScheduler(stocked, detector, settings, inbox.send, trigger=CronTrigger(second="*", timezone=TZ))
    fired = 0
    three = asyncio.Event()

    def listener(event) -> None:
        nonlocal fired
        fired += 1
        if fired >= 3:
            three.set()

    scheduler.start()
    scheduler.scheduler.add_listener(listener, EVENT_JOB_EXECUTED)
    try:
        await asyncio.wait_for(three.wait(), timeout=30)
    finally:
        scheduler.shutdown()
        await asyncio.sleep(0)
    assert fired >= 3 and len(inbox.digests) == 1


async def test_a_digest_missed_while_down_is_sent_at_start_and_only_once(stocked, detector, settings):
    now = {"t": at(7, day=21)}  # 09:00 Kyiv: the 08:00 digest fell due while the service was down
    inbox = Inbox()
    async with stocked.transaction():
        await stocked.set_setting(LAST_SENT_KEY, at(6, day=20).isoformat())
    scheduler = DigestScheduler(stocked, detector, settings, inbox.send, clock=lambda: now["t"])
    assert await scheduler.run_missed() is True
    assert await scheduler.run_missed() is False
    [(pages, _)] = inbox.digests
    headline, text = tl_html.parse(pages[0])[0], tl_html.parse(pages[1])[0]
    assert headline.startswith("🗞 Digest · 21 Nov 2026\n1 post, 1 flagged, 1 on withdrawal")
    assert utf16_len(pages[0]) <= CAPTION_LIMIT
    assert text.startswith("🗞 Morning report · 21 Nov 2026") and "1 post, 1 flagged" in text
    assert await scheduler.last_sent() == at(6, day=21)


async def test_several_days_down_send_only_the_latest_digest(stocked, detector, settings):
    inbox = Inbox()
    async with stocked.transaction():
        await stocked.set_setting(LAST_SENT_KEY, at(6, day=10).isoformat())
    scheduler = DigestScheduler(stocked, detector, settings, inbox.send, clock=lambda: at(7, day=21))
    assert await scheduler.run_missed() is True
    assert len(inbox.digests) == 1 and "21 Nov 2026" in inbox.digests[0][0][0]


async def test_the_first_start_of_a_new_deployment_sends_nothing_and_starts_the_schedule(store, detector, settings):
    inbox = Inbox()
    scheduler = DigestScheduler(store, detector, settings, inbox.send, clock=lambda: at(7, day=21))
    assert await scheduler.run_missed() is False
    assert inbox.digests == [] and await scheduler.last_sent() == at(6, day=21)


async def test_a_start_before_the_days_digest_time_sends_nothing(stocked, detector, settings):
    inbox = Inbox()
    async with stocked.transaction():
        await stocked.set_setting(LAST_SENT_KEY, at(6, day=20).isoformat())
    scheduler = DigestScheduler(stocked, detector, settings, inbox.send, clock=lambda: at(5, day=21))
    assert await scheduler.run_missed() is False and inbox.digests == []


async def test_the_cron_run_and_the_start_up_catch_up_racing_send_once(stocked, detector, settings):
    inbox = Inbox()
    async with stocked.transaction():
        await stocked.set_setting(LAST_SENT_KEY, at(6, day=20).isoformat())
    scheduler = DigestScheduler(stocked, detector, settings, inbox.send, clock=lambda: at(6, day=21))
    await asyncio.gather(scheduler.run_missed(), scheduler._scheduled(), scheduler.run_missed())
    assert len(inbox.digests) == 1


async def test_a_failed_send_is_not_marked_sent_and_goes_out_at_the_next_start(stocked, detector, settings, caplog):
    inbox = Inbox()
    inbox.fail = True
    async with stocked.transaction():
        await stocked.set_setting(LAST_SENT_KEY, at(6, day=20).isoformat())
    scheduler = DigestScheduler(stocked, detector, settings, inbox.send, clock=lambda: at(7, day=21))
    await scheduler._scheduled()
    assert "scheduled digest failed" in caplog.text and await scheduler.last_sent() == at(6, day=20)
    inbox.fail = False
    assert await scheduler.run_missed() is True and len(inbox.digests) == 1


async def test_on_demand_sends_any_day_and_the_latest_counts_as_sent(stocked, detector, settings):
    inbox = Inbox()
    async with stocked.transaction():
        await stocked.set_setting(LAST_SENT_KEY, at(6, day=20).isoformat())
    scheduler = DigestScheduler(stocked, detector, settings, inbox.send, clock=lambda: at(7, day=21))
    await scheduler.send_digest(datetime(2026, 11, 19, tzinfo=UTC).date())
    assert await scheduler.last_sent() == at(6, day=20)
    await scheduler.send_digest(None)
    assert await scheduler.run_missed() is False
    assert [tl_html.parse(p[0])[0].splitlines()[0] for p, _ in inbox.digests] == [
        "🗞 Digest · 19 Nov 2026", "🗞 Digest · 21 Nov 2026"]
