"""POST data for the incident admin's change form (the form and its report inline), built from an
incident so each test states only what it changes."""

from ipwatch.core.concurrency import VERSION_FIELD, make_token
from ipwatch.core.models import Incident

INCIDENT_FIELDS = [
    "date", "date_precision", "end_date", "place", "province", "status", "incident_type", "target_type",
    "summary", "claim_status", "campaign", "killed_low", "killed_best", "killed_high", "wounded_low",
    "wounded_best", "wounded_high", "kidnapped", "internal_notes", "is_synthetic", "external_source",
    "external_id",
]  # fmt: skip
REPORT_FIELDS = [
    "source", "is_claim", "published_on", "source_reliability", "information_credibility", "title", "url",
    "killed", "wounded", "killed_or_wounded", "kidnapped", "quote",
]  # fmt: skip


def _value(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    return value


def incident_form_data(incident: Incident | None = None, new_reports=(), **overrides) -> dict:
    data = {}
    reports = list(incident.reports.all()) if incident and incident.pk else []
    if incident is not None:
        for name in INCIDENT_FIELDS:
            value = getattr(incident, name)
            if isinstance(value, bool):
                if value:
                    data[name] = "on"
            else:
                data[name] = _value(value)
    for i, report in enumerate(reports):
        data[f"reports-{i}-id"] = str(report.pk)
        data[f"reports-{i}-incident"] = str(incident.pk)
        for name in REPORT_FIELDS:
            value = getattr(report, name)
            if isinstance(value, bool):
                if value:
                    data[f"reports-{i}-{name}"] = "on"
            else:
                data[f"reports-{i}-{name}"] = _value(value)
    for j, fields in enumerate(new_reports, start=len(reports)):
        for name, value in fields.items():
            data[f"reports-{j}-{name}"] = _value(value)
    data.update(
        {
            "reports-TOTAL_FORMS": str(len(reports) + len(new_reports)),
            "reports-INITIAL_FORMS": str(len(reports)),
            "reports-MIN_NUM_FORMS": "0",
            "reports-MAX_NUM_FORMS": "1000",
        }
    )
    if incident is not None and incident.pk:
        # The version the change form carries: the incident and its reports as stored now.
        stored = Incident.objects.get(pk=incident.pk)
        data[VERSION_FIELD] = make_token(stored, [stored.reports.all()])
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = _value(value)
    return data
