"""/search and /latest: both ask the query layer (`bot.query`), as the web pages and the CLI do."""

from __future__ import annotations

import re

from bot.commands.context import Context
from bot.commands.specs import Reply, _short, _Usage
from bot.query import Archive, Filters
from bot.render import esc
from bot.search import describe_query, result_blocks
from bot.store import StoredPost


_NUMBER = re.compile(r"-?[0-9]{1,9}")
MAX_LATEST = 30
DEFAULT_LATEST = 5
SEARCH_RESULTS = 10


class SearchCommands(Context):
    """Read-only, for anyone allowed."""

    async def _cmd_search(self, args: list[str], raw: str) -> list[Reply]:
        if not raw:
            raise _Usage("What should I search for?")
        page = await self._archive().search(Filters(q=raw), limit=SEARCH_RESULTS)
        if page.query is None:
            raise _Usage(f"Nothing to search for in «{_short(raw)}».")
        what = esc(_short(describe_query(page.query, self.detector), 200))
        if not page.items:
            return [Reply(f"🔎 No stored post matches «{esc(_short(raw))}» ({what}).")]
        newest = f"{len(page.items)} newest" if page.more else f"{len(page.items)} found"
        lines = [f"🔎 <b>{esc(_short(raw))}</b> — {what} · {newest}"]
        for block in result_blocks(page.items, self.tz):
            lines += ["", block]
        if page.more:
            lines += ["", "More posts match; add a word to narrow the search."]
        return self._pages(lines)

    def _archive(self) -> Archive:
        return Archive(self.store, self.detector, self.tz)

    async def _cmd_latest(self, args: list[str], raw: str) -> list[Reply]:
        count = DEFAULT_LATEST
        if args and args[-1].lstrip("-").isdigit():
            if not _NUMBER.fullmatch(args[-1]):
                raise _Usage(f"N must be a number between 1 and {MAX_LATEST}.")
            count = int(args[-1])
            args = args[:-1]
            if not 1 <= count <= MAX_LATEST:
                raise _Usage(f"N must be between 1 and {MAX_LATEST}.")
        place_id = None
        if args:
            query = " ".join(args)
            place_id = self._resolve_place(query)
            if place_id is None:
                return self._unknown_place(query)
        page = await self._archive().latest(count, place_id=place_id, tracked=await self._tracked())
        about = f" on {esc(self._place_label(place_id))}" if place_id else ""
        if not page.items:
            return [Reply(f"📰 No flagged post{about} stored yet.")]
        lines = [f"📰 <b>Latest {len(page.items)} flagged posts</b>{about}, newest first"]
        for block in result_blocks(page.items, self.tz, what=self._what_flagged):
            lines += ["", block]
        return self._pages(lines)

    def _what_flagged(self, sp: StoredPost) -> str:
        return ", ".join([*(t.upper() for t in sp.topics),
                          *(self.detector.place(p).en if p in self._place_ids() else p for p in sp.places)])
