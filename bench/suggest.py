"""Place suggestions as an editor types: latency of /geocoding/suggest/ and whether the intended town
comes first, side by side with the naive ordering.

    python bench/suggest.py

Queries: every real spelling in bench/data/geocode_truth.csv cut to its first 3, 4 and 5 letters,
asked with the row's country as the Place form sends it. "first" counts answers whose first
suggestion is the expected GeoNames place (or within 25 km of it).

Rows:
- "shipped": the gazetteer as the app loads it (prefix index built with the cache, kept in it),
  answering through the Django view (staff user, JSON) — what the editor waits for.
- "naive": the same lookups ranked as before (shortest completed key first, whatever the key:
  phonetic keys let "Sab" complete to Cape Town) with the prefix index built on the first keystroke.
"""

import csv
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipwatch.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = ""

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.urls import reverse  # noqa: E402

from ipwatch.geocoding import gazetteer as gz  # noqa: E402
from ipwatch.geocoding import normalize  # noqa: E402
from ipwatch.geocoding.results import SAME_PLACE_KM, distance_km  # noqa: E402
from ipwatch.geocoding.views import suggest  # noqa: E402

TRUTH_PATH = REPO / "bench" / "data" / "geocode_truth.csv"


class Staff(AnonymousUser):
    is_authenticated = True
    is_staff = True


def queries():
    with TRUTH_PATH.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        if normalize.is_arabic(row["query"]):
            continue
        for n in (3, 4, 5):
            if len(row["query"]) > n:
                out.append((row["query"][:n], row["country"], row))
    return out


def is_expected(match, row) -> bool:
    if match is None:
        return False
    if match["source"] == row["source"] if isinstance(match, dict) else match.source == row["source"]:
        return True
    lat, lon = (match["lat"], match["lon"]) if isinstance(match, dict) else (match.lat, match.lon)
    return distance_km(lat, lon, float(row["lat"]), float(row["lon"])) <= SAME_PLACE_KM


def naive_suggest(gazetteer, text, country):
    """The ranking before: whole-name matches, then every prefix completion shortest key first."""
    allowed = frozenset({country})
    found = gazetteer._distinct(gazetteer._candidates(text, allowed))
    seen = {m.source for m in found}
    prefix = []
    for idx, key in gazetteer._prefix_candidates(text, 160, allowed):
        entry = gazetteer.entries[idx]
        if entry.source not in seen:
            seen.add(entry.source)
            prefix.append(((len(key), -entry.population), gazetteer._match(idx, 0.7, entry.name, "prefix")))
    prefix.sort(key=lambda item: item[0])
    return (found + [m for _, m in prefix])[:8]


def run(label, ask, items):
    times, first = [], 0
    for text, country, row in items:
        started = time.perf_counter()
        results = ask(text, country)
        times.append((time.perf_counter() - started) * 1000)
        first += is_expected(results[0] if results else None, row)
    times_sorted = sorted(times)
    return {
        "label": label,
        "n": len(items),
        "first_ms": times[0],
        "median_ms": statistics.median(times),
        "p95_ms": times_sorted[int(len(times) * 0.95) - 1],
        "max_ms": times_sorted[-1],
        "first_right": first / len(items),
    }


def main():
    items = queries()
    factory = RequestFactory()
    user = Staff()

    # Naive: a fresh gazetteer whose prefix index is built by the first keystroke.
    started = time.perf_counter()
    cold = gz.build()
    build_s = time.perf_counter() - started
    naive = run("naive (lazy index, shortest key first)", lambda t, c: naive_suggest(cold, t, c), items)

    # Shipped: loaded as the app does, answered by the view.
    gz._instance = None
    started = time.perf_counter()
    gz.get_gazetteer()
    load_s = time.perf_counter() - started

    def through_view(text, country):
        request = factory.get(reverse("geocoding:suggest"), {"q": text, "country": country})
        request.user = user
        import json

        return json.loads(suggest(request).content)["results"]

    shipped = run("shipped (view, warm index, typed-prefix first)", through_view, items)
    sabha = through_view("Sab", "LY")[0]["name"]

    print(f"{len(items)} typed prefixes (3–5 letters) of {TRUTH_PATH.name} spellings, with their country")
    print(f"gazetteer build {build_s:.2f} s; app load from cache {load_s:.2f} s; 'Sab' + LY → {sabha}")
    print()
    print(f"{'ranking':48} {'1st ask ms':>10} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'1st right':>9}")
    for row in (naive, shipped):
        print(
            f"{row['label']:48} {row['first_ms']:10.1f} {row['median_ms']:10.2f} {row['p95_ms']:8.2f} "
            f"{row['max_ms']:8.1f} {row['first_right']:9.0%}"
        )


if __name__ == "__main__":
    main()
