"""Topics such as withdrawal, compiled from topics.toml into candidate keys and context tests."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bot.detect.config import TopicsSpec
from bot.detect.patterns import EMPTY, WordSet, compile_phrase, compile_word, phrase_keys

_MEMO_SIZE = 20_000   # words remembered per topic before the memo starts afresh


@dataclass(frozen=True, slots=True)
class Rule:
    lang: str
    gap: int
    except_words: WordSet
    near: WordSet
    not_near: WordSet
    window: int


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    title: str
    exclude: tuple[tuple[WordSet, ...], ...]
    exclude_words: WordSet      # every word of every exclude phrase: a cheap first test
    not_near: WordSet
    rules: tuple[Rule, ...]
    # token -> the (exclude phrase, slot index) pairs it fits: a topic has dozens of exclude
    # phrases and posts repeat the same words, so each word is tested against them once
    memo: dict[str, tuple[tuple[tuple[WordSet, ...], int], ...]] = field(
        default_factory=dict, compare=False, repr=False)

    def exclusions(self, token: str) -> tuple[tuple[tuple[WordSet, ...], int], ...]:
        """Where an exclude phrase may place this token: (phrase, its slot that fits)."""
        known = self.memo.get(token)
        if known is None:
            known = tuple((phrase, o) for phrase in self.exclude for o, slot in enumerate(phrase)
                          if token in slot) if token in self.exclude_words else ()
            if len(self.memo) >= _MEMO_SIZE:
                self.memo.clear()
            self.memo[token] = known
        return known


@dataclass(frozen=True, slots=True)
class TermEntry:
    """A term or phrase whose first word is the candidate key."""

    topic: int
    rule: int
    rest: tuple[WordSet, ...]
    label: str


@dataclass(frozen=True, slots=True)
class TopicBook:
    topics: tuple[Topic, ...]
    exact: dict[str, list[TermEntry]]
    prefix: dict[str, list[TermEntry]]


def build_topics(spec: TopicsSpec) -> TopicBook:
    exact: dict[str, list[TermEntry]] = defaultdict(list)
    prefix: dict[str, list[TermEntry]] = defaultdict(list)
    topics: list[Topic] = []
    for t_index, t in enumerate(spec.topics):
        rules: list[Rule] = []
        for r_index, r in enumerate(t.rules):
            rules.append(Rule(
                lang=r.lang, gap=r.gap,
                except_words=compile_word(r.except_words, spec.lists) if r.except_words else EMPTY,
                near=compile_word(r.near, spec.lists) if r.near else EMPTY,
                not_near=compile_word(r.not_near, spec.lists) if r.not_near else EMPTY,
                window=r.window,
            ))
            for phrase in r.match:
                slots = compile_phrase(phrase, spec.lists)
                words, stems = phrase_keys(slots[0])
                label = f"{t.id}: {r.lang} {phrase.replace('*', '-')}"
                entry = TermEntry(t_index, r_index, slots[1:], label)
                for word in words:
                    exact[word].append(entry)
                for stem in stems:
                    prefix[stem].append(entry)
        exclude = tuple(compile_phrase(p, spec.lists) for p in t.exclude)
        topics.append(Topic(
            id=t.id, title=t.title, exclude=exclude,
            exclude_words=compile_word([w for p in t.exclude for w in p.split()], spec.lists) if exclude else EMPTY,
            not_near=compile_word(t.not_near, spec.lists) if t.not_near else EMPTY, rules=tuple(rules),
        ))
    return TopicBook(topics=tuple(topics), exact=dict(exact), prefix=dict(prefix))
