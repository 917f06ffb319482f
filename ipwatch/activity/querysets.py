"""Activity.objects.published().of_kind("media_release").in_province("fezzan") — the same vocabulary
as IncidentQuerySet, so pages and APIs read alike for every kind."""

import datetime as dt

from django.db import models
from django.db.models.functions import Coalesce

from ipwatch.core import search
from ipwatch.core.choices import DatePrecision
from ipwatch.core.dates import period_start
from ipwatch.core.querysets import EditorialQuerySet, IncidentQuerySet

# A territory held "until late 2016" with no known start still overlaps any period before its end.
OPEN_START = dt.date(1, 1, 1)


class ActivityQuerySet(EditorialQuerySet):
    """The incidents' writes (the workflow's rule) and `published`/`visible_to` come from
    EditorialQuerySet; the place and search vocabulary is borrowed from IncidentQuerySet."""

    in_province = IncidentQuerySet.in_province
    in_country = IncidentQuerySet.in_country
    with_coordinates = IncidentQuerySet.with_coordinates
    in_bbox = IncidentQuerySet.in_bbox
    mentioning = IncidentQuerySet.mentioning  # the every-spelling search, on the activity's search text

    def of_kind(self, kinds):
        if isinstance(kinds, str):
            return self.filter(kind=kinds)
        return self.filter(kind__in=list(kinds))

    def between(self, since: dt.date | None = None, until: dt.date | None = None):
        """Records whose period overlaps [since, until]: a dated event by its date, a territory by its
        from–to span (an unknown start is open, an unknown end means the date only)."""
        queryset = self
        if since:
            # An end known to the year 2016 reaches past 2016-06-01: compare at the end's precision.
            ends = models.Q()
            for precision in DatePrecision.values:
                ends |= models.Q(end_date_precision=precision, end_date__gte=period_start(since, precision))
            queryset = queryset.filter(ends | models.Q(end_date__isnull=True, date__gte=since))
        if until:
            queryset = queryset.annotate(_starts=Coalesce("date", models.Value(OPEN_START))).filter(_starts__lte=until)
        return queryset

    def with_related(self):
        return self.select_related("place", "province", "outlet", "campaign")

    def chronological(self):
        return self.order_by(models.F("date").asc(nulls_first=True), "id")

    def latest_first(self):
        return self.order_by(Coalesce("date", "end_date").desc(), "-id")

    def most_relevant_first(self, query: str):
        """The best matches of ``query`` first (the incident list's relevance), then the latest."""
        ranked = search.with_relevance(self, query)
        return ranked.order_by(models.F("relevance").desc(), Coalesce("date", "end_date").desc(), "-id")
