"""Context rules for one post that holds at least one candidate word: which candidates
are places (a name's `unless` rules, adjectives before axis and area nouns) and which terms
are topics (a phrase's words in order, `near` and `not_near` words in its window).

Only the stretches of text around the candidates are split into words (`_regions`), so a
long post costs no more than a short one. A topic's `@place` slot, or a `not_near` word,
that only a settlement's name may explain is left pending (`Pending`) until the settlement
finder has resolved the post (`confirm`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from bot.detect.gazetteer import BLOCKER, AdjectiveEntry, Context, Gazetteer, NameEntry
from bot.detect.model import Detection, Match, PlaceHit, TopicHit
from bot.detect.normalize import WORD, Normalized
from bot.detect.patterns import EMPTY, WordSet, match_sequence
from bot.detect.topics import TermEntry, Topic, TopicBook

_ADJECTIVE_ENDINGS = ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ому", "ему", "ым", "им",
                      "ом", "ем", "ую", "юю", "ою", "ею", "ых", "их", "ыми", "ими", "а", "ої", "ій", "у", "е", "і")
_SENTENCE_END = ".!?…\n"
_MAX_SHARED = 4
# Characters either side of a candidate that are split into words: more than the widest
# context window (about 10 words) needs.
CONTEXT_CHARS = 75        # a topic's window of about 8 words
# unbound methods, so that a region's words and starts are listed by map() in C
_match_start = re.Match.start
_match_word = re.Match.group


class Pending(NamedTuple):
    """A topic's match that needs a place where only a settlement's name may stand ("сдали
    Новогродовку"), or that a word rules out unless that word is a settlement's name ("мирн*"
    of Мирне): it counts once the settlements are resolved."""

    topic: str
    match: Match
    places_at: tuple[int, ...]      # original offsets: one of these words must be a place
    names_at: tuple[int, ...] = ()  # original offsets: each of these words must be in a place


class _Candidate(NamedTuple):
    """One reading of some words as a place; a named tuple because posts make many."""

    core_start: int      # the name itself, which decides overlaps between readings
    core_end: int
    place: int           # BLOCKER: a reading that means no tracked place
    start: int           # the words reported to the user
    end: int
    label: str


def _regions(needs: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Stretches of text around the candidates, as wide as their context rules look: only
    these are split into words, so a long post costs no more than a short one."""
    regions: list[tuple[int, int]] = []
    for start, reach in sorted(needs):
        low, high = max(0, start - reach), min(size, start + reach)
        if regions and low <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(high, regions[-1][1]))
        else:
            regions.append((low, high))
    return regions


class Scan:
    """Context rules for one post that holds at least one candidate word."""

    def __init__(self, gaz: Gazetteer, book: TopicBook, norm: Normalized, original: str,
                 needs: list[tuple[int, int]]) -> None:
        self.gaz = gaz
        self.book = book
        self.norm = norm
        self.original = original
        text = norm.text
        self.starts: list[int] = []
        self.tokens: list[str] = []
        for low, high in _regions(needs, len(text)):
            found = list(WORD.finditer(text, low, high))
            self.starts += map(_match_start, found)
            self.tokens += map(_match_word, found)
        self.candidates: list[_Candidate] = []
        self.place_tokens: set[int] = set()
        self.maybe_places: set[int] = set()     # words where a settlement's name may begin
        self.pending: list[Pending] = []
        self.excluded_places: set[int] = set()
        self._breaks: list[int] | None = None

    def run(self, language: str, found: list, settled: list[int] | None = None) -> Detection:
        terms: list[tuple[int, TermEntry]] = []
        for start, key, single, multi, adjectives, exact_terms, prefix in found:
            i = bisect_left(self.starts, start)
            if i == len(self.starts) or self.starts[i] != start:
                continue
            if prefix:
                terms += [(i, entry) for entry in prefix]
                continue
            if self.tokens[i] != key:
                continue
            for entry in single:
                self._name(i, entry)
            if multi is not None and i + 1 < len(self.tokens):
                for entry in multi.get(self.tokens[i + 1], ()):
                    self._name(i, entry)
            for entry in adjectives:
                self._adjective(i, entry)
            terms += [(i, entry) for entry in exact_terms]
        places = self._places()
        if settled and terms:
            for start in settled:
                i = bisect_left(self.starts, start)
                if i < len(self.starts) and self.starts[i] == start and i not in self.place_tokens:
                    self.maybe_places.add(i)
        topics = self._topics(terms, language) if terms else ()
        return Detection(language=language, places=places, topics=topics)

    # --- places --------------------------------------------------------------------

    def _add(self, i: int, j: int, place: int, last: int, label: str) -> None:
        self.candidates.append(_Candidate(self.starts[i], self._end(j), place, self.starts[i], self._end(last), label))

    def _end(self, i: int) -> int:
        return self.starts[i] + len(self.tokens[i])

    def _name(self, i: int, entry: NameEntry) -> None:
        j = i + len(entry.rest)
        if entry.rest and (j >= len(self.tokens) or tuple(self.tokens[i + 1:j + 1]) != entry.rest):
            return
        if entry.place == BLOCKER:
            self._add(i, j, BLOCKER, j, entry.label)
            return
        rules = self.gaz.rules[entry.place]
        if rules.capital_letter and not self._capitalised(i):
            return
        for ctx in rules.unless:
            if self._applies(ctx, i, j, entry):
                if ctx.whole_post:
                    self.excluded_places.add(entry.place)
                return
        if rules.names_region:
            k = self._area_after(j, entry.place)
            if k is not None:
                assert rules.region is not None
                last = k if k == j + 1 else j
                self._add(i, j, rules.region, last, f"{entry.label} + region")
                return
        self._add(i, j, entry.place, j, entry.label)

    def _adjective(self, i: int, entry: AdjectiveEntry) -> None:
        k = i + 1
        while k < len(self.tokens) and k <= i + _MAX_SHARED:
            token = self.tokens[k]
            if token in self.gaz.axis:
                last = k if k == i + 1 else i
                self._add(i, i, entry.place, last, f"{entry.label} + {token}")
                return
            if token in self.gaz.area:
                region = self.gaz.rules[entry.place].region
                if region is not None:
                    self._add(i, i, region, k if k == i + 1 else i, f"{entry.label} + {token}")
                return
            if token in self.gaz.links or token in self.gaz.adjectives or token.endswith(_ADJECTIVE_ENDINGS):
                k += 1
                continue
            return

    def _area_after(self, j: int, place: int) -> int | None:
        """Index of `region`/`oblast` after a name, across `and Luhansk` in a shared phrase."""
        for k in range(j + 1, min(j + 1 + _MAX_SHARED, len(self.tokens))):
            token = self.tokens[k]
            if token in self.gaz.area:
                return k
            if token in self.gaz.links:
                continue
            entries = self.gaz.names.get(token)
            if entries and any(e.place not in (place, BLOCKER) and not e.rest for e in entries):
                continue
            return None
        return None

    def _capitalised(self, i: int) -> bool:
        return self.original[self.norm.to_original(self.starts[i])].isupper()

    def _at_sentence_start(self, i: int) -> bool:
        before = self.original[:self.norm.to_original(self.starts[i])].rstrip(" \t\u00a0\"'«“„(#*_-—–•")
        return not before or before[-1] in _SENTENCE_END

    def _name_before(self, i: int) -> bool:
        """A capitalised word right before, as a first name or a rank before a surname."""
        if i == 0 or self.norm.text[self._end(i - 1):self.starts[i]].strip():
            return False
        start = self.norm.to_original(self.starts[i - 1])
        word = self.original[start:start + 2]
        return len(word) == 2 and word[0].isupper() and word[1].islower() and not self._at_sentence_start(i - 1) \
            and self.tokens[i - 1] not in self.gaz.names

    def _phrase_at(self, phrase: tuple[WordSet, ...], first: int) -> bool:
        if first < 0 or first + len(phrase) > len(self.tokens):
            return False
        return all(self.tokens[first + q] in slot for q, slot in enumerate(phrase))

    def _maybe(self, k: int, needed: list[int]) -> bool:
        if k in self.place_tokens:
            return True
        if k in self.maybe_places:
            needed.append(k)
            return True
        return False

    def _excluded(self, topic: Topic, i: int) -> bool:
        """Whether token i lies in one of the topic's exclude phrases. Only the slots that
        token i itself fits can place a phrase around it (remembered per word by the topic),
        so most phrases are never compared word by word."""
        pairs = topic.exclusions(self.tokens[i])
        return bool(pairs) and any(self._phrase_at(phrase, i - o) for phrase, o in pairs)

    def _sentence_breaks(self) -> list[int]:
        """Indices of tokens that open a sentence: a context rule looks no further, so a
        raisin cake in one sentence says nothing of Izium in the next."""
        text = self.norm.text
        breaks: list[int] = []
        for k in range(1, len(self.tokens)):
            previous_end = self._end(k - 1)
            gap = text[previous_end:self.starts[k]]
            if len(gap) > CONTEXT_CHARS or "\n" in gap:
                breaks.append(k)
            elif any(ch in gap for ch in ".!?…") and not (
                    gap.lstrip().startswith(".") and len(self.tokens[k - 1]) <= 3 and gap.strip() == "."):
                breaks.append(k)
        return breaks

    def _near(self, words_: WordSet, i: int, j: int, window: int, sentence: bool = False) -> bool:
        """Whether any word within `window` words of tokens i..j (not themselves) fits; with
        `sentence`, only words of the same sentence (of the one before too when the name
        opens its sentence, where its capital letter tells nothing)."""
        first, last = 0, len(self.tokens)
        if sentence:
            if self._breaks is None:
                self._breaks = self._sentence_breaks()
            breaks = self._breaks
            k = bisect_right(breaks, i)
            if k and breaks[k - 1] == i:
                k -= 1
            first = breaks[k - 1] if k else 0
            k = bisect_right(breaks, j)
            last = breaks[k] if k < len(breaks) else len(self.tokens)
        low, high = max(first, i - window), min(last, j + 1 + window)
        if words_.any_in(self.tokens[low:i]) or words_.any_in(self.tokens[j + 1:high]):
            return True
        return words_.any_place and not (self.place_tokens.isdisjoint(range(low, i))
                                         and self.place_tokens.isdisjoint(range(j + 1, high)))

    def _ruled_out(self, words_: WordSet, i: int, j: int, window: int, names: list[int]) -> bool:
        """`_near` for words that rule a term out, where a place's name is none of them ("мирн*"
        is civilians, not Мирноград): a place of places.toml is skipped; the beginning of a
        settlement's name (and the capitalised word after it) is noted in `names`, and the
        term counts only if each turns out to be a settlement."""
        if not self._near(words_, i, j, window):
            return False
        low, high = max(0, i - window), min(len(self.tokens), j + 1 + window)
        blockers = [k for k in (*range(low, i), *range(j + 1, high)) if self.tokens[k] in words_]
        maybe = self.maybe_places
        for k in blockers:
            if k in self.place_tokens:
                continue
            if k in maybe or (k - 1 in maybe and self._capitalised(k)):
                names.append(k)
                continue
            return True
        return False

    def _applies(self, ctx: Context, i: int, j: int, entry: NameEntry) -> bool:
        if ctx.forms and entry.form not in ctx.forms:
            return False
        if ctx.lowercase and self._capitalised(i):
            return False
        if ctx.at_start and not self._at_sentence_start(i):
            return False
        if ctx.name_before and not self._name_before(i):
            return False
        if ctx.has_before and not (
                (i > 0 and self.tokens[i - 1] in ctx.before_word)
                or any(self._phrase_at(p, i - len(p)) for p in ctx.before)):
            return False
        if ctx.has_after and not (
                (j + 1 < len(self.tokens) and self.tokens[j + 1] in ctx.after_word)
                or any(self._phrase_at(p, j + 1) for p in ctx.after)):
            return False
        return ctx.near is EMPTY or self._near(ctx.near, i, j, ctx.window, sentence=True)

    def _places(self) -> tuple[PlaceHit, ...]:
        kept: list[_Candidate] = []
        order = self.candidates if len(self.candidates) < 2 else sorted(
            self.candidates, key=lambda c: (c.core_start, c.core_start - c.core_end, c.start - c.end))
        for cand in order:
            if kept and cand.core_start < kept[-1].core_end:
                if (cand.core_start, cand.core_end) != (kept[-1].core_start, kept[-1].core_end):
                    continue
                if any(k.place == cand.place and k.core_start == cand.core_start for k in kept[-3:]):
                    continue
            kept.append(cand)
        by_place: dict[int, list[Match]] = {}
        seen: set[tuple[int, int, int]] = set()
        for cand in kept:
            if cand.place == BLOCKER or cand.place in self.excluded_places:
                continue
            i = bisect_left(self.starts, cand.core_start)
            while i < len(self.starts) and self.starts[i] < cand.core_end:
                self.place_tokens.add(i)
                i += 1
            a, b = self.norm.original_span(cand.start, cand.end)
            if (cand.place, a, b) not in seen:
                seen.add((cand.place, a, b))
                by_place.setdefault(cand.place, []).append(Match(a, b, self.original[a:b], cand.label))
        return tuple(PlaceHit(self.gaz.places[p].id, tuple(ms)) for p, ms in by_place.items())

    # --- topics --------------------------------------------------------------------

    def _topics(self, terms: list[tuple[int, TermEntry]], language: str) -> tuple[TopicHit, ...]:
        """Terms in context; where rules of several languages match the same words, the
        post's own language names the rule."""
        by_topic: dict[int, list[Match]] = {}
        covered: set[tuple[int, int, int]] = set()
        rules = [self.book.topics[entry.topic].rules[entry.rule] for _, entry in terms]
        order = sorted(range(len(terms)), key=lambda n: (terms[n][0], rules[n].lang != language))
        for n in order:
            i, entry = terms[n]
            topic = self.book.topics[entry.topic]
            rule = rules[n]
            if rule.except_words is not EMPTY and self.tokens[i] in rule.except_words:
                continue
            j = match_sequence(self.tokens, i, entry.rest, rule.gap, self.place_tokens.__contains__) \
                if entry.rest else i
            needed: list[int] = []
            if j is None and self.maybe_places and any(slot.any_place for slot in entry.rest):
                j = match_sequence(self.tokens, i, entry.rest, rule.gap, lambda k: self._maybe(k, needed))
            if j is None:
                continue
            if topic.exclude and self._excluded(topic, i):
                continue
            if rule.near is not EMPTY and not self._near(rule.near, i, j, rule.window):
                if not (rule.near.any_place and self.maybe_places):
                    continue
                low, high = max(0, i - rule.window), min(len(self.tokens), j + 1 + rule.window)
                near = [k for k in (*range(low, i), *range(j + 1, high)) if k in self.maybe_places]
                if not near:
                    continue
                needed += near
            names: list[int] = []
            if rule.not_near is not EMPTY and self._ruled_out(rule.not_near, i, j, rule.window, names):
                continue
            if topic.not_near is not EMPTY and self._ruled_out(topic.not_near, i, j, rule.window, names):
                continue
            key = (entry.topic, self.starts[i], self._end(j))
            if key in covered:
                continue
            a, b = self.norm.original_span(self.starts[i], self._end(j))
            if needed or names:
                to_original = self.norm.to_original
                self.pending.append(Pending(topic.id, Match(a, b, self.original[a:b], entry.label),
                                             tuple(to_original(self.starts[k]) for k in needed),
                                             tuple(to_original(self.starts[k]) for k in names)))
                continue
            covered.add(key)
            by_topic.setdefault(entry.topic, []).append(Match(a, b, self.original[a:b], entry.label))
        return tuple(TopicHit(self.book.topics[t].id, _outermost(ms)) for t, ms in sorted(by_topic.items()))


def confirm(detection: Detection, pending: list[Pending], order: dict[str, int]) -> Detection:
    """The detection with the pending topic matches whose place words turned out to be a
    settlement's name."""
    starts = {m.start for hit in detection.places for m in hit.matches}
    spans = [(m.start, m.end) for hit in detection.places for m in hit.matches]
    confirmed = [p for p in pending if (not p.places_at or any(at in starts for at in p.places_at))
                 and all(any(a <= at < b for a, b in spans) for at in p.names_at)]
    if not confirmed:
        return detection
    by_topic: dict[str, list[Match]] = {hit.topic_id: list(hit.matches) for hit in detection.topics}
    for p in confirmed:
        by_topic.setdefault(p.topic, []).append(p.match)
    topics = tuple(TopicHit(t, _outermost(ms)) for t, ms in sorted(by_topic.items(), key=lambda item: order[item[0]]))
    return Detection(detection.language, detection.places, topics, detection.events, detection.unresolved)


def _outermost(matches: list[Match]) -> tuple[Match, ...]:
    """Drop a match lying inside a longer one of the same topic ("відведення" within
    "відведення військ"): the longer names the rule that decided."""
    ordered = sorted(matches, key=lambda m: (m.start, -m.end))
    kept: list[Match] = []
    for m in ordered:
        if not kept or m.end > kept[-1].end or m.start >= kept[-1].end:
            if kept and m.start == kept[-1].start:
                continue
            kept.append(m)
    return tuple(kept)
