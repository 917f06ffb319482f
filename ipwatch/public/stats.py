"""Activity figures for the public pages: counts per window, change vs the previous window,
per-province activity index. Each function is a fixed number of queries whatever the data size.

One definition of activity for every page: windows end on the "data as of" date (``ipwatch.core.asof``,
the latest published incident), and a province is *active* when its latest published incident is at
most DORMANT_AFTER_DAYS before that date, *dormant* otherwise (or when it has none)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from ipwatch.core import asof
from ipwatch.core.choices import DatePrecision
from ipwatch.core.dates import MONTH, as_date, next_month_start, period_end
from ipwatch.core.figures import Tally, tally_aggregates
from ipwatch.core.models import Incident, Province
from ipwatch.core.querysets import published_through
from ipwatch.timeline import rollup
from ipwatch.timeline.aggregation import period_bucket

WINDOWS = (30, 90, 365)
DORMANT_AFTER_DAYS = 180  # a province with no published incident for this long is shown as dormant


def today() -> dt.date:
    return timezone.localdate()


def reference_date(request=None) -> dt.date:
    """The date activity is measured to: the data's as-of date (today for an empty database)."""
    return asof.reference_date(asof.for_request(request))


@dataclass
class WindowFigure:
    days: int
    count: int
    previous: int
    killed: Tally = field(default_factory=Tally)

    @property
    def change(self) -> int | None:
        """Percentage change vs the previous window of the same length; None when undefined."""
        if self.previous == 0:
            return None
        return round((self.count - self.previous) * 100 / self.previous)

    @property
    def trend(self) -> str:
        if self.count == self.previous:
            return "flat"
        return "up" if self.count > self.previous else "down"

    @property
    def change_compact(self) -> str:
        """For dense tables: nothing when both windows are empty."""
        return "" if self.count == 0 and self.previous == 0 else self.change_display

    @property
    def change_display(self) -> str:
        if self.previous == 0:
            return "new" if self.count else "no change"
        change = self.change
        if change == 0:
            return "no change"
        return f"{change:+d}%"


def _window_bounds(days: int, on: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(previous window start, current window start, end): current = (start, on], previous before it."""
    current_start = on - dt.timedelta(days=days)
    previous_start = current_start - dt.timedelta(days=days)
    return previous_start, current_start, on


def window_figures(queryset, on: dt.date | None = None) -> tuple[list[WindowFigure], dict]:
    """Counts in the last 30/90/365 days and the windows before, plus totals: one query."""
    on = on or today()
    aggregates = {
        "total": Count("id"),
        "synthetic_total": Count("id", filter=Q(is_synthetic=True)),
        **tally_aggregates("killed", "killed_best"),
        **tally_aggregates("wounded", "wounded_best"),
        "kidnapped_total": Sum("kidnapped"),
        "last_date": Max("date"),
        "last_published": Max("published_at"),
        "last_updated": Max("updated_at"),
    }
    for days in WINDOWS:
        previous_start, current_start, end = _window_bounds(days, on)
        in_current = Q(date__gt=current_start, date__lte=end)
        aggregates[f"c{days}"] = Count("id", filter=in_current)
        aggregates[f"p{days}"] = Count("id", filter=Q(date__gt=previous_start, date__lte=current_start))
        aggregates.update(tally_aggregates(f"k{days}", "killed_best", in_current))
    row = queryset.aggregate(**aggregates)
    windows = [
        WindowFigure(
            days=days, count=row[f"c{days}"], previous=row[f"p{days}"], killed=Tally.from_row(row, f"k{days}")
        )
        for days in WINDOWS
    ]
    totals = {key: row[key] for key in aggregates if not key[1:].split("_")[0].isdigit()}
    # Unknown is not zero: a total over incidents with unknown figures says how many were unknown.
    totals["killed_total"] = Tally.from_row(row, "killed")
    totals["wounded_total"] = Tally.from_row(row, "wounded")
    return windows, totals


def _window_ranges(on: dt.date) -> dict:
    """The windows as inclusive day ranges: c30 = (on - 30 days, on], p30 the 30 days before…"""
    ranges = {}
    for days in WINDOWS:
        previous_start, current_start, end = _window_bounds(days, on)
        ranges[f"c{days}"] = (current_start + dt.timedelta(days=1), end)
        ranges[f"p{days}"] = (previous_start + dt.timedelta(days=1), current_start)
    return ranges


def overview_figures(on: dt.date | None = None) -> tuple[list[WindowFigure], dict, list]:
    """(windows, totals, provinces) as ``window_figures`` over every published incident and
    ``provinces_with_activity`` give them; from the rollup (ipwatch.timeline.rollup) when it is on:
    the same answer in three small queries, without reading the incidents table."""
    on = on or today()
    if not rollup.enabled():
        windows, totals = window_figures(Incident.objects.published(), on)
        return windows, totals, provinces_with_activity(on)
    summaries = rollup.province_summaries(moments=True)
    sums = rollup.range_sums(_window_ranges(on))
    overall: dict = {}
    for (name, _), figures in sums.items():  # every province, and none, together
        overall[name] = [a + b for a, b in zip(overall.get(name, [0, 0, 0]), figures, strict=True)]
    windows = [
        WindowFigure(
            days=days,
            count=overall.get(f"c{days}", [0])[0],
            previous=overall.get(f"p{days}", [0])[0],
            killed=Tally(*overall.get(f"c{days}", [0, 0, 0])[1:]),
        )
        for days in WINDOWS
    ]
    cells = {name: sum(row[name] for row in summaries.values()) for name in rollup.MEASURES}
    moments = next(iter(summaries.values()), {})
    known_kidnapped = cells["records"] - cells["kidnapped_unknown"]
    totals = {
        "total": cells["records"],
        "synthetic_total": cells["synthetic"],
        "killed_known": cells["killed_known"],
        "killed_unknown": cells["killed_unknown"],
        "wounded_known": cells["wounded_known"],
        "wounded_unknown": cells["wounded_unknown"],
        # As Sum("kidnapped"): None when no incident has the figure.
        "kidnapped_total": cells["kidnapped_known"] if known_kidnapped else None,
        "last_date": moments.get("all_last_date"),
        "last_published": moments.get("last_published"),
        "last_updated": moments.get("last_updated"),
        "killed_total": Tally(cells["killed_known"], cells["killed_unknown"]),
        "wounded_total": Tally(cells["wounded_known"], cells["wounded_unknown"]),
    }
    provinces = _decorated(
        list(rollup.with_last_incident_on(Province.objects.select_related("merged_into"))), on, summaries, sums
    )
    return windows, totals, provinces


def provinces_with_activity(on: dt.date | None = None, queryset=None):
    """Provinces annotated with published-incident counts per window, previous windows, last date.
    One query. Adds Python attributes: windows (list[WindowFigure]), days_since, dormant."""
    on = on or today()
    if rollup.enabled() and queryset is None:
        # Every province (the list): from the rollup. One province (its page): the base query probes
        # the (province, status, date) index and measured faster than the rollup's three queries.
        return _provinces_from_rollup(on, Province.objects.all())
    queryset = queryset if queryset is not None else Province.objects.all()
    published = published_through("incidents")
    annotations = {
        "incident_total": Count("incidents", filter=published),
        "last_incident_on": Max("incidents__date", filter=published),
    }
    for days in WINDOWS:
        previous_start, current_start, end = _window_bounds(days, on)
        annotations[f"c{days}"] = Count(
            "incidents", filter=published & Q(incidents__date__gt=current_start, incidents__date__lte=end)
        )
        annotations[f"p{days}"] = Count(
            "incidents",
            filter=published & Q(incidents__date__gt=previous_start, incidents__date__lte=current_start),
        )
    provinces = list(queryset.annotate(**annotations).select_related("merged_into"))
    for province in provinces:
        decorate_activity(province, on)
    return provinces


def _provinces_from_rollup(on: dt.date, queryset) -> list:
    """``provinces_with_activity`` from the rollup: the same attributes, three small queries."""
    provinces = list(rollup.with_last_incident_on(queryset.select_related("merged_into")))
    ids = [province.pk for province in provinces]
    return _decorated(
        provinces, on, rollup.province_summaries(ids), rollup.range_sums(_window_ranges(on), province_ids=ids)
    )


def _decorated(provinces: list, on: dt.date, summaries: dict, sums: dict) -> list:
    for province in provinces:
        summary = summaries.get(province.pk)
        province.incident_total = summary["records"] if summary else 0
        for days in WINDOWS:
            for prefix in ("c", "p"):
                setattr(province, f"{prefix}{days}", sums.get((f"{prefix}{days}", province.pk), [0])[0])
        decorate_activity(province, on)
    return provinces


def decorate_activity(province, on: dt.date) -> None:
    province.windows = [
        WindowFigure(days=days, count=getattr(province, f"c{days}"), previous=getattr(province, f"p{days}"))
        for days in WINDOWS
    ]
    if province.last_incident_on:
        province.days_since = max((on - province.last_incident_on).days, 0)
        province.dormant = province.days_since > DORMANT_AFTER_DAYS
    else:
        province.days_since = None
        province.dormant = True
    province.active = not province.dormant


def active_count(provinces) -> int:
    """Provinces active by the one definition above (the overview's card uses it, as the tables do)."""
    return sum(1 for province in provinces if province.active)


def most_active(provinces, limit: int = 6):
    """Rank by the last year, then all time; provinces with no published incident are left out."""
    ranked = sorted(
        (p for p in provinces if p.incident_total),
        key=lambda p: (-p.c365, -p.incident_total, p.name),
    )
    return ranked[:limit]


def monthly_counts(queryset, first_month: dt.date, last_month: dt.date) -> dict[dt.date, int]:
    """{first day of month: incidents} between two months inclusive: one query, reading only the
    rows of the charted span (month truncation is a Python function on SQLite: keep it to few rows)."""
    # As on the timeline: a week counts in the month holding its Thursday, and an incident known
    # only to the year is never put in a month (the chart caption says so).
    rows = (
        queryset.between(first_month, period_end(last_month, MONTH))
        .exclude(date_precision=DatePrecision.YEAR)
        .order_by()
        .annotate(month=period_bucket(MONTH))
        .values("month")
        .annotate(n=Count("id"))
    )
    return {as_date(row["month"]): row["n"] for row in rows}


def published_monthly_counts(first_month: dt.date, last_month: dt.date, province=None) -> dict[dt.date, int]:
    """``monthly_counts`` of the published incidents, from the rollup when it is on; of one province,
    from the (province, status, date) index (measured as fast)."""
    if rollup.enabled() and province is None:
        return rollup.monthly_counts(
            first_month, next_month_start(last_month), province_id=province.pk if province is not None else None
        )
    published = Incident.objects.published()
    if province is not None:
        published = published.filter(province=province)
    return monthly_counts(published, first_month, last_month)
