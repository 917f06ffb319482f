from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from ipwatch.timeline import rollup


class Command(BaseCommand):
    help = (
        "Rebuild the published-attack rollup (timeline, overview, province pages) from the incidents table, "
        "reinstalling its triggers. A repair tool: the triggers keep it exact on every write. "
        "--check only compares it with a fresh aggregation and fails when they differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare only; exit with an error on a difference")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, check, database, **options):
        connection = connections[database]
        if check:
            missing = set(rollup.TRIGGERS) - rollup.installed_triggers(connection)
            differences = rollup.differences(database)
            for cell, (stored, fresh) in sorted(differences.items(), key=str)[:20]:
                self.stderr.write(f"cell {cell}: stored {stored}, from the incidents {fresh}")
            if missing or differences:
                raise CommandError(
                    f"the rollup differs from the incidents table in {len(differences)} cell(s)"
                    + (f"; missing triggers: {', '.join(sorted(missing))}" if missing else "")
                    + ". Repair with: manage.py rebuild_rollup"
                )
            self.stdout.write(self.style.SUCCESS("The rollup equals a fresh aggregation of the incidents table."))
            return
        with transaction.atomic(using=database):
            rollup.install_triggers(connection)
            cells = rollup.rebuild(database)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the rollup: {cells} cells from the published incidents."))
