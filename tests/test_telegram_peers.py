"""Channel ids cross into Telethon in one place, and come out as channels, never as users."""

from __future__ import annotations

import pytest
from telethon import utils
from telethon.tl import types

from bot.post import bare_channel_id, marked_channel_id
from bot.telegram.peers import channel_id_of, channel_peer, chat_peer

BARE = 1234567890
MARKED = -1001234567890


def test_a_channel_id_in_either_form_becomes_the_same_channel_peer():
    assert channel_peer(BARE) == types.PeerChannel(BARE)
    assert channel_peer(MARKED) == types.PeerChannel(BARE)


def test_a_bare_positive_id_left_to_telethon_would_be_read_as_a_user():
    # The trap the peers module exists for.
    assert isinstance(utils.get_peer(BARE), types.PeerUser)
    assert isinstance(utils.get_peer(channel_peer(BARE)), types.PeerChannel)


def test_marked_ids_of_channels_give_their_bare_id_and_users_or_groups_give_none():
    assert channel_id_of(MARKED) == BARE
    assert channel_id_of(BARE) is None  # a user with the same digits
    assert channel_id_of(-BARE) is None  # a basic group
    assert channel_id_of(None) is None


def test_peers_and_entities_of_channels_give_their_bare_id():
    assert channel_id_of(types.PeerChannel(BARE)) == BARE
    assert channel_id_of(types.InputPeerChannel(BARE, 5)) == BARE
    assert channel_id_of(types.PeerUser(BARE)) is None
    channel = types.Channel(id=BARE, title="t", photo=types.ChatPhotoEmpty(), date=None)
    assert channel_id_of(channel) == BARE


def test_a_team_chat_id_in_bot_api_form_names_its_kind_of_chat():
    assert chat_peer(MARKED) == types.PeerChannel(BARE)
    assert chat_peer(-4001) == types.PeerChat(4001)
    assert chat_peer(777) == types.PeerUser(777)


@pytest.mark.parametrize("bare", [5, 1234, 777000, 1234567890, 12345678901, 2_000_000_000_000])
def test_channel_ids_of_every_length_convert_as_telethon_marks_them(bare):
    marked = utils.get_peer_id(types.PeerChannel(bare))
    assert marked_channel_id(bare) == marked
    assert marked_channel_id(marked) == marked
    assert bare_channel_id(marked) == bare
    assert channel_peer(marked) == types.PeerChannel(bare)
    assert channel_id_of(marked) == bare


def test_the_short_group_form_of_a_channel_id_still_names_that_channel():
    assert bare_channel_id(-BARE) == BARE
