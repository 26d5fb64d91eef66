"""The morning digest: what the last 24 hours held, against the day before.

Built from the store alone, so the same digest comes out live, after a replay, in the
demo, or when it is asked for again a day later.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.detect import Detector
from bot.render import TELEGRAM_LIMIT, esc, link, local_time, utf16_len
from bot.store import Store, StoredPost
from bot.store.db import iso

WITHDRAWAL = "withdrawal"
MAX_LISTED = 40


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
class Corroborated:
    place: str
    topic: str
    first: datetime
    last: datetime
    links: tuple[tuple[str, str], ...]


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
    withdrawals: tuple[tuple[StoredPost, str], ...]
    corroborated: tuple[Corroborated, ...]
    busiest: tuple[ChannelActivity, ...]
    deleted: tuple[StoredPost, ...]

    @property
    def day_label(self) -> str:
        return self.end.astimezone(ZoneInfo(self.timezone)).strftime("%d %b %Y")


def digest_window(day: date | None, at: tuple[int, int], tz: str, now: datetime) -> tuple[datetime, datetime]:
    """The 24 hours ending at the digest time: on `day`, or the latest such time before now."""
    zone = ZoneInfo(tz)
    if day is None:
        local_now = now.astimezone(zone)
        end = datetime.combine(local_now.date(), time(*at), zone)
        if end > local_now:
            end -= timedelta(days=1)
    else:
        end = datetime.combine(day, time(*at), zone)
    return end - timedelta(days=1), end


async def _place_counts(store: Store, start: datetime, end: datetime) -> dict[str, int]:
    rows = await store.execute(
        "SELECT pp.place_id, count(*) FROM post_places pp JOIN posts p ON p.id = pp.post_id"
        " WHERE p.date >= ? AND p.date < ? GROUP BY pp.place_id", (iso(start), iso(end)))
    return {r[0]: r[1] for r in rows}


async def build_digest(store: Store, detector: Detector, end: datetime, tz: str, *, top_channels: int = 5,
                       tracked: Iterable[str] | None = None) -> Digest:
    start = end - timedelta(days=1)
    tracked_set = set(tracked) if tracked is not None else None
    today = await _place_counts(store, start, end)
    before = await _place_counts(store, start - timedelta(days=1), start)
    names = {p.id: p.en for p in detector.places()}
    places = sorted(
        (PlaceCount(pid, names.get(pid, pid), today.get(pid, 0), before.get(pid, 0))
         for pid in set(today) | set(before) if tracked_set is None or pid in tracked_set),
        key=lambda pc: (-pc.today, -pc.change, pc.name))
    withdrawals = [(sp, ", ".join(names.get(p, p) for p in sp.places))
                   for sp in await store.flagged_posts_between(start, end, topic_id=WITHDRAWAL)]
    corroborated = []
    for cid, place, topic, first, last, alert_id in await store.execute(
            "SELECT id, place_id, topic_id, first_date, last_date, alert_id FROM corroborations"
            " WHERE last_date >= ? AND first_date < ? ORDER BY first_date", (iso(start), iso(end))):
        links = tuple((sp.post.channel_title or str(sp.post.channel_id), sp.post.link)
                      for sp, _ in await store.alert_posts(alert_id)) if alert_id else ()
        corroborated.append(Corroborated(names.get(place, place), topic, datetime.fromisoformat(first),
                                         datetime.fromisoformat(last), links))
    busiest = [ChannelActivity(r[0] or str(r[1]), r[2] or "other", r[3], r[4]) for r in await store.execute(
        "SELECT c.title, p.channel_id, c.side, count(*),"
        " sum(EXISTS (SELECT 1 FROM post_places pp WHERE pp.post_id = p.id)"
        "  OR EXISTS (SELECT 1 FROM post_topics pt WHERE pt.post_id = p.id))"
        " FROM posts p LEFT JOIN channels c ON c.id = p.channel_id WHERE p.date >= ? AND p.date < ?"
        " GROUP BY p.channel_id ORDER BY 5 DESC, 4 DESC LIMIT ?", (iso(start), iso(end), top_channels))]
    deleted_ids = await store.execute(
        "SELECT id FROM posts WHERE deleted_at >= ? AND deleted_at < ? ORDER BY deleted_at", (iso(start), iso(end)))
    deleted = [sp for (pid,) in deleted_ids if (sp := await store.post(pid)) is not None]
    total, flagged = (await store.execute(
        "SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM post_places pp WHERE pp.post_id = p.id)"
        " OR EXISTS (SELECT 1 FROM post_topics pt WHERE pt.post_id = p.id)), 0)"
        " FROM posts p WHERE p.date >= ? AND p.date < ?", (iso(start), iso(end))))[0]
    return Digest(start=start, end=end, timezone=tz, total_posts=total, flagged_posts=flagged,
                  places=tuple(places), withdrawals=tuple(withdrawals), corroborated=tuple(corroborated),
                  busiest=tuple(busiest), deleted=tuple(deleted))


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else ("±0" if n == 0 else str(n))


def digest_lines(d: Digest) -> list[str]:
    tz = d.timezone
    lines = [f"🗞 <b>Digest · {esc(d.day_label)}</b>",
             f"{esc(local_time(d.start, tz))} → {esc(local_time(d.end, tz))}",
             f"{d.total_posts} posts read, {d.flagged_posts} flagged.", "",
             "<b>Mentions per place</b> (24 h, change against the day before)"]
    shown = [pc for pc in d.places if pc.today or pc.yesterday]
    lines += [f"• {esc(pc.name)}: {pc.today} ({_signed(pc.change)})" for pc in shown[:MAX_LISTED]] or ["• none"]
    if len(shown) > MAX_LISTED:
        lines.append(f"… and {len(shown) - MAX_LISTED} more places")
    lines += ["", f"<b>Withdrawal posts</b> ({len(d.withdrawals)})"]
    for sp, where in d.withdrawals[:MAX_LISTED]:
        where = where or "no place named"
        lines.append(f"• {esc(local_time(sp.post.date, tz))} "
                     f"{link(sp.post.link, sp.post.channel_title or str(sp.post.channel_id))} — {esc(where)}")
    if not d.withdrawals:
        lines.append("• none")
    elif len(d.withdrawals) > MAX_LISTED:
        lines.append(f"… and {len(d.withdrawals) - MAX_LISTED} more")
    lines += ["", f"<b>Reported by both sides</b> ({len(d.corroborated)})"]
    for c in d.corroborated:
        sources = ", ".join(link(url, name) for name, url in c.links[:8])
        lines.append(f"• {esc(c.topic)} · {esc(c.place)} · {esc(local_time(c.first, tz))}: {sources}")
    if not d.corroborated:
        lines.append("• none")
    lines += ["", "<b>Busiest channels</b> (flagged / all posts)"]
    lines += [f"• {esc(ch.name)} ({esc(ch.side)}): {ch.flagged} / {ch.posts}" for ch in d.busiest] or ["• none"]
    lines += ["", f"<b>Deleted posts</b> ({len(d.deleted)})"]
    for sp in d.deleted[:MAX_LISTED]:
        snippet = " ".join(sp.post.text.split())[:120]
        lines.append(f"• {link(sp.post.link, sp.post.channel_title or str(sp.post.channel_id))}: {esc(snippet)}")
    if not d.deleted:
        lines.append("• none")
    return lines


def paginate(lines: list[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split at line boundaries so no tag is cut; each page fits one Telegram message."""
    pages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        n = utf16_len(line) + 1
        if current and size + n > limit - 16:
            pages.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += n
    if current:
        pages.append("\n".join(current))
    if len(pages) > 1:
        pages = [f"{p}\n<i>({i}/{len(pages)})</i>" for i, p in enumerate(pages, start=1)]
    return pages


def render_digest(d: Digest) -> list[str]:
    return paginate(digest_lines(d))


def chart_png(d: Digest, top: int = 12) -> bytes:
    """Bars of the busiest places, today against the day before."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    places = [pc for pc in d.places if pc.today or pc.yesterday][:top][::-1]
    fig = Figure(figsize=(8, max(2.5, 0.45 * len(places) + 1.2)), dpi=110)
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
    return f"🗞 <b>Digest · {esc(d.day_label)}</b>: mentions per place, last 24 h against the day before"


def digest_html_page(d: Digest, chart_file: str) -> str:
    """A stand-alone page of the digest as the team would read it, for the demo and `digest --out`."""
    body = "\n".join(digest_lines(d))
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>frontwatch digest "
            f"{esc(d.day_label)}</title></head><body style=\"font-family:sans-serif;max-width:52em\">"
            f"<img src=\"{esc(chart_file)}\" alt=\"chart\" style=\"max-width:100%\">"
            f"<div style=\"white-space:pre-wrap\">{body}</div></body></html>\n")
