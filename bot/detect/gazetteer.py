"""The gazetteer: every surface form of every place, generated from the config's base names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from bot.detect.config import LANGS, GazetteerSpec, PlaceSpec, Unless
from bot.detect.inflect import adjective_forms, inflect
from bot.detect.model import Place
from bot.detect.normalize import words
from bot.detect.patterns import EMPTY, WordSet, compile_phrase, compile_word

BLOCKER = -1


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One surface form: its first word is the search key, `rest` the words that must follow."""

    place: int
    rest: tuple[str, ...]
    label: str
    form: str


@dataclass(frozen=True, slots=True)
class AdjectiveEntry:
    place: int
    label: str


@dataclass(frozen=True, slots=True)
class Context:
    """An `unless` rule compiled for matching."""

    before_word: WordSet                       # one-word `before` phrases, tested at once
    before: tuple[tuple[WordSet, ...], ...]    # the longer ones
    after_word: WordSet
    after: tuple[tuple[WordSet, ...], ...]
    has_before: bool
    has_after: bool
    near: WordSet
    window: int
    forms: frozenset[str]
    at_start: bool
    lowercase: bool
    name_before: bool
    whole_post: bool


@dataclass(frozen=True, slots=True)
class PlaceRules:
    region: int | None      # index of the oblast named after this city; BLOCKER when it is not tracked
    names_region: bool
    capital_letter: bool
    unless: tuple[Context, ...]


@dataclass(frozen=True, slots=True)
class Gazetteer:
    places: tuple[Place, ...]
    rules: tuple[PlaceRules, ...]
    names: dict[str, list[NameEntry]]
    adjectives: dict[str, list[AdjectiveEntry]]
    axis: WordSet
    area: WordSet
    links: WordSet
    forms_by_place: tuple[frozenset[tuple[str, ...]], ...]
    adjective_forms_by_place: tuple[frozenset[str], ...]

    def index(self, place_id: str) -> int:
        for i, place in enumerate(self.places):
            if place.id == place_id:
                return i
        raise KeyError(place_id)


_KIND_LABEL = {"name": "name", "variants": "variant", "former": "former name", "forms": "form"}


def _name_forms(text: str, lang: str, literal: bool) -> dict[tuple[str, ...], str]:
    tokens = words(text)
    if not tokens:
        return {}
    forms = {tokens: "as written"} if literal else inflect(tokens, lang)
    out = dict(forms)
    for form, case in forms.items():
        if any("'" in w for w in form):
            out.setdefault(tuple(w.replace("'", "") for w in form), case)
    return out


def _merged(rules: tuple[Unless, ...]) -> list[Unless]:
    """Items that only name words before (or only words after) become one item each: the
    same meaning, tested once per name instead of once per item."""
    plain = Unless()
    before = [r for r in rules if r.before and replace(r, before=()) == plain]
    after = [r for r in rules if r.after and replace(r, after=()) == plain]
    rest = [r for r in rules if r not in before and r not in after]
    if before:
        rest.append(Unless(before=tuple(p for r in before for p in r.before)))
    if after:
        rest.append(Unless(after=tuple(p for r in after for p in r.after)))
    return rest


def _compile_unless(rule: Unless, lists: dict[str, tuple[str, ...]]) -> Context:
    return Context(
        before_word=compile_word([p for p in rule.before if " " not in p.strip()], lists),
        before=tuple(compile_phrase(p, lists) for p in rule.before if " " in p.strip()),
        after_word=compile_word([p for p in rule.after if " " not in p.strip()], lists),
        after=tuple(compile_phrase(p, lists) for p in rule.after if " " in p.strip()),
        has_before=bool(rule.before), has_after=bool(rule.after),
        near=compile_word(rule.near, lists) if rule.near else EMPTY,
        window=rule.window,
        forms=frozenset(f for text in rule.forms for joined in [" ".join(words(text))]
                        for f in (joined, joined.replace("'", ""))),
        at_start=rule.at_start, lowercase=rule.lowercase, name_before=rule.name_before,
        whole_post=rule.whole_post,
    )


def _place_names(spec: PlaceSpec) -> list[tuple[str, str, str, bool]]:
    """(language, kind, text, literal) for every name the config gives a place."""
    out = [(lang, "name", spec.names[lang], False) for lang in LANGS]
    for kind, table in (("variants", spec.variants), ("former", spec.former), ("forms", spec.forms)):
        for lang, texts in table.items():
            out += [(lang, kind, text, kind == "forms") for text in texts]
    return out


def build_gazetteer(spec: GazetteerSpec) -> Gazetteer:
    ids = {p.id: i for i, p in enumerate(spec.places)}
    places = tuple(Place(id=p.id, kind=p.kind, country=p.country, oblast=p.oblast, en=p.names["en"],
                         uk=p.names["uk"], ru=p.names["ru"]) for p in spec.places)
    names: dict[str, list[NameEntry]] = defaultdict(list)
    adjectives: dict[str, list[AdjectiveEntry]] = defaultdict(list)
    forms_by_place: list[frozenset[tuple[str, ...]]] = []
    adjective_sets: list[frozenset[str]] = []
    rules: list[PlaceRules] = []
    for index, p in enumerate(spec.places):
        seen: set[tuple[str, ...]] = set()
        for lang, kind, text, literal in _place_names(p):
            for form, case in _name_forms(text, lang, literal).items():
                if form in seen:
                    continue
                seen.add(form)
                label = f"{lang} {_KIND_LABEL[kind]} {text}" + ("" if lang == "en" or literal else f" ({case})")
                names[form[0]].append(NameEntry(index, form[1:], label, " ".join(form)))
        forms_by_place.append(frozenset(seen))
        adj_seen: set[str] = set()
        for lang, texts in p.adjectives.items():
            for text in texts:
                base = words(text)
                if len(base) != 1:
                    continue
                for form, case in adjective_forms(base[0], lang).items():
                    if form not in adj_seen:
                        adj_seen.add(form)
                        adjectives[form].append(AdjectiveEntry(index, f"{lang} adjective {text} ({case})"))
        adjective_sets.append(frozenset(adj_seen))
        region = None if p.region is None else ids.get(p.region, BLOCKER)
        rules.append(PlaceRules(region=region, names_region=p.region is not None, capital_letter=p.capital_letter,
                                unless=tuple(_compile_unless(u, spec.lists) for u in _merged(p.unless))))
    for lang, texts in spec.negative.items():
        for text in texts:
            for form, _case in _name_forms(text, lang, False).items():
                names[form[0]].append(NameEntry(BLOCKER, form[1:], f"{lang} not a tracked place: {text}",
                                                " ".join(form)))
    return Gazetteer(
        places=places, rules=tuple(rules), names=dict(names), adjectives=dict(adjectives),
        axis=compile_word(spec.axis_nouns, spec.lists), area=compile_word(spec.area_nouns, spec.lists),
        links=compile_word(spec.links, spec.lists), forms_by_place=tuple(forms_by_place),
        adjective_forms_by_place=tuple(adjective_sets),
    )
