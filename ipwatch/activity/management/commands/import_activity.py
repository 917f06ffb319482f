"""python manage.py import_activity FILE [--dry-run] [--status draft|published]"""

from django.core.management.base import BaseCommand, CommandError

from ipwatch.activity.importing import IMPORT_STATUSES, import_activity
from ipwatch.core.workflow import SYSTEM


class Command(BaseCommand):
    help = (
        "Import activity records (media releases, designations, arrests, legal cases, pledges, leadership "
        "events, territory) from the activity CSV. All or nothing; rows with an id update that record."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (or .xlsx) file with the columns of docs/import-export.md")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        parser.add_argument("--status", choices=IMPORT_STATUSES, default="draft", help="status of new records")

    def handle(self, *args, **options):
        try:
            result = import_activity(
                options["file"], dry_run=options["dry_run"], status=options["status"], user=SYSTEM
            )
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror or exc}") from None
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported.")
        self.stdout.write(("Dry run: " if options["dry_run"] else "") + result.summary())
