"""Querysets that read as the domain: Incident.objects.published().in_province("fezzan")."""

import datetime as dt

from django.db import models

from .choices import ClaimStatus, IncidentStatus


class PlaceQuerySet(models.QuerySet):
    def with_coordinates(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def without_coordinates(self):
        return self.filter(models.Q(latitude__isnull=True) | models.Q(longitude__isnull=True))

    def in_country(self, country: str):
        return self.filter(country=country.upper())


class CampaignQuerySet(models.QuerySet):
    def public(self):
        """Campaigns shown to the public: those with at least one published incident (a campaign
        recorded only for drafts must not leak through its name)."""
        return self.filter(incidents__status=IncidentStatus.PUBLISHED).distinct()


class IncidentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=IncidentStatus.PUBLISHED)

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
        if isinstance(incident_type, (list, tuple, set)):
            return self.filter(incident_type__in=incident_type)
        return self.filter(incident_type=incident_type)

    def claimed(self):
        return self.filter(claim_status=ClaimStatus.CLAIMED)

    def unclaimed(self):
        return self.exclude(claim_status=ClaimStatus.CLAIMED)

    def with_coordinates(self):
        return self.filter(place__latitude__isnull=False, place__longitude__isnull=False)

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
