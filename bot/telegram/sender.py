"""The bot's side of delivery: alerts into the team chat as HTML, without link previews.

Alerts go out through the raw `messages.sendMessage` with the `random_id` the outbox
stored with the alert. Telegram remembers the random ids it has seen and answers a
repeat with RANDOM_ID_DUPLICATE instead of posting it again, so an alert that was sent
just before a crash (or whose answer was lost to a timeout) is not doubled when it is
sent again: the repeat is taken as delivered. The price is that we do not learn the
message id of the copy that went out first, so that one alert can no longer be edited;
that window is one request wide, while a doubled alert would be seen by everyone.

Telethon's errors stop here: FloodWait becomes `RetryAfter`, a dropped connection or a
timeout `TransientSendError`, and anything else is a refusal the outbox records.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from telethon import TelegramClient, errors, functions, helpers, types
from telethon.extensions import html as tg_html

from bot.outbox import RetryAfter, TransientSendError
from bot.telegram.peers import chat_peer
from bot.telegram.sessions import TelegramAuthError, describe_auth_failure, is_auth_failure

log = logging.getLogger(__name__)

#: The team chat refuses the bot (removed, muted, not an admin of a channel). Alerts wait
#: in the outbox until someone fixes it, rather than being marked failed one by one.
_CHAT_REFUSES = (errors.ChatWriteForbiddenError, errors.ChatAdminRequiredError, errors.UserBannedInChannelError,
                 errors.ChannelPrivateError, errors.ChatRestrictedError, errors.ChatIdInvalidError,
                 errors.PeerIdInvalidError)


class AlreadySent(Exception):
    """Telegram has already posted a message with this random id."""


def parse_html(html: str) -> tuple[str, list[types.TypeMessageEntity]]:
    text, entities = tg_html.parse(html)
    if not text.strip():
        raise ValueError("message is empty after parsing its HTML")
    return text, entities


def sent_message_id(result: Any, random_id: int) -> int | None:
    """The id Telegram gave the message, from whichever shape of `Updates` it answered with."""
    if isinstance(result, types.UpdateShortSentMessage):
        return result.id
    updates = getattr(result, "updates", None) or []
    for update in updates:
        if isinstance(update, types.UpdateMessageID) and update.random_id == random_id:
            return update.id
    for update in updates:
        if isinstance(update, (types.UpdateNewMessage, types.UpdateNewChannelMessage)) and isinstance(
                update.message, types.Message):
            return update.message.id
    return None


class BotSender:
    """Implements `bot.outbox.Sender` for the team chat, and answers other chats for commands.

    `on_fatal` is told when Telegram refuses the bot's credentials, so the service can stop
    with one clear line instead of marking every queued alert as failed.
    """

    def __init__(self, client: TelegramClient, team_chat_id: int, *, timeout: float = 60.0,
                 on_fatal: Callable[[Exception], None] | None = None) -> None:
        self.client = client
        self.team_chat_id = team_chat_id
        self.timeout = timeout
        self.on_fatal = on_fatal or (lambda exc: None)
        self._peers: dict[int, types.TypeInputPeer] = {}
        self._refusal_logged = False

    async def _peer(self, chat_id: int) -> types.TypeInputPeer:
        peer = self._peers.get(chat_id)
        if peer is None:
            peer = await self._call(self.client.get_input_entity(chat_peer(chat_id)))
            self._peers[chat_id] = peer
        return peer

    async def _call(self, awaitable: Awaitable[Any]) -> Any:
        with self._translated():
            return await asyncio.wait_for(awaitable, self.timeout)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except errors.RandomIdDuplicateError:
            raise AlreadySent() from None
        except errors.FloodError as exc:
            seconds = getattr(exc, "seconds", None)
            if seconds is None:
                raise
            raise RetryAfter(float(seconds)) from None
        except _CHAT_REFUSES as exc:
            if not self._refusal_logged:
                log.error("the team chat %s refuses the bot (%s); alerts stay queued until the bot may post there",
                          self.team_chat_id, type(exc).__name__)
                self._refusal_logged = True
            raise TransientSendError(f"team chat refuses the bot: {type(exc).__name__}") from None
        except errors.RPCError as exc:
            if is_auth_failure(exc):
                self.on_fatal(TelegramAuthError(describe_auth_failure(exc, "bot")))
                raise TransientSendError("bot credentials refused") from None
            if isinstance(exc, (errors.ServerError, errors.TimedOutError)):
                raise TransientSendError(f"Telegram server error {type(exc).__name__}") from None
            raise
        except (ConnectionError, OSError, asyncio.TimeoutError) as exc:
            raise TransientSendError(type(exc).__name__ if not str(exc) else f"{type(exc).__name__}: {exc}") from None
        self._refusal_logged = False

    # -- bot.outbox.Sender ------------------------------------------------------------

    async def send(self, html: str, random_id: int) -> int | None:
        return await self.send_to(self.team_chat_id, html, random_id)

    async def edit(self, message_id: int, html: str) -> None:
        text, entities = parse_html(html)
        peer = await self._peer(self.team_chat_id)
        try:
            await self._call(self.client(functions.messages.EditMessageRequest(
                peer=peer, id=message_id, message=text, entities=entities, no_webpage=True)))
        except errors.MessageNotModifiedError:
            return

    async def send_photo(self, png: bytes, caption_html: str) -> int | None:
        return await self.send_photo_to(self.team_chat_id, png, caption_html)

    # -- any chat (command replies, digests) ------------------------------------------

    async def send_to(self, chat_id: int, html: str, random_id: int | None = None) -> int | None:
        text, entities = parse_html(html)
        random_id = random_id if random_id is not None else helpers.generate_random_long()
        peer = await self._peer(chat_id)
        try:
            result = await self._call(self.client(functions.messages.SendMessageRequest(
                peer=peer, message=text, entities=entities, no_webpage=True, random_id=random_id)))
        except AlreadySent:
            log.info("message with random id already delivered earlier; not sent again")
            return None
        return sent_message_id(result, random_id)

    async def send_photo_to(self, chat_id: int, png: bytes, caption_html: str = "") -> int | None:
        text, entities = parse_html(caption_html) if caption_html.strip() else ("", [])
        random_id = helpers.generate_random_long()
        peer = await self._peer(chat_id)
        uploaded = await self._call(self.client.upload_file(png, file_name="chart.png"))
        try:
            result = await self._call(self.client(functions.messages.SendMediaRequest(
                peer=peer, media=types.InputMediaUploadedPhoto(file=uploaded), message=text,
                entities=entities or None, random_id=random_id)))
        except AlreadySent:
            return None
        return sent_message_id(result, random_id)


async def with_retries(call: Callable[[], Awaitable[Any]], *, sleep: Callable[[float], Awaitable[Any]],
                       attempts: int = 8, max_backoff: float = 300.0) -> Any:
    """For messages outside the outbox (command replies, digests): wait out FloodWaits and drops."""
    backoff = 1.0
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except RetryAfter as exc:
            if attempt == attempts:
                raise
            await sleep(exc.seconds)
        except TransientSendError:
            if attempt == attempts:
                raise
            await sleep(backoff)
            backoff = min(max_backoff, backoff * 2)
    return None
