"""Where places are, and the map the web app and the morning report draw them on.

Coordinates are read through `coordinates()` alone, so the settlement gazetteer can supply
them later without the map code changing. Ukraine's outline is Natural Earth's public
domain 1:110m country shape and the coordinates GeoNames' (CC BY 4.0), both extracted by
scripts/build_geo.py into bot/data; nothing is fetched at run time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")
# lon/lat box drawn: Ukraine and the Russian border towns the gazetteer knows
WEST, EAST, SOUTH, NORTH = 22.0, 40.5, 44.2, 52.5
_MID_LAT = math.radians((SOUTH + NORTH) / 2)


@lru_cache(maxsize=1)
def _coordinates() -> dict[str, tuple[float, float]]:
    table: dict[str, tuple[float, float]] = {}
    for line in (DATA / "place_coords.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            pid, lat, lon = line.split("\t")
            table[pid] = (float(lat), float(lon))
    return table


def coordinates(place_id: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a place, or None when it has none: the places of places.tsv
    first, then the settlement gazetteer's (GeoNames matched at build time)."""
    found = _coordinates().get(place_id)
    if found is None and place_id.startswith("UA"):
        from bot.detect.directory import settlement_places

        _place, lat, lon = settlement_places().get(place_id, (None, None, None))
        if lat is not None and lon is not None:
            found = (lat, lon)
    return found


@lru_cache(maxsize=1)
def outline() -> tuple[tuple[tuple[float, float], ...], ...]:
    rings = json.loads((DATA / "ukraine.json").read_text(encoding="utf-8"))["rings"]
    return tuple(tuple((x, y) for x, y in ring) for ring in rings)


@dataclass(frozen=True, slots=True)
class Circle:
    place_id: str
    name: str
    count: int
    x: float
    y: float
    r: float
    tone: str  # "ru", "ua", "both", "other" — which side mostly writes about it
    href: str = ""
    marked: str = ""  # the tier of a claim about it, drawn as a ring


@dataclass(frozen=True, slots=True)
class MapView:
    width: int
    height: int
    outline_path: str
    circles: tuple[Circle, ...]
    unplaced: tuple[str, ...]  # names of counted places without coordinates


@dataclass(frozen=True, slots=True)
class MapPoint:
    place_id: str
    name: str
    count: int
    tone: str = "other"
    href: str = ""
    marked: str = ""


def _project(lon: float, lat: float, width: int, height: int) -> tuple[float, float]:
    x = (lon - WEST) / (EAST - WEST) * width
    y = (NORTH - lat) / (NORTH - SOUTH) * height
    return round(x, 1), round(y, 1)


def map_height(width: int) -> int:
    return round(width * (NORTH - SOUTH) / ((EAST - WEST) * math.cos(_MID_LAT)))


def build_map(points: Iterable[MapPoint], width: int = 760) -> MapView:
    """Circles whose area grows with the count, largest drawn first so small ones stay clickable."""
    height = map_height(width)
    path = " ".join(
        "M" + " L".join(f"{x},{y}" for x, y in (_project(lon, lat, width, height) for lon, lat in ring)) + " Z"
        for ring in outline())
    points = list(points)
    top = max((p.count for p in points), default=1) or 1
    circles, unplaced = [], []
    for p in points:
        where = coordinates(p.place_id)
        if where is None:
            unplaced.append(p.name)
            continue
        x, y = _project(where[1], where[0], width, height)
        r = round(3 + 19 * math.sqrt(p.count / top), 1)
        circles.append(Circle(p.place_id, p.name, p.count, x, y, r, p.tone, p.href, p.marked))
    circles.sort(key=lambda c: -c.r)
    return MapView(width, height, path, tuple(circles), tuple(unplaced))


def tone(sides: dict[str, int]) -> str:
    ru, ua = sides.get("ru", 0), sides.get("ua", 0)
    if ru and ua:
        return "both"
    return "ru" if ru else ("ua" if ua else "other")
