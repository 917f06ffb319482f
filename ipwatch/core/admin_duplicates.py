"""Duplicates in the incident admin: "possible duplicates" on the form and after each save, a merge
action for two selected incidents, and the merge page where the editor picks the one that stays."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from .duplicates import duplicates_of
from .merging import check_merge, merge_incidents
from .models import Incident


def _change_url(pk: int) -> str:
    return reverse("admin:core_incident_change", args=[pk])


def _merge_url(pk: int, other: int) -> str:
    return reverse("admin:core_incident_merge", args=[pk, other])


class DuplicatesAdminMixin:
    def get_urls(self):
        urls = [
            path(
                "<int:pk>/merge/<int:other>/",
                self.admin_site.admin_view(self.merge_view),
                name="core_incident_merge",
            )
        ]
        return urls + super().get_urls()

    @admin.display(description="possible duplicates")
    def possible_duplicates(self, incident):
        if incident is None or not incident.pk:
            return "Checked when the incident is saved."
        pairs = duplicates_of(incident)
        if not pairs:
            return (
                "None found (same or overlapping dates, within 25 km or the same place, compatible type and province)."
            )
        others = Incident.objects.in_bulk([pair.other(incident.pk) for pair in pairs])
        rows = [
            (
                _change_url(other.pk),
                f"#{other.pk} {other}",
                other.get_status_display(),
                f"{pair.score:.2f}",
                ", ".join(pair.reasons),
                _merge_url(incident.pk, other.pk),
            )
            for pair in pairs
            if (other := others.get(pair.other(incident.pk)))
        ]
        return format_html(
            '<ul class="possible-duplicates">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({}) — score {}: {}. '
                '<a class="merge-link" href="{}">Compare and merge…</a></li>',
                rows,
            ),
        )

    def response_change(self, request, obj):
        self._warn_duplicates(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        self._warn_duplicates(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _warn_duplicates(self, request, obj) -> None:
        pairs = duplicates_of(obj)
        if pairs:
            links = format_html_join(
                ", ",
                '<a href="{}">#{}</a> (score {})',
                ((_change_url(p.other(obj.pk)), p.other(obj.pk), f"{p.score:.2f}") for p in pairs[:5]),
            )
            self.message_user(
                request,
                format_html(
                    "Possible duplicate{} of this incident: {}. Compare them before publishing.",
                    "s" if len(pairs) > 1 else "",
                    links,
                ),
                messages.WARNING,
            )

    @admin.action(description="Merge two selected incidents (choose the one that stays)", permissions=["change"])
    def merge_selected(self, request, queryset):
        ids = sorted(queryset.values_list("pk", flat=True)[:3])
        if len(ids) != 2:
            self.message_user(request, "Select exactly two incidents to merge.", messages.ERROR)
            return None
        return HttpResponseRedirect(_merge_url(ids[0], ids[1]))

    def merge_view(self, request, pk, other):
        if not self.has_change_permission(request):
            raise PermissionDenied
        first = get_object_or_404(Incident.objects.select_related("place", "province"), pk=pk)
        second = get_object_or_404(Incident.objects.select_related("place", "province"), pk=other)
        error = ""
        if request.method == "POST":
            keep = request.POST.get("survivor")
            if keep not in {str(first.pk), str(second.pk)}:
                error = "Choose the incident that stays."
            else:
                survivor, duplicate = (first, second) if keep == str(first.pk) else (second, first)
                try:
                    merge_incidents(survivor, duplicate, request.user)
                except (ValidationError, PermissionDenied) as exc:
                    error = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                else:
                    self.message_user(
                        request,
                        f"Merged incident {duplicate.pk} into {survivor.pk}: its reports moved, both histories and "
                        f"external ids kept; /incidents/{duplicate.pk}/ now leads to {survivor.pk}.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(_change_url(survivor.pk))
        else:
            try:
                check_merge(first, second, request.user)
            except (ValidationError, PermissionDenied) as exc:
                error = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        rows = [(label, _shown(first, name), _shown(second, name)) for label, name in MERGE_ROWS]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Merge incidents {first.pk} and {second.pk}",
            "first": first,
            "second": second,
            "rows": [(label, a, b, a != b) for label, a, b in rows],
            "reports": (first.reports.count(), second.reports.count()),
            "error": error,
        }
        return TemplateResponse(
            request,
            "admin/core/incident/merge.html",
            context,
            status=400 if error and request.method == "POST" else 200,
        )


def _shown(incident, name: str):
    display = getattr(incident, f"get_{name}_display", None)
    value = display() if display else getattr(incident, name)
    return "—" if value in (None, "") else value


MERGE_ROWS = [
    ("Date", "date_display"), ("Place", "place"), ("Province", "province"), ("Type", "incident_type"),
    ("Summary", "summary"), ("Killed (best)", "killed_best"), ("Wounded (best)", "wounded_best"),
    ("Claim status", "claim_status"), ("Status", "status"), ("Dataset", "external_source"),
    ("Dataset id", "external_id"),
]  # fmt: skip
