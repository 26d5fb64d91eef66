"""The events lexicon (config/events.toml) compiled into word and phrase tests.

Kept apart from the rules that use it so that a team can extend the vocabulary of
actors, denials or background cues without touching code, and every mistake in the file
is a ConfigError naming the key.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.detect.config import Checker, load_toml, word_lists
from bot.detect.patterns import EMPTY, PatternError, WordSet, compile_phrase, compile_word
from bot.errors import ConfigError

SIDES = ("ua", "ru", "own", "enemy")
_MEMO_SIZE = 20_000
_PLUS_ONE = (1).__add__   # a word's length and its space, in C


@dataclass(frozen=True, slots=True)
class Phrases:
    """Single words in one set test, longer phrases tried only where their first word fits;
    `find` searches a stretch of words with one regular expression over the words joined
    by spaces, which costs one C call where a loop over the words would cost dozens."""

    words: WordSet
    phrases: tuple[tuple[WordSet, ...], ...]
    heads: WordSet
    regex: re.Pattern[str] | None = None
    text_regex: re.Pattern[str] | None = None     # the same over folded text, not joined words
    parts: tuple[str, ...] = ()                   # fixed letters every match contains one of
    # every word a phrase can start with, when the list holds whole words only (no stems):
    # then one set test in C tells that none starts in a stretch of words
    firsts: frozenset[str] | None = None
    # token -> (a single word of the list, the first word of a phrase): posts repeat the same
    # few hundred words, so a dictionary hit replaces the prefix and suffix tests
    memo: dict[str, tuple[bool, bool]] = field(default_factory=dict, compare=False, repr=False)
    # the phrases by the exact first words they may open with, and those opening with a stem:
    # a head word then tries its own few phrases, not the whole list
    by_head: dict[str, tuple[tuple[WordSet, ...], ...]] = field(init=False, compare=False, repr=False)
    stem_headed: tuple[tuple[WordSet, ...], ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        heads: dict[str, list[tuple[WordSet, ...]]] = {}
        for phrase in self.phrases:
            for word in phrase[0].exact:
                heads.setdefault(word, []).append(phrase)
        object.__setattr__(self, "by_head", {word: tuple(found) for word, found in heads.items()})
        object.__setattr__(self, "stem_headed", tuple(p for p in self.phrases if not _exact_only(p[0])))

    def length_at(self, tokens: Sequence[str], i: int) -> int:
        """How many tokens from i form one of the phrases (the longest), 0 when none.

        A list of whole words is tested with its small set first: most tokens are in
        neither, and they then cost one set test, with no memo entry made or looked up.
        """
        token = tokens[i]
        firsts = self.firsts
        if firsts is not None:
            if token not in firsts:
                return 0
            single = token in self.words.exact
            if token not in self.heads.exact:
                return 1 if single else 0
        else:
            known = self.memo.get(token)
            if known is None:
                known = (token in self.words, bool(self.phrases) and token in self.heads)
                if len(self.memo) >= _MEMO_SIZE:
                    self.memo.clear()
                self.memo[token] = known
            single = known[0]
            if not known[1]:
                return 1 if single else 0
        best = 1 if single else 0
        size = len(tokens)
        for group in (self.by_head.get(token, ()), self.stem_headed):
            for phrase in group:
                n = len(phrase)
                if n <= best or i + n > size:
                    continue
                k = 1
                while k < n and tokens[i + k] in phrase[k]:
                    k += 1
                if k == n and token in phrase[0]:
                    best = n
        return best

    def absent(self, tokens: Sequence[str], low: int, high: int) -> bool:
        """Whether surely no phrase starts at tokens low..high-1 (False: one may)."""
        return self.firsts is not None and self.firsts.isdisjoint(tokens[low:high])

    def in_text(self, text: str) -> bool:
        """Whether a phrase occurs anywhere in a folded text, without splitting it into words:
        substring tests of the words' fixed parts first (fast in C), the regex only then."""
        return (self.text_regex is not None and any(map(text.__contains__, self.parts))
                and self.text_regex.search(text) is not None)

    def find(self, tokens: Sequence[str], low: int, high: int) -> int:
        """The first index in [low, high) where a phrase starts, -1 when none."""
        regex = self.regex
        if regex is None:
            return -1
        if low < 0:
            low = 0
        size = len(tokens)
        if high > size:
            high = size
        if low >= high:
            return -1
        firsts = self.firsts
        if firsts is not None and firsts.isdisjoint(tokens[low:high]):
            return -1
        if tokens.__class__ is JoinedWords:
            offsets = tokens.offsets
            # offsets[high] is just past the space that ends word high - 1
            found = regex.search(tokens.joined, offsets[low], offsets[high])
            return -1 if found is None else bisect_right(offsets, found.start()) - 1
        joined = " " + " ".join(tokens[low:high])
        found = regex.search(joined)
        if found is None:
            return -1
        return low + joined.count(" ", 0, found.start())


NO_PHRASES = Phrases(EMPTY, (), EMPTY, firsts=frozenset())


class Sided(dict):
    """Phrases by side, with `starts`: every word one of them can open. Most words open
    none, and one test of them then replaces a length test per side."""

    def __init__(self, tables: Mapping[str, Phrases]) -> None:
        super().__init__(tables)
        sets = [s for phrases in tables.values() for s in (phrases.words, phrases.heads)]
        self.starts = word_test(WordSet(frozenset().union(*(s.exact for s in sets)),
                                        tuple(sorted({p for s in sets for p in s.prefixes})),
                                        tuple(sorted({p for s in sets for p in s.suffixes})),
                                        tuple(sorted({p for s in sets for p in s.infixes}))))


class JoinedWords(list):
    """A post's words, each after a space, with the offset of that space, so that
    every `Phrases.find` over a stretch of them is one regex search with no new string."""

    __slots__ = ("joined", "offsets")    # one is made for every post read: no instance dict

    def __init__(self, words: Iterable[str]) -> None:
        list.__init__(self, words)
        self.joined = " " + " ".join(self)    # each word after a space
        # of the space before each word
        self.offsets = list(accumulate(map(_PLUS_ONE, map(len, self)), initial=0))


class ExactWords(frozenset):
    """A list of whole words: `in` is the set's own test, in C, with no memo."""

    def any_in(self, tokens: list[str]) -> bool:
        return not self.isdisjoint(tokens)


def word_test(words: WordSet) -> Words | ExactWords:
    """The quickest test of one word against a list: a set for whole words, else a memo."""
    if words.prefixes or words.suffixes or words.infixes or words.any_place:
        return Words(words)
    return ExactWords(words.exact)


class Words:
    """A word list tested one word at a time, remembering its answers (see `Phrases.memo`)."""

    __slots__ = ("words", "memo", "regex")

    def __init__(self, words: WordSet) -> None:
        self.words = words
        self.memo: dict[str, bool] = {}
        self.regex = _regex(words, ())

    def __contains__(self, token: str) -> bool:
        known = self.memo.get(token)
        if known is None:
            known = token in self.words
            if len(self.memo) >= _MEMO_SIZE:
                self.memo.clear()
            self.memo[token] = known
        return known

    def any_in(self, tokens: list[str]) -> bool:
        return self.words.any_in(tokens)

    def indices(self, tokens: JoinedWords, low: int, high: int) -> list[int]:
        """Indices of the tokens in [low, high) that are in the list, found by one regex
        pass over the joined words rather than a test per word."""
        if self.regex is None or low >= high:
            return []
        offsets = tokens.offsets
        return [bisect_right(offsets, m.start()) - 1
                for m in self.regex.finditer(tokens.joined, offsets[low], offsets[high])]


def _slot(words: WordSet) -> str:
    # Words and stems grouped by their first letter: Python's regex engine tries the
    # alternatives of a group one by one at each word, so a list of a hundred words costs a
    # hundred tests a word, and a group per first letter a few dozen, most failing at once.
    by_first: dict[str, list[str]] = {}
    for w in sorted(words.exact):
        by_first.setdefault(w[0], []).append(re.escape(w[1:]))
    for p in sorted(words.prefixes):
        by_first.setdefault(p[0], []).append(re.escape(p[1:]) + r"[^ ]*")
    parts = [re.escape(first) + (rest[0] if len(rest) == 1 else "(?:" + "|".join(rest) + ")")
             for first, rest in sorted(by_first.items())]
    parts += [r"[^ ]*" + re.escape(p) for p in words.suffixes]
    parts += [r"[^ ]*" + re.escape(p) + r"[^ ]*" for p in words.infixes]
    return "(?:" + "|".join(parts) + ")"


def _regex(single: WordSet, phrases: tuple[tuple[WordSet, ...], ...],
           over_text: bool = False) -> re.Pattern[str] | None:
    """Words joined by single spaces, or (over_text) folded text where anything not a letter
    separates words."""
    gap = _NOT_LETTERS if over_text else " "
    alternatives = [gap.join(_slot(slot) for slot in phrase) for phrase in phrases]
    if not single.empty:
        alternatives.append(_slot(single))
    if not alternatives:
        return None
    body = "(?:" + "|".join(alternatives) + ")"
    if over_text:
        return re.compile(_NO_LETTER_BEFORE + body.replace("[^ ]", _LETTER) + _NO_LETTER_AFTER)
    # a literal space first: the engine then jumps from space to space instead of trying
    # the alternatives at every character
    return re.compile(" " + _by_first_letter(single, phrases) + r"(?![^ ])")


def _by_first_letter(single: WordSet, phrases: tuple[tuple[WordSet, ...], ...]) -> str:
    """The words and phrases in one group per first letter, each phrase under every letter
    its first word can begin with. The engine skips an alternative whose first letter does
    not fit in a few steps, but enters every phrase and every group of a list in turn: with
    one group per letter a word costs a few dozen such skips and one descent, not a descent
    into each phrase. Only where a match starts is used (`Phrases.find`, and single words
    in `Words.indices`, which end where their word does), and that is the same."""
    by_first: dict[str, list[str]] = {}
    loose: list[str] = []      # alternatives that may begin with any letter

    def add(words: WordSet, tail: str) -> None:
        for w in sorted(words.exact):
            by_first.setdefault(w[0], []).append(re.escape(w[1:]) + tail)
        for p in sorted(words.prefixes):
            by_first.setdefault(p[0], []).append(re.escape(p[1:]) + r"[^ ]*" + tail)
        loose.extend(r"[^ ]*" + re.escape(p) + tail for p in words.suffixes)
        loose.extend(r"[^ ]*" + re.escape(p) + r"[^ ]*" + tail for p in words.infixes)

    for phrase in phrases:
        tail = "".join(" " + _slot(slot) for slot in phrase[1:])
        if phrase[0].any_place or phrase[0].empty:
            loose.append(_slot(phrase[0]) + tail)
        else:
            add(phrase[0], tail)
    add(single, "")
    parts = [re.escape(first) + (rest[0] if len(rest) == 1 else "(?:" + "|".join(rest) + ")")
             for first, rest in sorted(by_first.items())]
    return "(?:" + "|".join(parts + loose) + ")"


_LETTER = r"[^\W\d_']"
_NOT_LETTERS = r"[\W\d_]+"
_NO_LETTER_BEFORE = r"(?<![^\W\d_])"
_NO_LETTER_AFTER = r"(?![^\W\d_])"


WordTest = Words | ExactWords


@dataclass(frozen=True, slots=True)
class EventLexicon:
    actors: Sided                          # side word -> "ua" | "ru" | "own" | "enemy"
    actor_starts: Words                  # any word that may open an actor phrase: a quick first test
    objects: Sided                         # the same as objects of a pushing-out verb
    not_after: Phrases
    force: WordTest
    source: WordTest
    emblem: WordTest
    nouns: WordTest
    liberation: WordTest
    occupation: WordTest
    expel: Phrases
    expelled: Phrases
    fall: WordTest
    ours: WordTest
    states: WordTest
    not_claims: WordTest
    needs_place: WordTest
    control: Phrases
    ground: WordTest
    copula: Phrases
    opinion: Phrases
    subordinate: Phrases
    demand: Phrases
    observe: Phrases
    negation: Phrases
    denial: Phrases
    denial_next: Phrases
    denial_of_it: Phrases
    hearsay: Phrases
    unconfirmed: Phrases
    mockery: Phrases
    aside: Phrases
    irrealis: Phrases
    order: Phrases
    report: Phrases
    report_after: Phrases
    background: Phrases
    background_before: Phrases
    background_frame: Phrases
    generic: Phrases
    not_war: Phrases
    held: Phrases
    ours_now: Phrases
    admit: Phrases
    lie: Phrases
    now: Phrases
    destination: Phrases
    near: Phrases
    within: Phrases
    source_preps: Phrases
    vicinity: Phrases
    area: Phrases
    # irrealis, generic, not_war and opinion in one search: most claims have none of them,
    # and one search then answers for four
    not_news: re.Pattern[str] | None = None
    # every word that opens a preposition of place (source, near, within), when all three
    # lists are whole words: a word after none of them needs no test of its own
    place_preps: frozenset[str] | None = None


def _phrases(check: Checker, key: str, lists: Mapping[str, tuple[str, ...]], *, over_text: bool = False) -> Phrases:
    """`over_text`: also the regex over folded text (`Phrases.in_text`), which only a list
    searched in a post's opening lines needs; compiling it for every list cost a tenth of
    the detector's load."""
    if key not in check.table:
        return NO_PHRASES
    single: list[str] = []
    multi: list[tuple[WordSet, ...]] = []
    heads: list[str] = []
    for n, entry in enumerate(check.strings(key)):
        try:
            parts = entry.split()
            if len(parts) == 1:
                compile_word(parts, lists)
                single.append(entry)
            else:
                multi.append(compile_phrase(entry, lists))
                heads.append(parts[0])
        except PatternError as exc:
            raise check.error(f"{key}[{n}]", str(exc)) from None
    words = compile_word(single, lists)
    firsts = [words, *(phrase[0] for phrase in multi)]
    parts = tuple(sorted({p for w in firsts for p in (*w.exact, *w.prefixes, *w.suffixes, *w.infixes)}))
    head_set = compile_word(heads, lists)
    whole = all(_exact_only(w) for w in (words, head_set))
    return Phrases(words, tuple(multi), head_set, _regex(words, tuple(multi)),
                   _regex(words, tuple(multi), over_text=True) if over_text else None, parts,
                   firsts=words.exact | head_set.exact if whole else None)


def either(*lists: Phrases) -> re.Pattern[str] | None:
    """A regex over joined words that matches wherever one of the lists does: their single
    words in one set, so that each word is tried against one group per first letter."""
    single = [p.words for p in lists]
    return _regex(WordSet(frozenset().union(*(s.exact for s in single)),
                          tuple(sorted({x for s in single for x in s.prefixes})),
                          tuple(sorted({x for s in single for x in s.suffixes})),
                          tuple(sorted({x for s in single for x in s.infixes}))),
                  tuple(phrase for p in lists for phrase in p.phrases))


def _openers(*lists: Phrases) -> frozenset[str] | None:
    if any(p.firsts is None for p in lists):
        return None
    return frozenset().union(*(p.firsts for p in lists))


def _exact_only(words: WordSet) -> bool:
    return not (words.prefixes or words.suffixes or words.infixes or words.any_place)


def _words(check: Checker, key: str, lists: Mapping[str, tuple[str, ...]]) -> Words:
    if key not in check.table:
        return ExactWords()
    return word_test(compile_word(check.check_words(key, lists), lists))


_ACTOR_KEYS = (*SIDES, *(f"{side}_object" for side in SIDES), "not_after")
_ACTION_KEYS = ("nouns", "liberation", "occupation", "expel", "expelled", "fall", "ours", "states", "needs_place",
                "control", "not_claims")
_CUE_KEYS = ("negation", "denial", "denial_next", "denial_of_it", "hearsay", "unconfirmed", "mockery", "aside", "irrealis", "order", "report", "report_after", "background",
             "background_before", "background_frame", "generic", "not_war", "held", "ours_now", "admit", "lie", "now", "copula", "observe", "opinion",
             "subordinate", "demand")
_PLACE_KEYS = ("destination", "near", "within", "source", "vicinity", "area")


def read_event_lexicon(path: Path) -> EventLexicon:
    data = load_toml(path)
    top = Checker(path, "", data, {"words": dict, "actors": dict, "actions": dict, "cues": dict, "places": dict},
                  required=("actors", "actions", "cues", "places"))
    lists = word_lists(path, top.get("words", {}))
    for name in ("force", "source", "ground"):
        if name not in lists:
            raise ConfigError(str(path), f"words.{name}", "missing required word list")

    def section(name: str, keys: tuple[str, ...]) -> Checker:
        return Checker(path, name, top.get(name), {k: (str, list) for k in keys})

    actors = section("actors", _ACTOR_KEYS)
    actions = section("actions", _ACTION_KEYS)
    cues = section("cues", _CUE_KEYS)
    places = section("places", _PLACE_KEYS)
    sided = {side: _phrases(actors, side, lists) for side in SIDES}
    cues_read = {key: _phrases(cues, key, lists, over_text=key == "background_frame") for key in _CUE_KEYS}
    places_read = {key: _phrases(places, key, lists) for key in _PLACE_KEYS}
    starts = [p for side in SIDES for key in (side,) if key in actors.table for p in actors.strings(key)]
    return EventLexicon(
        actors=Sided(sided),
        actor_starts=Words(compile_word([p.split()[0] for p in starts], lists)),
        objects=Sided({side: _phrases(actors, f"{side}_object", lists) for side in SIDES}),
        not_after=_phrases(actors, "not_after", lists),
        force=word_test(compile_word(lists["force"], lists)),
        source=word_test(compile_word(lists["source"], lists)),
        emblem=word_test(compile_word(lists.get("emblem", ()), lists)),
        nouns=_words(actions, "nouns", lists), liberation=_words(actions, "liberation", lists),
        occupation=_words(actions, "occupation", lists), expel=_phrases(actions, "expel", lists),
        expelled=_phrases(actions, "expelled", lists), fall=_words(actions, "fall", lists),
        ours=_words(actions, "ours", lists),
        states=_words(actions, "states", lists), not_claims=_words(actions, "not_claims", lists), needs_place=_words(actions, "needs_place", lists),
        control=_phrases(actions, "control", lists), ground=word_test(compile_word(lists["ground"], lists)),
        **cues_read,
        **{key: places_read[key] for key in _PLACE_KEYS if key != "source"},
        source_preps=places_read["source"],
        not_news=either(*(cues_read[key] for key in ("irrealis", "generic", "not_war", "opinion"))),
        place_preps=_openers(*(places_read[key] for key in ("source", "near", "within"))),
    )
