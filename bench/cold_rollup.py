"""Cold-cache speed of the timeline API, overview, province and claims pages: today's base-table
aggregation next to the published-attack rollup (ipwatch/timeline/rollup.py), at 10k and 100k records.

    nice .venv/bin/python bench/cold_rollup.py                       # SQLite and PostgreSQL, 10k and 100k
    nice .venv/bin/python bench/cold_rollup.py --sizes 10000 --backends sqlite

Each backend runs in a child process on a throwaway database (a temporary SQLite file, or a
throwaway PostgreSQL 15 cluster from scripts/with-postgres.sh). Records are the real sample data
plus SYNTHETIC ones from generate_synthetic (labelled synthetic, never real): attacks and the other
activity kinds (media releases, designations, arrests, cases, pledges, leadership, territory) 9:1.

- cold: public cache off (PUBLIC_CACHE_TIMEOUT=0), every request computed: "base" with the rollup
  switched off (PUBLISHED_ROLLUP=False: the aggregation over the incidents table, as before), and
  "rollup". Full requests through the Django test client; median of --repeat runs after a warm-up.
- warm: public cache on, the same request again (a cache hit; the rollup does not change it).
- import: 10k synthetic ACLED rows (bench/import.py's file) imported as published, with the rollup's
  triggers and without them (each in a transaction rolled back afterwards).
"""

import argparse
import datetime as dt
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

# bench/timeline.py: timed runs after a warm-up (median, fastest); a worker on a throwaway database
from timeline import run_worker, timed

ROOT = Path(__file__).resolve().parent.parent
ACTIVITY_SHARE = 0.1  # one record in ten is another activity kind


OPTIONS = {  # name: (default, help)
    "--sizes": ("10000,100000", "comma-separated record counts"),
    "--backends": ("sqlite,postgres", "sqlite, postgres or both"),
    "--repeat": (5, "timed runs per measurement (median shown)"),
    "--import-rows": (10_000, "rows of the import measured (0: none)"),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, (default, text) in OPTIONS.items():
        parser.add_argument(name, type=type(default), default=default, help=text)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def endpoints(slug: str) -> list[tuple[str, str]]:
    from django.urls import reverse

    timeline = reverse("timeline:api-timeline")
    return [
        ("timeline month", f"{timeline}?granularity=month"),
        ("timeline week", f"{timeline}?granularity=week"),
        ("timeline month, province", f"{timeline}?granularity=month&province={slug}"),
        ("timeline week, province", f"{timeline}?granularity=week&province={slug}"),
        ("overview /", reverse("public:overview")),
        ("province page", reverse("public:province-detail", args=[slug])),
        ("claims /claims/", reverse("timeline:claims")),
    ]


# Child process: one backend ----------------------------------------------------------------------


def import_seconds(rows: int, with_triggers: bool) -> float:
    from django.db import connection, transaction

    from ipwatch.core.choices import IncidentStatus
    from ipwatch.core.workflow import SYSTEM
    from ipwatch.exchange.importer import Importer
    from ipwatch.timeline import rollup

    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "import.py")
    bench_import = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_import)
    path = bench_import.generate(rows)

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            if not with_triggers:
                rollup.remove_triggers(connection)  # put back by the rollback
            start = time.perf_counter()
            result = Importer("acled", status=IncidentStatus.PUBLISHED, user=SYSTEM).run(str(path))
            elapsed = time.perf_counter() - start
            assert result.ok, result.errors[:3]
            raise Undo
    except Undo:
        pass
    return elapsed


def explain(sql_queryset) -> str:
    from django.db import connection

    sql, params = sql_queryset.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipwatch.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from ipwatch.activity.synthetic import generate_synthetic_activity
    from ipwatch.core import search
    from ipwatch.core.cache import invalidate_public_cache
    from ipwatch.core.models import Incident
    from ipwatch.core.sample_data import load_sample_data
    from ipwatch.core.synthetic import generate_synthetic
    from ipwatch.timeline import rollup
    from ipwatch.timeline.models import PublishedRollup

    if os.environ.get("BENCH_TMP"):  # the throwaway directory, never the project's var/
        settings.PUBLIC_CACHE_STAMP_FILE = Path(os.environ["BENCH_TMP"]) / "public-cache-version"
    backend = connection.vendor
    call_command("migrate", verbosity=0)
    load_sample_data()
    client, present = Client(), 0
    for size in [int(s) for s in args.sizes.split(",")]:
        if size > present:  # records added up to this size: attacks and the other kinds, 9:1
            activity = int((size - present) * ACTIVITY_SHARE)
            generate_synthetic(size - present - activity, seed=size)
            generate_synthetic_activity(activity, seed=size)
            search.refresh(Incident.objects.filter(is_synthetic=True, search_text=""))
            present = size
        if backend == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        assert rollup.differences() == {}
        slug = (
            Incident.objects.published()
            .exclude(province=None)
            .values_list("province__slug")
            .annotate(n=Count("id"))
            .order_by("-n")[0][0]
        )
        counts = {
            "incidents": Incident.objects.count(),
            "published": Incident.objects.published().count(),
            "cells": PublishedRollup.objects.count(),
        }
        for name, url in endpoints(slug):
            settings.PUBLIC_CACHE_TIMEOUT = 0
            result = {"backend": backend, "records": size, "endpoint": name, "url": url, **counts}
            for approach, use_rollup in (("base", False), ("rollup", True)):
                settings.PUBLISHED_ROLLUP = use_rollup
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                result[f"{approach}_ms"] = round(timed(lambda u=url: client.get(u), args.repeat)[0], 1)
            settings.PUBLIC_CACHE_TIMEOUT = 600
            invalidate_public_cache()  # every page answered afresh once, then from the cache
            result["warm_ms"] = round(timed(lambda u=url: client.get(u), args.repeat)[0], 1)
            print(json.dumps(result), flush=True)
        settings.PUBLIC_CACHE_TIMEOUT = 0
        if size == int(args.sizes.split(",")[0]) and args.import_rows:
            for with_triggers in (False, True):
                seconds = import_seconds(args.import_rows, with_triggers)
                print(
                    json.dumps(
                        {
                            "backend": backend,
                            "records": size,
                            "import_rows": args.import_rows,
                            "triggers": with_triggers,
                            "import_s": round(seconds, 2),
                        }
                    ),
                    flush=True,
                )
    province_id = Incident.objects.published().exclude(province=None).values_list("province_id", flat=True)[0]
    plans = {
        "timeline cells, province": PublishedRollup.objects.filter(province_id__in=[province_id]).values_list(
            "date", "date_precision", "province_id", "records"
        ),
        "timeline cells, dates": PublishedRollup.objects.filter(date__gte="2019-05-20", date__lte="2019-11-17"),
        "edge days": Incident.objects.published().between(dt.date(2019, 5, 15), dt.date(2019, 5, 19)),
    }
    for name, queryset in plans.items():
        print(json.dumps({"backend": backend, "explain": name, "plan": explain(queryset)}), flush=True)


# Parent: run each backend in its own process ----------------------------------------------------


def print_tables(rows: list[dict]) -> None:
    columns = [("backend", "<10"), ("records", ">8"), ("endpoint", "<26"), ("base ms", ">9"), ("rollup ms", ">10")]
    header = " ".join(f"{name:{spec}}" for name, spec in [*columns, ("speed-up", ">8"), ("warm ms", ">8")])
    print(header, "-" * len(header), sep="\n")
    for row in rows:
        if "endpoint" not in row:
            continue
        speedup = row["base_ms"] / row["rollup_ms"] if row["rollup_ms"] else float("inf")
        print(
            f"{row['backend']:<10} {row['records']:>8,} {row['endpoint']:<26} {row['base_ms']:>9.1f} "
            f"{row['rollup_ms']:>10.1f} {speedup:>7.1f}x {row['warm_ms']:>8.1f}"
        )
    print("cold: public cache off, median of the timed runs; warm: public cache on (a hit)")
    for row in rows:
        if "import_s" in row:
            print(
                f"import {row['import_rows']:,} ACLED rows as published, {row['backend']}, "
                f"{'with' if row['triggers'] else 'without'} the rollup's triggers: {row['import_s']:.2f} s"
            )
    for row in rows:
        if "cells" in row and row.get("endpoint") == "overview /":
            print(
                f"{row['backend']} {row['records']:,} records: {row['published']:,} published incidents, "
                f"{row['cells']:,} rollup cells"
            )
    for row in rows:
        if "explain" in row:
            print(f"\nEXPLAIN {row['backend']}: {row['explain']}\n{row['plan']}")


def main() -> None:
    args = parse_args()
    if args.worker:
        worker(args)
        return
    before = os.getloadavg()
    worker_args = [f"--{name}={getattr(args, name.replace('-', '_'))}" for name in ("sizes", "repeat", "import-rows")]
    label = f"generating up to {args.sizes.split(',')[-1]} synthetic records"
    script = Path(__file__).resolve()
    rows = [
        row for backend in args.backends.split(",") for row in run_worker(backend.strip(), script, worker_args, label)
    ]
    print_tables(rows)
    after = os.getloadavg()
    loads = [" ".join(f"{value:.2f}" for value in moment) for moment in (before, after)]
    print(f"\nload average before: {loads[0]}, after: {loads[1]} (2 cores, shared)")


if __name__ == "__main__":
    main()
