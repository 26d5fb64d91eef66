"""/mute and /unmute: silence a place or a channel for a while; posts are still stored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import policy
from bot.commands.context import Context
from bot.commands.specs import Reply, _ago, _short, _Usage
from bot.render import esc, local_time
from bot.store.db import iso


_DURATION_PART = re.compile(r"(\d{1,5})([mhd])")
_DURATION = re.compile(r"(?:\d{1,5}[mhd])+")
MAX_MUTE = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class _Target:
    key: str  # the mutes key: "place:<id>" or "channel:<bare id>"
    label: str


def parse_duration(text: str) -> timedelta | None:
    text = text.lower()
    if not _DURATION.fullmatch(text):
        return None
    units = {"m": 60, "h": 3600, "d": 86400}
    seconds = sum(int(n) * units[u] for n, u in _DURATION_PART.findall(text))
    return timedelta(seconds=seconds) if seconds else None


class MuteCommands(Context):
    """Mutes are one setting, `mutes`: key → until (ISO, UTC); expired ones drop out on write."""

    async def _target(self, text: str) -> _Target | list[Reply]:
        """A place or a channel to mute; `@name`, links and ids are channels, anything else a place first."""
        text = text.strip()
        channel_like = text.startswith("@") or "t.me/" in text or text.lstrip("-").isdigit()
        if not channel_like:
            place_id = self._resolve_place(text)
            if place_id is not None:
                return _Target(f"place:{place_id}", self._place_label(place_id))
        channel = await self._find_channel(text)
        if channel is not None:
            return _Target(f"channel:{channel.id}", f"@{channel.username}" if channel.username else channel.name)
        if channel_like:
            return await self._unknown_channel(text)
        closest = await self._closest_channels(text)
        return [Reply(f"❓ «{esc(_short(text))}» is neither a place nor a channel I know. Closest places: "
                      f"{self._closest_places(text)}. Closest channels: {closest}. Nothing was changed.")]

    async def _cmd_mute(self, args: list[str], raw: str) -> list[Reply]:
        if len(args) < 2:
            raise _Usage(await self._mutes_line())
        duration = parse_duration(args[-1])
        if duration is None:
            raise _Usage(f"«{_short(args[-1])}» is not a duration like 30m, 6h or 2d.")
        if duration > MAX_MUTE:
            raise _Usage("A mute lasts 90 days at most.")
        target = await self._target(" ".join(args[:-1]))
        if isinstance(target, list):
            return target
        now = self.clock()
        until = now + duration
        async with self.store.transaction():
            mutes = policy.active_mutes(await self.store.get_setting("mutes", {}), now)
            mutes[target.key] = iso(until)
            await self.store.set_setting("mutes", mutes)
        return [Reply(f"🔇 {esc(target.label)} muted for {_ago(duration)}, until "
                      f"{esc(local_time(until, self.tz))}. Its posts are still stored, searched and counted in "
                      "the digest. /unmute ends it early.")]

    async def _cmd_unmute(self, args: list[str], raw: str) -> list[Reply]:
        if not raw:
            raise _Usage(await self._mutes_line())
        target = await self._target(raw)
        if isinstance(target, list):
            return target
        async with self.store.transaction():
            mutes = policy.active_mutes(await self.store.get_setting("mutes", {}), self.clock())
            if target.key not in mutes:
                return [Reply(f"{esc(target.label)} is not muted.\n{esc(await self._mutes_line())}")]
            del mutes[target.key]
            await self.store.set_setting("mutes", mutes)
        return [Reply(f"🔔 {esc(target.label)} unmuted: alerts resume now.")]

    async def _mutes_line(self) -> str:
        """Plain text, one mute a line, so even a long list pages cleanly."""
        mutes = await self._mutes()
        if not mutes:
            return "Nothing is muted."
        parts = [f"• {await self._mute_label(k)} until {local_time(datetime.fromisoformat(v), self.tz)}"
                 for k, v in sorted(mutes.items())]
        return "\n".join(["Muted now:", *parts])
