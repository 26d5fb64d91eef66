"""Telegram Desktop JSON exports (`result.json`) turned into Posts.

Three shapes are read: one channel's export, a folder of such exports, and the
full-account export whose channels sit under `chats.list`. A malformed message is
reported with its id and skipped; the rest of the export is still read. In a folder, a
file that cannot be read at all is reported and skipped the same way.

Exports are files from elsewhere: every field is checked for what the store and the
date arithmetic downstream can hold, and nothing from the file is quoted at length.
"""

from __future__ import annotations

import codecs
import json
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
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
    return ExportChannel(id=channel_id, name=_name(chat.get("name"), channel_id), source=source, messages=[])


def report_problem(problems: list[ExportProblem] | None, problem: ExportProblem) -> None:
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


#: Characters decoded per read; a value longer than this is read in growing steps.
CHUNK = 1 << 20
#: One value (a message, a name) larger than this is not from Telegram Desktop.
MAX_VALUE = 64 << 20
#: Nesting of the export's own structure (objects and lists we walk through, not into).
MAX_DEPTH = 200


class _Bad(Exception):
    """The whole file is unreadable; the text is the reason, without the file name."""


class _Text:
    """An export read a chunk at a time: UTF-8 checked as it arrives, one JSON value at a
    time decoded by the standard library's scanner, so memory holds one message, not the file."""

    _decode = json.JSONDecoder().raw_decode

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self._bytes = 0
        self._eof = False
        self.buf = ""
        self.pos = 0
        self._lines_before = 1

    def _more(self, size: int = CHUNK) -> bool:
        if self._eof:
            return False
        data = self._stream.read(size)
        try:
            text = self._utf8.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise _Bad(f"not UTF-8 text ({exc.reason} at byte {self._bytes + exc.start})") from None
        self._bytes += len(data)
        self._eof = not data
        if self.pos > CHUNK:
            self._lines_before += self.buf.count("\n", 0, self.pos)
            self.buf, self.pos = self.buf[self.pos:], 0
        self.buf += text
        return True

    def line(self, pos: int) -> tuple[int, int]:
        start = self.buf.rfind("\n", 0, pos) + 1
        return self._lines_before + self.buf.count("\n", 0, pos), pos - start + 1

    def invalid(self, pos: int, msg: str) -> _Bad:
        line, col = self.line(pos)
        return _Bad(f"not valid JSON (line {line}, column {col}: {msg})")

    def peek(self) -> str:
        """The next character that is not white space, or "" at the end."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf) or not self._more():
                return self.buf[self.pos] if self.pos < len(self.buf) else ""

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise self.invalid(self.pos, f"expected {char!r}")
        self.pos += 1

    def value(self) -> Any:
        """One complete JSON value; a value cut by the chunk's end is read again with more."""
        self.peek()
        while True:
            try:
                value, end = self._decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos > MAX_VALUE or not self._more(max(CHUNK, len(self.buf) - self.pos)):
                    raise self.invalid(exc.pos, exc.msg) from None
                continue
            except RecursionError:
                raise _Bad("JSON nested too deeply to be a Telegram Desktop export") from None
            except ValueError:  # an integer of more digits than Python converts
                raise _Bad("not a readable export (a number thousands of digits long)") from None
            if end == len(self.buf) and self._more():  # a number may go on in the next chunk
                continue
            self.pos = end
            return value

    def items(self, close: str) -> Iterator[None]:
        """Positions at each item of the list or object just opened, until `close`."""
        first = True
        while True:
            char = self.peek()
            if char == close:
                self.pos += 1
                return
            if not first:
                self.take(",")
            if first and char == "":
                raise self.invalid(self.pos, "unexpected end of file")
            first = False
            yield

    def key(self) -> str:
        if self.peek() != '"':
            raise self.invalid(self.pos, "expected a key in double quotes")
        key = self.value()
        self.take(":")
        return key

    def skip(self, depth: int = 0) -> None:
        """A value we do not need, walked through so a large one is never held whole."""
        char = self.peek()
        if char not in "[{" or char == "":
            self.value()
            return
        if depth > MAX_DEPTH:
            raise _Bad("JSON nested too deeply to be a Telegram Desktop export")
        self.pos += 1
        for _ in self.items("]" if char == "[" else "}"):
            if char == "{":
                self.key()
            self.skip(depth + 1)


def _chat(text: _Text, source: str, top: bool, problems: list[ExportProblem]) -> Iterator[tuple[ExportChannel, Any]]:
    """One object holding a channel: `(channel, None)` once its id is known, then
    `(channel, message)` per entry. `top`: the file's top object, which is either one
    channel's export (`messages` at the top) or a full-account export (`chats.list`). A chat
    that names its id or type only after its messages has them held until its end."""
    meta: dict[str, Any] = {}
    held: list[Any] = []
    channel: ExportChannel | None = None
    skipped = saw_messages = saw_list = False

    def settle() -> ExportChannel | None:
        nonlocal skipped
        if not top and meta.get("type") not in CHANNEL_TYPES:
            skipped = True
            return None
        try:
            return _channel(meta, source)
        except ValueError as exc:
            if top:
                raise _Bad(str(exc)) from None
            skipped = True
            problems.append(ExportProblem(source, None, f"chat {_name(meta.get('name'), 0)!r} skipped: {exc}"))
            return None

    text.take("{")
    for _ in text.items("}"):
        key = text.key()
        if key in ("id", "name", "type"):
            meta[key] = text.value()
        elif key == "messages" and not saw_messages:
            if text.peek() != "[":
                if top:
                    raise _Bad("'messages' is not a list")
                text.skip()
                skipped = True
                continue
            saw_messages = True
            if "id" in meta and (top or "type" in meta) and not skipped:
                channel = settle()
                if channel is not None:
                    yield channel, None
            text.pos += 1
            for _ in text.items("]"):
                if channel is not None:
                    yield channel, text.value()
                elif skipped:
                    text.skip()
                else:
                    held.append(text.value())
        elif top and key in ("chats", "left_chats") and text.peek() == "{":
            text.pos += 1
            for _ in text.items("}"):
                if text.key() != "list" or text.peek() != "[":
                    text.skip()
                    continue
                saw_list = saw_list or key == "chats"
                text.pos += 1
                for _ in text.items("]"):
                    if text.peek() == "{":
                        yield from _chat(text, source, False, problems)
                    else:
                        text.skip()
        else:
            text.skip()
    if top and not saw_messages:
        if not saw_list:
            raise _Bad("not a Telegram Desktop export (no 'messages' and no 'chats.list')")
        return
    if top and "id" not in meta:
        raise _Bad("export has no channel 'id'")
    if not saw_messages or channel is not None or skipped:
        return
    channel = settle()
    if channel is not None:
        yield channel, None
        for message in held:
            yield channel, message


def _walk(text: _Text, source: str, problems: list[ExportProblem]) -> Iterator[tuple[ExportChannel, Any]]:
    first = text.peek()
    if first != "{":
        if first != "[":  # a list is not read through just to say it is not an export
            text.value()
        raise _Bad("not a Telegram Desktop export (top level is not an object)")
    yield from _chat(text, source, True, problems)
    if text.peek() != "":
        raise text.invalid(text.pos, "Extra data")


def stream_export(file: Path, problems: list[ExportProblem] | None = None) -> Iterator[tuple[ExportChannel, Any]]:
    """Each channel of one `result.json` as `(channel, None)`, then its entries as
    `(channel, entry)`, in file order. ExportError if the file cannot be read; what it yielded
    before must then be discarded. Skipped chats are reported once the file is read through."""
    found: list[ExportProblem] = []
    try:
        with file.open("rb") as stream:
            yield from _walk(_Text(stream), str(file), found)
    except OSError as exc:
        raise ExportError(f"{file}: cannot read ({exc.strerror})") from None
    except _Bad as exc:
        raise ExportError(f"{file}: {exc}") from None
    for problem in found:
        report_problem(problems, problem)


def load_channels(path: Path, problems: list[ExportProblem] | None = None) -> list[ExportChannel]:
    """Every channel in the export(s), messages in memory (the demo corpus, tests). With
    `problems`, a bad file in a folder is reported there and skipped; a single file named on
    its own that is bad raises ExportError."""
    out = []
    for file in find_exports(path):
        try:
            order: list[ExportChannel] = []
            for channel, message in stream_export(file, problems):
                if message is None:
                    order.append(channel)
                else:
                    channel.messages.append(message)
            out.extend(order)
        except ExportError as exc:
            if problems is None or path.is_file():
                raise
            report_problem(problems, ExportProblem(str(file), None, str(exc).removeprefix(f"{file}: ")))
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


def post_or_problem(message: Any, channel: ExportChannel, *, username: str | None = None,
                    local_tz: ZoneInfo = ZoneInfo("UTC")) -> Post | ExportProblem | None:
    """The entry's Post, None when it holds no text to read, or the problem naming it."""
    try:
        return message_to_post(message, channel, username=username, local_tz=local_tz)
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        message_id = message.get("id", "?") if isinstance(message, dict) else "?"
        if not (isinstance(message_id, int) and abs(message_id) <= MAX_CHANNEL_ID):
            message_id = describe(message_id)
        return ExportProblem(channel.source, message_id, str(exc)[:300])


def read_posts(channel: ExportChannel, *, username: str | None = None, local_tz: ZoneInfo = ZoneInfo("UTC"),
               problems: list[ExportProblem] | None = None) -> Iterator[Post]:
    for message in channel.messages:
        post = post_or_problem(message, channel, username=username, local_tz=local_tz)
        if isinstance(post, ExportProblem):
            report_problem(problems, post)
        elif post is not None:
            yield post
