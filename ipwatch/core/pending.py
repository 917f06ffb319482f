"""Changes to published incidents wait for a reviewer.

A re-import that would change a published incident, or an editor without publish permission
editing one, stores a PendingChange instead of writing the incident: the public keeps the
published version. A reviewer sees the field-by-field difference and accepts (the incident is
saved with the proposed values, history naming both people) or rejects it.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .choices import IncidentStatus, ReviewStatus
from .models import PUBLISH_PERMISSION, Incident, PendingChange

# Fields never proposed through a pending change (status has its own workflow; these are bookkeeping).
NOT_REVIEWED = {"id", "status", "created_at", "updated_at", "published_at", "created_by", "updated_by", "merged_into"}


def needs_review(incident: Incident, user) -> bool:
    """Would a change to this incident by `user` (None: an import) have to wait for a reviewer?"""
    if incident.pk is None or incident.status != IncidentStatus.PUBLISHED:
        return False
    return user is None or not user.has_perm(PUBLISH_PERMISSION)


def to_json(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _field(name: str):
    field = Incident._meta.get_field(name)
    if field.name in NOT_REVIEWED or not field.concrete:
        raise ValueError(f"{name} is not a reviewed incident field")
    return field


@transaction.atomic  # select_for_update below needs a transaction (PostgreSQL refuses one without)
def propose(incident: Incident, values: dict, origin: str, user=None, note: str = "") -> PendingChange | None:
    """Store `values` ({field name or attname: new value}) for review; None when nothing differs.

    One open change per incident and origin: a later proposal updates it (each field keeps the
    published value as "old"), so a file imported twice does not queue the same change twice.
    """
    changes = {}
    for name, value in values.items():
        field = _field(name.removesuffix("_id") if name.endswith("_id") else name)
        old = getattr(incident, field.attname)
        if value != old:
            changes[field.name] = {"old": to_json(old), "new": to_json(value)}
    if not changes:
        return None
    pending = (
        PendingChange.objects.select_for_update()
        .filter(incident=incident, origin=origin, status=ReviewStatus.PENDING)
        .first()
    )
    if pending is None:
        return PendingChange.objects.create(
            incident=incident, origin=origin, changes=changes, note=note[:300], created_by=user
        )
    merged = {**pending.changes}
    for name, change in changes.items():
        merged[name] = {"old": merged.get(name, change)["old"], "new": change["new"]}
    pending.changes = {name: change for name, change in merged.items() if change["old"] != change["new"]}
    pending.note, pending.created_by = note[:300] or pending.note, user or pending.created_by
    pending.save()
    return pending


def proposed_values(pending: PendingChange) -> dict:
    """{attname: python value} the incident would get."""
    values = {}
    for name, change in pending.changes.items():
        field = _field(name)
        values[field.attname] = field.to_python(change["new"])
    return values


def _check_reviewer(pending: PendingChange, user) -> None:
    if not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("only reviewers may accept or reject changes to published incidents")
    if pending.status != ReviewStatus.PENDING:
        raise ValidationError(f"this change was already {pending.get_status_display().lower()}")
    if settings.IPWATCH_TWO_PERSON_PUBLISH and pending.created_by_id and pending.created_by_id == user.pk:
        raise PermissionDenied("two-person rule: you proposed this change, so another reviewer must accept it")


@transaction.atomic
def accept(pending: PendingChange, user) -> Incident:
    pending = PendingChange.objects.select_for_update().get(pk=pending.pk)
    _check_reviewer(pending, user)
    incident = Incident.objects.select_for_update().get(pk=pending.incident_id)
    for attname, value in proposed_values(pending).items():
        setattr(incident, attname, value)
    incident.full_clean(exclude=["status"])
    author = pending.created_by or "an import"
    incident._change_reason = f"Accepted change #{pending.pk} by {author} ({pending.get_origin_display()})"[:100]
    incident.updated_by = user
    incident._history_user = user
    incident.save()
    pending.status, pending.decided_by, pending.decided_at = ReviewStatus.ACCEPTED, user, timezone.now()
    pending.save()
    return incident


@transaction.atomic
def reject(pending: PendingChange, user) -> None:
    pending = PendingChange.objects.select_for_update().get(pk=pending.pk)
    _check_reviewer(pending, user)
    pending.status, pending.decided_by, pending.decided_at = ReviewStatus.REJECTED, user, timezone.now()
    pending.save()


def diff_rows(pending: PendingChange) -> list[tuple[str, str, str, str]]:
    """(field label, published value, proposed value, value now if it changed since) for display."""
    incident = pending.incident
    rows = []
    for name, change in pending.changes.items():
        field = _field(name)
        now = getattr(incident, field.attname)
        moved = "" if to_json(now) == change["old"] else _shown(field, to_json(now))
        rows.append((str(field.verbose_name), _shown(field, change["old"]), _shown(field, change["new"]), moved))
    return rows


def _shown(field, value) -> str:
    if value in (None, ""):
        return "—"
    if field.is_relation:
        obj = field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj else f"#{value} (deleted)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)
