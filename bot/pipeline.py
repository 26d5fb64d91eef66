"""The one path every post takes, whichever way it came in: store, detect, decide, queue.

Live updates, export replay and the demo all call `Pipeline.handle_post`; nothing here
knows about Telethon. Alerts are only written to the store here; `bot.outbox` sends them.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from bot import policy
from bot.channels import Channel
from bot.detect import Detection, Detector
from bot.detect.model import merge_spans
from bot.detect.settlements import PlaceNames
from bot.post import Post
from bot.render import (
    CorroborationView,
    EvidenceLine,
    PostAlertView,
    Related,
    SummaryView,
    render_corroboration,
    render_post_alert,
    render_summary,
)
from bot.settings import AlertSettings
from bot.store import Store, StoredPost, StoreUnavailable
from bot.store.db import utcnow

log = logging.getLogger(__name__)

CHANNEL_CACHE_SECONDS = 60.0
WORD_SET_CACHE = 4096


@dataclass
class PipelineStats:
    read: int = 0
    duplicates: int = 0
    edits: int = 0
    deletions: int = 0
    flagged: int = 0
    alerts: int = 0
    merged: int = 0
    corroborations: int = 0
    held: int = 0
    errors: int = 0
    places: Counter = field(default_factory=Counter)
    topics: Counter = field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # new | duplicate | edited | error
    alert_id: int | None = None
    merged_into: int | None = None


class Pipeline:
    def __init__(self, store: Store, detector: Detector, alerts: AlertSettings, *,
                 tracked: tuple[str, ...] | None = None, clock: Callable[[], datetime] = utcnow,
                 on_alert: Callable[[], None] | None = None) -> None:
        self.store = store
        self.detector = detector
        self.cfg = alerts
        self.default_tracked = tracked
        self.clock = clock
        self.on_alert = on_alert or (lambda: None)
        self.stats = PipelineStats()
        self._place_names = PlaceNames(detector)
        self._channels: dict[int, Channel] = {}
        self._channels_read_at = float("-inf")
        self._word_sets: OrderedDict[tuple[int, int], frozenset[str]] = OrderedDict()

    # -- entry points -----------------------------------------------------------------

    async def handle_post(self, post: Post) -> Outcome:
        """Never raises for a bad post: it is logged with its link and skipped. A store that
        cannot be written (`StoreUnavailable`) is raised: that is no fault of the post."""
        self.stats.read += 1
        try:
            async with self.store.transaction():
                outcome = await self._handle(post)
        except StoreUnavailable:
            raise  # the file failed, not the post: the caller stops or tries again later
        except Exception:
            self.stats.errors += 1
            log.exception("post %s could not be handled; skipped", post.link)
            return Outcome("error")
        if outcome.alert_id is not None or outcome.merged_into is not None:
            self.on_alert()
        return outcome

    async def handle_deletion(self, channel_id: int, message_ids: list[int], when: datetime | None = None) -> None:
        when = when or self.clock()
        try:
            async with self.store.transaction():
                post_ids = await self.store.mark_deleted(channel_id, message_ids, when)
                self.stats.deletions += len(post_ids)
                touched = False
                for post_id in post_ids:
                    alert = await self.store.alert_for_post(post_id)
                    if alert is not None:
                        await self._rerender(alert.id)
                        touched = True
        except StoreUnavailable:
            raise
        except Exception:
            self.stats.errors += 1
            log.exception("deletion of %s in channel %s could not be recorded", message_ids, channel_id)
            return
        if touched:
            self.on_alert()

    async def summarize_held(self, title: str = "Found during catch-up") -> int | None:
        """One alert for every flagged post that arrived too late to alert on its own."""
        async with self.store.transaction():
            held = [a for a in await self.store.execute(
                "SELECT id, post_id FROM alerts WHERE state = 'held' ORDER BY event_date")]
            if not held:
                return None
            lines = []
            for _alert_id, post_id in held:
                stored = await self.store.post(post_id)
                if stored is None:
                    continue
                what = ", ".join([*stored.topics, *(self._place_names.get(p, p) for p in stored.places)])
                lines.append((f"{stored.post.channel_title or stored.post.channel_id}: {what}", stored.post.link))
            html = render_summary(SummaryView(
                title=f"{title}: {len(lines)} flagged posts older than {self.cfg.late_after_minutes:g} min",
                lines=tuple(lines), footer="They are stored and will appear in the digest."))
            summary_id = await self.store.create_alert(
                kind="summary", severity="info", post_id=None, places=[], topics=[], html=html,
                event_date=self.clock())
            await self.store.mark_folded([a for a, _ in held], summary_id)
        self.on_alert()
        return summary_id

    # -- internals --------------------------------------------------------------------

    async def _channel_of(self, channel_id: int) -> Channel | None:
        """Channels change rarely (a /follow, an edit of the config), so they are re-read at most
        once a minute, or at once when an unknown id shows up."""
        now = time.monotonic()
        if channel_id not in self._channels or now - self._channels_read_at > CHANNEL_CACHE_SECONDS:
            self._channels = {ch.id: ch for ch in await self.store.channels()}
            self._channels_read_at = now
        return self._channels.get(channel_id)

    async def _channel(self, post: Post) -> Channel:
        channel = await self._channel_of(post.channel_id)
        if channel is None:
            channel = Channel(username=post.channel_username, id=post.channel_id,
                              name=post.channel_title or post.channel_username or str(post.channel_id),
                              side="other", kind="media")
            await self.store.upsert_channel(channel)
            self._channels[channel.id] = channel
        return channel

    async def _filters(self, channel: Channel) -> tuple[set[str] | None, set[str], bool]:
        stored = await self.store.get_settings(("tracked_places", "mutes"))
        tracked = stored.get("tracked_places", list(self.default_tracked) if self.default_tracked is not None else None)
        mutes = policy.active_mutes(stored.get("mutes", {}), self.clock())
        muted_places = {k.split(":", 1)[1] for k in mutes if k.startswith("place:")}
        channel_muted = f"channel:{channel.id}" in mutes
        return (set(tracked) if tracked is not None else None), muted_places, channel_muted

    async def _handle(self, post: Post) -> Outcome:
        channel = await self._channel(post)
        saved = await self.store.save_post(post)
        if saved.status == "unchanged":
            self.stats.duplicates += 1
            return Outcome("duplicate")
        before = await self.store.post(saved.post_id) if saved.status == "edited" else None
        raw = self.detector.detect(post.text)
        await self.store.save_detection(saved.post_id, raw, post.text, fresh=saved.status == "new")
        await self.store.advance_read_position(post.channel_id, post.message_id)
        if not raw.flagged and saved.status == "new":
            return Outcome("new")
        tracked, muted_places, channel_muted = await self._filters(channel)
        detection = policy.filter_detection(raw, tracked, muted_places)
        if saved.status == "edited":
            self.stats.edits += 1
            return await self._on_edit(post, saved.post_id, channel, before, detection, channel_muted)
        if not detection.flagged:
            return Outcome("new")
        self.stats.flagged += 1
        self.stats.places.update(detection.place_ids)
        self.stats.topics.update(detection.topic_ids)
        if channel_muted:
            return Outcome("new")
        return await self._alert_new(post, saved.post_id, channel, detection, status="new")

    async def _alert_new(self, post: Post, post_id: int, channel: Channel, detection: Detection,
                         status: str) -> Outcome:
        target = await self._merge_target(post, post_id, detection)
        if target is not None:
            alert_id, relation = target
            await self.store.link_alert_post(alert_id, post_id, relation)
            await self._rerender(alert_id)
            self.stats.merged += 1
            await self._corroborate(post, detection)
            return Outcome(status, merged_into=alert_id)
        late = post.late and (self.clock() - post.date) > timedelta(minutes=self.cfg.late_after_minutes)
        alert_id = await self.store.create_alert(
            kind="post", severity=policy.severity(detection, channel), post_id=post_id,
            places=detection.place_ids, topics=detection.topic_ids, html="", event_date=post.date,
            state="held" if late else "pending")
        await self._rerender(alert_id)
        if late:
            self.stats.held += 1
        else:
            self.stats.alerts += 1
        await self._corroborate(post, detection)
        return Outcome(status, alert_id=alert_id)

    async def _merge_target(self, post: Post, post_id: int, detection: Detection) -> tuple[int, str] | None:
        """The alert this post repeats: the alerted original of a forward, or a near-copy's."""
        window = timedelta(hours=self.cfg.merge_window_hours)
        fwd = post.forward
        if fwd is not None and fwd.channel_id is not None and fwd.message_id is not None:
            origin = await self.store.post_by_key(fwd.channel_id, fwd.message_id)
            if origin is not None:
                alert = await self.store.alert_for_post(origin.post_id)
                if alert is not None and alert.state != "held":
                    return alert.id, "forward"
        candidates = await self.store.recent_post_alerts(post.date - window, post.date + window)
        words = policy.word_set(policy.core_text(post.text, detection.spans()))
        best: tuple[float, int] | None = None
        for alert_id, state, candidate_id, text, matches in candidates:
            if candidate_id == post_id or state in ("held", "folded"):
                continue
            score = policy.similarity(words, self._core_words(candidate_id, text, matches))
            if score >= self.cfg.near_copy_similarity and (best is None or score > best[0]):
                best = (score, alert_id)
        if best is None:
            return None
        return best[1], "forward" if fwd is not None else "copy"

    def _core_words(self, post_id: int, text: str, matches_json: str) -> frozenset[str]:
        """Word sets of recently alerted posts, kept so each flagged post compares cheaply."""
        key = (post_id, hash(text))
        words = self._word_sets.get(key)
        if words is None:
            words = policy.word_set(policy.core_text(text, [tuple(m) for m in json.loads(matches_json)]))
            self._word_sets[key] = words
            if len(self._word_sets) > WORD_SET_CACHE:
                self._word_sets.popitem(last=False)
        else:
            self._word_sets.move_to_end(key)
        return words

    async def _on_edit(self, post: Post, post_id: int, channel: Channel, before: StoredPost | None,
                       detection: Detection, channel_muted: bool) -> Outcome:
        alert = await self.store.alert_for_post(post_id)
        if alert is not None:
            old_places, old_topics = set(alert.places), set(alert.topics)
            if set(detection.place_ids) != old_places or set(detection.topic_ids) != old_topics:
                await self.store.update_alert(alert.id, html=alert.html, places=detection.place_ids,
                                              topics=detection.topic_ids,
                                              severity=policy.severity(detection, channel)
                                              if detection.flagged else alert.severity)
            await self._rerender(alert.id)
            await self._corroborate(post, detection)
            return Outcome("edited", merged_into=alert.id)
        old_places = set(before.places) if before else set()
        old_topics = set(before.topics) if before else set()
        if channel_muted or not (set(detection.place_ids) - old_places or set(detection.topic_ids) - old_topics):
            return Outcome("edited")
        self.stats.flagged += 1
        self.stats.places.update(detection.place_ids)
        self.stats.topics.update(detection.topic_ids)
        return await self._alert_new(post, post_id, channel, detection, status="edited")

    async def _corroborate(self, post: Post, detection: Detection) -> None:
        """One alert when both sides report the same topic at the same place within the window.

        Only a place named in the same sentence as the topic counts, on both sides.
        """
        window = timedelta(hours=self.cfg.corroboration_window_hours)
        for topic in detection.topic_ids:
            for place in policy.places_with_topic(detection, post.text, topic):
                candidates = await self.store.flagged_posts_between(
                    post.date - window, post.date + timedelta(seconds=1), place_id=place, topic_id=topic,
                    sides=("ru", "ua"))
                posts = [p for p in candidates if p.deleted_at is None and place in policy.places_with_topic(
                    self.detector.detect(p.post.text), p.post.text, topic)]
                sides = {await self._side(p) for p in posts}
                if not {"ru", "ua"} <= sides:
                    continue
                existing = await self.store.open_corroboration(place, topic, post.date - window)
                if existing is not None:
                    corroboration_id, alert_id = existing
                    await self.store.extend_corroboration(corroboration_id, post.date)
                else:
                    alert_id = await self.store.create_alert(
                        kind="corroboration", severity="high", post_id=None, places=[place], topics=[topic],
                        html="", event_date=post.date)
                    await self.store.create_corroboration(place, topic, posts[0].post.date, post.date, alert_id)
                    self.stats.corroborations += 1
                for p in posts:
                    await self.store.link_alert_post(alert_id, p.post_id, "evidence")
                await self._rerender(alert_id)

    async def _side(self, stored: StoredPost) -> str:
        channel = await self._channel_of(stored.post.channel_id)
        return channel.side if channel else "other"

    async def _rerender(self, alert_id: int) -> None:
        alert = await self.store.alert(alert_id)
        if alert is None:
            return
        if alert.kind == "corroboration":
            html = await self._render_corroboration(alert_id, alert.places[0], alert.topics[0])
        elif alert.kind == "post":
            html = await self._render_post(alert_id)
        else:
            return
        await self.store.update_alert(alert_id, html=html)

    async def _render_post(self, alert_id: int) -> str:
        alert = await self.store.alert(alert_id)
        members = await self.store.alert_posts(alert_id)
        origin = next((sp for sp, rel in members if rel == "origin"), members[0][0])
        channel = await self._channel_of(origin.post.channel_id)
        related = []
        for sp, rel in members:
            if sp.post_id == origin.post_id:
                continue
            ch = await self._channel_of(sp.post.channel_id)
            related.append(Related(channel=ch.name if ch else str(sp.post.channel_id), link=sp.post.link,
                                   relation=rel))
        current = origin
        places = tuple(self._place_names.get(p, p) for p in alert.places)
        view = PostAlertView(
            severity=alert.severity, places=places, topics=alert.topics,
            channel=channel.name if channel else str(origin.post.channel_id),
            side=channel.side if channel else "other", kind=channel.kind if channel else "media",
            date=current.post.date, text=current.post.text,
            spans=_spans_for(current, set(alert.places), set(alert.topics), self.detector),
            link=current.post.link,
            forwarded_from=current.post.forward.name if current.post.forward else None,
            also_in=tuple(related), edited=current.post.edit_date is not None
            and await self.store.version_count(origin.post_id) > 1,
            deleted_at=current.deleted_at, late=current.post.late)
        return render_post_alert(view, self.cfg.timezone, self.cfg.excerpt_chars)

    async def _render_corroboration(self, alert_id: int, place: str, topic: str) -> str:
        evidence = []
        for sp, _rel in await self.store.alert_posts(alert_id):
            ch = await self._channel_of(sp.post.channel_id)
            text = " ".join(sp.post.text.split())
            evidence.append(EvidenceLine(channel=ch.name if ch else str(sp.post.channel_id),
                                         side=ch.side if ch else "other", date=sp.post.date,
                                         link=sp.post.link, excerpt=text[:160]))
        return render_corroboration(CorroborationView(
            place=self._place_names.get(place, place), topic=topic, evidence=tuple(evidence),
            window_hours=self.cfg.corroboration_window_hours), self.cfg.timezone)


def _spans_for(stored: StoredPost, places: set[str], topics: set[str], detector: Detector) -> tuple[tuple[int, int], ...]:
    """Highlight only what the alert is about, from a fresh detection of the current text."""
    detection = detector.detect(stored.post.text)
    spans = (
        (m.start, m.end)
        for hit in (*(h for h in detection.places if h.place_id in places),
                    *(h for h in detection.topics if h.topic_id in topics))
        for m in hit.matches
    )
    return tuple(merge_spans(spans))
