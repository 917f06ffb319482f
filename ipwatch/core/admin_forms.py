"""Form pieces that guide editors in the admin: aliases one per line, the status menu limited to the
changes this user may make, and reports whose "is claim" follows the source's kind."""

import json

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from . import workflow
from .choices import IncidentStatus
from .models import Source
from .two_person import check_two_person


class LineListField(forms.CharField):
    """A list of names edited as text, one per line (blank lines and repeats dropped)."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})

    def __init__(self, **kwargs):
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.setdefault("help_text", "One name per line")
        kwargs["required"] = False
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        if isinstance(value, str) and value.startswith("["):  # a bound value echoed back from JSON
            try:
                return "\n".join(json.loads(value))
            except (ValueError, TypeError):
                return value
        return value

    def to_python(self, value):
        lines = (line.strip() for line in (value or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)


class AliasesAsLinesMixin:
    """ModelAdmin mixin: the `aliases` JSON list is a textarea with one name per line."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "aliases":
            return LineListField(label=db_field.verbose_name.capitalize(), help_text="One spelling per line")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


# The statuses the add form offers (a new record is never created retracted or merged).
NEW_RECORD_STATUSES = [IncidentStatus.DRAFT, IncidentStatus.REVIEW, IncidentStatus.PUBLISHED]


def statuses_for(user, current: str | None, record=None) -> list[str]:
    """The statuses this user may choose for a record now in `current` (None: a new record): those
    the workflow's rule allows, asked of the rule itself."""
    allowed = []
    for status in NEW_RECORD_STATUSES if current is None else IncidentStatus.values:
        if status == IncidentStatus.MERGED and status != current:
            continue  # only the merge page merges
        try:
            workflow.check_change(current, status, user)
            if record is not None:
                check_two_person(record, status, user)
        except (PermissionDenied, ValidationError):
            continue
        allowed.append(status)
    return allowed


def limit_status_choices(field, user, current: str | None, record=None) -> None:
    allowed = set(statuses_for(user, current, record))
    field.choices = [(value, label) for value, label in IncidentStatus.choices if value in allowed]
    # Any status still reaches the workflow check, so a forged one gets its reason, not "invalid choice".
    field.valid_value = lambda value: value in IncidentStatus.values
    if current is not None and len(allowed) == 1:
        noun = getattr(record, "record_noun", "record")
        field.help_text = f"You may not change this {noun}'s status (reviewers publish and retract)."
    elif current is not None:
        field.help_text = "Only the changes you may make are offered."


class ReportInlineForm(forms.ModelForm):
    """A new report from group media is a claim unless the editor says otherwise; a mismatch between
    "is claim" and the source's kind is reported as a warning when the incident is saved."""

    group_media_ids: list[int] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "is_claim" in self.fields:
            self.fields["is_claim"].widget.attrs["data-group-media-sources"] = json.dumps(self.group_media_ids)
        if "title" in self.fields:
            self.fields["title"].widget.attrs["class"] = "vLargeTextField report-title"
        if "quote" in self.fields:
            self.fields["quote"].widget.attrs.update({"rows": 2})

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        if (
            self.instance.pk is None
            and isinstance(source, Source)
            and source.is_group_media
            and "is_claim" not in self.changed_data
            # The page's script already applied the default and the editor saw the box: theirs stands.
            and not self.data.get(self.add_prefix("claim_default_shown"))
        ):
            cleaned["is_claim"] = True
        return cleaned
