"""What the finer public-cache scopes cost each anonymous request: computing the key (reading and
parsing the stamp file of scope tokens, the per-process cache's shared state) with the scopes one
province-only scheme had, and with every year and province×year scope bumped (17 provinces, 2014–2025:
the stamp file after edits across the whole history, decades included). No database.

    DEBUG=1 nice .venv/bin/python bench/cache_key_cost.py
"""

import datetime as dt
import json
import os
import sys
import tempfile
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipwatch.settings")
import django

django.setup()
from django.conf import settings  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.urls import reverse  # noqa: E402

from ipwatch.core.cache import (  # noqa: E402
    ALL,
    DATA_AS_OF,
    GLOBAL,
    _new_token,
    cache_key,
    province_scope,
    province_year_scope,
    window_periods,
    year_scope,
)

tmp = tempfile.mkdtemp()
settings.PUBLIC_CACHE_STAMP_FILE = os.path.join(tmp, "stamp")
settings.ALLOWED_HOSTS = ["*"]
factory = RequestFactory()
map_data = reverse("maps:incidents-map-data")
windowed = factory.get(f"{map_data}?since=2019-01-01&until=2019-06-30&province=fezzan")
plain = factory.get(map_data)
since_only = factory.get(reverse("public:incident-list") + "?since=2019-01-01")
slugs = [f"province-{n}" for n in range(17)]
periods = [*range(2014, 2026), "2010s", "2020s", None]  # what edits across 2014–2025 bump
small = {
    GLOBAL: _new_token(),
    ALL: _new_token(),
    DATA_AS_OF: "2025-12-01",
    **{province_scope(s): _new_token() for s in slugs},
}
big = {
    **small,
    **{year_scope(period): _new_token() for period in periods},
    **{province_year_scope(s, period): _new_token() for s in slugs for period in periods},
}
print("| stamp file | scopes, size | request | key computed in (best of 5 × 2000) |")
print("|---|---|---|---|")
for name, stamps in (("before: provinces only", small), ("now: + years, decades, province×period", big)):
    Path(settings.PUBLIC_CACHE_STAMP_FILE).write_text(json.dumps(stamps, sort_keys=True))
    size = os.path.getsize(settings.PUBLIC_CACHE_STAMP_FILE)
    cases = (
        ("unrestricted", plain, {}),
        ("window+province", windowed, {"provinces": ["fezzan"], "periods": ["2019"]}),
        ("since= only", since_only, {"periods": window_periods(dt.date(2019, 1, 1), None)}),
    )
    for label, request, kw in cases:
        n = 2000
        best = min(timeit.repeat(lambda: cache_key(request, **kw), number=n, repeat=5)) / n  # noqa: B023
        print(f"| {name} | {len(stamps)} scopes, {size} bytes | {label} | {best * 1e6:.0f} µs |")
print(f"\n(load average {', '.join(f'{value:.2f}' for value in os.getloadavg())})")
