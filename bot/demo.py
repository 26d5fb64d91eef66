"""`frontwatch demo`: the bundled corpus through the whole pipeline, no account needed.

The corpus is a set of Telegram Desktop exports plus a timeline of what an export
cannot hold (the text a post had before an edit, deletions), so the demo plays the
same sequence of events the live reader would see, through the same pipeline.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.channels import load_channels as load_channel_config
from bot.claims import TIERS
from bot.detect import Detector
from bot.digest import build_digest, caption, chart_png, digest_html_page, digest_window, render_digest
from bot.outbox import Outbox
from bot.report import build_report, report_html, report_pages
from bot.pipeline import Pipeline
from bot.post import Post
from bot.replay import collect_posts, register_channels
from bot.settings import Settings
from bot.sources.export import ExportProblem, load_channels
from bot.store import Store
from bot.terminal import TerminalSender

DEMO_CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "demo"


@dataclass(frozen=True, slots=True)
class Event:
    when: datetime
    post: Post | None = None
    deletion: tuple[int, int] | None = None


def build_events(posts: list[Post], timeline: dict, usernames: dict[str, int]) -> list[Event]:
    originals = {}
    for edit in timeline.get("edits", []):
        originals[(usernames[edit["channel"]], int(edit["message_id"]))] = edit["original_text"]
    events = []
    for post in posts:
        original = originals.get(post.key)
        if original is not None and post.edit_date is not None:
            events.append(Event(post.date, post=replace(post, text=original, edit_date=None)))
            events.append(Event(post.edit_date, post=post))
        else:
            events.append(Event(post.date, post=post))
    for deletion in timeline.get("deletions", []):
        when = datetime.fromtimestamp(int(deletion["deleted_unixtime"]), UTC)
        events.append(Event(when, deletion=(usernames[deletion["channel"]], int(deletion["message_id"]))))
    events.sort(key=lambda e: (e.when, 0 if e.post else 1))
    return events


def first_digest_after(moment: datetime, at: tuple[int, int], tz: str) -> date:
    """The day of the first scheduled digest that would cover `moment`."""
    local = moment.astimezone(ZoneInfo(tz))
    day = local.date()
    if (local.hour, local.minute) >= at:
        day += timedelta(days=1)
    return day


async def run_demo(settings: Settings, detector: Detector, *, corpus: Path = DEMO_CORPUS,
                   out_dir: Path = Path("out/demo"), stream: TextIO | None = None, quiet: bool = False,
                   color: bool | None = None, db_path: Path | None = None) -> dict:
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = db_path or out_dir / "frontwatch.sqlite"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    known = load_channel_config(corpus / "channels.toml")
    timeline_file = corpus / "timeline.json"
    timeline = json.loads(timeline_file.read_text(encoding="utf-8")) if timeline_file.exists() else {}
    usernames = {ch.username: ch.id for ch in known if ch.username and ch.id}
    sender = TerminalSender(stream, color=color, quiet=quiet)
    store = await Store.open(db_path)
    try:
        now = {"t": datetime.now(UTC)}
        pipeline = Pipeline(store, detector, settings.alerts, tracked=settings.tracked_places,
                            clock=lambda: now["t"])
        outbox = Outbox(store, sender, rate_limit_per_minute=None, clock=lambda: now["t"])
        exports = load_channels(corpus)
        channels = await register_channels(store, exports, known)
        problems: list[ExportProblem] = []
        posts = collect_posts(exports, channels, ZoneInfo(settings.alerts.timezone), problems)
        events = build_events(posts, timeline, usernames)
        for event in events:
            now["t"] = event.when
            if event.post is not None:
                await pipeline.handle_post(event.post)
            else:
                channel_id, message_id = event.deletion
                await pipeline.handle_deletion(channel_id, [message_id], when=event.when)
            await outbox.flush()
        last = events[-1].when if events else datetime.now(UTC)
        _, end = digest_window(first_digest_after(last, settings.digest.hour_minute, settings.digest.timezone),
                               settings.digest.hour_minute, settings.digest.timezone, last)
        digest = await build_digest(store, detector, end, settings.digest.timezone,
                                    top_channels=settings.digest.top_channels, tracked=settings.tracked_places)
        first = events[0].when if events else last
        whole = await build_digest(store, detector, end, settings.digest.timezone,
                                   top_channels=settings.digest.top_channels, tracked=settings.tracked_places,
                                   start=min(first, end - timedelta(days=1)))
        all_claims = whole.claims
        stem = f"digest-{end.astimezone(ZoneInfo(settings.digest.timezone)):%Y-%m-%d}"
        png = chart_png(digest)
        (out_dir / f"{stem}.png").write_bytes(png)
        (out_dir / f"{stem}.html").write_text(digest_html_page(digest, f"{stem}.png"), encoding="utf-8")
        pages = render_digest(digest)
        # The report of the demo tells its whole timeline, so every planted storyline is in it.
        report = await build_report(store, detector, end, settings.digest.timezone,
                                    top_channels=settings.digest.top_channels, tracked=settings.tracked_places,
                                    start=min(first, end - timedelta(days=1)))
        report_file = out_dir / f"report-{end.astimezone(ZoneInfo(settings.digest.timezone)):%Y-%m-%d}.html"
        report_file.write_text(report_html(report), encoding="utf-8")
        report_page_count = len(report_pages(report))
        counts = await store.alert_counts()
        denial_posts = (await store.execute(
            "SELECT count(DISTINCT post_id) FROM post_events WHERE stance = 'denied'"))[0][0]
    finally:
        await store.close()
    stats = pipeline.stats
    digest_claims = sorted(all_claims, key=lambda c: (-TIERS.index(c.tier), -len(c.claimants), c.first))
    summary = {
        "posts_read": len({e.post.key for e in events if e.post}),
        "events": len(events),
        "edits": stats.edits,
        "deletions": stats.deletions,
        "flagged": stats.flagged,
        "alerts_sent": outbox.sent,
        "alert_updates": outbox.edited,
        "merged_into_existing": stats.merged,
        "corroborations": stats.corroborations,
        "alert_on": settings.alerts.alert_on,
        "claims_by_tier": {tier: sum(c.tier == tier for c in digest_claims) for tier in TIERS},
        "claims_disputed": sum(c.disputed for c in digest_claims),
        "denial_posts": denial_posts,
        "claims": [{"place": c.place, "claim": c.text, "tier": c.tier, "channels": len(c.claimants),
                    "denied_by": len(c.deniers), "disputed": c.disputed, "first": c.first} for c in digest_claims],
        "alerts_by_state": counts,
        "export_problems": [str(p) for p in problems],
        "top_places": [(detector.place(pid).en, n) for pid, n in stats.places.most_common(8)],
        "digest_html": str(out_dir / f"{stem}.html"),
        "digest_png": str(out_dir / f"{stem}.png"),
        "digest_pages": len(pages),
        "digest_caption": caption(digest),
        "report_html": str(report_file),
        "report_pages": report_page_count,
        "database": str(db_path),
        "wall_seconds": round(time.perf_counter() - started, 2),
    }
    return summary
