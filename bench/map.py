"""Map benchmark: /map/ + /api/incidents.geojson against a naive folium page.

The naive page is what most folium tutorials do: one ``folium.Marker`` (with a popup) per incident,
rendered to one HTML document. Ours is a fixed-size folium page that fetches the GeoJSON API.

For N = 1k, 10k, 100k SYNTHETIC incidents (``generate_synthetic``; plus the 3 real sample incidents)
it prints, side by side: page bytes, server time for page + data, data bytes (raw and gzip) and the
time until markers are visible in headless Chromium.

    .venv/bin/python bench/map.py                                   # SQLite, a fresh file in var/bench/
    bash scripts/with-postgres.sh .venv/bin/python bench/map.py     # PostgreSQL, a throwaway cluster
    .venv/bin/python bench/map.py --sizes 1000,10000 --naive-max 10000 --no-browser

Server times are measured in-process through Django's test client (full middleware stack, gzip
included when asked for), median of several runs. Browser times come from a gunicorn server on
localhost and Debian's Chromium (Playwright), from navigation start until the first marker or
cluster is drawn; the naive page's CDN links are answered with the same vendored Leaflet files and
its other CDN requests (jQuery, Bootstrap, fonts, tiles) are refused, as they would be offline.
"""

import argparse
import gzip
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_TIMEOUT_S = 180


def configure_environment(name: str = "map") -> str:
    """Settings for a benchmark process: a fresh SQLite file var/bench/<name>.sqlite3 unless DATABASE_URL
    points elsewhere. Other bench scripts (search.py, cold_map_search.py) use it too."""
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipwatch.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # gunicorn on loopback speaks plain HTTP
    # Time the views themselves, not the shared public cache (its hits are measured separately).
    os.environ.setdefault("PUBLIC_CACHE_TIMEOUT", "0")
    # Playwright's sync API keeps an event loop in this thread; Django would refuse DB access from it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not os.environ.get("DATABASE_URL"):
        path = ROOT / "var" / "bench" / f"{name}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return "SQLite"
    return "PostgreSQL" if os.environ["DATABASE_URL"].startswith("postgres") else os.environ["DATABASE_URL"]


def sample_data_client():
    """After configure_environment(): Django set up, the schema migrated and the real sample data
    loaded; a test client to time the pages with."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from ipwatch.core.sample_data import load_sample_data

    call_command("migrate", verbosity=0)
    load_sample_data()
    return Client()


def generate_synthetic(incidents: int, activity: int = 0, seed: int = 1) -> None:
    """Add SYNTHETIC records to the benchmark database. In a separate process, as in real use: generating
    loads GeoNames (hundreds of MB of Python objects) whose mere presence slows this process's garbage
    collector and so every timing."""
    command = [sys.executable, "manage.py", "generate_synthetic", "--incidents", str(incidents)]
    command += ["--activity", str(activity), "--seed", str(seed), "-v", "0"]
    subprocess.run(command, cwd=ROOT, check=True)


CPU_TIMES: dict = {}  # last median CPU time of this process per label (load-independent, SQLite only)


def median_time(function, runs: int, label: str = ""):
    """Median wall-clock time of ``runs`` calls (and, under ``label``, the median CPU time of this process)."""
    times, cpu_times, result = [], [], None
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    if label:
        CPU_TIMES[label] = statistics.median(cpu_times)
    return statistics.median(times), result


def human_bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)


def seconds(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


# ---------------------------------------------------------------------------------- server side


def measure_ours(client, runs: int) -> dict:
    from django.urls import reverse

    from ipwatch.maps.geojson import MAP_PROPERTIES

    map_page = reverse("maps:map")
    full_data = reverse("maps:incidents-geojson")  # every property (other tooling, the download link)
    map_data = f"{full_data}?properties=" + ",".join(MAP_PROPERTIES)  # what the map page fetches
    for path in (map_page, map_data):  # first requests pay one-off costs (templates, country names)
        client.get(path)
    page_time, page = median_time(lambda: client.get(map_page), runs)
    page_gz = client.get(map_page, HTTP_ACCEPT_ENCODING="gzip")
    api_time, api = median_time(lambda: client.get(map_data, HTTP_ACCEPT_ENCODING="gzip"), runs, "map data")
    assert api.status_code == 200 and api["Content-Encoding"] == "gzip", api
    raw = gzip.decompress(api.content)
    full_time, full = median_time(lambda: client.get(full_data, HTTP_ACCEPT_ENCODING="gzip"), runs, "full data")
    revalidate_time, not_modified = median_time(lambda: client.get(map_data, HTTP_IF_NONE_MATCH=api["ETag"]), runs)
    assert not_modified.status_code == 304
    from django.test import override_settings

    with override_settings(PUBLIC_CACHE_TIMEOUT=600):
        client.get(map_data, HTTP_ACCEPT_ENCODING="gzip")  # stored
        cached_time, hit = median_time(lambda: client.get(map_data, HTTP_ACCEPT_ENCODING="gzip"), runs)
        assert hit["X-Public-Cache"] == "hit", hit.headers
    import json

    features = len(json.loads(raw)["features"])
    return {
        "features": features,
        "page_bytes": len(page.content),
        "page_gzip": len(page_gz.content),
        "page_time": page_time,
        "api_time": api_time,
        "api_cpu": CPU_TIMES["map data"],
        "api_full_cpu": CPU_TIMES["full data"],
        "api_full_time": full_time,
        "api_304_time": revalidate_time,
        "api_cached_time": cached_time,
        "data_bytes": len(raw),
        "data_gzip": len(api.content),
        "full_bytes": len(gzip.decompress(full.content)),
        "full_gzip": len(full.content),
    }


def naive_folium_page() -> str:
    """One folium.Marker per published incident, as in the folium tutorials."""
    import folium

    from ipwatch.core.models import Incident

    fmap = folium.Map(location=[24, 25], zoom_start=3)
    for incident in Incident.objects.published().with_coordinates().select_related("place", "province"):
        folium.Marker(
            [incident.place.latitude, incident.place.longitude],
            popup=f"{incident.date_display}: {incident.place.name}<br>{incident.summary}",
            tooltip=incident.place.name,
        ).add_to(fmap)
    return fmap.get_root().render()


def measure_naive(runs: int) -> dict:
    naive_time, html = median_time(naive_folium_page, runs)
    body = html.encode()
    return {
        "time": naive_time,
        "bytes": len(body),
        "gzip": len(gzip.compress(body, compresslevel=6)),
        "html": body,
        "markers": html.count("L.marker("),
    }


# ---------------------------------------------------------------------------------- browser side


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "ipwatch.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--preload",
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    base = f"http://127.0.0.1:{port}"
    import urllib.request

    from django.urls import reverse

    for _ in range(100):
        try:
            urllib.request.urlopen(base + reverse("maps:map"), timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.terminate()
        raise RuntimeError("gunicorn did not start")
    return process, base


def warm_up(base: str):
    """Every worker's first requests pay one-off costs (URL resolver, templates, country names)."""
    import urllib.request

    from django.templatetags.static import static
    from django.urls import reverse

    paths = (reverse("maps:map"), reverse("maps:incidents-geojson"), static("vendor/world-atlas/countries-50m.json"))
    for _ in range(6):
        for path in paths:
            urllib.request.urlopen(base + path, timeout=300).read()


class Browser:
    def __init__(self):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.vendor = ROOT / "static" / "vendor" / "leaflet"

    def close(self):
        self.browser.close()
        self._playwright.stop()

    def ours(self, base: str) -> float | str:
        from django.urls import reverse

        page = self.browser.new_page(viewport={"width": 1280, "height": 860})
        try:
            page.goto(base + reverse("maps:map"), wait_until="commit")
            handle = page.wait_for_function(
                "() => { const m = document.querySelector('.folium-map');"
                " return m && m.dataset.state === 'loaded' && Number(m.dataset.rendered) > 0 && performance.now(); }",
                timeout=BROWSER_TIMEOUT_S * 1000,
                polling=10,
            )
            return handle.json_value() / 1000
        finally:
            page.close()

    def time_window(self, base: str, runs: int = 15) -> dict:
        """Moving the time control's window on /map/: median time until the markers are redrawn.

        Ours filters the already loaded incidents in the browser (two binary searches over the
        date-sorted features, re-cluster, redraw). Side by side, the approach it replaces: a new
        request to the API with since/until for every window (the data is fetched, parsed, indexed
        and drawn again)."""
        from django.urls import reverse

        page = self.browser.new_page(viewport={"width": 1280, "height": 860})
        try:
            page.goto(base + reverse("maps:map"), wait_until="load")
            page.wait_for_function(
                "() => document.querySelector('.folium-map')?.dataset.state === 'loaded'"
                " && window.ipwatchMapView && window.ipwatchMapView.bins.length > 0",
                timeout=BROWSER_TIMEOUT_S * 1000,
            )
            return page.evaluate(
                """async (runs) => {
                    const view = window.ipwatchMapView, layer = window.ipwatchIncidentLayer;
                    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
                    const n = view.bins.length, width = Math.max(1, Math.ceil(n / 12));
                    const ours = [], naive = [], shown = [], windows = [];
                    for (let k = 0; k < runs; k++) {
                        const i = Math.floor((k * (n - width)) / Math.max(1, runs - 1));
                        const iso = (day) => new Date(day * 864e5).toISOString().slice(0, 10);
                        windows.push([i, iso(view.bins[i].from), iso(view.bins[i + width - 1].to)]);
                    }
                    for (const [i] of windows) {
                        await frame();
                        const start = performance.now();
                        view.setBins(i, i + width - 1, false);
                        await frame();
                        ours.push(performance.now() - start);
                        shown.push(+document.querySelector('.folium-map').dataset.visibleCount);
                    }
                    // Worst case: a window over nearly everything (all but the last bin).
                    const wide = [];
                    for (let k = 0; k < 3; k++) {
                        view.setBins(0, 0, false);
                        await frame();
                        const start = performance.now();
                        view.setBins(0, n - 2, false);
                        await frame();
                        wide.push(performance.now() - start);
                    }
                    const features = layer.features.length;
                    // The naive path: ask the server for each window (data fetched, parsed, drawn).
                    layer.timeWindow = null;
                    for (const [, since, until] of windows) {
                        const start = performance.now();
                        await new Promise((resolve) => {
                            const done = () => { layer.listeners.render.pop(); resolve(); };
                            layer.listeners.render.push(done);
                            layer.load(`since=${since}&until=${until}`);
                        });
                        await frame();
                        naive.push(performance.now() - start);
                    }
                    const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
                    return {ours: median(ours) / 1000, naive: median(naive) / 1000, bins: n, width: width,
                            shown: median(shown), features: features, wide: median(wide) / 1000};
                }""",
                runs,
            )
        finally:
            page.close()

    def naive(self, html: bytes) -> float | str:
        page = self.browser.new_page(viewport={"width": 1280, "height": 860})
        vendor = self.vendor

        def route(route):
            url = route.request.url
            if url == "http://naive.invalid/map.html":
                return route.fulfill(body=html, content_type="text/html; charset=utf-8")
            if "/leaflet@" in url and "/dist/" in url:  # the CDN's Leaflet → the vendored copy
                name = url.split("/dist/", 1)[1]
                path = vendor / name
                if path.is_file():
                    return route.fulfill(path=str(path))
            return route.abort()  # jQuery, Bootstrap, Font Awesome, OSM tiles: unreachable offline

        page.route("**/*", route)
        try:
            page.goto("http://naive.invalid/map.html", wait_until="commit", timeout=BROWSER_TIMEOUT_S * 1000)
            handle = page.wait_for_function(
                "() => document.querySelector('.leaflet-marker-icon') && performance.now()",
                timeout=BROWSER_TIMEOUT_S * 1000,
                polling=10,
            )
            return handle.json_value() / 1000
        except Exception as exc:  # a page too big to show within the time limit is a result too
            return f"> {BROWSER_TIMEOUT_S} s ({type(exc).__name__})"
        finally:
            page.close()


# ---------------------------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated N (synthetic incidents)")
    parser.add_argument("--naive-max", type=int, default=100000, help="skip the naive page above this N")
    parser.add_argument("--no-browser", action="store_true", help="server-side figures only")
    parser.add_argument("--runs", type=int, default=5, help="runs per server-side timing (median)")
    parser.add_argument(
        "--activity",
        action="store_true",
        help="instead: /api/activity.geojson at N mixed records beside /api/incidents.geojson at N incidents",
    )
    args = parser.parse_args()
    if args.activity:
        return compare_activity(args)
    sizes = sorted(int(size) for size in args.sizes.split(","))

    database = configure_environment()
    client = sample_data_client()
    from ipwatch.core.models import Incident

    server = browser = None
    if not args.no_browser:
        browser = Browser()
        server, base = start_gunicorn()

    rows = []
    try:
        for seed, size in enumerate(sizes, start=1):
            have = Incident.objects.filter(is_synthetic=True).count()
            start = time.perf_counter()
            generate_synthetic(size - have, seed=seed)
            print(
                f"[{database}] N={size}: generated {size - have} synthetic in {time.perf_counter() - start:.1f} s",
                file=sys.stderr,
            )
            runs = args.runs if size < 100000 else max(3, args.runs - 2)
            ours = measure_ours(client, runs)
            naive = measure_naive(1 if size >= 10000 else runs) if size <= args.naive_max else None
            if browser:
                warm_up(base)
                ours["browser"] = browser.ours(base)
                ours["window"] = browser.time_window(base)
                if naive:
                    naive["browser"] = browser.naive(naive["html"])
            rows.append((size, ours, naive))
            print_row(database, size, ours, naive, file=sys.stderr)
    finally:
        if browser:
            browser.close()
        if server:
            server.terminate()
            server.wait()

    print_table(database, rows)


# ------------------------------------------------------------------------- activity of every kind


def naive_activity_geojson(attacks, others) -> bytes:
    """What a straightforward view would do: the ORM, one dict per record, json.dumps."""
    import json

    features = []
    for queryset, kind_of in ((attacks, lambda record: "attack"), (others, lambda record: record.kind)):
        for record in queryset.with_coordinates().select_related("place", "province").iterator(chunk_size=2000):
            features.append(
                {
                    "type": "Feature",
                    "id": f"{kind_of(record)}-{record.pk}",
                    "geometry": {"type": "Point", "coordinates": [record.place.longitude, record.place.latitude]},
                    "properties": {
                        "id": record.pk,
                        "kind": kind_of(record),
                        "title": getattr(record, "title", None) or str(record),
                        "date": record.date.isoformat() if record.date else None,
                        "date_precision": record.date_precision,
                        "province": record.province.slug if record.province_id else None,
                        "place": record.place.name,
                        "country": record.place.country,
                        "url": record.get_absolute_url(),
                    },
                }
            )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def compare_activity(args) -> None:
    """N mixed records (half attacks, half the other kinds): /api/activity.geojson, and the naive ORM +
    json.dumps serialiser of the same records. Then N synthetic incidents: /api/incidents.geojson."""
    size = max(int(part) for part in args.sizes.split(","))
    database = configure_environment()
    client = sample_data_client()
    import json

    from django.urls import reverse

    from ipwatch.activity.models import Activity
    from ipwatch.core.models import Incident

    runs = max(3, args.runs - 2)

    def timed(path, label):
        client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        elapsed, response = median_time(lambda: client.get(path, HTTP_ACCEPT_ENCODING="gzip"), runs, label)
        assert response.status_code == 200, response
        raw = gzip.decompress(response.content)
        return {"time": elapsed, "cpu": CPU_TIMES[label], "features": len(json.loads(raw)["features"]),
                "bytes": len(raw), "gzip": len(response.content), "load": os.getloadavg()[0]}  # fmt: skip

    rows = []
    # N mixed records first (half attacks, half the other kinds), then more attacks up to N incidents:
    # the other kinds' rows do not touch /api/incidents.geojson.
    # Added to what is there (deleting 100k synthetic rows costs more than generating them).
    generate_synthetic(size // 2, size - size // 2, seed=1)
    mixed = f"{Incident.objects.count():,} incidents + {Activity.objects.count():,} other"
    activity_api, incidents_api = reverse("activity:geojson"), reverse("maps:incidents-geojson")
    activity_row = (activity_api, mixed, timed(activity_api, "activity"))
    naive_time, body = median_time(
        lambda: naive_activity_geojson(Incident.objects.published(), Activity.objects.published()), 1, "naive"
    )
    naive = {"time": naive_time, "cpu": CPU_TIMES["naive"], "features": len(json.loads(body)["features"]),
             "bytes": len(body), "gzip": len(gzip.compress(body, 5)), "load": os.getloadavg()[0]}  # fmt: skip
    generate_synthetic(size - Incident.objects.filter(is_synthetic=True).count(), seed=2)
    incidents = f"{Incident.objects.count():,} incidents"
    rows.append((incidents_api, incidents, timed(incidents_api, "incidents")))
    rows.append(activity_row)
    rows.append(("naive ORM + json.dumps (same records)", mixed, naive))
    print(f"\n### /api/activity.geojson vs /api/incidents.geojson ({database}, median of {runs})\n")
    print("| request | records in the database | features | server time | CPU | body | gzip | load (1 min) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for path, records, row in rows:
        print(
            f"| {path} | {records} | {row['features']:,} | {seconds(row['time'])} | {seconds(row['cpu'])} "
            f"| {human_bytes(row['bytes'])} | {human_bytes(row['gzip'])} | {row['load']:.1f} |"
        )
    per_feature = [row["cpu"] / max(row["features"], 1) for _, _, row in rows]
    ratio = per_feature[1] / per_feature[0]
    print(f"\nCPU per feature, activity / incidents: {ratio:.2f}x (goal: within 1.5x)")


def print_row(database, size, ours, naive, file):
    line = (
        f"  ours: page {human_bytes(ours['page_bytes'])} in {seconds(ours['page_time'])}, "
        f"API {ours['features']} features {human_bytes(ours['data_bytes'])} / gzip {human_bytes(ours['data_gzip'])} "
        f"in {seconds(ours['api_time'])} (all properties {human_bytes(ours['full_bytes'])} / gzip "
        f"{human_bytes(ours['full_gzip'])} in {seconds(ours['api_full_time'])}; 304 {seconds(ours['api_304_time'])})"
        f", browser {seconds(ours.get('browser'))}"
    )
    if ours.get("window"):
        window = ours["window"]
        line += (
            f"\n  time window ({window['width']} of {window['bins']} bins, ~{window['shown']:,} of "
            f"{window['features']:,} incidents shown): markers redrawn in {seconds(window['ours'])} (median) "
            f"vs a new API request per window {seconds(window['naive'])}; a window over all but one bin "
            f"{seconds(window['wide'])}"
        )
    print(line, file=file)
    print(
        f"  ours, CPU time of this process: map data {seconds(ours['api_cpu'])}, "
        f"all properties {seconds(ours['api_full_cpu'])}; load average {os.getloadavg()[0]:.1f}",
        file=file,
    )
    if naive:
        print(
            f"  naive: {naive['markers']} markers, {human_bytes(naive['bytes'])} / gzip {human_bytes(naive['gzip'])} "
            f"in {seconds(naive['time'])}, browser {seconds(naive.get('browser'))}",
            file=file,
        )


def print_table(database, rows):
    print(f"\n### {database}\n")
    print(
        "| N incidents | on map | page bytes: ours / naive | server time page + data: ours / naive | "
        "map data bytes (ours): raw / gzip | bytes sent, gzip: ours / naive | markers visible: ours / naive |"
    )
    print("|---:|---:|---|---|---|---|---|")
    for size, ours, naive in rows:
        total_time = ours["page_time"] + ours["api_time"]
        total_gzip = ours["page_gzip"] + ours["data_gzip"]
        if naive:
            time_ratio = f" (×{naive['time'] / total_time:.0f})"
            bytes_ratio = f" (×{naive['gzip'] / total_gzip:.1f})"
            naive_page, naive_time, naive_gzip = (
                human_bytes(naive["bytes"]),
                seconds(naive["time"]),
                human_bytes(naive["gzip"]),
            )
            naive_browser = seconds(naive.get("browser"))
        else:
            time_ratio = bytes_ratio = ""
            naive_page = naive_time = naive_gzip = naive_browser = "not run"
        print(
            f"| {size:,} | {ours['features']:,} "
            f"| {human_bytes(ours['page_bytes'])} / {naive_page} "
            f"| {seconds(ours['page_time'])} + {seconds(ours['api_time'])} = {seconds(total_time)} / "
            f"{naive_time}{time_ratio} "
            f"| {human_bytes(ours['data_bytes'])} / {human_bytes(ours['data_gzip'])} "
            f"| {human_bytes(total_gzip)} / {naive_gzip}{bytes_ratio} "
            f"| {seconds(ours.get('browser'))} / {naive_browser} |"
        )
    windows = [(size, ours["window"]) for size, ours, _ in rows if ours.get("window")]
    if windows:
        print(
            "\n| N incidents | time window moved: markers redrawn, ours (filter in the browser) "
            "| naive (new API request) |"
        )
        print("|---:|---:|---:|")
        for size, window in windows:
            print(
                f"| {size:,} | {seconds(window['ours'])} ({window['width']}/{window['bins']} bins, "
                f"~{window['shown']:,} shown; all but one bin: {seconds(window['wide'])}) "
                f"| {seconds(window['naive'])} |"
            )
    print(
        "\nOurs, the API with every property (what other tooling and the download link get): "
        + "; ".join(
            f"N={size:,}: {human_bytes(ours['full_bytes'])} / gzip {human_bytes(ours['full_gzip'])} "
            f"in {seconds(ours['api_full_time'])}"
            for size, ours, _ in rows
        )
        + ". CPU time of the benchmark process for the map data / all properties: "
        + ", ".join(
            f"N={size:,}: {seconds(ours['api_cpu'])} / {seconds(ours['api_full_cpu'])}" for size, ours, _ in rows
        )
        + ". A revalidation answered 304: "
        + ", ".join(f"N={size:,}: {seconds(ours['api_304_time'])}" for size, ours, _ in rows)
        + ". The map data from the public cache (a hit): "
        + ", ".join(f"N={size:,}: {seconds(ours['api_cached_time'])}" for size, ours, _ in rows)
        + "."
    )


if __name__ == "__main__":
    main()
