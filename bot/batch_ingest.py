"""Posts in batches: one transaction, and one trip to the database thread for the ordinary ones.

Most posts raise nothing: no place, no topic, or nothing the team asked to be alerted on.
Those only need their rows, so a batch looks up what is already stored in one query,
detects each post, and writes every run of such posts in one call. A post that may alert,
edits, claims or repeats a message seen earlier in the batch takes the one-post path
inside the same transaction, in its turn, under a savepoint, so the order of arrival (and
of post ids) is that of the batch and a post that breaks is undone alone.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot import claims, policy
from bot.detect import Detection
from bot.post import Post
from bot.sources.ordered import version_rank
from bot.store import StoreUnavailable
from bot.store.batch import NewPost
from bot.store.db import StoredVersion
from bot.store.faults import store_problem

log = logging.getLogger(__name__)

Within = Callable[[], Awaitable[None]] | None
#: The runtime settings that decide what a post alerts on, read once a batch.
FILTER_SETTINGS = ("tracked_places", "mutes", "alert_on")
#: detections made ahead and not yet asked for, at most (replay reads a few batches ahead)
AHEAD_LIMIT = 2_000


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # new | duplicate | edited | error
    alert_id: int | None = None
    merged_into: int | None = None


@dataclass(frozen=True, slots=True)
class _Plan:
    """What one post of a batch needs: written with the run (`detection` set), written alone
    then the alert path (`raw` set: new and may alert), the one-post path (`slow`: an edit,
    a message met earlier in the batch), or nothing (a repeat)."""

    detection: Detection | None = None
    slow: bool = False
    raw: Detection | None = None
    duplicate: bool = False


class BatchIngest:
    """Mixed into `Pipeline`: the batch entry point and its planning."""

    async def handle_batch(self, posts: Sequence[Post], *, newest_only: bool = False,
                           within: Within = None) -> list[Outcome]:
        """One outcome per post, in order. Never raises for a bad post: it is logged with its
        link and skipped, the rest of the batch is kept. `newest_only` treats a version no
        newer than the stored one as a repeat (replay: an old export must not undo an edit).
        `within` runs last inside the batch's transaction (replay keeps its position there).
        A store that cannot be written (`StoreUnavailable`) is raised: no post is to blame."""
        self.stats.read += len(posts)
        try:
            async with self.store.transaction():
                outcomes = await self._batch(posts, newest_only)
                if within is not None:
                    await within()
        except StoreUnavailable:
            raise
        except Exception:
            if len(posts) == 1:
                self.stats.errors += 1
                log.exception("post %s could not be handled; skipped", posts[0].link)
                return [Outcome("error")]
            log.exception("a batch of %d posts failed as a whole; handling them one at a time", len(posts))
            self.stats.read -= len(posts)
            outcomes = [(await self.handle_batch([post], newest_only=newest_only))[0] for post in posts]
            if within is not None:
                async with self.store.transaction():
                    await within()
            return outcomes
        if any(o.alert_id is not None or o.merged_into is not None for o in outcomes):
            self.on_alert()
        return outcomes

    def detect_ahead(self, posts: Sequence[Post]) -> None:
        """Detections of the next batch's posts, made while the store commits this one
        (replay: SQLite builds the search index on a thread of its own, `InlineConnection.apart`).
        Kept by text and the side it was read with, so the batch uses one only where it
        would have asked the same; a post that fails here is detected again in its turn,
        and fails there with its link."""
        ahead = self._ahead
        for post in posts:
            channel = self._channels.get(post.channel_id)
            if channel is None or post.forward is not None or (post.text, channel.side) in ahead:
                continue
            try:
                ahead[post.text, channel.side] = self.detector.detect(post.text, side=channel.side)
            except Exception:  # noqa: BLE001 - reported when the post's turn comes
                continue
        # a detection no batch asked for (its post was stored already) goes, oldest first
        for key in list(itertools.islice(ahead, max(0, len(ahead) - AHEAD_LIMIT))):
            del ahead[key]
        self.store.fold_ahead(post.text for post in posts)

    async def _batch(self, posts: Sequence[Post], newest_only: bool) -> list[Outcome]:
        self._detected = self._ahead
        try:
            return await self._plan_and_write(posts, newest_only)
        finally:
            self._detected = {}
            if self._ahead:
                for post in posts:
                    channel = self._channels.get(post.channel_id)
                    if channel is not None:
                        self._ahead.pop((post.text, channel.side), None)

    async def _plan_and_write(self, posts: Sequence[Post], newest_only: bool) -> list[Outcome]:
        stored = await self.store.stored_versions([p.key for p in posts])
        filters: dict = {}  # the batch's runtime settings (key None), then each channel's filters
        outcomes: list = [None] * len(posts)
        run: list[tuple[int, NewPost]] = []
        seen: set[tuple[int, int]] = set()
        for i, post in enumerate(posts):
            try:
                plan = await self._plan(post, stored.get(post.key), post.key in seen, newest_only, filters)
            except Exception as exc:
                outcomes[i] = self._skipped(post, exc)
                continue
            seen.add(post.key)
            if plan.duplicate:
                self.stats.duplicates += 1
                outcomes[i] = Outcome("duplicate")
            elif plan.detection is not None:
                run.append((i, NewPost(post, plan.detection)))
            elif plan.raw is not None:
                await self._write_run(run, outcomes)
                outcomes[i] = await self._new_alertable(post, plan.raw, filters)
            else:
                await self._write_run(run, outcomes)
                outcomes[i] = await self._one_of_batch(post, newest_only)
        await self._write_run(run, outcomes)
        return outcomes

    async def _plan(self, post: Post, stored: StoredVersion | None, seen: bool, newest_only: bool,
                    filters: dict) -> _Plan:
        if seen:
            return _Plan(slow=True)
        if stored is not None:
            if stored.text == post.text or (newest_only and version_rank(post) <= stored.rank):
                return _Plan(duplicate=True)
            return _Plan(slow=True)
        channel = await self._channel(post)
        side = await self._voice_side(post, channel)
        raw = self._detected.get((post.text, side))
        if raw is None:
            raw = self.detector.detect(post.text, side=side)
        if not raw.flagged and not raw.events:
            return _Plan(detection=raw)
        if channel.id not in filters:
            if None not in filters:
                filters[None] = await self.store.get_settings(FILTER_SETTINGS)
            filters[channel.id] = await self._filters(channel, filters[None])
        tracked, muted_places, channel_muted, mode = filters[channel.id]
        detection = policy.filter_detection(raw, tracked, muted_places)
        if not detection.flagged and not detection.events:
            return _Plan(detection=raw)
        if channel_muted or not claims.should_alert(mode, has_events=bool(detection.events),
                                                    tracked_mentions=bool(detection.places),
                                                    flagged=detection.flagged):
            self.stats.flagged += 1
            self.stats.places.update(detection.place_ids)
            self.stats.topics.update(detection.topic_ids)
            return _Plan(detection=raw)
        return _Plan(raw=raw)

    async def _write_run(self, run: list[tuple[int, NewPost]], outcomes: list) -> None:
        if not run:
            return
        results = await self.store.save_new_posts([item for _, item in run])
        for (i, item), result in zip(run, results):
            if isinstance(result, Exception):
                self.stats.errors += 1
                log.error("post %s could not be stored; skipped: %s", item.post.link, result)
                outcomes[i] = Outcome("error")
            else:
                outcomes[i] = Outcome("new")
        run.clear()

    async def _new_alertable(self, post: Post, raw: Detection, filters: dict) -> Outcome:
        """A new post that may alert: its rows go over in one call like the run's, then the
        alert path runs; a failure anywhere undoes both (savepoint)."""
        try:
            async with self.store.savepoint():
                [written] = await self.store.save_new_posts([NewPost(post, raw)])
                if isinstance(written, Exception):
                    raise written
                channel = await self._channel(post)
                tracked, muted_places, _, _ = filters[channel.id]
                detection = policy.filter_detection(raw, tracked, muted_places)
                self.stats.flagged += 1
                self.stats.places.update(detection.place_ids)
                self.stats.topics.update(detection.topic_ids)
                return await self._alert_new(post, written, channel, detection, status="new")
        except Exception as exc:
            return self._skipped(post, exc)

    def _skipped(self, post: Post, exc: Exception) -> Outcome:
        """A post that failed alone is logged by its link and skipped; a failing file or disk
        is re-raised, since it fails the whole batch."""
        if _the_file(exc):
            raise exc
        self.stats.errors += 1
        log.exception("post %s could not be handled; skipped", post.link)
        return Outcome("error")

    async def _one_of_batch(self, post: Post, newest_only: bool) -> Outcome:
        """The one-post path under a savepoint: an edit, a post that may alert, a repeat of a
        message met earlier in the batch."""
        try:
            async with self.store.savepoint():
                if newest_only:
                    known = await self.store.post_by_key(post.channel_id, post.message_id)
                    if known is not None and known.post.text != post.text \
                            and version_rank(post) <= version_rank(known.post):
                        self.stats.duplicates += 1
                        return Outcome("duplicate")
                return await self._handle(post)
        except Exception as exc:
            return self._skipped(post, exc)


def _the_file(exc: BaseException) -> bool:
    """A failure of the store's file or disk: no post is to blame, so the batch stops whole."""
    return isinstance(exc, StoreUnavailable) or store_problem(exc) is not None
