"""The morning report: the digest's day told as a story, as one HTML file and as Telegram pages.

The data is the digest (bot/digest.py: claims, denials, busiest channels, deletions) plus
what a reader needs to see change: stories per place (a forward or copy counts once, for
the side of the channel it copies), the day before and a 7-day trend, which side writes
about which place, and the day's map. Rendering is templates only (bot/templates/report*),
so the data and its presentation change independently.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import claims
from bot.digest import ClaimSummary, Digest, build_digest, digest_window, paginate, tracked_places
from bot.geo import MapPoint, MapView, build_map, tone
from bot.query import canonical
from bot.settings import Settings
from bot.store import Store
from bot.store.db import iso
from bot.templating import environment, style

if TYPE_CHECKING:
    from bot.detect import Detector

TREND_DAYS = 7
LEADING = 8
RISEN = 5
SIDE_ROWS = 12


@dataclass(frozen=True, slots=True)
class PlaceStory:
    """Stories about one place: today, the day before, the week, and by whose channels."""

    place_id: str
    name: str
    today: int
    yesterday: int
    trend: tuple[int, ...]  # TREND_DAYS values, oldest first, today last
    sides: dict[str, int]
    newest_link: str | None
    claimed: str | None  # the highest tier of a claim about it in the window
    seen_before: bool    # mentioned in the week before the window

    @property
    def change(self) -> int:
        return self.today - self.yesterday

    @property
    def is_new(self) -> bool:
        return self.today > 0 and not self.seen_before


@dataclass(frozen=True, slots=True)
class Report:
    digest: Digest
    places: tuple[PlaceStory, ...]   # mentioned today or the day before, most stories first
    days: tuple[date, ...]           # the trend's days, oldest first
    claim_groups: tuple[tuple[str, tuple[ClaimSummary, ...]], ...]
    map: MapView

    @property
    def new_claims(self) -> tuple[ClaimSummary, ...]:
        return tuple(c for c in self.digest.claims if c.first >= self.digest.start)

    @property
    def new_claims_by_tier(self) -> tuple[tuple[str, int], ...]:
        counts = {tier: sum(1 for c in self.new_claims if c.tier == tier) for tier in claims.TIERS}
        return tuple((claims.TIER_LABEL[t], counts[t]) for t in reversed(claims.TIERS) if counts[t])

    @property
    def denied(self) -> tuple[ClaimSummary, ...]:
        return tuple(c for c in self.digest.claims if c.deniers)

    @property
    def risen(self) -> tuple[PlaceStory, ...]:
        return tuple(sorted((p for p in self.places if p.change > 0 and not p.is_new),
                            key=lambda p: (-p.change, p.name))[:RISEN])

    @property
    def new_places(self) -> tuple[PlaceStory, ...]:
        return tuple(p for p in self.places if p.is_new)

    @property
    def leading(self) -> tuple[PlaceStory, ...]:
        return tuple(p for p in self.places if p.today)[:LEADING]

    def side_rows(self, side: str) -> tuple[PlaceStory, ...]:
        rows = sorted((p for p in self.places if p.sides.get(side)), key=lambda p: (-p.sides[side], p.name))
        return tuple(rows[:SIDE_ROWS])

    def only(self, side: str) -> tuple[PlaceStory, ...]:
        other = claims.OPPOSING[side]
        return tuple(p for p in self.places if p.sides.get(side) and not p.sides.get(other))


_TIER_RANK = {tier: n for n, tier in enumerate(claims.TIERS)}


async def _stories(store: Store, start: datetime, end: datetime) -> list[tuple[str, int, datetime, str]]:
    """(place, story, first date in the range, side of the story's first channel).

    The place rows carry their post's date and channel (migration 8), so a week of them is
    read from their own index, not from the date index of every post of the week; a story's
    first post is nearly always one of its own rows here, so only the others are looked up.
    Materialized, so a row's story (a lookup in the alerts and the claims) is worked out
    once, not for each use of it."""
    rows = await store.execute(
        f"WITH place_posts AS MATERIALIZED (SELECT pp.place_id AS place_id,"
        f"  {canonical('pp.post_id', 'pp.channel_id')} AS canon, pp.date AS date, pp.post_id AS id,"
        "  pp.channel_id AS channel_id FROM post_places pp WHERE pp.date >= ? AND pp.date < ?)"
        " SELECT place_id, canon, min(date), max(CASE WHEN canon = id THEN channel_id END) FROM place_posts"
        " GROUP BY place_id, canon ORDER BY place_id, canon", (iso(start), iso(end)))
    sides = {r[0]: r[1] for r in await store.execute("SELECT id, side FROM channels")}
    channel_of = {r[1]: r[3] for r in rows if r[3] is not None}
    others = sorted({r[1] for r in rows} - set(channel_of))
    for i in range(0, len(others), 500):
        chunk = others[i:i + 500]
        for pid, channel_id in await store.execute(
                f"SELECT id, channel_id FROM posts WHERE id IN ({','.join('?' * len(chunk))})", chunk):
            channel_of[pid] = channel_id
    return [(r[0], r[1], datetime.fromisoformat(r[2]), sides.get(channel_of.get(r[1]), "other") or "other")
            for r in rows]


async def _newest_links(store: Store, place_ids: list[str], start: datetime, end: datetime) -> dict[str, str]:
    """The link of each place's newest post in the range. The newest post is found in the
    place rows' (date, place) index alone (`|| ''` keeps the planner from starting at a
    place's posts of all time); only the winners' rows are read, so a cold day costs a few
    pages instead of every post of the day."""
    if not place_ids:
        return {}
    rows = await store.execute(
        "SELECT place_id, id FROM (SELECT place_id, post_id AS id, row_number() OVER"
        " (PARTITION BY place_id ORDER BY date DESC, post_id DESC) AS n FROM post_places"
        f" WHERE date >= ? AND date < ? AND place_id || '' IN ({','.join('?' * len(place_ids))})) AS ranked"
        " WHERE n = 1", (iso(start), iso(end), *place_ids))
    newest = {place: post_id for place, post_id in rows}
    links = {sp.post_id: sp.post.link for sp in await store.posts_by_ids(list(newest.values()))}
    return {place: links[post_id] for place, post_id in newest.items() if post_id in links}


async def build_report(store: Store, detector: Detector, end: datetime, tz: str, *, top_channels: int = 5,
                       tracked: tuple[str, ...] | None = None, start: datetime | None = None) -> Report:
    """The 24 hours before `end` (or from `start`, as the demo reports its whole timeline),
    against the span before it, with the week's trend up to `end`."""
    digest = await build_digest(store, detector, end, tz, top_channels=top_channels, tracked=tracked, start=start)
    start = digest.start
    span = end - start
    names = {p.id: p.en for p in detector.places()}
    week = end - timedelta(days=TREND_DAYS)
    today: dict[str, int] = defaultdict(int)
    before: dict[str, int] = defaultdict(int)
    seen: set[str] = set()
    trend: dict[str, list[int]] = defaultdict(lambda: [0] * TREND_DAYS)
    sides: dict[str, dict[str, int]] = defaultdict(dict)
    for place, _, when, side in await _stories(store, min(start - span, start - timedelta(days=TREND_DAYS)), end):
        if tracked is not None and place not in tracked:
            continue
        if when >= start:
            today[place] += 1
            sides[place][side] = sides[place].get(side, 0) + 1
        else:
            seen.add(place)
            if when >= start - span:
                before[place] += 1
        if when >= week:
            trend[place][TREND_DAYS - 1 - min(TREND_DAYS - 1, int((end - when) / timedelta(days=1)))] += 1
    shown = [p for p in set(today) | set(before)]
    links = await _newest_links(store, shown, start, end)
    claimed: dict[str, str] = {}
    by_place: dict[str, list[ClaimSummary]] = defaultdict(list)
    id_of = {name: pid for pid, name in names.items()}
    for c in digest.claims:
        by_place[c.place].append(c)
        pid = id_of.get(c.place, c.place)
        if _TIER_RANK.get(c.tier, -1) > _TIER_RANK.get(claimed.get(pid, ""), -1):
            claimed[pid] = c.tier
    places = sorted((PlaceStory(p, names.get(p, p), today[p], before[p], tuple(trend[p]), dict(sides.get(p, {})),
                                links.get(p), claimed.get(p), p in seen) for p in shown),
                    key=lambda s: (-s.today, -s.change, s.name))
    for group in by_place.values():
        group.sort(key=lambda c: (-_TIER_RANK.get(c.tier, 0), -len(c.claimants), c.first))
    groups = sorted(by_place.items(), key=lambda kv: (-max(_TIER_RANK.get(c.tier, 0) for c in kv[1]), kv[0]))
    view = build_map(MapPoint(p.place_id, p.name, p.today, tone(p.sides), href=p.newest_link or "",
                              marked=p.claimed or "") for p in places if p.today)
    zone = ZoneInfo(tz)
    days = tuple((end - timedelta(days=TREND_DAYS - 1 - i, seconds=1)).astimezone(zone).date()
                 for i in range(TREND_DAYS))
    return Report(digest, tuple(places), days, tuple((k, tuple(v)) for k, v in groups), view)


async def report_for(store: Store, detector: Detector, settings: Settings, day: date | None,
                     now: datetime) -> Report:
    """The report of `day`, or of the last complete day that has posts."""
    at, tz = settings.digest.hour_minute, settings.digest.timezone
    end = digest_window(day, at, tz, now)[1] if day else await last_complete_end(store, at, tz, now)
    return await build_report(store, detector, end, tz, top_channels=settings.digest.top_channels,
                              tracked=await tracked_places(store, settings))


async def last_complete_end(store: Store, at: tuple[int, int], tz: str, now: datetime) -> datetime:
    """The end of the newest whole digest day holding posts, so a replay or the demo is not an empty page."""
    _, latest = digest_window(None, at, tz, now)
    row = await store.execute("SELECT max(date) FROM posts WHERE date < ?", (iso(latest),))
    if not row or row[0][0] is None:
        return latest
    newest = datetime.fromisoformat(row[0][0]).astimezone(ZoneInfo(tz))
    end = datetime.combine(newest.date(), time(*at), ZoneInfo(tz))
    return end if end > newest else datetime.combine(newest.date() + timedelta(days=1), time(*at), ZoneInfo(tz))


def report_html(report: Report) -> str:
    """One self-contained page: style, map and charts inline, no file or address beside it."""
    env = environment(report.digest.timezone)
    return env.get_template("report.html").render(r=report, d=report.digest, style=style(),
                                                  tier_label=claims.TIER_LABEL)


def report_pages(report: Report) -> list[str]:
    """The same content as Telegram HTML pages, each within one message."""
    env = environment(report.digest.timezone, lines=True)
    text = env.get_template("report_telegram.html").render(r=report, d=report.digest, tier_label=claims.TIER_LABEL)
    lines = ["" if line.strip() == "~" else line.rstrip() for line in text.split("\n") if line.strip()]
    return paginate(lines)
