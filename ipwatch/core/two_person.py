"""The optional two-person rule (IPWATCH_TWO_PERSON_PUBLISH=1): whoever made the last change to an
incident or activity record may not also publish it; another reviewer must. Checked where the status changes (the
model's transition, hence the admin form, bulk actions and imports alike) and when a pending
change is accepted. The command line (no user id) is not a person and is not held to it."""

from django.conf import settings
from django.core.exceptions import PermissionDenied

from .choices import IncidentStatus

REFUSED = "two-person rule: you made the last change to this {noun}, so another reviewer must publish it"


def check_two_person(record, new_status: str, user) -> None:
    if not settings.IPWATCH_TWO_PERSON_PUBLISH or new_status != IncidentStatus.PUBLISHED:
        return
    if record.pk is None or getattr(user, "pk", None) is None:
        return
    stored = type(record)._base_manager.filter(pk=record.pk).values_list("status", "updated_by_id").first()
    if stored is None or stored[0] == IncidentStatus.PUBLISHED:
        return
    if stored[1] == user.pk:
        raise PermissionDenied(REFUSED.format(noun=record.record_noun))
