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


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    lang: str
    text: str
    places: frozenset[str]
    withdrawal: bool


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

    def to_dict(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(frozen=True, slots=True)
class EvalReport:
    places: Score
    withdrawal: Score
    language_accuracy: float
    posts: int
    errors: tuple[dict[str, Any], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "places": self.places.to_dict(),
            "withdrawal": self.withdrawal.to_dict(),
            "language": {"accuracy": round(self.language_accuracy, 4)},
            "errors": [dict(e) for e in self.errors],
        }

    def format_text(self) -> str:
        lines = [
            _score_line("places", self.places),
            _score_line("withdrawal", self.withdrawal),
            f"language     accuracy {self.language_accuracy:.3f}   ({self.posts} posts)",
        ]
        if self.errors:
            lines.append("")
            lines.append(f"{len(self.errors)} errors:")
        for error in self.errors:
            lines.append(f"  {error['id']:<8} {error['kind']:<10} expected {_show(error['expected'])}, "
                         f"found {_show(error['found'])}")
        return "\n".join(lines)


def _score_line(name: str, score: Score) -> str:
    return (f"{name:<12} precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}   "
            f"(tp {score.true_positives}, fp {score.false_positives}, fn {score.false_negatives})")


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return json.dumps(value, ensure_ascii=False)


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
    if problems:
        raise ConfigError(str(path), where, "; ".join(problems))
    return Example(id=str(item["id"]), lang=item["lang"], text=item["text"], places=frozenset(places),
                   withdrawal=item["withdrawal"])


def evaluate(detector: Detector, path: Path) -> EvalReport:
    examples = read_examples(path)
    tp = fp = fn = 0
    wtp = wfp = wfn = 0
    correct_language = 0
    errors: list[dict[str, Any]] = []
    for ex in examples:
        detection = detector.detect(ex.text)
        found = set(detection.place_ids)
        tp += len(found & ex.places)
        fp += len(found - ex.places)
        fn += len(ex.places - found)
        if found != ex.places:
            errors.append({"id": ex.id, "kind": "places", "expected": sorted(ex.places), "found": sorted(found)})
        withdrawal = WITHDRAWAL in detection.topic_ids
        wtp += withdrawal and ex.withdrawal
        wfp += withdrawal and not ex.withdrawal
        wfn += ex.withdrawal and not withdrawal
        if withdrawal != ex.withdrawal:
            errors.append({"id": ex.id, "kind": "withdrawal", "expected": ex.withdrawal, "found": withdrawal})
        if detection.language == ex.lang:
            correct_language += 1
        else:
            errors.append({"id": ex.id, "kind": "language", "expected": ex.lang, "found": detection.language})
    return EvalReport(
        places=Score(tp, fp, fn), withdrawal=Score(wtp, wfp, wfn),
        language_accuracy=correct_language / len(examples) if examples else 1.0, posts=len(examples),
        errors=tuple(errors),
    )


def check_dict(text: str, detection: Detection) -> dict[str, Any]:
    def matches(hit) -> list[dict[str, Any]]:
        return [{"start": m.start, "end": m.end, "text": m.text, "rule": m.rule} for m in hit.matches]

    return {
        "text": text,
        "language": detection.language,
        "places": [{"id": hit.place_id, "matches": matches(hit)} for hit in detection.places],
        "topics": [{"id": hit.topic_id, "matches": matches(hit)} for hit in detection.topics],
        "unresolved": [{"start": u.start, "end": u.end, "text": u.text, "candidates": u.count}
                       for u in detection.unresolved],
        "flagged": detection.flagged,
    }


def format_check(text: str, detection: Detection, as_json: bool) -> str:
    """What `frontwatch check` prints: what was found and which name or rule found it."""
    data = check_dict(text, detection)
    if as_json:
        return json.dumps(data, ensure_ascii=False, indent=2)
    lines = [f"language: {detection.language}"]
    if not detection.flagged and not detection.unresolved:
        lines.append("nothing found")
    for title, key in (("place", "places"), ("topic", "topics")):
        for hit in data[key]:
            lines.append(f"{title} {hit['id']}:")
            for m in hit["matches"]:
                lines.append(f"  {m['text']!r} at {m['start']}-{m['end']}  <- {m['rule']}")
    for u in data["unresolved"]:
        lines.append(f"unresolved {u['text']!r} at {u['start']}-{u['end']}: {u['candidates']} settlements of that "
                     "name, the post does not say which")
    return "\n".join(lines)
