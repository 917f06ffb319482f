"""Incident counts and casualties per period and group, aggregated in the database.

One GROUP BY query per series set: the period comes from truncating the incident date in SQL
(``PeriodStart``, a native ``Trunc``) and the sums from ``annotate``; Python only rolls the (few)
grouped rows into series. The number of rows is bounded by periods x groups x date precisions,
never by the number of incidents.

Date precision is honoured (see ``place_in_period``): an incident known only to its month is never
put on a week, and one known only to its year is never put on a month or week. Those incidents go
into the ``uncertain`` band of their month (or year) instead, so that
sum(points) + sum(uncertain) == number of incidents matching the filters.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, DateField, F, Func, IntegerField, Max, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Trunc

from ipwatch.core.choices import DatePrecision, IncidentType
from ipwatch.core.dates import format_at_precision
from ipwatch.core.models import Milestone, Province

from .periods import (
    MONTH,
    WEEK,
    YEAR,
    auto_granularity,
    next_period_start,
    period_end,
    period_label,
    period_start,
    week_of_majority,
)

PROVINCE = "province"
TYPE = "type"
GROUPS = (PROVINCE, TYPE)

NO_PROVINCE_KEY = "_none"
NO_PROVINCE_LABEL = "No province recorded"
NO_PROVINCE_COLOR = "#9e9e9e"

# Colours for incident types (provinces bring their own colour). Colour-blind-safe-ish palette.
TYPE_COLORS = {
    IncidentType.RAID: "#1f77b4",
    IncidentType.BOMBING: "#d62728",
    IncidentType.SUICIDE_ATTACK: "#8c1c13",
    IncidentType.AMBUSH: "#ff7f0e",
    IncidentType.ASSASSINATION: "#9467bd",
    IncidentType.EXECUTION: "#4a2b5e",
    IncidentType.KIDNAPPING: "#2ca02c",
    IncidentType.INDIRECT_FIRE: "#8c564b",
    IncidentType.ARSON_SABOTAGE: "#e6ab02",
    IncidentType.OTHER: "#7f7f7f",
}

# Beyond this many periods the axis is not stretched to the requested since/until (a week axis
# for "since=1900-01-01" would be thousands of empty bars); it then covers the data only.
MAX_AXIS_PERIODS = 1200

# Precision rank: coarser precisions have higher rank.
_RANK = {DatePrecision.DAY: 0, WEEK: 1, MONTH: 2, YEAR: 3}


@dataclass(frozen=True)
class Placement:
    """Where one grouped row goes: a period of the axis, or an uncertain band."""

    start: dt.date  # first day of the axis period, or of the band
    uncertain: str | None = None  # None, or the band's precision: "month" / "year"


def place_in_period(precision: str, bucket: dt.date, exact: dt.date | None, granularity: str) -> Placement:
    """Assign an incident (by its date precision) to a period at ``granularity``.

    ``bucket`` is the date truncated to the granularity in the database; ``exact`` is the stored
    date (first day of its own period) for incidents less precise than a day.

    - day: the period containing the day.
    - week: at week granularity its week; at month/year granularity the month/year holding most of
      its days (the week's Thursday, as ISO 8601 assigns weeks to years).
    - month: at week granularity the "date uncertain" band of its month; otherwise its month/year.
    - year: at week or month granularity the "date uncertain" band of its year; otherwise its year.
    """
    if precision == DatePrecision.WEEK and exact is not None:
        if granularity == WEEK:
            return Placement(period_start(exact, WEEK))
        return Placement(period_start(week_of_majority(exact), granularity))
    if precision in (DatePrecision.MONTH, DatePrecision.YEAR) and exact is not None:
        if _RANK[precision] > _RANK[granularity]:
            return Placement(period_start(exact, precision), uncertain=precision)
        return Placement(period_start(exact, granularity))
    return Placement(bucket)


def _as_date(value) -> dt.date | None:
    # Trunc of a date may come back as a datetime on some backends.
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def exact_date_unless_day():
    """The stored date for incidents less precise than a day, else NULL.

    Grouping by it as well as by the truncated date keeps a month-precision incident's month (a
    week bucket would lose it) while adding few groups: such dates are already period starts.
    """
    return Case(
        When(~Q(date_precision=DatePrecision.DAY), then=F("date")),
        default=Value(None, output_field=DateField()),
        output_field=DateField(),
    )


class PeriodStart(Func):
    """First day of the ISO week (Monday), month or year containing a date, in native SQL.

    Django's ``Trunc`` runs a Python function per row on SQLite and goes through ``timestamptz``
    on PostgreSQL; these plain expressions are several times cheaper at 100k rows (see
    docs/benchmarks.md). Other databases fall back to ``Trunc``.
    """

    output_field = DateField()

    def __init__(self, expression, granularity: str):
        if granularity not in (WEEK, MONTH, YEAR):
            raise ValueError(f"unknown granularity {granularity!r}")
        self.granularity = granularity
        super().__init__(expression)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        # SQLite stores dates as 'YYYY-MM-DD' text.
        if self.granularity == WEEK:
            return f"date({sql}, 'weekday 0', '-6 days')", params  # next-or-same Sunday, back to Monday
        if self.granularity == MONTH:
            return f"(substr({sql}, 1, 7) || '-01')", params
        return f"(substr({sql}, 1, 4) || '-01-01')", params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        # Literal granularity (validated above); timestamp without time zone: no zone arithmetic.
        return f"(date_trunc('{self.granularity}', ({sql})::timestamp))::date", params

    def as_sql(self, compiler, connection, **extra_context):
        trunc = Trunc(self.source_expressions[0], self.granularity, output_field=DateField())
        return trunc.resolve_expression(compiler.query).as_sql(compiler, connection)


def grouped_rows(queryset, granularity: str, group_field: str, *, count_synthetic: bool = False):
    """One query: counts and casualty sums per (period, date precision, group)."""
    sums = {
        "incidents": Count("id"),
        "killed": Coalesce(Sum("killed_best"), Value(0), output_field=IntegerField()),
        "wounded": Coalesce(Sum("wounded_best"), Value(0), output_field=IntegerField()),
    }
    if count_synthetic:
        sums["synthetic"] = Count("id", filter=Q(is_synthetic=True))
    return (
        queryset.order_by()
        .annotate(bucket=PeriodStart("date", granularity), exact=exact_date_unless_day())
        .values("bucket", "exact", "date_precision", group_field)
        .annotate(**sums)
    )


def _province_groups(rows) -> dict:
    """(key, label, colour) per province id, in one small query (cheaper than joining 100k rows)."""
    ids = {row["province_id"] for row in rows if row["province_id"] is not None}
    groups = {None: (NO_PROVINCE_KEY, NO_PROVINCE_LABEL, NO_PROVINCE_COLOR)}
    if ids:
        for pk, slug, name, color in Province.objects.filter(pk__in=ids).values_list("pk", "slug", "name", "color"):
            groups[pk] = (slug, name, color or NO_PROVINCE_COLOR)
    return groups


def _type_group(value: str) -> tuple[str, str, str]:
    value = value or IncidentType.OTHER
    try:
        label = IncidentType(value).label
    except ValueError:
        label = value
    return value, label, TYPE_COLORS.get(value, "#7f7f7f")


GROUP_FIELD = {PROVINCE: "province_id", TYPE: "incident_type"}


def date_span(queryset) -> tuple[dt.date | None, dt.date | None]:
    span = queryset.order_by().aggregate(first=Min("date"), last=Max("date"))
    return span["first"], span["last"]


def choose_granularity(queryset, since: dt.date | None, until: dt.date | None) -> str:
    """From the requested span when both ends are given, else from the data (one query)."""
    if since and until:
        return auto_granularity(since, until)
    first, last = date_span(queryset)
    return auto_granularity(since or first, until or last)


def _empty_figures() -> dict:
    return {"incidents": 0, "killed": 0, "wounded": 0}


def _add(target: dict, row: dict) -> None:
    target["incidents"] += row["incidents"]
    target["killed"] += row["killed"]
    target["wounded"] += row["wounded"]


def build_timeline(
    queryset,
    *,
    granularity: str | None,
    group: str,
    since: dt.date | None = None,
    until: dt.date | None = None,
    province_slugs: list[str] | None = None,
    count_synthetic: bool = False,
) -> dict:
    """The `/api/timeline.json` payload for an already filtered, published-only queryset.

    ``since``/``until``/``province_slugs`` are the cleaned filter values: they stretch the axis to
    the requested span and choose which milestones apply. ``count_synthetic`` adds how many of the
    incidents are synthetic (the page labels them).
    """
    if granularity is None:
        granularity = choose_granularity(queryset, since, until)

    series: dict[str, dict] = {}
    uncertain: dict[tuple, dict] = {}
    extent_first = extent_last = None
    synthetic = 0

    rows = list(grouped_rows(queryset, granularity, GROUP_FIELD[group], count_synthetic=count_synthetic))
    provinces = _province_groups(rows) if group == PROVINCE else {}
    for row in rows:
        key, label, color = provinces[row["province_id"]] if group == PROVINCE else _type_group(row["incident_type"])
        placement = place_in_period(
            row["date_precision"], _as_date(row["bucket"]), _as_date(row["exact"]), granularity
        )
        entry = series.setdefault(key, {"key": key, "label": label, "color": color, "points": {}, "total": 0})
        entry["total"] += row["incidents"]
        synthetic += row.get("synthetic", 0)
        if placement.uncertain:
            band_end = period_end(placement.start, placement.uncertain)
            band = uncertain.setdefault(
                (placement.start, placement.uncertain, key),
                {
                    "key": key,
                    "label": label,
                    "precision": placement.uncertain,
                    "start": placement.start,
                    "end": band_end,
                    **_empty_figures(),
                },
            )
            _add(band, row)
            first, last = placement.start, band_end
        else:
            point = entry["points"].setdefault(placement.start, _empty_figures())
            _add(point, row)
            first = last = placement.start
        extent_first = first if extent_first is None or first < extent_first else extent_first
        extent_last = last if extent_last is None or last > extent_last else extent_last

    axis = _axis(extent_first, extent_last, since, until, granularity)

    ordered = sorted(series.values(), key=lambda s: (-s["total"], s["label"].lower()))
    payload_series = [
        {
            "key": entry["key"],
            "label": entry["label"],
            "color": entry["color"],
            "points": [
                {"period": period_label(start, granularity), **figures}
                for start, figures in sorted(entry["points"].items())
            ],
        }
        for entry in ordered
    ]
    order = {entry["key"]: index for index, entry in enumerate(ordered)}
    payload_uncertain = [
        {
            "period": period_label(band["start"], band["precision"]),
            "precision": band["precision"],
            "key": band["key"],
            "label": band["label"],
            "incidents": band["incidents"],
            "killed": band["killed"],
            "wounded": band["wounded"],
            "since": band["start"].isoformat(),
            "until": band["end"].isoformat(),
            "first_period": period_label(band["start"], granularity),
            "last_period": period_label(band["end"], granularity),
        }
        for band in sorted(uncertain.values(), key=lambda b: (b["start"], -_RANK[b["precision"]], order[b["key"]]))
    ]
    payload = {
        "granularity": granularity,
        "group": group,
        "periods": [
            {
                "period": period_label(start, granularity),
                "since": start.isoformat(),
                "until": period_end(start, granularity).isoformat(),
            }
            for start in axis
        ],
        "series": payload_series,
        "uncertain": payload_uncertain,
        "milestones": milestones_for(axis, granularity, since, until, province_slugs),
        "total": sum(entry["total"] for entry in ordered),
    }
    if count_synthetic:
        payload["synthetic"] = synthetic  # generated test data is always labelled on the pages
    return payload


def _axis(first, last, since, until, granularity) -> list[dt.date]:
    """Period starts from the first to the last period, stretched to since/until when sensible."""
    wanted_first = since if since and (first is None or since < first) else first
    wanted_last = until if until and (last is None or until > last) else last
    if wanted_first and wanted_last:
        starts = _period_starts(wanted_first, wanted_last, granularity)
        if len(starts) <= MAX_AXIS_PERIODS:
            return starts
    if first is None or last is None:
        return []
    return _period_starts(first, last, granularity)


def _period_starts(first: dt.date, last: dt.date, granularity: str) -> list[dt.date]:
    starts = []
    current = period_start(first, granularity)
    while current <= last:
        starts.append(current)
        current = next_period_start(current, granularity)
    return starts


def milestones_for(axis, granularity, since, until, province_slugs) -> list[dict]:
    """Milestones within the axis (or the requested span), global ones and the filtered provinces'."""
    queryset = Milestone.objects.select_related("province").order_by("date", "id")
    first = since or (axis[0] if axis else None)
    last = until or (period_end(axis[-1], granularity) if axis else None)
    if first is None or last is None:
        return []
    queryset = queryset.filter(date__gte=first, date__lte=last)
    if province_slugs:
        queryset = queryset.filter(Q(province__isnull=True) | Q(province__slug__in=province_slugs))
    return [
        {
            "date": milestone.date.isoformat(),
            "date_precision": milestone.date_precision,
            "date_display": format_at_precision(milestone.date, milestone.date_precision),
            "period": period_label(milestone.date, granularity),
            # A milestone known only to its month (year) spans several weeks (months): drawn as a span.
            "first_period": period_label(milestone.date, granularity),
            "last_period": period_label(period_end(milestone.date, milestone.date_precision), granularity)
            if _RANK.get(milestone.date_precision, 0) > _RANK[granularity]
            else period_label(milestone.date, granularity),
            "title": milestone.title,
            "description": milestone.description,
            "province": milestone.province.slug if milestone.province_id else None,
        }
        for milestone in queryset
    ]
