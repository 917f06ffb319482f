import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ipwatch.activity import search as activity_search
from ipwatch.activity.models import Activity
from ipwatch.activity.synthetic import delete_synthetic_activity, generate_synthetic_activity
from ipwatch.core import search
from ipwatch.core.cache import invalidate_public_cache
from ipwatch.core.models import Incident
from ipwatch.core.synthetic import delete_synthetic, generate_synthetic


class Command(BaseCommand):
    help = (
        "Create realistic-looking SYNTHETIC incidents (flagged is_synthetic, Source 'Synthetic data') for load tests."
    )

    def add_arguments(self, parser):
        parser.add_argument("--incidents", type=int, required=True, help="how many synthetic incidents to create")
        parser.add_argument(
            "--activity",
            type=int,
            default=0,
            help="also create this many SYNTHETIC activity records of every other kind (media releases, "
            "designations, arrests, legal cases, pledges, leadership events, territory)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
        parser.add_argument(
            "--replace", action="store_true", help="delete existing synthetic incidents first (idempotent runs)"
        )

    def handle(self, *args, incidents, activity, seed, replace, **options):
        if incidents < 0 or activity < 0:
            raise CommandError("--incidents and --activity must be zero or more")
        if replace:
            deleted = delete_synthetic_activity() + delete_synthetic()
            if deleted:
                self.stdout.write(f"Deleted {deleted} synthetic rows.")
        with tqdm(total=incidents, unit="incident", disable=options["verbosity"] < 1, file=sys.stderr) as bar:
            try:
                created = generate_synthetic(incidents, seed=seed, progress=bar.update)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        search.refresh(Incident.objects.filter(is_synthetic=True, search_text=""))  # bulk_create sends no signals
        if activity:
            with tqdm(total=activity, unit="record", disable=options["verbosity"] < 1, file=sys.stderr) as bar:
                try:
                    made = generate_synthetic_activity(activity, seed=seed, progress=bar.update)
                except ValueError as exc:
                    raise CommandError(str(exc)) from exc
            activity_search.refresh(Activity.objects.filter(is_synthetic=True, search_text=""))
            self.stdout.write(self.style.SUCCESS(f"Created {made} SYNTHETIC activity records (not real)."))
        invalidate_public_cache()  # bulk_create sends no signals; a shared cache (CACHE_URL) must drop stale pages
        self.stdout.write(self.style.SUCCESS(f"Created {created} SYNTHETIC incidents (not real events)."))
