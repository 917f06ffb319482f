from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ipwatch.core"
    verbose_name = "ipwatch data"

    def ready(self):
        from . import signals

        signals.connect()
