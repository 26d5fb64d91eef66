"""What every command module shares: the command list, the reply, the usage error, and how
the user's own words and the channels are quoted back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.channels import KINDS, SIDES, Channel
from bot.render import SIDE_LABEL, esc, link


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
#: What a reply quotes of the user's own words: enough to recognise them, never enough to
#: push the reply past one Telegram message.
ECHO_CHARS = 80


class _Usage(Exception):
    """Wrong or missing arguments: the command answers with its usage and changes nothing."""


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


def _short(text: str, limit: int = ECHO_CHARS) -> str:
    """The user's words as quoted back: shortened, in plain text (the caller escapes)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def channel_html(channel: Channel) -> str:
    if channel.username:
        return f"{link(f'https://t.me/{channel.username}', channel.name)} @{esc(channel.username)}"
    return f"{esc(channel.name)} ({channel.id})"


def side_label(side: str) -> str:
    return SIDE_LABEL.get(side, side)
