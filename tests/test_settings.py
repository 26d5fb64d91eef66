"""Bad settings stop the program with one line naming the file and key, exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import ConfigError
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


def config_dir(tmp_path: Path, settings_toml: str | None = None, channels_toml: str | None = None) -> Path:
    d = tmp_path / "config"
    d.mkdir()
    for name in ("places.toml", "topics.toml"):
        (d / name).write_text((ROOT / "config" / name).read_text(encoding="utf-8"), encoding="utf-8")
    if settings_toml is not None:
        (d / "settings.toml").write_text(settings_toml, encoding="utf-8")
    (d / "channels.toml").write_text(channels_toml or "", encoding="utf-8")
    return d


def test_defaults_apply_when_there_is_no_settings_file(tmp_path):
    s = load_settings(config_dir(tmp_path), env_file=None)
    assert s.alerts.rate_limit_per_minute == 20 and s.digest.time == "08:00"
    assert s.digest.timezone == "Europe/Kyiv"


@pytest.mark.parametrize("toml, where, expected", [
    ("[alerts]\nrate_limit_per_minte = 5\n", "alerts.rate_limit_per_minte", "unknown key"),
    ("[alerts]\nrate_limit_per_minute = \"fast\"\n", "alerts.rate_limit_per_minute", "expected an integer"),
    ("[digest]\ntime = \"8am\"\n", "digest.time", "HH:MM"),
    ("[digest]\ntimezone = \"Mars/Olympus\"\n", "digest.timezone", "unknown time zone"),
    ("[alerts]\ncorroboration_window_hours = -1\n", "alerts.corroboration_window_hours", "positive"),
    ("[access]\nadmins = [\"boss\"]\n", "access.admins", "numeric"),
    ("[nonsense]\n", "nonsense", "unknown key"),
    ("[alerts]\nalert_on = \"claims\"\n", "alerts.alert_on",
     "expected one of events, events_and_tracked, everything, got 'claims'"),
    ("[alerts]\nalert_on = 1\n", "alerts.alert_on", "expected"),
])
def test_a_bad_value_names_its_file_and_key(tmp_path, toml, where, expected):
    d = config_dir(tmp_path, toml)
    with pytest.raises(ConfigError) as err:
        load_settings(d, env_file=None)
    message = str(err.value)
    assert str(d / "settings.toml") in message and where in message and expected in message


@pytest.mark.parametrize("value", ["events", "events_and_tracked", "everything"])
def test_each_choice_of_what_alerts_is_accepted(tmp_path, value):
    s = load_settings(config_dir(tmp_path, f"[alerts]\nalert_on = \"{value}\"\n"), env_file=None)
    assert s.alerts.alert_on == value


def test_by_default_claims_and_mentions_of_tracked_places_alert(tmp_path):
    assert load_settings(config_dir(tmp_path), env_file=None).alerts.alert_on == "events_and_tracked"
    assert load_settings(ROOT / "config", env_file=None).alerts.alert_on == "events_and_tracked"


def test_a_toml_syntax_error_names_the_line(tmp_path):
    d = config_dir(tmp_path, "[alerts]\nrate_limit_per_minute = 20\ntimezone = Europe/Kyiv\n")
    with pytest.raises(ConfigError, match=r"settings.toml: TOML syntax error: .*line 3"):
        load_settings(d, env_file=None)


def test_a_malformed_env_line_and_a_bad_env_value_are_named(tmp_path):
    d = config_dir(tmp_path)
    env = tmp_path / ".env"
    env.write_text("TG_API_ID=123\nthis line is wrong\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\.env: line 2: expected KEY=value"):
        load_settings(d, env_file=env)
    env.write_text("TG_API_ID=twelve\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\.env: TG_API_ID: expected an integer"):
        load_settings(d, env_file=env)


def test_secrets_do_not_appear_when_settings_are_printed(tmp_path):
    env = tmp_path / ".env"
    env.write_text("TG_API_ID=123\nTG_API_HASH=0123456789abcdef0123456789abcdef\n"
                   "TG_BOT_TOKEN=123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", encoding="utf-8")
    s = load_settings(config_dir(tmp_path), env_file=env)
    assert s.telegram.api_hash and s.telegram.bot_token
    text = repr(s)
    assert "0123456789abcdef" not in text and "AAAAAAAA" not in text


def test_a_bad_channel_entry_is_named_by_its_position(tmp_path):
    from bot.channels import load_channels

    d = config_dir(tmp_path, channels_toml='[[channel]]\nusername = "ok"\nside = "ru"\n\n'
                                           '[[channel]]\nusername = "bad"\nside = "blue"\n')
    with pytest.raises(ConfigError, match=r"channel #2.side: expected one of ru, ua, other"):
        load_channels(d / "channels.toml")


def test_the_command_line_prints_one_line_and_exits_2_on_bad_config(tmp_path, capsys):
    d = config_dir(tmp_path, "[alerts]\nexcerpt_chars = \"long\"\n")
    status = main(["check", "--config", str(d), "--env", str(tmp_path / "none.env"), "в Купянске"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1 and "alerts.excerpt_chars" in err[0] and "expected an integer" in err[0]


def test_serving_the_web_app_off_loopback_needs_a_token_and_the_token_is_never_printed(tmp_path, monkeypatch):
    for key in ("FRONTWATCH_WEB_LISTEN", "FRONTWATCH_WEB_TOKEN", "FRONTWATCH_WEB_URL"):
        monkeypatch.delenv(key, raising=False)
    d = config_dir(tmp_path)
    env = tmp_path / ".env"
    env.write_text("FRONTWATCH_WEB_LISTEN=0.0.0.0:8765\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\.env: FRONTWATCH_WEB_LISTEN: 0\.0\.0\.0 is not a loopback address"):
        load_settings(d, env_file=env)
    env.write_text("FRONTWATCH_WEB_LISTEN=8765\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"FRONTWATCH_WEB_LISTEN: expected HOST:PORT"):
        load_settings(d, env_file=env)
    env.write_text("FRONTWATCH_WEB_LISTEN=0.0.0.0:8765\nFRONTWATCH_WEB_TOKEN=tok-0123456789\n", encoding="utf-8")
    s = load_settings(d, env_file=env)
    assert s.web_listen == ("0.0.0.0", 8765) and "tok-0123456789" not in repr(s)
    env.write_text("FRONTWATCH_WEB_LISTEN=127.0.0.1:8765\n", encoding="utf-8")
    assert load_settings(d, env_file=env).web_listen == ("127.0.0.1", 8765)
