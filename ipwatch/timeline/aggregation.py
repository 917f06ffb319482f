"""Incident counts and casualties per period and group, aggregated in the database.

One GROUP BY query per table counted (incidents; with ``kind=`` also the activity records): the
period comes from the stored date in SQL (``PeriodStart``: plain date arithmetic in each database's
own SQL, Django's ``Trunc`` elsewhere) and the sums from ``annotate``; Python only rolls the (few)
grouped rows into series. The number of rows is bounded by periods x groups (plus the uncertain
bands), never by the number of incidents. When the published-attack rollup can answer the filters
(ipwatch.timeline.rollup), ``build_timeline`` reads its cells instead of the incidents, through the
same rows.

Date precision is honoured (see ``place_in_period``): an incident known only to its month is never
put on a week, and one known only to its year is never put on a month or week. Those incidents go
into the ``uncertain`` band of their month (or year) instead, so that
sum(points) + sum(uncertain) == number of incidents matching the filters.
"""

import datetime as dt
from dataclasses import dataclass
from itertools import chain
from operator import add, itemgetter

from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Trunc

from ipwatch.core.choices import DatePrecision, IncidentType
from ipwatch.core.dates import (
    MONTH,
    WEEK,
    YEAR,
    as_date,
    auto_granularity,
    format_at_precision,
    next_period_start,
    period_end,
    period_label,
    period_start,
    week_of_majority,
)
from ipwatch.core.figures import tally_aggregates
from ipwatch.core.models import Milestone, Province

PROVINCE = "province"
TYPE = "type"
KIND = "kind"  # activity kind (attack, media_release…): see ipwatch.activity.timeline
GROUPS = (PROVINCE, TYPE, KIND)

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
    """Where an incident goes: a period of the axis, or an uncertain band."""

    start: dt.date  # first day of the axis period, or of the band
    uncertain: str | None = None  # None, or the band's precision: "month" / "year"


def is_coarser(precision: str, granularity: str) -> bool:
    return _RANK.get(precision, 0) > _RANK[granularity]


def place_in_period(precision: str, date: dt.date, granularity: str) -> Placement:
    """Assign an incident, by its stored date and date precision, to a period at ``granularity``.

    This is the reference rule; ``period_bucket``/``band_precision`` compute the same in SQL.

    - day: the period containing the day.
    - week: at week granularity its week; at month/year granularity the month/year holding most of
      its days (the week's Thursday, as ISO 8601 assigns weeks to years).
    - month: at week granularity the "date uncertain" band of its month; otherwise its month/year.
    - year: at week or month granularity the "date uncertain" band of its year; otherwise its year.
    """
    if is_coarser(precision, granularity):
        return Placement(period_start(date, precision), uncertain=precision)
    if precision == DatePrecision.WEEK and granularity != WEEK:
        return Placement(period_start(week_of_majority(date), granularity))
    return Placement(period_start(date, granularity))


def native_period_start(vendor: str, sql: str, granularity: str) -> str:
    """SQL for the first day of the ISO week (Monday), month or year holding the date ``sql``
    (``PeriodStart``, and the rollup's triggers)."""
    if granularity not in (WEEK, MONTH, YEAR):
        raise ValueError(f"unknown granularity {granularity!r}")
    if vendor == "sqlite":  # dates are 'YYYY-MM-DD' text
        if granularity == WEEK:
            return f"date({sql}, 'weekday 0', '-6 days')"  # next-or-same Sunday, back to Monday
        if granularity == MONTH:
            return f"(substr({sql}, 1, 7) || '-01')"
        return f"(substr({sql}, 1, 4) || '-01-01')"
    if vendor == "postgresql":
        # Literal granularity (validated above); timestamp without time zone: no zone arithmetic.
        return f"(date_trunc('{granularity}', ({sql})::timestamp))::date"
    raise NotImplementedError(f"no native period start for {vendor}")


def native_shift_days(vendor: str, sql: str, days: int) -> str:
    """SQL for ``date + days`` as a date."""
    if vendor == "sqlite":
        return f"date({sql}, '{int(days):+d} days')"
    if vendor == "postgresql":
        return f"(({sql}) + {int(days)})"
    raise NotImplementedError(f"no native date shift for {vendor}")


def native_placement(vendor: str, date: str, precision: str, granularity: str) -> tuple[str, str]:
    """SQL for ``place_in_period(precision, date, granularity)``: (start, band) as ``period_bucket``
    and ``band_precision`` compute them, over raw columns (the rollup's triggers)."""
    coarser = ", ".join(f"'{value}'" for value in _coarser_precisions(granularity))
    start = native_period_start(vendor, date, granularity)
    whens = f"WHEN {precision} IN ({coarser}) THEN {date} " if coarser else ""
    if granularity != WEEK:
        thursday = native_period_start(vendor, native_shift_days(vendor, date, 3), granularity)
        whens += f"WHEN {precision} = '{DatePrecision.WEEK.value}' THEN {thursday} "
    band = f"CASE WHEN {precision} IN ({coarser}) THEN {precision} ELSE '' END" if coarser else "''"
    return f"CASE {whens}ELSE {start} END", band


class NativeDateFunc(Func):
    """A date expression written natively for SQLite and PostgreSQL (``native_sql``, the same SQL
    the rollup's triggers use); other databases use ``as_sql``."""

    output_field = DateField()

    def native_sql(self, vendor: str, sql: str) -> str:
        raise NotImplementedError

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return self.native_sql("sqlite", sql), params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return self.native_sql("postgresql", sql), params


class PeriodStart(NativeDateFunc):
    """First day of the ISO week (Monday), month or year containing a date, in native SQL.

    Django's ``Trunc`` runs a Python function per row on SQLite and goes through ``timestamptz``
    on PostgreSQL; these plain expressions are several times cheaper at 100k rows (see
    docs/benchmarks.md). Other databases fall back to ``Trunc``.
    """

    def __init__(self, expression, granularity: str):
        if granularity not in (WEEK, MONTH, YEAR):
            raise ValueError(f"unknown granularity {granularity!r}")
        self.granularity = granularity
        super().__init__(expression)

    def native_sql(self, vendor: str, sql: str) -> str:
        return native_period_start(vendor, sql, self.granularity)

    def as_sql(self, compiler, connection, **extra_context):
        trunc = Cast(Trunc(self.source_expressions[0], self.granularity, output_field=DateField()), DateField())
        return compiler.compile(trunc.resolve_expression(compiler.query))


class ShiftDays(NativeDateFunc):
    """``date + n days`` as a date, natively (used for the week's Thursday)."""

    def __init__(self, expression, days: int):
        self.days = int(days)
        super().__init__(expression)

    def native_sql(self, vendor: str, sql: str) -> str:
        return native_shift_days(vendor, sql, self.days)

    def as_sql(self, compiler, connection, **extra_context):
        shifted = Cast(
            ExpressionWrapper(
                self.source_expressions[0] + Value(dt.timedelta(days=self.days)), output_field=DateTimeField()
            ),
            DateField(),
        )
        return compiler.compile(shifted.resolve_expression(compiler.query))


def _coarser_precisions(granularity: str) -> list[str]:
    return [precision for precision in (MONTH, YEAR) if is_coarser(precision, granularity)]


def period_bucket(granularity: str):
    """SQL for ``place_in_period(...).start``: the axis period, or the band's start."""
    whens = []
    coarser = _coarser_precisions(granularity)
    if coarser:
        # Stored dates are already the first day of their own period: the band starts there.
        whens.append(When(date_precision__in=coarser, then=F("date")))
    if granularity != WEEK:
        whens.append(When(date_precision=DatePrecision.WEEK, then=PeriodStart(ShiftDays(F("date"), 3), granularity)))
    if not whens:
        return PeriodStart(F("date"), granularity)
    return Case(*whens, default=PeriodStart(F("date"), granularity), output_field=DateField())


def band_precision(granularity: str):
    """SQL for ``place_in_period(...).uncertain``: "month"/"year" for the uncertain band, else ""."""
    coarser = _coarser_precisions(granularity)
    if not coarser:
        return Value("", output_field=CharField())
    return Case(
        When(date_precision__in=coarser, then=F("date_precision")),
        default=Value(""),
        output_field=CharField(),
    )


def grouped_rows(queryset, granularity: str, group_field: str, *, count_synthetic: bool = False):
    """One query: counts and casualty sums per (period or band, group).

    Rows are bounded by periods x groups (plus a few bands), never by the number of incidents.
    """
    # "killed"/"wounded" add the known figures; "*_unknown" count the incidents whose figure is
    # unknown (ipwatch.core.figures: an unknown figure is never summed as zero).
    sums = {"incidents": Count("id")}
    for figure in ("killed", "wounded"):
        aggregates = tally_aggregates(figure, f"{figure}_best")
        sums[figure] = aggregates[f"{figure}_known"]
        sums[f"{figure}_unknown"] = aggregates[f"{figure}_unknown"]
    if count_synthetic:
        sums["synthetic"] = Count("id", filter=Q(is_synthetic=True))
    return (
        queryset.order_by()
        .annotate(bucket=period_bucket(granularity), band=band_precision(granularity))
        .values("bucket", "band", group_field)
        .annotate(**sums)
    )


def fetch_rows(queryset, names: list[str], *, reads_most_rows: bool = False) -> list[tuple]:
    """Run a grouped ``values()`` query and return plain tuples in the order of ``names``.

    The ORM builds and compiles the SQL; only Django's per-value converters are skipped, which for
    ~13k week x province rows cost more than the query itself. Dates come back as ``date`` (or
    ISO text on SQLite: see ``core.dates.as_date``), counts and sums as ``int``.

    ``reads_most_rows``: SQLite has no statistics on ``status`` and walks the (status, date) index
    for "published", fetching each row by id: about twice the cost of reading the table straight
    through when most incidents are published. It is then told not to (``NOT INDEXED``).
    PostgreSQL chooses a sequential scan by itself.
    """
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    columns = [alias for _, _, alias in compiler.select]  # the SELECT list, in order
    order = [columns.index(name) for name in names]
    connection = connections[queryset.db]
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    if reads_most_rows and connection.vendor == "sqlite" and sql.count(f" FROM {table} ") == 1:
        sql = sql.replace(f" FROM {table} ", f" FROM {table} NOT INDEXED ")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return rows if order == list(range(len(columns))) else list(map(itemgetter(*order), rows))


def _province_groups(ids) -> dict:
    """(key, label, colour) per province id, in one small query (cheaper than joining 100k rows)."""
    ids = {pk for pk in ids if pk is not None}
    groups = {None: (NO_PROVINCE_KEY, NO_PROVINCE_LABEL, NO_PROVINCE_COLOR)}
    groups[0] = groups[None]  # the rollup's "no province" (ipwatch.timeline.models.NO_PROVINCE)
    if ids:
        for pk, slug, name, color in Province.objects.filter(pk__in=ids).values_list("pk", "slug", "name", "color"):
            groups[pk] = (slug, name, color or NO_PROVINCE_COLOR)
    return groups


def _type_group(value: str) -> tuple[str, str, str]:
    value = value or IncidentType.OTHER
    try:
        label = IncidentType(value).label
    except ValueError:
        return _kind_group(value)  # another activity kind, counted beside the incident types
    return value, label, TYPE_COLORS.get(value, "#7f7f7f")


def _kind_group(value: str) -> tuple[str, str, str]:
    from ipwatch.activity.choices import KIND_COLORS, ActivityKind

    label = ActivityKind(value).label if value in ActivityKind.values else value
    return value, label, KIND_COLORS.get(value, "#7f7f7f")


GROUP_FIELD = {PROVINCE: "province_id", TYPE: "incident_type", KIND: "kind"}


def _querysets(queryset) -> list:
    """build_timeline takes one queryset, or several (incidents and other activity) counted together."""
    return list(queryset) if isinstance(queryset, list | tuple) else [queryset]


def date_span(queryset) -> tuple[dt.date | None, dt.date | None]:
    spans = [qs.order_by().aggregate(first=Min("date"), last=Max("date")) for qs in _querysets(queryset)]
    firsts = [span["first"] for span in spans if span["first"]]
    lasts = [span["last"] for span in spans if span["last"]]
    return (min(firsts) if firsts else None), (max(lasts) if lasts else None)


def choose_granularity(queryset, since: dt.date | None, until: dt.date | None) -> str:
    """From the requested span when both ends are given, else from the data (one query)."""
    if since and until:
        return auto_granularity(since, until)
    first, last = date_span(queryset)
    return auto_granularity(since or first, until or last)


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
    """The `/api/timeline.json` payload for an already filtered, published-only queryset (or a list of
    them, counted together: incidents and other activity, see ipwatch.activity.timeline).

    ``since``/``until``/``province_slugs`` are the cleaned filter values: they stretch the axis to
    the requested span and choose which milestones apply. ``count_synthetic`` adds how many of the
    incidents are synthetic (the page labels them).
    """
    if granularity is None:
        granularity = choose_granularity(queryset, since, until)

    group_field = GROUP_FIELD[group]
    names = ["bucket", "band", group_field, "incidents", "killed", "wounded", "killed_unknown", "wounded_unknown"]
    if count_synthetic:
        names.append("synthetic")
    # Without a date or province filter the query reads most of the table (see fetch_rows).
    reads_most_rows = not (since or until or province_slugs)
    rows = chain.from_iterable(
        # The published-attack rollup (ipwatch.timeline.rollup) places its cells itself.
        each.timeline_rows(granularity, group_field, count_synthetic=count_synthetic)
        if hasattr(each, "timeline_rows")
        else fetch_rows(
            grouped_rows(each, granularity, group_field, count_synthetic=count_synthetic),
            names,
            reads_most_rows=reads_most_rows,
        )
        for each in _querysets(queryset)
    )
    # At 100k records an unfiltered week answer is ~11,000 points from ~18,000 rows. The rows are
    # summed per (period start, band, group value) as tuples of ints, then written out once, in
    # date order, as the points' dicts: per row a dict look-up and per point one dict, and almost no
    # object the garbage collector keeps tracking (lists and nested containers made it walk the
    # whole heap several times a request). Dates, labels and groups are worked out once per
    # distinct value (see docs/benchmarks.md, "Building the unfiltered answer").
    cells = _sum_rows(rows)
    groups = _groups(group, {value for _, _, value in cells})
    cells = _one_value_per_series(cells, groups)

    point_starts = {start for start, band, _ in cells if not band}
    labels = {start: period_label(start, granularity) for start in point_starts}

    def label_of(start):
        label = labels.get(start)
        if label is None:
            label = labels[start] = period_label(start, granularity)
        return label

    series: dict = {}  # group value -> {"key", "label", "color", "points": [point dicts], "total"}
    band_cells = []  # (start, precision, entry, figures)
    synthetic = 0
    for (start, band, value), figures in sorted(cells.items(), key=_start_of_cell):
        entry = series.get(value)
        if entry is None:
            key, label, color = groups[value]
            entry = series[value] = {"key": key, "label": label, "color": color, "points": [], "total": 0}
        entry["total"] += figures[0]
        if count_synthetic:
            synthetic += figures[5]
        if band:
            band_cells.append((start, band, entry, figures))
            continue
        entry["points"].append(
            {
                "period": labels[start],
                "incidents": figures[0],
                "killed": figures[1],
                "wounded": figures[2],
                "killed_unknown": figures[3],
                "wounded_unknown": figures[4],
            }
        )

    band_ends = {}  # (start, precision) -> last day of the band
    for start, precision, _, _ in band_cells:
        if (start, precision) not in band_ends:
            band_ends[(start, precision)] = period_end(start, precision)
    band_spans = [(start, band_ends[(start, precision)]) for start, precision in band_ends]
    axis = _axis(point_starts, band_spans, since, until, granularity)
    band_fields = {
        (start, precision): {
            "period": period_label(start, precision),
            "precision": precision,
            "since": start.isoformat(),
            "until": end.isoformat(),
            "first_period": label_of(start),
            "last_period": label_of(period_start(end, granularity)),
        }
        for (start, precision), end in band_ends.items()
    }

    ordered = sorted(series.values(), key=lambda s: (-s["total"], s["label"].lower()))
    order = {id(entry): index for index, entry in enumerate(ordered)}
    band_cells.sort(key=lambda cell: (cell[0], -_RANK[cell[1]], order[id(cell[2])]))
    payload = {
        "granularity": granularity,
        "group": group,
        "periods": [
            {
                "period": label_of(start),
                "since": start.isoformat(),
                "until": period_end(start, granularity).isoformat(),
            }
            for start in axis
        ],
        "series": [
            {"key": entry["key"], "label": entry["label"], "color": entry["color"], "points": entry["points"]}
            for entry in ordered
        ],
        "uncertain": [
            _band(band_fields[(start, precision)], entry["key"], entry["label"], figures)
            for start, precision, entry, figures in band_cells
        ],
        "milestones": milestones_for(axis, granularity, since, until, province_slugs),
        "total": sum(entry["total"] for entry in ordered),
    }
    if count_synthetic:
        payload["synthetic"] = synthetic  # generated test data is always labelled on the pages
    return payload


def _sum_rows(rows) -> dict:
    """{(period or band start, band, group value): (incidents, killed, wounded, killed_unknown,
    wounded_unknown[, synthetic])}, the rows' figures added up where several rows share a key (the
    rollup's cells of one period on SQLite, or attacks and other activity counted together)."""
    sums: dict = {}
    dates: dict = {}  # raw bucket (a date, or ISO text on SQLite) -> date
    for row in rows:
        start = dates.get(row[0])
        if start is None:
            start = dates[row[0]] = as_date(row[0])
        key = (start, row[1], row[2])
        figures = row[3:]
        known = sums.get(key)
        sums[key] = figures if known is None else tuple(map(add, known, figures))
    return sums


def _start_of_cell(item) -> dt.date:
    return item[0][0]


def _groups(group: str, values: set) -> dict:
    """(series key, label, colour) per group value."""
    if group == PROVINCE:
        return _province_groups(values)
    describe = _kind_group if group == KIND else _type_group
    return {value: describe(value) for value in values}


def _one_value_per_series(cells: dict, groups: dict) -> dict:
    """Cells re-keyed so that the group values of one series (no province: NULL from the incidents
    table, 0 from the rollup; no type: NULL or "") become one value, their figures added up."""
    first_value = {}
    for value in {value for _, _, value in cells}:
        first_value.setdefault(groups[value][0], value)
    if len(first_value) == len({value for _, _, value in cells}):
        return cells
    merged: dict = {}
    for (start, band, value), figures in cells.items():
        key = (start, band, first_value[groups[value][0]])
        known = merged.get(key)
        merged[key] = figures if known is None else tuple(map(add, known, figures))
    return merged


def _band(fields: dict, key: str, label: str, figures: tuple) -> dict:
    """One "date uncertain" band, its keys in the documented order."""
    n, killed, wounded, killed_unknown, wounded_unknown = figures[:5]
    return {
        "period": fields["period"],
        "precision": fields["precision"],
        "key": key,
        "label": label,
        "incidents": n,
        "killed": killed,
        "wounded": wounded,
        "killed_unknown": killed_unknown,
        "wounded_unknown": wounded_unknown,
        "since": fields["since"],
        "until": fields["until"],
        "first_period": fields["first_period"],
        "last_period": fields["last_period"],
    }


def _axis(point_starts, band_spans, since, until, granularity) -> list[dt.date]:
    """The continuous list of period starts shown on the x axis.

    It covers every point; the requested since/until when given (a band reaching past them is cut
    at the edge: the chart draws it to the end of the axis); otherwise the bands too. Beyond
    MAX_AXIS_PERIODS it shrinks to the data (a week axis from since=1900-01-01 would be absurd).
    """
    data_first = min([*point_starts, *(start for start, _ in band_spans)], default=None)
    data_last = max([*point_starts, *(end for _, end in band_spans)], default=None)
    first = min([since, *point_starts]) if since else data_first
    last = max([until, *point_starts]) if until else data_last
    if first is None or last is None:
        return []
    starts = _period_starts(first, last, granularity)
    if len(starts) > MAX_AXIS_PERIODS and data_first is not None:
        starts = _period_starts(data_first, data_last, granularity)
    return starts


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
