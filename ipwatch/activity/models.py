"""Province activity beyond attacks: one table for every non-attack kind, with its per-source reports.

Attacks stay in core.Incident (untouched, so attack queries keep their speed); the seven other kinds
share one ``Activity`` table with the common fields every kind has (date and precision, place,
province, title, public summary, internal notes, workflow status and history) and a few nullable
detail fields per kind (``KIND_FIELDS`` says which belong to which kind; ``clean()`` refuses values
in another kind's fields). The editorial workflow (saving, ``transition``, the stored status) is the
incidents' own, inherited from ``core.models.EditorialRecord``. See docs/architecture.md.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ipwatch.core.choices import DatePrecision, IncidentStatus
from ipwatch.core.dates import RecordDateField, format_at_precision, period_end, period_start
from ipwatch.core.models import Campaign, EditorialRecord, Incident, Place, Province, Source, unique_external_id

from .choices import (
    ACTIVITY_STATUSES,
    NON_ATTACK_KINDS,
    ActivityKind,
    Authority,
    CaseStage,
    DesignatedEntity,
    LeadershipEvent,
    MediaType,
    PledgeType,
)
from .querysets import ActivityQuerySet

# The detail fields of each kind, in the order forms, pages and the CSV show them.
KIND_FIELDS = {
    ActivityKind.MEDIA_RELEASE: [
        "outlet",
        "media_type",
        "language",
        "issue_number",
        "media_office",
        "campaign",
        "claimed_incidents",
    ],
    ActivityKind.DESIGNATION: ["authority", "designated_entity", "designated_name", "reference"],
    ActivityKind.ARREST: ["people_held", "alleged_link", "intended_target"],
    ActivityKind.LEGAL_CASE: ["court", "jurisdiction", "stage", "outcome", "linked_arrest"],
    ActivityKind.PLEDGE: ["pledge_type", "pledged_by"],
    ActivityKind.LEADERSHIP: ["leadership_event", "person", "role"],
    ActivityKind.TERRITORY: ["end_date", "end_date_precision"],
}
DETAIL_FIELDS = [name for names in KIND_FIELDS.values() for name in names]
# The free-text fields a reader sees on a record's page (internal_notes is never one of them).
PUBLIC_TEXT_FIELDS = [
    "title",
    "summary",
    "language",
    "media_office",
    "designated_name",
    "reference",
    "alleged_link",
    "intended_target",
    "court",
    "jurisdiction",
    "outcome",
    "pledged_by",
    "person",
    "role",
]
# Detail fields without which a record of the kind says too little.
REQUIRED_FIELDS = {
    ActivityKind.MEDIA_RELEASE: ["media_type"],  # the outlet is not always known (a photo set "the group published")
    ActivityKind.DESIGNATION: ["authority", "designated_name"],
    ActivityKind.LEGAL_CASE: ["stage"],
    ActivityKind.PLEDGE: ["pledge_type"],
    ActivityKind.LEADERSHIP: ["leadership_event"],
}


class Activity(EditorialRecord):
    kind = models.CharField(max_length=20, choices=NON_ATTACK_KINDS)
    date = RecordDateField(
        null=True,
        blank=True,
        help_text="Stored as the first day of its period. For territory: held from (blank when unknown)",
    )
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="activities")
    province = models.ForeignKey(Province, null=True, blank=True, on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(max_length=300, help_text="Public")
    summary = models.TextField(blank=True, help_text="Public")
    internal_notes = models.TextField(blank=True, help_text="Never shown to the public")

    # media_release: an official product of the group's media. Cited by outlet, title and date only.
    outlet = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="media_releases",
        limit_choices_to={"kind": "group_media"},
    )
    media_type = models.CharField(max_length=20, choices=MediaType.choices, blank=True)
    language = models.CharField(max_length=50, blank=True)
    issue_number = models.PositiveIntegerField(null=True, blank=True, help_text="e.g. 177 for Al Naba 177")
    media_office = models.CharField(
        "province media office credited", max_length=200, blank=True, help_text='e.g. "Wilayat Fezzan"'
    )
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities")
    claimed_incidents = models.ManyToManyField(
        Incident, blank=True, related_name="claiming_releases", help_text="The attacks this release claims"
    )
    # designation
    authority = models.CharField(max_length=30, choices=Authority.choices, blank=True)
    designated_entity = models.CharField(max_length=10, choices=DesignatedEntity.choices, blank=True)
    designated_name = models.CharField(max_length=300, blank=True)
    reference = models.CharField(max_length=200, blank=True, help_text="The authority's reference, e.g. QDe.115")
    # arrest
    people_held = models.PositiveIntegerField(null=True, blank=True)
    alleged_link = models.CharField("alleged province link", max_length=300, blank=True)
    intended_target = models.CharField(max_length=300, blank=True)
    # legal_case
    court = models.CharField(max_length=200, blank=True)
    jurisdiction = models.CharField(max_length=100, blank=True)
    stage = models.CharField(max_length=10, choices=CaseStage.choices, blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    linked_arrest = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_cases",
        limit_choices_to={"kind": ActivityKind.ARREST},
    )
    # pledge
    pledge_type = models.CharField(max_length=20, choices=PledgeType.choices, blank=True)
    pledged_by = models.CharField(max_length=300, blank=True)
    # leadership
    leadership_event = models.CharField(max_length=10, choices=LeadershipEvent.choices, blank=True)
    person = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    # territory: held from ``date`` until ``end_date``, each to its own precision
    end_date = RecordDateField("held until", null=True, blank=True)
    end_date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)

    status = models.CharField(max_length=10, choices=ACTIVITY_STATUSES, default=IncidentStatus.DRAFT)
    is_synthetic = models.BooleanField(default=False, help_text="Generated for load and benchmark work, not real")
    external_source = models.CharField(max_length=20, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    search_text = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="Normalised public text for q= search (ipwatch.activity.search); maintained automatically",
    )
    history = HistoricalRecords(m2m_fields=[claimed_incidents], excluded_fields=["search_text"])

    objects = ActivityQuerySet.as_manager()
    record_noun = "activity record"

    class Meta:
        verbose_name_plural = "activities"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["status", "kind", "date"]),
            models.Index(fields=["province", "status", "date"]),
        ]
        constraints = [unique_external_id("activity_unique_external_id")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def save(self, *args, **kwargs):
        self._normalise_dates()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("activity:detail", kwargs={"pk": self.pk})

    def _normalise_dates(self):
        if self.date and self.date_precision:
            self.date = period_start(self.date, self.date_precision)
        if self.end_date and self.end_date_precision:
            self.end_date = period_start(self.end_date, self.end_date_precision)

    @property
    def date_display(self) -> str:
        return format_at_precision(self.date, self.date_precision)

    @property
    def end_date_display(self) -> str:
        return format_at_precision(self.end_date, self.end_date_precision)

    @property
    def period_display(self) -> str:
        """ "until 2016", "Mar 2015 – 2016", "29 Apr 2019": never finer than known."""
        if self.kind != ActivityKind.TERRITORY:
            return self.date_display
        start = self.date_display or "unknown start"
        end = self.end_date_display or "unknown end"
        if not self.date:
            return f"until {end}" if self.end_date else "dates unknown"
        return f"{start} – {end}"

    @property
    def held_until(self):
        """The last day of the territory's period (its end date at its precision)."""
        return period_end(self.end_date, self.end_date_precision) if self.end_date else None

    @property
    def detail_fields(self) -> list[str]:
        return KIND_FIELDS.get(self.kind, [])

    def clean(self):
        errors = {}
        self._normalise_dates()
        if self.kind == ActivityKind.TERRITORY:
            if not self.date and not self.end_date:
                errors["date"] = "a territory needs at least a from date or an until date"
            if self.end_date and not self.end_date_precision:
                errors["end_date_precision"] = "give the precision of the until date"
            if self.date and self.end_date and self.held_until < self.date:
                errors["end_date"] = "the until date must not be before the from date"
        elif not self.date:
            errors["date"] = "this field is required"
        for kind, names in KIND_FIELDS.items():
            if kind == self.kind:
                continue
            for name in names:
                field = self._meta.get_field(name)
                if field.many_to_many:
                    continue  # checked on the form (the relation needs a saved record)
                if getattr(self, field.attname) not in (None, ""):
                    errors[name] = f"{field.verbose_name} belongs to {ActivityKind(kind).label.lower()} records"
        for name in REQUIRED_FIELDS.get(self.kind, []):
            if getattr(self, self._meta.get_field(name).attname) in (None, ""):
                errors[name] = f"required for a {self.get_kind_display().lower()}"
        if self.outlet_id and not self.outlet.is_group_media:
            errors["outlet"] = "the outlet of a media release is one of the group's media (a group-media source)"
        if self.linked_arrest_id and self.linked_arrest_id == self.pk:
            errors["linked_arrest"] = "a case cannot be linked to itself"
        if errors:
            raise ValidationError(errors)


class ActivityReport(models.Model):
    """One source's account of an activity record. The group's media are cited by outlet, title and
    date only: a report from a group-media source never carries a link."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="reports")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="activity_reports")
    url = models.URLField(blank=True, max_length=500)
    published_on = RecordDateField(null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)
    is_claim = models.BooleanField(
        default=False, help_text="The group's own account rather than independent reporting"
    )
    quote = models.TextField(blank=True, help_text="What the source said, in brief")
    history = HistoricalRecords()

    class Meta:
        ordering = ["published_on", "id"]

    def __str__(self):
        return f"{self.source}: {self.title or 'report'}"

    @property
    def published_display(self) -> str:
        """The publication date ("5 May 2019"), "" when not recorded (stored to the day)."""
        return format_at_precision(self.published_on, DatePrecision.DAY) if self.published_on else ""

    def clean(self):
        if self.url and self.source_id and self.source.is_group_media:
            raise ValidationError({"url": "the group's media are cited by outlet, title and date only, never linked"})
