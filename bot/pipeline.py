"""The one path every post takes, whichever way it came in: store, detect, decide, queue.

Live updates, export replay and the demo all call `Pipeline.handle_batch` (or
`handle_post`, a batch of one); nothing here
knows about Telethon. Alerts are only written to the store here; `bot.outbox` sends them.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from bot import claims, policy
from bot.batch_ingest import FILTER_SETTINGS, BatchIngest, Outcome
from bot.channels import Channel
from bot.detect import Detection, Detector
from bot.detect.model import merge_spans
from bot.detect.settlements import PlaceNames
from bot.near_copies import NearCopies
from bot.post import Post
from bot.render import (
    ClaimView,
    PostAlertView,
    Related,
    SummaryView,
    VoiceLine,
    render_post_alert,
    render_summary,
)
from bot.settings import AlertSettings
from bot.store import AlertRow, Store, StoredPost, StoreUnavailable
from bot.store.db import utcnow

log = logging.getLogger(__name__)

CHANNEL_CACHE_SECONDS = 60.0
# detections kept for re-rendering alerts: a busy day's merge window (256 missed one in five)
RENDER_CACHE = 2048


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


class Pipeline(BatchIngest):
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
        self._near_copies = NearCopies(store, alerts.near_copy_similarity,
                                       timedelta(hours=alerts.merge_window_hours))
        self._rendered: OrderedDict[tuple[int, int, int], Detection] = OrderedDict()   # `_render_key`
        self._ahead: dict[tuple[str, str | None], Detection] = {}      # see `detect_ahead`, oldest first
        self._detected: dict[tuple[str, str | None], Detection] = {}

    # -- entry points -----------------------------------------------------------------

    async def handle_post(self, post: Post) -> Outcome:
        """A batch of one (see `handle_batch`): a bad post is logged with its link and skipped;
        `StoreUnavailable` is raised, as that is no fault of the post."""
        return (await self.handle_batch([post]))[0]

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
                lead = claims.primary(await self.store.post_events(post_id))
                if lead is not None:
                    channel = await self._channel_of(stored.post.channel_id)
                    what = claims.headline(channel.side if channel else "other", channel.kind if channel else "media",
                                           lead.action, self._name(lead.place), lead.by, lead.stance)
                else:
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

    async def _filters(self, channel: Channel,
                       stored: dict | None = None) -> tuple[set[str] | None, set[str], bool, str]:
        """`stored`: the runtime settings when the caller (a batch) has read them already."""
        if stored is None:
            stored = await self.store.get_settings(FILTER_SETTINGS)
        tracked = stored.get("tracked_places", list(self.default_tracked) if self.default_tracked is not None else None)
        mutes = policy.active_mutes(stored.get("mutes", {}), self.clock())
        muted_places = {k.split(":", 1)[1] for k in mutes if k.startswith("place:")}
        channel_muted = f"channel:{channel.id}" in mutes
        mode = stored.get("alert_on", self.cfg.alert_on)
        if mode not in claims.ALERT_ON:
            mode = self.cfg.alert_on
        return (set(tracked) if tracked is not None else None), muted_places, channel_muted, mode

    @staticmethod
    def _alertable(detection: Detection, mode: str) -> bool:
        return claims.should_alert(mode, has_events=bool(detection.events), tracked_mentions=bool(detection.places),
                                   flagged=detection.flagged)

    async def _handle(self, post: Post) -> Outcome:
        channel = await self._channel(post)
        saved = await self.store.save_post(post)
        if saved.status == "unchanged":
            self.stats.duplicates += 1
            return Outcome("duplicate")
        before = await self.store.post(saved.post_id) if saved.status == "edited" else None
        before_events = await self.store.post_events(saved.post_id) if before is not None else []
        raw = self.detector.detect(post.text, side=await self._voice_side(post, channel))
        await self.store.save_detection(saved.post_id, raw, post.text, fresh=saved.status == "new")
        await self.store.advance_read_position(post.channel_id, post.message_id)
        if not raw.flagged and not raw.events and saved.status == "new":
            return Outcome("new")
        tracked, muted_places, channel_muted, mode = await self._filters(channel)
        detection = policy.filter_detection(raw, tracked, muted_places)
        if saved.status == "edited":
            self.stats.edits += 1
            return await self._on_edit(post, saved.post_id, channel, before, before_events, detection,
                                       channel_muted, mode)
        if not detection.flagged and not detection.events:
            return Outcome("new")
        self.stats.flagged += 1
        self.stats.places.update(detection.place_ids)
        self.stats.topics.update(detection.topic_ids)
        if channel_muted or not self._alertable(detection, mode):
            return Outcome("new")
        return await self._alert_new(post, saved.post_id, channel, detection, status="new")

    async def _alert_new(self, post: Post, post_id: int, channel: Channel, detection: Detection,
                         status: str) -> Outcome:
        target = await self._merge_target(post, post_id, detection)
        if target is not None:
            alert_id, relation = target
            if relation == "copy":
                detection = await self._as_copy(post, post_id, channel, alert_id, detection)
            await self.store.link_alert_post(alert_id, post_id, relation)
            await self._claims(post, post_id, channel, detection, own_alert=None, copy_of=alert_id)
            await self._rerender(alert_id)
            self.stats.merged += 1
            return Outcome(status, merged_into=alert_id)
        joined = await self._claim_alerts_to_join(post, detection)
        if joined:
            for alert_id in joined:
                await self.store.link_alert_post(alert_id, post_id, "claim")
            await self._claims(post, post_id, channel, detection, own_alert=None)
            self.stats.merged += 1
            return Outcome(status, merged_into=joined[0])
        late = post.late and (self.clock() - post.date) > timedelta(minutes=self.cfg.late_after_minutes)
        # the new alert's first rendering needs this text's places and topics (the channel's
        # side and muted places change neither the spans of those the alert names); a post
        # merged into another alert is never rendered as its origin, so it is not kept
        self._keep_for_render(_render_key(post_id, post.text), detection)
        alert_id = await self.store.create_alert(
            kind="post", severity=policy.severity(detection, channel), post_id=post_id,
            places=detection.place_ids, topics=detection.topic_ids, html="", event_date=post.date,
            state="held" if late else "pending")
        await self._claims(post, post_id, channel, detection, own_alert=alert_id)
        await self._rerender(alert_id)
        if late:
            self.stats.held += 1
        else:
            self.stats.alerts += 1
        return Outcome(status, alert_id=alert_id)

    @property
    def _claim_lifetime(self) -> timedelta:
        return timedelta(hours=max(self.cfg.merge_window_hours, self.cfg.corroboration_window_hours))

    async def _as_copy(self, post: Post, post_id: int, channel: Channel, alert_id: int,
                       detection: Detection) -> Detection:
        """A near-copy of another side's post («Z-каналы пишут: …») speaks with that post's
        voice: its "наши" are the original's, so it is detected again with the original's side."""
        alert = await self.store.alert(alert_id)
        origin = await self.store.post(alert.post_id) if alert is not None and alert.post_id else None
        origin_channel = await self._channel_of(origin.post.channel_id) if origin is not None else None
        if origin_channel is None or origin_channel.side == channel.side or post.forward is not None:
            return detection
        raw = self.detector.detect(post.text, side=origin_channel.side)
        await self.store.save_detection(post_id, raw, post.text)
        tracked, muted_places, _, _ = await self._filters(channel)
        return policy.filter_detection(raw, tracked, muted_places)

    async def _claim_alerts_to_join(self, post: Post, detection: Detection) -> list[int]:
        """The alerts of open claims when every event of the post repeats one: the post then
        raises their tier instead of sending a message of its own. Empty when anything is new."""
        if not detection.events or post.late:
            return []
        window = timedelta(hours=self.cfg.corroboration_window_hours)
        alert_ids: list[int] = []
        for event in detection.events:
            if event.place is None:
                return []
            claim = await self.store.open_claim(event.action, event.place, post.date, window, self._claim_lifetime)
            alert = await self.store.alert(claim.alert_id) if claim and claim.alert_id else None
            if alert is None or alert.state in ("held", "folded", "failed"):
                return []
            if alert.id not in alert_ids:
                alert_ids.append(alert.id)
        return alert_ids

    async def _merge_target(self, post: Post, post_id: int, detection: Detection) -> tuple[int, str] | None:
        """The alert this post repeats: the alerted original of a forward, or a near-copy's."""
        fwd = post.forward
        if fwd is not None and fwd.channel_id is not None and fwd.message_id is not None:
            origin = await self.store.post_by_key(fwd.channel_id, fwd.message_id)
            if origin is not None:
                alert = await self.store.alert_for_post(origin.post_id)
                if alert is not None and alert.state != "held":
                    return alert.id, "forward"
        words = policy.word_set(policy.core_text(post.text, detection.spans()))
        alert_id = await self._near_copies.target(post_id, post.date, words)
        if alert_id is None:
            return None
        return alert_id, "forward" if fwd is not None else "copy"

    async def _on_edit(self, post: Post, post_id: int, channel: Channel, before: StoredPost | None,
                       before_events: list, detection: Detection, channel_muted: bool, mode: str) -> Outcome:
        alert = await self.store.alert_for_post(post_id)
        old_claims = await self.store.claims_of_post(post_id)
        await self.store.forget_claim_voices(post_id)
        if alert is not None:
            own = alert.post_id == post_id
            if own:
                old_places, old_topics = set(alert.places), set(alert.topics)
                if set(detection.place_ids) != old_places or set(detection.topic_ids) != old_topics \
                        or detection.events or before_events:
                    await self.store.update_alert(alert.id, html=alert.html, places=detection.place_ids,
                                                  topics=detection.topic_ids,
                                                  severity=policy.severity(detection, channel)
                                                  if detection.flagged or detection.events else alert.severity)
            if not channel_muted:
                relation = next((rel for sp, rel in await self.store.alert_posts(alert.id) if sp.post_id == post_id),
                                "origin")
                await self._claims(post, post_id, channel, detection, own_alert=alert.id if own else None,
                                   copy_of=alert.id if relation in ("forward", "copy") else None)
            for claim in old_claims:
                await self._restand(claim.id, skip=alert.id)
            await self._rerender(alert.id)
            return Outcome("edited", merged_into=alert.id)
        for claim in old_claims:
            await self._restand(claim.id)
        old_places = set(before.places) if before else set()
        old_topics = set(before.topics) if before else set()
        old_events = {(e.action, e.place, e.by, e.stance) for e in before_events}
        gained = (set(detection.place_ids) - old_places or set(detection.topic_ids) - old_topics
                  or {(e.action, e.place, e.by, e.stance) for e in detection.events} - old_events)
        if channel_muted or not gained or not self._alertable(detection, mode):
            return Outcome("edited")
        self.stats.flagged += 1
        self.stats.places.update(detection.place_ids)
        self.stats.topics.update(detection.topic_ids)
        return await self._alert_new(post, post_id, channel, detection, status="edited")

    # -- claims -----------------------------------------------------------------------

    async def _claims(self, post: Post, post_id: int, channel: Channel, detection: Detection, *,
                      own_alert: int | None, copy_of: int | None = None) -> None:
        """Add the post's word to every claim its events make, opening claims it asserts first.

        A lone denial opens nothing: a claim opened later in the window finds it and is
        disputed from the start.
        """
        window = timedelta(hours=self.cfg.corroboration_window_hours)
        words = policy.word_set(policy.core_text(post.text, detection.spans()))
        touched: list[int] = []
        seen: set[tuple[str, str, str]] = set()
        for event in detection.events:
            if event.place is None or (event.action, event.place, event.stance) in seen:
                continue
            seen.add((event.action, event.place, event.stance))
            claim = await self.store.open_claim(event.action, event.place, post.date, window, self._claim_lifetime)
            if claim is None:
                home = own_alert if own_alert is not None else copy_of
                if event.stance != "asserted" or home is None:
                    continue
                claim_id = await self.store.create_claim(event.action, event.place, post.date, home)
                for denial_id in await self.store.event_posts_between(event.action, event.place, "denied",
                                                                      post.date - window, post.date + window):
                    if denial_id != post_id:
                        await self._add_stored_voice(claim_id, denial_id, event.action, event.place, "denied")
            else:
                claim_id = claim.id
                if own_alert is not None and await self._alert_is_silent(claim.alert_id):
                    await self.store.set_claim_alert(claim_id, own_alert)
            source, source_side = await self._source(post, channel, claim_id, copy_of, words)
            heard = (event.stance, source) in {(st, src) for st, src, _ in await self.store.claim_stances(claim_id)}
            await self.store.add_claim_voice(claim_id, post_id, event.stance, event.by, source, source_side,
                                             post.date)
            if claim_id not in touched and (claim is None or not heard or own_alert == claim.alert_id):
                touched.append(claim_id)
        for claim_id in touched:
            await self._restand(claim_id, skip=own_alert)

    async def _alert_is_silent(self, alert_id: int | None) -> bool:
        """An alert the team will never see change: none, held for a summary, folded or refused."""
        alert = await self.store.alert(alert_id) if alert_id is not None else None
        return alert is None or alert.state in ("held", "folded", "failed")

    async def _add_stored_voice(self, claim_id: int, post_id: int, action: str, place: str, stance: str) -> None:
        stored = await self.store.post(post_id)
        if stored is None:
            return
        channel = await self._channel_of(stored.post.channel_id)
        if channel is None:
            return
        by = next((e.by for e in await self.store.post_events(post_id)
                   if (e.action, e.place, e.stance) == (action, place, stance)), None)
        words = policy.word_set(policy.core_text(stored.post.text, stored.matches))
        source, side = await self._source(stored.post, channel, claim_id, None, words)
        await self.store.add_claim_voice(claim_id, post_id, stance, by, source, side, stored.post.date)

    async def _source(self, post: Post, channel: Channel, claim_id: int, copy_of: int | None,
                      words: frozenset[str]) -> tuple[str, str | None]:
        """The independent channel a post speaks for: its own, or the one it forwards or copies.

        A forward whose original we never saw keeps the original channel's side when that
        channel is known, and no side at all otherwise: it can never be a second side.
        """
        voices = await self.store.claim_voices(claim_id)
        fwd = post.forward
        if fwd is not None:
            if fwd.channel_id is not None and fwd.message_id is not None:
                origin = await self.store.post_by_key(fwd.channel_id, fwd.message_id)
                if origin is not None:
                    known = next((v for v in voices if v.post.post_id == origin.post_id), None)
                    if known is not None:
                        return known.source, known.source_side
            if fwd.channel_id is not None:
                ch = await self._channel_of(fwd.channel_id)
                return f"channel:{fwd.channel_id}", ch.side if ch else None
            named = await self._channel_named(fwd.name)
            if named is not None:
                return f"channel:{named.id}", named.side
            return f"forward:{fwd.name}", None
        if copy_of is not None:
            alert = await self.store.alert(copy_of)
            if alert is not None and alert.post_id is not None:
                known = next((v for v in voices if v.post.post_id == alert.post_id), None)
                if known is not None:
                    return known.source, known.source_side
                origin = await self.store.post(alert.post_id)
                if origin is not None and origin.post.channel_id != post.channel_id:
                    ch = await self._channel_of(origin.post.channel_id)
                    return f"channel:{origin.post.channel_id}", ch.side if ch else None
        for voice in voices:
            if voice.post.post.channel_id == post.channel_id:
                continue
            other = voice.post.post.text
            if policy.similarity(words, policy.word_set(policy.core_text(other, voice.post.matches))) \
                    >= self.cfg.near_copy_similarity:
                return voice.source, voice.source_side
        return f"channel:{post.channel_id}", channel.side

    async def _forwarded_channel(self, post: Post) -> Channel | None:
        fwd = post.forward
        if fwd is None:
            return None
        if fwd.channel_id is not None:
            found = await self._channel_of(fwd.channel_id)
            if found is not None:
                return found
        return await self._channel_named(fwd.name)

    async def _voice_side(self, post: Post, channel: Channel) -> str | None:
        """Whose "наши" a post's words mean: a forward speaks with its original channel's voice,
        and a forward from a channel we do not know has no "ours" at all."""
        if post.forward is None:
            return channel.side
        origin = await self._forwarded_channel(post)
        return origin.side if origin is not None else None

    async def _channel_named(self, name: str) -> Channel | None:
        """An export names a forward's origin by title only; a followed channel of that exact
        title is taken to be it, so its side is known and it is not counted twice."""
        if not name:
            return None
        if time.monotonic() - self._channels_read_at > CHANNEL_CACHE_SECONDS:
            self._channels = {ch.id: ch for ch in await self.store.channels()}
            self._channels_read_at = time.monotonic()
        found = [ch for ch in self._channels.values() if ch.name == name]
        return found[0] if len(found) == 1 else None

    async def _restand(self, claim_id: int, skip: int | None = None) -> None:
        """Recount the claim's tier; its alert is re-rendered (an edit once sent), never resent."""
        claim = await self.store.claim(claim_id)
        if claim is None:
            return
        now = claims.standing(claims.Voice(*row) for row in await self.store.claim_stances(claim_id))
        if (now.tier, now.disputed) != (claim.tier, claim.disputed):
            await self.store.set_claim_state(claim_id, now.tier, now.disputed)
            if now.tier == "both_sides" and claim.tier != "both_sides":
                self.stats.corroborations += 1
        if claim.alert_id is not None and claim.alert_id != skip:
            await self._rerender(claim.alert_id)

    async def _rerender(self, alert_id: int) -> None:
        alert = await self.store.alert(alert_id)
        if alert is None or alert.kind != "post":
            return
        html, severity = await self._render_post(alert)
        await self.store.update_alert(alert_id, html=html, severity=severity)

    def _detection_for_render(self, stored: StoredPost) -> Detection:
        """An alert is re-rendered each time a claim it stands for gains a voice; the text it
        shows rarely changes, so its detection is kept for the next time."""
        key = _render_key(stored.post_id, stored.post.text)
        found = self._rendered.get(key)
        if found is None:
            found = self.detector.detect(stored.post.text)
            self._keep_for_render(key, found)
        else:
            self._rendered.move_to_end(key)
        return found

    def _keep_for_render(self, key: tuple[int, int, int], detection: Detection) -> None:
        self._rendered[key] = detection
        self._rendered.move_to_end(key)
        if len(self._rendered) > RENDER_CACHE:
            self._rendered.popitem(last=False)

    def _name(self, place_id: str | None) -> str | None:
        return self._place_names.get(place_id, place_id) if place_id is not None else None

    async def _render_post(self, alert: AlertRow) -> tuple[str, str]:
        alert_id = alert.id
        members = await self.store.alert_posts(alert_id, with_claims=False)
        origin = next((sp for sp, rel in members if rel == "origin"), members[0][0])
        channel = await self._channel_of(origin.post.channel_id)
        side, kind = (channel.side, channel.kind) if channel else ("other", "media")
        related = []
        for sp, rel in members:
            if sp.post_id == origin.post_id:
                continue
            ch = await self._channel_of(sp.post.channel_id)
            related.append(Related(channel=ch.name if ch else str(sp.post.channel_id), link=sp.post.link,
                                   relation=rel))
        events = await self.store.post_events(origin.post_id)
        lead = claims.primary(events)
        headline = None
        more: list[str] = []
        if lead is not None:
            origin_channel = await self._forwarded_channel(origin.post)
            said_by = (origin_channel.side, origin_channel.kind) if origin_channel else (side, kind)
            headline = claims.headline(*said_by, lead.action, self._name(lead.place), lead.by, lead.stance)
            if origin.post.forward is not None:
                headline += f" (forwarded by {claims.speaker(side, kind)})"
            for e in events:
                if (e.action, e.place, e.by, e.stance) != (lead.action, lead.place, lead.by, lead.stance):
                    text = (claims.claim_text(e.action, self._name(e.place), e.by) if e.stance == "asserted"
                            else "denies " + claims.denial_text(e.action, self._name(e.place), e.by, side))
                    if text not in more:
                        more.append(text)
        views: list[ClaimView] = []
        disputed = False
        for claim in await self.store.claims_of_alert(alert_id):
            view = await self._claim_view(claim, origin)
            if not view.channels:
                continue
            if lead is not None and (claim.action, claim.place_id) == (lead.action, lead.place):
                disputed = view.disputed
                views.insert(0, view)
            else:
                views.append(view)
        severity = alert.severity
        if any(v.tier == "both_sides" for v in views):
            severity = "both"
        elif severity == "both":
            severity = "high"
        spans = _spans_for(origin, set(alert.places), set(alert.topics), self._detection_for_render(origin), events)
        view = PostAlertView(
            severity=severity, places=tuple(self._name(p) for p in alert.places), topics=alert.topics,
            channel=channel.name if channel else str(origin.post.channel_id), side=side, kind=kind,
            date=origin.post.date, text=origin.post.text, spans=spans, link=origin.post.link,
            forwarded_from=origin.post.forward.name if origin.post.forward else None,
            also_in=tuple(related), edited=origin.post.edit_date is not None
            and await self.store.version_count(origin.post_id) > 1,
            deleted_at=origin.deleted_at, late=origin.post.late,
            headline=headline, disputed=disputed, more_events=tuple(more), claims=tuple(views))
        return render_post_alert(view, self.cfg.timezone, self.cfg.excerpt_chars), severity

    async def _claim_view(self, claim, origin: StoredPost) -> ClaimView:
        voices = await self.store.claim_voices(claim.id)
        standing = claims.standing(claims.Voice(v.stance, v.source, v.source_side) for v in voices)
        origin_source = next((v.source for v in voices if v.post.post_id == origin.post_id), None)
        asserting = {v.source for v in voices if v.stance == "asserted"}
        by = next((v.by_side for v in voices if v.stance == "asserted"), None)
        lines: list[VoiceLine] = []
        seen: set[tuple[str, str]] = set()
        for v in voices:
            key = (v.source, v.stance)
            if key in seen or (v.stance == "asserted" and v.source == origin_source) \
                    or (v.stance == "denied" and v.source in asserting):
                continue
            seen.add(key)
            ch = await self._channel_of(v.post.post.channel_id)
            lines.append(VoiceLine(channel=ch.name if ch else str(v.post.post.channel_id),
                                   side=ch.side if ch else "other", kind=ch.kind if ch else "media",
                                   date=v.post.post.date, link=v.post.post.link,
                                   relation="asserts" if v.stance == "asserted" else "denies"))
        return ClaimView(text=claims.claim_text(claim.action, self._name(claim.place_id), by), tier=standing.tier,
                         disputed=standing.disputed, channels=standing.channels, sides=standing.sides,
                         voices=tuple(lines))


def _render_key(post_id: int, text: str) -> tuple[int, int, int]:
    """A post's text as the render cache knows it: its length and hash, so that the cache
    does not keep two thousand texts alive (the hash is this process's own)."""
    return post_id, len(text), hash(text)


def _spans_for(stored: StoredPost, places: set[str], topics: set[str], detection: Detection,
               events: list) -> tuple[tuple[int, int], ...]:
    """Highlight what the alert is about: its places and topics from a fresh detection of the
    current text, and the words that decided its events."""
    spans = [
        (m.start, m.end)
        for hit in (*(h for h in detection.places if h.place_id in places),
                    *(h for h in detection.topics if h.topic_id in topics))
        for m in hit.matches
    ]
    text_len = len(stored.post.text)
    spans += [(s, e) for event in events for s, e in event.matches if 0 <= s < e <= text_len]
    return tuple(merge_spans(spans))
