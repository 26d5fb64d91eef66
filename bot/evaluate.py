"""Scoring the detector on labelled posts, and the `check` view of one text.

The figures are micro-averaged over place ids (every expected or found place of every
post counts once), so a post naming five places weighs five times one naming one —
which is how an analyst experiences misses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.detect import Detection, Detector
from bot.errors import ConfigError

WITHDRAWAL = "withdrawal"
_LANGS = ("ru", "uk", "en", "other")
_SIDES = ("ru", "ua", "other")
_ACTIONS = ("withdrawal", "capture")
_STANCES = ("asserted", "denied")
_SHOWN_TEXT = 160   # characters of a post shown beside its error

EventTuple = tuple[str, str | None, str | None, str]


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    lang: str
    text: str
    places: frozenset[str]
    withdrawal: bool
    source_side: str | None = None
    events: frozenset[EventTuple] | None = None   # None: the file does not label events


@dataclass(frozen=True, slots=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.true_positives, "fp": self.false_positives, "fn": self.false_negatives}


@dataclass(frozen=True, slots=True)
class EvalReport:
    places: Score
    withdrawal: Score
    language_accuracy: float
    posts: int
    errors: tuple[dict[str, Any], ...] = field(default=())
    events: Score | None = None         # None when no post of the file labels events
    events_loose: Score | None = None
    event_posts: int = 0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "places": self.places.to_dict(),
            "withdrawal": self.withdrawal.to_dict(),
            "language": {"accuracy": round(self.language_accuracy, 4)},
        }
        if self.events is not None and self.events_loose is not None:
            data["events"] = self.events.to_dict()
            data["events_loose"] = self.events_loose.to_dict()
        data["errors"] = [dict(e) for e in self.errors]
        return data

    def format_text(self) -> str:
        lines = [
            _score_line("places", self.places),
            _score_line("withdrawal", self.withdrawal),
            f"language     accuracy {self.language_accuracy:.3f}   ({self.posts} posts)",
        ]
        if self.events is not None and self.events_loose is not None:
            lines.append(_score_line("events", self.events) + f"   [{self.event_posts} posts labelled]")
            lines.append(_score_line("events_loose", self.events_loose))
        if self.errors:
            lines.append("")
            lines.append(f"{len(self.errors)} errors:")
        for error in self.errors:
            lines.append(f"  {error['id']:<8} {error['kind']:<10} expected {_show(error['expected'])}, "
                         f"found {_show(error['found'])}")
            lines.append(f"           text: {error['text']}")
            if error["matched"]:
                lines.append(f"           matched: {', '.join(error['matched'])}")
        return "\n".join(lines)


def _score_line(name: str, score: Score) -> str:
    return (f"{name:<12} precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}   "
            f"(tp {score.true_positives}, fp {score.false_positives}, fn {score.false_negatives})")


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) if not isinstance(v, str) else v for v in value) + "]"
    if isinstance(value, dict):
        return "(" + ", ".join("-" if v is None else str(v) for v in value.values()) + ")"
    return json.dumps(value, ensure_ascii=False)


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SHOWN_TEXT else flat[:_SHOWN_TEXT - 1] + "…"


def _matched(detection: Detection, kind: str) -> list[str]:
    """The words behind what was found, each with the name or rule that matched it."""
    if kind == "places":
        hits = detection.places
        return [f"{m.text!r} {hit.place_id} <- {m.rule}" for hit in hits for m in hit.matches]
    if kind == "withdrawal":
        return [f"{m.text!r} <- {m.rule}" for hit in detection.topics if hit.topic_id == WITHDRAWAL
                for m in hit.matches]
    if kind == "events":
        return [f"{_event_label(e)}: " + " ".join(repr(m.text) for m in e.matches) for e in detection.events]
    return []


def _event_label(event: Any) -> str:
    return f"{event.action} {event.place or '-'} by {event.by or '-'} {event.stance}"


def _event_dicts(events: set[EventTuple]) -> list[dict[str, Any]]:
    return [{"action": a, "place": p, "by": b, "stance": s}
            for a, p, b, s in sorted(events, key=lambda e: tuple(x or "" for x in e))]


def read_examples(path: Path) -> list[Example]:
    """Every line of a JSONL file; a line that is not a labelled post stops the run, named."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), None, f"not UTF-8 text (byte {exc.start})") from None
    examples: list[Example] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        examples.append(_example(path, number, line))
    return examples


def _example(path: Path, number: int, line: str) -> Example:
    where = f"line {number}"
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ConfigError(str(path), where, f"not JSON: {exc.msg}") from None
    if not isinstance(item, dict):
        raise ConfigError(str(path), where, "expected a JSON object")
    problems = []
    if not isinstance(item.get("id"), (str, int)) or isinstance(item.get("id"), bool):
        problems.append('"id" must be a string')
    if item.get("lang") not in _LANGS:
        problems.append(f'"lang" must be one of {", ".join(_LANGS)}')
    if not isinstance(item.get("text"), str):
        problems.append('"text" must be a string')
    places = item.get("places")
    if not isinstance(places, list) or not all(isinstance(p, str) for p in places):
        problems.append('"places" must be a list of place ids')
    if not isinstance(item.get("withdrawal"), bool):
        problems.append('"withdrawal" must be true or false')
    side = item.get("source_side")
    if side is not None and side not in _SIDES:
        problems.append(f'"source_side" must be one of {", ".join(_SIDES)}')
    events = _events(item.get("events"), problems) if "events" in item else None
    if problems:
        raise ConfigError(str(path), where, "; ".join(problems))
    return Example(id=str(item["id"]), lang=item["lang"], text=item["text"], places=frozenset(places),
                   withdrawal=item["withdrawal"], source_side=side, events=events)


def _events(value: Any, problems: list[str]) -> frozenset[EventTuple] | None:
    if not isinstance(value, list):
        problems.append('"events" must be a list')
        return None
    out: set[EventTuple] = set()
    for n, event in enumerate(value):
        where = f'"events"[{n}]'
        if not isinstance(event, dict) or set(event) != {"action", "place", "by", "stance"}:
            problems.append(f"{where} must be an object with action, place, by and stance")
            continue
        if event["action"] not in _ACTIONS:
            problems.append(f'{where}.action must be one of {", ".join(_ACTIONS)}')
        if event["place"] is not None and not isinstance(event["place"], str):
            problems.append(f"{where}.place must be a place id or null")
        if event["by"] not in ("ru", "ua", None):
            problems.append(f"{where}.by must be ru, ua or null")
        if event["stance"] not in _STANCES:
            problems.append(f'{where}.stance must be one of {", ".join(_STANCES)}')
        out.add((event["action"], event["place"], event["by"], event["stance"]))
    return frozenset(out)


def evaluate(detector: Detector, path: Path) -> EvalReport:
    examples = read_examples(path)
    tp = fp = fn = 0
    wtp = wfp = wfn = 0
    exact = [0, 0, 0]
    loose = [0, 0, 0]
    event_posts = 0
    correct_language = 0
    errors: list[dict[str, Any]] = []

    def error(ex: Example, detection: Detection, kind: str, expected: Any, found: Any) -> None:
        errors.append({"id": ex.id, "kind": kind, "expected": expected, "found": found,
                       "text": _shorten(ex.text), "matched": _matched(detection, kind)})

    for ex in examples:
        detection = detector.detect(ex.text, ex.source_side)
        found = set(detection.place_ids)
        tp += len(found & ex.places)
        fp += len(found - ex.places)
        fn += len(ex.places - found)
        if found != ex.places:
            error(ex, detection, "places", sorted(ex.places), sorted(found))
        withdrawal = WITHDRAWAL in detection.topic_ids
        wtp += withdrawal and ex.withdrawal
        wfp += withdrawal and not ex.withdrawal
        wfn += ex.withdrawal and not withdrawal
        if withdrawal != ex.withdrawal:
            error(ex, detection, "withdrawal", ex.withdrawal, withdrawal)
        if detection.language == ex.lang:
            correct_language += 1
        else:
            error(ex, detection, "language", ex.lang, detection.language)
        if ex.events is not None:
            event_posts += 1
            got = {(e.action, e.place, e.by, e.stance) for e in detection.events}
            _count(exact, set(ex.events), got)
            _count(loose, {(a, p) for a, p, _, _ in ex.events}, {(a, p) for a, p, _, _ in got})
            if got != ex.events:
                error(ex, detection, "events", _event_dicts(set(ex.events)), _event_dicts(got))
    return EvalReport(
        places=Score(tp, fp, fn), withdrawal=Score(wtp, wfp, wfn),
        language_accuracy=correct_language / len(examples) if examples else 1.0, posts=len(examples),
        errors=tuple(errors),
        events=Score(*exact) if event_posts else None, events_loose=Score(*loose) if event_posts else None,
        event_posts=event_posts,
    )


def _count(counts: list[int], expected: set, found: set) -> None:
    counts[0] += len(found & expected)
    counts[1] += len(found - expected)
    counts[2] += len(expected - found)


def check_dict(text: str, detection: Detection) -> dict[str, Any]:
    def matches(hit) -> list[dict[str, Any]]:
        return [{"start": m.start, "end": m.end, "text": m.text, "rule": m.rule} for m in hit.matches]

    return {
        "text": text,
        "language": detection.language,
        "places": [{"id": hit.place_id, "matches": matches(hit)} for hit in detection.places],
        "topics": [{"id": hit.topic_id, "matches": matches(hit)} for hit in detection.topics],
        "events": [{"action": e.action, "place": e.place, "by": e.by, "stance": e.stance, "matches": matches(e)}
                   for e in detection.events],
        "flagged": detection.flagged,
    }


def format_check(text: str, detection: Detection, as_json: bool) -> str:
    """What `frontwatch check` prints: what was found and which name or rule found it."""
    data = check_dict(text, detection)
    if as_json:
        return json.dumps(data, ensure_ascii=False, indent=2)
    lines = [f"language: {detection.language}"]
    if not detection.flagged:
        lines.append("nothing found")
    for title, key in (("place", "places"), ("topic", "topics")):
        for hit in data[key]:
            lines.append(f"{title} {hit['id']}:")
            for m in hit["matches"]:
                lines.append(f"  {m['text']!r} at {m['start']}-{m['end']}  <- {m['rule']}")
    for event in detection.events:
        lines.append(f"event {_event_label(event)}:")
        for m in event.matches:
            lines.append(f"  {m.text!r} at {m.start}-{m.end}  <- {m.rule}")
    return "\n".join(lines)
