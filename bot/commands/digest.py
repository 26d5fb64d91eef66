"""/digest: the morning report on demand, the same content the schedule sends."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from bot.commands.context import Context
from bot.commands.specs import Reply, _short, _Usage
from bot.digest import caption, chart_png, digest_window
from bot.render import esc, local_time
from bot.report import report_for, report_pages


#: Days the digest can be asked for; the window arithmetic needs the days around them.
DAYS = (date(2000, 1, 1), date(2999, 12, 31))


def parse_day(text: str) -> date | None:
    """A day the digest can be computed for; None for anything else."""
    if len(text) > 10:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return day if DAYS[0] <= day <= DAYS[1] else None
    return None


class DigestCommands(Context):
    """Read-only, for anyone allowed."""

    async def _cmd_digest(self, args: list[str], raw: str) -> list[Reply]:
        if len(args) > 1:
            raise _Usage("Give one date at most.")
        day = None
        if args:
            day = parse_day(args[0])
            if day is None:
                raise _Usage(f"«{_short(args[0])}» is not a date like 2026-11-20.")
        now = self.clock()
        _, end = digest_window(day, self.settings.digest.hour_minute, self.settings.digest.timezone, now)
        if end > now:
            return [Reply(f"🗞 The digest of {esc(str(day))} is not due yet: it covers the 24 hours up to "
                          f"{esc(local_time(end, self.settings.digest.timezone))}.")]
        report = await report_for(self.store, self.detector, self.settings, day, now)
        png = await asyncio.to_thread(chart_png, report.digest)
        return [Reply(caption(report.digest), photo=png), *(Reply(page) for page in report_pages(report))]
