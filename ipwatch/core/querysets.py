"""Querysets that read as the domain: Incident.objects.published().in_province("fezzan")."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from . import search, workflow
from .choices import ClaimStatus, IncidentStatus


def published_through(relation: str = "") -> models.Q:
    """The "published" rule as a Q, on Incident itself or through a relation to it: for a filter
    or an annotation on another model, e.g. ``Count("reports", filter=published_through("reports__incident"))``."""
    prefix = f"{relation}__" if relation else ""
    return models.Q(**{f"{prefix}status": IncidentStatus.PUBLISHED})


def unlocated() -> models.Q:
    """Incidents the map cannot draw: no place, or a place without coordinates."""
    return models.Q(place__isnull=True) | models.Q(place__latitude__isnull=True)


class PlaceQuerySet(models.QuerySet):
    def with_coordinates(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)


class CampaignQuerySet(models.QuerySet):
    def public(self):
        """Campaigns shown to the public: those with at least one published incident (a campaign
        recorded only for drafts must not leak through its name)."""
        # EXISTS probes the incidents' campaign index; a join with DISTINCT read every incident.
        incidents = self.model._meta.get_field("incidents").related_model.objects
        return self.filter(models.Exists(incidents.filter(published_through(), campaign=models.OuterRef("pk"))))


STATUS_ONE_AT_A_TIME = "change statuses one record at a time, with record.transition(status, user)"


class EditorialQuerySet(models.QuerySet):
    """What incidents and activity records share: the writes, where the workflow's rule holds as in
    EditorialRecord.save (see workflow.py), and who sees which record."""

    def create(self, *, acting_user=None, **fields):
        with workflow.acting_as(workflow.actor_or_ambient(acting_user)):
            return super().create(**fields)

    def bulk_create(self, objs, *args, acting_user=None, **kwargs):
        """New records start as drafts unless `acting_user` may publish (e.g. an import as
        published by a reviewer or from the command line)."""
        objs = list(objs)
        actor = workflow.actor_or_ambient(acting_user)
        for status in {obj.status for obj in objs}:
            workflow.check_creation(status, actor, noun=self.model.record_noun)
        for obj in objs:
            workflow.stamp_publication(obj, None)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if "status" in fields:
            raise PermissionDenied(STATUS_ONE_AT_A_TIME)
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, acting_user=None, **fields):
        """A status set through update() follows the workflow for every row it touches."""
        if "status" in fields:
            new = fields["status"]
            if not isinstance(new, str) or new == IncidentStatus.MERGED:  # bulk_update's CASE; merges set merged_into
                raise PermissionDenied(STATUS_ONE_AT_A_TIME)
            actor = workflow.actor_or_ambient(acting_user)
            for stored in self.order_by().values_list("status", flat=True).distinct():
                workflow.check_transition(stored, new, actor, noun=self.model.record_noun)
            if new == IncidentStatus.PUBLISHED:
                fields.setdefault(
                    "published_at",
                    models.Case(
                        models.When(status=IncidentStatus.PUBLISHED, published_at__isnull=False, then="published_at"),
                        default=models.Value(timezone.now()),
                    ),
                )
        return super().update(**fields)

    def published(self):
        return self.filter(published_through())

    def visible_to(self, user):
        """Anonymous users and the public see published records; analysts and staff also see
        records in review (never drafts of others' unfinished work on public pages)."""
        if workflow.may_view_unpublished(user):
            return self.filter(status__in=[IncidentStatus.PUBLISHED, IncidentStatus.REVIEW])
        return self.published()


class IncidentQuerySet(EditorialQuerySet):
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
        """Incidents whose public text mentions every word of ``text``, in any spelling the search
        knows (see core/search.py); unchanged for an empty text. Internal notes are never searched."""
        return search.matching(self, text)

    def with_related(self):
        return self.select_related("place", "province", "campaign")

    def chronological(self):
        return self.order_by("date", "id")

    def latest_first(self):
        return self.order_by("-date", "-id")


def user_is_analyst(user) -> bool:
    """Analysts, editors and reviewers may read unpublished (in review) work: a permission
    (core.view_unpublished_incident), never a group name."""
    return workflow.may_view_unpublished(user)
