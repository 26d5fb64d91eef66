"""What the command families share: the service they act on and the lookups more than one
family needs — a place or channel from the user's words, the tracked places, the mutes."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol

from bot import claims, policy
from bot.channels import Channel, parse_channel_ref
from bot.commands.specs import Reply, _short, channel_html
from bot.detect import Detector
from bot.detect.settlements import load_book
from bot.digest import paginate, tracked_places
from bot.render import esc
from bot.settings import Settings
from bot.store import Store


class Directory(Protocol):
    async def resolve(self, ref: str) -> Channel | None: ...

    async def refresh(self) -> None: ...


class Context:
    """The state `Commands` sets up; every command family is a mixin of it."""

    store: Store
    detector: Detector
    settings: Settings
    is_group_admin: Callable[[int, int], Awaitable[bool]]
    directory: Directory
    started_at: datetime
    bot_username: str | None
    clock: Callable[[], datetime]
    tz: str

    @staticmethod
    def _pages(lines: Sequence[str]) -> list[Reply]:
        return [Reply(page) for page in paginate(list(lines))]

    def _place_label(self, place_id: str) -> str:
        place = self.detector.place(place_id)
        return f"{place.en} ({place.id})"

    def _resolve_place(self, query: str) -> str | None:
        query = query.strip()
        if not query:
            return None
        if query.lower() in self._place_ids():
            return query.lower()
        found = self.detector.resolve_place(query)
        if found is None:
            settlements = self._settlements(query)
            found = settlements[0] if len(settlements) == 1 else None
        return found

    @staticmethod
    def _settlements(query: str) -> list[str]:
        """Ids of the settlements a name (in any language and case, maybe with its raion or
        oblast) can mean."""
        book = load_book()
        return [book.settlements[i].id for i in book.search(query)]


    def _place_ids(self) -> set[str]:
        return {p.id for p in self.detector.places()}

    def _closest_places(self, query: str) -> str:
        ids = self.detector.closest_places(query, 3)
        return ", ".join(esc(self._place_label(pid)) for pid in ids) if ids else "none"

    def _unknown_place(self, query: str) -> list[Reply]:
        return [Reply(f"❓ I don't know a place «{esc(_short(query))}». Closest known: {self._closest_places(query)}.\n"
                      "/places lists them all. Nothing was changed.")]

    async def _find_channel(self, ref: str) -> Channel | None:
        """A stored channel by @username, t.me link, id (any form) or exact display name."""
        try:
            username, channel_id = parse_channel_ref(ref)
        except ValueError:
            username, channel_id = None, None
        channels = await self.store.channels()
        for ch in channels:
            if channel_id is not None and ch.id == channel_id:
                return ch
            if username and ch.username and ch.username.lower() == username.lower():
                return ch
        wanted = ref.strip().casefold()
        return next((ch for ch in channels if ch.name.casefold() == wanted), None)

    async def _closest_channels(self, ref: str, *, followed_only: bool = False) -> str:
        channels = await self.store.channels(followed_only=followed_only)
        keys: dict[str, Channel] = {}
        for ch in channels:
            keys.setdefault(ch.name.casefold(), ch)
            if ch.username:
                keys.setdefault(ch.username.casefold(), ch)
        wanted = ref.strip().lstrip("@").casefold()
        found: list[Channel] = []
        for key in difflib.get_close_matches(wanted, list(keys), n=6, cutoff=0.5):
            if keys[key] not in found:
                found.append(keys[key])
        return ", ".join(channel_html(ch) for ch in found[:3]) if found else "none"

    async def _unknown_channel(self, ref: str, *, followed_only: bool = False) -> list[Reply]:
        closest = await self._closest_channels(ref, followed_only=followed_only)
        return [Reply(f"❓ I don't know a channel «{esc(_short(ref))}». Closest known: {closest}.\n"
                      "/channels lists them. Nothing was changed.")]

    async def _tracked(self) -> tuple[str, ...] | None:
        return await tracked_places(self.store, self.settings)

    async def _mutes(self) -> dict[str, str]:
        return policy.active_mutes(await self.store.get_setting("mutes", {}), self.clock())

    async def _mute_label(self, key: str) -> str:
        kind, _, ident = key.partition(":")
        if kind == "place":
            return self._place_label(ident) if ident in self._place_ids() else ident
        channel = await self.store.channel(int(ident)) if ident.isdigit() else None
        return (f"@{channel.username}" if channel and channel.username else channel.name) if channel else ident

    async def _alert_on(self) -> str:
        stored = await self.store.get_setting("alert_on")
        return stored if stored in claims.ALERT_ON else self.settings.alerts.alert_on
