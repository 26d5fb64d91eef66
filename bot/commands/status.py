"""/help and /status: what the bot can do and whether it is keeping up."""

from __future__ import annotations

from datetime import datetime

from bot.channels import SIDES
from bot.commands.context import Context
from bot.commands.specs import SPEC_BY_NAME, SPECS, Reply, _ago, _short, _Usage, side_label
from bot.render import SEVERITY_LEGEND, esc, link, local_time


class StatusCommands(Context):
    """Read-only, for anyone allowed."""

    async def _cmd_help(self, args: list[str], raw: str) -> list[Reply]:
        if args:
            spec = SPEC_BY_NAME.get(args[0].lstrip("/").lower())
            if spec is None:
                raise _Usage(f"no command {_short(args[0])}")
            return [Reply(self._usage(spec).replace("\nNothing was changed.", ""))]
        lines = ["🤖 <b>frontwatch</b> — I watch the followed channels for tracked places and withdrawals.", ""]
        for spec in SPECS:
            lock = " 🔒" if spec.changes else ""
            lines.append(f"<code>{esc(spec.usage)}</code> — {esc(spec.about)}{lock}")
        lines += ["", "🔒 admins only. <code>/help COMMAND</code> explains one command.", "",
                  "<b>Marks on alerts</b>"]
        lines += [f"{mark} {esc(meaning)}" for mark, meaning in SEVERITY_LEGEND]
        return self._pages(lines)

    async def _cmd_status(self, args: list[str], raw: str) -> list[Reply]:
        now = self.clock()
        activity = await self.store.channel_activity()
        by_side = {side: sum(1 for a in activity if a.channel.side == side) for side in SIDES}
        counts = await self.store.alert_counts()
        delays = await self.store.recent_store_delays()
        lines = ["📊 <b>Status</b>",
                 f"Up {_ago(now - self.started_at)} (since {esc(local_time(self.started_at, self.tz))})",
                 f"Channels followed: {len(activity)} ("
                 + ", ".join(f"{esc(side_label(s))} {n}" for s, n in by_side.items()) + ")",
                 f"Posts stored: {await self.store.count_posts()}"]
        if delays:
            latest_pub, latest_stored = delays[-1]
            worst = max(stored - published for published, stored in delays)
            lines.append(f"Catch-up lag: the newest stored post came in {_ago(latest_stored - latest_pub)} after "
                         f"it was published; worst of the last {len(delays)}: {_ago(worst)}; last stored "
                         f"{_ago(now - latest_stored)} ago")
        else:
            lines.append("Catch-up lag: no post stored yet")
        lines.append(f"Outbox: {counts.get('pending', 0)} pending, {counts.get('failed', 0)} failed, "
                     f"{counts.get('sent', 0)} sent, {counts.get('held', 0) + counts.get('folded', 0)} "
                     "summarised")
        mutes = await self._mutes()
        if mutes:
            lines.append("Muted: " + ", ".join([
                f"{esc(await self._mute_label(k))} until {esc(local_time(datetime.fromisoformat(v), self.tz))}"
                for k, v in sorted(mutes.items())]))
        lines += ["", "<b>Last post per channel</b>"]
        ordered = sorted(activity, key=lambda a: (a.last_date is None, -(a.last_date.timestamp())
                                                  if a.last_date else 0))
        for a in ordered:
            name = esc(a.channel.name)
            if a.last_date is None:
                lines.append(f"• {name} ({esc(side_label(a.channel.side))}): no post yet")
                continue
            lag = _ago(a.last_stored - a.last_date) if a.last_stored else "?"
            lines.append(f"• {link(a.last_link, a.channel.name) if a.last_link else name} "
                         f"({esc(side_label(a.channel.side))}): {esc(local_time(a.last_date, self.tz))}, "
                         f"{_ago(now - a.last_date)} ago, stored after {lag}")
        if not activity:
            lines.append("• no channel followed — /follow @channel")
        return self._pages(lines)
