"""The events lexicon (config/events.toml) compiled into word and phrase tests.

Kept apart from the rules that use it so that a team can extend the vocabulary of
actors, denials or background cues without touching code, and every mistake in the file
is a ConfigError naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.detect.config import Checker, load_toml, word_lists
from bot.detect.patterns import EMPTY, PatternError, WordSet, compile_phrase, compile_word
from bot.errors import ConfigError

SIDES = ("ua", "ru", "own", "enemy")


@dataclass(frozen=True, slots=True)
class Phrases:
    """Single words in one set test, longer phrases tried only where their first word fits."""

    words: WordSet
    phrases: tuple[tuple[WordSet, ...], ...]
    heads: WordSet

    def length_at(self, tokens: Sequence[str], i: int) -> int:
        """How many tokens from i form one of the phrases (the longest), 0 when none."""
        token = tokens[i]
        best = 1 if token in self.words else 0
        if self.phrases and token in self.heads:
            for phrase in self.phrases:
                n = len(phrase)
                if n > best and i + n <= len(tokens) and all(tokens[i + k] in phrase[k] for k in range(n)):
                    best = n
        return best

    def find(self, tokens: Sequence[str], low: int, high: int) -> int:
        """The first index in [low, high) where a phrase starts, -1 when none."""
        for i in range(max(low, 0), min(high, len(tokens))):
            if self.length_at(tokens, i):
                return i
        return -1

    def last(self, tokens: Sequence[str], low: int, high: int) -> int:
        for i in range(min(high, len(tokens)) - 1, max(low, 0) - 1, -1):
            if self.length_at(tokens, i):
                return i
        return -1


NO_PHRASES = Phrases(EMPTY, (), EMPTY)


@dataclass(frozen=True, slots=True)
class EventLexicon:
    actors: Mapping[str, Phrases]          # side word -> "ua" | "ru" | "own" | "enemy"
    objects: Mapping[str, Phrases]         # the same as objects of a pushing-out verb
    back: Phrases
    not_after: Phrases
    force: WordSet
    command: WordSet
    source: WordSet
    nouns: WordSet
    liberation: WordSet
    occupation: WordSet
    expel: Phrases
    expelled: Phrases
    fall: WordSet
    states: WordSet
    needs_place: WordSet
    control: Phrases
    ground: WordSet
    copula: Phrases
    observe: Phrases
    vicinity: Phrases
    negation: Phrases
    denial: Phrases
    denial_next: Phrases
    irrealis: Phrases
    order: Phrases
    report: Phrases
    report_after: Phrases
    background: Phrases
    background_before: Phrases
    background_frame: Phrases
    generic: Phrases
    now: Phrases
    months: WordSet
    destination: Phrases
    near: Phrases
    within: Phrases
    source_preps: Phrases
    anaphora: Phrases


def _phrases(check: Checker, key: str, lists: Mapping[str, tuple[str, ...]]) -> Phrases:
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
    return Phrases(compile_word(single, lists), tuple(multi), compile_word(heads, lists))


def _words(check: Checker, key: str, lists: Mapping[str, tuple[str, ...]]) -> WordSet:
    if key not in check.table:
        return EMPTY
    return compile_word(check.check_words(key, lists), lists)


_ACTOR_KEYS = (*SIDES, *(f"{side}_object" for side in SIDES), "back", "not_after")
_ACTION_KEYS = ("nouns", "liberation", "occupation", "expel", "expelled", "fall", "states", "needs_place", "control")
_CUE_KEYS = ("negation", "denial", "denial_next", "irrealis", "order", "report", "report_after", "background",
             "background_before", "background_frame", "generic", "now", "months", "copula", "observe")
_PLACE_KEYS = ("destination", "near", "within", "source", "anaphora", "vicinity")


def read_event_lexicon(path: Path) -> EventLexicon:
    data = load_toml(path)
    top = Checker(path, "", data, {"words": dict, "actors": dict, "actions": dict, "cues": dict, "places": dict},
                  required=("actors", "actions", "cues", "places"))
    lists = word_lists(path, top.get("words", {}))
    for name in ("force", "command", "source", "ground"):
        if name not in lists:
            raise ConfigError(str(path), f"words.{name}", "missing required word list")

    def section(name: str, keys: tuple[str, ...]) -> Checker:
        return Checker(path, name, top.get(name), {k: (str, list) for k in keys})

    actors = section("actors", _ACTOR_KEYS)
    actions = section("actions", _ACTION_KEYS)
    cues = section("cues", _CUE_KEYS)
    places = section("places", _PLACE_KEYS)
    return EventLexicon(
        actors={side: _phrases(actors, side, lists) for side in SIDES},
        objects={side: _phrases(actors, f"{side}_object", lists) for side in SIDES},
        back=_phrases(actors, "back", lists), not_after=_phrases(actors, "not_after", lists),
        force=compile_word(lists["force"], lists), command=compile_word(lists["command"], lists),
        source=compile_word(lists["source"], lists),
        nouns=_words(actions, "nouns", lists), liberation=_words(actions, "liberation", lists),
        occupation=_words(actions, "occupation", lists), expel=_phrases(actions, "expel", lists),
        expelled=_phrases(actions, "expelled", lists), fall=_words(actions, "fall", lists),
        states=_words(actions, "states", lists), needs_place=_words(actions, "needs_place", lists),
        control=_phrases(actions, "control", lists), ground=compile_word(lists["ground"], lists),
        **{key: _phrases(cues, key, lists) for key in _CUE_KEYS if key != "months"},
        months=_words(cues, "months", lists),
        **{key: _phrases(places, key, lists) for key in _PLACE_KEYS if key != "source"},
        source_preps=_phrases(places, "source", lists),
    )
