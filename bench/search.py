"""Search benchmark: q= on /incidents/ and /activity/ (every spelling, ranked) next to the naive approach.

The naive approach is what a first version does: ``icontains`` on the summary and the place's name
(and the title, for activity records). It misses every other spelling — the query "Sabha" finds
nothing at "Sebha", "Amaq" finds nothing at all — and it scans every row. Ours is ipwatch.core.search:
the maintained, normalised search text (aliases, Arabic, the gazetteer's alternate spellings,
provinces, report titles and quotes, source names), matched by PostgreSQL full-text search (GIN
index) or on SQLite by FTS5 (incidents) or the column (activity), ranked by relevance.

For N SYNTHETIC incidents and N SYNTHETIC activity records (``generate_synthetic``; plus the real
sample data) it prints, per query: the records each approach finds, the time of the list's two
queries (count + first page of 25: ranked by relevance for ours, newest first for the naive one),
and the time of the whole page through Django's test client (ours).

    .venv/bin/python bench/search.py                                   # SQLite, var/bench/search.sqlite3
    bash scripts/with-postgres.sh .venv/bin/python bench/search.py     # PostgreSQL, a throwaway cluster
    .venv/bin/python bench/search.py --sizes 10000,100000 --runs 5
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from map import configure_environment, generate_synthetic, sample_data_client  # noqa: E402  (bench/map.py)

QUERIES = ["Sabha", "سبها", "Amaq", "Mosul", "raid", "synthetic"]
PAGE = 25


def median_ms(function, runs: int) -> tuple[float, object]:
    result = function()  # warm-up (query plans, caches)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def list_queries(queryset, order) -> tuple[int, list[int]]:
    """What a paginated list asks: how many match, and the first page."""
    return queryset.count(), list(queryset.order_by(*order).values_list("pk", flat=True)[:PAGE])


def approaches(query: str):
    """(name, naive queryset, our queryset, our order, page URL) for the two lists."""
    from django.db.models import F, Q
    from django.db.models.functions import Coalesce

    from ipwatch.activity.models import Activity
    from ipwatch.core import search
    from ipwatch.core.models import Incident

    incidents = Incident.objects.published()
    activity = Activity.objects.published()
    return [
        (
            "/incidents/",
            incidents.filter(Q(summary__icontains=query) | Q(place__name__icontains=query)),
            search.with_relevance(search.matching(incidents, query), query),
            ("-date", "-id"),
            (F("relevance").desc(), "-date", "-id"),
        ),
        (
            "/activity/",
            activity.filter(Q(title__icontains=query) | Q(summary__icontains=query) | Q(place__name__icontains=query)),
            search.with_relevance(search.matching(activity, query), query),
            (Coalesce("date", "end_date").desc(), "-id"),
            (F("relevance").desc(), Coalesce("date", "end_date").desc(), "-id"),
        ),
    ]


def measure(client, runs: int) -> list[dict]:
    rows = []
    for query in QUERIES:
        for path, naive, ours, naive_order, our_order in approaches(query):
            naive_ms, (naive_count, _) = median_ms(lambda: list_queries(naive, naive_order), runs)  # noqa: B023
            ours_ms, (our_count, _) = median_ms(lambda: list_queries(ours, our_order), runs)  # noqa: B023
            page_ms, response = median_ms(lambda: client.get(path, {"q": query}), runs)  # noqa: B023
            assert response.status_code == 200, (path, query, response.status_code)
            rows.append(
                {
                    "path": path,
                    "query": query,
                    "naive_count": naive_count,
                    "naive_ms": naive_ms,
                    "our_count": our_count,
                    "ours_ms": ours_ms,
                    "page_ms": page_ms,
                }
            )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000", help="comma-separated N (synthetic incidents and activity)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    database = configure_environment("search")
    client = sample_data_client()
    from ipwatch.activity.models import Activity
    from ipwatch.core.models import Incident

    tables = []
    for seed, size in enumerate(sizes, start=1):
        have_incidents = Incident.objects.filter(is_synthetic=True).count()
        have_activity = Activity.objects.filter(is_synthetic=True).count()
        start = time.perf_counter()
        generate_synthetic(size - have_incidents, size - have_activity, seed=seed)
        print(f"[{database}] N={size:,}: generated in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        load = os.getloadavg()
        rows = measure(client, args.runs)
        tables.append((size, rows, load, os.getloadavg()))

    for size, rows, before, after in tables:
        print(
            f"\n### {database}, {size:,} synthetic incidents + {size:,} synthetic activity records "
            f"(median of {args.runs}; load average {before[0]:.1f} before, {after[0]:.1f} after)\n"
        )
        print(
            "| list | q | found: naive / ours | count + first page: naive (icontains) | ours (every spelling, "
            "ranked) | whole page, ours |"
        )
        print("|---|---|---:|---:|---:|---:|")
        for row in rows:
            print(
                f"| {row['path']} | {row['query']} | {row['naive_count']:,} / {row['our_count']:,} "
                f"| {row['naive_ms']:.1f} ms | {row['ours_ms']:.1f} ms | {row['page_ms']:.0f} ms |"
            )


if __name__ == "__main__":
    main()
