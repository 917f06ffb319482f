from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "ipwatch.sync"
    verbose_name = "ACLED and UCDP sync"
