"""The detector: one C-level pass finds candidate words, context rules run only on those.

Most posts mention nothing. For them the cost is `str.lower`, a few `in` tests for the
language and one Aho-Corasick pass over the folded text that yields nothing; words mixing
Latin look-alikes into Cyrillic ("Kупянск") are found with byte-level tests and rewritten
only when present. Only a post with a candidate is split into words, and only the words
around a candidate are looked at.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import NamedTuple

import ahocorasick_rs

from bot.detect.config import read_places, read_topics
from bot.detect.eventlex import EventLexicon, read_event_lexicon
from bot.detect.events import ACTIONS, find_events
from bot.detect.gazetteer import BLOCKER, AdjectiveEntry, Context, Gazetteer, NameEntry, build_gazetteer
from bot.detect.language import detect_language
from bot.detect.model import Detection, Match, Place, PlaceHit, TopicHit
from bot.detect.normalize import WORD, Normalized, fix_lookalikes, fold_raw, mixes_scripts, script_bytes, words
from bot.detect.patterns import EMPTY, WordSet, match_sequence
from bot.detect.settlements import AREA_NOUNS, SHORT_AREA_NOUN, WAR_STEMS, SettlementMatcher, load_book
from bot.detect.topics import TermEntry, Topic, TopicBook, build_topics

_ADJECTIVE_ENDINGS = ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ому", "ему", "ым", "им",
                      "ом", "ем", "ую", "юю", "ою", "ею", "ых", "их", "ыми", "ими", "а", "ої", "ій", "у", "е", "і")
_SENTENCE_END = ".!?…\n"
# What one post may cost: the candidate words looked at in context. A real post has a few;
# a pasted book or a hostile 50 MB message has its first ones read and the rest skipped,
# so detection time grows with the text (one automaton pass) and no faster.
MAX_CANDIDATES = 2_000
_MAX_SHARED = 4
_PHRASE_LOOKAHEAD = 80
# Characters either side of a candidate that are split into words: more than the widest
# context window (about 10 words) needs.
_CONTEXT_CHARS = 75       # a topic's window of about 8 words
_NAME_CONTEXT_CHARS = 45  # a name's own context: a word before, an oblast noun after
# unbound methods, so that a region's words and starts are listed by map() in C
_match_start = re.Match.start
_match_word = re.Match.group
# Detections are immutable, so the common answer "nothing here" is built once per language.
_NOTHING = {lang: Detection(language=lang, places=(), topics=()) for lang in ("ru", "uk", "en", "other")}


class _Pending(NamedTuple):
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


class Detector:
    def __init__(self, gazetteer: Gazetteer, topics: TopicBook, events: EventLexicon | None = None,
                 settlements: SettlementMatcher | None = None) -> None:
        self._settlements = settlements
        self._gaz = gazetteer
        self._book = topics
        self._events = events
        self._regions = frozenset(p.id for p in gazetteer.places if p.kind in ("oblast", "region"))
        self._ids = {place.id: i for i, place in enumerate(gazetteer.places)}
        self._automaton, self._payloads = self._build_automaton()
        # places whose `unless` rules look further than the next word or two
        self._wide = {i: any(not ctx.near.empty for ctx in rules.unless)
                      for i, rules in enumerate(gazetteer.rules)}
        self._wide[BLOCKER] = False
        # the context a key's names need: a place's wide `unless` rules look as far as a topic's
        self._name_reach = [_CONTEXT_CHARS if any(self._wide[e.place] for e in single) else _NAME_CONTEXT_CHARS
                            for _key, single, *_rest in self._payloads]
        self._form_index = self._build_form_index()
        self._topic_order = {topic.id: n for n, topic in enumerate(topics.topics)}

    @classmethod
    def from_config(cls, config_dir: Path) -> Detector:
        config_dir = Path(config_dir)
        gazetteer = build_gazetteer(read_places(config_dir / "places.toml"))
        events = config_dir / "events.toml"
        return cls(gazetteer, build_topics(read_topics(config_dir / "topics.toml")),
                   read_event_lexicon(events) if events.exists() else None,
                   SettlementMatcher(load_book(), gazetteer.places))

    def _build_automaton(self) -> tuple[ahocorasick_rs.AhoCorasick, list[tuple]]:
        """Each key carries what it can start: names, multi-word names by their next word, terms.

        A DFA, built in milliseconds, scans a post about twice as fast as a trie walk; the
        payload of a key is found by the key's index.
        """
        war = set(WAR_STEMS) if self._settlements is not None else set()
        cities = self._settlements.city_words() if self._settlements is not None else set()
        areas = set(AREA_NOUNS) if self._settlements is not None else set()
        keys = sorted(set(self._gaz.names) | set(self._gaz.adjectives) | set(self._book.exact)
                      | set(self._book.prefix) | war | cities | areas)
        # an oblast's, raion's or hromada's noun, anywhere: the settlement finder reads the word before
        self._area_keys = frozenset(i for i, key in enumerate(keys) if key in areas)
        self._short_area_key = keys.index(SHORT_AREA_NOUN) if areas else -1
        # keys that only say the post is about the war: then its settlements are looked for
        self._war_keys = frozenset(i for i, key in enumerate(keys) if key in war)
        # a city's name is a place in any post, war or not (Вінниця, Житомир): its settlements
        # are looked for too
        self._city_keys = frozenset(i for i, key in enumerate(keys) if key in cities)
        # keys of no name or term, that only say one of the things above: most keys
        self._flag_keys = frozenset(i for i, key in enumerate(keys) if not (key in self._gaz.names
                                    or key in self._gaz.adjectives or key in self._book.exact or key in self._book.prefix))
        payloads: list[tuple] = []
        for key in keys:
            entries = self._gaz.names.get(key, ())
            single = tuple(e for e in entries if not e.rest)
            multi: dict[str, tuple[NameEntry, ...]] = {}
            for e in entries:
                if e.rest:
                    multi[e.rest[0]] = (*multi.get(e.rest[0], ()), e)
            adjectives = tuple(self._gaz.adjectives.get(key, ()))
            terms = tuple(self._book.exact.get(key, ()))
            prefix = tuple(self._book.prefix.get(key, ()))
            payloads.append((key, single, multi or None, adjectives, terms, prefix))
        automaton = ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard,
                                               implementation=ahocorasick_rs.Implementation.DFA)
        return automaton, payloads

    def _build_form_index(self) -> dict[str, str]:
        index: dict[str, str] = {}
        blocked = {" ".join((key, *e.rest)) for key, entries in self._gaz.names.items() for e in entries
                   if e.place == BLOCKER}
        for place, forms in zip(self._gaz.places, self._gaz.forms_by_place, strict=True):
            index.setdefault(place.id, place.id)
            for form in forms:
                joined = " ".join(form)
                if joined not in blocked:
                    index.setdefault(joined, place.id)
        return index

    # --- the public interface ----------------------------------------------------------

    def detect(self, text: str, side: str | None = None) -> Detection:
        """Places, topics and language of a post; its events (claims) when a withdrawal or
        capture word is present. `side` is the channel's side ("ru", "ua", "other"), which
        "наши" and "противник" are resolved against."""
        folded, shifts = fold_raw(text)
        # the automaton first: it leaves the text's UTF-8 form cached on the string, which
        # script_bytes then copies instead of encoding the post a second time
        found, needs, war, city, areas = self._candidates(folded)
        scripts = None
        rewritten = False
        if not folded.isascii():
            scripts = script_bytes(folded)
            if mixes_scripts(scripts):
                fixed = fix_lookalikes(folded)
                rewritten = True
                if fixed is not folded:
                    folded = fixed
                    found, needs, war, city, areas = self._candidates(folded)
                    scripts = script_bytes(folded)
        language = detect_language(folded, text, scripts)
        if not (found or war or city):
            return _NOTHING.get(language) or Detection(language=language, places=(), topics=())
        norm = Normalized(folded, len(text), shifts)
        settled = self._settlements.starts(folded, text, norm, rewritten, areas) \
            if self._settlements is not None else None
        if not found and not settled:
            return _NOTHING.get(language) or Detection(language=language, places=(), topics=())
        pending: list[_Pending] = []
        if found:
            scan = _Scan(self._gaz, self._book, norm, text, needs)
            detection = scan.run(language, found, settled)
            pending = scan.pending
        else:
            detection = _NOTHING.get(language) or Detection(language=language, places=(), topics=())
        if settled and self._settlements is not None:
            # a withdrawal or a capture is a word of the war too ("рішення про відведення
            # підрозділів з Очеретиного"): the village it names counts
            war = war or any(hit.topic_id in ACTIONS for hit in detection.topics)
            detection = self._settlements.add_to(detection, settled, folded, text, norm, war)
            if pending:
                detection = _confirm(detection, pending, self._topic_order)
        if self._events is not None and any(hit.topic_id in ACTIONS for hit in detection.topics):
            events = find_events(self._events, norm, text, detection.places, detection.topics, side,
                                 detection.language, self._regions)
            if events:
                return Detection(detection.language, detection.places, detection.topics, events, detection.unresolved)
        return detection

    def _candidates(self, folded: str) -> tuple[list, list[tuple[int, int]], bool, bool, list[int] | None]:
        """Words that may start a name or a term, found in one automaton pass, with the context
        each needs; whether a word of the war, or a word a city's name begins with, was among
        them; where area nouns stand (None when the pass stopped early, on a hostile post)."""
        found: list = []
        needs: list[tuple[int, int]] = []
        areas: list[int] | None = []
        war = city = False
        war_keys, city_keys = self._war_keys, self._city_keys
        flag_keys, area_keys, short_area = self._flag_keys, self._area_keys, self._short_area_key
        size = len(folded)
        payloads = self._payloads
        for index, start, end in self._automaton.find_matches_as_indexes(folded, overlapping=True):
            if index in area_keys:
                # "обл" only as a whole abbreviation (a regex's \b: no letter, digit or _ after)
                if index != short_area or end == size or not (folded[end].isalnum() or folded[end] == "_"):
                    areas.append(start)
                continue
            if start and folded[start - 1].isalpha():
                continue
            if len(found) >= MAX_CANDIDATES:
                areas = None
                break
            whole = end == size or not folded[end].isalpha()
            if index in war_keys and (whole or end - start > 4):
                war = True
            if whole and index in city_keys:
                city = True
            if index in flag_keys:
                continue
            key, single, multi, adjectives, terms, prefix = payloads[index]
            if whole:
                if terms:
                    terms = self._plausible(folded, end, terms)
                if single or adjectives or terms:
                    found.append((start, key, single, multi, adjectives, terms, ()))
                    needs.append((start, _CONTEXT_CHARS if terms else self._name_reach[index]))
                elif multi is not None:
                    following = WORD.search(folded, end)
                    if following is not None and following.group() in multi:
                        found.append((start, key, (), multi, (), (), ()))
                        needs.append((start, _NAME_CONTEXT_CHARS))
            if prefix:
                prefix = self._plausible(folded, end, prefix)
                if prefix:
                    found.append((start, key, (), None, (), (), prefix))
                    needs.append((start, _CONTEXT_CHARS))
        return found, needs, war, city, areas

    def _plausible(self, folded: str, pos: int, entries: tuple[TermEntry, ...]) -> tuple[TermEntry, ...]:
        """Phrases whose second word is among the next few words; single terms pass.

        Most phrase heads are everyday words ("выход", "жест"), and this check spares
        those posts the full context scan.
        """
        if all(not e.rest for e in entries):
            return entries
        following = WORD.findall(folded, pos, pos + _PHRASE_LOOKAHEAD)
        kept = []
        for e in entries:
            if not e.rest or e.rest[0].any_place:
                kept.append(e)
                continue
            gap = self._book.topics[e.topic].rules[e.rule].gap
            if any(w in e.rest[0] for w in following[:gap + 1]):
                kept.append(e)
        return tuple(kept)

    def places(self) -> tuple[Place, ...]:
        return self._gaz.places

    def place(self, place_id: str) -> Place:
        if place_id not in self._ids and self._settlements is not None:
            return self._settlements.place(place_id)
        return self._gaz.places[self._ids[place_id]]

    def topics(self) -> tuple[str, ...]:
        return tuple(topic.id for topic in self._book.topics)

    def topic_of_word(self, word: str) -> str | None:
        """The topic one searched word names (`отступили`, `відступ`, `withdrawal`), or None.

        A search word is read out of context, so a term that needs a neighbour in a post
        (`отступ*` near troops) still names its topic here; a phrase's first word alone
        (`вывод`) does not, and neither does a listed exception (`отступные`).
        """
        folded = words(word)
        if len(folded) != 1:
            return None
        token = folded[0]
        for topic in self._book.topics:
            if token == topic.id or token in words(topic.title)[:1]:
                return topic.id
        entries = list(self._book.exact.get(token, ()))
        entries += [e for stem, found in self._book.prefix.items() if token.startswith(stem) for e in found]
        for entry in entries:
            if not entry.rest and token not in self._book.topics[entry.topic].rules[entry.rule].except_words:
                return self._book.topics[entry.topic].id
        return None

    def resolve_place(self, query: str) -> str | None:
        query = query.strip()
        if not query:
            return None
        if query.lower() in self._ids:
            return query.lower()
        joined = " ".join(words(query))
        if not joined:
            return None
        if joined in self._form_index:
            return self._form_index[joined]
        detection = self.detect(query)
        if len(detection.places) == 1:
            hit = detection.places[0]
            covered = "".join(query[m.start:m.end] for m in hit.matches)
            if " ".join(words(covered)) == joined:
                return hit.place_id
        return None

    def closest_places(self, query: str, n: int = 3) -> list[str]:
        target = " ".join(words(query))
        if not target:
            return []
        candidates = difflib.get_close_matches(target, list(self._form_index), n=max(n * 10, 10), cutoff=0.6)
        out: list[str] = []
        for candidate in candidates:
            place_id = self._form_index[candidate]
            if place_id not in out:
                out.append(place_id)
        return out[:n]

    def surface_forms(self, place_id: str | None = None) -> list[str]:
        indices = range(len(self._gaz.places)) if place_id is None else [self._ids[place_id]]
        forms: set[str] = set()
        for i in indices:
            forms.update(" ".join(form) for form in self._gaz.forms_by_place[i])
            forms.update(self._gaz.adjective_forms_by_place[i])
        return sorted(forms)


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


class _Scan:
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
        self.pending: list[_Pending] = []
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
            if len(gap) > _CONTEXT_CHARS or "\n" in gap:
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
                self.pending.append(_Pending(topic.id, Match(a, b, self.original[a:b], entry.label),
                                             tuple(to_original(self.starts[k]) for k in needed),
                                             tuple(to_original(self.starts[k]) for k in names)))
                continue
            covered.add(key)
            by_topic.setdefault(entry.topic, []).append(Match(a, b, self.original[a:b], entry.label))
        return tuple(TopicHit(self.book.topics[t].id, _outermost(ms)) for t, ms in sorted(by_topic.items()))


def _confirm(detection: Detection, pending: list[_Pending], order: dict[str, int]) -> Detection:
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
