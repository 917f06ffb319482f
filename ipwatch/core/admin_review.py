"""Reviewing changes to published incidents: the list of pending changes, each with its
field-by-field difference and Accept / Reject; and the incident admin's side of it (an editor's
change to a published incident is stored for review instead of saved)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from . import workflow
from .choices import ChangeOrigin, ReviewStatus
from .models import PendingChange
from .pending import accept, diff_rows, needs_review, propose, reject

REVIEW_LIST = "admin:core_pendingchange_changelist"


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "incident_link", "origin", "changed_fields", "status", "created_by", "updated_at"]
    list_filter = ["status", "origin"]
    list_select_related = ["incident", "created_by"]
    fields = [
        "incident_link",
        "origin",
        "note",
        "status",
        "created_by",
        "created_at",
        "decided_by",
        "decided_at",
        "diff",
    ]
    readonly_fields = fields
    actions = ["accept_selected", "reject_selected"]
    change_form_template = "admin/core/pendingchange/change_form.html"

    def get_changelist(self, request, **kwargs):
        if "status__exact" not in request.GET and "status" not in request.GET:
            request.GET = request.GET.copy()
            request.GET["status__exact"] = ReviewStatus.PENDING  # the queue by default
        return super().get_changelist(request, **kwargs)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_publish_permission(self, request):
        return workflow.may_publish(request.user)

    @admin.display(description="incident")
    def incident_link(self, change):
        return format_html(
            '<a href="{}">#{} {}</a>',
            reverse("admin:core_incident_change", args=[change.incident_id]),
            change.incident_id,
            change.incident,
        )

    @admin.display(description="fields")
    def changed_fields(self, change):
        return ", ".join(change.changes)

    @admin.display(description="difference")
    def diff(self, change):
        rows = diff_rows(change)
        if any(moved for *_, moved in rows):  # the incident changed since: show what it is now too
            head = format_html("<th>{}</th>", "now (changed since)")
            cells = '<tr><th scope="row">{}</th><td class="old">{}</td><td class="new">{}</td><td>{}</td></tr>'
        else:
            head, rows = "", [row[:3] for row in rows]
            cells = '<tr><th scope="row">{}</th><td class="old">{}</td><td class="new">{}</td></tr>'
        return format_html(
            '<table class="pending-diff"><thead><tr><th scope="col">field</th><th scope="col">published</th>'
            '<th scope="col">proposed</th>{}</tr></thead><tbody>{}</tbody></table>',
            head,
            format_html_join("", cells, rows),
        )

    def get_urls(self):
        return [
            path("<int:pk>/accept/", self.admin_site.admin_view(self.accept_view), name="core_pendingchange_accept"),
            path("<int:pk>/reject/", self.admin_site.admin_view(self.reject_view), name="core_pendingchange_reject"),
            *super().get_urls(),
        ]

    def _decide(self, request, pk, decide, verb):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        change = get_object_or_404(PendingChange, pk=pk)
        try:
            decide(change, request.user)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request, f"Change #{change.pk} to incident {change.incident_id} {verb}.", messages.SUCCESS
            )
        return HttpResponseRedirect(reverse(REVIEW_LIST))

    def accept_view(self, request, pk):
        return self._decide(request, pk, accept, "accepted: the public sees it now")

    def reject_view(self, request, pk):
        return self._decide(request, pk, reject, "rejected: the published version stays")

    def _decide_selected(self, request, queryset, decide, verb):
        done = 0
        for change in queryset:
            try:
                decide(change, request.user)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                message = str(exc) if isinstance(exc, PermissionDenied) else "; ".join(exc.messages)
                self.message_user(request, f"#{change.pk}: {message}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} change(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Accept selected changes (publish them)", permissions=["publish"])
    def accept_selected(self, request, queryset):
        self._decide_selected(request, queryset, accept, "accepted")

    @admin.action(description="Reject selected changes", permissions=["publish"])
    def reject_selected(self, request, queryset):
        self._decide_selected(request, queryset, reject, "rejected")


class ReviewedChangesMixin:
    """For IncidentAdmin: an editor without publish permission changing a published incident
    proposes the change; its reports are read-only to them (see ReportInline)."""

    @admin.display(description="changes awaiting review")
    def pending_review(self, incident):
        if incident is None or not incident.pk:
            return "—"
        open_changes = list(incident.pending_changes.filter(status=ReviewStatus.PENDING))
        if not open_changes:
            return "None."
        return format_html_join(
            format_html("<br>"),
            '<a href="{}">#{}</a> {} ({})',
            (
                (
                    reverse("admin:core_pendingchange_change", args=[c.pk]),
                    c.pk,
                    c.get_origin_display(),
                    ", ".join(c.changes),
                )
                for c in open_changes
            ),
        )

    def save_model(self, request, obj, form, change):
        stored = type(obj).objects.filter(pk=obj.pk).first() if change else None
        if stored is None or not needs_review(stored, request.user):
            super().save_model(request, obj, form, change)
            return
        values = {}
        for name in form.changed_data:
            if name == "status" or name not in form.fields:
                continue
            field, value = obj._meta.get_field(name), form.cleaned_data[name]
            values[field.attname] = value.pk if field.is_relation and value is not None else value
        request.change_held_for_review = True  # no "changed successfully": it was not
        pending = propose(stored, values, ChangeOrigin.EDITOR, request.user, f"Edited by {request.user}")
        if pending is None:
            self.message_user(request, "Nothing to change.", messages.INFO)
            return
        self.message_user(
            request,
            format_html(
                'Your change is <a href="{}">waiting for a reviewer</a>; the public keeps the published version '
                "until it is accepted.",
                reverse("admin:core_pendingchange_change", args=[pending.pk]),
            ),
            messages.WARNING,
        )

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "change_held_for_review", False) and level == messages.SUCCESS:
            return
        super().message_user(request, message, level, *args, **kwargs)
