"""The editors' tool. Editors draft and send to review; only reviewers publish or retract."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from . import workflow
from .admin_duplicates import DuplicatesAdminMixin
from .admin_forms import AliasesAsLinesMixin, ReportInlineForm, limit_status_choices
from .admin_review import ReviewedChangesMixin
from .choices import IncidentStatus, SourceKind
from .concurrency import OptimisticConcurrencyAdmin
from .models import PUBLISH_PERMISSION, Campaign, Incident, Milestone, Place, Province, Report, Source
from .pending import needs_review


@admin.register(Province)
class ProvinceAdmin(OptimisticConcurrencyAdmin, AliasesAsLinesMixin, SimpleHistoryAdmin):
    list_display = ["name", "name_ar", "slug", "country_list", "announced_on", "dissolved_on", "merged_into"]
    search_fields = ["name", "name_ar", "slug", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["merged_into"]

    @admin.display(description="countries")
    def country_list(self, province):
        return ", ".join(province.countries)


class PlaceAdmin(OptimisticConcurrencyAdmin, AliasesAsLinesMixin, SimpleHistoryAdmin):
    """The Place admin's lists and search. Registered by ``ipwatch.geocoding.admin``, whose subclass
    adds geocoding on save, the bulk geocode action, name suggestions and the map with its pin."""

    list_display = ["name", "name_ar", "country", "admin1", "latitude", "longitude", "location_precision", "geocoder"]
    list_filter = ["country", "location_precision", "geocoder", "verified"]
    search_fields = ["name", "name_ar", "aliases", "admin1"]


@admin.register(Source)
class SourceAdmin(OptimisticConcurrencyAdmin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Campaign)
class CampaignAdmin(OptimisticConcurrencyAdmin, admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "claimed_operations", "claimed_countries", "claim_source"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["claim_source"]


@admin.register(Milestone)
class MilestoneAdmin(OptimisticConcurrencyAdmin, admin.ModelAdmin):
    list_display = ["title", "date", "date_precision", "province"]
    list_filter = ["province"]
    search_fields = ["title", "description"]


class ReportInline(admin.StackedInline):
    """Compact: one line for who and when, one for the grading, the title across the whole width."""

    model = Report
    form = ReportInlineForm
    extra = 0
    autocomplete_fields = ["source"]
    classes = ["compact-reports"]
    fields = [
        ("source", "is_claim", "published_on"),
        ("source_reliability", "information_credibility"),
        "title",
        "url",
        ("killed", "wounded", "killed_or_wounded", "kidnapped"),
        "quote",
    ]

    def _held_for_review(self, request, obj) -> bool:
        """An editor's edits to a published incident's reports would reach the public at once."""
        return obj is not None and needs_review(obj, request.user)

    def has_add_permission(self, request, obj=None):
        return not self._held_for_review(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._held_for_review(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._held_for_review(request, obj) and super().has_delete_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # One query per page for the script that ticks "is claim" when a group outlet is picked.
        formset.form = type(
            "ReportForm",
            (formset.form,),
            {"group_media_ids": list(Source.objects.filter(kind=SourceKind.GROUP_MEDIA).values_list("pk", flat=True))},
        )
        return formset


class CountryListFilter(admin.SimpleListFilter):
    title = "country"
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = Place.objects.order_by("country").values_list("country", flat=True).distinct()
        return [(code, code) for code in codes]

    def queryset(self, request, queryset):
        return queryset.in_country(self.value()) if self.value() else queryset


def internal_and_record_fieldsets(*extra_record_fields):
    """The admin's last two fieldsets for incidents and activity: internal notes, and the folded record
    (synthetic flag, external id, any ``extra_record_fields``, who created/changed/published it and when)."""
    return [
        ("Internal (never public)", {"fields": ["internal_notes"]}),
        (
            "Record",
            {
                "classes": ["collapse"],
                "fields": [
                    "is_synthetic",
                    ("external_source", "external_id"),
                    *extra_record_fields,
                    ("created_at", "created_by"),
                    ("updated_at", "updated_by"),
                    "published_at",
                ],
            },
        ),
    ]


class WorkflowAdminMixin:
    """The editorial workflow in the admin, for every model of it (incidents, and the activity kinds
    beyond attacks): new records start as drafts, the status menu offers only the changes the
    workflow allows the user, the form refuses the rest with the model's reason, and the
    publish/retract actions need the reviewers' permission. One rule for every kind of record. List
    it before the other admin mixins, and end the chain with SaveThroughWorkflow."""

    def get_changeform_initial_data(self, request):
        return {"status": IncidentStatus.DRAFT, **super().get_changeform_initial_data(request)}

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        user = request.user

        class WorkflowForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if "status" in self.fields:
                    # The stored status: on the history form `obj` is an old version.
                    current = obj.stored_status() if obj is not None else None
                    limit_status_choices(self.fields["status"], user, current, obj)

            def clean_status(self):
                new_status = self.cleaned_data["status"]
                try:  # the model's rule, on the stored status
                    self.instance.check_status_change(new_status, user)
                except (PermissionDenied, ValidationError) as exc:
                    raise ValidationError(workflow.error_message(exc)) from None
                return new_status

        return WorkflowForm

    def _transition_selected(self, request, queryset, new_status):
        done, refused = 0, []
        for record in queryset:
            try:
                record.transition(new_status, request.user)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                message = exc.message_dict["status"][0] if isinstance(exc, ValidationError) else str(exc)
                refused.append(f"{record}: {message}")
        if done:
            label = IncidentStatus(new_status).label.lower()
            self.message_user(request, f"{done} {self.model._meta.verbose_name}(s) now {label}.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description="Send selected %(verbose_name_plural)s to review", permissions=["change"])
    def send_to_review(self, request, queryset):
        self._transition_selected(request, queryset, IncidentStatus.REVIEW)

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["publish"])
    def publish(self, request, queryset):
        self._transition_selected(request, queryset, IncidentStatus.PUBLISHED)

    @admin.action(description="Retract selected %(verbose_name_plural)s", permissions=["publish"])
    def retract(self, request, queryset):
        self._transition_selected(request, queryset, IncidentStatus.RETRACTED)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)


class SaveThroughWorkflow(SimpleHistoryAdmin):
    """The last save_model of a workflow admin's chain: every save, the form's and the history
    Revert form's alike, goes through the model's workflow as the requesting user (who is recorded
    as its author; published_at is stamped by the model's rule)."""

    def save_model(self, request, obj, form, change):
        obj.transition(obj.status, request.user)


@admin.register(Incident)
class IncidentAdmin(
    OptimisticConcurrencyAdmin, WorkflowAdminMixin, ReviewedChangesMixin, DuplicatesAdminMixin, SaveThroughWorkflow
):
    list_display = [
        "date_display",
        "place",
        "province",
        "incident_type",
        "killed_best",
        "wounded_best",
        "claim_status",
        "status",
        "is_synthetic",
    ]
    list_select_related = ["place", "province"]
    list_filter = [
        "status",
        "province",
        CountryListFilter,
        "incident_type",
        "claim_status",
        "date_precision",
        "is_synthetic",
        "date",
    ]
    search_fields = ["summary", "place__name", "place__name_ar", "province__name", "external_id"]
    date_hierarchy = "date"
    autocomplete_fields = ["place", "province", "campaign"]
    inlines = [ReportInline]

    class Media:
        css = {"all": ["core/admin.css"]}
        js = ["core/report_inline.js"]

    readonly_fields = [
        "created_at", "created_by", "updated_at", "updated_by", "published_at", "merged_into",
        "possible_duplicates", "pending_review",
    ]  # fmt: skip
    actions = ["send_to_review", "publish", "retract", "merge_selected"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": [("date", "date_precision", "end_date"), ("place", "province"), "status"]}),
        ("Possible duplicates", {"fields": ["possible_duplicates"]}),
        ("Changes awaiting review", {"fields": ["pending_review"]}),
        ("What happened", {"fields": [("incident_type", "target_type"), "summary", ("claim_status", "campaign")]}),
        (
            "Figures (editor's judgement; each report keeps its own)",
            {
                "fields": [
                    ("killed_low", "killed_best", "killed_high"),
                    ("wounded_low", "wounded_best", "wounded_high"),
                    "kidnapped",
                ]
            },
        ),
        *internal_and_record_fieldsets("merged_into"),
    ]

    @admin.display(description="date", ordering="date")
    def date_display(self, incident):
        return incident.date_display

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for report in form.instance.reports.select_related("source"):
            if report.claim_kind_mismatch:
                self.message_user(request, f"Check report “{report}”: {report.claim_kind_mismatch}.", messages.WARNING)
