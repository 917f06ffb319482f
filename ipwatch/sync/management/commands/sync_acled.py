from ipwatch.sync.command import SyncCommand


class Command(SyncCommand):
    help = (
        "Read ACLED's API (OAuth with ACLED_EMAIL/ACLED_PASSWORD): events added or changed since the last run "
        "(or --since), Islamic State actors mapped to provinces only, and retract the events ACLED deleted."
    )
    source = "acled"
    label = "ACLED"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--country", nargs="+", action="extend", default=[], metavar="CC", help="ISO 3166-1 alpha-2 codes"
        )

    def options_for_sync(self, options) -> dict:
        return {**super().options_for_sync(options), "countries": [code.upper() for code in options["country"]]}
