"""Replay of Telegram Desktop exports through the live pipeline.

Idempotent by construction: the store keys posts by (channel, message id) and ignores a
repeat with the same text, so replaying an export twice stores and alerts nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.channels import Channel
from bot.pipeline import Pipeline
from bot.post import Post
from bot.progress import Progress
from bot.sources.export import ExportChannel, ExportProblem, load_channels, read_posts
from bot.store import Store


@dataclass
class ReplayReport:
    channels: int = 0
    posts: int = 0
    new: int = 0
    duplicates: int = 0
    edited: int = 0
    errors: int = 0
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
    posts = [post for export in exports
             for post in read_posts(export, username=channels[export.id].username, local_tz=local_tz,
                                    problems=problems)]
    posts.sort(key=lambda p: (p.date, p.channel_id, p.message_id))
    return posts


async def replay(path: Path, store: Store, pipeline: Pipeline, known: list[Channel], *,
                 local_tz: ZoneInfo = ZoneInfo("UTC"), progress: bool | None = None,
                 after_each=None) -> ReplayReport:
    report = ReplayReport()
    exports = load_channels(path)
    channels = await register_channels(store, exports, known, report.unlisted)
    posts = collect_posts(exports, channels, local_tz, report.problems)
    report.channels = len(exports)
    bar = Progress(len(posts), "replay", enabled=progress)
    for post in posts:
        outcome = await pipeline.handle_post(post)
        report.posts += 1
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
        bar.advance()
    bar.close()
    return report
