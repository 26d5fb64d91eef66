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
    status = main(["check", "--config", str(d), "в Купянске"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1 and "alerts.excerpt_chars" in err[0] and "expected an integer" in err[0]


# --- the attack run's bad settings: each refused at start with one line, exit 2 ------------

def run_check(capsys, *args: str) -> tuple[int, str]:
    """`frontwatch check` loads every setting; what it prints on stderr, as one string."""
    status = main(["check", *args, "в Купянске"])
    err = capsys.readouterr().err.strip()
    return status, err


@pytest.mark.parametrize("toml, where", [
    ("[alerts]\nmerge_window_hours = nan\n", "alerts.merge_window_hours"),
    ("[alerts]\nmerge_window_hours = inf\n", "alerts.merge_window_hours"),
    ("[alerts]\nmerge_window_hours = 1e308\n", "alerts.merge_window_hours"),
    ("[alerts]\ncorroboration_window_hours = inf\n", "alerts.corroboration_window_hours"),
    ("[alerts]\nlate_after_minutes = nan\n", "alerts.late_after_minutes"),
    ("[alerts]\nnear_copy_similarity = nan\n", "alerts.near_copy_similarity"),
    ("[alerts]\nrate_limit_per_minute = 9223372036854775807\n", "alerts.rate_limit_per_minute"),
    ("[alerts]\nexcerpt_chars = 100000000\n", "alerts.excerpt_chars"),
    ("[digest]\ntop_channels = -1\n", "digest.top_channels"),
    ("[digest]\ntop_channels = 100000000\n", "digest.top_channels"),
    ("[access]\nadmins = [0]\n", "access.admins"),
    ("[access]\nallowed_users = [-5]\n", "access.allowed_users"),
    ("[tracking]\nplaces = [\"\"]\n", "tracking.places"),
    (f"[alerts]\ntimezone = \"{'Europe/' + 'x' * 300}\"\n", "alerts.timezone"),
    (f"[digest]\ntimezone = \"{'a' * 300}\"\n", "digest.timezone"),
])
def test_a_number_or_name_out_of_range_in_settings_toml_is_refused_at_start(tmp_path, capsys, toml, where):
    status, err = run_check(capsys, "--config", str(config_dir(tmp_path, toml)))
    assert status == 2
    assert len(err.splitlines()) == 1 and where in err and "settings.toml" in err
    assert len(err) < 300


@pytest.mark.parametrize("env_text, key, expected", [
    ("TG_SERVER_DC=2\nTG_SERVER_ADDRESS=127.0.0.1\nTG_SERVER_PORT=999999\n", "TG_SERVER_PORT", "1 to 65535"),
    ("TG_SERVER_PORT=0\n", "TG_SERVER_PORT", "1 to 65535"),
    ("TG_API_ID=-1\n", "TG_API_ID", "expected an integer from 1"),
    ("TG_API_ID=" + "9" * 40 + "\n", "TG_API_ID", "expected an integer"),
    ("TG_TEAM_CHAT_ID=0\n", "TG_TEAM_CHAT_ID", "non-zero"),
    ("TG_TEAM_CHAT_ID=-1001234,99999999999999999999999\n", "TG_TEAM_CHAT_ID", "64 bits"),
    ("FRONTWATCH_ADMINS=-3\n", "FRONTWATCH_ADMINS", "positive user ids"),
    ("FRONTWATCH_ADMIN=123\n", "FRONTWATCH_ADMIN", "did you mean FRONTWATCH_ADMINS"),
    ("TG_BOT_TOKN=1\n", "TG_BOT_TOKN", "did you mean TG_BOT_TOKEN"),
    ("FRONTWATCH_LOG_LEVEL=" + "x" * 5000 + "\n", "FRONTWATCH_LOG_LEVEL", "expected DEBUG"),
])
def test_a_bad_or_unknown_key_in_the_env_file_is_refused_with_its_name(tmp_path, capsys, env_text, key, expected):
    env = tmp_path / "bad.env"
    env.write_text(env_text, encoding="utf-8")
    status, err = run_check(capsys, "--config", str(config_dir(tmp_path)), "--env", str(env))
    assert status == 2
    assert len(err.splitlines()) == 1 and f"bad.env: {key}:" in err and expected in err
    assert len(err) < 300


def test_a_misspelt_frontwatch_variable_in_the_environment_is_refused_with_the_closest_key(tmp_path, capsys,
                                                                                           monkeypatch):
    monkeypatch.setenv("FRONTWATCH_ALLOWED_USER", "5")
    status, err = run_check(capsys, "--config", str(config_dir(tmp_path)))
    assert status == 2
    assert err == ("frontwatch: error: environment: FRONTWATCH_ALLOWED_USER: unknown setting; "
                   "did you mean FRONTWATCH_ALLOWED_USERS?")


def test_an_env_file_that_is_not_utf8_or_is_a_folder_is_refused_in_one_line(tmp_path, capsys):
    env = tmp_path / "latin.env"
    env.write_bytes("TG_API_ID=1\nFRONTWATCH_LOG_LEVEL=d\xe9bug\n".encode("latin-1"))
    status, err = run_check(capsys, "--config", str(config_dir(tmp_path)), "--env", str(env))
    assert status == 2 and err.endswith("latin.env: not UTF-8 text (invalid continuation byte at byte 34)")
    folder = tmp_path / "folder.env"
    folder.mkdir()
    status, err = run_check(capsys, "--config", str(tmp_path / "config"), "--env", str(folder))
    assert status == 2 and err.endswith("folder.env: is a folder, expected a file of KEY=value lines")


def test_env_naming_a_missing_file_is_an_error_but_a_missing_default_env_is_not(tmp_path, capsys, monkeypatch):
    d = config_dir(tmp_path)
    status, err = run_check(capsys, "--config", str(d), "--env", str(tmp_path / "typo.env"))
    assert status == 2 and "typo.env: file not found" in err
    monkeypatch.chdir(tmp_path)
    status, err = run_check(capsys, "--config", str(d))
    assert status == 0 and err == ""


@pytest.mark.parametrize("entry, where", [
    ('id = 0\nside = "ru"', "channel #1.id"),
    ('id = -9223372036854775808\nside = "ru"', "channel #1.id"),
    ('username = "ok"\nname = ""', "channel #1.name"),
    ('username = "ok"\nname = "   "', "channel #1.name"),
    ('username = ""', "channel #1.username"),
])
def test_a_channel_with_id_zero_or_an_empty_name_is_refused(tmp_path, entry, where):
    from bot.channels import load_channels

    d = config_dir(tmp_path, channels_toml=f"[[channel]]\n{entry}\n")
    with pytest.raises(ConfigError) as err:
        load_channels(d / "channels.toml")
    assert where in str(err.value)


@pytest.mark.parametrize("rules, where", [
    ('[[topics.gone.rules]]\nlang = "ru"\nmatch = []\n', "topics.gone.rules[0].match"),
    ("rules = []\n", "topics.gone.rules"),
])
def test_a_topic_rule_with_nothing_to_match_is_refused(tmp_path, capsys, rules, where):
    d = config_dir(tmp_path)
    (d / "topics.toml").write_text(f"[topics.gone]\ntitle = \"Gone\"\n{rules}", encoding="utf-8")
    status, err = run_check(capsys, "--config", str(d))
    assert status == 2 and "topics.toml" in err and where in err


def test_run_checks_every_setting_before_it_creates_a_session_file(tmp_path, capsys, monkeypatch):
    for key in ("TG_USER_SESSION_STRING", "TG_BOT_SESSION_STRING"):
        monkeypatch.delenv(key, raising=False)
    d = config_dir(tmp_path, channels_toml="[[channel]]\nid = 0\n")
    env = tmp_path / "run.env"
    env.write_text("TG_API_ID=12345\nTG_API_HASH=0123456789abcdef0123456789abcdef\n"
                   "TG_BOT_TOKEN=123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nTG_TEAM_CHAT_ID=-1001234567890\n"
                   f"TG_USER_SESSION={tmp_path / 'user.session'}\nTG_BOT_SESSION={tmp_path / 'bot.session'}\n",
                   encoding="utf-8")
    status = main(["run", "--config", str(d), "--env", str(env), "--db", str(tmp_path / "fw.sqlite")])
    err = capsys.readouterr().err.strip()
    assert status == 2 and "channel #1.id" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config", "run.env"]


@pytest.mark.parametrize("name", ["settings.toml", "places.toml", "topics.toml"])
def test_a_config_file_that_is_a_folder_is_refused_in_one_line(tmp_path, capsys, name):
    d = config_dir(tmp_path)
    (d / name).unlink(missing_ok=True)
    (d / name).mkdir()
    status, err = run_check(capsys, "--config", str(d))
    assert status == 2 and len(err.splitlines()) == 1
    assert f"{name}: is a folder" in err or f"{name}: cannot read: Is a directory" in err


def test_run_with_a_broken_bot_session_string_creates_no_user_session_file(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TG_USER_SESSION_STRING", raising=False)
    env = tmp_path / "run.env"
    env.write_text("TG_API_ID=12345\nTG_API_HASH=0123456789abcdef0123456789abcdef\n"
                   "TG_TEAM_CHAT_ID=-1001234567890\nTG_BOT_SESSION_STRING=not-a-session\n"
                   f"TG_USER_SESSION={tmp_path / 'user.session'}\n", encoding="utf-8")
    status = main(["run", "--config", str(ROOT / "config"), "--env", str(env), "--db", str(tmp_path / "fw.sqlite")])
    err = capsys.readouterr().err.strip()
    assert status == 2 and "TG_BOT_SESSION_STRING" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.env"]


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
