"""The detector's interface beyond detect(): lookups, forms, config errors, build time."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from bot.detect import Detection, Detector, Match, PlaceHit, TopicHit
from bot.detect.normalize import fold, normalize
from bot.errors import ConfigError

CONFIG = Path(__file__).resolve().parents[1] / "config"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval" / "places.tsv"


def test_every_place_of_the_eval_list_is_in_the_gazetteer(detector: Detector) -> None:
    if not SHARED.exists():
        pytest.skip(f"{SHARED} is absent: the shared eval data is not checked out next to the repo")
    rows = [line.split("\t") for line in SHARED.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    known = {p.id for p in detector.places()}
    for row in rows:
        assert row[0] in known
        place = detector.place(row[0])
        assert (place.kind, place.country, place.en, place.uk, place.ru) == (row[1], row[2], row[4], row[5], row[6])


@pytest.mark.parametrize(("query", "place_id"), [
    ("Изюме", "izium"), ("Izyum", "izium"), ("ізюм", "izium"), ("kharkiv-oblast", "kharkiv-oblast"),
    ("Харківщина", "kharkiv-oblast"), ("Kharkiv region", "kharkiv-oblast"), ("Часовом Яру", "chasiv-yar"),
    ("Артемовск", "bakhmut"), ("Kupjansk", "kupiansk"), ("  Kherson ", "kherson"),
])
def test_resolve_place_accepts_any_name_in_any_language_and_case(detector: Detector, query: str,
                                                                 place_id: str) -> None:
    assert detector.resolve_place(query) == place_id


@pytest.mark.parametrize("query", ["Москва", "Курская область", "Balaklava", "", "   ", "изюминка"])
def test_resolve_place_returns_none_for_anything_else(detector: Detector, query: str) -> None:
    assert detector.resolve_place(query) is None


def test_closest_places_suggests_what_was_meant(detector: Detector) -> None:
    assert detector.closest_places("Kupyanks")[0] == "kupiansk"
    assert "kramatorsk" in detector.closest_places("Краматорк", n=3)
    assert detector.closest_places("zzzz") == []


def test_place_raises_key_error_for_an_unknown_id(detector: Detector) -> None:
    assert detector.place("izium").ru == "Изюм"
    with pytest.raises(KeyError):
        detector.place("atlantis")


def test_surface_forms_are_folded_and_cover_the_cases(detector: Detector) -> None:
    forms = detector.surface_forms("izium")
    assert {"изюм", "изюма", "изюмом", "ізюмі", "izyum"} <= set(forms)
    assert all(form == fold(form) for form in forms)
    assert len(detector.surface_forms()) > 5000


def test_topics_are_listed_by_id(detector: Detector) -> None:
    assert detector.topics() == ("withdrawal", "capture")


def test_detection_spans_are_merged_and_sorted() -> None:
    detection = Detection(language="ru", places=(
        PlaceHit("a", (Match(10, 15, "x" * 5, "r"), Match(0, 3, "y" * 3, "r"))),
        PlaceHit("b", (Match(12, 20, "z" * 8, "r"),)),
    ), topics=(TopicHit("withdrawal", (Match(3, 5, "w" * 2, "r"),)),))
    assert detection.spans() == [(0, 5), (10, 20)]
    assert detection.place_ids == ("a", "b")
    assert detection.topic_ids == ("withdrawal",)
    assert detection.flagged
    assert not Detection(language="en", places=(), topics=()).flagged


def test_normalize_maps_folded_positions_back_to_the_original() -> None:
    text = "Ку\u00adп\u200bянск"
    norm = normalize(text)
    assert norm.text == "купянск"
    assert norm.original_span(0, len(norm.text)) == (0, len(text))
    assert text[norm.to_original(2)] == "п"


def test_fold_is_what_search_indexes(detector: Detector) -> None:
    assert fold("КУП’ЯНСЬК Ёлка") == "куп'янськ елка"
    assert fold("Kупянск") == "купянск"


def test_the_detector_builds_from_config_in_under_two_seconds() -> None:
    started = time.perf_counter()
    Detector.from_config(CONFIG)
    assert time.perf_counter() - started < 2.0


def _config_with(tmp_path: Path, places: str | None = None, topics: str | None = None) -> Path:
    shutil.copy(CONFIG / "places.toml", tmp_path / "places.toml")
    shutil.copy(CONFIG / "topics.toml", tmp_path / "topics.toml")
    if places is not None:
        (tmp_path / "places.toml").write_text(places, encoding="utf-8")
    if topics is not None:
        (tmp_path / "topics.toml").write_text(topics, encoding="utf-8")
    return tmp_path


def test_a_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    broken = '[topics.withdrawal]\ntitle = "x"\nrules = [\n  { lang = "ru" match = [] }\n]\n'
    config = _config_with(tmp_path, topics=broken)
    with pytest.raises(ConfigError) as err:
        Detector.from_config(config)
    assert err.value.source.endswith("topics.toml")
    assert err.value.where == "line 4"
    assert "TOML syntax error" in err.value.problem


def test_an_unknown_key_is_refused_with_its_path(tmp_path: Path) -> None:
    text = (CONFIG / "places.toml").read_text(encoding="utf-8").replace(
        '[places.izium]\n', '[places.izium]\nspelling = "x"\n', 1)
    with pytest.raises(ConfigError) as err:
        Detector.from_config(_config_with(tmp_path, places=text))
    assert err.value.where == "places.izium.spelling"
    assert "unknown key" in err.value.problem


def test_a_wrong_type_is_refused_with_its_path(tmp_path: Path) -> None:
    text = (CONFIG / "places.toml").read_text(encoding="utf-8").replace(
        '\ncapital_letter = true\n', '\ncapital_letter = "yes"\n', 1)
    with pytest.raises(ConfigError) as err:
        Detector.from_config(_config_with(tmp_path, places=text))
    assert err.value.where.endswith(".capital_letter")
    assert "true or false" in err.value.problem


def test_an_unknown_word_list_in_a_pattern_is_refused(tmp_path: Path) -> None:
    topics = '[topics.t]\n[[topics.t.rules]]\nlang = "en"\nmatch = ["retreat*"]\nnear = ["@nowhere"]\n'
    with pytest.raises(ConfigError) as err:
        Detector.from_config(_config_with(tmp_path, topics=topics))
    assert err.value.where == "topics.t.rules[0].near[0]"
    assert "@nowhere" in err.value.problem


def test_a_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        Detector.from_config(tmp_path)
