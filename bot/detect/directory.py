"""Places by id without the detector: what a report or a digest names, loaded in a tenth of
the time. The detector reads every case form of 29,707 settlements to find them in text; a
report only turns ids it has stored back into names."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from bot.detect.config import read_places
from bot.detect.gazetteer import build_gazetteer
from bot.detect.model import Place
from bot.detect.settlement_book import _KIND, DATA


class PlaceDirectory:
    """The detector's `places()` and `place(id)`, for readers of the store."""

    def __init__(self, config_dir: Path, book: Path = DATA) -> None:
        self._places = build_gazetteer(read_places(Path(config_dir) / "places.toml")).places
        self._ids = {p.id: p for p in self._places}
        self._book = book

    def places(self) -> tuple[Place, ...]:
        return self._places

    def place(self, place_id: str) -> Place:
        found = self._ids.get(place_id)
        if found is not None:
            return found
        return settlement_places(self._book)[place_id][0]


@lru_cache(maxsize=2)
def settlement_places(path: Path = DATA) -> dict[str, tuple[Place, float | None, float | None]]:
    """Every settlement of the shipped gazetteer with its coordinates, from its S rows (and
    the O rows of their oblasts) only."""
    slugs: dict[str, str] = {}
    out: dict[str, tuple[Place, float | None, float | None]] = {}
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                kind = line[:2]
                if kind == "O\t":
                    _, code, slug = line.split("\t", 3)[:3]
                    slugs[code[:4]] = slug
                elif kind == "S\t":
                    cells = line.rstrip("\n").split("\t")
                    if len(cells) != 12:
                        raise ValueError(f"line {number}: expected 12 cells, found {len(cells)}")
                    _, sid, code, category, _parent, uk, _former, ru, en, lat, lon = cells[:11]
                    place = Place(id=sid, kind=_KIND[category], country="UA", oblast=slugs.get(code[:4]),
                                  en=en.partition("|")[0] or uk, uk=uk, ru=ru.partition("|")[0] or uk)
                    out[sid] = (place, float(lat) if lat else None, float(lon) if lon else None)
    except (OSError, EOFError, UnicodeDecodeError, KeyError) as exc:
        raise ValueError(f"{path}: cannot read the settlement gazetteer ({exc})") from None
    return out
