"""An export read, sorted and merged by a process of its own, for `frontwatch replay`.

Reading a large export is JSON parsing, checking and sorting: seconds per 100,000 posts,
all of it before the first post can be replayed, then more for every post the merge hands
over. In a child process the reading runs while replay loads the detector, and the merge
while replay stores; replay receives its posts in order, a block at a time, through a pipe
whose buffer keeps both processes' memory bounded. The child dies with its parent (a
replay killed with -9 leaves no reader behind) and reads only what `read_export` reads.

Linux only, where a process is forked cheaply and can be told to die with its parent;
`available()` says so, and replay reads in its own process elsewhere.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.memory import give_back
from bot.post import Post
from bot.progress import Progress
from bot.sources.export import ExportError, warn
from bot.sources.export import log as export_log
from bot.sources.ordered import Position, ReadExport, post_of, read_export, temporary_folder

#: posts handed over at once
BLOCK = 500
_PR_SET_PDEATHSIG = 1


def available() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class ExportReader:
    """The child reading `path`; `read()` waits for what reading found, `ordered()` yields
    the posts. `close()` stops the child and removes its temporary files."""

    def __init__(self, path: Path, *, local_tz: ZoneInfo, progress: bool | None) -> None:
        self._path = path
        self._folder = temporary_folder()
        context = multiprocessing.get_context("fork")
        self._pipe, child_end = context.Pipe(duplex=False)
        self._child = context.Process(target=_read_apart, name="frontwatch-export-reader", daemon=True,
                                      args=(path, Path(self._folder.name), local_tz, progress, child_end))
        self._child.start()
        child_end.close()

    def read(self) -> ReadExport:
        """What reading found (channels, entries, problems); an unreadable export raises
        `ExportError` as reading in this process would."""
        found = self._receive("read")
        assert isinstance(found, ReadExport)
        for problem in found.problems:
            warn(problem)   # here, where this process's logging sends them
        return found

    def ordered(self, usernames: Mapping[int, str | None]) -> Iterator[tuple[Position, Post, int]]:
        while (block := self._receive("posts")) is not None:
            for at, record, count in block:
                yield at, post_of(record, usernames), count

    def _receive(self, expected: str) -> Any:
        try:
            kind, value = self._pipe.recv()
        except EOFError:
            self._child.join(5)
            raise ExportError(f"{self._path}: the process reading the export stopped"
                              f" (exit code {self._child.exitcode})") from None
        if kind == "error":
            raise value
        if kind == "end":
            return None
        if kind != expected:
            raise ExportError(f"{self._path}: the process reading the export sent {kind!r}, expected {expected!r}")
        return value

    def close(self) -> None:
        if self._child.is_alive():
            self._child.kill()
        self._child.join(5)
        self._pipe.close()
        self._folder.cleanup()


def _read_apart(path: Path, folder: Path, local_tz: ZoneInfo, progress: bool | None, pipe: Connection) -> None:
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:
        os._exit(1)
    export_log.disabled = True   # the parent reports what reading found
    try:
        bar = Progress(None, "reading", enabled=progress)
        read = read_export(path, folder, local_tz=local_tz, on_read=bar.ticks())
        bar.close()
        give_back()
        pipe.send(("read", ReadExport(channels=read.channels, entries=read.entries, problems=read.problems)))
        block: list[tuple[Position, tuple[Any, ...], int]] = []
        for item in read.records():
            block.append(item)
            if len(block) >= BLOCK:
                pipe.send(("posts", block))
                block = []
        if block:
            pipe.send(("posts", block))
        pipe.send(("end", None))
    except BrokenPipeError:
        pass  # the parent stopped listening: nothing is left to tell
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which reports it
        try:
            pipe.send(("error", exc))
        except Exception:  # noqa: BLE001 - an error that does not pickle is sent as its text
            pipe.send(("error", ExportError(f"{path}: {type(exc).__name__}: {exc}")))
    finally:
        pipe.close()


def _die_with_parent() -> None:
    """Linux's PR_SET_PDEATHSIG: the kernel kills this process when its parent dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
