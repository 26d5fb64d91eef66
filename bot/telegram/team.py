"""The bot in the team's chats: commands in, replies and digests out, admin checks.

`bot.commands` decides what to answer without knowing Telegram; this module hands it
(chat, user, text) and sends back what it returns. Replies and digests are not alerts:
they go out directly, waiting out FloodWaits and dropped connections a few times.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from telethon import TelegramClient, errors, events, functions, types

from bot.render import CAPTION_LIMIT, utf16_len
from bot.telegram.peers import chat_peer
from bot.telegram.sender import BotSender, with_retries

log = logging.getLogger(__name__)

#: First wait before the command list is offered to Telegram again.
COMMANDS_RETRY_SECONDS = 60.0


class ReplyLike(Protocol):
    html: str
    photo: bytes | None


class CommandHandler(Protocol):
    async def handle(self, chat_id: int, user_id: int, text: str) -> list[Any]: ...


class TeamBot:
    def __init__(self, client: TelegramClient, sender: BotSender, *,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        self.client = client
        self.sender = sender
        self.sleep = sleep
        self.commands: CommandHandler | None = None
        self._lock = asyncio.Lock()
        self._commands_failed = False

    async def is_group_admin(self, chat_id: int, user_id: int) -> bool:
        """Asked of Telegram each time, so a demoted admin loses the right at once."""
        try:
            permissions = await self.client.get_permissions(chat_peer(chat_id), types.PeerUser(user_id))
        except (errors.RPCError, ValueError, TypeError, ConnectionError, OSError) as exc:
            log.info("could not check whether user %s is an admin of %s (%s)", user_id, chat_id, type(exc).__name__)
            return False
        return bool(permissions is not None and (permissions.is_admin or permissions.is_creator))

    # -- commands ---------------------------------------------------------------------

    def attach(self, commands: CommandHandler) -> None:
        self.commands = commands
        self.client.add_event_handler(self._on_message, events.NewMessage(incoming=True, pattern=r"^/"))

    async def _on_message(self, event: events.NewMessage.Event) -> None:
        if self.commands is None or event.chat_id is None or event.sender_id is None:
            return
        try:
            # One command at a time: the commands share one store connection.
            async with self._lock:
                replies = await self.commands.handle(event.chat_id, event.sender_id, event.raw_text or "")
            await self.send_replies(event.chat_id, replies)
        except Exception:
            log.exception("answering a command in chat %s failed", event.chat_id)

    async def send_replies(self, chat_id: int, replies: Sequence[ReplyLike]) -> None:
        for reply in replies:
            if reply.photo is not None:
                await with_retries(lambda r=reply: self.sender.send_photo_to(chat_id, r.photo, r.html),
                                   sleep=self.sleep)
            elif reply.html.strip():
                await with_retries(lambda r=reply: self.sender.send_to(chat_id, r.html), sleep=self.sleep)

    async def register_commands(self, command_list: Sequence[tuple[str, str]]) -> bool:
        """So Telegram clients offer the commands as the team types `/`. Optional: the
        commands work without the list, so no failure here may stop the service (after
        repeated server errors Telethon gives up with a bare ValueError). False when it failed."""
        commands = [types.BotCommand(command=name.lstrip("/").lower(), description=about[:256])
                    for name, about in command_list]
        try:
            await self.client(functions.bots.SetBotCommandsRequest(
                scope=types.BotCommandScopeDefault(), lang_code="", commands=commands))
        except Exception as exc:
            if not self._commands_failed:
                log.warning("could not register the command list with Telegram (%s: %s); the commands work "
                            "without it; trying again later", type(exc).__name__, exc)
            else:
                log.debug("registering the command list failed again (%s)", type(exc).__name__)
            self._commands_failed = True
            return False
        if self._commands_failed:
            log.info("the command list is registered with Telegram")
        return True

    async def keep_registering_commands(self, command_list: Sequence[tuple[str, str]], *,
                                        first_wait: float = COMMANDS_RETRY_SECONDS) -> None:
        """Tries until Telegram takes the list, waiting longer each time (up to an hour)."""
        wait = first_wait
        while not await self.register_commands(command_list):
            await self.sleep(wait)
            wait = min(wait * 2, 3600.0)

    # -- digest -----------------------------------------------------------------------

    async def send_digest(self, pages: list[str], png: bytes) -> None:
        """The scheduler's `send`: the chart with the first page as caption when it fits."""
        chat_id = self.sender.team_chat_id
        pages = [p for p in pages if p.strip()]
        if pages and utf16_len(pages[0]) <= CAPTION_LIMIT:
            caption, rest = pages[0], pages[1:]
            await with_retries(lambda: self.sender.send_photo_to(chat_id, png, caption), sleep=self.sleep)
        else:
            rest = pages
            await with_retries(lambda: self.sender.send_photo_to(chat_id, png, ""), sleep=self.sleep)
        for page in rest:
            await with_retries(lambda p=page: self.sender.send_to(chat_id, p), sleep=self.sleep)
