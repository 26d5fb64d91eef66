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


def bare_channel_id(channel_id: int) -> int:
    """Channel ids come as `-100123…` (Bot API form) or `123…` (MTProto form); store the bare one."""
    if channel_id < 0:
        text = str(-channel_id)
        if text.startswith("100") and len(text) > 3:
            return int(text[3:])
        return -channel_id
    return channel_id


def marked_channel_id(channel_id: int) -> int:
    """The `-100…` form Telethon needs in `chats=` filters and entity look-ups."""
    return int(f"-100{bare_channel_id(channel_id)}")


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
