"""Reading places.toml and topics.toml into checked specs.

Every mistake is a ConfigError naming the file and the key (or the line of a TOML syntax
error): a misspelt key silently ignored would leave a place or a rule out of force
while the team believes it is there.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.detect.patterns import PatternError, compile_phrase, compile_word
from bot.errors import ConfigError

LANGS = ("ru", "uk", "en")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list", dict: "a table"}


def load_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(str(path), None, "file not found") from None
    except OSError as exc:
        raise ConfigError(str(path), None, f"cannot read: {exc.strerror}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), None, f"not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        where = f"line {found.group(1)}" if found else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "invalid TOML"
        raise ConfigError(str(path), where, f"TOML syntax error: {message}") from None


class Checker:
    """Typed access to a parsed TOML table that refuses unknown keys and wrong types."""

    def __init__(self, source: Path, where: str, table: Any, known: Mapping[str, type | tuple[type, ...]],
                 required: tuple[str, ...] = ()) -> None:
        self.source = source
        self.where = where
        if not isinstance(table, dict):
            raise self.error(None, "expected a table")
        for key, value in table.items():
            if key not in known:
                raise self.error(key, f"unknown key (known keys: {', '.join(sorted(known))})")
            types = known[key] if isinstance(known[key], tuple) else (known[key],)
            if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
                wanted = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
                raise self.error(key, f"expected {wanted}, got {value!r}")
        for key in required:
            if key not in table:
                raise self.error(key, "missing required key")
        self.table = table

    def path(self, key: str | None) -> str:
        if key is None:
            return self.where or "(top level)"
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str | None, problem: str) -> ConfigError:
        return ConfigError(str(self.source), self.path(key), problem)

    def get(self, key: str, default: Any = None) -> Any:
        return self.table.get(key, default)

    def strings(self, key: str) -> tuple[str, ...]:
        """A string or a list of strings, as a tuple."""
        value = self.table.get(key, ())
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(key, "expected a non-empty string or a list of non-empty strings")
        return tuple(value)

    def by_language(self, key: str) -> dict[str, tuple[str, ...]]:
        """`{ ru = [...], uk = [...], en = [...] }`, each a string or a list."""
        value = self.table.get(key)
        if value is None:
            return {}
        sub = Checker(self.source, self.path(key), value, {lang: (str, list) for lang in LANGS})
        return {lang: sub.strings(lang) for lang in LANGS if lang in value}

    def check_words(self, key: str, lists: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
        values = self.strings(key)
        for i, value in enumerate(values):
            try:
                compile_word([value], lists)
            except PatternError as exc:
                raise self.error(f"{key}[{i}]", str(exc)) from None
        return values

    def check_phrases(self, key: str, lists: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
        values = self.strings(key)
        for i, value in enumerate(values):
            try:
                compile_phrase(value, lists)
            except PatternError as exc:
                raise self.error(f"{key}[{i}]", str(exc)) from None
        return values


def word_lists(source: Path, table: Any) -> dict[str, tuple[str, ...]]:
    known = {name: (str, list) for name in table} if isinstance(table, dict) else {}
    check = Checker(source, "words", table, known)
    lists = {name: check.strings(name) for name in table}
    for name in lists:
        check.check_words(name, lists)
    return lists


# --- places --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Unless:
    """A context in which a name is not the place; every condition given must hold."""

    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    window: int = 6
    forms: tuple[str, ...] = ()
    at_start: bool = False
    lowercase: bool = False
    name_before: bool = False
    whole_post: bool = False


@dataclass(frozen=True, slots=True)
class PlaceSpec:
    id: str
    kind: str
    country: str
    oblast: str | None
    names: dict[str, str]
    region: str | None
    adjectives: dict[str, tuple[str, ...]]
    variants: dict[str, tuple[str, ...]]
    former: dict[str, tuple[str, ...]]
    forms: dict[str, tuple[str, ...]]
    capital_letter: bool
    unless: tuple[Unless, ...]


@dataclass(frozen=True, slots=True)
class GazetteerSpec:
    places: tuple[PlaceSpec, ...]
    negative: dict[str, tuple[str, ...]]
    axis_nouns: tuple[str, ...]
    area_nouns: tuple[str, ...]
    links: tuple[str, ...]
    lists: dict[str, tuple[str, ...]]


_PLACE_KEYS: dict[str, type | tuple[type, ...]] = {
    "kind": str, "country": str, "oblast": str, "en": str, "uk": str, "ru": str, "region": str,
    "adjective": dict, "variants": dict, "former": dict, "forms": dict, "capital_letter": bool, "unless": list,
}
_UNLESS_KEYS: dict[str, type | tuple[type, ...]] = {
    "before": (str, list), "after": (str, list), "near": (str, list), "window": int, "forms": (str, list),
    "at_start": bool, "lowercase": bool, "name_before": bool, "whole_post": bool,
}
KINDS = ("city", "town", "village", "oblast", "region")


def _read_unless(path: Path, where: str, items: list, lists: dict[str, tuple[str, ...]]) -> tuple[Unless, ...]:
    out: list[Unless] = []
    for i, item in enumerate(items):
        sub = Checker(path, f"{where}.unless[{i}]", item, _UNLESS_KEYS)
        if not any(k in item for k in ("before", "after", "near", "at_start", "lowercase", "name_before")):
            raise sub.error(None, "give at least one condition (before, after, near, at_start, lowercase, "
                                  "name_before)")
        out.append(Unless(
            before=sub.check_phrases("before", lists) if "before" in item else (),
            after=sub.check_phrases("after", lists) if "after" in item else (),
            near=sub.check_words("near", lists) if "near" in item else (),
            window=int(sub.get("window", 6)), forms=sub.strings("forms") if "forms" in item else (),
            at_start=bool(sub.get("at_start", False)), lowercase=bool(sub.get("lowercase", False)),
            name_before=bool(sub.get("name_before", False)), whole_post=bool(sub.get("whole_post", False)),
        ))
    return tuple(out)


def read_places(path: Path) -> GazetteerSpec:
    data = load_toml(path)
    top = Checker(path, "", data, {"words": dict, "areas": dict, "negative": dict, "every_place": dict,
                                   "places": dict},
                  required=("places", "areas"))
    lists = word_lists(path, top.get("words", {}))
    areas = Checker(path, "areas", top.get("areas"), {"axis": (str, list), "oblast": (str, list),
                                                       "links": (str, list)}, required=("axis", "oblast", "links"))
    negative = top.by_language("negative")
    every = Checker(path, "every_place", top.get("every_place", {}), {"unless": list})
    shared_unless = _read_unless(path, "every_place", every.get("unless", []), lists)
    places: list[PlaceSpec] = []
    seen: set[str] = set()
    for place_id, table in top.get("places").items():
        where = f"places.{place_id}"
        if not _ID.match(place_id):
            raise ConfigError(str(path), where, "a place id is lower-case words joined by '-'")
        check = Checker(path, where, table, _PLACE_KEYS, required=("kind", "country", "en", "uk", "ru"))
        if check.get("kind") not in KINDS:
            raise check.error("kind", f"expected one of {', '.join(KINDS)}")
        unless = _read_unless(path, where, check.get("unless", []), lists) + shared_unless
        seen.add(place_id)
        places.append(PlaceSpec(
            id=place_id, kind=check.get("kind"), country=check.get("country"), oblast=check.get("oblast") or None,
            names={lang: check.get(lang) for lang in LANGS}, region=check.get("region"),
            adjectives=check.by_language("adjective"), variants=check.by_language("variants"),
            former=check.by_language("former"), forms=check.by_language("forms"),
            capital_letter=bool(check.get("capital_letter", False)), unless=unless,
        ))
    for spec in places:
        if spec.region is not None and not _ID.match(spec.region):
            raise ConfigError(str(path), f"places.{spec.id}.region", "expected a place id")
    return GazetteerSpec(
        places=tuple(places), negative=negative,
        axis_nouns=areas.check_words("axis", lists), area_nouns=areas.check_words("oblast", lists),
        links=areas.check_words("links", lists), lists=lists,
    )


# --- topics --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RuleSpec:
    lang: str
    match: tuple[str, ...]
    gap: int
    except_words: tuple[str, ...]
    near: tuple[str, ...]
    not_near: tuple[str, ...]
    window: int


@dataclass(frozen=True, slots=True)
class TopicSpec:
    id: str
    title: str
    exclude: tuple[str, ...]
    not_near: tuple[str, ...]
    window: int
    rules: tuple[RuleSpec, ...]


@dataclass(frozen=True, slots=True)
class TopicsSpec:
    topics: tuple[TopicSpec, ...]
    lists: dict[str, tuple[str, ...]]


_TOPIC_KEYS: dict[str, type | tuple[type, ...]] = {
    "title": str, "exclude": (str, list), "not_near": (str, list), "window": int, "rules": list,
}
_RULE_KEYS: dict[str, type | tuple[type, ...]] = {
    "lang": str, "match": (str, list), "gap": int, "except": (str, list), "near": (str, list),
    "not_near": (str, list), "window": int,
}


def read_topics(path: Path) -> TopicsSpec:
    data = load_toml(path)
    top = Checker(path, "", data, {"words": dict, "topics": dict}, required=("topics",))
    lists = word_lists(path, top.get("words", {}))
    topics: list[TopicSpec] = []
    for topic_id, table in top.get("topics").items():
        where = f"topics.{topic_id}"
        if not _ID.match(topic_id):
            raise ConfigError(str(path), where, "a topic id is lower-case words joined by '-'")
        check = Checker(path, where, table, _TOPIC_KEYS, required=("rules",))
        window = _window(check, "window", 8)
        rules: list[RuleSpec] = []
        if not check.get("rules"):
            raise check.error("rules", "a topic needs at least one rule")
        for i, item in enumerate(check.get("rules")):
            sub = Checker(path, f"{where}.rules[{i}]", item, _RULE_KEYS, required=("lang", "match"))
            if not sub.strings("match"):
                raise sub.error("match", "a rule needs at least one phrase to match")
            if sub.get("lang") not in (*LANGS, "any"):
                raise sub.error("lang", "expected ru, uk, en or any")
            gap = sub.get("gap", 0)
            if gap < 0 or gap > 5:
                raise sub.error("gap", "expected 0 to 5 words")
            rules.append(RuleSpec(
                lang=sub.get("lang"), match=sub.check_phrases("match", lists), gap=gap,
                except_words=sub.check_words("except", lists) if "except" in item else (),
                near=sub.check_words("near", lists) if "near" in item else (),
                not_near=sub.check_words("not_near", lists) if "not_near" in item else (),
                window=_window(sub, "window", window),
            ))
            for j, phrase in enumerate(rules[-1].match):
                first = phrase.split()[0]
                if first.startswith("*") or first.startswith("@"):
                    raise sub.error(f"match[{j}]", "a term must start with a word or a stem (`stem*`)")
        topics.append(TopicSpec(
            id=topic_id, title=check.get("title", topic_id),
            exclude=check.check_phrases("exclude", lists) if "exclude" in table else (),
            not_near=check.check_words("not_near", lists) if "not_near" in table else (),
            window=window, rules=tuple(rules),
        ))
    return TopicsSpec(topics=tuple(topics), lists=lists)


def _window(check: Checker, key: str, default: int) -> int:
    value = check.get(key, default)
    if not 1 <= value <= 30:
        raise check.error(key, "expected 1 to 30 words")
    return value
