"""Querysets that read as the domain: Incident.objects.published().in_province("fezzan")."""

import datetime as dt

from django.db import models

from .choices import ClaimStatus, IncidentStatus


def published_through(relation: str = "") -> models.Q:
    """The "published" rule as a Q, on Incident itself or through a relation to it: for a filter
    or an annotation on another model, e.g. ``Count("reports", filter=published_through("reports__incident"))``."""
    prefix = f"{relation}__" if relation else ""
    return models.Q(**{f"{prefix}status": IncidentStatus.PUBLISHED})


def unlocated() -> models.Q:
    """Incidents the map cannot draw: no place, or a place without coordinates."""
    return models.Q(place__isnull=True) | models.Q(place__latitude__isnull=True)


class CampaignQuerySet(models.QuerySet):
    def public(self):
        """Campaigns shown to the public: those with at least one published incident (a campaign
        recorded only for drafts must not leak through its name)."""
        return self.filter(published_through("incidents")).distinct()


class IncidentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_through())

    def visible_to(self, user):
        """Anonymous users and the public see published incidents; analysts and staff also see
        incidents in review (never drafts of others' unfinished work on public pages)."""
        if user_is_analyst(user):
            return self.filter(status__in=[IncidentStatus.PUBLISHED, IncidentStatus.REVIEW])
        return self.published()

    def in_province(self, province):
        """Accepts a Province, a slug, or an iterable of either."""
        if isinstance(province, (list, tuple, set, frozenset)):
            slugs = [getattr(p, "slug", p) for p in province]
            return self.filter(province__slug__in=slugs)
        return self.filter(province__slug=getattr(province, "slug", province))

    def in_country(self, country: str):
        return self.filter(place__country=country.upper())

    def between(self, since: dt.date | None = None, until: dt.date | None = None):
        """Incidents whose (period-start) date falls within [since, until], either bound optional."""
        queryset = self
        if since:
            queryset = queryset.filter(date__gte=since)
        if until:
            queryset = queryset.filter(date__lte=until)
        return queryset

    def of_type(self, incident_type):
        """Accepts a type or an iterable of types."""
        if isinstance(incident_type, (list, tuple, set, frozenset)):
            return self.filter(incident_type__in=incident_type)
        return self.filter(incident_type=incident_type)

    def claimed(self):
        return self.filter(claim_status=ClaimStatus.CLAIMED)

    def unclaimed(self):
        return self.exclude(claim_status=ClaimStatus.CLAIMED)

    def with_coordinates(self):
        return self.filter(place__latitude__isnull=False, place__longitude__isnull=False)

    def without_coordinates(self):
        return self.filter(unlocated())

    def in_bbox(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float):
        """Incidents whose place lies in the box; a box with min_lon > max_lon crosses the antimeridian."""
        queryset = self.filter(place__latitude__gte=min_lat, place__latitude__lte=max_lat)
        if min_lon <= max_lon:
            return queryset.filter(place__longitude__gte=min_lon, place__longitude__lte=max_lon)
        return queryset.filter(models.Q(place__longitude__gte=min_lon) | models.Q(place__longitude__lte=max_lon))

    def mentioning(self, text: str):
        """Text search over public fields only: internal notes are never searchable from public pages."""
        return self.filter(
            models.Q(summary__icontains=text)
            | models.Q(place__name__icontains=text)
            | models.Q(place__name_ar__icontains=text)
            | models.Q(province__name__icontains=text)
        )

    def with_related(self):
        return self.select_related("place", "province", "campaign")

    def chronological(self):
        return self.order_by("date", "id")

    def latest_first(self):
        return self.order_by("-date", "-id")


ANALYST_GROUPS = ("Analysts", "Editors", "Reviewers")


def user_is_analyst(user) -> bool:
    """Analysts, editors and reviewers may read unpublished (in review) work. Cached per request user."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not hasattr(user, "_ipwatch_is_analyst"):
        user._ipwatch_is_analyst = user.is_superuser or user.groups.filter(name__in=ANALYST_GROUPS).exists()
    return user._ipwatch_is_analyst
