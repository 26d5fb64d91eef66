"""/channels, /follow, /unfollow: which channels are read."""

from __future__ import annotations

from bot.channels import KINDS, SIDES, Channel, parse_channel_ref
from bot.commands.context import Context
from bot.commands.specs import Reply, _short, _Usage, channel_html, side_label
from bot.post import bare_channel_id
from bot.render import esc


class ChannelCommands(Context):
    """Following changes the readers' channel list at once (`directory.refresh`)."""

    async def _cmd_channels(self, args: list[str], raw: str) -> list[Reply]:
        channels = await self.store.channels()
        followed = {ch.id for ch in await self.store.channels(followed_only=True)}
        lines = [f"📣 <b>Followed channels</b> ({len(followed)})"]
        for side in SIDES:
            group = [ch for ch in channels if ch.id in followed and ch.side == side]
            if group:
                lines += ["", f"<b>{esc(side_label(side))}</b> ({len(group)})"]
                lines += [f"• {channel_html(ch)} · {esc(ch.kind)}" for ch in group]
        if not followed:
            lines.append("none yet — /follow @channel")
        others = len(channels) - len(followed)
        if others:
            lines += ["", f"{others} more known but not followed (seen in forwards, or unfollowed)."]
        return self._pages(lines)

    async def _cmd_follow(self, args: list[str], raw: str) -> list[Reply]:
        if not 1 <= len(args) <= 3:
            raise _Usage("Name one channel.")
        ref, options = args[0], [a.lower() for a in args[1:]]
        try:
            parse_channel_ref(ref)
        except ValueError:
            raise _Usage(f"«{_short(ref)}» is not a channel username, link or id.") from None
        side = next((o for o in options if o in SIDES), None)
        kind = next((o for o in options if o in KINDS), None)
        unknown = [o for o in options if o not in SIDES and o not in KINDS]
        if unknown or len(options) != len({o for o in options}) or \
                sum(o in SIDES for o in options) > 1 or sum(o in KINDS for o in options) > 1:
            raise _Usage(f"«{_short(' '.join(unknown or options))}» is not one side and one kind.")
        known = await self._find_channel(ref)
        was_followed = False
        if known is not None:
            was_followed = known.id in {ch.id for ch in await self.store.channels(followed_only=True)}
            base = known
        else:
            base = await self.directory.resolve(ref)
            if base is None or base.id is None:
                closest = await self._closest_channels(ref)
                return [Reply(f"❓ Telegram knows no public channel «{esc(_short(ref))}» (or it is private). "
                              f"Closest I know: {closest}. Nothing was changed.")]
        channel = Channel(username=base.username, id=bare_channel_id(base.id), name=base.name,
                          side=side or base.side, kind=kind or base.kind)
        if was_followed and channel == known:
            return [Reply(f"Already following {channel_html(channel)} ({esc(side_label(channel.side))} "
                          f"{esc(channel.kind)}).")]
        async with self.store.transaction():
            await self.store.upsert_channel(channel, followed=True)
        await self.directory.refresh()
        total = len(await self.store.channels(followed_only=True))
        verb = "Updated" if was_followed else "Now following"
        return [Reply(f"✅ {verb} {channel_html(channel)} — {esc(side_label(channel.side))} {esc(channel.kind)}. "
                      f"{total} channels followed.")]

    async def _cmd_unfollow(self, args: list[str], raw: str) -> list[Reply]:
        if not raw:
            raise _Usage("Name one channel.")
        channel = await self._find_channel(raw)
        if channel is None:
            return await self._unknown_channel(raw, followed_only=True)
        if channel.id not in {ch.id for ch in await self.store.channels(followed_only=True)}:
            return [Reply(f"{channel_html(channel)} is not followed. Nothing was changed.")]
        async with self.store.transaction():
            await self.store.set_followed(channel.id, False)
        await self.directory.refresh()
        total = len(await self.store.channels(followed_only=True))
        return [Reply(f"✅ Stopped following {channel_html(channel)}; its stored posts stay searchable. "
                      f"{total} channels followed.")]
