"""The outbox: stored before sent, marked after; waits delay an alert, never lose or double it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.outbox import Outbox, RetryAfter, TransientSendError
from bot.store import Store
from tests.conftest import RU_BLOG, make_post

pytestmark = pytest.mark.both_backends

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


class RecordingSender:
    """Telegram as the outbox sees it: numbered messages, plus scripted failures."""

    def __init__(self, failures: list[Exception | None] | None = None) -> None:
        self.failures = list(failures or [])
        self.messages: dict[int, str] = {}
        self.order: list[str] = []
        self.random_ids: list[int] = []

    def _maybe_fail(self) -> None:
        if self.failures:
            failure = self.failures.pop(0)
            if failure is not None:
                raise failure

    async def send(self, html: str, random_id: int) -> int:
        self._maybe_fail()
        message_id = len(self.messages) + 1
        self.messages[message_id] = html
        self.order.append(html)
        self.random_ids.append(random_id)
        return message_id

    async def edit(self, message_id: int, html: str) -> None:
        self._maybe_fail()
        self.messages[message_id] = html

    async def send_photo(self, png: bytes, caption_html: str) -> int:
        return await self.send(caption_html, 0)


class Sleeps(list):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


async def _queue(store: Store, *texts: str) -> list[int]:
    ids = []
    async with store.transaction():
        for text in texts:
            ids.append(await store.create_alert(kind="summary", severity="info", post_id=None, places=[],
                                                topics=[], html=text, event_date=T0))
    return ids


async def test_an_alert_is_marked_with_the_telegram_message_id_once_it_went_out(store):
    [alert_id] = await _queue(store, "<b>one</b>")
    sender = RecordingSender()
    await Outbox(store, sender, rate_limit_per_minute=None).flush()

    row = await store.alert(alert_id)
    assert row.state == "sent" and row.tg_message_id == 1
    assert sender.random_ids == [row.random_id]


async def test_a_restart_resumes_the_pending_alerts_in_order_and_sends_none_twice(tmp_path):
    path = tmp_path / "fw.sqlite"
    store = await Store.open(path)
    await _queue(store, "a", "b", "c")
    first = RecordingSender(failures=[None, TransientSendError("down")])
    sleeps = Sleeps()

    async def crash_on_retry(seconds: float) -> None:
        raise KeyboardInterrupt  # the process dies while waiting to retry "b"

    with pytest.raises(KeyboardInterrupt):
        await Outbox(store, first, rate_limit_per_minute=None, sleep=crash_on_retry).flush()
    await store.close()

    store = await Store.open(path)
    second = RecordingSender()
    await Outbox(store, second, rate_limit_per_minute=None, sleep=sleeps).flush()
    assert first.order + second.order == ["a", "b", "c"]
    assert (await store.alert_counts()) == {"sent": 3}
    await store.close()


async def test_retry_after_waits_exactly_its_seconds_and_sends_the_same_alert_again(store):
    await _queue(store, "a", "b")
    sender = RecordingSender(failures=[RetryAfter(300), None, RetryAfter(5)])
    sleeps = Sleeps()
    await Outbox(store, sender, rate_limit_per_minute=None, sleep=sleeps).flush()

    assert sleeps == [300, 5]
    assert sender.order == ["a", "b"]
    assert len(set(sender.random_ids)) == 2


async def test_dropped_connections_back_off_doubling_up_to_the_cap(store):
    await _queue(store, "a")
    sender = RecordingSender(failures=[TransientSendError("x")] * 6)
    sleeps = Sleeps()
    await Outbox(store, sender, rate_limit_per_minute=None, sleep=sleeps, max_backoff=8).flush()

    assert sleeps == [1, 2, 4, 8, 8, 8]
    assert sender.order == ["a"]
    assert (await store.alert(1)).attempts == 7  # every try counts: six failed, the seventh went out


async def test_a_refused_alert_is_marked_failed_and_the_rest_still_go_out(store):
    await _queue(store, "bad", "good")
    sender = RecordingSender(failures=[ValueError("MESSAGE_TOO_LONG")])
    await Outbox(store, sender, rate_limit_per_minute=None).flush()

    assert sender.order == ["good"]
    assert (await store.alert_counts()) == {"failed": 1, "sent": 1}


async def test_more_alerts_in_a_minute_than_the_rate_limit_fold_into_one_summary(store):
    await _queue(store, *(f"alert {i}" for i in range(8)))
    sender = RecordingSender()
    await Outbox(store, sender, rate_limit_per_minute=5, clock=lambda: datetime.now(UTC)).flush()

    assert sender.order[:4] == ["alert 0", "alert 1", "alert 2", "alert 3"]
    assert len(sender.order) == 5
    assert "4 more alerts within a minute" in sender.order[4]
    counts = await store.alert_counts()
    assert counts == {"sent": 5, "folded": 4}


async def test_an_alert_changed_after_it_went_out_is_edited_in_place(store):
    [alert_id] = await _queue(store, "first text")
    sender = RecordingSender()
    outbox = Outbox(store, sender, rate_limit_per_minute=None)
    await outbox.flush()
    async with store.transaction():
        await store.update_alert(alert_id, html="second text")
    await outbox.flush()

    assert sender.messages == {1: "second text"}
    assert outbox.sent == 1 and outbox.edited == 1
    assert (await store.alert(alert_id)).needs_edit is False


async def test_sending_waits_for_the_rate_limit_window_instead_of_folding_an_empty_budget(store):
    now = {"t": datetime.now(UTC)}
    await _queue(store, *(f"a{i}" for i in range(2)))
    sender = RecordingSender()
    sleeps = Sleeps()
    outbox = Outbox(store, sender, rate_limit_per_minute=2, clock=lambda: now["t"], sleep=sleeps)
    await outbox.flush()
    await _queue(store, "late")

    async def advance(seconds: float) -> None:
        sleeps.append(seconds)
        now["t"] += timedelta(seconds=seconds)

    outbox.sleep = advance
    await outbox.flush()
    assert sender.order == ["a0", "a1", "late"]
    assert sleeps and sleeps[0] > 0


async def _queue_posts(store: Store, first: int, n: int) -> list[str]:
    """Post alerts for stored posts; their links, as a summary would list them."""
    links = []
    async with store.transaction():
        await store.upsert_channel(RU_BLOG)
        for message_id in range(first, first + n):
            post = make_post(RU_BLOG, message_id, f"post {message_id}", T0)
            saved = await store.save_post(post)
            await store.create_alert(kind="post", severity="high", post_id=saved.post_id, places=["izium"],
                                     topics=["withdrawal"], html=f"alert {message_id}", event_date=T0)
            links.append(post.link)
    return links


async def test_a_summary_folded_again_before_it_went_out_still_lists_every_post_it_held(store):
    now = datetime.now(UTC)
    first = await _queue_posts(store, 1, 5)

    class Died(Exception):
        pass

    async def die(seconds: float) -> None:
        raise Died

    # Rate limit 3: two alerts go out, three fold into a summary; the process dies while the
    # second alert waits for a dropped connection, before the summary was tried.
    with pytest.raises(Died):
        await Outbox(store, RecordingSender([None, TransientSendError("reset")]), rate_limit_per_minute=3,
                     clock=lambda: now, sleep=die).flush()
    more = await _queue_posts(store, 6, 2)
    sender = RecordingSender()
    await Outbox(store, sender, rate_limit_per_minute=3, clock=lambda: now).flush()

    assert sender.order[0] == "alert 2", "the alert tried before the crash goes again first, not folded"
    [summary] = sender.order[1:]
    assert "5 more alerts within a minute" in summary
    for link in first[2:] + more:
        assert link in summary
    assert first[1] not in summary


async def test_an_alert_that_may_have_gone_out_before_a_crash_is_resent_with_its_random_id_never_folded(store):
    now = datetime.now(UTC)
    links = await _queue_posts(store, 1, 2)

    class Died(BaseException):  # the process is killed: nothing of the outbox runs after it
        pass

    class DiesAfterTelegramPosted(RecordingSender):
        async def send(self, html: str, random_id: int) -> int:
            await super().send(html, random_id)
            if len(self.order) == 2:
                raise Died
            return len(self.order)

    first = DiesAfterTelegramPosted()
    with pytest.raises(Died):
        await Outbox(store, first, rate_limit_per_minute=2, clock=lambda: now).flush()
    await _queue_posts(store, 3, 3)
    second = RecordingSender()
    clock = {"t": now}

    async def wait(seconds: float) -> None:
        clock["t"] += timedelta(seconds=seconds)

    # One alert of this minute's two is out: the budget is one, and four are pending.
    await Outbox(store, second, rate_limit_per_minute=2, clock=lambda: clock["t"], sleep=wait).flush()

    assert second.order[0] == "alert 2" and second.random_ids[0] == first.random_ids[1]
    assert all(links[1] not in html for html in second.order[1:])


async def test_an_alert_stored_while_the_outbox_is_looking_goes_out_without_waiting_for_the_next_round(store):
    """The pipeline commits an alert and wakes the outbox while its flush is between
    queries: the wake-up must not be lost (it used to wait out the 30 s timeout)."""
    sender = RecordingSender()
    outbox = Outbox(store, sender, rate_limit_per_minute=None)
    looked = store.alerts_to_edit
    stored_meanwhile: list[int] = []

    async def alerts_to_edit(owner):
        found = await looked(owner)
        if not stored_meanwhile:
            stored_meanwhile.extend(await _queue(store, "<b>stored during the flush</b>"))
            outbox.notify()
        return found

    store.alerts_to_edit = alerts_to_edit
    stop = asyncio.Event()
    running = asyncio.create_task(outbox.run(stop))
    try:
        async def delivered() -> None:
            while not sender.order:
                await asyncio.sleep(0.01)
        await asyncio.wait_for(delivered(), 10)
    finally:
        stop.set()
        await running
    assert sender.order == ["<b>stored during the flush</b>"]
    assert (await store.alert(stored_meanwhile[0])).state == "sent"
