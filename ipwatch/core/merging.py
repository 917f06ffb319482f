"""Merge a duplicate incident into the one that stays.

The survivor keeps its own values and gains what only the duplicate knew (blank fields filled);
every report moves to it. The duplicate row is kept, marked "merged" and pointing at the survivor,
so both histories and both external ids (ACLED's and the GTD's) stay, a re-import of either
dataset finds its row again, and /incidents/<duplicate id>/ answers 301 to the survivor.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .choices import IncidentStatus
from .models import PUBLISH_PERMISSION, Incident

# Filled on the survivor from the duplicate when the survivor has nothing recorded.
FILLABLE = [
    "end_date", "place", "province", "target_type", "killed_low", "killed_best", "killed_high", "wounded_low",
    "wounded_best", "wounded_high", "kidnapped", "campaign",
]  # fmt: skip


def check_merge(survivor: Incident, duplicate: Incident, user) -> None:
    if survivor.pk == duplicate.pk:
        raise ValidationError("an incident cannot be merged into itself")
    for incident in (survivor, duplicate):
        if incident.status == IncidentStatus.MERGED:
            raise ValidationError(f"incident {incident.pk} was already merged into {incident.merged_into_id}")
    public = {IncidentStatus.PUBLISHED, IncidentStatus.RETRACTED}
    if (survivor.status in public or duplicate.status in public) and not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied(
            "merging a published or retracted incident changes what the public sees: reviewers only"
        )


@transaction.atomic
def merge_incidents(survivor: Incident, duplicate: Incident, user) -> Incident:
    """Merge `duplicate` into `survivor`; returns the survivor. Raises ValidationError/PermissionDenied."""
    survivor = Incident.objects.select_for_update().get(pk=survivor.pk)
    duplicate = Incident.objects.select_for_update().get(pk=duplicate.pk)
    check_merge(survivor, duplicate, user)
    reason = f"Merged incident {duplicate.pk} into {survivor.pk}"
    moved = 0
    for report in duplicate.reports.all():
        report.incident = survivor
        report._change_reason = reason
        report.save()
        moved += 1
    for name in FILLABLE:
        if getattr(survivor, name) in (None, "") and getattr(duplicate, name) not in (None, ""):
            setattr(survivor, name, getattr(duplicate, name))
    notes = f"{reason} by {user} on {timezone.now():%Y-%m-%d}: {moved} report(s) moved"
    if duplicate.external_id:
        notes += f"; its {duplicate.external_source or 'external'} id is {duplicate.external_id}"
    survivor.internal_notes = "\n".join(filter(None, [survivor.internal_notes, notes + "."]))
    survivor.updated_by = user
    survivor._history_user = user
    survivor._change_reason = reason
    survivor.save()
    duplicate.merged_into = survivor
    duplicate._change_reason = reason
    duplicate.transition(IncidentStatus.MERGED, user)  # the workflow's rule, as `user`
    return survivor


def final_survivor(incident: Incident) -> Incident:
    """Follow merges (a survivor may itself have been merged later) to the record that stands."""
    seen = set()
    while incident.merged_into_id and incident.pk not in seen:
        seen.add(incident.pk)
        incident = incident.merged_into
    return incident
