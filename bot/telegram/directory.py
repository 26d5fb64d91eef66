"""Which channels the reader follows, how to reach each, and joining the public ones.

Resolving a username costs a request Telegram rate-limits hard, so the account's own
dialog list (a request per hundred chats) comes first: it names every channel the
account is already in, with its newest message id, which catch-up uses to skip
channels with nothing new. Only channels missing from it are resolved one by one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from telethon import TelegramClient, errors, functions, types

from bot.channels import Channel, parse_channel_ref
from bot.store import Store
from bot.telegram.peers import channel_id_of, channel_peer
from bot.telegram.sessions import TelegramAuthError, describe_auth_failure, gave_up, is_auth_failure

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Followed:
    channel: Channel
    peer: types.InputPeerChannel
    joined: bool = True


@dataclass(frozen=True, slots=True)
class Dialogs:
    """The account's channels as Telegram lists them: entity and newest message id."""

    entities: dict[int, types.Channel]
    tops: dict[int, int]

    def by_username(self, username: str) -> types.Channel | None:
        wanted = username.lower()
        for entity in self.entities.values():
            if (entity.username or "").lower() == wanted:
                return entity
        return None


def _is_channel(entity: object) -> bool:
    return isinstance(entity, types.Channel)


def _input_peer(entity: types.Channel) -> types.InputPeerChannel:
    return types.InputPeerChannel(entity.id, entity.access_hash or 0)


class ChannelDirectory:
    """Also the `directory` the bot commands use: `resolve` for /follow, `refresh` after it."""

    def __init__(self, client: TelegramClient, store: Store) -> None:
        self.client = client
        self.store = store
        self.followed: dict[int, Followed] = {}
        self.on_added: Callable[[set[int]], None] = lambda ids: None
        self.flooded = False
        self._postponed: list[Channel] = []

    def get(self, channel_id: int | None) -> Followed | None:
        return self.followed.get(channel_id) if channel_id is not None else None

    # -- Telegram look-ups ------------------------------------------------------------

    async def dialogs(self) -> Dialogs | None:
        """None when the list cannot be had right now; callers then look channels up one by one."""
        entities: dict[int, types.Channel] = {}
        tops: dict[int, int] = {}
        try:
            async for dialog in self.client.iter_dialogs():
                entity = dialog.entity
                bare = channel_id_of(entity)
                if bare is None or not _is_channel(entity):
                    continue
                entities[bare] = entity
                if dialog.message is not None:
                    tops[bare] = dialog.message.id
        except errors.RPCError as exc:
            self._raise_if_revoked(exc)
            log.warning("could not list the account's chats (%s); looking channels up one by one",
                        type(exc).__name__)
            return None
        except (ConnectionError, OSError, ValueError) as exc:
            # ValueError: Telethon gave up after repeated server errors.
            log.warning("could not list the account's chats (%s); looking channels up one by one",
                        type(exc).__name__)
            return None
        return Dialogs(entities, tops)

    async def _lookup(self, username: str | None, channel_id: int | None) -> tuple[types.Channel | None, str]:
        """The channel entity, or None and why not (for the warning).

        A look-up refused by a FloodWait or left unanswered is remembered in `flooded` so the caller can try
        again later instead of giving the channel up.
        """
        self.flooded = False
        try:
            if username:
                entity = await self.client.get_entity(username)
            elif channel_id is not None:
                entity = await self.client.get_entity(channel_peer(channel_id))
            else:
                return None, "no username or id"
        except ValueError as exc:
            if gave_up(exc):
                self.flooded = True
                return None, "Telegram did not answer the look-up; tried again at the next sweep"
            if username:
                return None, "no such public username"
            return None, "the account is not a member of this private channel (join it with the account first)"
        except (errors.UsernameInvalidError, errors.UsernameNotOccupiedError):
            return None, "no such public username"
        except errors.ChannelPrivateError:
            return None, "the channel is private or the account was banned from it"
        except errors.FloodWaitError as exc:
            self.flooded = True
            return None, f"Telegram limits look-ups for now (wait {exc.seconds} s); tried again at the next sweep"
        except (errors.ServerError, errors.TimedOutError) as exc:
            self.flooded = True
            return None, f"Telegram did not answer the look-up ({type(exc).__name__}); tried again at the next sweep"
        except errors.RPCError as exc:
            self._raise_if_revoked(exc)
            return None, f"Telegram refused the look-up ({type(exc).__name__})"
        if not _is_channel(entity):
            return None, "that is a user or a bot, not a channel"
        return entity, ""

    async def _join(self, entity: types.Channel, label: str) -> bool:
        """Live updates come only for channels the account is in; catch-up reads the rest."""
        if not getattr(entity, "left", False):
            return True
        if not entity.username:
            log.warning("channel %s: the account is not a member and it is private; join it with the account", label)
            return False
        try:
            await self.client(functions.channels.JoinChannelRequest(_input_peer(entity)))
            log.info("joined channel %s", label)
            return True
        except errors.RPCError as exc:
            self._raise_if_revoked(exc)
            reason = {
                errors.ChannelsTooMuchError: "the account is in too many channels",
                errors.InviteRequestSentError: "the channel approves joins by hand; a request was sent",
                errors.ChannelPrivateError: "the channel is private or the account was banned from it",
            }.get(type(exc), type(exc).__name__)
            if isinstance(exc, errors.FloodWaitError):
                reason = f"Telegram limits joins; will retry (wait {exc.seconds} s)"
            log.warning("channel %s: could not join (%s); its posts are read by catch-up only", label, reason)
            return False

    async def _fix_start(self, channel_id: int, peer: types.InputPeerChannel, dialogs: Dialogs | None) -> None:
        """A channel followed for the first time starts at its newest post, not its whole history.

        The starting point is fixed before the channel's updates are let in: a post that
        arrives later has a higher id, so catch-up finds it even if the live update is
        lost in a crash.
        """
        if await self.store.read_position(channel_id) is not None:
            return
        top = dialogs.tops.get(channel_id) if dialogs is not None else None
        if top is None:
            try:
                async for message in self.client.iter_messages(peer, limit=1):
                    top = message.id
            except errors.RPCError as exc:
                self._raise_if_revoked(exc)
                return
            except (ConnectionError, OSError, ValueError):
                return
        async with self.store.transaction():
            await self.store.advance_read_position(channel_id, top or 0)

    @staticmethod
    def _raise_if_revoked(exc: BaseException) -> None:
        if is_auth_failure(exc):
            raise TelegramAuthError(describe_auth_failure(exc, "user")) from None

    # -- following --------------------------------------------------------------------

    async def load(self, configured: Iterable[Channel], dialogs: Dialogs | None = None, *,
                   from_store: bool = True, elsewhere: Iterable[Channel] = ()) -> list[str]:
        """Follow the configured channels plus those followed by command; warn about the rest.

        With several reader accounts, only the main one (`from_store`) takes on the channels
        followed by command, and none of those another account follows (`elsewhere`).
        Returns the warnings (one per channel that cannot be followed, naming it).
        """
        dialogs = dialogs if dialogs is not None else (await self.dialogs() or Dialogs({}, {}))
        known = {c.id: c for c in await self.store.channels()}
        followed_ids = {c.id for c in await self.store.channels(followed_only=True)}
        by_username = {c.username.lower(): c for c in known.values() if c.username}
        warnings: list[str] = []
        resolved: list[tuple[Channel, Followed]] = []
        configured_ids: set[int] = set()

        for wanted in configured:
            stored = known.get(wanted.id) if wanted.id else by_username.get((wanted.username or "").lower())
            channel_id = wanted.id or (stored.id if stored else None)
            entity = dialogs.entities.get(channel_id) if channel_id else None
            if entity is None and wanted.username:
                entity = dialogs.by_username(wanted.username)
            why = ""
            if entity is None:
                entity, why = await self._lookup(wanted.username, channel_id)
            if entity is None:
                message = f"channel {wanted.label} ({wanted.name}) in channels.toml is not followed: {why}"
                log.warning(message)
                warnings.append(message)
                if self.flooded:
                    self._postponed.append(wanted)
                continue
            configured_ids.add(entity.id)
            if entity.id in known and entity.id not in followed_ids:
                log.info("channel %s was unfollowed by a command; leaving it unfollowed", wanted.label)
                continue
            joined = await self._join(entity, wanted.label)
            channel = Channel(username=entity.username or wanted.username, id=entity.id, name=wanted.name,
                              side=wanted.side, kind=wanted.kind)
            resolved.append((channel, Followed(channel, _input_peer(entity), joined)))

        async with self.store.transaction():
            for channel, _ in resolved:
                await self.store.upsert_channel(channel)
        for channel, followed in resolved:
            await self._fix_start(channel.id, followed.peer, dialogs)
        self.followed = {f.channel.id: f for _, f in resolved}

        other_ids = {c.id for c in elsewhere if c.id is not None}
        other_names = {c.username.lower() for c in elsewhere if c.username}
        for channel in await self.store.channels(followed_only=True) if from_store else ():
            if channel.id in self.followed or channel.id in configured_ids or channel.id in other_ids:
                continue
            if (channel.username or "").lower() in other_names:
                continue
            followed = await self._follow_stored(channel, dialogs)
            if followed is None:
                message = (f"channel {channel.label} ({channel.name}), followed in the store but not in "
                           "channels.toml, cannot be reached")
                log.warning(message)
                warnings.append(message)
            else:
                log.info("following %s as the store says (followed by command; /unfollow stops it)", channel.label)
                await self._fix_start(channel.id, followed.peer, dialogs)
                self.followed[channel.id] = followed
        log.info("following %d channels", len(self.followed))
        return warnings

    async def _follow_stored(self, channel: Channel, dialogs: Dialogs | None) -> Followed | None:
        entity = dialogs.entities.get(channel.id) if dialogs else None
        if entity is not None:
            return Followed(channel, _input_peer(entity), await self._join(entity, channel.label))
        try:
            peer = await self.client.get_input_entity(channel_peer(channel.id))
            if isinstance(peer, types.InputPeerChannel):
                return Followed(channel, peer)
        except (ValueError, TypeError):
            pass
        except errors.RPCError as exc:
            self._raise_if_revoked(exc)
        entity, _why = await self._lookup(channel.username, channel.id)
        if entity is None:
            return None
        return Followed(replace(channel, username=entity.username or channel.username), _input_peer(entity),
                        await self._join(entity, channel.label))

    async def retry_joins(self) -> None:
        """Look-ups refused by a FloodWait or left unanswered by Telegram, and joins refused,
        are tried again on the periodic sweep."""
        postponed, self._postponed = self._postponed, []
        added: set[int] = set()
        for wanted in postponed:
            entity, _why = await self._lookup(wanted.username, wanted.id)
            if entity is None:
                if self.flooded:
                    self._postponed.append(wanted)
                continue
            channel = Channel(username=entity.username or wanted.username, id=entity.id, name=wanted.name,
                              side=wanted.side, kind=wanted.kind)
            async with self.store.transaction():
                await self.store.upsert_channel(channel)
            joined = await self._join(entity, wanted.label)
            await self._fix_start(entity.id, _input_peer(entity), None)
            self.followed[entity.id] = Followed(channel, _input_peer(entity), joined)
            added.add(entity.id)
            log.info("channel %s is followed now", wanted.label)
        if added:
            self.on_added(added)
        for channel_id, followed in list(self.followed.items()):
            if followed.joined or not followed.channel.username:
                continue
            entity, _why = await self._lookup(followed.channel.username, channel_id)
            if entity is not None and await self._join(entity, followed.channel.label):
                self.followed[channel_id] = replace(followed, joined=True)

    # -- the bot commands' directory ------------------------------------------------------

    async def resolve(self, ref: str) -> Channel | None:
        """A username, link or id to the channel it names, joining it when public (for /follow)."""
        try:
            username, channel_id = parse_channel_ref(ref)
        except ValueError:
            return None
        entity, why = await self._lookup(username, channel_id)
        if entity is None:
            log.info("cannot follow %s: %s", ref, why)
            return None
        await self._join(entity, f"@{entity.username}" if entity.username else str(entity.id))
        return Channel(username=entity.username, id=entity.id, name=entity.title or entity.username or str(entity.id),
                       side="other", kind="media")

    async def refresh(self) -> None:
        """Take follow/unfollow from the store without a restart; new channels start catch-up."""
        wanted = {c.id: c for c in await self.store.channels(followed_only=True)}
        for channel_id in set(self.followed) - set(wanted):
            del self.followed[channel_id]
            log.info("no longer following %s", channel_id)
        added: set[int] = set()
        for channel_id, channel in wanted.items():
            current = self.followed.get(channel_id)
            if current is not None:
                if current.channel != channel:
                    self.followed[channel_id] = replace(current, channel=channel)
                continue
            followed = await self._follow_stored(channel, None)
            if followed is None:
                log.warning("channel %s was followed by command but cannot be reached", channel.label)
                continue
            await self._fix_start(channel_id, followed.peer, None)
            self.followed[channel_id] = followed
            added.add(channel_id)
        if added:
            log.info("now following %d more channel(s)", len(added))
            self.on_added(added)
