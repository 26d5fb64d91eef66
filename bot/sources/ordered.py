"""An export's posts in date order with memory bounded whatever the export's size.

Files are read one after another, channel by channel, one message at a time. Posts are
gathered in runs of `RUN` posts; each run is sorted and, when there is more than one,
written to a temporary file; the runs are then merged by date (`heapq.merge`), which holds
one block per run. A file that turns out unreadable half way is dropped whole: its posts
are filtered out of the merge and its entries' problems are never reported, as if it had
not been read.

The order is total and depends only on the files: (date, channel, message id, version
rank, order read). That is what makes a replay resumable: the last position handled names
every post before it.
"""

from __future__ import annotations

import heapq
import itertools
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.post import ForwardOrigin, Post
from bot.sources.export import (ExportChannel, ExportError, ExportProblem, find_exports, post_or_problem,
                                report_problem, stream_export)

#: Posts sorted in memory at once (a few tens of MB of text at most).
RUN = 20_000
#: Posts read back from a run file at a time during the merge: the merge holds a block of
#: every run (50 runs for a million posts, 15 MB less at 64 than at 256).
BLOCK = 64

#: (date, channel id, message id, version rank) as numbers: a position in the replay order.
Position = tuple[float, int, int, float]


def version_rank(post: Post) -> datetime:
    """How new a version of a message is: its edit date, or its date if never edited."""
    return post.edit_date or post.date


def position(post: Post) -> Position:
    return (post.date.timestamp(), post.channel_id, post.message_id, version_rank(post).timestamp())


def _record(post: Post, seq: int, file_index: int) -> tuple[Any, ...]:
    forward = (post.forward.name, post.forward.channel_id) if post.forward is not None else None
    return (*position(post), seq, file_index, post.message_id, post.date, post.text, post.channel_title,
            post.edit_date, forward)


def _post(record: tuple[Any, ...], usernames: Mapping[int, str | None]) -> Post:
    _, channel_id, _, _, _, _, message_id, date, text, title, edited, forward = record
    return Post(channel_id=channel_id, message_id=message_id, date=date, text=text, channel_title=title,
                channel_username=usernames.get(channel_id), edit_date=edited, forward=ForwardOrigin(*forward) if forward is not None else None)


@dataclass
class ReadExport:
    """What reading found; `entries` counts the posts read, repeats included."""

    channels: list[ExportChannel] = field(default_factory=list)
    entries: int = 0
    problems: list[ExportProblem] = field(default_factory=list)
    _runs: list[Path] = field(default_factory=list)
    _last: list[tuple[Any, ...]] = field(default_factory=list)
    _dropped: set[int] = field(default_factory=set)

    def ordered(self, usernames: Mapping[int, str | None]) -> Iterator[tuple[Position, Post, int]]:
        """Every message once per distinct version rank, oldest version first; of two versions
        with the same rank the one read last (a later export, or later in the file) wins.
        The count is how many entries read that post stands for (progress)."""
        merged = heapq.merge(*(_read_run(run) for run in self._runs), iter(self._last))
        kept = (r for r in merged if r[5] not in self._dropped)
        for _, group in itertools.groupby(kept, key=lambda r: r[:4]):
            versions = list(group)
            yield versions[-1][:4], _post(versions[-1], usernames), len(versions)


def _read_run(run: Path) -> Iterator[tuple[Any, ...]]:
    with run.open("rb") as stream:
        while True:
            try:
                block = pickle.load(stream)
            except EOFError:
                return
            yield from block


def _write_run(records: list[tuple[Any, ...]], folder: Path, number: int) -> Path:
    records.sort()
    run = folder / f"run-{number:05d}.pickle"
    with run.open("wb") as stream:
        for start in range(0, len(records), BLOCK):
            pickle.dump(records[start:start + BLOCK], stream, protocol=pickle.HIGHEST_PROTOCOL)
    return run


def read_export(path: Path, folder: Path, *, local_tz: ZoneInfo = ZoneInfo("UTC"),
                on_read: Iterable[None] | None = None) -> ReadExport:
    """Reads `path` (a file or folder of exports) into sorted runs under `folder`.

    A single file named on its own that is unreadable raises ExportError; in a folder such a
    file is reported and skipped. `on_read` is advanced once per entry read (progress)."""
    out = ReadExport()
    buffer: list[tuple[Any, ...]] = []
    seq = itertools.count()
    tick = iter(on_read) if on_read is not None else None
    for index, file in enumerate(find_exports(path)):
        found: list[ExportProblem] = []
        channels: list[ExportChannel] = []
        read = 0
        try:
            for channel, message in stream_export(file, out.problems):
                if message is None:
                    channels.append(channel)
                    continue
                if tick is not None:
                    next(tick, None)
                post = post_or_problem(message, channel, local_tz=local_tz)
                if isinstance(post, ExportProblem):
                    found.append(post)
                elif post is not None:
                    buffer.append(_record(post, next(seq), index))
                    out.entries += 1
                    read += 1
                    if len(buffer) >= RUN:
                        out._runs.append(_write_run(buffer, folder, len(out._runs)))
                        buffer = []
        except ExportError as exc:
            if path.is_file():
                raise
            out._dropped.add(index)
            out.entries -= read
            report_problem(out.problems, ExportProblem(str(file), None, str(exc).removeprefix(f"{file}: ")))
            continue
        for problem in found:
            report_problem(out.problems, problem)
        out.channels.extend(channels)
    buffer.sort()
    out._last = buffer
    return out


FOLDER_PREFIX = "frontwatch-replay-"


def temporary_folder() -> tempfile.TemporaryDirectory[str]:
    """Named for this process, so the next replay can remove what a killed one left behind."""
    _remove_abandoned()
    return tempfile.TemporaryDirectory(prefix=f"{FOLDER_PREFIX}{os.getpid()}-")


def _remove_abandoned() -> None:
    """A replay killed with -9 cannot remove its runs, which may be as large as the export."""
    for folder in Path(tempfile.gettempdir()).glob(FOLDER_PREFIX + "*"):
        pid = folder.name[len(FOLDER_PREFIX):].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
