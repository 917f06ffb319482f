"""manage.py geocode NAME [NAME…] [--country CC] [--online] [--json]
manage.py geocode --pending [--online] [--json]
manage.py geocode --pending [--online] --background [--wait]

Offline gazetteer first; an online service only with --online (or IPWATCH_GEOCODE_ONLINE).
Exit status 0 when every name (or pending place) was resolved, 1 otherwise.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ipwatch.core.countries import UnknownCountry, country_code
from ipwatch.core.models import Province

from ...service import geocode_name, geocode_places, pending_places


class Command(BaseCommand):
    help = (
        "Geocode place names with the offline gazetteer (and an online service with --online), "
        "or every Place without coordinates with --pending."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", metavar="NAME", help="place names, any spelling or script")
        parser.add_argument("--country", help="ISO 3166-1 alpha-2 code to search in, e.g. LY")
        parser.add_argument("--province", help="province slug: prefer the countries it operates in")
        parser.add_argument("--online", action="store_true", help="ask the online service when offline fails")
        parser.add_argument("--json", action="store_true", help="print a JSON array, one object per name")
        parser.add_argument("--pending", action="store_true", help="geocode every Place without coordinates")
        parser.add_argument(
            "--background", action="store_true", help="with --pending: queue it as a job for a worker (db_worker)"
        )
        parser.add_argument("--wait", action="store_true", help="with --background: follow the job until it ends")

    def handle(self, *args, **options):
        names = [n for n in options["names"] if n.strip()]
        if options["pending"] and names:
            raise CommandError("give either NAME… or --pending, not both")
        if not options["pending"] and not names:
            raise CommandError("give at least one NAME to geocode, or --pending")
        online = True if options["online"] else None  # None: the IPWATCH_GEOCODE_ONLINE setting decides
        if options["background"] and not options["pending"]:
            raise CommandError("--background goes with --pending")
        if options["wait"] and not options["background"]:
            raise CommandError("--wait goes with --background")
        if options["pending"]:
            if options["country"] or options["province"]:
                raise CommandError("--pending uses each place's own country; drop --country/--province")
            if options["background"]:
                return self.background(online, options["wait"], quiet=options["verbosity"] < 1)
            return self.pending(online, options["json"])
        country = self.country(options["country"])
        countries = self.province_countries(options["province"]) if not country else None
        results = [geocode_name(name, country=country, countries=countries, online=online) for name in names]
        if options["json"]:
            self.stdout.write(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
        else:
            for result in results:
                self.stdout.write(self.describe(result))
        unresolved = [r for r in results if not r.resolved]
        if unresolved:
            raise CommandError(f"{len(unresolved)} of {len(results)} names not resolved", returncode=1)

    def country(self, value):
        if not value:
            return None
        try:
            return country_code(value)
        except UnknownCountry:
            raise CommandError(f"--country {value!r} is not an ISO 3166-1 alpha-2 code (e.g. LY, IQ, NG)") from None

    def province_countries(self, slug):
        if not slug:
            return None
        province = Province.objects.filter(slug=slug).first()
        if province is None:
            raise CommandError(f"--province {slug!r}: no province with that slug")
        return province.countries or None

    @staticmethod
    def describe(result) -> str:
        if not result.resolved:
            line = f"{result.query}: NOT FOUND — {result.error}"
            if result.alternatives:
                line += "\n  elsewhere: " + "; ".join(a.describe() for a in result.alternatives)
            return line
        best = result.best
        line = f"{result.query} → {best.describe()}  score {best.score:.2f}  {best.source}  ({best.how})"
        if result.note:
            line += f"\n  note: {result.note}"
        if result.alternatives:
            label = "AMBIGUOUS, also" if result.ambiguous else "also"
            line += f"\n  {label}: " + "; ".join(a.describe() for a in result.alternatives)
        return line

    def background(self, online, wait, quiet):
        from ipwatch.jobs.follow import follow
        from ipwatch.jobs.runners import enqueue_geocoding

        job = enqueue_geocoding(online=online)
        self.stdout.write(f"Queued job #{job.pk}: a worker (manage.py db_worker) runs it.")
        if wait:
            follow(job, self.stdout, self.stderr, quiet=quiet)

    def pending(self, online, as_json):
        places = pending_places()
        total = places.count()
        with tqdm(total=total, desc="geocoding", unit="place", file=self.stderr) as bar:
            outcomes = geocode_places(places, online=online, step=bar.update)
        unresolved = [(p, o) for p, o in outcomes if not o.applied]
        if as_json:
            rows = []
            for place, outcome in outcomes:
                row = {"place_id": place.pk, "place": place.name, "applied": outcome.applied, "reason": outcome.reason}
                if outcome.result is not None:
                    row.update(outcome.result.to_dict())
                rows.append(row)
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"Geocoded {total - len(unresolved)} of {total} places without coordinates.")
            for place, outcome in outcomes:
                if outcome.applied:
                    self.stdout.write(f"  #{place.pk} {self.describe(outcome.result)}")
            if unresolved:
                self.stdout.write(f"Unresolved ({len(unresolved)}):")
                for place, outcome in unresolved:
                    self.stdout.write(f"  #{place.pk} {place.name} ({place.country}): {outcome.reason}")
        if unresolved:
            raise CommandError(f"{len(unresolved)} of {total} places not geocoded", returncode=1)
