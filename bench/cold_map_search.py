"""Cold-cache benchmark: the map's data request and a keyword search, today's approach next to the new.

For N = 10k and 100k records (92 % attacks, 8 % the other activity kinds; all SYNTHETIC, made by
``generate_synthetic``, plus the real sample data) it prints, side by side, cold (public cache off:
what the first visitor after every edit meets) and warm (answered from the public cache):

* the map's data request — before: ``/api/incidents.geojson?properties=…`` (the GeoJSON sparse
  fieldset the page used to load); now: ``/api/incidents.map.json`` (ipwatch/maps/compact.py) —
  time, and bytes raw and gzipped;
* ``/incidents/?q=…`` — before: every query word matched with ``LIKE '% word%'`` over the search
  text (SQLite; PostgreSQL already had its GIN full-text index, so there before = now); now: the
  SQLite FTS5 index (ipwatch/core/search.py);
* how many cached URLs survive a single incident edit: before (one global version: every save
  dropped everything) and now (scoped tokens, ipwatch/core/cache.py), the map's data a year at a
  time (its time control's windows) included.

    nice .venv/bin/python bench/cold_map_search.py                               # SQLite
    nice bash scripts/with-postgres.sh .venv/bin/python bench/cold_map_search.py # PostgreSQL 15
    .venv/bin/python bench/cold_map_search.py --sizes 10000 --runs 3
    .venv/bin/python bench/cold_map_search.py --sizes 10000 --survivors-only

Times are in-process through Django's test client (whole middleware stack), median of --runs; on
SQLite the CPU time of this process (database included, load-independent) is shown too. The
machine is shared: compare columns within one run, and see the load average printed with it.
"""

import argparse
import contextlib
import gzip
import os
import random
import sys
import time
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
mapbench = import_module("map")  # bench/map.py: environment, timing and formatting helpers

QUERIES = ("Sebha", "Sabha raid", "سبها", "al")  # "al": a broad word, in a third of the records


def load() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def timed(client, url: str, runs: int, label: str):
    """(median wall time, median CPU time, last response) of a gzip-accepting GET."""
    seconds, response = mapbench.median_time(lambda: client.get(url, HTTP_ACCEPT_ENCODING="gzip"), runs, label)
    assert response.status_code == 200, (url, response.status_code)
    return seconds, mapbench.CPU_TIMES[label], response


def sizes_of(response) -> tuple[int, int]:
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        return len(gzip.decompress(body)), len(body)
    return len(body), len(gzip.compress(body, compresslevel=5))


def measure(client, url: str, runs: int) -> dict:
    from django.test import override_settings

    client.get(url, HTTP_ACCEPT_ENCODING="gzip")  # one-off costs (templates, first query plans)
    cold, cold_cpu, response = timed(client, url, runs, url)
    with override_settings(PUBLIC_CACHE_TIMEOUT=600):
        client.get(url, HTTP_ACCEPT_ENCODING="gzip")  # stored
        warm, _, hit = timed(client, url, runs, url + "#warm")
        assert hit.get("X-Public-Cache") == "hit", url
    raw, gz = sizes_of(response)
    return {"cold": cold, "cpu": cold_cpu, "warm": warm, "raw": raw, "gzip": gz}


def like_search():
    """The search as it was on SQLite: the FTS5 index switched off (LIKE over the column)."""
    from ipwatch.core import search

    class Switch:
        def __enter__(self):
            self.saved = search.sqlite_index_of
            search.sqlite_index_of = lambda queryset: None

        def __exit__(self, *exc):
            search.sqlite_index_of = self.saved

    return Switch()


def survivors(client) -> list[tuple[str, int, int, int]]:
    """Cached URLs still answered from the cache after one edit of an incident (not the latest):
    with the old rule (one global version, emulated by invalidate_public_cache()) and now."""
    from django.test import override_settings
    from django.urls import reverse

    from ipwatch.core.cache import invalidate_public_cache
    from ipwatch.core.models import Incident, Province

    slugs = list(Province.objects.order_by("slug").values_list("slug", flat=True))
    rng = random.Random(19)
    incident_ids = list(Incident.objects.published().values_list("pk", flat=True))
    pages = ["public:overview", "public:incident-list", "timeline:claims", "maps:map", "public:province-list"]
    map_data, geojson = reverse("maps:incidents-map-data"), reverse("maps:incidents-geojson")
    groups = {
        "overview, lists, claims, map page": [reverse(name) for name in [*pages, "activity:list"]],
        "province pages and feeds": [reverse("public:province-detail", args=[s]) for s in slugs]
        + [reverse("public:province-feed", args=[s]) for s in slugs],
        "map data / GeoJSON, all provinces": [map_data, f"{geojson}?properties=id"],
        "map data / GeoJSON per province": [f"{map_data}?province={s}" for s in slugs]
        + [f"{geojson}?province={s}&properties=id" for s in slugs],
        "incident pages (200 random)": [
            reverse("public:incident-detail", args=[pk]) for pk in rng.sample(incident_ids, 200)
        ],
    }
    edited = Incident.objects.published().order_by("date", "pk").first()  # the oldest: data-as-of stays
    # The map's time control: one request per window as an analyst drags it (here a year at a time,
    # every year with published incidents), over every province and over three of them.
    years = sorted({day.year for day in Incident.objects.published().dates("date", "year")})
    windows = [f"since={year}-01-01&until={year}-12-31" for year in years]
    some = sorted({edited.province.slug if edited.province else slugs[0], *slugs[:2]})
    groups[f"map data, a year at a time ({years[0]}–{years[-1]})"] = [f"{map_data}?{w}" for w in windows]
    groups[f"map data, a year at a time, for {', '.join(some)}"] = [
        f"{map_data}?{window}&province={slug}" for window in windows for slug in some
    ]

    def hits(urls):
        return sum(client.get(url, HTTP_ACCEPT_ENCODING="gzip").get("X-Public-Cache") == "hit" for url in urls)

    def warm(urls):
        for url in urls:
            client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    rows = []
    every = [url for urls in groups.values() for url in urls]
    with override_settings(PUBLIC_CACHE_TIMEOUT=600):
        warm(every)
        invalidate_public_cache()  # what any save did before
        before = {name: hits(urls) for name, urls in groups.items()}  # (this also re-warms them)
        edited.summary = edited.summary + " "
        edited.save()
        now = {name: hits(urls) for name, urls in groups.items()}
        edited.summary = edited.summary[:-1]
        edited.save()
    for name, urls in groups.items():
        rows.append((name, len(urls), before[name], now[name]))
    rows.append(("total", len(every), sum(before.values()), sum(now.values())))
    return rows, edited.province.slug if edited.province else "(none)"


def generate(total: int, have: int, seed: int):
    """Grow the synthetic data to ``total`` records (92 % attacks), in a separate process."""
    incidents, activity = int(total * 0.92) - int(have * 0.92), (total - int(total * 0.92)) - (have - int(have * 0.92))
    mapbench.generate_synthetic(incidents, activity, seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--survivors-only", action="store_true", help="skip the timings: only the cached URLs")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        path = ROOT / "var" / "bench" / "cold_map_search.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    mapbench.configure_environment()
    client = mapbench.sample_data_client()
    from django.db import connection
    from django.urls import reverse

    from ipwatch.maps.geojson import MAP_PROPERTIES

    database = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor, connection.vendor)
    before_map = reverse("maps:incidents-geojson") + "?properties=" + ",".join(MAP_PROPERTIES)
    now_map = reverse("maps:incidents-map-data")
    have = 0
    for seed, size in enumerate(sorted(int(s) for s in args.sizes.split(",")), start=1):
        start = time.perf_counter()
        generate(size, have, seed)
        have = size
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
        print(f"[{database}] N={size}: generated in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        if args.survivors_only:
            continue
        print(f"\n### {database}, N = {size:,} records ({load()})\n")
        print("| request | approach | cold (cache off) | CPU (SQLite) | warm (cache hit) | raw | gzip |")
        print("|---|---|---|---|---|---|---|")
        plain = contextlib.nullcontext
        rows = [("map data", "before: GeoJSON sparse fieldset", before_map, plain)]
        rows.append(("map data", "now: compact", now_map, plain))
        for query in QUERIES:
            url = reverse("public:incident-list") + f"?q={query}"
            if connection.vendor == "sqlite":
                rows.append((f"search {query}", "before: LIKE over the search text", url, like_search))
                rows.append((f"search {query}", "now: FTS5 index", url, plain))
            else:
                rows.append((f"search {query}", "GIN full-text index (before = now)", url, plain))
        for label, approach, url, switch in rows:
            with switch():
                print(row((label, approach, url), measure(client, url, args.runs), database))
        sys.stdout.flush()
    table, province = survivors(client)
    print(f"\n### Cached URLs that survive one edit ({database}, N = {have:,}; an incident in {province})\n")
    print("| URLs | cached | survive before (global version) | survive now (scoped) |")
    print("|---|---|---|---|")
    for name, count, before, now in table:
        print(f"| {name} | {count} | {before} | {now} |")
    print(f"\n({load()})")


def row(labels, result, database) -> str:
    label, approach, _ = labels
    cpu = mapbench.seconds(result["cpu"]) if database == "SQLite" else "—"
    return (
        f"| {label} | {approach} | {mapbench.seconds(result['cold'])} | {cpu} | {mapbench.seconds(result['warm'])} "
        f"| {mapbench.human_bytes(result['raw'])} | {mapbench.human_bytes(result['gzip'])} |"
    )


if __name__ == "__main__":
    main()
