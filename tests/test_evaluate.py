"""Scoring on labelled posts, the `check` view, and the thresholds on the shared dev set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.detect import Detector
from bot.errors import ConfigError
from bot.evaluate import evaluate, format_check

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


def _write(path: Path, rows: list[dict | str]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def test_scores_count_every_place_id_once_per_post(detector: Detector, tmp_path: Path) -> None:
    path = _write(tmp_path / "set.jsonl", [
        {"id": "a", "lang": "ru", "text": "ВСУ отошли от Купянска", "places": ["kupiansk"], "withdrawal": True},
        {"id": "b", "lang": "uk", "text": "Вибухи у Харкові та Ізюмі", "places": ["kharkiv"], "withdrawal": False},
        {"id": "c", "lang": "en", "text": "Quiet day in the city", "places": ["sumy"], "withdrawal": True},
    ])
    report = evaluate(detector, path)
    data = report.to_dict()
    assert set(data) == {"places", "withdrawal", "language", "errors"}
    assert data["places"] == {"precision": round(2 / 3, 4), "recall": round(2 / 3, 4), "f1": round(2 / 3, 4),
                              "tp": 2, "fp": 1, "fn": 1}
    assert data["withdrawal"] == {"precision": 1.0, "recall": 0.5, "f1": round(2 / 3, 4), "tp": 1, "fp": 0, "fn": 1}
    assert data["language"] == {"accuracy": 1.0}
    errors = {(e["id"], e["kind"]): e for e in data["errors"]}
    assert (errors["b", "places"]["expected"], errors["b", "places"]["found"]) == (["kharkiv"], ["izium", "kharkiv"])
    assert (errors["c", "withdrawal"]["expected"], errors["c", "withdrawal"]["found"]) == (True, False)


def test_the_text_report_has_three_score_lines_then_every_error(detector: Detector, tmp_path: Path) -> None:
    path = _write(tmp_path / "set.jsonl", [
        {"id": "x1", "lang": "en", "text": "Kherson", "places": [], "withdrawal": False},
    ])
    lines = evaluate(detector, path).format_text().splitlines()
    assert lines[0].startswith("places")
    assert lines[1].startswith("withdrawal")
    assert lines[2].startswith("language")
    assert any("x1" in line and "places" in line and "kherson" in line for line in lines[3:])


@pytest.mark.parametrize(("bad_line", "problem"), [
    ("{not json", "not JSON"),
    ('["a list"]', "expected a JSON object"),
    ('{"id": "z", "lang": "de", "text": "x", "places": [], "withdrawal": false}', '"lang"'),
    ('{"id": "z", "lang": "ru", "text": "x", "places": "kyiv", "withdrawal": false}', '"places"'),
    ('{"id": "z", "lang": "ru", "text": "x", "places": [], "withdrawal": "yes"}', '"withdrawal"'),
])
def test_a_malformed_line_is_a_config_error_naming_file_and_line(detector: Detector, tmp_path: Path,
                                                                 bad_line: str, problem: str) -> None:
    good = {"id": "ok", "lang": "ru", "text": "Купянск", "places": ["kupiansk"], "withdrawal": False}
    path = _write(tmp_path / "broken.jsonl", [good, bad_line])
    with pytest.raises(ConfigError) as err:
        evaluate(detector, path)
    assert err.value.source == str(path)
    assert err.value.where == "line 2"
    assert problem in err.value.problem


def test_a_missing_file_is_a_config_error(detector: Detector, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        evaluate(detector, tmp_path / "absent.jsonl")


def test_check_shows_language_places_topics_words_and_rules(detector: Detector) -> None:
    text = "ВСУ отошли от Купянска"
    out = format_check(text, detector.detect(text), as_json=False)
    assert "language: ru" in out
    assert "place kupiansk" in out and "'Купянска'" in out and "ru name Купянск (gen)" in out
    assert "topic withdrawal" in out and "'отошли'" in out and "withdrawal: ru отошл-" in out


def test_check_as_json_has_the_same_content(detector: Detector) -> None:
    text = "ВСУ отошли от Купянска"
    data = json.loads(format_check(text, detector.detect(text), as_json=True))
    assert data["language"] == "ru"
    assert data["places"] == [{"id": "kupiansk", "matches": [
        {"start": 14, "end": 22, "text": "Купянска", "rule": "ru name Купянск (gen)"}]}]
    assert data["topics"][0]["id"] == "withdrawal"
    assert data["topics"][0]["matches"][0]["text"] == "отошли"


def test_check_says_when_nothing_was_found(detector: Detector) -> None:
    assert "nothing found" in format_check("Погода хорошая", detector.detect("Погода хорошая"), as_json=False)


def test_the_dev_set_meets_the_thresholds(detector: Detector) -> None:
    if not DEV.exists():
        pytest.skip(f"{DEV} is absent: the shared eval data is not checked out next to the repo")
    data = evaluate(detector, DEV).to_dict()
    # dev.jsonl now labels villages (KATOTTG ids) that the gazetteer does not match yet:
    # the places score may not drop below what it is with the towns and cities alone
    assert data["places"]["precision"] >= 0.96
    assert data["places"]["recall"] >= 0.70
    assert data["withdrawal"]["f1"] >= 0.97
    assert data["language"]["accuracy"] >= 0.98
