"""Word patterns of the config files, compiled to plain set and tuple tests.

A pattern is `word` (exactly), `stem*` (any ending), `*ending`, `*part*`, alternatives
joined by `|`, or `@list` for a named word list. A phrase is patterns separated by
spaces. They are tested only on the few posts that already hold a candidate word, so a
few Python calls per token are affordable there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

from bot.detect.normalize import fold

PLACE_MARK = "@place"


class PatternError(ValueError):
    """A pattern that cannot be compiled; the config loader turns it into a ConfigError."""


@dataclass(frozen=True, slots=True)
class WordSet:
    exact: frozenset[str]
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    infixes: tuple[str, ...]
    any_place: bool = False

    def __contains__(self, token: str) -> bool:
        return (token in self.exact or (bool(self.prefixes) and token.startswith(self.prefixes))
                or (bool(self.suffixes) and token.endswith(self.suffixes))
                or (bool(self.infixes) and any(part in token for part in self.infixes)))

    def any_in(self, tokens: list[str]) -> bool:
        """Whether any of the tokens fits: set and tuple tests mapped in C, not a Python step per token."""
        if not self.exact.isdisjoint(tokens):
            return True
        if self.prefixes and any(map(str.startswith, tokens, repeat(self.prefixes))):
            return True
        if self.suffixes and any(map(str.endswith, tokens, repeat(self.suffixes))):
            return True
        return bool(self.infixes) and any(part in t for t in tokens for part in self.infixes)

    @property
    def empty(self) -> bool:
        return not (self.exact or self.prefixes or self.suffixes or self.infixes or self.any_place)


EMPTY = WordSet(frozenset(), (), (), ())
# The config's word lists are expanded wherever a pattern names them, so the same few
# thousand words are folded tens of thousands of times at every start.
_fold = lru_cache(maxsize=16_384)(fold)


def _alternatives(pattern: str, lists: Mapping[str, Sequence[str]], seen: tuple[str, ...] = ()) -> list[str]:
    out: list[str] = []
    for alt in pattern.split("|"):
        alt = alt.strip()
        if not alt:
            raise PatternError(f"empty alternative in {pattern!r}")
        if alt.startswith("@") and alt != PLACE_MARK:
            name = alt[1:]
            if name not in lists:
                raise PatternError(f"unknown word list {alt!r} (known: {', '.join(sorted(lists)) or 'none'})")
            if name in seen:
                raise PatternError(f"word list {alt!r} refers to itself")
            for item in lists[name]:
                out += _alternatives(item, lists, (*seen, name))
        else:
            out.append(alt)
    return out


def compile_word(patterns: Sequence[str], lists: Mapping[str, Sequence[str]]) -> WordSet:
    exact: set[str] = set()
    prefixes: list[str] = []
    suffixes: list[str] = []
    infixes: list[str] = []
    any_place = False
    for pattern in patterns:
        for alt in _alternatives(pattern, lists):
            if alt == PLACE_MARK:
                any_place = True
                continue
            if " " in alt:
                raise PatternError(f"{alt!r}: one word expected here, not a phrase")
            lead, trail = alt.startswith("*"), alt.endswith("*") and len(alt) > 1
            core = _fold(alt.strip("*"))
            if not core:
                raise PatternError(f"{alt!r} has no letters")
            if lead and trail:
                infixes.append(core)
            elif lead:
                suffixes.append(core)
            elif trail:
                prefixes.append(core)
            else:
                exact.add(core)
    return WordSet(frozenset(exact), tuple(prefixes), tuple(suffixes), tuple(infixes), any_place)


def compile_phrase(phrase: str, lists: Mapping[str, Sequence[str]]) -> tuple[WordSet, ...]:
    parts = phrase.split()
    if not parts:
        raise PatternError("empty phrase")
    return tuple(compile_word([part], lists) for part in parts)


def phrase_keys(first: WordSet) -> tuple[list[str], list[str]]:
    """The candidate-finding keys of a phrase's first word: exact words and stems."""
    if first.suffixes or first.infixes or first.any_place:
        raise PatternError("the first word of a term or phrase must be a word or a stem (`stem*`)")
    return sorted(first.exact), list(first.prefixes)


def match_sequence(tokens: Sequence[str], i: int, rest: Sequence[WordSet], gap: int,
                   is_place: Callable[[int], bool] | None = None) -> int | None:
    """Index of the last token when `rest` follows token i with at most `gap` words between."""
    j = i
    for slot in rest:
        for k in range(j + 1, min(j + 2 + gap, len(tokens))):
            if tokens[k] in slot or (slot.any_place and is_place is not None and is_place(k)):
                j = k
                break
        else:
            return None
    return j
