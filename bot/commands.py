"""Bot commands: how the team asks frontwatch questions and changes what it watches.

Telegram-free on purpose: the bot session hands over (chat, user, text) and sends back
the `Reply`s, so every command is tested without a network. Who may do what is decided
here, once, before any command runs:

- the team chat(s) are answered; allow-listed users (and admins) only in a private chat,
  because an answer in some other group would show the team's data to that group;
- commands that change something need an admin — a configured id, or an admin of the
  team group;
- anyone else gets nothing, not even a refusal, and is logged once.

Replies are HTML built from escaped pieces and split into pages that each fit one
Telegram message. A failing command answers with an apology; it never takes the bot down.
"""

from __future__ import annotations

import asyncio
import difflib
import html
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from urllib.parse import urlencode

from bot import claims, policy
from bot.channels import KINDS, SIDES, Channel, parse_channel_ref
from bot.detect import Detection, Detector
from bot.detect.model import Match
from bot.detect.settlements import load_book
from bot.digest import caption, chart_png, digest_window, paginate, tracked_places
from bot.post import bare_channel_id
from bot.query import Archive, Filters
from bot.report import report_for, report_pages
from bot.render import SEVERITY_LEGEND, SIDE_LABEL, TELEGRAM_LIMIT, esc, link, local_time, utf16_len
from bot.search import describe_query, result_blocks, snippet_html
from bot.settings import Settings
from bot.store import Store, StoredPost
from bot.store.db import iso, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    html: str
    photo: bytes | None = None


@dataclass(frozen=True, slots=True)
class Spec:
    name: str
    args: str
    about: str
    changes: bool = False
    admin_only: bool = False  # reads nothing private to the group, but hands out access (/web)

    @property
    def usage(self) -> str:
        return f"/{self.name} {self.args}".rstrip()


SPECS: tuple[Spec, ...] = (
    Spec("help", "[COMMAND]", "what I can do"),
    Spec("status", "", "uptime, channels, last posts, catch-up lag, outbox"),
    Spec("channels", "", "the channels I follow"),
    Spec("follow", "@channel [side] [kind]", "follow a channel", changes=True),
    Spec("unfollow", "@channel", "stop following a channel", changes=True),
    Spec("places", "[NAME]", "known places and which are tracked; with a name, the settlements of that name"),
    Spec("track", "PLACE", "alert on a place or any settlement (id or any of its names)", changes=True),
    Spec("untrack", "PLACE", "stop alerting on a place", changes=True),
    Spec("search", "QUERY", "search stored posts, any word form"),
    Spec("latest", "[PLACE] [N]", "the latest flagged posts"),
    Spec("digest", "[YYYY-MM-DD]", "the daily digest, now"),
    Spec("mute", "PLACE|@channel DURATION", "silence alerts for a while (30m, 6h, 2d)", changes=True),
    Spec("unmute", "PLACE|@channel", "end a mute", changes=True),
    Spec("explain", "LINK", "why a post was or was not flagged"),
    Spec("alerts", "[events|events_and_tracked|everything]", "what reaches the group", changes=True),
    Spec("web", "", "a link to the web app: timeline, search, map, exports", admin_only=True),
)
SPEC_BY_NAME = {s.name: s for s in SPECS}
COMMAND_LIST: list[tuple[str, str]] = [(s.name, s.about) for s in SPECS]

_DETAILS = {
    "follow": f"Side: {', '.join(SIDES)}. Kind: {', '.join(KINDS)}. Either may be left out.",
    "mute": "DURATION like 30m, 6h, 2d or 1h30m, at most 90 days. Muted posts are still stored and searched.",
    "latest": "N is how many, 1 to 30 (default 5).",
    "digest": "DATE is the morning the digest is sent (default: the latest), 2000-01-01 to 2999-12-31.",
    "explain": "LINK like https://t.me/channel/1234.",
    "search": "Place names in any language and form search the place; other words match every form.",
    "alerts": "events: only claims and denials (forces withdrew from or took a place); events_and_tracked: also "
              "posts naming a tracked place; everything: every flagged post. Without an argument: the current "
              "choice. The rest is still stored, searched and in the digest.",
}

_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+(.*))?", re.S)
_DURATION_PART = re.compile(r"(\d{1,5})([mhd])")
_DURATION = re.compile(r"(?:\d{1,5}[mhd])+")
_POST_LINK = re.compile(
    r"(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/(?:s/)?"
    r"(?:c/(?P<cid>\d+)|(?P<user>[A-Za-z][A-Za-z0-9_]{2,}))/(?:\d+/)?(?P<msg>\d+)/?(?:[?#]\S*)?", re.I)
SEVERITY_WORD = {"both": "🟣 a claim by both sides", "high": "🔴 a claim", "denial": "⚪ a denial",
                 "medium": "🟠 medium", "low": "🟡 a mention"}
MAX_MUTE = timedelta(days=90)
#: What a reply quotes of the user's own words: enough to recognise them, never enough to
#: push the reply past one Telegram message.
ECHO_CHARS = 80
#: Days the digest can be asked for; the window arithmetic needs the days around them.
DAYS = (date(2000, 1, 1), date(2999, 12, 31))
#: Telegram message ids are 32-bit, channel ids 64-bit.
MAX_MESSAGE_ID = 2**31 - 1
MAX_CHANNEL_ID = 2**63 - 1
_NUMBER = re.compile(r"-?[0-9]{1,9}")
MAX_LATEST = 30
DEFAULT_LATEST = 5
SEARCH_RESULTS = 10


class Directory(Protocol):
    async def resolve(self, ref: str) -> Channel | None: ...

    async def refresh(self) -> None: ...


class _Usage(Exception):
    """Wrong or missing arguments: the command answers with its usage and changes nothing."""


@dataclass(frozen=True, slots=True)
class _Target:
    key: str  # the mutes key: "place:<id>" or "channel:<bare id>"
    label: str


def _ago(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def parse_duration(text: str) -> timedelta | None:
    text = text.lower()
    if not _DURATION.fullmatch(text):
        return None
    units = {"m": 60, "h": 3600, "d": 86400}
    seconds = sum(int(n) * units[u] for n, u in _DURATION_PART.findall(text))
    return timedelta(seconds=seconds) if seconds else None


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


def _short(text: str, limit: int = ECHO_CHARS) -> str:
    """The user's words as quoted back: shortened, in plain text (the caller escapes)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def channel_html(channel: Channel) -> str:
    if channel.username:
        return f"{link(f'https://t.me/{channel.username}', channel.name)} @{esc(channel.username)}"
    return f"{esc(channel.name)} ({channel.id})"


def side_label(side: str) -> str:
    return SIDE_LABEL.get(side, side)


class Commands:
    def __init__(self, store: Store, detector: Detector, settings: Settings, *,
                 is_group_admin: Callable[[int, int], Awaitable[bool]], directory: Directory,
                 send_digest: Callable[[date | None], Awaitable[None]] | None = None,
                 started_at: datetime, bot_username: str | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.detector = detector
        self.settings = settings
        self.is_group_admin = is_group_admin
        self.directory = directory
        self.send_digest = send_digest
        self.started_at = started_at
        self.bot_username = bot_username
        self.clock = clock
        self.tz = settings.alerts.timezone
        self._refused: set[tuple[str, int]] = set()
        self._handlers: dict[str, Callable[[list[str], str], Awaitable[list[Reply]]]] = {
            name: getattr(self, f"_cmd_{name}") for name in SPEC_BY_NAME
        }

    # -- entry point ------------------------------------------------------------------

    async def handle(self, chat_id: int, user_id: int, text: str) -> list[Reply]:
        """The replies to one message; [] for anything that is not a command for us or not allowed."""
        parsed = _COMMAND.fullmatch(text.strip())
        if parsed is None:
            return []
        name, addressee, rest = parsed.group(1).lower(), parsed.group(2), parsed.group(3) or ""
        if addressee and self.bot_username and addressee.lower() != self.bot_username.lower().lstrip("@"):
            return []
        if not self._allowed(chat_id, user_id):
            self._log_refusal("access", user_id, f"/{name} from user {user_id} in chat {chat_id}: not allowed; "
                                                 "ignored (further refusals of this user are not logged)")
            return []
        if name == "start":
            name = "help"
        spec = SPEC_BY_NAME.get(name)
        if spec is None:
            return [Reply(f"Unknown command /{esc(name)}. /help lists what I can do.")]
        try:
            if (spec.changes or spec.admin_only) and not await self._is_admin(chat_id, user_id):
                self._log_refusal("admin", user_id, f"/{name} from user {user_id} in chat {chat_id}: not an admin; "
                                                    "refused (further refusals of this user are not logged)")
                return [Reply(f"🔒 Only admins can use /{spec.name}."
                              + (" Nothing was changed." if spec.changes else ""))]
            if not spec.args and rest.strip():
                raise _Usage(f"/{spec.name} takes no arguments.")
            return _fitted(await self._handlers[name](rest.split(), rest.strip()))
        except _Usage as problem:
            return _fitted([Reply(self._usage(spec, str(problem)))])
        except Exception:
            log.exception("command /%s from user %s in chat %s failed", name, user_id, chat_id)
            return [Reply(f"⚠️ Sorry, /{spec.name} failed unexpectedly. The error is logged for the maintainers.")]

    # -- access -----------------------------------------------------------------------

    def _is_team_chat(self, chat_id: int) -> bool:
        """The same group may be configured as `-100…` and seen as `-…`, or the other way round."""
        for team in self.settings.telegram.team_chat_ids:
            if chat_id == team or (chat_id < 0 and team < 0 and bare_channel_id(chat_id) == bare_channel_id(team)):
                return True
        return False

    def _allowed(self, chat_id: int, user_id: int) -> bool:
        if self._is_team_chat(chat_id):
            return True
        access = self.settings.access
        return chat_id == user_id and (user_id in access.allowed_users or user_id in access.admins)

    async def _is_admin(self, chat_id: int, user_id: int) -> bool:
        if user_id in self.settings.access.admins:
            return True
        groups = [chat_id] if self._is_team_chat(chat_id) else list(self.settings.telegram.team_chat_ids)
        for group in groups:
            try:
                if await self.is_group_admin(group, user_id):
                    return True
            except Exception:
                log.warning("could not ask Telegram whether user %s is an admin of %s", user_id, group,
                            exc_info=True)
        return False

    def _log_refusal(self, kind: str, user_id: int, message: str) -> None:
        if (kind, user_id) not in self._refused:
            self._refused.add((kind, user_id))
            log.warning("%s", message)

    # -- helpers ----------------------------------------------------------------------

    def _usage(self, spec: Spec, problem: str = "") -> str:
        lines = [f"⚠️ {esc(problem)}"] if problem else []
        lines.append(f"Usage: <code>{esc(spec.usage)}</code> — {esc(spec.about)}.")
        if spec.name in _DETAILS:
            lines.append(esc(_DETAILS[spec.name]))
        if spec.changes:
            lines.append("Nothing was changed.")
        return "\n".join(lines)

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

    # -- read-only commands -----------------------------------------------------------

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

    async def _cmd_web(self, args: list[str], raw: str) -> list[Reply]:
        base = self.settings.web_url
        if not base:
            return [Reply("🌐 The web app's address is not configured: set FRONTWATCH_WEB_URL (and "
                          "FRONTWATCH_WEB_LISTEN to serve it beside the bot), then restart.")]
        token = self.settings.web_token
        url = f"{base}/?{urlencode({'token': token})}" if token else f"{base}/"
        return [Reply(f"🌐 {link(url, 'Open the frontwatch web app')} — read-only: timeline, search, map, "
                      "exports." + (" The link carries the access token: keep it in the team." if token else ""))]

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

    async def _cmd_explain(self, args: list[str], raw: str) -> list[Reply]:
        if len(args) != 1:
            raise _Usage("Give the post's link.")
        found = _POST_LINK.fullmatch(args[0])
        if found is None:
            raise _Usage(f"«{_short(args[0])}» is not a link to a Telegram post.")
        message_id = int(found.group("msg")) if len(found.group("msg")) <= 10 else 0
        if not 0 < message_id <= MAX_MESSAGE_ID or (found.group("cid") and (
                len(found.group("cid")) > 19 or not 0 < int(found.group("cid")) <= MAX_CHANNEL_ID)):
            raise _Usage(f"«{_short(args[0])}» does not point at a Telegram post: the numbers are out of range.")
        if found.group("cid"):
            channel = await self.store.channel(bare_channel_id(int(found.group("cid"))))
            ref = found.group("cid")
        else:
            ref = found.group("user")
            channel = await self._find_channel(ref)
        if channel is None:
            return await self._unknown_channel(ref)
        stored = await self.store.post_by_key(channel.id, message_id)
        if stored is None:
            return [Reply(f"I have no post {message_id} of {channel_html(channel)} stored: it came before the "
                          "channel was followed, or it has not been read yet.")]
        return self._pages(await self._explanation(channel, stored))

    async def _explanation(self, channel: Channel, stored: StoredPost) -> list[str]:
        """The stored verdict, what the detector finds in the text now and with which words, and
        what the alert policy did with it — so a missed or surprising alert can be argued about."""
        post = stored.post
        fresh = self.detector.detect(post.text, side=channel.side)
        flagged = bool(stored.places or stored.topics)
        versions = await self.store.versions(stored.post_id)
        head = [f"🔍 <b>Why this post was {'flagged' if flagged else 'not flagged'}</b>",
                f"{channel_html(channel)} ({esc(side_label(channel.side))} {esc(channel.kind)}) · "
                f"{esc(local_time(post.date, self.tz))} · language {esc(stored.language or fresh.language or '?')}"
                + (f" · ✏️ {len(versions) - 1} edit(s)" if len(versions) > 1 else "")
                + (f" · 🗑 deleted {esc(local_time(stored.deleted_at, self.tz))}" if stored.deleted_at else "")]
        stored_what = self._what(stored.places, stored.topics)
        lines = [*head, f"Stored detection: {stored_what or 'nothing'}", "", "<b>What matched, and by which rule</b>"]
        for hit in fresh.places:
            lines += [f"• place {esc(self._place_label(hit.place_id))}: {self._match_list(post.text, hit.matches)}"]
        for hit in fresh.topics:
            lines += [f"• topic {esc(hit.topic_id)}: {self._match_list(post.text, hit.matches)}"]
        if not fresh.places and not fresh.topics:
            lines.append("• no place name and no withdrawal wording in the text")
        fresh_what = self._what(fresh.place_ids, fresh.topic_ids)
        if fresh_what != stored_what:
            lines.append(f"⚠️ The detector now finds {fresh_what or 'nothing'}: it has changed since the post "
                         "was stored.")
        near = self._near_misses(post.text, fresh)
        if near:
            lines.append("Not counted: " + "; ".join(near))
        lines += ["", "<b>Claims it makes</b> (who withdrew from or took which place)"]
        for event in fresh.events:
            said = claims.headline(channel.side, channel.kind, event.action, self._event_place(event.place),
                                   event.by, event.stance)
            lines.append(f"• {'⚪' if event.stance == 'denied' else '🔴'} {esc(said)}: "
                         f"{self._match_list(post.text, event.matches)}")
        if not fresh.events:
            lines.append("• none: no report that forces left or took a place (plans, questions, opinion and "
                         "background are not claims)")
        lines += await self._claim_verdicts(stored)
        lines += ["", await self._alert_verdict(channel, stored),
                  "", snippet_html(post.text, tuple(sorted(stored.matches)), 600),
                  link(post.link, "Open post")]
        return lines

    def _event_place(self, place_id: str | None) -> str | None:
        return self.detector.place(place_id).en if place_id in self._place_ids() else place_id

    async def _claim_verdicts(self, stored: StoredPost) -> list[str]:
        """Where each claim the post speaks to stands: its tier, independent channels, denials."""
        out = []
        for claim in await self.store.claims_of_post(stored.post_id):
            voices = await self.store.claim_voices(claim.id)
            standing = claims.standing(claims.Voice(v.stance, v.source, v.source_side) for v in voices)
            mine = next((v for v in voices if v.post.post_id == stored.post_id), None)
            by = next((v.by_side for v in voices if v.stance == "asserted"), None)
            text = claims.claim_text(claim.action, self._event_place(claim.place_id), by)
            counted = ""
            if mine is not None and mine.source != f"channel:{stored.post.channel_id}":
                counted = " This post repeats another channel's post (a forward or copy): it counts for that one."
            out.append(f"Claim #{claim.id} «{esc(text)}»: {esc(claims.TIER_LABEL[standing.tier])}, "
                       f"{standing.channels} independent channel(s) assert it, {standing.denials} deny it"
                       + (" — ⚠️ disputed" if standing.disputed else "")
                       + (f"; alert #{claim.alert_id}" if claim.alert_id else "") + "." + esc(counted))
        return out

    def _what(self, places: Sequence[str], topics: Sequence[str]) -> str:
        names = [*(f"topic {t}" for t in topics), *(f"place {self._place_label(p)}" if p in self._place_ids()
                                                   else f"place {p}" for p in places)]
        return esc(", ".join(names))

    @staticmethod
    def _match_list(text: str, matches: Sequence[Match]) -> str:
        parts = []
        for m in matches[:6]:
            parts.append(f"«<b>{esc(text[m.start:m.end])}</b>»" + (f" <i>({esc(m.rule)})</i>" if m.rule else ""))
        more = f" and {len(matches) - 6} more" if len(matches) > 6 else ""
        return ", ".join(parts) + more

    def _near_misses(self, text: str, detection: Detection) -> list[str]:
        """Words that name a place on their own but were not taken as one here (raisins, a river, a surname)."""
        covered = [(m.start, m.end) for hit in detection.places for m in hit.matches]
        out: list[str] = []
        for token in re.finditer(r"\w[\w'’ʼ-]*\w", text):
            if any(s < token.end() and token.start() < e for s, e in covered):
                continue
            place_id = self.detector.resolve_place(token.group())
            if place_id is not None:
                out.append(f"«{esc(token.group())}» looks like {esc(self._place_label(place_id))} but is not "
                           "the place in this context")
            if len(out) >= 5:
                break
        return out

    async def _alert_verdict(self, channel: Channel, stored: StoredPost) -> str:
        alert = await self.store.alert_for_post(stored.post_id)
        if alert is not None:
            relation = next((rel for sp, rel in await self.store.alert_posts(alert.id)
                             if sp.post_id == stored.post_id), "origin")
            if relation == "claim":
                return (f"Alert: counted in the claim's alert #{alert.id} ({esc(alert.state)}), which was edited "
                        "instead of sending another message.")
            if relation != "origin":
                return (f"Alert: merged as a {esc(relation)} into alert #{alert.id} "
                        f"({esc(alert.state)}), not sent again.")
            states = {"sent": "sent to the team", "pending": "waiting in the outbox",
                      "held": "found late, sent in a catch-up summary", "folded": "folded into a summary "
                      "(rate limit)", "failed": "refused by Telegram"}
            severity = SEVERITY_WORD.get(alert.severity, esc(alert.severity))
            return (f"Alert #{alert.id}: {severity}, {states.get(alert.state, esc(alert.state))}; "
                    f"about {self._what(alert.places, alert.topics)}.")
        if not stored.places and not stored.topics:
            return "Alert: none — nothing matched."
        reasons = []
        tracked = await self._tracked()
        mutes = await self._mutes()
        untracked = [p for p in stored.places if tracked is not None and p not in tracked]
        if untracked and not stored.topics and len(untracked) == len(stored.places):
            reasons.append("its places are not tracked (" + ", ".join(map(self._place_label, untracked)) + ")")
        muted = [p for p in stored.places if f"place:{p}" in mutes]
        if muted and not stored.topics:
            reasons.append("muted now: " + ", ".join(map(self._place_label, muted)))
        if f"channel:{channel.id}" in mutes:
            reasons.append("the channel is muted now")
        mode = await self._alert_on()
        if not await self.store.post_events(stored.post_id):
            if mode == "events":
                reasons.append("alerts are set to events (/alerts) and the post makes no claim")
            elif mode == "events_and_tracked" and not stored.places:
                reasons.append("alerts are set to events_and_tracked (/alerts) and the post makes no claim and "
                               "names no place")
        reasons = reasons or ["the place or channel was muted or untracked when the post came, or it arrived "
                              "before the alert policy ran"]
        return "Alert: none — " + esc("; ".join(reasons)) + "."

    # -- changing commands ------------------------------------------------------------

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

    async def _alert_on(self) -> str:
        stored = await self.store.get_setting("alert_on")
        return stored if stored in claims.ALERT_ON else self.settings.alerts.alert_on

    async def _cmd_alerts(self, args: list[str], raw: str) -> list[Reply]:
        current = await self._alert_on()
        if not args:
            return [Reply(f"Alerts now: <b>{esc(current)}</b>. Choices: {esc(', '.join(claims.ALERT_ON))}.")]
        choice = args[0].lower()
        if len(args) != 1 or choice not in claims.ALERT_ON:
            raise _Usage(f"Choose one of {', '.join(claims.ALERT_ON)}.")
        if choice == current:
            return [Reply(f"Alerts are {esc(choice)} already. Nothing was changed.")]
        async with self.store.transaction():
            await self.store.set_setting("alert_on", choice)
        return [Reply(f"✅ Alerts now: <b>{esc(choice)}</b> (was {esc(current)}). Everything is still stored, "
                      "searched and counted in the digest.")]

    async def _mutes_line(self) -> str:
        """Plain text, one mute a line, so even a long list pages cleanly."""
        mutes = await self._mutes()
        if not mutes:
            return "Nothing is muted."
        parts = [f"• {await self._mute_label(k)} until {local_time(datetime.fromisoformat(v), self.tz)}"
                 for k, v in sorted(mutes.items())]
        return "\n".join(["Muted now:", *parts])


def _fitted(replies: list[Reply]) -> list[Reply]:
    """Any text reply that grew past one message is split at its line breaks, never inside a tag.

    A single line too long for a message (every echoed argument is shortened, so this means
    a bug) is sent as shortened plain text rather than refused by Telegram."""
    out: list[Reply] = []
    for reply in replies:
        if reply.photo is None and utf16_len(reply.html) > TELEGRAM_LIMIT:
            for page in paginate(reply.html.split("\n")):
                if utf16_len(page) > TELEGRAM_LIMIT:
                    log.error("a reply line of %d characters does not fit one message; sent shortened", len(page))
                    page = esc(_short(html.unescape(re.sub(r"<[^>]*>", "", page)), TELEGRAM_LIMIT // 4))
                out.append(Reply(page))
        else:
            out.append(reply)
    return out

