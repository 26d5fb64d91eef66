"""Strict reading of the TOML config files: every mistake names its file and key.

A typo in a key silently ignored is worse than a refusal to start: the team would
believe a setting is in force when it is not.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from bot.errors import ConfigError


def load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(str(path), None, "file not found") from None
    except IsADirectoryError:
        raise ConfigError(str(path), None, "is a folder, expected a TOML file") from None
    except OSError as exc:
        raise ConfigError(str(path), None, f"cannot read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), None, f"TOML syntax error: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "a list",
               dict: "a table"}


def check_table(source: Path, where: str, table: Any, spec: dict[str, type | tuple[type, ...]],
                required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Refuse unknown keys, wrong types and missing required keys, naming each."""
    if not isinstance(table, dict):
        raise ConfigError(str(source), where, "expected a table")
    for key, value in table.items():
        key_path = f"{where}.{key}" if where else key
        if key not in spec:
            known = ", ".join(sorted(spec))
            raise ConfigError(str(source), key_path, f"unknown key (known keys: {known})")
        expected = spec[key]
        types = expected if isinstance(expected, tuple) else (expected,)
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if float in types and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            wanted = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
            raise ConfigError(str(source), key_path, f"expected {wanted}, got {value!r}")
    for key in required:
        if key not in table:
            raise ConfigError(str(source), f"{where}.{key}" if where else key, "missing required key")
    return table
