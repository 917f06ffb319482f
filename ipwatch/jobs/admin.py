"""Jobs in the admin: read-only. Each shows its state, rows done / total, its errors, and a link to
the incidents a finished job wrote. Visible to whoever may change incidents (editors, reviewers)."""

from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from ipwatch.core.admin_access import ViewOnlyForPermissions

from .models import Job, JobKind, JobState

LINKED_IDS = 1000  # an admin URL with more ids than this gets unwieldy


def counted(done: int, total: int | None) -> str:
    if total:
        return f"{done:,} / {total:,} ({min(100, 100 * done // total)}%)"
    return f"{done:,} / unknown" if total is None else f"{done:,}"


@admin.register(Job)
class JobAdmin(ViewOnlyForPermissions, admin.ModelAdmin):
    list_display = ["id", "title", "kind", "state_display", "progress_display", "created_by", "created_at"]
    list_filter = ["state", "kind"]
    fields = [
        "title",
        "kind",
        "state_display",
        "progress_display",
        "summary",
        "errors_display",
        "written_display",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields
    required_permissions = ("core.change_incident",)

    @admin.display(description="state")
    def state_display(self, job):
        if job.stalled:
            return format_html(
                "{} — no progress since {}: the worker may have died (its transaction was rolled back)",
                job.get_state_display(),
                job.last_heard().strftime("%Y-%m-%d %H:%M UTC"),
            )
        return job.get_state_display()

    @admin.display(description="done / total (rows; places when geocoding)")
    def progress_display(self, job):
        done, total = job.live_progress()
        text = counted(done, total)
        step = job.live_phase()
        if step is not None:
            text += f" — now {step.phase}: {counted(step.phase_done, step.phase_total)}"
        return text

    @admin.display(description="errors")
    def errors_display(self, job):
        if not job.errors:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li><code>{}</code></li>", ((e,) for e in job.errors)))

    @admin.display(description="what it wrote")
    def written_display(self, job):
        if job.state != JobState.SUCCEEDED:
            return "nothing" if job.state == JobState.FAILED else "—"
        if job.output_file:
            url = reverse("admin:jobs_job_download", args=[job.pk])
            return format_html('<a href="{}">Download {}</a>', url, Path(job.output_file).name)
        ids = job.written_ids
        places = job.kind == JobKind.GEOCODE
        what = "places it geocoded" if places else "incidents it created or updated"
        if not ids:
            return "no place was geocoded" if places else "no incident was created or changed"
        changelist = "admin:core_place_changelist" if places else "admin:core_incident_changelist"
        url = reverse(changelist) + "?" + urlencode({"id__in": ",".join(map(str, ids[:LINKED_IDS]))})
        label = f"the {len(ids):,} {what}"
        if len(ids) > LINKED_IDS:
            label = f"the first {LINKED_IDS:,} of the {len(ids):,} {what}"
        return format_html('<a href="{}">{}</a>', url, label)

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        return [path("<int:job_id>/download/", download, name="jobs_job_download"), *super().get_urls()]

    def download_view(self, request, job_id: int):
        if not self.has_required_permissions(request):
            raise PermissionDenied
        job = self.get_object(request, str(job_id))
        if job is None or not job.output_file:
            raise Http404("no such export")
        file = Path(job.output_file)
        if file.parent.resolve() != Path(settings.IPWATCH_EXPORT_DIR).resolve() or not file.is_file():
            raise Http404("the export file is gone")
        return FileResponse(open(file, "rb"), as_attachment=True, filename=file.name)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        job = self.get_object(request, object_id) if object_id else None
        extra_context = {**(extra_context or {}), "auto_refresh": bool(job and job.state in ("queued", "running"))}
        return super().changeform_view(request, object_id, form_url, extra_context)
