"""The detector: one C-level pass finds candidate words, context rules run only on those.

Most posts mention nothing. For them the cost is `str.lower`, a few `in` tests for the
language and one Aho-Corasick pass over the folded text that yields nothing; words mixing
Latin look-alikes into Cyrillic ("Kупянск") are found with byte-level tests and rewritten
only when present. Only a post with a candidate is split into words, and only the words
around a candidate are looked at.
"""

from __future__ import annotations

import difflib
from itertools import islice
from pathlib import Path

import ahocorasick_rs

from bot.detect.config import read_places, read_topics
from bot.detect.context_scan import CONTEXT_CHARS, Pending, Scan, confirm
from bot.detect.eventlex import EventLexicon, read_event_lexicon
from bot.detect.events import ACTIONS, find_events
from bot.detect.gazetteer import BLOCKER, Gazetteer, NameEntry, build_gazetteer
from bot.detect.language import detect_language
from bot.detect.model import Detection, Place
from bot.detect.normalize import WORD, Normalized, fix_lookalikes, fold_raw, mixes_scripts, script_bytes, words
from bot.detect.settlements import AREA_NOUNS, SHORT_AREA_NOUN, WAR_STEMS, SettlementMatcher, load_book
from bot.detect.topics import TermEntry, TopicBook, build_topics

# What one post may cost: the candidate words looked at in context. A real post has a few;
# a pasted book or a hostile 50 MB message has its first ones read and the rest skipped,
# so detection time grows with the text (one automaton pass) and no faster.
MAX_CANDIDATES = 2_000
_NAME_CONTEXT_CHARS = 45  # a name's own context: a word before, an oblast noun after (CONTEXT_CHARS: a topic's)
# Detections are immutable, so the common answer "nothing here" is built once per language.
_NOTHING = {lang: Detection(language=lang, places=(), topics=()) for lang in ("ru", "uk", "en", "other")}


class Detector:
    def __init__(self, gazetteer: Gazetteer, topics: TopicBook, events: EventLexicon | None = None,
                 settlements: SettlementMatcher | None = None) -> None:
        self._settlements = settlements
        self._gaz = gazetteer
        self._book = topics
        self._events = events
        self._regions = frozenset(p.id for p in gazetteer.places if p.kind in ("oblast", "region"))
        # what "из города", "з міста" may mean when the clause names no place
        # a Russian town is a город («Суджа: противник покидает город»); a Ukrainian one is
        # most often a селище
        self._cities = frozenset(p.id for p in gazetteer.places
                                 if p.kind == "city" or (p.kind == "town" and p.country == "RU")) | (
            settlements.city_ids() if settlements is not None else frozenset())
        self._ids = {place.id: i for i, place in enumerate(gazetteer.places)}
        self._automaton, self._payloads = self._build_automaton()
        # places whose `unless` rules look further than the next word or two
        self._wide = {i: any(not ctx.near.empty for ctx in rules.unless)
                      for i, rules in enumerate(gazetteer.rules)}
        self._wide[BLOCKER] = False
        # the context a key's names need: a place's wide `unless` rules look as far as a topic's
        self._name_reach = [CONTEXT_CHARS if any(self._wide[e.place] for e in single) else _NAME_CONTEXT_CHARS
                            for _key, single, *_rest in self._payloads]
        self._form_index = self._build_form_index()
        self._topic_order = {topic.id: n for n, topic in enumerate(topics.topics)}
        # the most words after its first that a topic phrase may reach
        self._phrase_reach = max((len(e.rest) * (topics.topics[e.topic].rules[e.rule].gap + 1)
                                  for found in (*topics.exact.values(), *topics.prefix.values()) for e in found),
                                 default=0)

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
        cities = self._settlements.city_words() if self._settlements is not None else {}
        if self._settlements is not None:
            cities.update(dict.fromkeys(self._settlements.oblast_words() - cities.keys()))
        areas = set(AREA_NOUNS) if self._settlements is not None else set()
        keys = sorted(set(self._gaz.names) | set(self._gaz.adjectives) | set(self._book.exact)
                      | set(self._book.prefix) | war | cities.keys() | areas)
        # an oblast's, raion's or hromada's noun, anywhere: the settlement finder reads the word before
        self._area_keys = frozenset(i for i, key in enumerate(keys) if key in areas)
        self._short_area_key = keys.index(SHORT_AREA_NOUN) if areas else -1
        # keys that only say the post is about the war: then its settlements are looked for
        self._war_keys = frozenset(i for i, key in enumerate(keys) if key in war)
        # a city's name is a place in any post, war or not (Вінниця, Житомир), and so is an
        # oblast's adjective or region word (Волынской, на Волыни): its settlements are looked
        # for too; a key that only begins a longer name, with the words that follow it
        self._city_keys = {i: cities[key] for i, key in enumerate(keys) if key in cities}
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
        if not (found or war or city) and not (areas and self._settlements is not None
                                                 and self._settlements.names_an_area(folded, areas)):
            return _NOTHING.get(language) or Detection(language=language, places=(), topics=())
        norm = Normalized(folded, len(text), shifts)
        settled = self._settlements.starts(folded, text, norm, rewritten, areas) \
            if self._settlements is not None else None
        if not found and not settled:
            return _NOTHING.get(language) or Detection(language=language, places=(), topics=())
        pending: list[Pending] = []
        if found:
            scan = Scan(self._gaz, self._book, norm, text, needs)
            detection = scan.run(language, found, settled)
            pending = scan.pending
        else:
            detection = _NOTHING.get(language) or Detection(language=language, places=(), topics=())
        if settled and self._settlements is not None:
            # a withdrawal or a capture is a word of the war too ("рішення про відведення
            # підрозділів з Очеретиного"): the village it names counts
            war = war or any(hit.topic_id in ACTIONS for hit in detection.topics) \
                or any(p.topic in ACTIONS and p.places_at for p in pending)     # "Кліщіївка наша!"
            detection = self._settlements.add_to(detection, settled, folded, text, norm, war)
            if pending:
                detection = confirm(detection, pending, self._topic_order)
        if self._events is not None and any(hit.topic_id in ACTIONS for hit in detection.topics):
            events = find_events(self._events, norm, text, detection.places, detection.topics, side,
                                 detection.language, self._regions, self._cities)
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
            if whole and not city and index in city_keys:
                following = city_keys[index]
                if following is None:
                    city = True
                else:
                    after = WORD.search(folded, end, end + 40)
                    city = after is not None and after.group() in following
            if index in flag_keys:
                continue
            key, single, multi, adjectives, terms, prefix = payloads[index]
            if whole:
                if terms:
                    terms = self._plausible(folded, start, terms)
                if single or adjectives or terms:
                    found.append((start, key, single, multi, adjectives, terms, ()))
                    needs.append((start, CONTEXT_CHARS if terms else self._name_reach[index]))
                elif multi is not None:
                    following = WORD.search(folded, end)
                    if following is not None and following.group() in multi:
                        found.append((start, key, (), multi, (), (), ()))
                        needs.append((start, _NAME_CONTEXT_CHARS))
            if prefix:
                prefix = self._plausible(folded, start, prefix)
                if prefix:
                    found.append((start, key, (), None, (), (), prefix))
                    needs.append((start, CONTEXT_CHARS))
        return found, needs, war, city, areas

    def _plausible(self, folded: str, start: int, entries: tuple[TermEntry, ...]) -> tuple[TermEntry, ...]:
        """Phrases each of whose words stands within reach after the word at `start`
        (a slot of `gap` words, then the next); single terms pass.

        Most phrase heads are everyday words ("уже" of "уже в центре", "выход", "над"),
        and this check spares those posts the full context scan. It asks only what a
        match needs (`patterns.match_sequence`), so it drops no phrase that would match.
        """
        if all(not e.rest for e in entries):
            return entries
        following: list[str] | None = None
        kept = []
        for e in entries:
            if not e.rest:
                kept.append(e)
                continue
            reach = self._book.topics[e.topic].rules[e.rule].gap + 1
            if following is None:
                # the word at `start` first, then as many as the longest phrase may reach
                following = [m.group() for m in islice(WORD.finditer(folded, start), 1 + self._phrase_reach)][1:]
            for n, slot in enumerate(e.rest, 1):
                if not slot.any_place and not any(w in slot for w in following[:n * reach]):
                    break
            else:
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
