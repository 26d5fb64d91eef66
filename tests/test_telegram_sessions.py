"""Sessions from a file or the environment, the server override, and `frontwatch login`."""

from __future__ import annotations

import io
import stat
from dataclasses import replace
from pathlib import Path

import pytest
import rsa as rsa_lib
from telethon.crypto import rsa as tg_rsa
from telethon.sessions import SQLiteSession, StringSession

from bot.cli import build_parser, main
from bot.errors import ConfigError
from bot.settings import Settings
from bot.telegram.login import login
from bot.telegram.sessions import TelegramAuthError, make_client, make_session
from tests.fakes.telegram import FakeClient, FakeTelegram
from tests.fakes.world import live_settings

ROOT_CONFIG = Path(__file__).resolve().parents[1] / "config"


def bound(server: FakeTelegram, *, bot: bool) -> type:
    """A FakeClient built the way `make_client` builds a TelegramClient."""

    class Bound(FakeClient):
        def __init__(self, session, api_id, api_hash, **kwargs):
            super().__init__(server, bot=bot, session=session)

    return Bound


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_session_file_is_created_readable_by_its_owner_only(tmp_path):
    settings = live_settings(tmp_path, ROOT_CONFIG, user_session=str(tmp_path / "state" / "user.session"))
    session = make_session(settings, "user")

    assert isinstance(session, SQLiteSession)
    assert _mode(tmp_path / "state" / "user.session") == 0o600
    assert _mode(tmp_path / "state") == 0o700
    session.close()


def test_a_session_string_from_the_environment_wins_over_the_file(tmp_path):
    source = StringSession()
    source.set_dc(2, "149.154.167.51", 443)
    source.auth_key = __import__("telethon").crypto.AuthKey(b"\x01" * 256)
    settings = live_settings(tmp_path, ROOT_CONFIG, user_session_string=StringSession.save(source))

    session = make_session(settings, "user")
    assert isinstance(session, StringSession) and session.auth_key.key == b"\x01" * 256
    assert not (tmp_path / "user.session").exists()


@pytest.mark.parametrize("value", ["not-a-session", "1" + "A" * 40, "2" + "A" * 352])
def test_a_bad_session_string_is_a_config_error_naming_its_key(tmp_path, value):
    settings = live_settings(tmp_path, ROOT_CONFIG, bot_session_string=value)
    with pytest.raises(ConfigError) as error:
        make_session(settings, "bot")
    assert error.value.where == "TG_BOT_SESSION_STRING"
    assert value not in str(error.value)


async def test_the_server_override_points_a_fresh_session_at_it_and_leaves_a_logged_in_one_alone(tmp_path):
    settings = live_settings(tmp_path, ROOT_CONFIG, server_dc=2, server_address="149.154.167.40", server_port=443)
    fresh = make_client(settings, "bot", session=StringSession())
    assert (fresh.session.dc_id, fresh.session.server_address, fresh.session.port) == (2, "149.154.167.40", 443)

    logged_in = StringSession()
    logged_in.set_dc(4, "149.154.167.91", 443)
    logged_in.auth_key = __import__("telethon").crypto.AuthKey(b"\x02" * 256)
    kept = make_client(settings, "user", session=logged_in)
    assert kept.session.server_address == "149.154.167.91"

    default = make_client(live_settings(tmp_path, ROOT_CONFIG), "bot", session=StringSession())
    # Production is Telethon's own default, filled in at construction (1.39) or on connect (later).
    assert default.session.server_address in (None, "149.154.167.51")


async def test_a_test_servers_rsa_key_is_trusted_and_a_file_that_is_no_key_is_a_config_error(tmp_path):
    public, _ = rsa_lib.newkeys(512)
    key_file = tmp_path / "test-server.pem"
    key_file.write_bytes(public.save_pkcs1())
    settings = live_settings(tmp_path, ROOT_CONFIG, server_rsa_key=str(key_file))
    make_client(settings, "bot", session=StringSession())
    assert tg_rsa._compute_fingerprint(public) in tg_rsa._server_keys

    key_file.write_text("hello")
    with pytest.raises(ConfigError) as error:
        make_client(settings, "bot", session=StringSession())
    assert error.value.where == "TG_SERVER_RSA_KEY"
    missing = replace(settings.telegram, server_rsa_key=str(tmp_path / "nope.pem"))
    with pytest.raises(ConfigError, match="cannot read"):
        make_client(replace(settings, telegram=missing), "bot", session=StringSession())


async def first_user_login(tmp_path, **options) -> tuple[int, io.StringIO, io.StringIO, FakeTelegram, Settings]:
    """A user account logging in for the first time: phone, code, no 2FA."""
    server = FakeTelegram()
    server.user_authorized = False
    settings = live_settings(tmp_path, ROOT_CONFIG)
    answers = iter(["+380501234567", "12345"])
    out, err = io.StringIO(), io.StringIO()
    status = await login(settings, "user", out=out, err=err, ask=lambda prompt: next(answers),
                         ask_secret=lambda prompt: pytest.fail("no 2FA here"),
                         client_class=bound(server, bot=False), **options)
    return status, out, err, server, settings


async def test_login_asks_phone_and_code_and_prints_the_session_string_only_when_asked(tmp_path):
    status, out, err, server, settings = await first_user_login(tmp_path)

    assert status == 0
    assert out.getvalue() == ""
    assert "Logged in as Analyst @analyst" in err.getvalue()
    assert _mode(tmp_path / "user.session") == 0o600

    out, err = io.StringIO(), io.StringIO()
    await login(settings, "user", print_session=True, out=out, err=err, client_class=bound(server, bot=False))
    string = out.getvalue().strip()
    assert StringSession(string).auth_key is not None
    assert string not in err.getvalue()


async def test_login_of_the_bot_with_a_refused_token_is_one_clear_error(tmp_path):
    server = FakeTelegram()
    server.bot_token_valid = False
    settings = live_settings(tmp_path, ROOT_CONFIG)
    with pytest.raises(TelegramAuthError, match="TG_BOT_TOKEN") as error:
        await login(settings, "bot", client_class=bound(server, bot=True))
    assert settings.telegram.bot_token not in str(error.value)


def test_login_and_run_are_frontwatch_subcommands():
    parser = build_parser()
    args = parser.parse_args(["login", "--print-session"])
    assert args.print_session and not args.bot and callable(args.handler)
    assert callable(parser.parse_args(["run"]).handler)


def test_run_without_the_telegram_settings_stops_with_one_line_and_status_2(tmp_path, capsys, monkeypatch):
    for key in ("TG_API_ID", "TG_API_HASH", "TG_BOT_TOKEN", "TG_TEAM_CHAT_ID"):
        monkeypatch.delenv(key, raising=False)
    env = tmp_path / ".env"
    env.write_text("TG_API_HASH=0123456789abcdef0123456789abcdef\n")
    status = main(["run", "--config", str(ROOT_CONFIG), "--env", str(env), "--db", str(tmp_path / "x.sqlite")])

    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "TG_API_ID" in err[0]


def test_env_example_documents_every_setting_the_code_reads():
    import re

    root = Path(__file__).resolve().parents[1]
    source = (root / "bot" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'"((?:TG|FRONTWATCH)_[A-Z_]+)"', source)) - {"TG_SERVER_DC/TG_SERVER_ADDRESS/TG_SERVER_PORT"}
    example = (root / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^((?:TG|FRONTWATCH)_[A-Z_]+)=", example, flags=re.M))
    assert read <= documented, f"undocumented: {sorted(read - documented)}"
    assert not re.search(r"^TG_(API_HASH|BOT_TOKEN|USER_SESSION_STRING|BOT_SESSION_STRING)=\S", example, re.M)
