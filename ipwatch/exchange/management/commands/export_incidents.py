import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from ipwatch.core.choices import IncidentStatus
from ipwatch.core.filters import FILTER_PARAMS, InvalidFilter, filter_incidents
from ipwatch.core.models import Incident
from ipwatch.exchange.export import csv_lines, geojson_chunks, iterate

REPEATABLE = ("province", "type")  # the options given more than once (action="append")


def select_incidents(status: str, options: dict):
    """The incidents an export of `status` with these filters (the command's options) writes."""
    params = QueryDict(mutable=True)
    for name in FILTER_PARAMS:
        if name in REPEATABLE:
            params.setlist(name, options.get(name) or [])
        elif options.get(name):
            params[name] = options[name]
    if status == "all":
        incidents = Incident.objects.all()
    elif status == IncidentStatus.PUBLISHED:
        incidents = Incident.objects.published()
    else:
        incidents = Incident.objects.filter(status=status)
    try:
        return filter_incidents(params, incidents)
    except InvalidFilter as exc:
        raise CommandError("; ".join(f"--{param}: {message}" for param, message in exc.errors.items())) from exc


class Command(BaseCommand):
    help = (
        "Write incidents as the ipwatch CSV (re-importable with import_incidents --format ipwatch) or as "
        "GeoJSON to standard output, e.g. `export_incidents --format geojson --province fezzan > f.geojson`. "
        "Published incidents only unless --status says otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=["csv", "geojson"])
        parser.add_argument(
            "--status",
            choices=[*IncidentStatus.values, "all"],
            default=IncidentStatus.PUBLISHED,
            help="which incidents (default: published)",
        )
        # The same filters as the map, timeline and /api/incidents.csv (ipwatch/core/filters.py).
        parser.add_argument("--province", action="append", default=[], help="province slug (repeatable)")
        parser.add_argument("--country", help="ISO 3166-1 alpha-2 code")
        parser.add_argument("--since", help="YYYY-MM-DD")
        parser.add_argument("--until", help="YYYY-MM-DD")
        parser.add_argument("--type", action="append", default=[], help="incident type (repeatable)")
        parser.add_argument("--claimed", choices=["yes", "no"])
        parser.add_argument("--q", help="text search")
        parser.add_argument("--bbox", help="minlon,minlat,maxlon,maxlat")
        parser.add_argument(
            "--background", action="store_true", help="write the file on a worker (a job); the admin links to it"
        )

    def handle(self, *args, format, status, **options):
        if options.get("background"):
            return self._background(format, status, options)
        incidents = select_incidents(status, options)
        chunks = csv_lines(iterate(incidents)) if format == "csv" else geojson_chunks(iterate(incidents))
        # Bytes straight to the binary stream when there is one: UTF-8 whatever the terminal's locale.
        buffer = getattr(self.stdout, "buffer", None)
        try:
            for chunk in chunks:
                if buffer is not None:
                    buffer.write(chunk.encode("utf-8"))
                else:
                    self.stdout.write(chunk, ending="")
            if buffer is not None:
                buffer.flush()
        except BrokenPipeError:
            # `export_incidents … | head`: the reader has gone; stop quietly (and let exit-time
            # flushing write to /dev/null rather than fail again).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    def _background(self, format, status, options):
        from ipwatch.jobs.models import JobKind
        from ipwatch.jobs.runners import enqueue

        select_incidents(status, options)  # bad filters fail here, not on the worker
        filters = {name: options[name] for name in FILTER_PARAMS if options.get(name)}
        job = enqueue(
            JobKind.EXPORT, f"Export {status} incidents as {format}", {"format": format, "status": status, **filters}
        )
        self.stdout.write(f"Queued job #{job.pk}: a worker writes the file; the job's admin page links to it.")
