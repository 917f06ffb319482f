from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ipwatch.jobs"
    verbose_name = "Background jobs"
