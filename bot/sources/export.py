"""Telegram Desktop JSON exports (`result.json`) turned into Posts.

Three shapes are read: one channel's export, a folder of such exports, and the
full-account export whose channels sit under `chats.list`. A malformed message is
reported with its id and skipped; the rest of the export is still read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.post import ForwardOrigin, Post

log = logging.getLogger(__name__)

CHANNEL_TYPES = {"public_channel", "private_channel", "public_supergroup", "private_supergroup"}


class ExportError(Exception):
    """The file is not a Telegram Desktop export at all (as opposed to one bad message)."""


@dataclass(frozen=True, slots=True)
class ExportProblem:
    source: str
    message_id: Any
    problem: str

    def __str__(self) -> str:
        return f"{self.source}: message {self.message_id}: {self.problem}"


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
                raise ValueError(f"text piece {piece!r} is neither a string nor an entity with text")
        return "".join(parts)
    raise ValueError(f"text is {type(text).__name__}, expected a string or a list of pieces")


def _date(message: dict[str, Any], key: str, local_tz: ZoneInfo) -> datetime | None:
    """`<key>_unixtime` is exact; the bare `<key>` is the exporter's local time with no zone."""
    unix = message.get(f"{key}_unixtime")
    if unix not in (None, ""):
        return datetime.fromtimestamp(int(unix), UTC)
    raw = message.get(key)
    if raw in (None, ""):
        return None
    dt = datetime.fromisoformat(raw)
    return dt if dt.tzinfo else dt.replace(tzinfo=local_tz)


def _channels_in(data: Any, source: str) -> list[ExportChannel]:
    if not isinstance(data, dict):
        raise ExportError(f"{source}: not a Telegram Desktop export (top level is not an object)")
    if "messages" in data:
        if not isinstance(data["messages"], list):
            raise ExportError(f"{source}: 'messages' is not a list")
        if "id" not in data:
            raise ExportError(f"{source}: export has no channel 'id'")
        return [ExportChannel(id=int(data["id"]), name=str(data.get("name") or data["id"]), source=source,
                              messages=data["messages"])]
    chats = data.get("chats")
    if isinstance(chats, dict) and isinstance(chats.get("list"), list):
        found = []
        for chat in chats["list"] + list((data.get("left_chats") or {}).get("list") or []):
            if isinstance(chat, dict) and chat.get("type") in CHANNEL_TYPES and isinstance(chat.get("messages"), list):
                found.append(ExportChannel(id=int(chat["id"]), name=str(chat.get("name") or chat["id"]),
                                           source=source, messages=chat["messages"]))
        return found
    raise ExportError(f"{source}: not a Telegram Desktop export (no 'messages' and no 'chats.list')")


def find_exports(path: Path) -> list[Path]:
    """A `result.json`, or every `result.json` under a folder, in a stable order."""
    if path.is_file():
        return [path]
    if path.is_dir():
        files = sorted(path.rglob("result.json"))
        if not files:
            raise ExportError(f"{path}: no result.json in this folder")
        return files
    raise ExportError(f"{path}: no such file or folder")


def load_channels(path: Path) -> list[ExportChannel]:
    out = []
    for file in find_exports(path):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ExportError(f"{file}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
        out.extend(_channels_in(data, str(file)))
    return out


def message_to_post(message: dict[str, Any], channel: ExportChannel, *, username: str | None = None,
                    local_tz: ZoneInfo = ZoneInfo("UTC")) -> Post | None:
    """None for service messages and media without caption; ValueError for a broken entry."""
    if not isinstance(message, dict):
        raise ValueError("entry is not an object")
    if message.get("type", "message") != "message":
        return None
    message_id = message.get("id")
    if not isinstance(message_id, int) or isinstance(message_id, bool) or message_id <= 0:
        raise ValueError(f"id {message_id!r} is not a positive integer")
    text = flatten_text(message.get("text"))
    if not text.strip():
        return None
    try:
        date = _date(message, "date", local_tz)
        edited = _date(message, "edited", local_tz)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"bad date: {exc}") from None
    if date is None:
        raise ValueError("no date")
    forward = None
    if message.get("forwarded_from") or message.get("forwarded_from_id"):
        fwd_id = message.get("forwarded_from_id")
        fwd_channel = None
        if isinstance(fwd_id, str) and fwd_id.startswith("channel") and fwd_id[7:].isdigit():
            fwd_channel = int(fwd_id[7:])
        forward = ForwardOrigin(name=str(message.get("forwarded_from") or ""), channel_id=fwd_channel)
    return Post(channel_id=channel.id, message_id=message_id, date=date, text=text, channel_username=username,
                channel_title=channel.name, edit_date=edited, forward=forward)


def read_posts(channel: ExportChannel, *, username: str | None = None, local_tz: ZoneInfo = ZoneInfo("UTC"),
               problems: list[ExportProblem] | None = None) -> Iterator[Post]:
    for message in channel.messages:
        try:
            post = message_to_post(message, channel, username=username, local_tz=local_tz)
        except (ValueError, TypeError) as exc:
            problem = ExportProblem(channel.source, message.get("id", "?") if isinstance(message, dict) else "?",
                                    str(exc))
            log.warning("%s; skipped", problem)
            if problems is not None:
                problems.append(problem)
            continue
        if post is not None:
            yield post
