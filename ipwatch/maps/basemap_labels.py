"""Place and region names for the offline basemap, from the gazetteer the app already ships
(ipwatch/geocoding/data: GeoNames, CC BY 4.0).

- Places: every populated place of at least MIN_POPULATION in the countries the gazetteer covers in
  full (where the provinces operate and their neighbours), most populous first, with an Arabic-script
  name when GeoNames has one. The browser labels the most populous first and more as it zooms in,
  skipping any label that would overlap one already drawn.
- Regions (first-level administrative divisions): GeoNames names the division of every place but
  ships no boundaries, and no package in the registries carries Natural Earth admin-1 polygons for
  these countries (see static/vendor/SOURCE-basemap.txt). Each region's name is placed at the
  centre (mean position) of its places; no boundary line is drawn for it.
"""

import functools
import gzip
import hashlib
import json
from collections import defaultdict

from ipwatch.geocoding.build_extract import FULL_COUNTRIES
from ipwatch.geocoding.gazetteer import EXTRACT_PATH, read_admin1_names

MIN_POPULATION = 1000
ARABIC = range(0x0600, 0x0700)
# GeoNames' Arabic aliases include administrative forms ("شعبية سبها", Sabha district): not a town name.
ARABIC_ADMIN_PREFIXES = ("شعبية", "محافظة", "ولاية", "منطقة", "ناحية", "قضاء")


def arabic_name(aliases: list[str]) -> str:
    candidates = [
        alias
        for alias in aliases
        if alias
        and all(ord(ch) in ARABIC or ch in " -" for ch in alias)
        and not alias.startswith(ARABIC_ADMIN_PREFIXES)
    ]
    return candidates[0] if candidates else ""


@functools.cache
def labels_json() -> tuple[bytes, bytes, str]:
    """(JSON, gzipped JSON, ETag) of {"places": [[name, arabic, lat, lon, population], …] most
    populous first, "regions": [[name, lat, lon, country], …]}; built once per process."""
    admin1 = read_admin1_names()
    places = []
    weights = defaultdict(lambda: [0.0, 0.0, 0.0])
    with gzip.open(EXTRACT_PATH, "rt", encoding="utf-8") as fh:
        for line in fh:
            _, name, country, region, lat, lon, population, aliases = line.rstrip("\n").split("\t")
            if country not in FULL_COUNTRIES:
                continue
            lat, lon, population = float(lat), float(lon), int(population or 0)
            key = f"{country}.{region}"
            if key in admin1:
                weight = weights[key]
                weight[0] += lat
                weight[1] += lon
                weight[2] += 1
            if population >= MIN_POPULATION:
                places.append((-population, name, arabic_name(aliases.split("|")), round(lat, 3), round(lon, 3)))
    places.sort()
    regions = [
        [admin1[key], round(lat_sum / total, 3), round(lon_sum / total, 3), key.split(".")[0]]
        for key, (lat_sum, lon_sum, total) in sorted(weights.items())
    ]
    payload = {
        "attribution": "Place names: GeoNames (CC BY 4.0)",
        "places": [[name, ar, lat, lon, -negative] for negative, name, ar, lat, lon in places],
        "regions": regions,
    }
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    return body, gzip.compress(body, compresslevel=9, mtime=0), etag
