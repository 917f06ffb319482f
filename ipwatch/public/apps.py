from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "ipwatch.public"

    def ready(self):
        # A change to the data (incident published, edited, retracted; a report, place, source…)
        # makes the cached public pages and API responses it can affect stale (ipwatch.core.cache).
        from ipwatch.core.cache import connect_invalidation_signals

        connect_invalidation_signals()
