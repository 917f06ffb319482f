"""What sync_acled and sync_ucdp share: --since, --dry-run, --background/--wait, and clean failures."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from .http import SyncFailed
from .runner import sync


def iso_date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise CommandError(f"--since {text!r}: not a date (YYYY-MM-DD)") from None


class SyncCommand(BaseCommand):
    source = ""
    label = ""

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", metavar="DATE", help="read from this date (YYYY-MM-DD) instead of where the last run stopped"
        )
        parser.add_argument("--dry-run", action="store_true", help="read and validate, count, write nothing")
        parser.add_argument("--background", action="store_true", help="queue the sync as a job for a worker")
        parser.add_argument("--wait", action="store_true", help="with --background: follow the job until it ends")

    def options_for_sync(self, options) -> dict:
        return {"since": iso_date(options["since"]) if options["since"] else None, "dry_run": options["dry_run"]}

    def handle(self, *args, **options):
        params = self.options_for_sync(options)
        if options["wait"] and not options["background"]:
            raise CommandError("--wait goes with --background")
        if options["background"]:
            from ipwatch.jobs.follow import follow
            from ipwatch.jobs.runners import enqueue

            job = enqueue(
                f"sync_{self.source}", f"{self.label} sync" + (" (dry run)" if params["dry_run"] else ""), params
            )
            self.stdout.write(f"Queued job #{job.pk}: a worker (manage.py db_worker) runs it.")
            if options["wait"]:
                follow(job, self.stdout, self.stderr, quiet=options["verbosity"] < 1)
            return
        try:
            result = sync(self.source, **params)
        except SyncFailed as exc:
            raise CommandError(f"{self.label} sync failed, nothing was written: {exc}") from exc
        prefix = "Dry run (nothing written): " if params["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(prefix + result.summary()))
