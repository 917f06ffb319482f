"""The editorial workflow: which status changes exist and who may make them.

One rule for every record of the workflow (incidents and activity records alike), enforced where
the status is written (``EditorialRecord.save`` in core/models.py, and ``EditorialQuerySet``'s
``create``, ``bulk_create``, ``bulk_update`` and ``update`` in core/querysets.py), not by the view
that happens to show the form: the admin change form, its history "Revert" form, bulk actions,
imports and any future API all pass the acting user explicitly and get the same answer. The stored
status is read from the database, never from the object in hand (a history form builds its object
from an old version, whose status says nothing about the record as it is now).

- New records start as drafts; only a holder of ``core.publish_incident`` (a Reviewer, or the
  command line) may create one in another status (e.g. an import as published).
- Status changes follow TRANSITIONS; moving to or from published/retracted needs
  ``core.publish_incident``. Only an incident becomes merged, by being merged into another
  (core/merging.py), and none leaves merged.
- Beside this rule, the model checks the optional two-person rule (two_person.py) on every status
  change.
- ``published_at`` is stamped whenever a record becomes published.
- Who may read unfinished work is a permission too (``core.view_unpublished_incident``), never a
  group name.
"""

import contextlib
import contextvars

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .choices import IncidentStatus

PUBLISH_PERMISSION = "core.publish_incident"
VIEW_UNPUBLISHED_PERMISSION = "core.view_unpublished_incident"

# Which status changes are possible, and which of them need the reviewer's publish permission.
# Any incident may be merged into another (core.merging sets merged_into with it); none leaves merged.
TRANSITIONS = {
    IncidentStatus.DRAFT: {IncidentStatus.REVIEW, IncidentStatus.MERGED},
    IncidentStatus.REVIEW: {IncidentStatus.DRAFT, IncidentStatus.PUBLISHED, IncidentStatus.MERGED},
    IncidentStatus.PUBLISHED: {IncidentStatus.REVIEW, IncidentStatus.RETRACTED, IncidentStatus.MERGED},
    IncidentStatus.RETRACTED: {IncidentStatus.DRAFT, IncidentStatus.PUBLISHED, IncidentStatus.MERGED},
}
NEEDS_PUBLISH_PERMISSION = {IncidentStatus.PUBLISHED, IncidentStatus.RETRACTED}

# The refusals name the kind of record (`noun`: the model's ``record_noun``, e.g. "incident").
NO_ACTOR = "a status change needs the acting user (record.transition(status, user), or save(acting_user=user))"
PUBLISH_REFUSED = "only reviewers may publish or retract {noun}s"
START_AS_DRAFT = "new {noun}s start as drafts; send them to review when ready"
IMPOSSIBLE = "{noun}s cannot go from {old} to {new}"
MERGE_ONLY = "an incident becomes merged only by merging it into another (the admin's merge page)"


class SystemActor:
    """Whoever runs manage.py (load_sample_data, import_incidents, generate_synthetic): they own
    the database, so they hold every permission and may set any status (data repair, fixtures).
    Never the user of a web request."""

    pk = id = None
    is_authenticated = False
    is_active = True
    username = "system"

    def has_perm(self, perm, obj=None) -> bool:
        return True

    def __str__(self):
        return "the command line"


SYSTEM = SystemActor()

# Only for library code that calls the manager itself and cannot pass the actor through
# (simple_history's bulk_create_with_history): see `acting_as`.
_ambient_actor = contextvars.ContextVar("ipwatch_acting_user", default=None)


@contextlib.contextmanager
def acting_as(user):
    token = _ambient_actor.set(user)
    try:
        yield
    finally:
        _ambient_actor.reset(token)


def actor_or_ambient(user):
    return user if user is not None else _ambient_actor.get()


def may_publish(user) -> bool:
    return user is not None and user.has_perm(PUBLISH_PERMISSION)


def may_view_unpublished(user) -> bool:
    """Analysts, editors and reviewers may read incidents in review on the public pages."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(VIEW_UNPUBLISHED_PERMISSION)


def check_transition(old: str, new: str, user, *, noun: str = "record") -> None:
    """Raise ValidationError for an impossible change, PermissionDenied for a forbidden one."""
    if old == new or user is SYSTEM:
        return
    if new not in TRANSITIONS.get(old, set()):
        labels = {"old": IncidentStatus(old).label, "new": IncidentStatus(new).label}
        raise ValidationError({"status": IMPOSSIBLE.format(noun=noun, **labels)})
    if user is None:
        raise PermissionDenied(NO_ACTOR)
    if (new in NEEDS_PUBLISH_PERMISSION or old in NEEDS_PUBLISH_PERMISSION) and not may_publish(user):
        raise PermissionDenied(PUBLISH_REFUSED.format(noun=noun))


def check_creation(status: str, user, *, noun: str = "record") -> None:
    """New records start as drafts, unless a reviewer (or the command line) creates them."""
    if status != IncidentStatus.DRAFT and not may_publish(user):
        raise PermissionDenied(START_AS_DRAFT.format(noun=noun))


def check_change(stored: str | None, new: str, user, *, merged_into_id=None, noun: str = "record") -> None:
    """The one rule: `stored` is the status in the database (None for a new record). Only an
    incident merged into another (`merged_into_id`) becomes merged."""
    if new == IncidentStatus.MERGED and stored != IncidentStatus.MERGED and merged_into_id is None:
        raise ValidationError({"status": MERGE_ONLY})
    if stored is None:
        check_creation(new, user, noun=noun)
    else:
        check_transition(stored, new, user, noun=noun)


def stamp_publication(record, stored: str | None) -> None:
    """The one rule for published_at, for incidents and activity records alike: stamped when the
    record becomes published (a new record created as published keeps a publication time it
    already carries)."""
    if record.status != IncidentStatus.PUBLISHED:
        return
    if not record.published_at or stored not in (None, IncidentStatus.PUBLISHED):
        record.published_at = timezone.now()


def error_message(exc: Exception) -> str:
    """The human sentence of a refusal from this module (for form errors and admin messages)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "message_dict"):
        return "; ".join(exc.message_dict.get("status", exc.messages))
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)
