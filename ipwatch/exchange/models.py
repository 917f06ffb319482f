from ipwatch.core.models import Incident


class IncidentImport(Incident):
    """No table of its own: gives the admin an "Import incidents" entry (see admin.py)."""

    class Meta:
        proxy = True
        verbose_name = "incident import"
        verbose_name_plural = "import incidents (ACLED, GTD, UCDP, ipwatch CSV)"
