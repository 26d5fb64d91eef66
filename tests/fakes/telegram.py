"""A fake Telegram at the network edge: real Telethon above it, a small server below.

`FakeClient` is a real `TelegramClient` (through frontwatch's own subclass) with only the
network replaced: every request the high-level methods make (`get_entity`,
`iter_messages`, `iter_dialogs`, `get_permissions`, `sign_in`, …) arrives at
`FakeTelegram.handle` as the real TL request object and is answered with real TL types.
Updates are dispatched through Telethon's own `_dispatch_update`, so the event builders,
filters and handlers that run are the installed Telethon's.

Faults are injected per request type (`server.inject("GetHistoryRequest", None,
ConnectionError())`: the first call passes, the second raises), so FloodWait and dropped
connections hit exactly where the real ones would.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import deque
import itertools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telethon import errors, types
from telethon.crypto import AuthKey
from telethon.extensions import html as tg_html
from telethon.sessions import StringSession
from telethon.tl.types import auth, channels, contacts, messages, updates

from bot.post import marked_channel_id
from bot.telegram.sessions import FrontwatchClient

API_ID = 1
API_HASH = "0123456789abcdef0123456789abcdef"
USER_ID = 5000001
BOT_ID = 6000001
BOT_USERNAME = "frontwatch_test_bot"
TEAM_CHAT = 1900000001  # bare id of the team supergroup; the settings use -1001900000001
TEAM_CHAT_MARKED = -1001900000001


def _construct(cls: type, **kwargs: Any) -> Any:
    """TL constructors gain required fields across Telethon releases; fill the missing ones with 0."""
    params = inspect.signature(cls.__init__).parameters
    for name, param in params.items():
        if name != "self" and param.default is inspect.Parameter.empty and name not in kwargs:
            kwargs[name] = 0
    return cls(**{k: v for k, v in kwargs.items() if k in params})


@dataclass
class FakePost:
    id: int
    text: str
    date: datetime
    edit_date: datetime | None = None
    fwd_channel: int | None = None
    fwd_message: int | None = None
    service: bool = False


@dataclass
class FakeChannel:
    id: int
    title: str
    username: str | None
    access_hash: int
    joined: bool = True
    private: bool = False
    posts: list[FakePost] = field(default_factory=list)

    def entity(self, *, for_bot: bool = False) -> types.Channel:
        return types.Channel(id=self.id, title=self.title, photo=types.ChatPhotoEmpty(),
                             date=datetime(2020, 1, 1, tzinfo=UTC), access_hash=self.access_hash,
                             username=self.username, broadcast=not for_bot, megagroup=for_bot,
                             left=not self.joined)

    def message(self, post: FakePost) -> types.Message | types.MessageService:
        peer = types.PeerChannel(self.id)
        if post.service:
            return types.MessageService(id=post.id, peer_id=peer, date=post.date,
                                        action=types.MessageActionPinMessage())
        fwd = None
        if post.fwd_channel is not None:
            fwd = types.MessageFwdHeader(date=post.date, from_id=types.PeerChannel(post.fwd_channel),
                                         channel_post=post.fwd_message)
        return types.Message(id=post.id, peer_id=peer, date=post.date, message=post.text, post=True,
                             edit_date=post.edit_date, fwd_from=fwd)


@dataclass
class Sent:
    """What the bot put into a chat: text and entities as Telegram received them."""

    chat: int
    message_id: int
    random_id: int | None
    text: str
    entities: list[Any]
    photo: bool = False
    edits: int = 0

    @property
    def html(self) -> str:
        return tg_html.unparse(self.text, self.entities)

    @property
    def links(self) -> list[str]:
        return [e.url for e in self.entities if isinstance(e, types.MessageEntityTextUrl)]


#: How many recent random_ids the fake remembers. Telegram's deduplication is bounded too (it
#: forgets old ids): a resend long after the first send is delivered again, so a client that
#: resends must do it soon, and a test of "never twice" can fail.
DEDUP_WINDOW = 16


class FakeTelegram:
    def __init__(self, *, sent_log: Path | None = None, dedup_window: int = DEDUP_WINDOW) -> None:
        self.channels: dict[int, FakeChannel] = {}
        self.sent: list[Sent] = []
        self.random_ids: deque[int] = deque(maxlen=dedup_window)
        self.calls: list[str] = []
        self.faults: dict[str, list[BaseException | None]] = {}
        self.bot_token_valid = True
        self.user_authorized = True
        self.admins: set[int] = set()
        self.bot_commands: list[types.BotCommand] = []
        self.sent_log = sent_log
        self.on_record: Callable[[dict], None] | None = None
        self._pts = itertools.count(100)
        self._uploads: dict[int, int] = {}
        if sent_log is not None and sent_log.exists():
            for line in sent_log.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                if record.get("random_id") is not None:
                    self.random_ids.append(record["random_id"])
                if record["kind"] == "send":
                    self.sent.append(Sent(record["chat"], record["message_id"], record.get("random_id"),
                                          record["text"], []))

    # -- building the world -----------------------------------------------------------

    def add_channel(self, channel_id: int, title: str, username: str | None = None, *, joined: bool = True,
                    private: bool = False) -> FakeChannel:
        channel = FakeChannel(channel_id, title, username, access_hash=channel_id * 7 + 1, joined=joined,
                              private=private)
        self.channels[channel_id] = channel
        return channel

    def publish(self, channel_id: int, text: str, date: datetime, **extra: Any) -> FakePost:
        channel = self.channels[channel_id]
        post = FakePost(id=(channel.posts[-1].id + 1) if channel.posts else 1, text=text, date=date, **extra)
        channel.posts.append(post)
        return post

    def edit(self, channel_id: int, message_id: int, text: str, when: datetime) -> FakePost:
        post = next(p for p in self.channels[channel_id].posts if p.id == message_id)
        post.text = text
        post.edit_date = when
        return post

    def delete(self, channel_id: int, message_ids: list[int]) -> None:
        channel = self.channels[channel_id]
        channel.posts = [p for p in channel.posts if p.id not in message_ids]

    def inject(self, request: str, *faults: BaseException | None) -> None:
        """The next calls of `request` (its class name) raise these in turn; None lets one pass."""
        self.faults.setdefault(request, []).extend(faults)

    # -- updates, as Telegram would push them ------------------------------------------

    def new_message_update(self, channel_id: int, post: FakePost) -> types.UpdateNewChannelMessage:
        return types.UpdateNewChannelMessage(message=self.channels[channel_id].message(post),
                                             pts=next(self._pts), pts_count=1)

    def edit_update(self, channel_id: int, post: FakePost) -> types.UpdateEditChannelMessage:
        return types.UpdateEditChannelMessage(message=self.channels[channel_id].message(post),
                                              pts=next(self._pts), pts_count=1)

    def delete_update(self, channel_id: int, message_ids: list[int]) -> types.UpdateDeleteChannelMessages:
        return types.UpdateDeleteChannelMessages(channel_id=channel_id, messages=message_ids,
                                                 pts=next(self._pts), pts_count=len(message_ids))

    # -- the server -------------------------------------------------------------------

    async def handle(self, client: FakeClient, request: Any) -> Any:
        name = type(request).__name__
        self.calls.append(name)
        queue = self.faults.get(name)
        if queue:
            fault = queue.pop(0)
            if fault is not None:
                raise fault
        if not client.is_connected():
            raise ConnectionError("Cannot send requests while disconnected")
        handler = getattr(self, f"_{name}", None)
        if handler is None:
            raise NotImplementedError(f"the fake Telegram does not answer {name}")
        result = handler(client, request)
        if inspect.isawaitable(result):
            result = await result
        return result

    def _user(self, client: FakeClient) -> types.User:
        if client.is_bot:
            return types.User(id=BOT_ID, is_self=True, bot=True, first_name="frontwatch", username=BOT_USERNAME,
                              access_hash=11)
        return types.User(id=USER_ID, is_self=True, first_name="Analyst", username="analyst", access_hash=12)

    def _logged_in(self, client) -> bool:
        return client.bot_logged_in if client.is_bot else self.user_authorized

    def _GetUsersRequest(self, client, request):
        out = []
        for wanted in request.id:
            if isinstance(wanted, types.InputUserSelf):
                if not self._logged_in(client):
                    raise errors.AuthKeyUnregisteredError(request=None)
                out.append(self._user(client))
            else:
                out.append(types.User(id=wanted.user_id, first_name=f"user{wanted.user_id}", access_hash=13))
        return out

    def _GetStateRequest(self, client, request):
        if not self._logged_in(client):
            raise errors.AuthKeyUnregisteredError(request=None)
        return updates.State(pts=1, qts=0, date=datetime.now(UTC), seq=0, unread_count=0)

    def _GetDifferenceRequest(self, client, request):
        return updates.DifferenceEmpty(date=datetime.now(UTC), seq=0)

    def _ImportBotAuthorizationRequest(self, client, request):
        if not self.bot_token_valid:
            raise errors.AccessTokenInvalidError(request=None)
        client.bot_logged_in = True
        return _construct(auth.Authorization, user=self._user(client))

    def _SendCodeRequest(self, client, request):
        return _construct(auth.SentCode, type=types.auth.SentCodeTypeApp(length=5), phone_code_hash="hash")

    def _SignInRequest(self, client, request):
        if request.phone_code != "12345":
            raise errors.PhoneCodeInvalidError(request=None)
        self.user_authorized = True
        return _construct(auth.Authorization, user=self._user(client))

    def _GetDialogsRequest(self, client, request):
        joined = [c for c in self.channels.values() if c.joined]
        dialogs, tops = [], []
        for channel in joined:
            top = channel.posts[-1].id if channel.posts else 0
            dialogs.append(_construct(types.Dialog, peer=types.PeerChannel(channel.id), top_message=top,
                                      notify_settings=types.PeerNotifySettings(), pts=1))
            if channel.posts:
                tops.append(channel.message(channel.posts[-1]))
        return messages.Dialogs(dialogs=dialogs, messages=tops, chats=[c.entity() for c in joined], users=[])

    def _ResolveUsernameRequest(self, client, request):
        for channel in self.channels.values():
            if channel.username and channel.username.lower() == request.username.lower():
                if channel.private:
                    raise errors.ChannelPrivateError(request=None)
                return contacts.ResolvedPeer(peer=types.PeerChannel(channel.id), chats=[channel.entity()], users=[])
        raise errors.UsernameNotOccupiedError(request=None)

    def _channel_for(self, client, peer) -> FakeChannel:
        channel_id = getattr(peer, "channel_id", None)
        if client.is_bot and channel_id == TEAM_CHAT:
            return FakeChannel(TEAM_CHAT, "Team", None, access_hash=77)
        channel = self.channels.get(channel_id)
        if channel is None or (not channel.joined and channel.username is None):
            raise errors.ChannelInvalidError(request=None)
        if not client.is_bot and getattr(peer, "access_hash", None) != channel.access_hash:
            raise errors.ChannelInvalidError(request=None)
        return channel

    def _GetChannelsRequest(self, client, request):
        chats = []
        for wanted in request.id:
            channel = self._channel_for(client, wanted)
            chats.append(channel.entity(for_bot=channel.id == TEAM_CHAT))
        return messages.Chats(chats=chats)

    def _JoinChannelRequest(self, client, request):
        channel = self._channel_for(client, request.channel)
        channel.joined = True
        return types.Updates(updates=[], users=[], chats=[channel.entity()], date=datetime.now(UTC), seq=0)

    def _GetHistoryRequest(self, client, request):
        channel = self._channel_for(client, request.peer)
        newest_first = sorted(channel.posts, key=lambda p: p.id, reverse=True)
        if request.offset_id:
            index = next((i for i, p in enumerate(newest_first) if p.id < request.offset_id), len(newest_first))
        elif request.offset_date:
            index = next((i for i, p in enumerate(newest_first) if p.date < request.offset_date), len(newest_first))
        else:
            index = 0
        low = index + request.add_offset
        page = newest_first[max(low, 0):max(low + request.limit, 0)]
        page = [p for p in page if (not request.max_id or p.id < request.max_id)
                and (not request.min_id or p.id > request.min_id)]
        return messages.ChannelMessages(pts=1, count=len(channel.posts), messages=[channel.message(p) for p in page],
                                        topics=[], chats=[channel.entity()], users=[])

    def _GetMessagesRequest(self, client, request):
        """Messages by id, in the order asked; a deleted one comes back as `MessageEmpty`."""
        if not hasattr(request, "channel"):
            raise NotImplementedError("the fake Telegram answers GetMessagesRequest for channels only")
        channel = self._channel_for(client, request.channel)
        by_id = {p.id: p for p in channel.posts}
        found = []
        for wanted in request.id:
            message_id = getattr(wanted, "id", wanted)
            post = by_id.get(message_id)
            if post is None:
                found.append(types.MessageEmpty(id=message_id, peer_id=types.PeerChannel(channel.id)))
            else:
                found.append(channel.message(post))
        return messages.ChannelMessages(pts=1, count=len(found), messages=found, topics=[],
                                        chats=[channel.entity()], users=[])

    # -- the bot's side ----------------------------------------------------------------

    def _record(self, record: dict) -> None:
        if self.sent_log is None:
            return
        fd = os.open(self.sent_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if self.on_record is not None:
            self.on_record(record)

    def _deliver(self, client, peer, text, entities, random_id, *, photo=False):
        if not client.is_bot:
            raise AssertionError("alerts must be sent by the bot session")
        if random_id in self.random_ids:
            raise errors.RandomIdDuplicateError(request=None)
        chat = getattr(peer, "channel_id", None) or getattr(peer, "chat_id", None) or getattr(peer, "user_id")
        message_id = len(self.sent) + 1
        sent = Sent(chat, message_id, random_id, text, list(entities or []), photo=photo)
        self._record({"kind": "send", "chat": chat, "message_id": message_id, "random_id": random_id,
                      "text": text, "html": sent.html, "photo": photo})
        self.random_ids.append(random_id)
        self.sent.append(sent)
        message = types.Message(id=message_id, peer_id=types.PeerChannel(chat), date=datetime.now(UTC),
                                message=text, out=True)
        return types.Updates(updates=[types.UpdateMessageID(id=message_id, random_id=random_id),
                                      types.UpdateNewChannelMessage(message=message, pts=next(self._pts),
                                                                    pts_count=1)],
                             users=[], chats=[], date=datetime.now(UTC), seq=0)

    def _SendMessageRequest(self, client, request):
        assert request.no_webpage, "alerts go out without link previews"
        return self._deliver(client, request.peer, request.message, request.entities, request.random_id)

    def _SendMediaRequest(self, client, request):
        assert isinstance(request.media, types.InputMediaUploadedPhoto)
        assert self._uploads.get(request.media.file.id), "the photo was uploaded first"
        return self._deliver(client, request.peer, request.message, request.entities, request.random_id, photo=True)

    def _SaveFilePartRequest(self, client, request):
        self._uploads[request.file_id] = self._uploads.get(request.file_id, 0) + len(request.bytes)
        return True

    def _EditMessageRequest(self, client, request):
        sent = next((s for s in self.sent if s.message_id == request.id), None)
        if sent is None:
            raise errors.MessageIdInvalidError(request=None)
        if sent.text == request.message and sent.entities == list(request.entities or []):
            raise errors.MessageNotModifiedError(request=None)
        sent.text, sent.entities = request.message, list(request.entities or [])
        sent.edits += 1
        self._record({"kind": "edit", "message_id": request.id, "text": request.message, "html": sent.html})
        return types.Updates(updates=[], users=[], chats=[], date=datetime.now(UTC), seq=0)

    def _GetParticipantRequest(self, client, request):
        user_id = request.participant.user_id
        now = datetime.now(UTC)
        if user_id in self.admins:
            participant = _construct(types.ChannelParticipantAdmin, user_id=user_id, promoted_by=1, date=now,
                                     admin_rights=types.ChatAdminRights(change_info=True))
        else:
            participant = types.ChannelParticipant(user_id=user_id, date=now)
        return channels.ChannelParticipant(participant=participant, chats=[], users=[])

    def _SetBotCommandsRequest(self, client, request):
        self.bot_commands = list(request.commands)
        return True


class FakeClient(FrontwatchClient):
    """A real TelegramClient whose only network is `FakeTelegram`."""

    def __init__(self, server: FakeTelegram, *, bot: bool, session: Any = None) -> None:
        super().__init__(session if session is not None else StringSession(), API_ID, API_HASH,
                         flood_sleep_threshold=0)
        self.server = server
        self.is_bot = bot
        self.bot_logged_in = False
        self._online = False
        self._lost: asyncio.Future | None = None
        self.connects = 0
        self.fail_connects = 0

    async def connect(self) -> None:
        if self.fail_connects:
            self.fail_connects -= 1
            raise ConnectionError("network unreachable")
        if not self.session.server_address:
            self.session.set_dc(2, "149.154.167.51", 443)  # Telethon's production default
        if self.session.auth_key is None:
            self.session.auth_key = AuthKey(os.urandom(256))  # what the key exchange would leave behind
        self._online = True
        self.connects += 1
        self._lost = asyncio.get_running_loop().create_future()

    def is_connected(self) -> bool:
        return self._online

    async def disconnect(self) -> None:
        self._online = False
        if self._lost is not None and not self._lost.done():
            self._lost.set_result(None)
        closed = self.session.close()  # as Telethon's own disconnect does
        if inspect.isawaitable(closed):
            await closed

    @property
    def disconnected(self) -> asyncio.Future:
        if self._lost is None:
            self._lost = asyncio.get_running_loop().create_future()
        return self._lost

    async def __call__(self, request: Any, ordered: bool = False, flood_sleep_threshold: Any = None) -> Any:
        if isinstance(request, list):
            return [await self.server.handle(self, r) for r in request]
        return await self.server.handle(self, request)

    # -- what the test drives ---------------------------------------------------------

    async def push(self, update: Any) -> None:
        """Hand an update to Telethon's own dispatch, as its update loop would."""
        update._entities = {}
        channel_id = getattr(getattr(getattr(update, "message", None), "peer_id", None), "channel_id", None)
        channel_id = channel_id or getattr(update, "channel_id", None)
        if channel_id in self.server.channels:
            update._entities = {marked_channel_id(channel_id): self.server.channels[channel_id].entity()}
        await self._dispatch_update(update)

    def lose_connection(self) -> None:
        """Telethon gave up reconnecting: `disconnected` resolves, requests fail."""
        self._online = False
        if self._lost is not None and not self._lost.done():
            self._lost.set_result(None)

    async def auto_reconnected(self) -> None:
        """What Telethon's sender does after it reconnected by itself."""
        await self._handle_auto_reconnect()


def command_update(chat_id: int, user_id: int, text: str, message_id: int = 1) -> types.UpdateNewChannelMessage:
    """A command typed in the team supergroup, as the bot receives it."""
    message = types.Message(id=message_id, peer_id=types.PeerChannel(chat_id), from_id=types.PeerUser(user_id),
                            date=datetime.now(UTC), message=text)
    return types.UpdateNewChannelMessage(message=message, pts=1, pts_count=1)


