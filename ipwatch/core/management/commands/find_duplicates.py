"""List likely duplicate incidents with a score: `manage.py find_duplicates [--since DATE] [--json]`."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from ipwatch.core.duplicates import find_pairs
from ipwatch.core.models import Incident


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since {value!r}: give a date as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "List pairs of incidents that are likely one event (overlapping dates at their precision, within "
        "25 km or the same place, compatible province and type, across datasets), best score first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", metavar="DATE", help="only pairs with an incident on or after DATE (YYYY-MM-DD)"
        )
        parser.add_argument("--json", dest="as_json", action="store_true", help="print JSON instead of a table")
        parser.add_argument("--min-score", type=float, default=0.0, help="leave out pairs scoring below this (0–1)")

    def handle(self, *args, since, as_json: bool, min_score: float, **options):
        since_date = iso_date(since) if since else None
        pairs = [p for p in find_pairs(Incident.objects.all(), since=since_date) if p.score >= min_score]
        if as_json:
            self._json(pairs)
            return
        if not pairs:
            self.stdout.write("No likely duplicates.")
            return
        incidents = Incident.objects.select_related("place").in_bulk({i for p in pairs for i in (p.first, p.second)})
        self.stdout.write(f"{'score':>5}  {'first':>7}  {'second':>7}  why")
        for pair in pairs:
            self.stdout.write(f"{pair.score:5.2f}  {pair.first:>7}  {pair.second:>7}  {', '.join(pair.reasons)}")
            for pk in (pair.first, pair.second):
                incident = incidents[pk]
                dataset = f" [{incident.external_source} {incident.external_id}]" if incident.external_id else ""
                self.stdout.write(f"{'':24}#{pk} {incident} ({incident.get_status_display()}){dataset}")
        self.stdout.write(f"{len(pairs)} pair(s).")

    def _json(self, pairs):
        self.stdout.write(json.dumps({"count": len(pairs), "pairs": [p.to_dict() for p in pairs]}, indent=1))
