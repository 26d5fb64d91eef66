"""/places, /track, /untrack: which places and settlements are alerted on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.commands.context import Context
from bot.commands.specs import Reply, _Usage
from bot.detect.settlements import load_book
from bot.render import esc, local_time


class PlaceCommands(Context):
    """A place is a places.toml id or any settlement of the gazetteer, by id or name."""

    async def _cmd_places(self, args: list[str], raw: str) -> list[Reply]:
        if raw.strip():
            return await self._places_named(raw.strip())
        tracked = await self._tracked()
        places = self.detector.places()
        muted = {k.split(":", 1)[1]: v for k, v in (await self._mutes()).items() if k.startswith("place:")}
        tracked_set = set(tracked) if tracked is not None else {p.id for p in places}
        count = "all" if tracked is None else f"{len(tracked_set & {p.id for p in places})} of {len(places)}"
        lines = [f"📍 <b>Places</b> — {len(places)} known, {count} tracked"]
        for p in places:
            mark = "✅" if p.id in tracked_set else "▫️"
            mute = f" 🔇 until {esc(local_time(datetime.fromisoformat(muted[p.id]), self.tz))}" \
                if p.id in muted else ""
            lines.append(f"{mark} <code>{esc(p.id)}</code> — {esc(p.en)} · {esc(p.uk)} · {esc(p.ru)}{mute}")
        lines.append("✅ tracked. Admins change it with /track PLACE and /untrack PLACE.")
        lines.append(f"Every settlement of Ukraine ({len(load_book().settlements):,}) can be tracked too: "
                     "/places NAME finds one by its name in Ukrainian, Russian or English.")
        return self._pages(lines)

    async def _places_named(self, query: str) -> list[Reply]:
        """/places NAME: the settlements of that name, where they are, and whether tracked."""
        book = load_book()
        found = book.search(query)
        if not found:
            place_id = self._resolve_place(query)
            if place_id is None:
                return self._unknown_place(query)
            found = [book.by_id[place_id]] if place_id in book.by_id else []
            if not found:
                return [Reply(f"📍 {esc(self._place_label(place_id))}")]
        tracked = await self._tracked()
        lines = [f"📍 «{esc(query)}»: {len(found)} settlement{'s' if len(found) > 1 else ''}"]
        for i in sorted(found, key=lambda i: book.where(i)[::-1]):
            s = book.settlements[i]
            mark = "✅" if tracked is None or s.id in tracked else "▫️"
            lines.append(f"{mark} <code>{esc(s.id)}</code> — {esc(s.uk)} · {esc(s.ru)} · {esc(s.en)}, "
                         f"{esc(book.where(i))}")
        lines.append("Admins track one with /track and its id.")
        return self._pages(lines)

    def _homonyms(self, query: str, command: str) -> list[Reply] | None:
        """The candidates of a name several settlements share, by oblast and raion, to pick
        one from; None when the name is no settlement's or only one's."""
        book = load_book()
        found = book.search(query)
        if len(found) < 2:
            return None
        lines = [f"📍 «{esc(query)}» is {len(found)} settlements. Pick one: /{command} with its id, or add its "
                 f"raion or oblast (/{command} {esc(query)} Ізюмський). Nothing was changed."]
        for i in sorted(found, key=lambda i: book.where(i)[::-1]):
            s = book.settlements[i]
            lines.append(f"• <code>{esc(s.id)}</code> — {esc(s.uk)}, {esc(book.where(i))}")
        return self._pages(lines)

    async def _place_argument(self, raw: str, command: str) -> tuple[str, str] | list[Reply]:
        """The place a command names, with its label, or the reply for an unknown one."""
        if not raw:
            raise _Usage("Name one place.")
        place_id = self._resolve_place(raw)
        if place_id is None:
            return self._homonyms(raw, command) or self._unknown_place(raw)
        return place_id, esc(self._place_label(place_id))

    async def _cmd_track(self, args: list[str], raw: str) -> list[Reply]:
        found = await self._place_argument(raw, "track")
        if isinstance(found, list):
            return found
        place_id, label = found
        tracked = await self._tracked()
        if tracked is None:
            return [Reply(f"All places are tracked already, {label} among them. Nothing was changed.")]
        if place_id in tracked:
            return [Reply(f"{label} is tracked already. Nothing was changed.")]
        new = [*tracked, place_id]
        async with self.store.transaction():
            await self.store.set_setting("tracked_places", new)
        return [Reply(f"✅ Now tracking {label}. {self._tracked_count(new)}.")]

    async def _cmd_untrack(self, args: list[str], raw: str) -> list[Reply]:
        found = await self._place_argument(raw, "untrack")
        if isinstance(found, list):
            return found
        place_id, label = found
        tracked = await self._tracked()
        current = [p.id for p in self.detector.places()] if tracked is None else list(tracked)
        if place_id not in current:
            return [Reply(f"{label} is not tracked. Nothing was changed.")]
        new = [p for p in current if p != place_id]
        async with self.store.transaction():
            await self.store.set_setting("tracked_places", new)
        return [Reply(f"✅ Stopped tracking {label}: its posts are stored and searchable but not alerted. "
                      f"{self._tracked_count(new)}.")]

    def _tracked_count(self, tracked: Sequence[str]) -> str:
        known = self._place_ids()
        places = sum(1 for p in tracked if p in known)
        others = len(tracked) - places
        more = f" and {others} other settlement{'s' if others > 1 else ''}" if others else ""
        return f"{places} of {len(known)} places{more} tracked"
