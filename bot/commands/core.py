"""`Commands`: one message in, replies out. Access is decided here once, before any command
family runs; usage errors and unexpected failures are answered here too, so no family has to."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.commands.admin import AdminCommands
from bot.commands.channels import ChannelCommands
from bot.commands.context import Directory
from bot.commands.digest import DigestCommands
from bot.commands.explain import ExplainCommands
from bot.commands.mutes import MuteCommands
from bot.commands.places import PlaceCommands
from bot.commands.search import SearchCommands
from bot.commands.specs import _DETAILS, SPEC_BY_NAME, Reply, Spec, _short, _Usage
from bot.commands.status import StatusCommands
from bot.detect import Detector
from bot.digest import paginate
from bot.post import bare_channel_id
from bot.render import TELEGRAM_LIMIT, esc, utf16_len
from bot.settings import Settings
from bot.store import Store
from bot.store.db import utcnow

#: The package's name, as before the split: one logger for every command.
log = logging.getLogger(__package__)

_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+(.*))?", re.S)


class Commands(StatusCommands, ChannelCommands, PlaceCommands, SearchCommands, DigestCommands, ExplainCommands,
               MuteCommands, AdminCommands):
    def __init__(self, store: Store, detector: Detector, settings: Settings, *,
                 is_group_admin: Callable[[int, int], Awaitable[bool]], directory: Directory,
                 started_at: datetime, bot_username: str | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.detector = detector
        self.settings = settings
        self.is_group_admin = is_group_admin
        self.directory = directory
        self.started_at = started_at
        self.bot_username = bot_username
        self.clock = clock
        self.tz = settings.alerts.timezone
        self._refused: set[tuple[str, int]] = set()
        self._handlers: dict[str, Callable[[list[str], str], Awaitable[list[Reply]]]] = {
            name: getattr(self, f"_cmd_{name}") for name in SPEC_BY_NAME
        }

    # -- entry point ------------------------------------------------------------------

    async def handle(self, chat_id: int, user_id: int, text: str) -> list[Reply]:
        """The replies to one message; [] for anything that is not a command for us or not allowed."""
        parsed = _COMMAND.fullmatch(text.strip())
        if parsed is None:
            return []
        name, addressee, rest = parsed.group(1).lower(), parsed.group(2), parsed.group(3) or ""
        if addressee and self.bot_username and addressee.lower() != self.bot_username.lower().lstrip("@"):
            return []
        if not self._allowed(chat_id, user_id):
            self._log_refusal("access", user_id, f"/{name} from user {user_id} in chat {chat_id}: not allowed; "
                                                 "ignored (further refusals of this user are not logged)")
            return []
        if name == "start":
            name = "help"
        spec = SPEC_BY_NAME.get(name)
        if spec is None:
            return [Reply(f"Unknown command /{esc(name)}. /help lists what I can do.")]
        try:
            if (spec.changes or spec.admin_only) and not await self._is_admin(chat_id, user_id):
                self._log_refusal("admin", user_id, f"/{name} from user {user_id} in chat {chat_id}: not an admin; "
                                                    "refused (further refusals of this user are not logged)")
                return [Reply(f"🔒 Only admins can use /{spec.name}."
                              + (" Nothing was changed." if spec.changes else ""))]
            if not spec.args and rest.strip():
                raise _Usage(f"/{spec.name} takes no arguments.")
            return _fitted(await self._handlers[name](rest.split(), rest.strip()))
        except _Usage as problem:
            return _fitted([Reply(self._usage(spec, str(problem)))])
        except Exception:
            log.exception("command /%s from user %s in chat %s failed", name, user_id, chat_id)
            return [Reply(f"⚠️ Sorry, /{spec.name} failed unexpectedly. The error is logged for the maintainers.")]

    # -- access -----------------------------------------------------------------------

    def _is_team_chat(self, chat_id: int) -> bool:
        """The same group may be configured as `-100…` and seen as `-…`, or the other way round."""
        for team in self.settings.telegram.team_chat_ids:
            if chat_id == team or (chat_id < 0 and team < 0 and bare_channel_id(chat_id) == bare_channel_id(team)):
                return True
        return False

    def _allowed(self, chat_id: int, user_id: int) -> bool:
        if self._is_team_chat(chat_id):
            return True
        access = self.settings.access
        return chat_id == user_id and (user_id in access.allowed_users or user_id in access.admins)

    async def _is_admin(self, chat_id: int, user_id: int) -> bool:
        if user_id in self.settings.access.admins:
            return True
        groups = [chat_id] if self._is_team_chat(chat_id) else list(self.settings.telegram.team_chat_ids)
        for group in groups:
            try:
                if await self.is_group_admin(group, user_id):
                    return True
            except Exception:
                log.warning("could not ask Telegram whether user %s is an admin of %s", user_id, group,
                            exc_info=True)
        return False

    def _log_refusal(self, kind: str, user_id: int, message: str) -> None:
        if (kind, user_id) not in self._refused:
            self._refused.add((kind, user_id))
            log.warning("%s", message)

    # -- usage ------------------------------------------------------------------------

    def _usage(self, spec: Spec, problem: str = "") -> str:
        lines = [f"⚠️ {esc(problem)}"] if problem else []
        lines.append(f"Usage: <code>{esc(spec.usage)}</code> — {esc(spec.about)}.")
        if spec.name in _DETAILS:
            lines.append(esc(_DETAILS[spec.name]))
        if spec.changes:
            lines.append("Nothing was changed.")
        return "\n".join(lines)


def _fitted(replies: list[Reply]) -> list[Reply]:
    """Any text reply that grew past one message is split at its line breaks, never inside a tag.

    A single line too long for a message (every echoed argument is shortened, so this means
    a bug) is sent as shortened plain text rather than refused by Telegram."""
    out: list[Reply] = []
    for reply in replies:
        if reply.photo is None and utf16_len(reply.html) > TELEGRAM_LIMIT:
            for page in paginate(reply.html.split("\n")):
                if utf16_len(page) > TELEGRAM_LIMIT:
                    log.error("a reply line of %d characters does not fit one message; sent shortened", len(page))
                    page = esc(_short(html.unescape(re.sub(r"<[^>]*>", "", page)), TELEGRAM_LIMIT // 4))
                out.append(Reply(page))
        else:
            out.append(reply)
    return out
