"""Reports name places through a light directory instead of the detector; every name and
coordinate must be the one the detector and the map would give."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.detect import Detector
from bot.detect.directory import PlaceDirectory, settlement_places
from bot.detect.settlements import load_book

CONFIG = Path(__file__).resolve().parents[1] / "config"


def test_the_directory_names_every_settlement_and_listed_place_as_the_detector_does(detector: Detector) -> None:
    directory = PlaceDirectory(CONFIG)
    assert directory.places() == detector.places()
    book = load_book()
    for settlement in book.settlements:
        assert directory.place(settlement.id) == detector.place(settlement.id)


def test_the_directory_keeps_each_settlements_coordinates_from_the_gazetteer() -> None:
    book = load_book()
    table = settlement_places()
    assert len(table) == len(book.settlements)
    for settlement in book.settlements:
        _place, lat, lon = table[settlement.id]
        assert (lat, lon) == (settlement.lat, settlement.lon)


def test_an_unknown_place_id_is_a_key_error_not_a_wrong_name() -> None:
    with pytest.raises(KeyError):
        PlaceDirectory(CONFIG).place("UA00000000000000000")
