from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "ipwatch.timeline"
