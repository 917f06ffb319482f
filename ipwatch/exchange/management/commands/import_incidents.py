import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ipwatch.core.workflow import SYSTEM
from ipwatch.exchange.formats import FORMATS
from ipwatch.exchange.importer import IMPORT_STATUSES, Importer
from ipwatch.exchange.provinces import ProvinceMapError
from ipwatch.exchange.readers import estimate_rows


class Command(BaseCommand):
    help = (
        "Import incidents from an ACLED, GTD or UCDP GED file, or an ipwatch CSV export. All or nothing: "
        "any bad row aborts the import and every bad row is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV (or, for GTD, XLSX) file")
        parser.add_argument("--format", required=True, choices=list(FORMATS), help="the file's format")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        parser.add_argument(
            "--status",
            choices=list(IMPORT_STATUSES),
            default="draft",
            help="status of newly created incidents (default: draft); existing incidents keep theirs",
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="queue the import as a background job (run by `manage.py db_worker`) and print its number",
        )
        parser.add_argument(
            "--wait", action="store_true", help="with --background: follow the job's progress until it finishes"
        )
        parser.add_argument(
            "--province-map", metavar="FILE", help="CSV actor,country,province layered over fixtures/province_map.csv"
        )

    def handle(self, *args, file, format, dry_run, status, province_map, background, wait, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        if province_map and not Path(province_map).is_file():
            raise CommandError(f"--province-map {province_map}: no such file")
        try:
            importer = Importer(format, status=status, province_map=province_map, user=SYSTEM)
        except ProvinceMapError as exc:
            for error in exc.errors:
                self.stderr.write(f"province map: {error}")
            raise CommandError("the province map has errors; nothing was imported") from exc

        quiet = options["verbosity"] < 1
        if background:
            return self._background(path, format, dry_run, status, province_map, wait, quiet)
        if wait:
            raise CommandError("--wait goes with --background")
        with tqdm(total=estimate_rows(path), unit="row", disable=True if quiet else None, file=sys.stderr) as bar:
            importer.progress = bar.update
            result = importer.run(str(path), filename=path.name, dry_run=dry_run)

        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            rows = len({error.row for error in result.errors})
            raise CommandError(f"{len(result.errors)} error(s) in {rows} row(s) of {path.name}; nothing was imported")
        prefix = "Dry run (nothing written): " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + result.summary()))
        for pair in result.possible_duplicates[:20]:
            self.stdout.write(
                f"  possible duplicate: incidents {pair.first} and {pair.second}, "
                f"score {pair.score:.2f} ({', '.join(pair.reasons)})"
            )

    def _background(self, path: Path, format, dry_run, status, province_map, wait, quiet):
        from django.conf import settings

        from ipwatch.jobs.follow import follow
        from ipwatch.jobs.models import JobKind
        from ipwatch.jobs.runners import enqueue, keep_upload

        directory = Path(settings.IPWATCH_IMPORT_DIR)
        params = {
            "path": str(keep_upload(path, directory, path.name)),
            "filename": path.name,
            "format": format,
            "status": status,
            "dry_run": dry_run,
            "delete_file_after": True,
        }
        if province_map:
            params["province_map"] = str(keep_upload(Path(province_map), directory, Path(province_map).name))
        job = enqueue(JobKind.IMPORT, f"Import {path.name} ({FORMATS[format].label})", params)
        self.stdout.write(
            f"Queued job #{job.pk}: a worker (manage.py db_worker) runs it; the admin shows its progress."
        )
        if wait:
            follow(job, self.stdout, self.stderr, quiet=quiet)
