"""The published-attack rollup: how it is kept exact, rebuilt, checked and read.

``PublishedRollup`` holds, per cell (piece, date precision, province, kind), how many *published*
incidents fall in it, how many of them are claimed by the group, and the sums of their figures with
the count of unknown ones (``figures.Tally``: unknown is never zero). Drafts, incidents in review,
retracted and merged ones are never counted.

Exact by construction: database triggers on ``core_incident`` (one set for SQLite, one for
PostgreSQL) subtract a row's old contribution and add its new one on every INSERT, UPDATE and
DELETE, inside the statement that changes the row, so inside its transaction. Every writer is
covered without a hook of its own: ``Incident.save`` and the workflow's transitions, merges,
``bulk_create`` (imports, synthetic data), ``QuerySet.update`` (the importer's bulk update, sync
runs), deletes and raw SQL. A rollback undoes the rollup's change with the row's. No nightly job.

Why pieces and not days, and why no type or claim status in the key: at 100k incidents over a dozen
years nearly every (day, province, type, claim status) is its own cell, so such a rollup is as big
as the table (74,605 cells for 82,780 published incidents, measured; 18,302 cells with this key). A *piece* is the part
of an ISO week inside one calendar month (at most 7 days); weeks, months and years are unions of
pieces, so the timeline's week/month/year buckets and their date-precision rules
(``aggregation.period_bucket``) apply to the piece start unchanged. A date range that starts or
ends inside a piece is answered by the rollup for the whole pieces and by the incidents table for
the few days at either edge (``split_range``).

``PeriodRollup`` holds the same sums per timeline point: per (week or month, start, band, province,
kind), where ``aggregation.place_in_period`` puts an incident (its period, or the "date uncertain"
band of its month or year), so a week or month answer without ``since``/``until`` reads one row per
point. The same triggers keep it (the placement written in SQL for both databases,
``aggregation.native_placement``).

``manage.py rebuild_rollup`` installs the triggers and rebuilds both tables (``rebuild``);
``--check`` compares them with a fresh aggregation (``differences``). The migrations that create the
tables do the same, and a ``post_migrate`` handler (``ensure_installed``) puts back triggers a SQLite
table rebuild dropped.

Filters the rollup cannot answer use the incidents table, as before: country, q, bbox and id (they
need the place or the text), type and claimed (dimensions kept out of the key), and group=type.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router
from django.db.models import Q

from ipwatch.core.choices import ClaimStatus, IncidentStatus
from ipwatch.core.dates import as_date

TABLE = "timeline_publishedrollup"
SOURCE = "core_incident"
KIND = "attack"
KEY = ("date", "date_precision", "province_id", "kind")
# The per-point table: each incident also counts once per week and once per month, where the
# timeline puts it (its period, or the "date uncertain" band of its month or year).
PERIOD_TABLE = "timeline_periodrollup"
PERIOD_KEY = ("granularity", "start", "band", "province_id", "kind")
PERIOD_GRANULARITIES = ("week", "month")
# What a timeline row reads of a cell, in aggregation.fetch_rows' order (incidents, killed, wounded,
# killed_unknown, wounded_unknown).
TIMELINE_MEASURES = ("records", "killed_known", "wounded_known", "killed_unknown", "wounded_unknown")
MEASURES = (
    "records",
    "synthetic",
    "claimed",
    "claimed_synthetic",
    "killed_known",
    "killed_unknown",
    "wounded_known",
    "wounded_unknown",
    "kidnapped_known",
    "kidnapped_unknown",
)
# The incident columns the rollup depends on: an UPDATE touching none of them leaves it alone.
WATCHED = (
    "status",
    "date",
    "date_precision",
    "province_id",
    "claim_status",
    "is_synthetic",
    "killed_best",
    "wounded_best",
    "kidnapped",
)
TRIGGERS = ("timeline_rollup_insert", "timeline_rollup_update", "timeline_rollup_delete")
FUNCTION = "timeline_rollup_incident"
PUBLISHED = IncidentStatus.PUBLISHED.value
# Filters of the shared filter set the rollup cannot answer: they need the place, the text, or a
# dimension kept out of the cells to keep them few (type, claim status: see the module docstring).
UNANSWERABLE = ("country", "q", "bbox", "id", "type", "claimed")


# Pieces --------------------------------------------------------------------------------------


def piece_start(day: dt.date) -> dt.date:
    """First day of the part of ``day``'s ISO week that lies in ``day``'s month."""
    return max(day - dt.timedelta(days=day.weekday()), day.replace(day=1))


def next_piece_start(day: dt.date) -> dt.date:
    week_after = day - dt.timedelta(days=day.weekday()) + dt.timedelta(days=7)
    month_after = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return min(week_after, month_after)


@dataclass(frozen=True)
class Split:
    """[since, until] as whole pieces (``first``…``last`` piece starts, inclusive; None when there is
    no whole piece) plus the edge ranges the incidents table answers."""

    first: dt.date | None
    last: dt.date | None
    edges: tuple  # ((since, until), …) inclusive day ranges outside the whole pieces


def split_range(since: dt.date | None, until: dt.date | None) -> Split:
    first = since if since is None or piece_start(since) == since else next_piece_start(since)
    last_piece = None if until is None else piece_start(until)
    if until is not None and next_piece_start(until) - dt.timedelta(days=1) != until:
        last = last_piece - dt.timedelta(days=1)  # the piece holding `until` is partial
        upper_edge = (max(last_piece, since) if since else last_piece, until)
    else:
        last, upper_edge = until, None
    lower_edge = None
    if since is not None and first != since:
        lower_edge = (since, min(first - dt.timedelta(days=1), until) if until else first - dt.timedelta(days=1))
    if first is not None and last is not None and first > last:
        # The range lies inside one or two pieces: the incidents table answers it all.
        return Split(None, None, ((since, until),))
    edges = tuple(edge for edge in (lower_edge, upper_edge) if edge is not None)
    return Split(first, last, edges)


# Reading -------------------------------------------------------------------------------------


class CellQuerySet(models.QuerySet):
    def matching(self, cleaned: dict):
        """Cells for the shared filters' cleaned values (the province; dates apart: ``within``)."""
        provinces = cleaned.get("province") or []
        if provinces:
            return self.filter(province_id__in=[province.pk for province in provinces])
        return self


class PeriodRollupQuerySet(CellQuerySet):
    def timeline_rows(self, granularity: str, group_field: str, *, count_synthetic: bool = False) -> list[tuple]:
        """Rows as ``aggregation.fetch_rows`` gives them, one per point or band: (start, band, group,
        incidents, killed, wounded, killed_unknown, wounded_unknown[, synthetic])."""
        names = (*TIMELINE_MEASURES, "synthetic") if count_synthetic else TIMELINE_MEASURES
        from django.db.models import CharField
        from django.db.models.functions import Cast

        start = "start"
        if connections[self.db].vendor == "sqlite":
            # As text: SQLite's date converter would parse the ~13,000 dates of a week answer one by
            # one; the caller parses each distinct one once.
            start = Cast("start", CharField())
        cells = self.filter(granularity=granularity).order_by()
        return _raw(cells.values_list(start, "band", group_field, *names))


class RollupQuerySet(CellQuerySet):
    def within(self, split: Split):
        if split.first is None and split.last is None and split.edges:
            return self.none()
        queryset = self
        if split.first is not None:
            queryset = queryset.filter(date__gte=split.first)
        if split.last is not None:
            queryset = queryset.filter(date__lte=split.last)
        return queryset

    def timeline_rows(self, granularity: str, group_field: str, *, count_synthetic: bool = False) -> list[tuple]:
        """Rows as ``aggregation.fetch_rows`` gives them for incidents: (bucket, band, group, incidents,
        killed, wounded, killed_unknown, wounded_unknown[, synthetic])."""
        names = (*TIMELINE_MEASURES, "synthetic") if count_synthetic else TIMELINE_MEASURES
        return self.placed(granularity, group_field, names)

    def placed(self, granularity: str, group_field: str, names: tuple[str, ...]) -> list[tuple]:
        """(bucket, band, group, *sums of ``names``) per period (or date-uncertain band) and group.

        PostgreSQL groups the cells in SQL with the timeline's own bucket expressions
        (``aggregation.period_bucket``). SQLite computes those dates with a function call per row,
        slower than reading the cells as they are and placing them in Python by the reference rule
        (``aggregation.place_in_period``), once per distinct (piece, precision); cells sharing a
        period and group are then added up by the caller as it reads the rows.
        """
        from django.db.models import CharField, Sum
        from django.db.models.functions import Cast

        from .aggregation import band_precision, fetch_rows, period_bucket, place_in_period

        if self.query.is_empty():  # .none(): the whole range lies at the edges
            return []
        if connections[self.db].vendor == "postgresql":
            grouped = (
                self.order_by()
                .annotate(bucket=period_bucket(granularity), band=band_precision(granularity))
                .values("bucket", "band", group_field)
                .annotate(**{f"sum_{name}": Sum(name) for name in names})
            )
            return fetch_rows(grouped, ["bucket", "band", group_field, *(f"sum_{name}" for name in names)])
        # The date as text: SQLite's date converter would parse each of ~18,000 cells' dates, where
        # only a few hundred distinct (date, precision) pairs are placed (and parsed) below.
        cells = (
            self.order_by()
            .annotate(day=Cast("date", CharField()))
            .values_list("day", "date_precision", group_field, *names)
        )
        placements: dict = {}
        rows = _raw(cells)
        for index, row in enumerate(rows):
            placement = placements.get((row[0], row[1]))
            if placement is None:
                placement = place_in_period(row[1], as_date(row[0]), granularity)
                placement = placements[(row[0], row[1])] = (placement.start, placement.uncertain or "")
            rows[index] = placement + row[2:]  # tuples of dates, text and ints: nothing for the GC to track
        return rows


def _raw(queryset) -> list[tuple]:
    """A values_list query's rows without Django's per-value converters (dates may stay ISO text on
    SQLite: ``as_date`` reads both)."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # .none(), or an empty IN list
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def enabled() -> bool:
    """Setting ``PUBLISHED_ROLLUP`` (default on); off, every answer comes from the base tables (the
    benchmark's "before", and the equivalence test's reference)."""
    return getattr(settings, "PUBLISHED_ROLLUP", True)


def answerable(cleaned: dict) -> bool:
    return enabled() and not any(cleaned.get(name) for name in UNANSWERABLE)


def edge_filter(split: Split) -> Q:
    condition = Q(pk__in=[])
    for since, until in split.edges:
        condition |= Q(date__gte=since, date__lte=until)
    return condition


def attack_querysets(incidents, cleaned: dict, group: str, granularity: str | None = None) -> list | None:
    """[cells, incidents at the edges] answering ``incidents`` (published, already filtered by
    ``cleaned``), or None when a filter (or grouping by incident type) needs the incidents table.
    With a ``granularity`` of the per-point table and no date filter: [that table's rows]."""
    from .models import PeriodRollup, PublishedRollup

    if group == "type" or not answerable(cleaned):
        return None
    if granularity in PERIOD_GRANULARITIES and not (cleaned.get("since") or cleaned.get("until")):
        return [PeriodRollup.objects.matching(cleaned)]
    split = split_range(cleaned.get("since"), cleaned.get("until"))
    querysets = [PublishedRollup.objects.matching(cleaned).within(split)]
    if split.edges:
        querysets.append(incidents.filter(edge_filter(split)))
    return querysets


# Sums over day ranges (the public pages' windows) -----------------------------------------------


def _piece_last_day(piece: dt.date) -> dt.date:
    return next_piece_start(piece) - dt.timedelta(days=1)


def range_sums(ranges: dict, *, province_ids=None) -> dict:
    """{(range name, province id or 0): [incidents, killed known, killed unknown]} for inclusive day
    ranges ``{name: (first, last)}``, over published incidents (of ``province_ids`` when given).

    Pieces lying wholly inside a range are added from the rollup; for a piece that a range only
    partly covers, the incidents of that piece are read from the table and placed by their own
    date, for that range only (so nothing is counted twice). One query: the cells UNION ALL the
    incidents of the partly covered pieces."""
    from django.db.models import Case, IntegerField, Value, When
    from django.db.models.functions import Coalesce

    from ipwatch.core.models import Incident

    from .models import PublishedRollup

    sums: dict = {}
    if not ranges:
        return sums

    def partial(piece, first, last) -> bool:
        end = _piece_last_day(piece)
        return end >= first and piece <= last and not (first <= piece and end <= last)

    edge_pieces = {
        piece
        for first, last in ranges.values()
        for piece in {piece_start(first), piece_start(last)}
        if partial(piece, first, last)
    }
    lowest = piece_start(min(first for first, _ in ranges.values()))
    highest = max(last for _, last in ranges.values())
    cells = PublishedRollup.objects.filter(date__gte=lowest, date__lte=highest)
    edges = Q(pk__in=[])
    for piece in edge_pieces:
        edges |= Q(date__gte=piece, date__lte=_piece_last_day(piece))
    rows = Incident.objects.published().filter(edges) if edge_pieces else Incident.objects.none()
    if province_ids is not None:
        cells = cells.filter(province_id__in=list(province_ids))
        rows = rows.filter(province_id__in=list(province_ids))
    integer = IntegerField()
    cells = cells.order_by().values_list(
        "date", "province_id", "records", "killed_known", "killed_unknown", Value(0, output_field=integer)
    )
    rows = rows.order_by().values_list(
        "date",
        Coalesce("province_id", Value(0), output_field=integer),
        Value(1, output_field=integer),
        Coalesce("killed_best", Value(0), output_field=integer),
        Case(When(killed_best__isnull=True, then=Value(1)), default=Value(0), output_field=integer),
        Value(1, output_field=integer),
    )

    def add(key, records, killed, killed_unknown):
        total = sums.setdefault(key, [0, 0, 0])
        total[0] += records
        total[1] += killed
        total[2] += killed_unknown

    inside: dict = {}  # piece (as read) -> the ranges it lies wholly inside
    for day, province, records, killed, killed_unknown, from_table in _raw(cells.union(rows, all=True)):
        if from_table:  # one incident of a partly covered piece, placed by its own date
            day = as_date(day)
            piece = piece_start(day)
            for name, (first, last) in ranges.items():
                if first <= day <= last and partial(piece, first, last):
                    add((name, province), records, killed, killed_unknown)
            continue
        names = inside.get(day)
        if names is None:
            start = as_date(day)
            end = _piece_last_day(start)
            names = inside[day] = [name for name, (first, last) in ranges.items() if first <= start and end <= last]
        for name in names:
            add((name, province), records, killed, killed_unknown)
    return sums


def province_summaries(province_ids=None, *, moments: bool = False) -> dict:
    """{province id (0: none): {every measure summed}} in one query over the cells (each
    province's latest date: ``with_last_incident_on``). ``moments`` adds the latest published date,
    publication and update of all."""
    from django.db.models import Max, Subquery, Sum

    from ipwatch.core.models import Incident

    from .models import PublishedRollup

    published = Incident.objects.published().order_by()
    cells = PublishedRollup.objects.order_by()
    if province_ids is not None:
        cells = cells.filter(province_id__in=list(province_ids))
    annotations = {name: Sum(name) for name in MEASURES}
    if moments:
        # Uncorrelated: evaluated once per query (the indexes on (status, date/published_at/updated_at)).
        for name, field in (
            ("all_last_date", "date"),
            ("last_published", "published_at"),
            ("last_updated", "updated_at"),
        ):
            latest = published.filter(**{f"{field}__isnull": False}).order_by(f"-{field}").values(field)[:1]
            annotations[name] = Max(Subquery(latest))
    return {row.pop("province_id"): row for row in cells.values("province_id").annotate(**annotations)}


def with_last_incident_on(provinces):
    """Provinces annotated with their latest published incident's date: one probe of the
    (province, status, date) index per province. Not in ``province_summaries``: there the
    correlated subquery is grouped by and PostgreSQL runs it once per cell (~0.1 s at 100k)."""
    from django.db.models import OuterRef, Subquery

    from ipwatch.core.models import Incident

    latest = Incident.objects.published().filter(province_id=OuterRef("pk")).order_by("-date").values("date")[:1]
    return provinces.annotate(last_incident_on=Subquery(latest))


def monthly_counts(first_month: dt.date, last_month_after: dt.date, *, province_id=None) -> dict:
    """{first day of month: incidents}, as ``public.stats.monthly_counts`` counts them (month
    boundaries are piece boundaries: no edges)."""
    from ipwatch.core.choices import DatePrecision
    from ipwatch.core.dates import MONTH

    from .aggregation import place_in_period
    from .models import PublishedRollup

    cells = PublishedRollup.objects.filter(date__gte=first_month, date__lt=last_month_after).exclude(
        date_precision=DatePrecision.YEAR
    )
    if province_id is not None:
        cells = cells.filter(province_id=province_id)
    counts: dict = {}
    for date, precision, records in _raw(cells.order_by().values_list("date", "date_precision", "records")):
        month = place_in_period(precision, as_date(date), MONTH).start
        counts[month] = counts.get(month, 0) + records
    return counts


# Writing: triggers ---------------------------------------------------------------------------
# All SQL below is assembled from this module's constants (table, column and choice names), never
# from input: hence the S608 exemptions.


def _piece_sql(vendor: str, column: str) -> str:
    from .aggregation import MONTH, WEEK, native_period_start

    if vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"the rollup supports SQLite and PostgreSQL, not {vendor}")
    week, month = (native_period_start(vendor, column, granularity) for granularity in (WEEK, MONTH))
    return f"max({week}, {month})" if vendor == "sqlite" else f"GREATEST({week}, {month})"


def _key_sql(vendor: str, row: str) -> list[str]:
    return [
        _piece_sql(vendor, f"{row}.date"),
        f"{row}.date_precision",
        f"COALESCE({row}.province_id, 0)",
        f"'{KIND}'",
    ]


def _period_key_sql(vendor: str, row: str, granularity: str) -> list[str]:
    from .aggregation import native_placement

    start, band = native_placement(vendor, f"{row}.date", f"{row}.date_precision", granularity)
    return [f"'{granularity}'", start, band, f"COALESCE({row}.province_id, 0)", f"'{KIND}'"]


def _tables(vendor: str, row: str, periods: bool) -> list[tuple[str, tuple, list[str]]]:
    """(table, key columns, the row's key in SQL) of every cell a published incident counts in
    (``periods``: the per-point table exists; the migration creating the pieces' table runs first)."""
    return [
        (TABLE, KEY, _key_sql(vendor, row)),
        *((PERIOD_TABLE, PERIOD_KEY, _period_key_sql(vendor, row, g)) for g in PERIOD_GRANULARITIES if periods),
    ]


def _has_periods(connection) -> bool:
    return PERIOD_TABLE in connection.introspection.table_names()


def _one(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _measure_sql(row: str) -> list[str]:
    """One incident's contribution, in the order of MEASURES."""
    claimed = f"{row}.claim_status = '{ClaimStatus.CLAIMED.value}'"
    values = ["1", _one(f"{row}.is_synthetic"), _one(claimed), _one(f"{claimed} AND {row}.is_synthetic")]
    for column in ("killed_best", "wounded_best", "kidnapped"):
        values += [f"COALESCE({row}.{column}, 0)", _one(f"{row}.{column} IS NULL")]
    return values


def _subtract(vendor: str, row: str, periods: bool, guard: str = "") -> str:
    changes = ", ".join(f"{name} = {name} - {value}" for name, value in zip(MEASURES, _measure_sql(row), strict=True))
    statements = []
    for table, key, values in _tables(vendor, row, periods):
        match = " AND ".join(f"{name} = {value}" for name, value in zip(key, values, strict=True))
        statements += [
            f"UPDATE {table} SET {changes} WHERE {guard}{match};",  # noqa: S608
            f"DELETE FROM {table} WHERE {guard}{match} AND records = 0;",  # noqa: S608
        ]
    return "\n".join(statements)


def _add(vendor: str, row: str, periods: bool, guard: str = "") -> str:
    # SELECT … WHERE (not VALUES) so SQLite can guard the statement inside a trigger body.
    where = f" WHERE {guard.removesuffix(' AND ')}" if guard else " WHERE true"
    statements = []
    for table, key, values in _tables(vendor, row, periods):
        qualifier = "" if vendor == "sqlite" else f"{table}."
        updates = ", ".join(f"{name} = {qualifier}{name} + excluded.{name}" for name in MEASURES)
        statements.append(
            f"INSERT INTO {table} ({', '.join((*key, *MEASURES))}) "
            f"SELECT {', '.join((*values, *_measure_sql(row)))}{where}\n"
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates};"
        )
    return "\n".join(statements)


def _changed(vendor: str) -> str:
    operator = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
    return " OR ".join(f"OLD.{column} {operator} NEW.{column}" for column in WATCHED)


def _published(row: str) -> str:
    return f"{row}.status = '{PUBLISHED}'"


def trigger_sql(vendor: str, periods: bool = True) -> list[str]:
    """Statements creating the triggers (idempotent: dropped first)."""
    relevant = f"({_published('OLD')} OR {_published('NEW')}) AND ({_changed(vendor)})"
    if vendor == "sqlite":
        return [
            *drop_sql(vendor),
            f"CREATE TRIGGER timeline_rollup_insert AFTER INSERT ON {SOURCE} WHEN {_published('NEW')}\n"
            f"BEGIN\n{_add(vendor, 'NEW', periods)}\nEND",
            f"CREATE TRIGGER timeline_rollup_delete AFTER DELETE ON {SOURCE} WHEN {_published('OLD')}\n"
            f"BEGIN\n{_subtract(vendor, 'OLD', periods)}\nEND",
            f"CREATE TRIGGER timeline_rollup_update AFTER UPDATE ON {SOURCE} WHEN {relevant}\n"
            f"BEGIN\n{_subtract(vendor, 'OLD', periods, _published('OLD') + ' AND ')}\n"
            f"{_add(vendor, 'NEW', periods, _published('NEW') + ' AND ')}\nEND",
        ]
    function = (
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        f"  IF TG_OP <> 'INSERT' AND {_published('OLD')} THEN\n{_subtract(vendor, 'OLD', periods)}\n  END IF;\n"
        f"  IF TG_OP <> 'DELETE' AND {_published('NEW')} THEN\n{_add(vendor, 'NEW', periods)}\n  END IF;\n"
        "  RETURN NULL;\n"
        "END $$"
    )
    execute = f"FOR EACH ROW {{when}} EXECUTE FUNCTION {FUNCTION}()"
    return [
        *drop_sql(vendor),
        function,
        f"CREATE TRIGGER timeline_rollup_insert AFTER INSERT ON {SOURCE} "
        + execute.format(when=f"WHEN ({_published('NEW')})"),
        f"CREATE TRIGGER timeline_rollup_delete AFTER DELETE ON {SOURCE} "
        + execute.format(when=f"WHEN ({_published('OLD')})"),
        f"CREATE TRIGGER timeline_rollup_update AFTER UPDATE ON {SOURCE} " + execute.format(when=f"WHEN ({relevant})"),
    ]


def drop_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]
    return [f"DROP TRIGGER IF EXISTS {name} ON {SOURCE}" for name in TRIGGERS]


def installed_triggers(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [SOURCE])
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [SOURCE])
        return {name for (name,) in cursor.fetchall()} & set(TRIGGERS)


def install_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for statement in trigger_sql(connection.vendor, periods=_has_periods(connection)):
            cursor.execute(statement)


def remove_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for statement in drop_sql(connection.vendor):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


# Rebuilding and checking ---------------------------------------------------------------------


def _fresh_select(vendor: str, key: list[str] | None = None) -> str:
    """Every cell aggregated afresh from the incidents table (the reference answer), by the pieces'
    key or by ``key`` (SQL over the incidents table ``i``)."""
    key = key or _key_sql(vendor, "i")
    measures = ["COUNT(*)", *(f"SUM({value})" for value in _measure_sql("i")[1:])]
    return (
        f"SELECT {', '.join(key)}, {', '.join(measures)} FROM {SOURCE} i "  # noqa: S608
        f"WHERE {_published('i')} GROUP BY {', '.join(str(n) for n in range(1, len(key) + 1))}"
    )


def _fresh_period_selects(vendor: str) -> list[str]:
    return [_fresh_select(vendor, _period_key_sql(vendor, "i", g)) for g in PERIOD_GRANULARITIES]


def rebuild(using: str | None = None) -> int:
    """Recompute every cell from the incidents table (the migration, and a repair tool). Returns the
    pieces' cells."""
    connection = connections[using or router.db_for_write(_model())]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(f"INSERT INTO {TABLE} ({', '.join((*KEY, *MEASURES))}) {_fresh_select(connection.vendor)}")
        if _has_periods(connection):
            cursor.execute(f"DELETE FROM {PERIOD_TABLE}")  # noqa: S608
            for select in _fresh_period_selects(connection.vendor):
                cursor.execute(f"INSERT INTO {PERIOD_TABLE} ({', '.join((*PERIOD_KEY, *MEASURES))}) {select}")
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608
        return cursor.fetchone()[0]


def _cells(connection, sql: str, width: int = len(KEY)) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {
            tuple(str(value) if isinstance(value, dt.date) else value for value in row[:width]): tuple(
                int(value) for value in row[width:]
            )
            for row in cursor.fetchall()
        }


def differences(using: str | None = None) -> dict:
    """{cell: (stored measures or None, fresh measures or None)} where the rollup (the pieces, and the
    weeks and months) and a fresh aggregation over the incidents table disagree; empty when exact."""
    connection = connections[using or router.db_for_read(_model())]
    stored = _cells(connection, f"SELECT {', '.join((*KEY, *MEASURES))} FROM {TABLE}")  # noqa: S608
    fresh = _cells(connection, _fresh_select(connection.vendor))
    width = len(PERIOD_KEY)
    stored |= _cells(connection, f"SELECT {', '.join((*PERIOD_KEY, *MEASURES))} FROM {PERIOD_TABLE}", width)  # noqa: S608
    for select in _fresh_period_selects(connection.vendor):
        fresh |= _cells(connection, select, width)
    return {
        cell: (stored.get(cell), fresh.get(cell))
        for cell in stored.keys() | fresh.keys()
        if stored.get(cell) != fresh.get(cell)
    }


def ensure_installed(using: str = "default") -> bool:
    """Install missing triggers and rebuild (after a migration rebuilt the incidents table on SQLite,
    which drops its triggers). True when anything had to be repaired."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    tables = connection.introspection.table_names()
    if TABLE not in tables or SOURCE not in tables:
        return False
    if installed_triggers(connection) == set(TRIGGERS):
        return False
    install_triggers(connection)
    rebuild(using)
    return True


def _model():
    from .models import PublishedRollup

    return PublishedRollup
