"""The one record every entry point produces and everything downstream reads.

Live updates, export replay and the demo all turn their input into `Post`s, so the
pipeline from here on never sees a Telethon object or an export dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


def channel_link(username: str | None, channel_id: int, message_id: int) -> str:
    """Public t.me link when the channel has a username, the private `/c/` form otherwise."""
    if username:
        return f"https://t.me/{username}/{message_id}"
    return f"https://t.me/c/{bare_channel_id(channel_id)}/{message_id}"


#: Telegram marks a channel id by negating it after adding this (Telethon's `get_peer_id`),
#: which is arithmetic, not the digits "-100" in front: a short id marks as -1000000000005.
CHANNEL_MARK = 10**12


def bare_channel_id(channel_id: int) -> int:
    """Channel ids come marked (`-100…`, Bot API and Telethon) or bare (MTProto); store the bare one.

    A negative id above the mark is the short group form some chats report (`-123…`) for the
    same digits, taken as that channel.
    """
    if channel_id < -CHANNEL_MARK:
        return -channel_id - CHANNEL_MARK
    return -channel_id if channel_id < 0 else channel_id


def marked_channel_id(channel_id: int) -> int:
    """The marked form of a channel id in either form, as Telethon and the Bot API write it."""
    return -(CHANNEL_MARK + bare_channel_id(channel_id))


@dataclass(frozen=True, slots=True)
class ForwardOrigin:
    """Where a forwarded post came from: a channel we may or may not follow."""

    name: str
    channel_id: int | None = None
    message_id: int | None = None


@dataclass(frozen=True, slots=True)
class Post:
    channel_id: int
    message_id: int
    date: datetime
    text: str
    channel_username: str | None = None
    channel_title: str | None = None
    edit_date: datetime | None = None
    forward: ForwardOrigin | None = None
    late: bool = False
    link: str = field(default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "channel_id", bare_channel_id(self.channel_id))
        if self.date.tzinfo is None:
            raise ValueError("Post.date must be timezone-aware")
        if not self.link:
            object.__setattr__(
                self, "link", channel_link(self.channel_username, self.channel_id, self.message_id)
            )

    @property
    def key(self) -> tuple[int, int]:
        return (self.channel_id, self.message_id)
