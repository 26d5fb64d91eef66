"""Telegram Desktop JSON exports (`result.json`) turned into Posts.

Three shapes are read: one channel's export, a folder of such exports, and the
full-account export whose channels sit under `chats.list`. A malformed message is
reported with its id and skipped; the rest of the export is still read. In a folder, a
file that cannot be read at all is reported and skipped the same way.

Exports are files from elsewhere: every field is checked for what the store and the
date arithmetic downstream can hold, and nothing from the file is quoted at length.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.post import ForwardOrigin, Post

log = logging.getLogger(__name__)

CHANNEL_TYPES = {"public_channel", "private_channel", "public_supergroup", "private_supergroup"}
#: Telegram message ids are 32-bit; channel ids 64-bit.
MAX_MESSAGE_ID = 2**31 - 1
MAX_CHANNEL_ID = 2**63 - 1
#: Dates outside this span are not from Telegram, and would overflow the window arithmetic
#: (merge, corroboration, digest) that adds and subtracts hours from them.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, tzinfo=UTC)
#: Telegram caps a channel title at 128 characters.
MAX_NAME = 128


class ExportError(Exception):
    """The file is not a Telegram Desktop export at all (as opposed to one bad message)."""


@dataclass(frozen=True, slots=True)
class ExportProblem:
    """`message_id` None: the whole file (or one channel in it) was skipped."""

    source: str
    message_id: Any
    problem: str

    def __str__(self) -> str:
        if self.message_id is None:
            return f"{self.source}: {self.problem}"
        return f"{self.source}: message {self.message_id}: {self.problem}"


def describe(value: Any, limit: int = 40) -> str:
    """A short, printable account of a value from the file, whatever its size or depth."""
    if isinstance(value, str):
        text = value.encode("utf-8", "backslashreplace").decode("utf-8")
        return repr(text) if len(text) <= limit else f"{text[:limit]!r}… ({len(value)} characters)"
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        digits = len(str(abs(value))) if value.bit_length() < 4000 else None
        return str(value) if digits is not None and digits <= 24 else "an integer too large for an id"
    if isinstance(value, (list, dict)):
        return f"a {'list' if isinstance(value, list) else 'table'} of {len(value)} item(s)"
    return type(value).__name__


def _clean(text: str) -> str:
    """Names are only displayed: a lone surrogate becomes U+FFFD rather than breaking the store."""
    return text.encode("utf-8", "replace").decode("utf-8") if not _is_utf8(text) else text


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _name(value: Any, fallback: int) -> str:
    name = _clean(value.strip()) if isinstance(value, str) and value.strip() else str(fallback)
    return name if len(name) <= MAX_NAME else name[:MAX_NAME - 1] + "…"


def _channel_id(value: Any) -> int:
    """The export's `id`: an integer (or its digits), never 0, within 64 bits."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) <= 25:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value == 0 or abs(value) > MAX_CHANNEL_ID:
        raise ValueError(f"channel id {describe(value)} is not a Telegram channel id")
    return value


@dataclass(frozen=True, slots=True)
class ExportChannel:
    id: int
    name: str
    source: str
    messages: list[dict[str, Any]]


def flatten_text(text: Any) -> str:
    """`text` is a plain string, or a list of strings and entity pieces `{"type", "text"}`."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        parts = []
        for piece in text:
            if isinstance(piece, str):
                parts.append(piece)
            elif isinstance(piece, dict) and isinstance(piece.get("text"), str):
                parts.append(piece["text"])
            else:
                raise ValueError(f"text piece {describe(piece)} is neither a string nor an entity with text")
        return "".join(parts)
    raise ValueError(f"text is {describe(text)}, expected a string or a list of pieces")


def _unixtime(value: Any) -> datetime:
    if isinstance(value, str) and value.strip().isdigit() and len(value) <= 15:
        value = int(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"unixtime {describe(value)} is not a whole number of seconds")
    if not EARLIEST.timestamp() <= value <= LATEST.timestamp():
        raise ValueError(f"unixtime {describe(value)} is not between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
    return datetime.fromtimestamp(value, UTC)


def _date(message: dict[str, Any], key: str, local_tz: ZoneInfo) -> datetime | None:
    """`<key>_unixtime` is exact; the bare `<key>` is the exporter's local time with no zone."""
    unix = message.get(f"{key}_unixtime")
    if unix not in (None, ""):
        return _unixtime(unix)
    raw = message.get(key)
    if raw in (None, ""):
        return None
    if not isinstance(raw, str) or len(raw) > 40:
        raise ValueError(f"{key} {describe(raw)} is not a date like 2026-11-20T08:00:00")
    try:
        dt = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{key} {describe(raw)} is not a date like 2026-11-20T08:00:00") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=local_tz)
    if not EARLIEST <= dt <= LATEST:
        raise ValueError(f"{key} {describe(raw)} is not between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
    return dt


def _channel(chat: dict[str, Any], source: str) -> ExportChannel:
    channel_id = _channel_id(chat.get("id"))
    return ExportChannel(id=channel_id, name=_name(chat.get("name"), channel_id), source=source,
                         messages=chat["messages"])


def _channels_in(data: Any, source: str, problems: list[ExportProblem] | None = None) -> list[ExportChannel]:
    if not isinstance(data, dict):
        raise ExportError(f"{source}: not a Telegram Desktop export (top level is not an object)")
    if "messages" in data:
        if not isinstance(data["messages"], list):
            raise ExportError(f"{source}: 'messages' is not a list")
        if "id" not in data:
            raise ExportError(f"{source}: export has no channel 'id'")
        try:
            return [_channel(data, source)]
        except ValueError as exc:
            raise ExportError(f"{source}: {exc}") from None
    chats = data.get("chats")
    if isinstance(chats, dict) and isinstance(chats.get("list"), list):
        left = data.get("left_chats")
        left_list = left.get("list") if isinstance(left, dict) else None
        found = []
        for chat in chats["list"] + (left_list if isinstance(left_list, list) else []):
            if isinstance(chat, dict) and chat.get("type") in CHANNEL_TYPES and isinstance(chat.get("messages"), list):
                try:
                    found.append(_channel(chat, source))
                except ValueError as exc:
                    _report(problems, ExportProblem(source, None, f"chat {_name(chat.get('name'), 0)!r} skipped: {exc}"))
        return found
    raise ExportError(f"{source}: not a Telegram Desktop export (no 'messages' and no 'chats.list')")


def _report(problems: list[ExportProblem] | None, problem: ExportProblem) -> None:
    log.warning("%s; skipped", problem)
    if problems is not None:
        problems.append(problem)


def find_exports(path: Path) -> list[Path]:
    """A `result.json`, or every `result.json` file under a folder, in a stable order."""
    if path.is_file():
        return [path]
    if path.is_dir():
        files = sorted(p for p in path.rglob("result.json") if p.is_file())
        if not files:
            raise ExportError(f"{path}: no result.json file in this folder")
        return files
    raise ExportError(f"{path}: no such file or folder")


def _read_export(file: Path, problems: list[ExportProblem] | None) -> list[ExportChannel]:
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ExportError(f"{file}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ExportError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(f"{file}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise ExportError(f"{file}: JSON nested too deeply to be a Telegram Desktop export") from None
    except ValueError:  # an integer of more digits than Python converts
        raise ExportError(f"{file}: not a readable export (a number thousands of digits long)") from None
    return _channels_in(data, str(file), problems)


def load_channels(path: Path, problems: list[ExportProblem] | None = None) -> list[ExportChannel]:
    """Every channel in the export(s). With `problems`, a bad file in a folder is reported
    there and skipped; a single file named on its own that is bad raises ExportError."""
    out = []
    files = find_exports(path)
    for file in files:
        try:
            out.extend(_read_export(file, problems))
        except ExportError as exc:
            if problems is None or path.is_file():
                raise
            _report(problems, ExportProblem(str(file), None, str(exc).removeprefix(f"{file}: ")))
    return out


def message_to_post(message: dict[str, Any], channel: ExportChannel, *, username: str | None = None,
                    local_tz: ZoneInfo = ZoneInfo("UTC")) -> Post | None:
    """None for service messages and media without caption; ValueError for a broken entry."""
    if not isinstance(message, dict):
        raise ValueError("entry is not an object")
    if message.get("type", "message") != "message":
        return None
    message_id = message.get("id")
    if not isinstance(message_id, int) or isinstance(message_id, bool) or not 0 < message_id <= MAX_MESSAGE_ID:
        raise ValueError(f"id {describe(message_id)} is not a Telegram message id (1 to {MAX_MESSAGE_ID})")
    text = flatten_text(message.get("text"))
    if not text.strip():
        return None
    if not _is_utf8(text):
        raise ValueError("text holds a lone UTF-16 surrogate (a broken character)")
    try:
        date = _date(message, "date", local_tz)
        edited = _date(message, "edited", local_tz)
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise ValueError(f"bad date: {exc}") from None
    if date is None:
        raise ValueError("no date")
    forward = None
    if message.get("forwarded_from") or message.get("forwarded_from_id"):
        fwd_id = message.get("forwarded_from_id")
        fwd_channel = None
        if isinstance(fwd_id, str) and fwd_id.startswith("channel") and fwd_id[7:].isdigit() and len(fwd_id) <= 27:
            fwd_channel = int(fwd_id[7:])
            if not 0 < fwd_channel <= MAX_CHANNEL_ID:
                fwd_channel = None
        origin = message.get("forwarded_from")
        forward = ForwardOrigin(name=_name(origin, 0) if isinstance(origin, str) else "", channel_id=fwd_channel)
    return Post(channel_id=channel.id, message_id=message_id, date=date, text=text, channel_username=username,
                channel_title=channel.name, edit_date=edited, forward=forward)


def read_posts(channel: ExportChannel, *, username: str | None = None, local_tz: ZoneInfo = ZoneInfo("UTC"),
               problems: list[ExportProblem] | None = None) -> Iterator[Post]:
    for message in channel.messages:
        try:
            post = message_to_post(message, channel, username=username, local_tz=local_tz)
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:
            message_id = message.get("id", "?") if isinstance(message, dict) else "?"
            if not (isinstance(message_id, int) and abs(message_id) <= MAX_CHANNEL_ID):
                message_id = describe(message_id)
            _report(problems, ExportProblem(channel.source, message_id, str(exc)[:300]))
            continue
        if post is not None:
            yield post
