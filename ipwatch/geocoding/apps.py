from django.apps import AppConfig


class GeocodingConfig(AppConfig):
    name = "ipwatch.geocoding"
