from ipwatch.sync.command import SyncCommand


class Command(SyncCommand):
    help = (
        "Read UCDP's GED API (token from UCDP_TOKEN): one GED version's events from where the last run of that "
        "version stopped (or --since), IS dyads/sides mapped to provinces only."
    )
    source = "ucdp"
    label = "UCDP"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # The GED --version VERSION replaces Django's --version (which prints the Django version).
        parser.conflict_handler = parser._optionals.conflict_handler = "resolve"
        parser.add_argument(
            "--version", dest="ged_version", metavar="VERSION", help="GED version, e.g. 25.1 or 26.0.8"
        )

    def options_for_sync(self, options) -> dict:
        return {**super().options_for_sync(options), "version": options["ged_version"]}
