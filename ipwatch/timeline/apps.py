from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_rollup(sender, using="default", **kwargs):
    # On SQLite a migration that rebuilds core_incident (add/alter a column) drops its triggers:
    # put them back and rebuild the rollup, so it never silently stops following the table.
    from . import rollup

    rollup.ensure_installed(using)


class TimelineConfig(AppConfig):
    name = "ipwatch.timeline"

    def ready(self):
        post_migrate.connect(_ensure_rollup, sender=self, dispatch_uid="timeline-rollup-triggers")
