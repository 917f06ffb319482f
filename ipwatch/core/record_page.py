"""What an incident's page and an activity record's page share: the record as the visitor may see
it, the answer a retracted record's address gives, and its reports split into the group's own claims
and independent reporting (claims are never shown as fact, so the two are listed apart)."""

from django.shortcuts import render

from .choices import IncidentStatus
from .models import UNDATED_FIRST


def visible_record(model, user, pk):
    """The record ``pk`` of ``model`` (Incident or Activity) with what its page shows, or None when
    ``user`` may not see it (a draft to the public, or no such record)."""
    return model.objects.visible_to(user).with_related().filter(pk=pk).first()


def retracted_answer(request, model, pk, template: str, context: dict):
    """410 Gone when the record was published and then retracted: its address says so without
    showing anything of it. None for any other record."""
    if model.objects.filter(pk=pk, status=IncidentStatus.RETRACTED).exists():
        return render(request, template, context, status=410)
    return None


def reports_context(record) -> tuple[list, dict]:
    """The record's reports (undated first, then as recorded), and the page's ``claims`` and
    ``independent`` lists of them."""
    reports = list(record.reports.select_related("source").order_by(UNDATED_FIRST, "id"))
    return reports, {
        "claims": [report for report in reports if report.is_claim],
        "independent": [report for report in reports if not report.is_claim],
    }
