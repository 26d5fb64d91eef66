"""A progress bar on stderr for long replays; silent when stderr is not a terminal.

With no total (reading an export whose size in posts is not known before it is read) it
counts as it goes instead of drawing a bar."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from typing import TextIO


class Progress:
    def __init__(self, total: int | None, label: str = "", stream: TextIO | None = None, width: int = 30,
                 enabled: bool | None = None) -> None:
        self.total = max(total, 1) if total is not None else None
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.done = 0
        self._last = 0.0
        self._start = time.monotonic()

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.done == self.total):
            self._last = now
            rate = self.done / max(now - self._start, 1e-9)
            if self.total is None:
                self.stream.write(f"\r{self.label} {self.done:,} {rate:,.0f}/s")
                self.stream.flush()
                return
            filled = int(self.width * self.done / self.total)
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                              f"{self.done}/{self.total} {rate:,.0f}/s")
            self.stream.flush()

    def ticks(self) -> Iterator[None]:
        """An endless iterator advancing the count by one per step taken."""
        while True:
            self.advance()
            yield

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
