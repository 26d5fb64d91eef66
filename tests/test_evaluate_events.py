"""`frontwatch eval` on files that label events, and what its errors show (issue 8 item 7)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.detect import Detector
from bot.errors import ConfigError
from bot.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]


def _write(path: Path, rows: list[dict | str]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def _event(action: str, place: str | None, by: str | None, stance: str = "asserted") -> dict:
    return {"action": action, "place": place, "by": by, "stance": stance}


ROWS = [
    # found exactly
    {"id": "e1", "lang": "ru", "source_side": "ru", "text": "Наши отошли из Купянска на запасные позиции.",
     "places": ["kupiansk"], "withdrawal": True, "events": [_event("withdrawal", "kupiansk", "ru")]},
    # the side is wrong in the label on purpose: loose matches, exact does not
    {"id": "e2", "lang": "ru", "source_side": "ua", "text": "Наши отошли из Купянска на запасные позиции.",
     "places": ["kupiansk"], "withdrawal": True, "events": [_event("withdrawal", "kupiansk", "ru")]},
    # a claim the detector cannot see: a miss in both scores
    {"id": "e3", "lang": "en", "source_side": "other", "text": "Quiet night near Sumy.",
     "places": ["sumy"], "withdrawal": False, "events": [_event("capture", "sumy", None)]},
]


def test_events_are_scored_exactly_and_loosely_beside_the_other_scores(detector: Detector,
                                                                      tmp_path: Path) -> None:
    data = evaluate(detector, _write(tmp_path / "ev.jsonl", ROWS)).to_dict()
    assert {"places", "withdrawal", "language", "events", "events_loose", "errors"} == set(data)
    assert (data["events"]["tp"], data["events"]["fp"], data["events"]["fn"]) == (1, 1, 2)
    assert (data["events_loose"]["tp"], data["events_loose"]["fp"], data["events_loose"]["fn"]) == (2, 0, 1)
    assert data["events_loose"]["precision"] == 1.0 and data["events"]["precision"] == 0.5


def test_the_channels_side_reaches_the_detector_so_our_side_is_resolved(detector: Detector, tmp_path: Path) -> None:
    data = evaluate(detector, _write(tmp_path / "ev.jsonl", ROWS[1:2])).to_dict()
    (error,) = [e for e in data["errors"] if e["kind"] == "events"]
    assert error["found"] == [_event("withdrawal", "kupiansk", "ua")]


def test_a_file_without_events_is_still_scored_and_has_no_event_scores(detector: Detector, tmp_path: Path) -> None:
    rows = [{"id": "a", "lang": "ru", "text": "ВСУ отошли от Купянска", "places": ["kupiansk"], "withdrawal": True}]
    report = evaluate(detector, _write(tmp_path / "old.jsonl", rows))
    assert "events" not in report.to_dict() and "events_loose" not in report.to_dict()
    assert "events" not in report.format_text()


def test_the_text_report_shows_event_lines_and_each_errors_post_and_matched_words(detector: Detector,
                                                                                 tmp_path: Path) -> None:
    long_text = "Наши отошли из Купянска на запасные позиции. " + "Подробности позже. " * 30
    rows = [dict(ROWS[1], text=long_text)]
    text = evaluate(detector, _write(tmp_path / "ev.jsonl", rows)).format_text()
    lines = text.splitlines()
    assert lines[3].startswith("events ") and "(tp 0, fp 1, fn 1)" in lines[3]
    assert lines[4].startswith("events_loose") and "(tp 1, fp 0, fn 0)" in lines[4]
    shown = [line for line in lines if line.strip().startswith("text:")]
    assert shown and shown[0].strip().startswith("text: Наши отошли из Купянска") and shown[0].endswith("…")
    assert len(shown[0]) < 200
    assert any("matched:" in line and "'отошли'" in line and "'Наши'" in line for line in lines)


def test_json_carries_the_counts_the_text_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str], empty_env) -> None:
    path = _write(tmp_path / "ev.jsonl", ROWS)
    assert main(["eval", "--config", str(ROOT / "config"), "--env", empty_env, str(path)]) == 0
    text = capsys.readouterr().out
    assert main(["eval", "--config", str(ROOT / "config"), "--env", empty_env, "--json",
                 str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("places", "withdrawal", "events", "events_loose"):
        score = data[key]
        line = next(line for line in text.splitlines() if line.split()[0] == key)
        assert f"(tp {score['tp']}, fp {score['fp']}, fn {score['fn']})" in line
    assert all("text" in e and "matched" in e for e in data["errors"])


@pytest.mark.parametrize(("events", "problem"), [
    ('"x"', '"events" must be a list'),
    ('[{"action": "advance", "place": null, "by": null, "stance": "asserted"}]', '"events"[0].action'),
    ('[{"action": "capture", "place": null, "by": "nato", "stance": "asserted"}]', '"events"[0].by'),
    ('[{"action": "capture", "place": null, "by": null}]', '"events"[0] must be an object'),
])
def test_a_malformed_event_label_names_the_line_and_the_event(detector: Detector, tmp_path: Path,
                                                              events: str, problem: str) -> None:
    line = ('{"id": "z", "lang": "ru", "source_side": "ru", "text": "x", "places": [], "withdrawal": false, '
            f'"events": {events}}}')
    with pytest.raises(ConfigError) as err:
        evaluate(detector, _write(tmp_path / "bad.jsonl", [line]))
    assert err.value.where == "line 1"
    assert problem in err.value.problem


def test_an_unknown_source_side_is_refused(detector: Detector, tmp_path: Path) -> None:
    line = '{"id": "z", "lang": "ru", "source_side": "nato", "text": "x", "places": [], "withdrawal": false}'
    with pytest.raises(ConfigError, match='"source_side"'):
        evaluate(detector, _write(tmp_path / "bad.jsonl", [line]))


def test_check_with_a_side_shows_each_event_and_the_words_that_decided_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], empty_env) -> None:
    args = ["check", "--config", str(ROOT / "config"), "--env", empty_env]
    assert main([*args, "--side", "ua", "Противник залишив Куп'янськ, наші заходять у місто."]) == 0
    out = capsys.readouterr().out
    assert "event withdrawal kupiansk by ru asserted:" in out
    assert "'Противник'" in out and "by ru: the other side, channel ua" in out
    assert "'залишив'" in out and "place kupiansk" in out
    assert main([*args, "--side", "ru", "--json", "Противник оставил Купянск."]) == 0
    (event,) = json.loads(capsys.readouterr().out)["events"]
    assert (event["action"], event["place"], event["by"], event["stance"]) == ("withdrawal", "kupiansk", "ua",
                                                                               "asserted")
    assert {m["text"] for m in event["matches"]} == {"оставил", "Противник", "Купянск"}


def test_the_demo_corpus_claims_are_found_as_its_labels_say(detector: Detector) -> None:
    data = evaluate(detector, ROOT / "corpus" / "demo" / "labels.jsonl").to_dict()
    assert data["events"]["f1"] >= 0.85
    assert data["events_loose"]["f1"] >= 0.90
    assert data["events"]["precision"] >= 0.90
