"""Channel ids in the one place they are converted.

Telegram names a channel `1234567890` inside MTProto and `-1001234567890` in the Bot
API and in Telethon's "marked" ids. The store keeps the bare form. A bare positive id
handed to Telethon as is reads as a *user* (`get_input_entity(123)`, `chats=123` on older
releases) and then silently matches nothing, so every id that crosses into Telethon goes
through here and comes out as an explicit `PeerChannel`.
"""

from __future__ import annotations

from telethon import utils
from telethon.tl import types

from bot.post import bare_channel_id


def channel_peer(channel_id: int) -> types.PeerChannel:
    """Either form of a channel id to the peer Telethon cannot mistake for a user."""
    return types.PeerChannel(bare_channel_id(channel_id))


def channel_id_of(peer: object) -> int | None:
    """The bare channel id of a peer, entity or marked id; None for users and basic groups.

    Events report `chat_id` marked (`-100…`); a user's id is positive and a basic group's
    is `-123…`, and those must not be taken for channels that happen to share digits.
    """
    if peer is None:
        return None
    if isinstance(peer, int):
        real, kind = utils.resolve_id(peer)
        return real if kind is types.PeerChannel else None
    if isinstance(peer, types.PeerChannel):
        return peer.channel_id
    if isinstance(peer, (types.InputPeerChannel, types.InputChannel)):
        return peer.channel_id
    if isinstance(peer, (types.Channel, types.ChannelForbidden)):
        return peer.id
    return None


def chat_peer(chat_id: int) -> types.TypePeer:
    """A team chat id as configured (Bot API form: `-100…` supergroup, `-…` group, user id)."""
    real, kind = utils.resolve_id(chat_id)
    return kind(real)

