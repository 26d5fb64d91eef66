"""The morning digest: what the last 24 hours held, against the day before.

Built from the store alone, so the same digest comes out live, after a replay, in the
demo, or when it is asked for again a day later. Every count is one SQL aggregate over
the day's posts, so a 100,000-post day costs a few queries, not 100,000 objects; only the
posts the digest lists are read in full.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot import claims
from bot.detect.settlement_book import PlaceNames
from bot.render import CAPTION_LIMIT, SIDE_LABEL, TELEGRAM_LIMIT, esc, link, local_time, utf16_len
from bot.settings import Settings
from bot.store import ClaimRow, Store, StoredPost
from bot.store.db import iso

if TYPE_CHECKING:
    from bot.detect import Detector

WITHDRAWAL = "withdrawal"
MAX_LISTED = 40
EXCERPT_CHARS = 100
CLAIM_SPEAKERS = 6

_FLAGGED = ("CASE WHEN EXISTS (SELECT 1 FROM post_places pp WHERE pp.post_id = p.id)"
            " OR EXISTS (SELECT 1 FROM post_topics pt WHERE pt.post_id = p.id) THEN 1 ELSE 0 END")


@dataclass(frozen=True, slots=True)
class PlaceCount:
    place_id: str
    name: str
    today: int
    yesterday: int

    @property
    def change(self) -> int:
        return self.today - self.yesterday


@dataclass(frozen=True, slots=True)
class ListedPost:
    """A post as one digest line: who, when, where, and a taste of the text."""

    channel: str
    side: str
    date: datetime
    link: str
    places: tuple[str, ...]
    excerpt: str


@dataclass(frozen=True, slots=True)
class Speaker:
    """One independent channel's word on a claim, with the post that says it."""

    channel: str
    side: str
    link: str


@dataclass(frozen=True, slots=True)
class ClaimSummary:
    place: str
    text: str                          # the claim in English
    tier: str
    disputed: bool
    first: datetime
    claimants: tuple[Speaker, ...]     # one per independent source asserting it
    deniers: tuple[Speaker, ...]       # one per independent source denying it


@dataclass(frozen=True, slots=True)
class ChannelActivity:
    name: str
    side: str
    posts: int
    flagged: int


@dataclass(frozen=True, slots=True)
class Digest:
    start: datetime
    end: datetime
    timezone: str
    total_posts: int
    flagged_posts: int
    places: tuple[PlaceCount, ...]
    withdrawals: tuple[ListedPost, ...]
    withdrawal_total: int
    claims: tuple[ClaimSummary, ...]
    lone_denials: tuple[ListedPost, ...]   # denials of something no channel claimed in the window
    busiest: tuple[ChannelActivity, ...]
    deleted: tuple[ListedPost, ...]
    deleted_total: int

    @property
    def day_label(self) -> str:
        return self.end.astimezone(ZoneInfo(self.timezone)).strftime("%d %b %Y")

    @property
    def local_day(self) -> date:
        return self.end.astimezone(ZoneInfo(self.timezone)).date()


def digest_window(day: date | None, at: tuple[int, int], tz: str, now: datetime) -> tuple[datetime, datetime]:
    """The 24 hours ending at the digest time: on `day`, or the latest such time before now."""
    zone = ZoneInfo(tz)
    if day is None:
        local_now = now.astimezone(zone)
        end = datetime.combine(local_now.date(), time(*at), zone)
        if end > local_now:
            end = datetime.combine(local_now.date() - timedelta(days=1), time(*at), zone)
    else:
        end = datetime.combine(day, time(*at), zone)
    # Wall-clock arithmetic: on a DST change the window is 23 or 25 hours, so that day after
    # day the digests cover every post exactly once.
    return end - timedelta(days=1), end


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1].rstrip() + "…"


class _Reader:
    """The digest's queries over one window, sharing the channel table and place names."""

    def __init__(self, store: Store, detector: Detector, start: datetime, end: datetime) -> None:
        self.store = store
        self.window = (iso(start), iso(end))
        self.names = PlaceNames(detector)
        self.channels: dict[int, tuple[str, str]] = {}

    async def load_channels(self) -> None:
        self.channels = {ch.id: (ch.name, ch.side) for ch in await self.store.channels()}

    def listed(self, sp: StoredPost) -> ListedPost:
        name, side = self.channels.get(sp.post.channel_id, (sp.post.channel_title or str(sp.post.channel_id),
                                                             "other"))
        return ListedPost(channel=name, side=side, date=sp.post.date, link=sp.post.link,
                          places=tuple(self.names.get(p, p) for p in sp.places), excerpt=_excerpt(sp.post.text))

    async def claim_summary(self, claim: ClaimRow) -> ClaimSummary:
        voices = await self.store.claim_voices(claim.id)
        by = next((v.by_side for v in voices if v.stance == "asserted"), None)
        claimants: dict[str, Speaker] = {}
        deniers: dict[str, Speaker] = {}
        for v in voices:
            name, side = self.channels.get(v.post.post.channel_id, (str(v.post.post.channel_id), "other"))
            (claimants if v.stance == "asserted" else deniers).setdefault(
                v.source, Speaker(name, side, v.post.post.link))
        for source in claimants:
            deniers.pop(source, None)
        place = self.names.get(claim.place_id, claim.place_id)
        return ClaimSummary(place=place, text=claims.claim_text(claim.action, place, by), tier=claim.tier,
                            disputed=claim.disputed, first=claim.first_date, claimants=tuple(claimants.values()),
                            deniers=tuple(deniers.values()))

    async def rows(self, sql: str, *params: Any) -> list[Any]:
        return await self.store.execute(sql, (*self.window, *params))

    async def place_counts(self, start: datetime, end: datetime) -> dict[str, int]:
        rows = await self.store.execute(  # the place rows' own (date, place) index: migration 8
            "SELECT place_id, count(*) FROM post_places WHERE date >= ? AND date < ? GROUP BY place_id",
            (iso(start), iso(end)))
        return {r[0]: r[1] for r in rows}

    async def listed_posts(self, where: str, order: str, *params: Any) -> tuple[list[ListedPost], int]:
        """The first MAX_LISTED posts of a kind, and how many there were in all: one walk over
        the day's posts for both (their ids are a few thousand at most)."""
        ids = await self.rows(f"SELECT p.id FROM posts p WHERE {where} ORDER BY {order}", *params)
        posts = await self.store.posts_by_ids([r[0] for r in ids[:MAX_LISTED]])
        return [self.listed(sp) for sp in posts], len(ids)


async def build_digest(store: Store, detector: Detector, end: datetime, tz: str, *, top_channels: int = 5,
                       tracked: Iterable[str] | None = None, start: datetime | None = None) -> Digest:
    """The 24 hours before `end`, or from `start` when a longer look back is wanted (the demo's)."""
    start = start or end - timedelta(days=1)
    tracked_set = set(tracked) if tracked is not None else None
    q = _Reader(store, detector, start, end)
    await q.load_channels()
    today = await q.place_counts(start, end)
    before = await q.place_counts(start - timedelta(days=1), start)
    places = sorted(
        (PlaceCount(pid, q.names.get(pid, pid), today.get(pid, 0), before.get(pid, 0))
         for pid in set(today) | set(before) if tracked_set is None or pid in tracked_set),
        key=lambda pc: (-pc.today, -pc.change, pc.name))
    # Withdrawal posts that name a place come first: those are the ones an analyst acts on.
    # Each list walks the day's posts in the (date, channel) index and probes the topic or
    # event of each by its key, so a cold day never reads the posts of other days.
    withdrawals, withdrawal_total = await q.listed_posts(
        "p.date >= ? AND p.date < ? AND EXISTS (SELECT 1 FROM post_topics t WHERE t.post_id = p.id AND t.topic_id = ?)",
        "EXISTS (SELECT 1 FROM post_places pp WHERE pp.post_id = p.id) DESC, p.date, p.id", WITHDRAWAL)
    deleted, deleted_total = await q.listed_posts(
        "p.deleted_at >= ? AND p.deleted_at < ?", "p.deleted_at, p.id")
    claim_list = [await q.claim_summary(claim) for claim in await store.claims_between(start, end)]
    claim_list.sort(key=lambda c: (c.place, c.first))
    lone_denials, _ = await q.listed_posts(
        "p.date >= ? AND p.date < ? AND EXISTS (SELECT 1 FROM post_events e WHERE e.post_id = p.id"
        " AND e.stance = 'denied')"
        " AND p.id NOT IN (SELECT post_id FROM claim_posts WHERE stance = 'denied')", "p.date, p.id")
    # every channel's posts and flagged posts in one walk over the day: the busiest and the totals
    per_channel = await q.rows(f"SELECT p.channel_id, count(*), sum({_FLAGGED}) FROM posts p"
                               " WHERE p.date >= ? AND p.date < ? GROUP BY p.channel_id")
    busiest = [ChannelActivity(q.channels.get(r[0], (str(r[0]), "other"))[0],
                               q.channels.get(r[0], ("", "other"))[1], r[1], r[2])
               for r in sorted(per_channel, key=lambda r: (-r[2], -r[1], r[0]))[:top_channels]]
    total, flagged = sum(r[1] for r in per_channel), sum(r[2] for r in per_channel)
    return Digest(start=start, end=end, timezone=tz, total_posts=total, flagged_posts=flagged,
                  places=tuple(places), withdrawals=tuple(withdrawals), withdrawal_total=withdrawal_total,
                  claims=tuple(claim_list), lone_denials=tuple(lone_denials), busiest=tuple(busiest), deleted=tuple(deleted),
                  deleted_total=deleted_total)


async def tracked_places(store: Store, settings: Settings) -> tuple[str, ...] | None:
    """What the team tracks now: a `/track` change in the store wins over the config file."""
    stored = await store.get_setting("tracked_places")
    if stored is not None:
        return tuple(stored)
    return settings.tracked_places


async def digest_for(store: Store, detector: Detector, settings: Settings, day: date | None,
                     now: datetime) -> Digest:
    """The digest as the scheduler, `/digest` and the command line all build it."""
    _, end = digest_window(day, settings.digest.hour_minute, settings.digest.timezone, now)
    return await build_digest(store, detector, end, settings.digest.timezone,
                              top_channels=settings.digest.top_channels,
                              tracked=await tracked_places(store, settings))


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else ("±0" if n == 0 else str(n))


def _posts(n: int) -> str:
    return f"{n} post" if n == 1 else f"{n} posts"


def _side(side: str) -> str:
    return SIDE_LABEL.get(side, side)


def _post_line(item: ListedPost, tz: str, *, with_places: bool) -> str:
    where = ""
    if with_places:
        where = f" — {esc(', '.join(item.places))}" if item.places else " — no place named"
    return (f"• {esc(local_time(item.date, tz))} {link(item.link, item.channel)} ({esc(_side(item.side))})"
            f"{where}: <i>{esc(item.excerpt)}</i>")


def _speakers(speakers: tuple[Speaker, ...]) -> str:
    shown = ", ".join(f"{link(s.link, s.channel)} ({esc(_side(s.side))})" for s in speakers[:CLAIM_SPEAKERS])
    more = len(speakers) - CLAIM_SPEAKERS
    return shown + (f" and {more} more" if more > 0 else "")


def _claim_line(c: ClaimSummary, tz: str) -> str:
    mark = "🟣" if c.tier == "both_sides" else "🔴"
    channels = f"{len(c.claimants)} independent channel" + ("s" if len(c.claimants) != 1 else "")
    line = (f"• {mark} {esc(c.text)} — {esc(claims.TIER_LABEL.get(c.tier, c.tier))}, {channels}, first"
            f" {esc(local_time(c.first, tz))}: {_speakers(c.claimants)}")
    if c.deniers:
        line += f"; ⚪ denied by {_speakers(c.deniers)}"
    if c.disputed:
        line += " · ⚠️ disputed"
    return line


def digest_lines(d: Digest) -> list[str]:
    tz = d.timezone
    lines = [f"🗞 <b>Digest · {esc(d.day_label)}</b>",
             f"{esc(local_time(d.start, tz))} → {esc(local_time(d.end, tz))}",
             f"{_posts(d.total_posts)} read, {d.flagged_posts} flagged.", "",
             "<b>Mentions per place</b> (posts in 24 h, change against the day before)"]
    shown = [pc for pc in d.places if pc.today or pc.yesterday]
    lines += [f"• {esc(pc.name)}: {pc.today} ({_signed(pc.change)})" for pc in shown[:MAX_LISTED]] or ["• none"]
    if len(shown) > MAX_LISTED:
        lines.append(f"… and {len(shown) - MAX_LISTED} more places")
    lines += ["", f"<b>Withdrawal posts</b> ({d.withdrawal_total})"]
    lines += [_post_line(item, tz, with_places=True) for item in d.withdrawals] or ["• none"]
    if d.withdrawal_total > len(d.withdrawals):
        lines.append(f"… and {d.withdrawal_total - len(d.withdrawals)} more (/latest lists them)")
    both = sum(c.tier == "both_sides" for c in d.claims)
    disputed = sum(c.disputed for c in d.claims)
    lines += ["", f"<b>Claims per place</b> ({len(d.claims)}: {both} by both sides, {disputed} disputed)"]
    place = None
    for c in d.claims[:MAX_LISTED]:
        if c.place != place:
            place = c.place
            lines.append(f"<b>{esc(place)}</b>")
        lines.append(_claim_line(c, tz))
    if len(d.claims) > MAX_LISTED:
        lines.append(f"… and {len(d.claims) - MAX_LISTED} more claims")
    if not d.claims:
        lines.append("• none")
    if d.lone_denials:
        lines += ["", f"<b>Denials of what no followed channel claimed</b> ({len(d.lone_denials)})"]
        lines += [_post_line(item, tz, with_places=True) for item in d.lone_denials]
    lines += ["", "<b>Busiest channels</b> (flagged / all posts)"]
    lines += [f"• {esc(ch.name)} ({esc(_side(ch.side))}): {ch.flagged} / {ch.posts}" for ch in d.busiest] \
        or ["• none"]
    lines += ["", f"<b>Deleted posts</b> ({d.deleted_total})"]
    lines += [_post_line(item, tz, with_places=False) for item in d.deleted] or ["• none"]
    if d.deleted_total > len(d.deleted):
        lines.append(f"… and {d.deleted_total - len(d.deleted)} more")
    return lines


def paginate(lines: list[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split at line boundaries so no tag is cut; each page fits one Telegram message.

    Every line is built short (bounded names, excerpts and counts), so a page break
    between lines is always possible; the page marker's room is kept free.
    """
    budget = limit - 16
    pages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        n = utf16_len(line) + 1
        if current and size + n > budget:
            pages.append("\n".join(current).strip("\n"))
            current, size = [], 0
        current.append(line)
        size += n
    if current:
        pages.append("\n".join(current).strip("\n"))
    if len(pages) > 1:
        pages = [f"{p}\n<i>({i}/{len(pages)})</i>" for i, p in enumerate(pages, start=1)]
    return pages


def render_digest(d: Digest) -> list[str]:
    return paginate(digest_lines(d))


def chart_png(d: Digest, top: int = 12) -> bytes:
    """Bars of the busiest places, today against the day before.

    Uses the object-oriented Figure with the Agg canvas and no pyplot state, so it can
    run in a worker thread while the event loop keeps answering.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    places = [pc for pc in d.places if pc.today or pc.yesterday][:top][::-1]
    fig = Figure(figsize=(8, max(2.5, 0.45 * len(places) + 1.2)), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if places:
        y = range(len(places))
        ax.barh([i + 0.2 for i in y], [pc.today for pc in places], height=0.4, label="last 24 h", color="#c0392b")
        ax.barh([i - 0.2 for i in y], [pc.yesterday for pc in places], height=0.4, label="day before",
                color="#95a5a6")
        ax.set_yticks(list(y), [pc.name for pc in places])
        ax.legend(loc="lower right")
    else:
        ax.text(0.5, 0.5, "no place mentioned", ha="center", va="center", transform=ax.transAxes)
        ax.set_yticks([])
    ax.set_xlabel("posts mentioning the place")
    ax.set_title(f"Mentions per place · {d.day_label}")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def caption(d: Digest) -> str:
    """The photo's caption: the headline figures, within Telegram's 1,024 for captions."""
    top = ", ".join(f"{pc.name} {pc.today} ({_signed(pc.change)})" for pc in d.places[:5] if pc.today)
    text = (f"🗞 <b>Digest · {esc(d.day_label)}</b>\n{_posts(d.total_posts)}, {d.flagged_posts} flagged, "
            f"{d.withdrawal_total} on withdrawal, {len(d.claims)} claims"
            f" ({sum(c.tier == 'both_sides' for c in d.claims)} by both sides)."
            + (f"\nTop places: {esc(top)}" if top else ""))
    return text if utf16_len(text) <= CAPTION_LIMIT else f"🗞 <b>Digest · {esc(d.day_label)}</b>"


def digest_html_page(d: Digest, chart_file: str) -> str:
    """A stand-alone page of the digest as the team would read it, for the demo and `digest --out`."""
    body = "\n".join(digest_lines(d))
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>frontwatch digest "
            f"{esc(d.day_label)}</title></head><body style=\"font-family:sans-serif;max-width:52em\">"
            f"<img src=\"{esc(chart_file)}\" alt=\"chart\" style=\"max-width:100%\">"
            f"<div style=\"white-space:pre-wrap\">{body}</div></body></html>\n")
