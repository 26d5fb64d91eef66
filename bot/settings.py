"""Settings: secrets and deployment facts from `.env`, behaviour from `config/settings.toml`.

Everything is checked before anything starts; a bad value stops the program with one
line naming the file and key (see `bot.errors.ConfigError`).
"""

from __future__ import annotations

import difflib
import io
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.channels import MAIN_ACCOUNT, check_account_name
from bot.claims import ALERT_ON
from bot.errors import ConfigError
from bot.store.location import parse_target
from bot.tomlconf import check_table, load_toml
from bot.web.access import is_loopback


@dataclass(frozen=True, slots=True)
class AlertSettings:
    timezone: str = "Europe/Kyiv"
    merge_window_hours: float = 24.0
    near_copy_similarity: float = 0.75
    corroboration_window_hours: float = 6.0
    rate_limit_per_minute: int = 20
    late_after_minutes: float = 60.0
    excerpt_chars: int = 700
    alert_on: str = "events_and_tracked"


@dataclass(frozen=True, slots=True)
class DigestSettings:
    time: str = "08:00"
    timezone: str = "Europe/Kyiv"
    top_channels: int = 5

    @property
    def hour_minute(self) -> tuple[int, int]:
        hour, minute = self.time.split(":")
        return int(hour), int(minute)


@dataclass(frozen=True, slots=True)
class AccessSettings:
    admins: tuple[int, ...] = ()
    allowed_users: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    """Secrets carry repr=False so a settings object printed in a log leaks nothing."""

    api_id: int | None = None
    api_hash: str | None = field(default=None, repr=False)
    bot_token: str | None = field(default=None, repr=False)
    team_chat_ids: tuple[int, ...] = ()
    user_session: str = "var/user.session"
    user_session_string: str | None = field(default=None, repr=False)
    bot_session: str = "var/bot.session"
    bot_session_string: str | None = field(default=None, repr=False)
    #: (account, session string) of reader accounts beside the main one, from
    #: TG_USER_SESSION_STRING_<ACCOUNT>.
    account_session_strings: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    server_dc: int | None = None
    server_address: str | None = None
    server_port: int | None = None
    server_rsa_key: str | None = None
    sweep_minutes: float = 20.0
    recheck_hours: float = 12.0

    def user_session_string_of(self, account: str) -> str | None:
        if account == MAIN_ACCOUNT:
            return self.user_session_string
        return dict(self.account_session_strings).get(account)

    def require(self, source: str, *names: str) -> None:
        env_names = {"api_id": "TG_API_ID", "api_hash": "TG_API_HASH", "bot_token": "TG_BOT_TOKEN",
                     "team_chat_ids": "TG_TEAM_CHAT_ID"}
        for name in names:
            if not getattr(self, name):
                raise ConfigError(source, env_names.get(name, name), "missing; see .env.example")


@dataclass(frozen=True, slots=True)
class Settings:
    config_dir: Path
    #: a SQLite file, or a `postgresql://` URL (kept as text: a Path would fold its `//`); its
    #: password must not reach a log, so it stays out of the repr
    db_path: Path | str = field(repr=False)
    alerts: AlertSettings = AlertSettings()
    digest: DigestSettings = DigestSettings()
    access: AccessSettings = AccessSettings()
    telegram: TelegramSettings = TelegramSettings()
    tracked_places: tuple[str, ...] | None = None
    log_level: str = "INFO"
    env_source: str = ".env"
    web_token: str | None = field(default=None, repr=False)
    web_listen: tuple[str, int] | None = None  # `frontwatch run` serves the web app here when set
    web_url: str | None = None  # how the team reaches it, for the link /web gives
    #: tells two processes of one role on one host apart in outbox claims and the digest lease
    instance: str | None = None


_ALERT_SPEC: dict[str, Any] = {
    "timezone": str, "merge_window_hours": float, "near_copy_similarity": float,
    "corroboration_window_hours": float, "rate_limit_per_minute": int, "late_after_minutes": float,
    "excerpt_chars": int, "alert_on": str,
}
_DIGEST_SPEC: dict[str, Any] = {"time": str, "timezone": str, "top_channels": int}
_ACCESS_SPEC: dict[str, Any] = {"admins": list, "allowed_users": list}
_TRACKING_SPEC: dict[str, Any] = {"places": (str, list)}


#: Numbers in settings.toml: (smallest, largest, unit). Open at 0 where 0 would switch a
#: feature off silently; the upper ends keep the arithmetic that follows (datetime
#: windows, message sizes) inside what it can represent.
_ALERT_RANGES: dict[str, tuple[float, float, str]] = {
    "merge_window_hours": (0, 720, "hours"),
    "corroboration_window_hours": (0, 720, "hours"),
    "late_after_minutes": (0, 10080, "minutes"),
    "near_copy_similarity": (0, 1, ""),
    "rate_limit_per_minute": (2, 1000, "alerts"),
    "excerpt_chars": (80, 3000, "characters"),
}
_OPEN_AT_LOW_END = {"merge_window_hours", "corroboration_window_hours", "late_after_minutes", "near_copy_similarity"}
_TOP_CHANNELS = (1, 50)
#: Telegram user and chat ids are signed 64-bit integers in the API.
_MAX_ID = 2**63 - 1


def _in_range(source: Path, where: str, value: float, low: float, high: float, unit: str, *,
              open_low: bool) -> None:
    too_low = value <= low if open_low else value < low
    if not math.isfinite(value) or too_low or value > high:
        what = f" {unit}" if unit else ""
        wanted = f"a positive number up to {high:g}" if open_low and low == 0 else f"a number from {low:g} to {high:g}"
        raise ConfigError(str(source), where, f"expected {wanted}{what}, got {value!r}")


def check_timezone(source: Path | str, where: str | None, name: str) -> str:
    """An IANA zone name; a long one would reach the file system (ENAMETOOLONG) as a traceback."""
    if len(name) > 64:
        raise ConfigError(str(source), where, f"unknown time zone {name[:40]!r}… ({len(name)} characters; "
                                              "expected e.g. 'Europe/Kyiv')")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigError(str(source), where, f"unknown time zone {name!r} (expected e.g. 'Europe/Kyiv')") from None
    return name


def _ids(source: Path, where: str, values: list[Any]) -> tuple[int, ...]:
    for v in values:
        if not isinstance(v, int) or isinstance(v, bool):
            raise ConfigError(str(source), where, f"expected a list of numeric Telegram user ids, got {v!r}")
        if not 0 < v <= _MAX_ID:
            raise ConfigError(str(source), where, f"expected positive Telegram user ids, got {v!r}")
    return tuple(values)


def load_behaviour(path: Path) -> tuple[AlertSettings, DigestSettings, AccessSettings, tuple[str, ...] | None]:
    if not path.exists():
        return AlertSettings(), DigestSettings(), AccessSettings(), None
    data = load_toml(path)
    check_table(path, "", data, {"alerts": dict, "digest": dict, "access": dict, "tracking": dict})
    a = check_table(path, "alerts", data.get("alerts", {}), _ALERT_SPEC)
    d = check_table(path, "digest", data.get("digest", {}), _DIGEST_SPEC)
    c = check_table(path, "access", data.get("access", {}), _ACCESS_SPEC)
    t = check_table(path, "tracking", data.get("tracking", {}), _TRACKING_SPEC)
    alerts = AlertSettings(**{k: (float(v) if _ALERT_SPEC[k] is float else v) for k, v in a.items()})
    check_timezone(path, "alerts.timezone", alerts.timezone)
    for key, (low, high, unit) in _ALERT_RANGES.items():
        _in_range(path, f"alerts.{key}", getattr(alerts, key), low, high, unit, open_low=key in _OPEN_AT_LOW_END)
    if alerts.alert_on not in ALERT_ON:
        raise ConfigError(str(path), "alerts.alert_on",
                          f"expected one of {', '.join(ALERT_ON)}, got {alerts.alert_on[:40]!r}")
    digest = DigestSettings(**d)
    _in_range(path, "digest.top_channels", digest.top_channels, *_TOP_CHANNELS, "channels", open_low=False)
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", digest.time):
        raise ConfigError(str(path), "digest.time", f"expected HH:MM (24-hour), got {digest.time!r}")
    check_timezone(path, "digest.timezone", digest.timezone)
    access = AccessSettings(admins=_ids(path, "access.admins", c.get("admins", [])),
                            allowed_users=_ids(path, "access.allowed_users", c.get("allowed_users", [])))
    tracked: tuple[str, ...] | None = None
    places = t.get("places", "all")
    if isinstance(places, str):
        if places != "all":
            raise ConfigError(str(path), "tracking.places", f'expected "all" or a list of place ids, got {places!r}')
    else:
        if not all(isinstance(p, str) and p.strip() for p in places):
            raise ConfigError(str(path), "tracking.places", "expected a list of place ids (non-empty strings)")
        tracked = tuple(places)
    return alerts, digest, access, tracked


def _shown(raw: str) -> str:
    return repr(raw) if len(raw) <= 40 else f"{raw[:40]!r}… ({len(raw)} characters)"


def _instance_env(source: str, env: dict[str, str]) -> str | None:
    value = (env.get("FRONTWATCH_INSTANCE") or "").strip()
    if value and not re.fullmatch(r"[A-Za-z0-9._-]{1,40}", value):
        raise ConfigError(source, "FRONTWATCH_INSTANCE", f"expected up to 40 letters, digits, '.', '_' or '-',"
                                                         f" got {_shown(value)}")
    return value or None


def _int_env(source: str, env: dict[str, str], key: str, low: int, high: int) -> int | None:
    raw = env.get(key, "").strip()
    if not raw:
        return None
    try:
        value = int(raw) if len(raw) <= 30 else None
    except ValueError:
        value = None
    if value is None:
        raise ConfigError(source, key, f"expected an integer, got {_shown(raw)}")
    if not low <= value <= high:
        raise ConfigError(source, key, f"expected an integer from {low} to {high}, got {value}")
    return value


def _id_list_env(source: str, env: dict[str, str], key: str, *, signed: bool) -> tuple[int, ...]:
    """User ids are positive; chat ids (Bot API form) negative for groups; 0 is no one."""
    raw = env.get(key, "").strip()
    if not raw:
        return ()
    out = []
    for part in raw.split(","):
        part = part.strip()
        try:
            value = int(part) if len(part) <= 30 else None
        except ValueError:
            value = None
        if value is None:
            raise ConfigError(source, key, f"expected comma-separated numeric ids, got {_shown(part)}")
        if value == 0 or abs(value) > _MAX_ID or (value < 0 and not signed):
            kind = "non-zero chat ids" if signed else "positive user ids"
            raise ConfigError(source, key, f"expected {kind} of at most 64 bits, got {value}")
        out.append(value)
    return tuple(out)


def _duration_env(source: str, env: dict[str, str], key: str, default: float, unit: str, maximum: float) -> float:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(source, key, f"expected a number of {unit}, got {raw!r}") from None
    if not math.isfinite(value) or value < 0 or value > maximum:
        raise ConfigError(source, key, f"expected 0 (off) or a positive number of {unit} up to {maximum:g}")
    return value


#: Every key frontwatch reads from `.env` or the environment. Anything else with our
#: prefixes is a typo, and a typo silently ignored leaves a setting out of force.
ENV_KEYS = (
    "TG_API_ID", "TG_API_HASH", "TG_BOT_TOKEN", "TG_TEAM_CHAT_ID",
    "TG_USER_SESSION", "TG_USER_SESSION_STRING", "TG_BOT_SESSION", "TG_BOT_SESSION_STRING",
    "TG_SERVER_DC", "TG_SERVER_ADDRESS", "TG_SERVER_PORT", "TG_SERVER_RSA_KEY",
    "FRONTWATCH_CONFIG", "FRONTWATCH_DB", "FRONTWATCH_ADMINS", "FRONTWATCH_ALLOWED_USERS",
    "FRONTWATCH_LOG_LEVEL", "FRONTWATCH_SWEEP_MINUTES", "FRONTWATCH_RECHECK_HOURS",
    "FRONTWATCH_WEB_LISTEN", "FRONTWATCH_WEB_TOKEN", "FRONTWATCH_WEB_URL", "FRONTWATCH_INSTANCE",
)
DEFAULT_ENV = Path(".env")
#: The parts of `frontwatch run` that can run as processes of their own on one shared store.
ROLES = ("reader", "sender", "scheduler")
#: The session string of reader account NAME is the main one's key + _NAME (NAME lower-case
#: in channels.toml, upper-case here).
USER_STRING_KEY = "TG_USER_SESSION_STRING"
ACCOUNT_STRING_PREFIX = USER_STRING_KEY + "_"


def account_string_key(account: str) -> str:
    return ACCOUNT_STRING_PREFIX + account.upper()


def _account_of_key(key: str) -> str | None:
    """The account a TG_USER_SESSION_STRING_<NAME> key is for, or None if it names none."""
    if not key.startswith(ACCOUNT_STRING_PREFIX):
        return None
    account = key[len(ACCOUNT_STRING_PREFIX):].lower()
    if account == MAIN_ACCOUNT or check_account_name(account) is not None or key != account_string_key(account):
        return None
    return account


def _check_keys(source: str, keys: list[str]) -> None:
    for key in keys:
        if key.startswith(("TG_", "FRONTWATCH_")) and key not in ENV_KEYS and _account_of_key(key) is None:
            closest = difflib.get_close_matches(key, ENV_KEYS, n=1, cutoff=0.5)
            hint = f"; did you mean {closest[0]}?" if closest else "; see .env.example"
            raise ConfigError(source, key[:60], f"unknown setting{hint}")


def _env_text(env_file: Path) -> str:
    try:
        return env_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(str(env_file), None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except IsADirectoryError:
        raise ConfigError(str(env_file), None, "is a folder, expected a file of KEY=value lines") from None
    except OSError as exc:
        raise ConfigError(str(env_file), None, f"cannot read ({exc.strerror})") from None


def read_env(env_file: Path | None, *, required: bool = True) -> tuple[dict[str, str], str]:
    """`.env` values overlaid by the process environment (a container sets the latter).

    A file named on purpose must exist; the default `.env` may be absent (a container
    passes everything in the environment)."""
    values: dict[str, str] = {}
    source = "environment"
    if env_file is not None and (required or env_file.exists() or env_file.is_symlink()):
        if not env_file.exists() and not env_file.is_symlink():
            raise ConfigError(str(env_file), None, "file not found (--env names the file of settings)")
        source = str(env_file)
        text = _env_text(env_file)
        for lineno, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped and not stripped.startswith("#") and "=" not in stripped:
                raise ConfigError(source, f"line {lineno}", "expected KEY=value")
        values = {k: v for k, v in dotenv_values(stream=io.StringIO(text)).items() if v is not None}
        _check_keys(source, list(values))
    ours = {k: v for k, v in os.environ.items() if k.startswith(("TG_", "FRONTWATCH_"))}
    _check_keys("environment", sorted(ours))
    values.update(ours)
    return values, source


def load_settings(config_dir: Path | None = None, env_file: Path | None = DEFAULT_ENV,
                  db_path: Path | str | None = None, *, env_required: bool = False) -> Settings:
    """`env_required`: the caller named `env_file` itself (`--env`), so its absence is an error."""
    env, source = read_env(env_file, required=env_required)
    for key in ("TG_USER_SESSION", "TG_BOT_SESSION", "TG_SERVER_ADDRESS", "TG_SERVER_RSA_KEY", "FRONTWATCH_CONFIG",
                "FRONTWATCH_DB"):
        if key in env and "\0" in env[key]:
            raise ConfigError(source, key, "contains a NUL character")
    config_dir = Path(config_dir or env.get("FRONTWATCH_CONFIG") or "config")
    if not config_dir.is_dir():
        raise ConfigError(str(config_dir), None, "config directory not found")
    alerts, digest, access, tracked = load_behaviour(config_dir / "settings.toml")
    api_hash = env.get("TG_API_HASH") or None
    if api_hash is not None and not re.fullmatch(r"[0-9a-f]{32}", api_hash):
        raise ConfigError(source, "TG_API_HASH", "expected 32 hexadecimal characters from my.telegram.org")
    bot_token = env.get("TG_BOT_TOKEN") or None
    if bot_token is not None and not re.fullmatch(r"\d+:[A-Za-z0-9_-]{30,}", bot_token):
        raise ConfigError(source, "TG_BOT_TOKEN", "expected the token @BotFather gave, like 123456:ABC…")
    telegram = TelegramSettings(
        api_id=_int_env(source, env, "TG_API_ID", 1, 2**31 - 1),
        api_hash=api_hash,
        bot_token=bot_token,
        team_chat_ids=_id_list_env(source, env, "TG_TEAM_CHAT_ID", signed=True),
        user_session=env.get("TG_USER_SESSION") or "var/user.session",
        user_session_string=env.get("TG_USER_SESSION_STRING") or None,
        bot_session=env.get("TG_BOT_SESSION") or "var/bot.session",
        bot_session_string=env.get("TG_BOT_SESSION_STRING") or None,
        account_session_strings=tuple(sorted((account, value) for key, value in env.items()
                                             if (account := _account_of_key(key)) is not None and value)),
        server_dc=_int_env(source, env, "TG_SERVER_DC", 1, 1000),
        server_address=env.get("TG_SERVER_ADDRESS") or None,
        server_port=_int_env(source, env, "TG_SERVER_PORT", 1, 65535),
        server_rsa_key=env.get("TG_SERVER_RSA_KEY") or None,
        sweep_minutes=_duration_env(source, env, "FRONTWATCH_SWEEP_MINUTES", 20.0, "minutes", 1440),
        recheck_hours=_duration_env(source, env, "FRONTWATCH_RECHECK_HOURS", 12.0, "hours", 720),
    )
    if any((telegram.server_dc, telegram.server_address, telegram.server_port)) and not all(
        (telegram.server_dc, telegram.server_address, telegram.server_port)
    ):
        raise ConfigError(source, "TG_SERVER_DC/TG_SERVER_ADDRESS/TG_SERVER_PORT", "set all three or none")
    admins = access.admins + _id_list_env(source, env, "FRONTWATCH_ADMINS", signed=False)
    allowed = access.allowed_users + _id_list_env(source, env, "FRONTWATCH_ALLOWED_USERS", signed=False)
    level = (env.get("FRONTWATCH_LOG_LEVEL") or "INFO").strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(source, "FRONTWATCH_LOG_LEVEL",
                          f"expected DEBUG, INFO, WARNING or ERROR, got {_shown(level)}")
    return Settings(
        config_dir=config_dir,
        db_path=parse_target(db_path or env.get("FRONTWATCH_DB") or "var/frontwatch.sqlite"),
        instance=_instance_env(source, env),
        alerts=alerts,
        digest=digest,
        access=AccessSettings(admins=admins, allowed_users=allowed),
        telegram=telegram,
        tracked_places=tracked,
        log_level=level,
        env_source=source,
        web_token=env.get("FRONTWATCH_WEB_TOKEN") or None,
        web_listen=_listen_env(source, env, "FRONTWATCH_WEB_LISTEN"),
        web_url=(env.get("FRONTWATCH_WEB_URL") or "").rstrip("/") or None,
    )


def _listen_env(source: str, env: dict[str, str], key: str) -> tuple[str, int] | None:
    raw = env.get(key, "").strip()
    if not raw:
        return None
    host, sep, port = raw.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536 or not host:
        raise ConfigError(source, key, f"expected HOST:PORT like 127.0.0.1:8765, got {raw!r}")
    host = host.strip("[]")
    if not is_loopback(host) and not env.get("FRONTWATCH_WEB_TOKEN"):
        raise ConfigError(source, key, f"{host} is not a loopback address: set FRONTWATCH_WEB_TOKEN too, so that "
                                       "only holders of the link can read the archive")
    return host, int(port)
