"""Which recent alert a flagged post repeats in other words, without reading every alert of the window.

Two posts are near-copies when they share `near_copy_similarity` (t) of the longer one's
words (`policy.similarity`). The words of each alerted post are kept in memory, and the
first few of them in one fixed order are indexed (prefix filtering): a set s needs only its
first |s| - ceil(t|s|) + 1 words there, since two sets that share t of the longer one's words
share one of those first words. A flagged post so scores only the alerts that share one of
its own first words, a handful, instead of the thousands of a day.

The database stays the truth: another process may alert on the same store, an alert may be
held or folded, a post edited, a transaction undone. Before each match the index reads what
was written since it last looked (alerts and text versions, by increasing id), and the
alerts that reach the bar are read once more (state, date, text version) before one is
chosen. It keeps the alerts dated from a little before the window of the newest post it was
asked about; a post older than that (an edit of an old post) is matched the slow way,
against every alert of its window as the store has them.
"""

from __future__ import annotations

import json
import math
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from bot import policy
from bot.store import Store
from bot.store.batch import iso

#: alerted posts' texts read in one statement
TEXTS_AT_ONCE = 500
#: how long an id skipped below the highest seen is asked for again: a transaction that
#: took it and is still open commits within a batch, one that rolled back never will
GAP_SECONDS = 600.0
#: rounding room when t|s| is a whole number (a prefix one word longer is still exact)
_EPSILON = 1e-9
_UNUSABLE = ("held", "folded")


@dataclass(frozen=True, slots=True)
class Alerted:
    """An alert on a post as matching knows it: the post's words at one text version."""

    alert_id: int
    post_id: int
    event_date: str  # as stored, so windows compare as the store compares them
    version: int
    words: frozenset[str]
    prefix: tuple[str, ...]


@dataclass
class _Tail:
    """How far a table has been read by id: all of it up to `last`, except `gaps`, ids
    passed over that an open transaction may still commit (with when they were first missed)."""

    last: int
    gaps: dict[int, float] = field(default_factory=dict)

    def saw(self, ids: Iterable[int]) -> None:
        now = time.monotonic()
        ids = sorted(ids)
        for found in ids:
            self.gaps.pop(found, None)
        if ids and ids[-1] > self.last:
            present = set(ids)
            self.gaps.update((i, now) for i in range(self.last + 1, ids[-1]) if i not in present)
            self.last = ids[-1]
        for gap in [g for g, since in self.gaps.items() if now - since > GAP_SECONDS]:
            del self.gaps[gap]


@lru_cache(maxsize=1 << 16)
def _order(word: str) -> tuple[int, int, str]:
    """One fixed order of all words, the same whatever else is indexed: longer words first,
    as they are the rarer, so few alerts share a post's first words by chance (a 30k-post
    replay scores half as many alerts as with the checksum alone)."""
    return -len(word), zlib.crc32(word.encode()), word


def prefix(words: frozenset[str], floor: float) -> tuple[str, ...]:
    """The first words of `words` any set sharing `floor` of the longer set's words shares one of."""
    size = len(words)
    if not size:
        return ()
    need = max(1, math.ceil(floor * size - _EPSILON))
    return tuple(sorted(words, key=_order)[:size - need + 1])


def words_of(text: str, matches_json: str) -> frozenset[str]:
    """An alerted post's words: those of the paragraphs its detection matched in."""
    return policy.word_set(policy.core_text(text, [tuple(m) for m in json.loads(matches_json)]))


class NearCopies:
    """The index of one pipeline. `target` is all it offers."""

    def __init__(self, store: Store, similarity: float, window: timedelta) -> None:
        self.store = store
        self.floor = similarity
        self.window = window
        self._reset()

    def _reset(self) -> None:
        self._since: str | None = None  # every alert on a post dated from here on is indexed
        self._alerts: dict[int, Alerted] = {}
        self._of_post: dict[int, set[int]] = {}
        self._postings: dict[str, set[int]] = {}
        self._alert_tail: _Tail | None = None
        self._version_tail: _Tail | None = None
        self._rollbacks = self.store.rollbacks

    async def target(self, post_id: int, date: datetime, words: frozenset[str]) -> int | None:
        """The alert of the window around `date` whose post shares the most of `words` (at
        least the bar), the newest of equals; never the post's own, a held or a folded one."""
        since, until = date - self.window, date + self.window
        if self.store.rollbacks != self._rollbacks:
            self._reset()
        if self._since is None:
            await self._start(since)
        elif iso(since) < self._since:
            return await self._scan(post_id, since, until, words)
        await self._catch_up()
        self._forget_before(since - self.window)
        for _ in range(3):
            found = self._matches(post_id, iso(since), iso(until), words)
            if not found:
                return None
            best, stale = await self._verified(found, post_id, iso(since), iso(until))
            if not stale:
                return best
            await self._read_posts(stale)
        return await self._scan(post_id, since, until, words)

    # -- the index --------------------------------------------------------------------

    def _matches(self, post_id: int, since: str, until: str,
                 words: frozenset[str]) -> list[tuple[Alerted, float]]:
        """Indexed alerts of the window scoring at least the bar, newest first."""
        seen: set[int] = set()
        found: list[tuple[Alerted, float]] = []
        # the overlap is at most the shorter set: sizes too far apart cannot reach the bar
        smallest = math.ceil(self.floor * len(words) - _EPSILON)
        largest = math.floor(len(words) / self.floor + _EPSILON)
        for word in prefix(words, self.floor):
            for alert_id in self._postings.get(word, ()):
                if alert_id in seen:
                    continue
                seen.add(alert_id)
                alerted = self._alerts[alert_id]
                size = len(alerted.words)
                if not smallest <= size <= largest or alerted.post_id == post_id \
                        or not since <= alerted.event_date <= until:
                    continue
                score = policy.similarity(words, alerted.words)
                if score >= self.floor:
                    found.append((alerted, score))
        found.sort(key=lambda f: (f[0].event_date, f[0].alert_id), reverse=True)
        return found

    async def _verified(self, found: list[tuple[Alerted, float]], post_id: int, since: str,
                        until: str) -> tuple[int | None, set[int]]:
        """The best of `found` as the store has them now, or the posts whose alerts the index
        holds otherwise than the store does (an edit or an alert not yet read)."""
        rows = {r[0]: r for r in await self.store.post_alerts_now([a.alert_id for a, _ in found])}
        best: tuple[float, int] | None = None
        stale: set[int] = set()
        for alerted, score in found:
            row = rows.get(alerted.alert_id)
            if row is None or row[1] != "post":
                self._drop(alerted.alert_id)
                continue
            _, _, state, row_post, event_date, version = row
            if (row_post, event_date, version) != (alerted.post_id, alerted.event_date, alerted.version):
                stale.add(alerted.post_id)
                continue
            if state in _UNUSABLE or row_post == post_id or not since <= event_date <= until:
                continue
            if best is None or score > best[0]:
                best = (score, alerted.alert_id)
        return (best[1] if best else None), stale

    def _add(self, alerted: Alerted) -> None:
        self._drop(alerted.alert_id)
        self._alerts[alerted.alert_id] = alerted
        self._of_post.setdefault(alerted.post_id, set()).add(alerted.alert_id)
        for word in alerted.prefix:
            self._postings.setdefault(word, set()).add(alerted.alert_id)

    def _drop(self, alert_id: int) -> None:
        alerted = self._alerts.pop(alert_id, None)
        if alerted is None:
            return
        alerts = self._of_post.get(alerted.post_id)
        if alerts is not None:
            alerts.discard(alert_id)
            if not alerts:
                del self._of_post[alerted.post_id]
        for word in alerted.prefix:
            posting = self._postings.get(word)
            if posting is not None:
                posting.discard(alert_id)
                if not posting:
                    del self._postings[word]

    def _forget_before(self, floor: datetime) -> None:
        """Alerts dated over a window before the newest window asked about drop out (once the
        oldest are two windows behind), so memory holds about three windows of alerts."""
        if self._since is None or iso(floor - self.window) < self._since:
            return
        floor_iso = iso(floor)
        for alert_id in [a.alert_id for a in self._alerts.values() if a.event_date < floor_iso]:
            self._drop(alert_id)
        self._since = floor_iso

    # -- reading the store ------------------------------------------------------------

    async def _start(self, since: datetime) -> None:
        """Index the alerts from a window before the window's start on (a post a little older
        than the first one asked about is still served): every alert from the first of them
        on is read by id, so one made meanwhile by another process is read as well."""
        since -= self.window
        last_alert, last_version = await self.store.last_ids()
        first = await self.store.first_post_alert_since(since)
        self._since = iso(since)
        self._alert_tail = _Tail(first - 1 if first is not None else last_alert)
        self._version_tail = _Tail(last_version)

    async def _catch_up(self) -> None:
        """Alerts and text versions written since the last look, by this process or another."""
        assert self._alert_tail is not None and self._version_tail is not None
        tail = self._alert_tail
        rows = await self.store.alerts_after(tail.last, list(tail.gaps))
        tail.saw(r[0] for r in rows)
        new = [(alert_id, post_id, event_date) for alert_id, kind, post_id, event_date in rows
               if kind == "post" and post_id is not None and event_date >= self._since]
        tail = self._version_tail
        versions = await self.store.versions_after(tail.last, list(tail.gaps))
        tail.saw(r[0] for r in versions)
        edited = {post_id for _, post_id, version in versions
                  if version > 1 and any(self._alerts[a].version < version for a in self._of_post.get(post_id, ()))}
        if new:
            await self._read(new)
        if edited:
            await self._read_posts(edited)

    async def _read(self, alerts: Sequence[tuple[int, int, str]]) -> None:
        """Index alerts (id, post id, event date) with their posts' current words."""
        by_post: dict[int, list[tuple[int, str]]] = {}
        for alert_id, post_id, event_date in alerts:
            by_post.setdefault(post_id, []).append((alert_id, event_date))
        posts = list(by_post)
        for i in range(0, len(posts), TEXTS_AT_ONCE):
            for post_id, version, text, matches in await self.store.alerted_texts(posts[i:i + TEXTS_AT_ONCE]):
                words = words_of(text, matches)
                first = prefix(words, self.floor)
                for alert_id, event_date in by_post[post_id]:
                    self._add(Alerted(alert_id, post_id, event_date, version, words, first))

    async def _read_posts(self, post_ids: Iterable[int]) -> None:
        """Read again the alerts of these posts, as the store has them now."""
        alert_ids = sorted({a for p in post_ids for a in self._of_post.get(p, ())})
        if not alert_ids:
            return
        rows = await self.store.post_alerts_now(alert_ids)
        for alert_id in alert_ids:
            self._drop(alert_id)
        await self._read([(r[0], r[3], r[4]) for r in rows
                          if r[1] == "post" and r[3] is not None and r[4] >= self._since])

    async def _scan(self, post_id: int, since: datetime, until: datetime, words: frozenset[str]) -> int | None:
        """Every alert of the window as the store has it, for a window the index does not hold."""
        candidates = [c for c in await self.store.recent_post_alerts(since, until)
                      if c[2] != post_id and c[1] not in _UNUSABLE]
        texts: dict[int, frozenset[str]] = {}
        posts = list(dict.fromkeys(c[2] for c in candidates))
        for i in range(0, len(posts), TEXTS_AT_ONCE):
            for candidate_id, _version, text, matches in await self.store.alerted_texts(posts[i:i + TEXTS_AT_ONCE]):
                texts[candidate_id] = words_of(text, matches)
        best: tuple[float, int] | None = None
        for alert_id, _state, candidate_id, _version in candidates:
            score = policy.similarity(words, texts[candidate_id])
            if score >= self.floor and (best is None or score > best[0]):
                best = (score, alert_id)
        return best[1] if best else None
