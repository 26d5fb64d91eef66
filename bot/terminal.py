"""A sender that shows alerts in the terminal, for the demo and for replay without a bot."""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from typing import TextIO


class _ToAnsi(HTMLParser):
    def __init__(self, color: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.color = color
        self.out: list[str] = []
        self.href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("b", "strong"):
            self.out.append("\x1b[1m" if self.color else "")
        elif tag in ("u", "ins"):
            self.out.append("\x1b[4m" if self.color else "[")
        elif tag in ("i", "em"):
            self.out.append("\x1b[3m" if self.color else "")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("b", "strong", "i", "em"):
            self.out.append("\x1b[0m" if self.color else "")
        elif tag in ("u", "ins"):
            self.out.append("\x1b[0m" if self.color else "]")
        elif tag == "a":
            href = self.href.pop() if self.href else None
            if href:
                self.out.append(f" <{href}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def html_to_terminal(html: str, color: bool = False) -> str:
    parser = _ToAnsi(color)
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


class TerminalSender:
    """Numbers messages like Telegram would, so edits can name the alert they change.

    `messages` holds the last text of each (the demo's and the tests' record); a replay of
    a million posts passes `keep=False`, as it would hold every alert it ever sent."""

    def __init__(self, stream: TextIO | None = None, *, color: bool | None = None, quiet: bool = False,
                 keep: bool = True) -> None:
        self.stream = stream or sys.stdout
        self.color = self.stream.isatty() if color is None else color
        self.quiet = quiet
        self.keep = keep
        self._next_id = 1
        self.messages: dict[int, str] = {}

    def _show(self, heading: str, html: str) -> None:
        if not self.quiet:
            print(heading, file=self.stream)
            print(html_to_terminal(html, self.color), file=self.stream, flush=True)

    async def send(self, html: str, random_id: int) -> int:
        message_id = self._next_id
        self._next_id += 1
        if self.keep:
            self.messages[message_id] = html
        self._show(f"── alert #{message_id} " + "─" * 50, html)
        return message_id

    async def edit(self, message_id: int, html: str) -> None:
        if self.keep:
            self.messages[message_id] = html
        self._show(f"── alert #{message_id} updated " + "─" * 42, html)

    async def send_photo(self, png: bytes, caption_html: str) -> int:
        message_id = self._next_id
        self._next_id += 1
        self._show(f"── photo #{message_id} ({len(png)} bytes) " + "─" * 30, caption_html)
        return message_id
