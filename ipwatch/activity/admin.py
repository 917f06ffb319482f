"""The editors' tool for every non-attack kind: the incidents' workflow (WorkflowAdminMixin: drafts,
review, only reviewers publish or retract; SaveThroughWorkflow: every save as the requesting user),
the same place field with its geocoder ("+" adds a place, geocoded offline on save), reports per
source inline."""

from django import forms
from django.contrib import admin

from ipwatch.core.admin import SaveThroughWorkflow, WorkflowAdminMixin, internal_and_record_fieldsets
from ipwatch.core.concurrency import OptimisticConcurrencyAdmin

from .choices import ActivityKind
from .models import KIND_FIELDS, Activity, ActivityReport


class ActivityReportInline(admin.StackedInline):
    model = ActivityReport
    extra = 0
    autocomplete_fields = ["source"]
    fields = [("source", "is_claim", "published_on"), ("title", "url"), "quote"]


def _rows(names: list[str]) -> list:
    """Two fields a row, as the incident form lays out its figures."""
    return [tuple(names[i : i + 2]) if i + 1 < len(names) else names[i] for i in range(0, len(names), 2)]


@admin.register(Activity)
class ActivityAdmin(OptimisticConcurrencyAdmin, WorkflowAdminMixin, SaveThroughWorkflow):
    list_display = ["date_display", "kind", "title", "place", "province", "status", "is_synthetic"]
    list_select_related = ["place", "province"]
    list_filter = ["kind", "status", "province", "date_precision", "is_synthetic"]
    search_fields = ["title", "summary", "place__name", "province__name", "designated_name", "person"]
    date_hierarchy = None
    autocomplete_fields = ["place", "province", "outlet", "campaign", "claimed_incidents", "linked_arrest"]
    inlines = [ActivityReportInline]
    ordering = ["-date", "-id"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by", "published_at"]
    actions = ["send_to_review", "publish", "retract"]
    list_per_page = 50

    def get_fieldsets(self, request, obj=None):
        kind = obj.kind if obj else (request.POST.get("kind") or request.GET.get("kind"))
        fieldsets = [
            (None, {"fields": ["kind", ("date", "date_precision"), ("place", "province"), "status"]}),
            ("What happened (public)", {"fields": ["title", "summary"]}),
        ]
        for each, names in KIND_FIELDS.items():
            if kind in (None, "", each):
                label = ActivityKind(each).label
                title = f"{label} details" if kind else f"{label} only"
                fieldsets.append((title, {"fields": _rows(names)}))
        fieldsets += internal_and_record_fieldsets()
        return fieldsets

    @admin.display(description="date", ordering="date")
    def date_display(self, activity):
        return activity.period_display

    def get_form(self, request, obj=None, **kwargs):
        workflow_form = super().get_form(request, obj, **kwargs)

        class ActivityForm(workflow_form):
            def clean(self):
                cleaned = super().clean()
                claimed = cleaned.get("claimed_incidents")
                if claimed and cleaned.get("kind") != ActivityKind.MEDIA_RELEASE:
                    self.add_error("claimed_incidents", forms.ValidationError("only a media release claims attacks"))
                return cleaned

        return ActivityForm
