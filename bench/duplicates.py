"""Duplicate finder: precision and recall on a labelled set of SYNTHETIC near-duplicates, and speed,
side by side with the naive rule (same day and same place record).

    python bench/duplicates.py [--events 5000] [--seed 1]
    python bench/duplicates.py --import-rows 100000    # the sweep on bench/import.py's synthetic file

The sweep compares each row only with the open rows in nearby grid cells; the previous sweep
(kept here as `previous_sweep`) compared it with every row whose period was still open. Both are
timed, and must list the same pairs.

The set (all synthetic, generated here, never real incidents): `events` base events at random
points in Libya, Iraq, Syria, Nigeria and Egypt over 2015–2024. A third of them are also recorded a
second time as another dataset would record them — the label "duplicate" — with what really differs
between ACLED, the GTD and an editor's entry: a coarser date (week or month precision), a point up
to 20 km away or another place record for the same town, a related type (raid ↔ ambush, bombing ↔
suicide attack), the province left blank, a different killed figure. Hard negatives sit next to
them: the same place a few days later, the same day 30–60 km away, the same day and place but an
unrelated type, or another province.

A pair the finder lists is a true positive when both records come from one base event. The finder
runs on in-memory rows exactly as `find_pairs` builds them from the database (the same `sweep`).
"""

import argparse
import datetime as dt
import math
import random
import sys
import time
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ipwatch.core import duplicates  # noqa: E402
from ipwatch.core.choices import DatePrecision, IncidentType  # noqa: E402
from ipwatch.core.dates import period_end, period_start  # noqa: E402
from ipwatch.core.duplicates import Row, sweep  # noqa: E402

AREAS = [(27.0, 14.4, 3.0), (33.3, 44.0, 2.0), (35.0, 38.5, 2.0), (12.0, 13.5, 2.0), (31.0, 33.8, 1.0)]
TYPES = [IncidentType.RAID, IncidentType.BOMBING, IncidentType.AMBUSH, IncidentType.ASSASSINATION,
         IncidentType.SUICIDE_ATTACK, IncidentType.INDIRECT_FIRE, IncidentType.EXECUTION]  # fmt: skip
RELATED = {
    IncidentType.RAID: IncidentType.AMBUSH, IncidentType.AMBUSH: IncidentType.RAID,
    IncidentType.BOMBING: IncidentType.SUICIDE_ATTACK, IncidentType.SUICIDE_ATTACK: IncidentType.BOMBING,
    IncidentType.ASSASSINATION: IncidentType.EXECUTION, IncidentType.EXECUTION: IncidentType.ASSASSINATION,
    IncidentType.INDIRECT_FIRE: IncidentType.RAID,
}  # fmt: skip
UNRELATED = {IncidentType.RAID: IncidentType.BOMBING, IncidentType.BOMBING: IncidentType.ASSASSINATION}


def move(lat, lon, km, bearing):
    dlat = km * math.cos(bearing) / 111.0
    dlon = km * math.sin(bearing) / (111.0 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


class Builder:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.rows, self.event_of = [], {}
        self.next_id, self.next_place = 1, 1

    def add(self, event, date, precision, place_id, lat, lon, province, itype, killed, source):
        start = period_start(date, precision)
        row = Row(self.next_id, start, period_end(start, precision), precision, place_id, lat, lon, province,
                  itype, killed, source, "published")  # fmt: skip
        self.rows.append(row)
        self.event_of[row.id] = event
        self.next_id += 1
        return row

    def place(self):
        self.next_place += 1
        return self.next_place

    def build(self, events):
        rng = self.rng
        for event in range(events):
            lat0, lon0, spread = rng.choice(AREAS)
            lat, lon = lat0 + rng.uniform(-spread, spread), lon0 + rng.uniform(-spread, spread)
            date = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
            province = AREAS.index((lat0, lon0, spread)) + 1
            itype, killed, place = rng.choice(TYPES), rng.choice([None, 0, 1, 2, 3, 5, 8]), self.place()
            self.add(event, date, DatePrecision.DAY, place, lat, lon, province, itype, killed, "acled")
            roll = rng.random()
            if roll < 1 / 3:  # the same event recorded again, as another dataset would
                precision = rng.choices([DatePrecision.DAY, DatePrecision.WEEK, DatePrecision.MONTH], [6, 2, 2])[0]
                same_place = rng.random() < 0.4
                lat2, lon2 = (lat, lon) if same_place else move(lat, lon, rng.uniform(0, 20), rng.uniform(0, 6.28))
                self.add(
                    event, date, precision, place if same_place else self.place(), lat2, lon2,
                    None if rng.random() < 0.3 else province,
                    RELATED[itype] if rng.random() < 0.3 else itype,
                    killed if rng.random() < 0.5 else rng.choice([None, 1, 4, 16]),
                    rng.choice(["gtd", "ucdp", ""]),
                )  # fmt: skip
            elif roll < 2 / 3:  # a hard negative: a different event that looks alike
                kind = rng.randrange(4)
                other = -event - 1
                if kind == 0:
                    self.add(other, date + dt.timedelta(days=rng.randint(2, 9)), DatePrecision.DAY, place, lat, lon,
                             province, itype, killed, "gtd")  # fmt: skip
                elif kind == 1:
                    lat2, lon2 = move(lat, lon, rng.uniform(30, 60), rng.uniform(0, 6.28))
                    self.add(other, date, DatePrecision.DAY, self.place(), lat2, lon2, province, itype, killed, "gtd")
                elif kind == 2:
                    self.add(other, date, DatePrecision.DAY, place, lat, lon, province,
                             UNRELATED.get(itype, IncidentType.KIDNAPPING if itype != IncidentType.KIDNAPPING
                                           else IncidentType.BOMBING), killed, "gtd")  # fmt: skip
                else:
                    self.add(other, date, DatePrecision.DAY, place, lat, lon, province + 10, itype, killed, "gtd")
        self.rows.sort(key=lambda r: (r.start, r.id))
        return self.rows


def naive_pairs(rows):
    """Same day and the same place record: what an exact-match check finds."""
    by_key = {}
    pairs = set()
    for row in rows:
        key = (row.start, row.precision, row.place_id)
        for other in by_key.get(key, []):
            pairs.add((min(row.id, other), max(row.id, other)))
        by_key.setdefault(key, []).append(row.id)
    return pairs


class _EveryOpenRow:
    """The previous sweep's candidates: every row whose period is still open, wherever it is."""

    def __init__(self):
        self.rows = []

    def add(self, row) -> None:
        self.rows.append(row)

    def close_before(self, day) -> None:
        self.rows = [row for row in self.rows if row.end >= day]

    def near(self, row):
        return self.rows


def previous_sweep(rows, involving=None):
    """The sweep as it was: the same loop as `sweep`, each row against every row still open."""
    with mock.patch.object(duplicates, "_OpenRows", _EveryOpenRow):
        return sweep(rows, involving)


def import_file_rows(count: int) -> list:
    """Rows as the importer writes bench/import.py's SYNTHETIC ACLED file (IS actors only): the
    possible-duplicates scan at the end of a big import."""
    import csv
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_import", Path(__file__).with_name("import.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    precisions = {"1": DatePrecision.DAY, "2": DatePrecision.WEEK, "3": DatePrecision.MONTH}
    places, provinces, rows = {}, {}, []
    with open(module.generate(count), encoding="utf-8", newline="") as handle:
        for n, raw in enumerate(csv.DictReader(handle), 1):
            if "Synthetia" in raw["actor1"]:
                continue  # another actor: the importer skips it
            precision = precisions[raw["time_precision"]]
            start = period_start(dt.date.fromisoformat(raw["event_date"]), precision)
            place = places.setdefault((raw["admin1"], raw["location"]), len(places) + 1)
            province = provinces.setdefault(raw["admin1"], len(provinces) + 1)
            itype = IncidentType.RAID if raw["sub_event_type"] == "Armed clash" else IncidentType.BOMBING
            point = float(raw["latitude"]), float(raw["longitude"])
            end = period_end(start, precision)
            killed = int(raw["fatalities"])
            rows.append(Row(n, start, end, precision, place, *point, province, itype, killed, "acled", "draft"))
    rows.sort(key=lambda r: (r.start, r.id))
    return rows


def speed(rows) -> None:
    involving = {row.id for row in rows}  # as after an import: every row is new
    print(f"{'sweep':44} {'rows':>7} {'pairs':>8} {'time s':>8}")
    started = time.perf_counter()
    previous = previous_sweep(rows, involving)
    previous_s = time.perf_counter() - started
    print(f"{'previous: every open row':44} {len(rows):7} {len(previous):8} {previous_s:8.1f}", flush=True)
    started = time.perf_counter()
    pairs = sweep(rows, involving)
    sweep_s = time.perf_counter() - started
    print(f"{'grid: open rows in nearby cells (now)':44} {len(rows):7} {len(pairs):8} {sweep_s:8.1f}")
    print(f"same pairs: {'yes' if pairs == previous else 'NO'}; {previous_s / sweep_s:.0f}x faster")


def score(found, truth):
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    return tp, len(found) - tp, len(truth) - tp, precision, recall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--import-rows", type=int, help="time the sweep on bench/import.py's file of this many rows")
    args = parser.parse_args()
    if args.import_rows:
        speed(import_file_rows(args.import_rows))
        return
    builder = Builder(args.seed)
    rows = builder.build(args.events)
    ids_of = {}
    for row_id, event in builder.event_of.items():
        ids_of.setdefault(event, []).append(row_id)
    truth = {tuple(sorted(ids)) for event, ids in ids_of.items() if event >= 0 and len(ids) == 2}

    started = time.perf_counter()
    naive = naive_pairs(rows)
    naive_s = time.perf_counter() - started
    started = time.perf_counter()
    pairs = sweep(rows)
    sweep_s = time.perf_counter() - started

    print(f"SYNTHETIC labelled set: {len(rows)} records from {args.events} events, {len(truth)} true duplicate pairs "
          f"(seed {args.seed})")  # fmt: skip
    print()
    print(f"{'method':38} {'found':>6} {'TP':>6} {'FP':>5} {'FN':>5} {'precision':>9} {'recall':>7} {'time s':>7}")
    tp, fp, fn, p, r = score(naive, truth)
    print(
        f"{'naive: same day + same place record':38} {len(naive):6} {tp:6} {fp:5} {fn:5} {p:9.1%} {r:7.1%} "
        f"{naive_s:7.3f}"
    )
    for threshold in (0.0, 0.5, 0.6, 0.7):
        found = {(pair.first, pair.second) for pair in pairs if pair.score >= threshold}
        tp, fp, fn, p, r = score(found, truth)
        label = f"finder, score ≥ {threshold:.1f}" if threshold else "finder, every candidate"
        print(f"{label:38} {len(found):6} {tp:6} {fp:5} {fn:5} {p:9.1%} {r:7.1%} {sweep_s:7.3f}")
    print()
    speed(rows)


if __name__ == "__main__":
    main()
