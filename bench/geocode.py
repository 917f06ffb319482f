"""Offline geocoding benchmark: accuracy, speed, load time and memory, side by side with naive lookups.

    python bench/geocode.py            # full table (spawns a few child processes for load figures)
    python bench/geocode.py --quick    # skip the raw cities500 load (≈ 3 s, ≈ 400 MB)

Accuracy: bench/data/geocode_truth.csv lists real spellings of places in the countries where the
group's provinces operate, each with the GeoNames id (or supplement row) and its coordinates. A
lookup is a hit when its answer lies within 25 km of the truth. The baseline is an exact,
case-insensitive name lookup over the same data (the gazetteer's own names and alternate names),
most populous match first.

Load: each configuration runs in a fresh Python process that imports, loads and answers one
lookup; "first lookup" is wall time from process start to that answer, "RSS" the process's peak
resident memory (ru_maxrss).
"""

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ipwatch.geocoding import gazetteer as gz  # noqa: E402
from ipwatch.geocoding import normalize  # noqa: E402
from ipwatch.geocoding.results import SAME_PLACE_KM, distance_km  # noqa: E402

TRUTH_PATH = REPO / "bench" / "data" / "geocode_truth.csv"


def read_truth():
    with TRUTH_PATH.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class ExactNameBaseline:
    """The naive approach: casefolded exact match on a name or alternate name, biggest town first."""

    def __init__(self, gazetteer):
        self.by_name = defaultdict(list)
        for idx, spellings in enumerate(gazetteer.names):
            for spelling in spellings:
                self.by_name[spelling.casefold()].append(idx)
        self.entries = gazetteer.entries

    def geocode(self, query, country=None):
        idxs = self.by_name.get(query.strip().casefold(), [])
        entries = [self.entries[i] for i in idxs if not country or self.entries[i].country == country]
        if not entries:
            return None
        best = max(entries, key=lambda e: e.population)
        return best.lat, best.lon


def hit(answer, row):
    if answer is None:
        return False
    lat, lon = answer
    return distance_km(lat, lon, float(row["lat"]), float(row["lon"])) <= SAME_PLACE_KM


def ours(gazetteer, country_hint):
    def lookup(query, country):
        result = gazetteer.geocode(query, country=country if country_hint else None)
        return (result.best.lat, result.best.lon) if result.best else None

    return lookup


def accuracy(lookup, rows, use_hint=True):
    hits, misses = 0, []
    for row in rows:
        if hit(lookup(row["query"], row["country"] if use_hint else None), row):
            hits += 1
        else:
            misses.append(row["query"])
    return hits, misses


def clear_key_caches():
    for function in (normalize.exact_key, normalize.stripped_key, normalize.phonetic_key):
        function.cache_clear()


def throughput(lookup, rows, use_hint=True, min_seconds=1.0, cold_keys=False):
    """Lookups per second over the truth list, repeated; ``cold_keys`` empties the normaliser's
    memo caches before every pass so each name is normalised afresh (a list of new names)."""
    queries = [(r["query"], r["country"] if use_hint else None) for r in rows]
    for query, country in queries:  # warm-up: fuzzy candidate lists, lru caches
        lookup(query, country)
    done, started = 0, time.perf_counter()
    while True:
        if cold_keys:
            clear_key_caches()
        for query, country in queries:
            lookup(query, country)
        done += len(queries)
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            return done / elapsed


# ---- load measurements in child processes -------------------------------------------------------

CHILD_MODES = {
    "raw-cities500": "json.load(cities500.json) + exact scan (naive)",
    "extract-build": "gazetteer from extract, no cache (first run)",
    "extract-cached": "gazetteer from var/cache index (later runs)",
}


def child(mode):
    started = time.perf_counter()
    if mode == "raw-cities500":
        from ipwatch.geocoding.build_extract import load_cities500

        cities = load_cities500()
        loaded = time.perf_counter()
        found = [c for c in cities.values() if "sebha" in (a.casefold() for a in c["alternatenames"])]
        answer = bool(found)
    else:
        gazetteer = gz.load(use_cache=(mode == "extract-cached"))
        loaded = time.perf_counter()
        answer = gazetteer.geocode("Sebha", country="LY").resolved
    first = time.perf_counter()
    rss_mb = peak_rss_mb()
    print(json.dumps({"load_s": loaded - started, "first_s": first - started, "rss_mb": rss_mb, "ok": answer}))


def peak_rss_mb():
    """VmHWM of this process (ru_maxrss would include the parent's RSS at fork time on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(mode):
    # Interpreter start-up is part of "first lookup": time the whole child process.
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode], capture_output=True, text=True, check=True, cwd=REPO
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["process_s"] = time.perf_counter() - started
    return figures


def table(headers, rows):
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))
    print()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", choices=sorted(CHILD_MODES))
    parser.add_argument("--quick", action="store_true", help="skip loading the raw 80 MB cities500 file")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    rows = read_truth()
    countries = sorted({r["country"] for r in rows})
    print(
        f"Truth list: {len(rows)} spellings of {len({r['source'] for r in rows})} places in "
        f"{len(countries)} countries ({' '.join(countries)}); hit = within {SAME_PLACE_KM:.0f} km\n"
    )

    gazetteer = gz.load()
    baseline = ExactNameBaseline(gazetteer)
    print(f"Gazetteer: {len(gazetteer)} places, {len(gazetteer.exact)} exact keys\n")

    results = []
    for label, lookup, use_hint in [
        ("exact-name baseline, with country", baseline.geocode, True),
        ("exact-name baseline, no country", baseline.geocode, False),
        ("ipwatch gazetteer, with country", ours(gazetteer, True), True),
        ("ipwatch gazetteer, no country", ours(gazetteer, False), False),
    ]:
        hits, misses = accuracy(lookup, rows, use_hint)
        speed = throughput(lookup, rows, use_hint)
        cold = throughput(lookup, rows, use_hint, cold_keys=True)
        results.append(
            (label, f"{hits}/{len(rows)}", f"{100 * hits / len(rows):.1f} %", f"{speed:,.0f}", f"{cold:,.0f}")
        )
        if args.show_misses and misses:
            print(f"misses ({label}): {', '.join(misses)}")
    table(["lookup", "hits", "accuracy", "lookups/s (warm)", "lookups/s (names normalised afresh)"], results)

    # Worst case: names the gazetteer does not know go through every tier, fuzzy included. Any
    # answer to them is a false positive (shown with its low score, never applied by itself).
    unknown = [{**row, "query": row["query"][::-1]} for row in rows]
    worst = []
    for label, use_hint in [("with country", True), ("no country", False)]:
        lookup = ours(gazetteer, use_hint)
        answered = sum(lookup(row["query"], row["country"]) is not None for row in unknown)
        speed = throughput(lookup, unknown, use_hint=use_hint, cold_keys=True)
        worst.append((f"{len(unknown)} unknown names, {label}", f"{answered}", f"{speed:,.0f}"))
    print("Worst case: the truth list spelt backwards (names no gazetteer knows)")
    table(["lookup", "answered anyway (false positives)", "lookups/s"], worst)

    load_rows = []
    for mode, label in CHILD_MODES.items():
        if args.quick and mode == "raw-cities500":
            continue
        if mode == "extract-build":
            figures = run_child(mode)
        else:
            run_child(mode)  # make sure the cache exists / OS file cache is warm
            figures = run_child(mode)
        load_rows.append(
            (
                label,
                f"{figures['load_s']:.2f} s",
                f"{figures['process_s']:.2f} s",
                f"{figures['rss_mb']:.0f} MB",
            )
        )
    table(["data", "load", "first lookup (process start → answer)", "peak RSS"], load_rows)


if __name__ == "__main__":
    main()
