"""The ipwatch data model: provinces, places, sources, campaigns, milestones, incidents and each
source's report of them, changes to published incidents waiting for review (PendingChange), and the
EditorialRecord base whose workflow incidents and activity records share."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import RegexValidator
from django.db import models, router, transaction
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .choices import (
    ChangeOrigin,
    ClaimStatus,
    DatePrecision,
    GeocoderKind,
    IncidentStatus,
    IncidentType,
    InformationCredibility,
    LocationPrecision,
    ReviewStatus,
    SourceKind,
    SourceReliability,
    TargetType,
)
from .countries import validate_country_code, validate_country_list
from .dates import RecordDateField, format_at_precision, period_start
from .querysets import CampaignQuerySet, IncidentQuerySet, PlaceQuerySet
from .two_person import check_two_person
from .workflow import (  # noqa: F401  (TRANSITIONS and PUBLISH_PERMISSION are imported from here)
    PUBLISH_PERMISSION,
    TRANSITIONS,
    actor_or_ambient,
    check_change,
    stamp_publication,
)


def validate_alias_list(value) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("aliases must be a list of names")


class Province(models.Model):
    """An Islamic State "province" (wilayah), e.g. Wilayat Fezzan."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    name_ar = models.CharField("Arabic name", max_length=100, blank=True)
    aliases = models.JSONField(default=list, blank=True, validators=[validate_alias_list])
    countries = models.JSONField(
        default=list, blank=True, validators=[validate_country_list], help_text="ISO 3166-1 alpha-2 codes"
    )
    announced_on = RecordDateField(null=True, blank=True)
    dissolved_on = RecordDateField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_provinces"
    )
    color = models.CharField(
        max_length=7,
        default="#666666",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "color must be a hex colour like #b03a2e")],
    )
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("public:province-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.announced_on and self.dissolved_on and self.dissolved_on < self.announced_on:
            raise ValidationError({"dissolved_on": "dissolved_on must not be before announced_on"})
        if self.merged_into_id and self.merged_into_id == self.pk:
            raise ValidationError({"merged_into": "a province cannot be merged into itself"})


class Place(models.Model):
    name = models.CharField(max_length=200)
    name_ar = models.CharField("Arabic name", max_length=200, blank=True)
    aliases = models.JSONField(default=list, blank=True, validators=[validate_alias_list])
    country = models.CharField(max_length=2, validators=[validate_country_code], help_text="ISO 3166-1 alpha-2")
    admin1 = models.CharField("first-level region", max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_precision = models.CharField(
        max_length=10, choices=LocationPrecision.choices, default=LocationPrecision.NEAR
    )
    geocoder = models.CharField(max_length=10, choices=GeocoderKind.choices, default=GeocoderKind.NONE, blank=True)
    gazetteer_id = models.CharField(max_length=50, blank=True, help_text="e.g. geonames:2212775")
    verified = models.BooleanField(default=False, help_text="Coordinates checked by an editor")
    history = HistoricalRecords()

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["country", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="place_coordinates_both_or_neither",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.country})"

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def clean(self):
        errors = {}
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            errors["latitude"] = "latitude must be between −90 and 90"
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            errors["longitude"] = "longitude must be between −180 and 180"
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            errors[missing] = "give both latitude and longitude, or neither"
        if self.country:
            self.country = self.country.upper()
        if errors:
            raise ValidationError(errors)


class Source(models.Model):
    """An outlet that reports or claims incidents: Amaq, Al Naba, Reuters, a local official…"""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    url = models.URLField(blank=True)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_group_media(self) -> bool:
        return self.kind == SourceKind.GROUP_MEDIA


class Campaign(models.Model):
    """A campaign the group announced, e.g. 2019's "revenge for Syria" (Al-Sham)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    start_date = RecordDateField(null=True, blank=True)
    end_date = RecordDateField(null=True, blank=True)
    claimed_operations = models.PositiveIntegerField(null=True, blank=True)
    claimed_countries = models.PositiveIntegerField(null=True, blank=True)
    claim_source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT)
    claim_reference = models.CharField(max_length=300, blank=True, help_text='e.g. "Al Naba 177 infographic"')
    description = models.TextField(blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]

    def __str__(self):
        return self.name


class Milestone(models.Model):
    """Dated context drawn on the timeline, e.g. the loss of Sirte (late 2016)."""

    date = RecordDateField()
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    province = models.ForeignKey(Province, null=True, blank=True, on_delete=models.SET_NULL)
    source_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date_display}: {self.title}"

    def save(self, *args, **kwargs):
        self.date = period_start(self.date, self.date_precision)
        super().save(*args, **kwargs)

    @property
    def date_display(self) -> str:
        return format_at_precision(self.date, self.date_precision)


class EditorialRecord(models.Model):
    """Who created, last changed and published a record of the editorial workflow, and when: the
    fields incidents and activity records both keep (the admin's folded "Record" fieldset)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # What the workflow's messages call one record of the model ("only reviewers may publish or
    # retract incidents").
    record_noun = "record"

    class Meta:
        abstract = True

    # The editorial workflow (the rules: workflow.py), one definition for every kind of record ------
    def save(self, *args, acting_user=None, **kwargs):
        """Save, enforcing the workflow against the status stored in the database.

        `acting_user` is whoever makes the change (a request's user, or workflow.SYSTEM on the
        command line; else the one `workflow.acting_as` names); a status change or a non-draft
        creation without one is refused. Records who created and changed the record, and stamps
        published_at.
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" not in update_fields:
            super().save(*args, **kwargs)
            return
        actor = actor_or_ambient(acting_user)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            stored = self.stored_status(using)
            self._check_change(stored, self.status, actor)
            stamp_publication(self, stored)
            if getattr(actor, "pk", None) and update_fields is None:
                if stored is None and self.created_by_id is None:
                    self.created_by = actor
                self.updated_by = actor
                self._history_user = actor  # simple_history records who made the change
            super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        """Public now (templates mark everything else as visible to analysts only)."""
        return self.status == IncidentStatus.PUBLISHED

    def stored_status(self, using=None) -> str | None:
        """The status as the database has it now (None for a record not saved yet), locked for the
        rest of the transaction where the database can lock rows."""
        if self.pk is None:
            return None
        rows = type(self)._base_manager.using(using).filter(pk=self.pk)
        connection = transaction.get_connection(using)
        if connection.in_atomic_block and connection.features.has_select_for_update:
            rows = rows.select_for_update()
        return rows.values_list("status", flat=True).first()

    @property
    def merge_target_id(self):
        """The record this one is being merged into: only incidents merge (Incident overrides)."""
        return None

    def _check_change(self, stored: str | None, new_status: str, user) -> None:
        check_change(stored, new_status, user, merged_into_id=self.merge_target_id, noun=self.record_noun)
        if stored != new_status:
            check_two_person(self, new_status, user)

    def check_status_change(self, new_status: str, user) -> None:
        """Raise ValidationError/PermissionDenied if `user` may not give the record, as stored in
        the database now, `new_status` (for forms, before anything is saved)."""
        self._check_change(self.stored_status(), new_status, user)

    def transition(self, new_status: str, user) -> None:
        """The way status changes: set it and save everything, as `user`, or change nothing."""
        previous = self.status
        self.status = new_status
        try:
            self.save(acting_user=user)
        except (PermissionDenied, ValidationError):
            self.status = previous
            raise


def unique_external_id(name: str) -> models.UniqueConstraint:
    """A dataset's own event id names one record at most (records entered by hand have none)."""
    return models.UniqueConstraint(
        fields=["external_source", "external_id"], condition=~models.Q(external_id=""), name=name
    )


class Incident(EditorialRecord):
    date = RecordDateField(help_text="Stored as the first day of its period (see date precision)")
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    end_date = RecordDateField(null=True, blank=True)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    province = models.ForeignKey(
        Province,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        help_text="The wilayah the incident is attributed to or claimed for",
    )
    incident_type = models.CharField(max_length=20, choices=IncidentType.choices)
    target_type = models.CharField(max_length=20, choices=TargetType.choices, blank=True)
    summary = models.TextField(help_text="Public")
    internal_notes = models.TextField(blank=True, help_text="Never shown to the public")
    killed_low = models.PositiveIntegerField(null=True, blank=True)
    killed_best = models.PositiveIntegerField(null=True, blank=True)
    killed_high = models.PositiveIntegerField(null=True, blank=True)
    wounded_low = models.PositiveIntegerField(null=True, blank=True)
    wounded_best = models.PositiveIntegerField(null=True, blank=True)
    wounded_high = models.PositiveIntegerField(null=True, blank=True)
    kidnapped = models.PositiveIntegerField(null=True, blank=True)
    claim_status = models.CharField(max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.UNCLAIMED)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents")
    status = models.CharField(max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.DRAFT)
    is_synthetic = models.BooleanField(default=False, help_text="Generated for load and benchmark work, not real")
    external_source = models.CharField(max_length=20, blank=True, help_text="Dataset imported from, e.g. acled")
    external_id = models.CharField(max_length=100, blank=True, help_text="The dataset's own event id")
    search_text = models.TextField(
        blank=True,
        editable=False,
        default="",
        help_text="Normalised public text for q= search (ipwatch.core.search); maintained automatically",
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_incidents",
        help_text="The incident this duplicate was merged into (its reports moved there)",
    )
    history = HistoricalRecords(excluded_fields=["search_text"])

    objects = IncidentQuerySet.as_manager()
    record_noun = "incident"

    class Meta:
        ordering = ["-date", "-id"]
        permissions = [
            ("publish_incident", "Can publish and retract incidents"),
            ("view_unpublished_incident", "Can read incidents in review on the public pages"),
        ]
        indexes = [
            models.Index(fields=["status", "date"]),
            models.Index(fields=["province", "status", "date"]),
            models.Index(fields=["incident_type"]),
            # "Last published" and "last updated" on the overview: one index probe each, not a scan.
            models.Index(fields=["status", "published_at"], name="incident_status_published_at"),
            models.Index(fields=["status", "updated_at"], name="incident_status_updated_at"),
            # Covers the map's data request (ipwatch/maps/compact.py): every column it reads, in id
            # order, without touching the wide table rows (an index-only scan on both databases).
            models.Index(
                fields=["status", "id", "date", "place", "province", "killed_best", "wounded_best", "is_synthetic"],
                name="incident_map_covering",
            ),
            # The filter chips' counts (ipwatch/core/filter_form.py facet_counts): published incidents
            # per province and type, read from this index alone and already in group order.
            models.Index(fields=["status", "province", "incident_type"], name="incident_facets"),
        ]
        constraints = [unique_external_id("incident_unique_external_id")]

    def __str__(self):
        place = self.place.name if self.place_id else "unknown place"
        return f"{self.date_display} — {self.get_incident_type_display()} at {place}"

    def save(self, *args, **kwargs):
        if self.date and self.date_precision:
            self.date = period_start(self.date, self.date_precision)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("public:incident-detail", kwargs={"pk": self.pk})

    @property
    def date_display(self) -> str:
        return format_at_precision(self.date, self.date_precision)

    def clean(self):
        errors = {}
        if self.date and self.date_precision:
            self.date = period_start(self.date, self.date_precision)
        if self.date and self.end_date and self.end_date < self.date:
            errors["end_date"] = "end date must not be before the date"
        for figure in ("killed", "wounded"):
            low, best, high = (getattr(self, f"{figure}_{bound}") for bound in ("low", "best", "high"))
            if low is not None and best is not None and low > best:
                errors[f"{figure}_low"] = f"{figure}_low must not exceed {figure}_best"
            if best is not None and high is not None and best > high:
                errors[f"{figure}_high"] = f"{figure}_high must not be below {figure}_best"
            elif low is not None and high is not None and low > high:
                errors[f"{figure}_high"] = f"{figure}_high must not be below {figure}_low"
        if errors:
            raise ValidationError(errors)

    @property
    def merge_target_id(self):
        return self.merged_into_id


# Reports in publication order with the undated ones first, on every database (PostgreSQL would
# otherwise put NULLs last and SQLite first).
UNDATED_FIRST = models.F("published_on").asc(nulls_first=True)


class Report(models.Model):
    """One source's account of one incident, with that source's own figures."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="reports")
    url = models.URLField(blank=True, max_length=500)
    published_on = RecordDateField(
        null=True, blank=True, help_text="When the source published it (the first day of its period, see precision)"
    )
    published_precision = models.CharField(
        "publication date precision",
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text='How precisely the publication date is known, e.g. month for "May 2019"',
    )
    title = models.CharField(max_length=300, blank=True, help_text='e.g. "Al Naba 177" or an article headline')
    is_claim = models.BooleanField(
        default=False, help_text="The group's own claim (Amaq, Al Naba…) rather than independent reporting"
    )
    killed = models.PositiveIntegerField(null=True, blank=True)
    wounded = models.PositiveIntegerField(null=True, blank=True)
    killed_or_wounded = models.PositiveIntegerField(
        null=True, blank=True, help_text='One combined figure, as claims often give ("16 killed or wounded")'
    )
    kidnapped = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField(blank=True, help_text="What the source said, in brief")
    source_reliability = models.CharField(
        max_length=1,
        choices=SourceReliability.choices,
        blank=True,
        help_text="Admiralty grade A–F of the source (group media: F unless you judge otherwise)",
    )
    information_credibility = models.CharField(
        max_length=1,
        choices=InformationCredibility.choices,
        blank=True,
        help_text="Admiralty grade 1–6 of this report's information",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = [UNDATED_FIRST, "id"]
        indexes = [models.Index(fields=["incident", "is_claim"])]

    def __str__(self):
        return f"{self.source}: {self.title or 'report'}"

    def save(self, *args, **kwargs):
        if self.published_on and self.published_precision:
            self.published_on = period_start(self.published_on, self.published_precision)
        self.apply_source_defaults()
        super().save(*args, **kwargs)

    @property
    def published_display(self) -> str:
        """The publication date at its known precision ("May 2019"), "" when not recorded."""
        return format_at_precision(self.published_on, self.published_precision) if self.published_on else ""

    def apply_source_defaults(self) -> None:
        """A report from the group's own media is graded F ("reliability cannot be judged") unless
        an editor graded its source otherwise."""
        if self.source_id is not None and not self.source_reliability and self.source.is_group_media:
            self.source_reliability = SourceReliability.F

    @property
    def claim_kind_mismatch(self) -> str:
        """A warning when "is claim" disagrees with what the source is, else ""."""
        if self.source_id is None:
            return ""
        if self.source.is_group_media and not self.is_claim:
            return f"{self.source} is the group's own media but this report is not marked as a claim"
        if self.is_claim and not self.source.is_group_media:
            return f"this report is marked as the group's claim but {self.source} is not group media"
        return ""

    @property
    def grading(self) -> str:
        """ "B2", "F", "3" or "" (what was recorded, nothing invented)."""
        return f"{self.source_reliability}{self.information_credibility}"

    @property
    def grading_description(self) -> str:
        """ "source usually reliable; information probably true" for the grades recorded."""
        parts = []
        if self.source_reliability:
            parts.append("source " + SourceReliability(self.source_reliability).meaning)
        if self.information_credibility:
            parts.append("information " + InformationCredibility(self.information_credibility).meaning)
        return "; ".join(parts)


class PendingChange(models.Model):
    """A change to a published incident that the public does not see until a reviewer accepts it
    (from a re-import, or an editor without publish permission). The incident itself is untouched
    until then; `changes` maps each field to its published and proposed values (as JSON)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="pending_changes")
    origin = models.CharField(max_length=10, choices=ChangeOrigin.choices)
    changes = models.JSONField(help_text='{"field": {"old": published value, "new": proposed value}}')
    note = models.CharField(max_length=300, blank=True, help_text='e.g. "Imported from acled file 2019.csv"')
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["status", "incident"])]

    def __str__(self):
        source = (
            "a re-import" if self.origin == ChangeOrigin.IMPORT else f"an edit by {self.created_by or 'an editor'}"
        )
        return f"Change to incident {self.incident_id} from {source}: {', '.join(self.changes)}"
