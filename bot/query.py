"""The one way into the archive: filters, timeline, search, place counts and post pages.

The web pages, the exports, the CLI `search` and the bot's /search and /latest all read
through here, so a filter or a merge rule behaves the same wherever an analyst asks.
Forwards and copies of a post are folded into it (the alert groups them, or the forward
header names a stored post): a story told by five channels is one item with four
"also in", and counts once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot import claims
from bot.channels import SIDES, Channel
from bot.detect.model import merge_spans
from bot.post import bare_channel_id
from bot.search import SearchQuery, build_query, match_spans
from bot.store import Store, StoredPost
from bot.store.batch import fts_key
from bot.store.db import iso

if TYPE_CHECKING:
    from bot.detect import Detector

FILTER_NAMES = ("place", "side", "channel", "action", "tier", "since", "until", "q")
MAX_EXPORT = 5000
MAP_DAYS = 7



def canonical(post_id: str, channel_id: str) -> str:
    """The post a forward or copy belongs to: the origin of the alert that merged it; else, for a
    voice of a claim that speaks for another channel (a copy the claim recognised), that
    channel's first voice in the same claim; else the post itself. `post_id` and `channel_id`
    name the post's columns in the caller's query."""
    return (
        "coalesce((SELECT a.post_id FROM alert_posts ap JOIN alerts a ON a.id = ap.alert_id"
        f" WHERE ap.post_id = {post_id} AND ap.relation IN ('forward', 'copy') AND a.post_id IS NOT NULL LIMIT 1),"
        " (SELECT o.post_id FROM claim_posts cp JOIN claim_posts o ON o.claim_id = cp.claim_id AND o.source = cp.source"
        f" JOIN posts op ON op.id = o.post_id WHERE cp.post_id = {post_id} AND cp.source != 'channel:' || {channel_id}"
        f" AND o.source = 'channel:' || op.channel_id ORDER BY op.date, op.id LIMIT 1), {post_id})")


CANONICAL = canonical("p.id", "p.channel_id")
FLAGGED = ("(EXISTS (SELECT 1 FROM post_places pp WHERE pp.post_id = p.id)"
           " OR EXISTS (SELECT 1 FROM post_topics pt WHERE pt.post_id = p.id))")


class FilterError(ValueError):
    """A filter parameter that cannot be read; `param` names it for the 400 answer."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


@dataclass(frozen=True, slots=True)
class Filters:
    place: str | None = None
    side: str | None = None
    channel: int | None = None
    action: str | None = None
    tier: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    q: str = ""

    def params(self, channel_names: Mapping[int, str] | None = None) -> dict[str, str]:
        """The filters as URL parameters, the way `parse_filters` reads them back."""
        out: dict[str, str] = {}
        for name in FILTER_NAMES:
            value = getattr(self, name)
            if value in (None, ""):
                continue
            if name == "channel" and channel_names:
                value = channel_names.get(value, value)
            out[name] = value.isoformat() if isinstance(value, date) else str(value)
        return out

    @property
    def empty(self) -> bool:
        return not any(getattr(self, n) for n in FILTER_NAMES)


@dataclass(frozen=True, slots=True)
class ClaimTag:
    """What a post says about a claim, and where the claim stands."""

    text: str
    stance: str  # "asserted" | "denied"
    tier: str
    disputed: bool

    @property
    def tier_label(self) -> str:
        return claims.TIER_LABEL.get(self.tier, self.tier)


@dataclass(frozen=True, slots=True)
class Item:
    """One story in a list: the first post, its highlights, where else it appeared, its claims."""

    stored: StoredPost
    channel: Channel | None
    spans: tuple[tuple[int, int], ...]
    copies: tuple[tuple[StoredPost, Channel | None], ...] = ()
    claims: tuple[ClaimTag, ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    items: tuple[Item, ...]
    more: bool
    next_offset: int
    query: SearchQuery | None = None


@dataclass(frozen=True, slots=True)
class PlaceCount:
    place_id: str
    name: str
    posts: int
    sides: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Version:
    number: int
    text: str
    edit_date: datetime | None


@dataclass(frozen=True, slots=True)
class PostView:
    item: Item
    versions: tuple[Version, ...]
    forwarded_from: StoredPost | None
    alerted: bool


def channel_key(channel: Channel) -> str:
    """How a channel is written in a URL: its username, else its bare id."""
    return channel.username or str(bare_channel_id(channel.id))


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise FilterError(name, f"«{text}» is not a date like 2026-11-20") from None


def find_channel(ref: str, channels: Sequence[Channel]) -> Channel | None:
    ref = ref.strip().lstrip("@")
    for ch in channels:
        if ch.username and ch.username.lower() == ref.lower():
            return ch
    if ref.lstrip("-").isdigit():
        bare = bare_channel_id(int(ref))
        for ch in channels:
            if ch.id is not None and bare_channel_id(ch.id) == bare:
                return ch
    return None


def parse_filters(params: Mapping[str, str], detector: Detector, channels: Sequence[Channel], *,
                  tiers: Sequence[str] = (), actions: Sequence[str] = ()) -> Filters:
    """Read filter parameters strictly: an unknown value is an error naming its parameter."""
    values = {k: (params.get(k) or "").strip() for k in FILTER_NAMES}
    place = None
    if values["place"]:
        place = detector.resolve_place(values["place"])
        if place is None:
            raise FilterError("place", f"no known place «{values['place']}»")
    side = values["side"].lower() or None
    if side is not None and side not in SIDES:
        raise FilterError("side", f"expected one of {', '.join(SIDES)}, got «{values['side']}»")
    channel = None
    if values["channel"]:
        found = find_channel(values["channel"], channels)
        if found is None:
            raise FilterError("channel", f"no stored channel «{values['channel']}»")
        channel = found.id
    known_actions = (*detector.topics(), *actions)
    action = values["action"].lower() or None
    if action is not None and action not in known_actions:
        raise FilterError("action", f"expected one of {', '.join(known_actions)}, got «{values['action']}»")
    tier = values["tier"].lower() or None
    if tier is not None and tier not in tiers:
        known = ", ".join(tiers) if tiers else "none (this store holds no claims)"
        raise FilterError("tier", f"expected one of {known}, got «{values['tier']}»")
    since = _day(values["since"], "since") if values["since"] else None
    until = _day(values["until"], "until") if values["until"] else None
    if since and until and until < since:
        raise FilterError("until", f"{until} is before since {since}")
    if len(values["q"]) > 500:
        raise FilterError("q", "longer than 500 characters")
    return Filters(place=place, side=side, channel=channel, action=action, tier=tier, since=since,
                   until=until, q=values["q"])


class Archive:
    """Queries over one store, in the team's time zone (date filters are its calendar days)."""

    def __init__(self, store: Store, detector: Detector, tz: str) -> None:
        self.store = store
        self.detector = detector
        self.tz = tz
        self._channels: dict[int, Channel] | None = None
        self._names = {p.id: p.en for p in detector.places()}

    def place_name(self, place_id: str) -> str:
        """English name; a settlement beyond places.toml by the gazetteer's."""
        name = self._names.get(place_id)
        if name is None:
            try:
                name = self._names[place_id] = self.detector.place(place_id).en
            except KeyError:
                name = place_id
        return name

    async def channels(self) -> dict[int, Channel]:
        if self._channels is None:
            self._channels = {ch.id: ch for ch in await self.store.channels()}
        return self._channels

    def forget_channels(self) -> None:
        self._channels = None

    async def parse(self, params: Mapping[str, str]) -> Filters:
        return parse_filters(params, self.detector, list((await self.channels()).values()),
                             tiers=await self.tiers(), actions=await self.claim_actions())

    async def tiers(self) -> tuple[str, ...]:
        return claims.TIERS

    async def claim_actions(self) -> tuple[str, ...]:
        """Actions posts' events name (`capture`…) besides the detector's topics."""
        rows = await self.store.execute("SELECT DISTINCT action FROM post_events ORDER BY action")
        return tuple(r[0] for r in rows if r[0] not in self.detector.topics())

    # -- the WHERE clause every list shares ------------------------------------------

    def _bounds(self, filters: Filters) -> tuple[str | None, str | None]:
        zone = ZoneInfo(self.tz)
        start = iso(datetime.combine(filters.since, time(), zone)) if filters.since else None
        end = iso(datetime.combine(filters.until + timedelta(days=1), time(), zone)) if filters.until else None
        return start, end

    def where(self, filters: Filters, built: SearchQuery | None = None, *,
              flagged: bool = False, indexed: bool = False) -> tuple[str, list[Any]]:
        """`indexed`: the search index already holds the match and the place (see `_page`)."""
        clauses: list[str] = []
        params: list[Any] = []
        start, end = self._bounds(filters)
        if start:
            clauses.append("p.date >= ?")
            params.append(start)
        if end:
            clauses.append("p.date < ?")
            params.append(end)
        if filters.place and not indexed:
            clauses.append("p.id IN (SELECT post_id FROM post_places WHERE place_id = ?)")
            params.append(filters.place)
        if filters.side:
            # `+` keeps SQLite walking posts newest first instead of sorting a whole side's posts
            clauses.append("+p.channel_id IN (SELECT id FROM channels WHERE side = ?)")
            params.append(filters.side)
        if filters.channel is not None:
            clauses.append("p.channel_id = ?")
            params.append(filters.channel)
        if filters.action:
            # a topic the detector tagged, or an event a post states (asserted or denied)
            clauses.append("(EXISTS (SELECT 1 FROM post_topics t WHERE t.post_id = p.id AND t.topic_id = ?)"
                           " OR EXISTS (SELECT 1 FROM post_events e WHERE e.post_id = p.id AND e.action = ?))")
            params += [filters.action, filters.action]
        if filters.tier:
            action = " AND c.action = ?" if filters.action else ""
            clauses.append("p.id IN (SELECT cp.post_id FROM claim_posts cp JOIN claims c ON c.id = cp.claim_id"
                           f" WHERE c.tier = ?{action})")
            params += [filters.tier, *([filters.action] if filters.action else [])]
        if built is not None:
            if (built.places or built.words) and not indexed:
                found, found_params = self.store.match_clause(built.places, built.words)
                clauses.append(f"p.id IN ({found})")
                params += found_params
            for topic in built.topics:
                clauses.append("EXISTS (SELECT 1 FROM post_topics t WHERE t.post_id = p.id AND t.topic_id = ?)")
                params.append(topic)
        if flagged:
            clauses.append(FLAGGED)
        return (" AND ".join(clauses) or "1 = 1"), params

    # -- lists ------------------------------------------------------------------------

    async def timeline(self, filters: Filters, *, limit: int = 50, offset: int = 0) -> Page:
        """Flagged posts newest first; with `q` it is the search."""
        if filters.q:
            return await self.search(filters, limit=limit, offset=offset)
        return await self._page(filters, None, limit, offset, flagged=True)

    async def search(self, filters: Filters, *, limit: int = 20, offset: int = 0) -> Page:
        built = build_query(filters.q, self.detector)
        if built is None:
            return Page((), False, offset, None)
        return await self._page(filters, built, limit, offset)

    async def latest(self, limit: int, *, place_id: str | None = None,
                     tracked: Sequence[str] | None = None) -> Page:
        """The bot's /latest: a place asked for, or any tracked place, or any topic."""
        if place_id is not None or tracked is None:
            return await self.timeline(Filters(place=place_id), limit=limit)
        marks = ",".join("?" * len(tracked))
        where = (f"(EXISTS (SELECT 1 FROM post_places pp WHERE pp.post_id = p.id AND pp.place_id IN ({marks}))"
                 " OR EXISTS (SELECT 1 FROM post_topics pt WHERE pt.post_id = p.id))")
        return await self._page(None, None, limit, 0, where=(where, list(tracked)))

    async def _indexed_match(self, filters: Filters, built: SearchQuery | None) -> str | None:
        """The search index's MATCH for the words and the place asked for, when there are any.

        SQLite only: its index is in date order. PostgreSQL's GIN index answers the same
        words and places through `Store.match_clause` in the WHERE clause instead."""
        if self.store.backend != "sqlite":
            return None
        places = [*(built.places if built is not None else ()), *([filters.place] if filters.place else [])]
        words = built.words if built is not None else ()
        if not places and not words:
            return None
        return await self.store.match_expression(places, words)

    async def _page(self, filters: Filters | None, built: SearchQuery | None, limit: int, offset: int, *,
                    flagged: bool = False, where: tuple[str, list[Any]] | None = None) -> Page:
        """Read a few times more rows than asked, so merged copies do not leave a page short.

        With words or a place, the search index leads: its rowid is in (date, id) order
        (migration 5), so walking it backwards gives the newest first and stops at the end
        of the page even for a word in every third post; the other filters are checked on
        the posts it yields, and a date range bounds the rowid itself."""
        window = limit * 4 + 1
        match = await self._indexed_match(filters, built) if filters is not None else None
        if match is None:
            clause, params = where if where is not None else self.where(filters, built, flagged=flagged)
            rows = await self.store.execute(
                f"SELECT p.id, {CANONICAL} FROM posts p WHERE {clause}"
                " ORDER BY p.date DESC, p.id DESC LIMIT ? OFFSET ?", (*params, window, offset))
        else:
            clause, params = self.where(filters, built, flagged=flagged, indexed=True)
            bounds, keys = "", []
            zone = ZoneInfo(self.tz)
            if filters.since:
                bounds += " AND f.rowid >= ?"
                keys.append(fts_key(0, datetime.combine(filters.since, time(), zone)))
            if filters.until:
                bounds += " AND f.rowid < ?"
                keys.append(fts_key(0, datetime.combine(filters.until + timedelta(days=1), time(), zone)))
            rows = await self.store.execute(
                f"SELECT p.id, {CANONICAL} FROM posts_fts f JOIN posts p ON p.id = (f.rowid & 4294967295)"
                f" WHERE posts_fts MATCH ?{bounds} AND {clause} ORDER BY f.rowid DESC LIMIT ? OFFSET ?",
                (match, *keys, *params, window, offset))
        order: list[int] = []
        consumed = 0
        for pid, canonical in rows:
            if canonical not in order:
                if len(order) == limit:
                    break
                order.append(canonical)
            consumed += 1
        more = consumed < len(rows) or len(rows) == window
        # a story sits where its first post does, even when a later forward brought it in
        items = sorted(await self.items(order, built), key=lambda i: (i.stored.post.date, i.stored.post_id),
                       reverse=True)
        return Page(tuple(items), more, offset + consumed, built)

    async def items(self, post_ids: Sequence[int], built: SearchQuery | None = None) -> list[Item]:
        """Items for canonical post ids, with every forward and copy merged into each."""
        if not post_ids:
            return []
        channels = await self.channels()
        marks = ",".join("?" * len(post_ids))
        members = await self.store.execute(
            f"SELECT p.id, {CANONICAL} FROM posts p WHERE p.id IN ("
            f"SELECT ap.post_id FROM alerts a JOIN alert_posts ap ON ap.alert_id = a.id WHERE a.post_id IN ({marks})"
            f" UNION SELECT o.post_id FROM claim_posts cp JOIN claim_posts o ON o.claim_id = cp.claim_id"
            f" WHERE cp.post_id IN ({marks})) ORDER BY p.date, p.id", (*post_ids, *post_ids))
        wanted = set(post_ids)
        copies: dict[int, list[int]] = {}
        for member, origin in members:
            if origin in wanted and member != origin and member not in copies.setdefault(origin, []):
                copies[origin].append(member)
        extra = [m for ms in copies.values() for m in ms]
        found = {sp.post_id: sp for sp in await self.store.posts_by_ids([*post_ids, *extra])}
        tags: dict[int, list[ClaimTag]] = {}
        for pid, action, place, tier, disputed, stance, by in await self.store.execute(
                "SELECT cp.post_id, c.action, c.place_id, c.tier, c.disputed, cp.stance, cp.by_side"
                f" FROM claim_posts cp JOIN claims c ON c.id = cp.claim_id WHERE cp.post_id IN ({marks})"
                " ORDER BY c.id", tuple(post_ids)):
            name = self.place_name(place)
            text = (claims.claim_text(action, name, by) if stance == "asserted"
                    else "denies " + claims.denial_text(action, name, by, None))
            tags.setdefault(pid, []).append(ClaimTag(text, stance, tier, bool(disputed)))
        out = []
        for pid in post_ids:
            sp = found.get(pid)
            if sp is None:
                continue
            spans = (match_spans(sp.post.text, built, self.detector) if built is not None
                     else tuple(merge_spans((int(s), int(e)) for s, e in sp.matches)))
            out.append(Item(sp, channels.get(sp.post.channel_id), spans,
                            tuple((found[m], channels.get(found[m].post.channel_id))
                                  for m in copies.get(pid, ()) if m in found),
                            tuple(tags.get(pid, ()))))
        return out

    async def export(self, filters: Filters, limit: int = MAX_EXPORT) -> Page:
        return await self.timeline(filters, limit=limit)

    # -- places -----------------------------------------------------------------------

    async def map_window(self, filters: Filters, days: int = MAP_DAYS) -> Filters:
        """The map's window: the dates asked for, else the last `days` days that have posts.

        Counting every place over a whole archive answers a question nobody asked and takes
        seconds on a million posts; the window is shown and can be widened.
        """
        if filters.since or filters.until:
            return filters
        newest = (await self.store.execute("SELECT max(date) FROM posts"))[0][0]
        if newest is None:
            return filters
        last = datetime.fromisoformat(newest).astimezone(ZoneInfo(self.tz)).date()
        return replace(filters, since=last - timedelta(days=days - 1), until=last)

    async def place_counts(self, filters: Filters) -> list[PlaceCount]:
        """Posts per place under the filters, each story once, split by the writing side."""
        built = build_query(filters.q, self.detector) if filters.q else None
        where, params = self.where(filters, built)
        per_side = ", ".join(f"count(DISTINCT CASE WHEN coalesce(c.side, 'other') = '{side}' THEN canon END)"
                             for side in SIDES)
        rows = await self.store.execute(
            f"SELECT place_id, count(DISTINCT canon), {per_side} FROM (SELECT pp.place_id, {CANONICAL} AS canon,"
            f" p.channel_id FROM posts p JOIN post_places pp ON pp.post_id = p.id WHERE {where}) AS placed"
            " LEFT JOIN channels c ON c.id = placed.channel_id GROUP BY place_id", params)
        counts = [PlaceCount(r[0], self.place_name(r[0]), r[1], {side: n for side, n in zip(SIDES, r[2:]) if n})
                  for r in rows if not filters.place or r[0] == filters.place]
        return sorted(counts, key=lambda pc: (-pc.posts, pc.name))

    # -- one post ---------------------------------------------------------------------

    async def post(self, channel_ref: str, message_id: int) -> PostView | None:
        channel = find_channel(channel_ref, list((await self.channels()).values()))
        if channel is None:
            return None
        stored = await self.store.post_by_key(channel.id, message_id)
        if stored is None:
            return None
        items = await self.items([stored.post_id])
        alerted = bool(await self.store.execute(
            "SELECT 1 FROM alert_posts WHERE post_id = ? AND relation IN ('origin', 'forward', 'copy') LIMIT 1",
            (stored.post_id,)))
        item = items[0]
        origin = (await self.store.execute(f"SELECT {CANONICAL} FROM posts p WHERE p.id = ?", (stored.post_id,)))[0][0]
        if origin != stored.post_id:
            # a copy: show the whole group, as seen from the first post
            group = await self.items([origin])
            if group:
                others = [(group[0].stored, group[0].channel),
                          *((sp, ch) for sp, ch in group[0].copies if sp.post_id != stored.post_id)]
                item = replace(item, copies=tuple(others))
        forwarded_from = None
        fwd = stored.post.forward
        if fwd is not None and fwd.channel_id is not None and fwd.message_id is not None:
            forwarded_from = await self.store.post_by_key(fwd.channel_id, fwd.message_id)
        versions = tuple(Version(n, text, when) for n, text, when in await self.store.versions(stored.post_id))
        return PostView(item, versions, forwarded_from, alerted)
