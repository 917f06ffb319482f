from django.db import models


class GeocodeCache(models.Model):
    """Every answer an online geocoding service gave (found or not), so no name is asked twice.

    Keyed on the service, the normalised name and the country hint. Errors (timeouts, an
    unreachable service, rate limits) are never cached: the next call asks again.
    """

    service = models.CharField(max_length=20)  # "nominatim", "geonames"
    query_key = models.CharField(max_length=255, help_text="the name normalised as the gazetteer does")
    country = models.CharField(max_length=2, blank=True, help_text="country hint of the request, if any")
    query = models.CharField(max_length=255, help_text="the name as first asked")
    found = models.BooleanField(default=False)
    results = models.JSONField(default=list, blank=True, help_text="matches, best first")
    hits = models.PositiveIntegerField(default=0, help_text="answers served from this row since")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "query_key", "country"], name="geocodecache_unique_question")
        ]
        verbose_name = "online geocoding answer"

    def __str__(self):
        where = f" in {self.country}" if self.country else ""
        return f"{self.service}: {self.query}{where} ({'found' if self.found else 'not found'})"
