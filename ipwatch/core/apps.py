from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ipwatch.core"
    verbose_name = "ipwatch data"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import search, signals

        signals.connect()
        post_migrate.connect(search.ensure_sqlite_index, sender=self, dispatch_uid="ipwatch-sqlite-search-index")
