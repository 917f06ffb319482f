from django.core.management.base import BaseCommand

from ipwatch.core.sample_data import load_sample_data


class Command(BaseCommand):
    help = "Load the real, sourced sample data from fixtures/ (idempotent)."

    def handle(self, *args, **options):
        counts = load_sample_data()
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Sample data loaded: {summary}."))
