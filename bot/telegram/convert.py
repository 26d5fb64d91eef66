"""Telethon messages to `Post`s: the border past which nothing knows about Telethon."""

from __future__ import annotations

from datetime import UTC, datetime

from telethon.tl import types

from bot.channels import Channel
from bot.post import ForwardOrigin, Post, channel_link
from bot.telegram.peers import channel_id_of


def is_post(message: object) -> bool:
    """Service messages (pinned, title changed, joined) carry no post to read."""
    return isinstance(message, types.Message) and getattr(message, "action", None) is None


def _aware(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def forward_origin(message: types.Message) -> ForwardOrigin | None:
    """Who the post was forwarded from, by channel id when Telegram tells us, by name otherwise.

    The origin's title is known only when Telegram sent its entity along with the update;
    the id and message id are what merging a forward into its alert relies on.
    """
    fwd = message.fwd_from
    if fwd is None:
        return None
    channel_id = channel_id_of(fwd.from_id)
    name = None
    if channel_id is not None:
        forward = getattr(message, "forward", None)
        name = getattr(getattr(forward, "chat", None), "title", None) if forward is not None else None
    name = name or fwd.from_name or fwd.post_author
    if name is None:
        name = f"channel {channel_id}" if channel_id is not None else "hidden sender"
    return ForwardOrigin(name=name, channel_id=channel_id,
                         message_id=fwd.channel_post if channel_id is not None else None)


def to_post(message: types.Message, channel: Channel, *, late: bool = False) -> Post:
    """`channel` is the followed channel as the team named it, so alerts use that name."""
    if channel.id is None:
        raise ValueError(f"channel {channel.label} has no id; resolve it before reading")
    return Post(
        channel_id=channel.id,
        message_id=message.id,
        date=_aware(message.date) or datetime.now(UTC),
        text=message.message or "",
        channel_username=channel.username,
        channel_title=channel.name,
        edit_date=_aware(message.edit_date),
        forward=forward_origin(message),
        late=late,
    )


def post_link(channel: Channel | None, channel_id: int, message_id: int) -> str:
    """The link to name in a log line when a message could not even become a Post."""
    return channel_link(channel.username if channel else None, channel_id, message_id)
