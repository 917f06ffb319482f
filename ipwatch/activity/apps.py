from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "ipwatch.activity"
    verbose_name = "ipwatch activity beyond attacks"

    def ready(self):
        from . import signals

        signals.connect()
