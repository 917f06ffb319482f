"""The timeline page's chart as a table, its date-uncertain bands, and links to the incident list.

Pure functions of the /api/timeline.json payload and the request's parameters (no queries).
"""

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse

from ipwatch.core.dates import MONTH, WEEK, format_at_precision, parse_period_label, period_end
from ipwatch.core.figures import Tally
from ipwatch.core.filters import filter_params


def incidents_link(params, since: dt.date, until: dt.date, *, group: str | None = None, key: str | None = None) -> str:
    """`/incidents/?…` for one period (and group), keeping the page's other filters.

    The period is intersected with the requested since/until, so a click never widens the view.
    """
    pairs = [(name, value) for name, value in filter_params(params) if name not in {"since", "until"}]
    requested_since = _parse_date(params.get("since"))
    requested_until = _parse_date(params.get("until"))
    if requested_since and requested_since > since:
        since = requested_since
    if requested_until and requested_until < until:
        until = requested_until
    if group and key:
        name = "province" if group == "province" else "type"
        # Narrow to the clicked group; "no province" cannot be expressed as a filter.
        if not key.startswith("_"):
            pairs = [(n, v) for n, v in pairs if n != name] + [(name, key)]
    pairs += [("since", since.isoformat()), ("until", until.isoformat())]
    return f"{reverse('public:incident-list')}?{urlencode(pairs)}"


def _parse_date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def human_period(label: str) -> str:
    granularity, start = parse_period_label(label)
    if granularity == WEEK:
        end = period_end(start, WEEK)
        return f"{label} ({start.day} {start:%b}–{end.day} {end:%b %Y})"
    if granularity == MONTH:
        return f"{start:%b %Y}"
    return f"{start.year}"


def chart_table(payload: dict, params, bands: list[dict]) -> dict:
    """The chart as a table: one row per non-empty period and per date-uncertain band (``bands``:
    what ``uncertain_bands`` made of the same payload)."""
    series = payload["series"]
    points = {entry["key"]: {point["period"]: point for point in entry["points"]} for entry in series}
    rows = []
    for period in payload["periods"]:
        label = period["period"]
        cells = [points[entry["key"]].get(label) for entry in series]
        total = sum(cell["incidents"] for cell in cells if cell)
        if not total:
            continue
        since, until = dt.date.fromisoformat(period["since"]), dt.date.fromisoformat(period["until"])
        rows.append(
            {
                "sort": (since, 0),
                "label": human_period(label),
                "uncertain": False,
                "counts": [cell["incidents"] if cell else 0 for cell in cells],
                "total": total,
                **_tallies(cell for cell in cells if cell),
                "link": incidents_link(params, since, until),
            }
        )
    order = {entry["key"]: index for index, entry in enumerate(series)}
    for band in bands:
        counts = [0] * len(series)
        for part in band["parts"]:
            counts[order[part["key"]]] = part["incidents"]
        rows.append(
            {
                "sort": (dt.date.fromisoformat(band["since"]), 1),
                "label": f"{band['display']} — date known only to the {band['precision']}",
                "uncertain": True,
                "counts": counts,
                "total": band["incidents"],
                **_tallies(band["parts"]),
                "link": band["link"],
            }
        )
    if payload.get("spans"):  # kind=territory: held periods are drawn as spans, never in the bars
        rows.append(
            {
                "sort": (dt.date.max, 2),
                "label": "Territory held — drawn as spans across the chart, not in the bars",
                "uncertain": True,
                "counts": [0] * len(series),
                "total": len(payload["spans"]),
                "killed": None,  # no casualty figures: shown as –, never as 0
                "wounded": None,
                "link": f"{reverse('activity:list')}?{urlencode({'kind': 'territory'})}",
            }
        )
    rows.sort(key=lambda row: row["sort"])
    return {
        "columns": [entry["label"] for entry in series],
        "rows": rows,
        "totals": {
            "counts": [sum(point["incidents"] for point in entry["points"]) for entry in series],
            # Rows without casualty figures (territory spans) are not part of the sums.
            "killed": sum((row["killed"] for row in rows if row["killed"] is not None), Tally()),
            "wounded": sum((row["wounded"] for row in rows if row["wounded"] is not None), Tally()),
        },
    }


def _tallies(points) -> dict:
    """Killed and wounded of some timeline points as Tallies: unknown figures are counted, not zeros."""
    killed, wounded = Tally(), Tally()
    for point in points:
        killed += Tally(point["killed"], point["killed_unknown"])
        wounded += Tally(point["wounded"], point["wounded_unknown"])
    return {"killed": killed, "wounded": wounded}


def uncertain_bands(payload: dict, params) -> list[dict]:
    """Uncertain entries merged across series: one band per month (or year) with a breakdown."""
    bands: dict[tuple, dict] = {}
    for entry in payload["uncertain"]:
        band = bands.setdefault(
            (entry["since"], entry["precision"]),
            {
                "period": entry["period"],
                "precision": entry["precision"],
                "since": entry["since"],
                "until": entry["until"],
                "first_period": entry["first_period"],
                "last_period": entry["last_period"],
                "display": format_at_precision(dt.date.fromisoformat(entry["since"]), entry["precision"]),
                "incidents": 0,
                "killed": 0,
                "wounded": 0,
                "killed_unknown": 0,
                "wounded_unknown": 0,
                "parts": [],
            },
        )
        for figure in ("incidents", "killed", "wounded", "killed_unknown", "wounded_unknown"):
            band[figure] += entry[figure]
        band["parts"].append(entry)
    for band in bands.values():
        band["figures"] = _tallies(band["parts"])
        band["link"] = incidents_link(
            params, dt.date.fromisoformat(band["since"]), dt.date.fromisoformat(band["until"])
        )
    return list(bands.values())
