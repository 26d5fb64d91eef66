"""One Jinja environment for every HTML frontwatch writes: the web app and the morning report.

Autoescape is always on, so a channel's text can never become markup; the filters turn
stored values (spans, dates, sides) into what the templates show.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from bot.render import SIDE_LABEL, excerpt_pieces, local_time

TEMPLATES = Path(__file__).with_name("templates")
STYLE = Path(__file__).with_name("web") / "static" / "style.css"


def text_pieces(text: str, spans: tuple[tuple[int, int], ...]) -> list[tuple[str, bool]]:
    """The whole text as (piece, highlighted) pairs."""
    pieces: list[tuple[str, bool]] = []
    cursor = 0
    for s, e in sorted(spans):
        if e <= cursor or s >= len(text):
            continue
        s = max(s, cursor)
        if s > cursor:
            pieces.append((text[cursor:s], False))
        pieces.append((text[s:e], True))
        cursor = e
    if cursor < len(text):
        pieces.append((text[cursor:], False))
    return pieces


def snippet_pieces(text: str, spans: tuple[tuple[int, int], ...], width: int = 320) -> list[tuple[str, bool]]:
    """A window around the first highlight; whitespace flattened in place so spans still fit."""
    return excerpt_pieces(re.sub(r"\s", " ", text), spans, width)


def with_params(params: dict[str, str], **changes: object) -> str:
    merged = {k: v for k, v in {**params, **{k: str(v) for k, v in changes.items() if v is not None}}.items()
              if v not in ("", None)}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
    return urlencode(merged)


class _CompiledTemplates(FileSystemBytecodeCache):
    """Compiled templates kept between processes: compiling the report's takes a sixth of a
    second, a tenth of a cold `frontwatch digest`. Jinja checks each file against its
    template's source and the Python version, so an edited template compiles again; a cache
    that cannot be written is only slower."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


def _compiled_templates(lines: bool) -> FileSystemBytecodeCache | None:
    """Jinja's own per-user folder (made private, refused if another user owns it); the file
    names carry what else changes the compiled code: Jinja's version and `lines`."""
    pattern = f"__frontwatch_{jinja2.__version__}_{'lines' if lines else 'html'}_%s.cache"
    try:
        return _CompiledTemplates(pattern=pattern)
    except (OSError, RuntimeError):
        return None


@lru_cache(maxsize=8)
def environment(tz: str, *, lines: bool = False) -> Environment:
    """`lines`: for Telegram text, where every template line is an output line (block tags leave
    blank lines that the caller drops; a line holding only `~` is a wanted blank line)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=not lines, lstrip_blocks=True,
                      bytecode_cache=_compiled_templates(lines))
    env.filters["when"] = lambda dt: local_time(dt, tz) if isinstance(dt, datetime) else ""
    env.filters["side"] = lambda side: SIDE_LABEL.get(side or "other", side)
    env.filters["pieces"] = text_pieces
    env.filters["snippet"] = snippet_pieces
    env.globals["with_params"] = with_params
    return env


def style() -> str:
    return STYLE.read_text(encoding="utf-8")
