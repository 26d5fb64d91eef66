"""The user session's reading: live updates of followed channels, and catch-up that misses nothing.

Event handlers only queue what arrived; one worker hands the queue to the pipeline in
order, so a store transaction never interleaves with another and a stop request lets
the post in hand finish. With several reader accounts each has its Reader (its client,
its share of the channels) and all put into one queue, which one of them works off:
still one worker, one pipeline.

Telethon's own catch-up drops long gaps without a word (even while connected, when a
channel's difference is "too long"), so on start, after every reconnect and on a
periodic sweep the reader fills each channel's gap itself with
`iter_messages(min_id=last, reverse=True)`. `last` moves only by what catch-up itself
has read, and is kept in the store beside the read position (which live posts move):
history read that way has no holes, while a live post that arrives after a silent gap
would carry the read position past the gap, even across a crash. Posts read twice this
way are repeats the pipeline ignores.

Edits and deletions are not in that history, and Telegram does not replay them after a
long gap, so after a gap (on start and after a reconnect, not on the sweep) catch-up also
asks for the recent posts already stored, by id, and hands on what changed: a new text as
an edit, a missing message as a deletion.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime, timedelta

from telethon import TelegramClient, errors, events

from bot.pipeline import Pipeline
from bot.post import Post
from bot.store import Store, StoreUnavailable
from bot.store.db import utcnow
from bot.telegram.convert import is_post, post_link, to_post
from bot.telegram.directory import ChannelDirectory, Dialogs, Followed
from bot.telegram.peers import channel_id_of
from bot.telegram.sessions import TelegramAuthError, describe_auth_failure, gave_up, is_auth_failure

log = logging.getLogger(__name__)

#: Runtime-settings key of the per-channel message id up to which catch-up has read history.
VERIFIED_KEY = "catch_up_verified"

#: Catch-up reasons that follow a time the reader was not listening: only after these are
#: stored posts checked again for edits and deletions.
AFTER_A_GAP = frozenset({"start", "reconnected"})

#: Telegram answers at most this many message ids per request.
IDS_PER_REQUEST = 100
#: Most messages queued behind one another that go to the pipeline as one batch.
LIVE_BATCH = 100


@dataclass(frozen=True, slots=True)
class _Message:
    channel_id: int
    message: object
    edited: bool


@dataclass(frozen=True, slots=True)
class _Deletion:
    channel_id: int
    message_ids: tuple[int, ...]
    when: datetime


@dataclass(frozen=True, slots=True)
class _CatchUp:
    reason: str
    only: frozenset[int] | None = None


@dataclass
class ReaderStats:
    live: int = 0
    caught_up: int = 0
    catch_ups: int = 0
    skipped: int = 0
    retries: int = 0
    rechecked: int = 0
    changed: int = 0


class Reader:
    def __init__(self, client: TelegramClient, store: Store, pipeline: Pipeline, directory: ChannelDirectory, *,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep, clock: Callable[[], datetime] = utcnow,
                 page_wait: float = 1.0, max_backoff: float = 300.0, recheck_hours: float = 12.0,
                 recheck_limit: int = 300, queue: asyncio.Queue | None = None) -> None:
        self.client = client
        self.store = store
        self.pipeline = pipeline
        self.directory = directory
        self.sleep = sleep
        self.clock = clock
        self.page_wait = page_wait
        self.max_backoff = max_backoff
        self.recheck_hours = recheck_hours
        self.recheck_limit = recheck_limit
        self.verified: dict[int, int] = {}
        self._saved: dict[int, int] = {}
        #: (the reader whose item it is, the item); shared by the readers of several accounts.
        self.queue: asyncio.Queue[tuple[Reader, _Message | _Deletion | _CatchUp]] = (
            queue if queue is not None else asyncio.Queue())
        self.stats = ReaderStats()
        self._stop = asyncio.Event()
        self._dialogs: Dialogs | None = None
        self._full_pending = False
        self._recheck_due = False
        self._store_down = False
        directory.on_added = lambda ids: self.request_catch_up("channels added", only=ids)

    # -- wiring -----------------------------------------------------------------------

    async def load_positions(self) -> None:
        """Where catch-up resumes: what it had verified, never past the read position."""
        read = await self.store.read_positions()
        verified = await self.store.get_setting(VERIFIED_KEY, {})
        self._saved = {int(k): v for k, v in verified.items()}
        self.verified = {channel_id: min(position, self._saved.get(channel_id, position))
                         for channel_id, position in read.items()}

    async def _save_verified(self, channel_id: int) -> None:
        if self._saved.get(channel_id) == self.verified[channel_id]:
            return
        async with self.store.transaction():
            saved = await self.store.get_setting(VERIFIED_KEY, {})
            saved[str(channel_id)] = self.verified[channel_id]
            await self.store.set_setting(VERIFIED_KEY, saved)
        self._saved[channel_id] = self.verified[channel_id]

    def register(self) -> None:
        """Handlers see every chat; the filter keeps followed channels, whatever form their id takes."""
        self.client.add_event_handler(self._on_new, events.NewMessage(func=self._followed))
        self.client.add_event_handler(self._on_edit, events.MessageEdited(func=self._followed))
        self.client.add_event_handler(self._on_delete, events.MessageDeleted(func=self._followed))

    def _followed(self, event: events.common.EventCommon) -> bool:
        return self.directory.get(channel_id_of(event.chat_id)) is not None

    async def _on_new(self, event: events.NewMessage.Event) -> None:
        self._put(_Message(channel_id_of(event.chat_id), event.message, edited=False))

    async def _on_edit(self, event: events.MessageEdited.Event) -> None:
        self._put(_Message(channel_id_of(event.chat_id), event.message, edited=True))

    async def _on_delete(self, event: events.MessageDeleted.Event) -> None:
        self._put(_Deletion(channel_id_of(event.chat_id), tuple(event.deleted_ids or ()), self.clock()))

    def _put(self, item: _Message | _Deletion | _CatchUp) -> None:
        self.queue.put_nowait((self, item))

    def request_catch_up(self, reason: str, *, only: set[int] | None = None, dialogs: Dialogs | None = None) -> None:
        """Queue a catch-up; `dialogs` already fetched (at start) saves listing them again.

        A gap's re-check is remembered apart from the request, so it is not lost when a
        full catch-up is already queued and this request folds into it.
        """
        if dialogs is not None:
            self._dialogs = dialogs
        if only is None:
            if reason in AFTER_A_GAP:
                self._recheck_due = True
            if self._full_pending:
                return
            self._full_pending = True
        self._put(_CatchUp(reason, frozenset(only) if only is not None else None))

    # -- the worker -------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Hand queued items to the pipeline until `stop`; the item in hand is finished first.
        An item another account's reader queued is handled by that reader."""
        self._stop = stop
        stopper = asyncio.ensure_future(stop.wait())
        carried: tuple[Reader, _Message | _Deletion | _CatchUp] | None = None
        try:
            while not stop.is_set():
                if carried is None:
                    getter = asyncio.ensure_future(self.queue.get())
                    await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
                    if not getter.done():
                        getter.cancel()
                        break
                    carried = getter.result()
                taken, carried = self._take_burst(carried)
                reader, item = taken[0]
                reader._stop = stop
                try:
                    if len(taken) == 1:
                        await reader._handle(item)
                    else:
                        await self._handle_burst(taken)
                except StoreUnavailable as exc:
                    for owner, failed in taken:
                        owner._store_failed(failed, exc)
                else:
                    reader._store_works()
                finally:
                    for _ in taken:
                        self.queue.task_done()
        finally:
            stopper.cancel()

    def _take_burst(self, first: tuple[Reader, _Message | _Deletion | _CatchUp]) -> tuple[list, tuple | None]:
        """The item in hand, and when it is a message, the messages queued right behind it
        (up to `LIVE_BATCH`): a post that arrives alone is handled at once, a burst after a
        reconnect goes to the pipeline in batches. Returns what was taken and the first
        other item taken off the queue, which is handled next."""
        taken = [first]
        if not isinstance(first[1], _Message):
            return taken, None
        while len(taken) < LIVE_BATCH and not self.queue.empty():
            following = self.queue.get_nowait()
            if not isinstance(following[1], _Message):
                return taken, following
            taken.append(following)
        return taken, None

    async def _handle_burst(self, taken: list[tuple[Reader, _Message]]) -> None:
        owners: list[Reader] = []
        posts: list[Post] = []
        for reader, item in taken:
            followed = reader.directory.get(item.channel_id)
            post = reader._post_of(followed, item.message, late=item.edited) if followed is not None else None
            if post is not None:
                owners.append(reader)
                posts.append(post)
        for reader, outcome in zip(owners, await self.pipeline.handle_batch(posts)):
            if outcome.status == "error":
                reader.stats.skipped += 1
            else:
                reader.stats.live += 1

    def _store_failed(self, item: _Message | _Deletion | _CatchUp, exc: StoreUnavailable) -> None:
        """The store could not be written (full disk, a lock held too long): nothing read
        since the verified position counts as read, so the next catch-up (sweep, reconnect,
        restart) reads it again. Logged once until the store works again."""
        if isinstance(item, _CatchUp) and item.only is None and item.reason in AFTER_A_GAP:
            self._recheck_due = True
        if not self._store_down:
            log.warning("%s; what could not be stored is read again at the next catch-up", exc)
        self._store_down = True

    def _store_works(self) -> None:
        if self._store_down:
            log.info("the store works again")
        self._store_down = False

    async def _handle(self, item: _Message | _Deletion | _CatchUp) -> None:
        if isinstance(item, _CatchUp):
            await self._catch_up(item)
        elif isinstance(item, _Deletion):
            await self.pipeline.handle_deletion(item.channel_id, list(item.message_ids), item.when)
        else:
            followed = self.directory.get(item.channel_id)
            if followed is None:
                return
            # An edit of a post never stored was missed: "late" lets the pipeline hold it if old.
            if await self._handle_message(followed, item.message, late=item.edited) is not None:
                self.stats.live += 1

    async def _handle_message(self, followed: Followed, message: object, *, late: bool) -> str | None:
        """The pipeline's outcome; None for what is no post. Never raises: a message that
        breaks is logged with its link and skipped."""
        post = self._post_of(followed, message, late=late)
        if post is None:
            return None
        outcome = await self.pipeline.handle_post(post)
        if outcome.status == "error":
            self.stats.skipped += 1
        return outcome.status

    def _post_of(self, followed: Followed, message: object, *, late: bool) -> Post | None:
        """The message as a Post; None for what is no post, or one that cannot be read (logged
        with its link and counted as skipped)."""
        channel = followed.channel
        message_id = getattr(message, "id", None)
        if message_id is None:
            return None
        try:
            if not is_post(message):
                return None
            return to_post(message, channel, late=late)
        except Exception:
            self.stats.skipped += 1
            log.exception("message %s could not be read; skipped", post_link(channel, channel.id, message_id))
            return None

    # -- catch-up ---------------------------------------------------------------------

    async def _catch_up(self, request: _CatchUp) -> None:
        self.stats.catch_ups += 1
        recheck = False
        if request.only is None:
            self._full_pending = False
            recheck, self._recheck_due = self._recheck_due and self.recheck_hours > 0, False
        since = self.clock() - timedelta(hours=self.recheck_hours) if recheck else None
        stored: dict[int, list[tuple[int, str]]] = {}
        dialogs, self._dialogs = self._dialogs, None
        if dialogs is None and request.only is None:
            dialogs = await self.directory.dialogs()
        tops = dialogs.tops if dialogs is not None else {}
        found = 0
        for channel_id in list(self.directory.followed):
            if self._stop.is_set():
                return
            if request.only is not None and channel_id not in request.only:
                continue
            followed = self.directory.get(channel_id)
            if followed is None:
                continue
            start = self.verified.get(channel_id)
            if start is None:
                start = await self.store.read_position(channel_id)
                if start is None:
                    await self._start_following(followed, tops.get(channel_id))
                    continue
                self.verified[channel_id] = start
                await self._save_verified(channel_id)
            if since is not None:
                stored[channel_id] = await self.store.recent_posts_for_recheck(channel_id, since, self.recheck_limit)
            if channel_id in tops and tops[channel_id] <= start:
                continue
            found += await self._fill(followed, start)
        if found:
            log.info("catch-up (%s): %d posts found", request.reason, found)
        changed = 0
        for channel_id, posts in stored.items():
            if self._stop.is_set():
                return
            followed = self.directory.get(channel_id)
            if followed is None or not posts:
                continue
            try:
                changed += await self._recheck(followed, dict(posts))
            except TelegramAuthError:
                raise
            except Exception:
                log.exception("re-check of %s failed; the other channels go on", followed.channel.label)
        if changed:
            log.info("catch-up (%s): %d stored posts edited or deleted meanwhile", request.reason, changed)
        await self.pipeline.summarize_held()

    async def _start_following(self, followed: Followed, top: int | None) -> None:
        """A channel seen for the first time starts at its newest post, not its whole history.

        The directory normally fixes this before the channel's updates are let in; this is
        for when it could not ask Telegram then.
        """
        if top is None:
            newest = self._retrying(followed, lambda: self.client.iter_messages(followed.peer, limit=1))
            async with aclosing(newest):
                async for message in newest:
                    top = message.id
        top = top or 0
        async with self.store.transaction():
            await self.store.advance_read_position(followed.channel.id, top)
        self.verified[followed.channel.id] = top
        await self._save_verified(followed.channel.id)
        log.info("following %s from message %d on", followed.channel.label, top)

    async def _fill(self, followed: Followed, start: int) -> int:
        found = 0
        last = start
        self.verified[followed.channel.id] = start

        def page():
            return self.client.iter_messages(followed.peer, min_id=last, reverse=True, wait_time=self.page_wait)

        history = self._retrying(followed, page)
        async with aclosing(history):
            async for message in history:
                if self._stop.is_set():
                    break
                if await self._handle_message(followed, message, late=True) in ("new", "edited"):
                    found += 1
                    self.stats.caught_up += 1
                last = max(last, message.id)
                self.verified[followed.channel.id] = last
        await self._save_verified(followed.channel.id)
        return found

    async def _recheck(self, followed: Followed, texts: dict[int, str]) -> int:
        """Ask Telegram again for stored posts; hand on new texts as edits, missing ones as deletions.

        `texts` (message id to stored text) were taken before this catch-up read anything,
        so posts it has just read are not asked for again. A batch refused for good (the
        channel became unreadable) ends the re-check of this channel only.
        """
        changed = 0
        ids = sorted(texts)
        for i in range(0, len(ids), IDS_PER_REQUEST):
            if self._stop.is_set():
                break
            batch = ids[i:i + IDS_PER_REQUEST]
            messages = await self._by_ids(followed, batch)
            if messages is None:
                break
            self.stats.rechecked += len(batch)
            found = {m.id: m for m in messages if m is not None}
            for message_id in batch:
                message = found.get(message_id)
                if message is None or (getattr(message, "message", None) or "") == texts[message_id]:
                    continue
                if await self._handle_message(followed, message, late=True) == "edited":
                    changed += 1
            gone = [message_id for message_id in batch if message_id not in found]
            if gone:
                await self.pipeline.handle_deletion(followed.channel.id, gone, self.clock())
                changed += len(gone)
        self.stats.changed += changed
        return changed

    async def _by_ids(self, followed: Followed, ids: list[int]) -> list | None:
        """One `get_messages` by ids, retried like history; None for a deleted id, and None
        instead of the list when the channel cannot be read or the reader stops."""

        async def fetch():
            yield await self.client.get_messages(followed.peer, ids=ids)

        answers = self._retrying(followed, fetch)
        async with aclosing(answers):
            async for messages in answers:
                return list(messages)
        return None

    async def _retrying(self, followed: Followed, make_iter):
        """Iterate Telegram history, waiting out FloodWaits and dropped connections.

        `make_iter` is called again after a failure and reads the caller's position, so a
        retry resumes after the last message handled instead of starting over.
        """
        backoff = 1.0
        while not self._stop.is_set():
            try:
                async for message in make_iter():
                    yield message
                return
            except errors.FloodWaitError as exc:
                self.stats.retries += 1
                log.warning("catch-up of %s: Telegram asks to wait %s s", followed.channel.label, exc.seconds)
                await self.sleep(exc.seconds)
            except (errors.ChannelPrivateError, errors.ChannelInvalidError) as exc:
                log.warning("catch-up of %s: the channel cannot be read (%s); skipped", followed.channel.label,
                            type(exc).__name__)
                return
            except errors.RPCError as exc:
                if is_auth_failure(exc):
                    raise TelegramAuthError(describe_auth_failure(exc, "user")) from None
                if not isinstance(exc, (errors.ServerError, errors.TimedOutError)):
                    log.warning("catch-up of %s refused (%s); skipped until the next catch-up",
                                followed.channel.label, type(exc).__name__)
                    return
                self.stats.retries += 1
                await self.sleep(backoff)
                backoff = min(self.max_backoff, backoff * 2)
            except (ConnectionError, OSError, asyncio.TimeoutError, ValueError) as exc:
                if isinstance(exc, ValueError) and not gave_up(exc):
                    raise
                self.stats.retries += 1
                log.warning("catch-up of %s interrupted (%s); retrying in %.0f s", followed.channel.label,
                            type(exc).__name__, backoff)
                await self.sleep(backoff)
                backoff = min(self.max_backoff, backoff * 2)

    # -- for the service and tests ----------------------------------------------------

    async def drain(self) -> None:
        """Wait until everything queued so far has been handled (the worker must be running)."""
        await self.queue.join()
