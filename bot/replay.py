"""Replay of Telegram Desktop exports through the live pipeline.

Idempotent: the store keys posts by (channel, message id) and ignores a repeat with the
same text. One message may appear in several versions (two exports of a channel with an
edit between, or a repeated id in one file); its versions are replayed oldest edit first,
and a version no newer than the stored one is a repeat, so a second replay changes
nothing and re-edits no alert.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.batch_ingest import AHEAD_LIMIT
from bot.channels import Channel
from bot.memory import give_back
from bot.pipeline import Pipeline
from bot.post import Post
from bot.progress import Progress
from bot.sources.export import ExportChannel, ExportProblem, find_exports, read_posts
from bot.sources.ordered import read_export, temporary_folder, version_rank
from bot.store import Store

#: Where a replay keeps the position reached (runtime settings), written with every batch.
RESUME_KEY = "replay.resume"
#: Posts stored in one transaction; the position reached is kept with each batch.
BATCH = 500
#: batches between two hand-backs of freed memory (`bot.memory`)
TRIM_EVERY = 100


@dataclass
class ReplayReport:
    channels: int = 0
    posts: int = 0
    new: int = 0
    duplicates: int = 0
    edited: int = 0
    errors: int = 0
    #: Posts handled by an interrupted replay of the same files, skipped on resuming.
    resumed: int = 0
    problems: list[ExportProblem] = field(default_factory=list)
    unlisted: list[Channel] = field(default_factory=list)


def _listed(export: ExportChannel, known: list[Channel]) -> Channel | None:
    for ch in known:
        if ch.id == export.id or (ch.id is None and ch.name == export.name):
            return Channel(username=ch.username, id=export.id, name=ch.name or export.name, side=ch.side,
                           kind=ch.kind)
    return None


async def register_channels(store: Store, exports: list[ExportChannel], known: list[Channel],
                            unlisted: list[Channel] | None = None) -> dict[int, Channel]:
    """Export channels with their side and kind from config, so alerts say who spoke.

    A channel neither listed nor stored before is taken as media of side `other` and
    added to `unlisted`: without a side it can never corroborate, and the user must know."""
    out = {}
    async with store.transaction():
        for export in exports:
            existing = await store.channel(export.id)
            channel = _listed(export, known)
            if channel is not None and channel.side == "other" and existing is not None and existing.side != "other":
                channel = existing
            if channel is None:
                if existing is not None:
                    channel = existing
                else:
                    channel = Channel(username=None, id=export.id, name=export.name, side="other", kind="media")
                    if unlisted is not None and channel not in unlisted:
                        unlisted.append(channel)
            await store.upsert_channel(channel)
            out[export.id] = channel
    return out


def collect_posts(exports: list[ExportChannel], channels: dict[int, Channel], local_tz: ZoneInfo,
                  problems: list[ExportProblem]) -> list[Post]:
    """Every message once per distinct edit date, oldest version first; of two versions with
    the same edit date the one read last (the later export) wins."""
    versions: dict[tuple[int, int, datetime], Post] = {}
    for export in exports:
        for post in read_posts(export, username=channels[export.id].username, local_tz=local_tz,
                               problems=problems):
            versions.pop((*post.key, version_rank(post)), None)
            versions[(*post.key, version_rank(post))] = post
    posts = list(versions.values())
    posts.sort(key=lambda p: (p.date, p.channel_id, p.message_id, version_rank(p)))
    return posts


def export_mark(path: Path, local_tz: ZoneInfo) -> str:
    """Names one export as it is on disk: a resumed replay continues only the same files."""
    files = find_exports(path)
    stats = [(str(f.resolve()), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    return hashlib.sha256(json.dumps([str(path.resolve()), str(local_tz), stats]).encode()).hexdigest()


async def replay(path: Path, store: Store, pipeline: Pipeline, known: list[Channel], *,
                 local_tz: ZoneInfo = ZoneInfo("UTC"), progress: bool | None = None,
                 after_each=None, batch: int = BATCH) -> ReplayReport:
    """Reads the export in date order with bounded memory, then sends it through the pipeline
    `batch` posts at a time. Each batch is one transaction that also keeps the position
    reached, and its alerts are sent (`after_each`) before the next: a replay of the same
    files started again after a kill skips to it, and what it replays again is a repeat."""
    report = ReplayReport()
    mark = export_mark(path, local_tz)
    with temporary_folder() as folder:
        reading = Progress(None, "reading", enabled=progress)
        read = read_export(path, Path(folder), local_tz=local_tz, on_read=reading.ticks())
        reading.close()
        give_back()
        report.problems = read.problems
        report.channels = len(read.channels)
        channels = await register_channels(store, read.channels, known, report.unlisted)
        saved = await store.get_setting(RESUME_KEY)
        through = tuple(saved["through"]) if isinstance(saved, dict) and saved.get("export") == mark else None
        if after_each is not None:
            await after_each()
        bar = Progress(read.entries, "replay", enabled=progress)
        usernames = {cid: ch.username for cid, ch in channels.items()}
        batches = _batches(read.ordered(usernames), through, batch, report, bar)
        current = next(batches, None)
        # batches read and detected while a commit ran, each waiting its turn
        detected: deque[tuple[list[Post], tuple]] = deque()
        further = max(0, AHEAD_LIMIT // batch - 2)
        done = 0
        while current is not None:
            # the batch runs up to its commit, which SQLite does on a thread of its own;
            # meanwhile the next batch is read and detected here, and while the commit
            # still runs, the ones after it
            storing = asyncio.ensure_future(_replay_batch(*current, mark, store, pipeline, report, after_each))
            await asyncio.sleep(0)
            try:
                if detected:
                    current = detected.popleft()
                else:
                    current = next(batches, None)
                    if current is not None and not storing.done():
                        pipeline.detect_ahead(current[0])
                while current is not None and len(detected) < further and store.committing():
                    following = next(batches, None)
                    if following is None:
                        break
                    pipeline.detect_ahead(following[0])
                    detected.append(following)
            finally:
                await storing
            done += 1
            if done % TRIM_EVERY == 0:
                give_back()
        bar.close()
    await store.set_setting(RESUME_KEY, None)
    return report


def _batches(ordered: Iterator[tuple[tuple, Post, int]], through: tuple | None, size: int, report: ReplayReport,
             bar: Progress) -> Iterator[tuple[list[Post], tuple]]:
    """The export's posts in batches, each with the position of its last post; what an
    interrupted replay of the same files already stored (`through`) is skipped."""
    pending: list[Post] = []
    reached = None
    for at, post, entries in ordered:
        report.posts += 1
        bar.advance(entries)
        if through is not None and at <= through:
            report.resumed += 1
            continue
        pending.append(post)
        reached = at
        if len(pending) >= size:
            yield pending, reached
            pending = []
    if pending:
        yield pending, reached


async def _replay_batch(posts: list[Post], reached, mark: str, store: Store, pipeline: Pipeline,
                        report: ReplayReport, after_each) -> None:
    async def keep_position() -> None:
        await store.set_setting(RESUME_KEY, {"export": mark, "through": list(reached)})

    for outcome in await pipeline.handle_batch(posts, newest_only=True, within=keep_position):
        if outcome.status == "new":
            report.new += 1
        elif outcome.status == "duplicate":
            report.duplicates += 1
        elif outcome.status == "edited":
            report.edited += 1
        else:
            report.errors += 1
    if after_each is not None:
        await after_each()
