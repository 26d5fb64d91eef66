"""Build the map data frontwatch ships: Ukraine's outline and a coordinate for each place.

Run from the repository root: `.venv/bin/python scripts/build_geo.py [--gazetteer TSV]`.

- The outline is Natural Earth's 1:110m Admin 0 countries (public domain), read from the
  copy geopandas 0.14 shipped inside its wheel (`pip download` fetches it; nothing is
  installed). Written to bot/data/ukraine.json as rings of [lon, lat] rounded to 0.01°.
- Place coordinates come from GeoNames (CC BY 4.0) as in ../shared/gazetteer/geonames-ua.tsv:
  each place of config/places.toml is matched by its English name or variants within its
  oblast; an oblast gets the mean of its settlements; the few places that extract lacks
  (Russian towns, villages now under 1,000 people) are listed in EXTRA. Written to
  bot/data/place_coords.tsv.

The service never reads these sources at run time, only the two small files.
"""

from __future__ import annotations

import argparse
import csv
import json
import struct
import subprocess
import sys
import tempfile
import tomllib
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WHEEL = "geopandas==0.14.4"
SHAPE = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"

# GeoNames' region names for the oblast ids places.toml uses.
REGIONS = {
    "kyiv": ("Kiev", "Kyiv City"), "kharkiv": ("Kharkivs’ka Oblast’",), "donetsk": ("Donetsk",),
    "luhansk": ("Luhansk",), "zaporizhzhia": ("Zaporizhzhia",), "kherson": ("Kherson",),
    "dnipropetrovsk": ("Dnipropetrovsk",), "sumy": ("Sumy",), "chernihiv": ("Chernihiv",),
    "mykolaiv": ("Mykolaiv",), "odesa": ("Odessa",), "crimea": ("Crimea", "Sevastopol City"),
    "poltava": ("Poltava",), "lviv": ("Lviv",), "zhytomyr": ("Zhytomyr",),
}


# Places GeoNames' Ukrainian extract lacks (Russian towns, villages under 1,000 people now, a
# railway town whose GeoNames name differs): their widely published coordinates.
EXTRA = {
    "kupiansk-vuzlovyi": (49.658, 37.681), "vuhledar": (47.781, 37.247), "huliaipole": (47.664, 36.256),
    "robotyne": (47.448, 35.837), "belgorod": (50.595, 36.587), "shebekino": (50.409, 36.888),
    "valuiki": (50.211, 38.100), "kursk": (51.730, 36.193), "sudzha": (51.192, 35.271),
    "belgorod-oblast": (50.710, 37.450), "donbas": (48.300, 38.400),
}


def read_dbf(data: bytes) -> list[dict[str, str]]:
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos:pos + 11].split(b"\0")[0].decode()
        fields.append((name, data[pos + 16]))
        pos += 32
    records = []
    for i in range(count):
        start = header_len + i * record_len + 1
        row, offset = {}, start
        for name, size in fields:
            row[name] = data[offset:offset + size].decode("utf-8", "replace").strip()
            offset += size
        records.append(row)
    return records


def read_polygons(data: bytes) -> list[list[list[tuple[float, float]]]]:
    """Each record's rings, from an ESRI shapefile of (multi)polygons."""
    shapes, pos = [], 100
    while pos < len(data):
        _, length = struct.unpack(">ii", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length * 2]
        pos += 8 + length * 2
        if struct.unpack("<i", body[:4])[0] != 5:
            shapes.append([])
            continue
        n_parts, n_points = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", body[44:44 + 4 * n_parts])) + [n_points]
        xy = struct.unpack(f"<{2 * n_points}d", body[44 + 4 * n_parts:44 + 4 * n_parts + 16 * n_points])
        points = list(zip(xy[0::2], xy[1::2]))
        shapes.append([points[parts[i]:parts[i + 1]] for i in range(n_parts)])
    return shapes


def outline() -> list[list[list[float]]]:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", WHEEL, "-d", tmp],
                       check=True)
        wheel = next(Path(tmp).glob("geopandas-*.whl"))
        with zipfile.ZipFile(wheel) as z:
            records = read_dbf(z.read(SHAPE + ".dbf"))
            shapes = read_polygons(z.read(SHAPE + ".shp"))
    index = next(i for i, r in enumerate(records) if r.get("name") == "Ukraine")
    return [[[round(x, 2), round(y, 2)] for x, y in ring] for ring in shapes[index]]


def _key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.lower())
    return "".join(ch for ch in plain if ch.isalnum())


def coordinates(gazetteer: Path) -> tuple[list[tuple[str, float, float]], list[str]]:
    places = tomllib.loads((ROOT / "config/places.toml").read_text(encoding="utf-8"))["places"]
    rows = list(csv.DictReader(gazetteer.open(encoding="utf-8"), delimiter="\t"))
    out, missing = [], []
    for pid, spec in places.items():
        if pid in EXTRA:
            out.append((pid, *EXTRA[pid]))
            continue
        oblast = spec.get("oblast") or (pid.removesuffix("-oblast") if spec.get("kind") == "oblast" else "")
        regions = REGIONS.get(oblast, ())
        if spec.get("kind") in ("oblast", "region"):
            inside = [r for r in rows if r["region"] in regions]
            if inside:
                out.append((pid, sum(float(r["latitude"]) for r in inside) / len(inside),
                            sum(float(r["longitude"]) for r in inside) / len(inside)))
            else:
                missing.append(pid)
            continue
        names = {_key(spec["en"]), _key(pid)} | {_key(v) for v in spec.get("variants", {}).get("en", [])}
        found = [r for r in rows if _key(r["name"]) in names and (not regions or r["region"] in regions)]
        if not found:
            missing.append(pid)
            continue
        best = max(found, key=lambda r: int(r["population"] or 0))
        out.append((pid, float(best["latitude"]), float(best["longitude"])))
    return out, missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gazetteer", type=Path, default=ROOT.parent / "shared/gazetteer/geonames-ua.tsv")
    parser.add_argument("--skip-outline", action="store_true", help="keep the shipped outline")
    args = parser.parse_args()
    data = ROOT / "bot/data"
    data.mkdir(exist_ok=True)
    if not args.skip_outline:
        rings = outline()
        (data / "ukraine.json").write_text(json.dumps({
            "source": "Natural Earth 1:110m Admin 0 countries (public domain), via geopandas 0.14.4",
            "rings": rings}, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"ukraine.json: {len(rings)} rings, {sum(len(r) for r in rings)} points")
    found, missing = coordinates(args.gazetteer)
    with (data / "place_coords.tsv").open("w", encoding="utf-8") as f:
        f.write("# place id, latitude, longitude: GeoNames (CC BY 4.0) via scripts/build_geo.py\n")
        for pid, lat, lon in sorted(found):
            f.write(f"{pid}\t{lat:.4f}\t{lon:.4f}\n")
    print(f"place_coords.tsv: {len(found)} places; without coordinates: {', '.join(missing) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
