"""Replay of Telegram Desktop exports through the live pipeline.

Idempotent: the store keys posts by (channel, message id) and ignores a repeat with the
same text. One message may appear in several versions (two exports of a channel with an
edit between, or a repeated id in one file); its versions are replayed oldest edit first,
and a version no newer than the stored one is a repeat, so a second replay changes
nothing and re-edits no alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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


def version_rank(post: Post) -> datetime:
    """How new a version of a message is: its edit date, or its date if never edited."""
    return post.edit_date or post.date


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


async def _stale(store: Store, post: Post) -> bool:
    """A version no newer than the one stored, with other text: replaying it would undo an edit."""
    stored = await store.post_by_key(post.channel_id, post.message_id)
    return (stored is not None and stored.post.text != post.text
            and version_rank(post) <= version_rank(stored.post))


async def replay(path: Path, store: Store, pipeline: Pipeline, known: list[Channel], *,
                 local_tz: ZoneInfo = ZoneInfo("UTC"), progress: bool | None = None,
                 after_each=None) -> ReplayReport:
    report = ReplayReport()
    exports = load_channels(path, report.problems)
    channels = await register_channels(store, exports, known, report.unlisted)
    posts = collect_posts(exports, channels, local_tz, report.problems)
    report.channels = len(exports)
    bar = Progress(len(posts), "replay", enabled=progress)
    for post in posts:
        report.posts += 1
        if await _stale(store, post):
            report.duplicates += 1
            bar.advance()
            continue
        outcome = await pipeline.handle_post(post)
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
