"""Admin: upload a dataset file → preview (the importer's dry run: counts and every error) → confirm,
which queues the import as a background job (ipwatch.jobs) and shows its page.

The preview and the real import are `Importer.run`, the code `manage.py import_incidents` runs.
Between the two steps the upload waits in IPWATCH_IMPORT_DIR (default var/imports/) under a random
name recorded in the user's session, so one user cannot confirm another's upload.
"""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from ipwatch.core.admin_access import ViewOnlyForPermissions
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import PUBLISH_PERMISSION
from ipwatch.jobs.models import JobKind
from ipwatch.jobs.runners import enqueue

from .formats import FORMATS
from .forms import ImportUploadForm
from .importer import Importer
from .models import IncidentImport
from .provinces import ProvinceMapError

SESSION_KEY = "exchange_pending_imports"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
ERRORS_SHOWN = 500
STALE_AFTER_SECONDS = 24 * 3600


def import_dir() -> Path:
    path = Path(getattr(settings, "IPWATCH_IMPORT_DIR", settings.VAR_DIR / "imports"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _remove_stale(directory: Path) -> None:
    cutoff = time.time() - STALE_AFTER_SECONDS
    for path in directory.glob("upload-*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _check_status_allowed(request, status: str) -> None:
    if status == IncidentStatus.PUBLISHED and not request.user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("only reviewers may import incidents as published")


@admin.register(IncidentImport)
class IncidentImportAdmin(ViewOnlyForPermissions, admin.ModelAdmin):
    """Not a list of anything: the changelist URL is the import page."""

    required_permissions = ("core.add_incident", "core.change_incident")

    def changelist_view(self, request, extra_context=None):
        if not self.has_required_permissions(request):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("step") == "confirm":
            return self._confirm(request)
        if request.method == "POST":
            return self._upload(request)
        return self._render(request, {"form": ImportUploadForm(user=request.user)})

    def _render(self, request, context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import incidents",
            "formats": FORMATS,
            "errors_shown": ERRORS_SHOWN,
            **context,
        }
        return TemplateResponse(request, "exchange/admin_import.html", context)

    def _upload(self, request):
        form = ImportUploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self._render(request, {"form": form})
        upload = form.cleaned_data["file"]
        directory = import_dir()
        _remove_stale(directory)
        token = secrets.token_urlsafe(24)
        extension = Path(upload.name).suffix.lower()
        path = directory / f"upload-{token}{extension}"
        with open(path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        pending = {
            "path": str(path),
            "filename": Path(upload.name).name,
            "format": form.cleaned_data["format"],
            "status": form.cleaned_data["status"],
        }
        result = self._run(request, pending, dry_run=True)
        if result is None:
            path.unlink(missing_ok=True)
            return redirect(request.path)
        if result.ok:
            request.session.setdefault(SESSION_KEY, {})[token] = pending
            request.session.modified = True
        else:
            path.unlink(missing_ok=True)
        return self._render(
            request,
            {"form": ImportUploadForm(user=request.user), "preview": result, "pending": pending, "token": token},
        )

    def _confirm(self, request):
        token = request.POST.get("token", "")
        pending = request.session.get(SESSION_KEY, {}).get(token) if TOKEN.match(token) else None
        if pending is None or not Path(pending["path"]).is_file():
            messages.error(request, "That upload has expired or was already imported; upload the file again.")
            return redirect(request.path)
        _check_status_allowed(request, pending["status"])
        request.session[SESSION_KEY].pop(token, None)
        request.session.modified = True
        # The import itself runs on a worker (no request timeout, progress shown on the job's page).
        job = enqueue(
            JobKind.IMPORT,
            f"Import {pending['filename']} ({FORMATS[pending['format']].label})",
            {**pending, "delete_file_after": True},
            user=request.user,
        )
        messages.success(request, f"Import of {pending['filename']} queued as job #{job.pk}; its progress shows here.")
        return redirect(reverse("admin:jobs_job_change", args=[job.pk]))

    def _run(self, request, pending, dry_run: bool):
        status = pending["status"]
        _check_status_allowed(request, status)
        try:
            importer = Importer(pending["format"], status=status, user=request.user)
        except ProvinceMapError as exc:
            messages.error(request, f"The province map has errors: {exc}")
            return None
        return importer.run(pending["path"], filename=pending["filename"], dry_run=dry_run)
