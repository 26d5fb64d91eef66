"""Followed channels: who they are, which side they speak for, what kind of voice they are,
and which reader account follows them (an account can join only about 500 channels)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError
from bot.post import bare_channel_id
from bot.tomlconf import check_table, load_toml

SIDES = ("ru", "ua", "other")
KINDS = ("milblogger", "official", "media")
#: Bot API form `-100…` of a 64-bit id is still below this; 0 is no channel at all.
MAX_CHANNEL_ID = 2**63 - 1
#: The reader account of a channel that names none: TG_USER_SESSION / TG_USER_SESSION_STRING.
MAIN_ACCOUNT = "main"
#: Account names become part of a file name and of an environment key.
ACCOUNT_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")


def check_account_name(name: str) -> str | None:
    """None when usable, else why not."""
    if not ACCOUNT_NAME.fullmatch(name):
        return (f"expected an account name of lower-case letters, digits and _ (starting with a letter, "
                f"at most 32), got {name[:40]!r}")
    return None


@dataclass(frozen=True, slots=True)
class Channel:
    username: str | None
    id: int | None
    name: str
    side: str
    kind: str
    account: str = MAIN_ACCOUNT

    @property
    def label(self) -> str:
        return f"@{self.username}" if self.username else str(self.id)


def parse_channel_ref(ref: str) -> tuple[str | None, int | None]:
    """`@name`, `name`, `t.me/name`, `-100123…` or `123…` to (username, bare id)."""
    ref = ref.strip()
    for prefix in ("https://", "http://"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
    if ref.startswith("t.me/"):
        ref = ref[5:].split("/")[0]
    ref = ref.lstrip("@")
    if ref.lstrip("-").isdigit():
        return None, bare_channel_id(int(ref))
    if not ref or not all(c.isalnum() or c == "_" for c in ref):
        raise ValueError(f"not a channel username or id: {ref!r}")
    return ref, None


def load_channels(path: Path) -> list[Channel]:
    data = load_toml(path)
    check_table(path, "", data, {"channel": list})
    out: list[Channel] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(data.get("channel", []), start=1):
        where = f"channel #{i}"
        check_table(path, where, entry, {"username": str, "id": int, "name": str, "side": str, "kind": str,
                                             "account": str})
        if "username" not in entry and "id" not in entry:
            raise ConfigError(str(path), where, "needs a username or an id")
        username = entry.get("username")
        if username is not None:
            try:
                username, _ = parse_channel_ref(username)
            except ValueError as exc:
                raise ConfigError(str(path), f"{where}.username", str(exc)) from None
        channel_id = None
        if "id" in entry:
            if entry["id"] == 0 or abs(entry["id"]) > MAX_CHANNEL_ID:
                raise ConfigError(str(path), f"{where}.id", f"expected a Telegram channel id, got {entry['id']}")
            channel_id = bare_channel_id(entry["id"])
        if "name" in entry and not entry["name"].strip():
            raise ConfigError(str(path), f"{where}.name", "is empty; leave it out to use the username")
        side = entry.get("side", "other")
        if side not in SIDES:
            raise ConfigError(str(path), f"{where}.side", f"expected one of {', '.join(SIDES)}, got {side!r}")
        kind = entry.get("kind", "media")
        if kind not in KINDS:
            raise ConfigError(str(path), f"{where}.kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
        account = entry.get("account", MAIN_ACCOUNT)
        problem = check_account_name(account)
        if problem is not None:
            raise ConfigError(str(path), f"{where}.account", problem)
        key = (username or "").lower() or str(channel_id)
        if key in seen:
            if seen[key] != account:
                raise ConfigError(str(path), where, f"channel {key} is listed under account {seen[key]!r} and "
                                  f"account {account!r}; a channel is read by one account")
            raise ConfigError(str(path), where, f"channel {key} is listed twice")
        seen[key] = account
        out.append(Channel(username=username, id=channel_id, name=entry.get("name") or username or str(channel_id),
                           side=side, kind=kind, account=account))
    return out
