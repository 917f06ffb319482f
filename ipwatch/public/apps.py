from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "ipwatch.public"

    def ready(self):
        # Any change to the data (incident published, edited, retracted; a report, place, source…)
        # makes every cached public page and API response stale.
        from ipwatch.core.cache import connect_invalidation_signals

        connect_invalidation_signals()
