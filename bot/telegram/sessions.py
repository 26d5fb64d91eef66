"""The Telegram sessions: where they live, which server they talk to, and logging them in.

A session is either a file (0600, in the state directory) or a string from the
environment, for containers that keep no files. Both are credentials: they are never
logged, and a bad one stops the service with one line rather than a traceback.

The bot has one session; the reader has one per account (`account` in channels.toml,
since one account joins about 500 channels at most): `main` in TG_USER_SESSION /
TG_USER_SESSION_STRING, any other NAME beside it in `user-NAME.session` /
TG_USER_SESSION_STRING_NAME.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from telethon import TelegramClient, errors
from telethon.crypto import rsa
from telethon.sessions import SQLiteSession, StringSession
from telethon.sessions.abstract import Session

from bot.channels import MAIN_ACCOUNT, Channel
from bot.errors import ConfigError
from bot.settings import Settings, account_string_key

log = logging.getLogger(__name__)

Role = Literal["user", "bot"]

#: Exit status of `frontwatch run` when a credential is refused; the systemd unit does not
#: restart on it, since restarting cannot fix a revoked session or a wrong token.
EXIT_AUTH = 3


class TelegramAuthError(Exception):
    """Telegram refused a credential (revoked session, invalid bot token): one line, exit 3."""


class TelegramUnreachable(Exception):
    """No connection to Telegram at start: one line, exit 1, and systemd tries again later."""


def gave_up(exc: BaseException) -> bool:
    """Telethon's bare ValueError after repeated server errors (when `raise_last_call_error`
    is off, as on a client built elsewhere): a failure of Telegram, not of the request."""
    return isinstance(exc, ValueError) and str(exc).startswith("Request was unsuccessful")


def describe_start_failure(exc: BaseException) -> str | None:
    """One line for a required call at start that Telegram did not answer; None for a bug."""
    if isinstance(exc, (ConnectionError, OSError, asyncio.TimeoutError)) or gave_up(exc):
        return f"lost the connection to Telegram while starting ({type(exc).__name__}: {exc})"
    if isinstance(exc, errors.RPCError):
        return f"Telegram refused a request while starting ({type(exc).__name__}: {exc}); trying again later helps"
    return None


async def connect(client: TelegramClient, role: Role) -> None:
    """Anything but an answer from Telegram while connecting means it is out of reach: refused
    or cut connections, timeouts, a middlebox answering something that is not MTProto."""
    try:
        await client.connect()
    except errors.RPCError:
        raise
    except Exception as exc:
        raise TelegramUnreachable(f"cannot reach Telegram for the {role} session "
                                  f"({type(exc).__name__}: {exc})") from None


def _private_file(path: Path) -> None:
    """Create the session file 0600 before SQLite does, in a 0700 directory.

    SQLite gives its journal the mode of the database file, so the journal stays private too.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def session_path(settings: Settings, role: Role, account: str = MAIN_ACCOUNT) -> Path:
    raw = settings.telegram.user_session if role == "user" else settings.telegram.bot_session
    path = Path(raw)
    path = path if path.name.endswith(".session") else path.with_name(path.name + ".session")
    if role == "user" and account != MAIN_ACCOUNT:
        path = path.with_name(f"{path.name.removesuffix('.session')}-{account}.session")
    return path


def session_string_key(role: Role, account: str = MAIN_ACCOUNT) -> str:
    if role == "bot":
        return "TG_BOT_SESSION_STRING"
    return "TG_USER_SESSION_STRING" if account == MAIN_ACCOUNT else account_string_key(account)


def reader_accounts(channels: list[Channel]) -> list[str]:
    """`main` first (it also serves the bot's /follow), then every account channels.toml names."""
    return [MAIN_ACCOUNT, *sorted({ch.account for ch in channels} - {MAIN_ACCOUNT})]


def check_reader_sessions(settings: Settings, channels: list[Channel], source: str) -> None:
    """Every account a channel names has a session, before any session file is created:
    a missing one would otherwise start as an empty file that cannot log in unattended."""
    for channel in channels:
        account = channel.account
        if account == MAIN_ACCOUNT or settings.telegram.user_session_string_of(account):
            continue
        if not session_path(settings, "user", account).is_file():
            raise ConfigError(source, f"channel {channel.label}",
                              f"names account {account!r}, which has no session: run "
                              f"`frontwatch login --account {account}` (or set {account_string_key(account)})")


def make_session(settings: Settings, role: Role, *, use_string: bool = True, account: str = MAIN_ACCOUNT) -> Session:
    """The session string from the environment when set, the session file otherwise."""
    tg = settings.telegram
    string = tg.user_session_string_of(account) if role == "user" else tg.bot_session_string
    if string and use_string:
        key = session_string_key(role, account)
        try:
            session = StringSession(string.strip())
        except Exception:
            raise ConfigError(settings.env_source, key,
                              "not a Telethon session string (make one with `frontwatch login --print-session`)"
                              ) from None
        if session.auth_key is None:
            raise ConfigError(settings.env_source, key, "the session string holds no login")
        return session
    path = session_path(settings, role, account)
    _private_file(path)
    return SQLiteSession(str(path))


def add_server_key(settings: Settings) -> None:
    """Trust the RSA key of a non-production server (Telegram's test servers publish theirs)."""
    key_file = settings.telegram.server_rsa_key
    if not key_file:
        return
    try:
        pem = Path(key_file).read_bytes()
        rsa.add_key(pem, old=False)
    except OSError as exc:
        raise ConfigError(settings.env_source, "TG_SERVER_RSA_KEY", f"cannot read {key_file}: {exc.strerror}") from None
    except Exception:
        raise ConfigError(settings.env_source, "TG_SERVER_RSA_KEY",
                          f"{key_file} is not an RSA public key in PEM (PKCS#1) form") from None


def point_at_server(client: TelegramClient, settings: Settings) -> None:
    """A server override applies to a session that has not logged in yet.

    A logged-in session already knows its data centre, which may legitimately have moved
    (Telegram migrates accounts between DCs), so it is left alone.
    """
    tg = settings.telegram
    if tg.server_dc and tg.server_address and tg.server_port and client.session.auth_key is None:
        client.session.set_dc(tg.server_dc, tg.server_address, tg.server_port)


class FrontwatchClient(TelegramClient):
    """A TelegramClient that says when it has reconnected on its own.

    Telethon reconnects silently and does not fetch what was missed while it was away;
    the reader needs to know to fill the gap itself. The callbacks run before Telethon's
    own post-reconnect request, so the catch-up is queued before any new update.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.on_reconnected: list[Callable[[], None]] = []

    async def _handle_auto_reconnect(self) -> None:
        for callback in list(self.on_reconnected):
            try:
                callback()
            except Exception:
                log.exception("reconnect callback failed")
        parent = getattr(super(), "_handle_auto_reconnect", None)
        if parent is not None:
            await parent()


def make_client(settings: Settings, role: Role, *, session: Session | None = None,
                client_class: type[TelegramClient] = FrontwatchClient) -> TelegramClient:
    tg = settings.telegram
    tg.require(settings.env_source, "api_id", "api_hash")
    add_server_key(settings)
    client = client_class(
        session if session is not None else make_session(settings, role),
        tg.api_id,
        tg.api_hash,
        device_model="frontwatch",
        app_version="frontwatch",
        # The bot's FloodWaits go to the outbox, which waits with its own clock and keeps
        # the alert queued; the reader lets Telethon absorb short ones while paging history.
        flood_sleep_threshold=0 if role == "bot" else 60,
        connection_retries=5,
        # After its own retries Telethon raises the server's error (an RPCError the callers
        # handle) instead of a bare ValueError that would look like a bug.
        raise_last_call_error=True,
        retry_delay=2,
        auto_reconnect=True,
    )
    point_at_server(client, settings)
    return client


_REVOKED = (errors.AuthKeyUnregisteredError, errors.SessionRevokedError, errors.SessionExpiredError,
            errors.UserDeactivatedError, errors.UserDeactivatedBanError, errors.AuthKeyDuplicatedError)


def describe_auth_failure(exc: BaseException, role: Role) -> str:
    """One sentence an operator can act on; never echoes the credential itself."""
    if role == "bot":
        if isinstance(exc, (errors.AccessTokenInvalidError, errors.AccessTokenExpiredError)):
            return "the bot token was refused by Telegram (TG_BOT_TOKEN); get a valid one from @BotFather"
        return f"the bot session was refused by Telegram ({type(exc).__name__}); delete the bot session and restart"
    if isinstance(exc, errors.AuthKeyDuplicatedError):
        return ("the user session was used from two places at once and Telegram revoked it; "
                "run `frontwatch login` again")
    return f"the user session is not logged in or was revoked ({type(exc).__name__}); run `frontwatch login`"


def is_auth_failure(exc: BaseException) -> bool:
    return isinstance(exc, (*_REVOKED, errors.UnauthorizedError, errors.AccessTokenInvalidError,
                            errors.AccessTokenExpiredError))


async def connect_user(client: TelegramClient) -> None:
    """Connect the reader's session; it must already be logged in by `frontwatch login`."""
    await connect(client, "user")
    try:
        authorized = await client.is_user_authorized()
        me = await client.get_me() if authorized else None
    except errors.RPCError as exc:
        if is_auth_failure(exc):
            raise TelegramAuthError(describe_auth_failure(exc, "user")) from None
        raise
    if not authorized or me is None:
        raise TelegramAuthError("the user session is not logged in or was revoked; run `frontwatch login`")
    if getattr(me, "bot", False):
        raise TelegramAuthError("the user session belongs to a bot; channels must be read by a user account "
                                "(run `frontwatch login` with a phone number)")


async def connect_bot(client: TelegramClient, token: str) -> None:
    """Connect the bot; a fresh session logs in with the token, a stored one is reused."""
    await connect(client, "bot")
    try:
        if not await client.is_user_authorized():
            await client.sign_in(bot_token=token)
        me = await client.get_me()
    except errors.RPCError as exc:
        if is_auth_failure(exc):
            raise TelegramAuthError(describe_auth_failure(exc, "bot")) from None
        raise
    if me is None or not getattr(me, "bot", False):
        raise TelegramAuthError("the bot session is logged in as a user account, not a bot; "
                                "point TG_BOT_SESSION at its own file")
