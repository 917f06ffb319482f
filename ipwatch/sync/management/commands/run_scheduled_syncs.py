import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ipwatch.sync.schedule import missing_credentials, schedule


class Command(BaseCommand):
    help = (
        "Queue a sync job (sync_acled / sync_ucdp, run by `manage.py db_worker`) for each source in "
        "IPWATCH_SYNC_SCHEDULE whose last sync is IPWATCH_SYNC_INTERVAL old, unless one is queued or running. "
        "Run it from cron (e.g. every 15 minutes) or with --loop as a long-running scheduler."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running: check again every --check-every")
        parser.add_argument(
            "--check-every", type=int, default=60, metavar="SECONDS", help="with --loop: seconds between checks"
        )

    def handle(self, *args, loop, check_every, **options):
        sources = settings.IPWATCH_SYNC_SCHEDULE
        if not sources:
            raise CommandError("IPWATCH_SYNC_SCHEDULE is empty: set it to acled, ucdp or acled,ucdp")
        if missing := missing_credentials(sources):
            raise CommandError(
                f"{', '.join(missing)} is scheduled but its credentials are not set (ACLED_EMAIL and ACLED_PASSWORD)"
            )
        if check_every < 1:
            raise CommandError("--check-every must be at least 1 second")
        interval = dt.timedelta(seconds=settings.IPWATCH_SYNC_INTERVAL)
        verbosity = options["verbosity"]  # 0: silent (cron mails any output); 1: what it queued; 2: all
        while True:
            for source in sources:
                decision = schedule(source, interval)
                if verbosity > 1 or (verbosity == 1 and (decision.job is not None or not loop)):
                    self.stdout.write(str(decision))
            if not loop:
                return
            time.sleep(check_every)
