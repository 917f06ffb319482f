"""Likely duplicate incidents: one attack entered twice, or imported from ACLED and from the GTD.

Two incidents are candidates when all of these hold:
- their date periods overlap, each taken at its precision (a "May 2019" incident overlaps 4 May
  2019) and to its end date if it has one;
- they are at the same place, or both places have coordinates within 25 km of each other;
- their provinces agree (or one is not recorded);
- their types are compatible (equal, in one family such as raid/ambush, or one is "other").

Candidates get a score from 0 to 1 that weighs how exact the date and place agreement is, the
type, the province and the editors' figures; `find_duplicates` and the admin list them best first.
The sweep reads only the columns it needs, in date order, and compares each incident with those
whose period is still open: no pair of incidents years apart is ever compared.
"""

import datetime as dt
import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from ipwatch.geocoding.results import distance_km

from .choices import DatePrecision, IncidentStatus, IncidentType
from .dates import period_end

MAX_KM = 25.0
# The longest period a date can stand for (a year) bounds how far back the sweep must look.
LONGEST_PERIOD = dt.timedelta(days=366)

_FAMILIES = [
    {IncidentType.RAID, IncidentType.AMBUSH, IncidentType.INDIRECT_FIRE},
    {IncidentType.BOMBING, IncidentType.SUICIDE_ATTACK},
    {IncidentType.ASSASSINATION, IncidentType.EXECUTION, IncidentType.KIDNAPPING},
]
_PRECISION_DAYS = {DatePrecision.DAY: 1, DatePrecision.WEEK: 7, DatePrecision.MONTH: 31, DatePrecision.YEAR: 366}

FIELDS = [
    "id", "date", "date_precision", "end_date", "place_id", "place__latitude", "place__longitude",
    "province_id", "incident_type", "killed_best", "external_source", "status",
]  # fmt: skip


@dataclass(frozen=True)
class Row:
    id: int
    start: dt.date
    end: dt.date
    precision: str
    place_id: int | None
    lat: float | None
    lon: float | None
    province_id: int | None
    incident_type: str
    killed_best: int | None
    external_source: str
    status: str

    @classmethod
    def from_values(cls, v: dict) -> "Row":
        end = max(period_end(v["date"], v["date_precision"]), v["end_date"] or v["date"])
        return cls(
            id=v["id"],
            start=v["date"],
            end=end,
            precision=v["date_precision"],
            place_id=v["place_id"],
            lat=v["place__latitude"],
            lon=v["place__longitude"],
            province_id=v["province_id"],
            incident_type=v["incident_type"],
            killed_best=v["killed_best"],
            external_source=v["external_source"],
            status=v["status"],
        )


@dataclass(frozen=True)
class Pair:
    """Two likely duplicates, `first` the older record (smaller id)."""

    first: int
    second: int
    score: float
    km: float | None
    reasons: tuple[str, ...]

    def other(self, incident_id: int) -> int:
        return self.second if incident_id == self.first else self.first

    def to_dict(self) -> dict:
        return {
            "incidents": [self.first, self.second],
            "score": self.score,
            "km": None if self.km is None else round(self.km, 1),
            "reasons": list(self.reasons),
        }


def types_compatible(a: str, b: str) -> bool:
    if a == b or IncidentType.OTHER in (a, b):
        return True
    return any(a in family and b in family for family in _FAMILIES)


def compare(a: Row, b: Row) -> Pair | None:
    """The pair if a and b may be one incident, else None."""
    if a.start > b.end or b.start > a.end:
        return None
    if a.province_id and b.province_id and a.province_id != b.province_id:
        return None
    if not types_compatible(a.incident_type, b.incident_type):
        return None
    km = None
    if a.lat is not None and b.lat is not None:
        km = distance_km(a.lat, a.lon, b.lat, b.lon)
    same_place = a.place_id is not None and a.place_id == b.place_id
    if not same_place and (km is None or km > MAX_KM):
        return None
    reasons = []
    # Date: the same day counts fully; overlapping coarse periods count less the longer they are.
    widest = max(
        _PRECISION_DAYS.get(a.precision, 366), _PRECISION_DAYS.get(b.precision, 366), (a.end - a.start).days + 1
    )
    date_score = 1.0 if a.start == b.start and widest == 1 else max(0.3, 1 - math.log(widest, 366))
    reasons.append("same day" if date_score == 1.0 else "overlapping dates")
    if same_place or (km is not None and km < 0.5):
        place_score = 1.0
        reasons.append("same place")
    else:
        place_score = max(0.0, 1 - km / MAX_KM)
        reasons.append(f"{km:.0f} km apart")
    type_score = 1.0 if a.incident_type == b.incident_type else 0.6
    reasons.append("same type" if type_score == 1.0 else "compatible types")
    province_score = 1.0 if a.province_id and a.province_id == b.province_id else 0.7
    if a.killed_best is None or b.killed_best is None:
        figures_score = 0.5
    else:
        figures_score = 1 - abs(a.killed_best - b.killed_best) / max(a.killed_best, b.killed_best, 1)
        if a.killed_best == b.killed_best:
            reasons.append("same killed figure")
    if a.external_source != b.external_source and a.external_source and b.external_source:
        reasons.append(f"{a.external_source} and {b.external_source}")
    score = 0.35 * date_score + 0.3 * place_score + 0.15 * type_score + 0.05 * province_score + 0.15 * figures_score
    first, second = (a, b) if a.id < b.id else (b, a)
    return Pair(first.id, second.id, round(score, 3), km, tuple(reasons))


# The sweep's spatial grid: cells of CELL_DEGREES; a row is compared only with open rows in the cells
# that can hold a point within MAX_KM of it (a few cells rather than every open row).
CELL_DEGREES = 0.25
_KM_PER_DEGREE = 111.0  # a little under the true ~111.2: the cells searched err on the wide side
PROGRESS_EVERY = 1000  # rows between the sweep's progress reports


LON_CELLS = round(360 / CELL_DEGREES)  # longitude wraps round: 179.9° E is next to 179.9° W


def _cell(row: Row) -> tuple[int, int]:
    return math.floor(row.lat / CELL_DEGREES), math.floor(row.lon / CELL_DEGREES) % LON_CELLS


def _nearby_cells(row: Row) -> list[tuple[int, int]]:
    """Every grid cell holding a point that may be within MAX_KM of the row."""
    dlat = MAX_KM / _KM_PER_DEGREE
    widest = min(90.0, abs(row.lat) + dlat)  # a degree of longitude is shortest on the poleward side
    cos = math.cos(math.radians(widest))
    dlon = 180.0 if cos < 0.01 else min(180.0, MAX_KM / (_KM_PER_DEGREE * cos))
    lat_cells = range(math.floor((row.lat - dlat) / CELL_DEGREES), math.floor((row.lat + dlat) / CELL_DEGREES) + 1)
    lon_span = range(math.floor((row.lon - dlon) / CELL_DEGREES), math.floor((row.lon + dlon) / CELL_DEGREES) + 1)
    lon_cells = sorted({lo % LON_CELLS for lo in lon_span})
    return [(la, lo) for la in lat_cells for lo in lon_cells]


class _OpenRows:
    """The rows whose period is still open at the sweep's date, indexed by grid cell (rows with
    coordinates) or by place (rows without: they can match only the same place record)."""

    def __init__(self):
        self.by_cell: dict[tuple[int, int], list[Row]] = {}
        self.by_place: dict[int, list[Row]] = {}
        self.ends: list[tuple[dt.date, int, Row]] = []  # a heap: the next row to close first

    def add(self, row: Row) -> None:
        if row.lat is not None and row.lon is not None:
            self.by_cell.setdefault(_cell(row), []).append(row)
        elif row.place_id is not None:
            self.by_place.setdefault(row.place_id, []).append(row)
        else:
            return  # no place and no coordinates: never a candidate
        heapq.heappush(self.ends, (row.end, row.id, row))

    def close_before(self, day: dt.date) -> None:
        while self.ends and self.ends[0][0] < day:
            _, _, row = heapq.heappop(self.ends)
            if row.lat is not None and row.lon is not None:
                self.by_cell[_cell(row)].remove(row)
            else:
                self.by_place[row.place_id].remove(row)

    def near(self, row: Row) -> Iterable[Row]:
        if row.lat is not None and row.lon is not None:
            for cell in _nearby_cells(row):
                yield from self.by_cell.get(cell, ())
        elif row.place_id is not None:
            yield from self.by_place.get(row.place_id, ())


def sweep(rows: Iterable[Row], involving: set[int] | None = None, progress=None) -> list[Pair]:
    """Every candidate pair among rows (sorted by start date); with `involving`, only pairs that
    include one of those ids. `progress(rows swept)` is called every PROGRESS_EVERY rows.

    In date order, each row is compared only with the rows still open at its start (their period
    reaches it) and near it: in its own or a neighbouring grid cell, or, without coordinates, at the
    same place record — the only rows `compare` could accept.
    """
    pairs: list[Pair] = []
    open_rows = _OpenRows()
    for count, row in enumerate(rows, 1):
        open_rows.close_before(row.start)
        for other in open_rows.near(row):
            if involving is not None and row.id not in involving and other.id not in involving:
                continue
            pair = compare(row, other)
            if pair is not None:
                pairs.append(pair)
        open_rows.add(row)
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    pairs.sort(key=lambda p: (-p.score, p.first, p.second))
    return pairs


def _rows(queryset) -> list[Row]:
    return [Row.from_values(v) for v in queryset.order_by("date", "id").values(*FIELDS)]


def comparable(queryset):
    """Incidents that can still be duplicates: merged and retracted records are settled."""
    return queryset.exclude(status__in=[IncidentStatus.MERGED, IncidentStatus.RETRACTED])


def find_pairs(queryset, since: dt.date | None = None, involving: set[int] | None = None, progress=None) -> list[Pair]:
    """Candidate pairs among `queryset` (e.g. Incident.objects.all()); `since` keeps pairs with an
    incident on or after that date (earlier ones they overlap are still compared).
    `progress(rows swept, rows in all)` is called as the sweep goes."""
    queryset = comparable(queryset)
    if since is not None:
        queryset = queryset.between(since=since - LONGEST_PERIOD)
    rows = _rows(queryset)
    pairs = sweep(rows, involving, progress and (lambda done: progress(done, len(rows))))
    if since is not None:
        starts = dict(queryset.values_list("id", "date"))
        pairs = [p for p in pairs if max(starts[p.first], starts[p.second]) >= since]
    return pairs


def duplicates_of(incident) -> list[Pair]:
    """Likely duplicates of one incident (saved or not), best first, in a few queries."""
    from .models import Incident

    if not incident.date or not incident.date_precision:
        return []
    start = incident.date
    end = max(period_end(start, incident.date_precision), incident.end_date or start)
    nearby = Q(place_id=incident.place_id) if incident.place_id else Q(pk__in=[])
    place = incident.place if incident.place_id else None
    if place is not None and place.has_coordinates:
        dlat = MAX_KM / 111.0
        dlon = MAX_KM / (111.0 * max(math.cos(math.radians(place.latitude)), 0.01))
        nearby |= Q(
            place__latitude__range=(place.latitude - dlat, place.latitude + dlat),
            place__longitude__range=(place.longitude - dlon, place.longitude + dlon),
        )
    others = comparable(Incident.objects.exclude(pk=incident.pk)).filter(
        nearby, date__lte=end, date__gte=start - LONGEST_PERIOD
    )
    me = Row(
        id=incident.pk or 0,
        start=start,
        end=end,
        precision=incident.date_precision,
        place_id=incident.place_id,
        lat=place.latitude if place else None,
        lon=place.longitude if place else None,
        province_id=incident.province_id,
        incident_type=incident.incident_type,
        killed_best=incident.killed_best,
        external_source=incident.external_source,
        status=incident.status,
    )
    pairs = [pair for pair in (compare(me, other) for other in _rows(others)) if pair is not None]
    return sorted(pairs, key=lambda p: -p.score)
