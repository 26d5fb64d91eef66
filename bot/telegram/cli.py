"""The `login` and `run` subcommands, registered by `bot.cli` when this package is present.

Telethon is imported only when one of them runs: every other command starts without it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable

from bot.channels import MAIN_ACCOUNT, check_account_name
from bot.errors import ConfigError
from bot.settings import DEFAULT_ENV, ROLES, Settings, load_settings


def register(subparsers: argparse._SubParsersAction,
             add_common_options: Callable[[argparse.ArgumentParser], None]) -> None:
    p = subparsers.add_parser("login", help="log the reading account (or the bot) in; writes the session file")
    add_common_options(p, db=None)
    p.add_argument("--bot", action="store_true", help="log the bot in with TG_BOT_TOKEN instead of the user account")
    p.add_argument("--account", type=_account, default=None,
                   help="log in the reading account NAME that channels.toml gives some channels "
                        "(default: the main one); writes user-NAME.session beside the main session")
    p.add_argument("--print-session", action="store_true",
                   help="also print the session string (for TG_USER_SESSION_STRING / TG_BOT_SESSION_STRING)")
    p.set_defaults(handler=cmd_login)

    p = subparsers.add_parser("run", help="the live service: read channels, alert the team, answer commands")
    add_common_options(p)
    p.add_argument("--role", choices=("all", *ROLES), default="all",
                   help="run one part only, for processes on separate machines sharing a PostgreSQL store: "
                        "reader (channels, pipeline, bot commands), sender (the alert outbox), scheduler "
                        "(the daily digest); default all")
    p.set_defaults(handler=cmd_run)


def _account(text: str) -> str:
    problem = check_account_name(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def _logging(settings: Settings) -> None:
    """The service logs at the configured level; Telethon's chatter only when debugging."""
    root = logging.getLogger()
    root.setLevel(settings.log_level)
    for handler in root.handlers:
        handler.setLevel(settings.log_level)
    logging.getLogger("telethon").setLevel(logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING)


def cmd_login(args: argparse.Namespace) -> int:
    from bot.telegram.login import login
    from bot.telegram.sessions import EXIT_AUTH, TelegramAuthError, TelegramUnreachable

    if args.bot and args.account is not None:
        raise ConfigError("command line", "--account", "names a reading account; the bot has one session (--bot)")
    settings = load_settings(args.config, args.env or DEFAULT_ENV, None, env_required=args.env is not None)
    _logging(settings)
    try:
        return asyncio.run(login(settings, "bot" if args.bot else "user", print_session=args.print_session,
                                 account=args.account or MAIN_ACCOUNT))
    except TelegramAuthError as exc:
        print(f"frontwatch: error: {exc}", file=sys.stderr)
        return EXIT_AUTH
    except TelegramUnreachable as exc:
        print(f"frontwatch: error: {exc}", file=sys.stderr)
        return 1
    except (ConnectionError, OSError) as exc:
        print(f"frontwatch: error: cannot reach Telegram ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 1


def cmd_run(args: argparse.Namespace) -> int:
    from bot.service import run_service

    settings = load_settings(args.config, args.env or DEFAULT_ENV, args.db, env_required=args.env is not None)
    _logging(settings)
    return run_service(settings, frozenset(ROLES) if args.role == "all" else frozenset({args.role}))
