"""`frontwatch login`: the first login of a reading account (or the bot) from a terminal.

`--account NAME` logs in a further reading account (channels.toml gives each channel its
account), into its own session beside the main one.

The session is written to its file with mode 0600. Its string form is printed only when
asked (`--print-session`), to stdout and nowhere else, for deployments that keep no
files; it is never logged.
"""

from __future__ import annotations

import contextlib
import getpass
import sys
from collections.abc import Callable
from typing import TextIO

from telethon import TelegramClient, errors
from telethon.sessions import StringSession

from bot.channels import MAIN_ACCOUNT
from bot.settings import Settings
from bot.telegram.sessions import (
    FrontwatchClient,
    Role,
    TelegramAuthError,
    connect,
    describe_auth_failure,
    is_auth_failure,
    make_client,
    make_session,
    session_path,
    session_string_key,
)


async def login(settings: Settings, role: Role, *, print_session: bool = False, out: TextIO = sys.stdout,
                err: TextIO = sys.stderr, ask: Callable[[str], str] = input,
                ask_secret: Callable[[str], str] = getpass.getpass,
                client_class: type[TelegramClient] = FrontwatchClient, account: str = MAIN_ACCOUNT) -> int:
    tg = settings.telegram
    if role == "bot":
        tg.require(settings.env_source, "api_id", "api_hash", "bot_token")
    else:
        tg.require(settings.env_source, "api_id", "api_hash")
    client = make_client(settings, role, session=make_session(settings, role, use_string=False, account=account),
                         client_class=client_class)
    try:
        await connect(client, role)
        # Telethon greets on stdout; stdout is kept for the session string alone.
        with contextlib.redirect_stdout(err):
            if role == "bot":
                await client.start(bot_token=tg.bot_token)
            else:
                await client.start(
                    phone=lambda: ask("Phone number of the reading account (international form, +…): ").strip(),
                    code_callback=lambda: ask("Login code Telegram sent to the account: ").strip(),
                    password=lambda: ask_secret("Two-step verification password: "),
                )
        me = await client.get_me()
        if role == "user" and getattr(me, "bot", False):
            raise TelegramAuthError("that is a bot token; the reading session must be a user account")
        name = " ".join(p for p in (getattr(me, "first_name", None), getattr(me, "last_name", None)) if p) or "?"
        handle = f" @{me.username}" if getattr(me, "username", None) else ""
        which = f" for account {account!r}" if role == "user" and account != MAIN_ACCOUNT else ""
        print(f"Logged in as {name}{handle} (id {me.id}){which}. Session saved in "
              f"{session_path(settings, role, account)} (readable by you only).", file=err)
        if print_session:
            key = session_string_key(role, account)
            print(f"The session string follows on stdout; it is as good as a password. Put it in {key} "
                  "and keep it out of logs and the repository.", file=err)
            print(StringSession.save(client.session), file=out)
        return 0
    except errors.RPCError as exc:
        if is_auth_failure(exc):
            raise TelegramAuthError(describe_auth_failure(exc, role)) from None
        raise TelegramAuthError(f"Telegram refused the login: {type(exc).__name__}") from None
    finally:
        await client.disconnect()
