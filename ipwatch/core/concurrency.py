"""Optimistic concurrency for admin forms: a save from a form opened before someone else's save is
refused, and the form then shows what changed. Nothing is lost silently.

The change form carries a signed snapshot of the record as it was when the form was opened (every
stored field, plus a digest of the inline rows). On save the record is read again, locked until the
transaction ends; if anything differs, the save is refused with a message naming each field the
other person changed (their value and the one the form was opened with). The re-shown form takes
their values for the fields this user had not touched, keeps this user's values where both
changed (marked as conflicts), and carries a fresh snapshot: saving again is a deliberate choice.

No schema change: works for any model, so every record kind's admin gets it with
`OptimisticConcurrencyAdmin` (a ModelAdmin mixin). The history form's "Revert" is a save like any
other and is checked the same way.
"""

import hashlib
import json

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import _get_foreign_key
from django.utils.formats import localize
from django.utils.text import Truncator

VERSION_FIELD = "record_version"
SALT = "ipwatch.core.concurrency"
INLINES_KEY = "__inlines__"
# Stored by every save, so they differ after any save: they detect a change, they do not describe one.
BOOKKEEPING = {"updated_at", "updated_by", "published_at"}
STALE = (
    "Someone else saved this {what} after you opened this form{by}. Nothing of yours was saved. "
    "Changed since: {changes}. The form now shows their values for the fields you had not changed; "
    "check it, then save again."
)
MISSING = "This form has no version token (it was opened before an update, or built by hand): reload it."


def stored_values(obj) -> dict[str, str | None]:
    return {
        field.attname: None if getattr(obj, field.attname) is None else field.value_to_string(obj)
        for field in obj._meta.concrete_fields
    }


def _inline_digest(querysets) -> str:
    rows = []
    for queryset in querysets:
        rows.extend([queryset.model._meta.label, stored_values(obj)] for obj in queryset.order_by("pk"))
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def snapshot(obj, inline_querysets=()) -> dict[str, str]:
    return {**stored_values(obj), INLINES_KEY: _inline_digest(inline_querysets)}


def make_token(obj, inline_querysets=()) -> str:
    return signing.dumps(snapshot(obj, inline_querysets), salt=SALT, compress=True)


def read_token(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None


def current(model, pk, using=None):
    """The record as stored now, locked for the rest of the transaction where that is possible."""
    rows = model._base_manager.using(using).filter(pk=pk)
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and connection.features.has_select_for_update:
        rows = rows.select_for_update()
    return rows.first()


def _label(model, attname: str) -> str:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return str(field.verbose_name)
    return attname


def _shown(value: str | None) -> str:
    return f"“{Truncator(value).chars(80)}”" if value else "empty"


def _last_saved_by(obj) -> str:
    history = getattr(obj, "history", None)
    latest = history.order_by("-history_date").select_related("history_user").first() if history else None
    if latest is None:
        return ""
    who = f" by {latest.history_user}" if latest.history_user_id else ""
    return f"{who} at {localize(latest.history_date.replace(microsecond=0))}"


class VersionField(forms.CharField):
    """The hidden version: not a model field, so never among a form's changed_data (which admin
    code maps onto model fields and the change message lists)."""

    def has_changed(self, initial, data):
        return False


class ConcurrencyFormMixin:
    """For a ModelForm class built by OptimisticConcurrencyAdmin.get_form (`_inline_querysets`)."""

    _inline_querysets = staticmethod(lambda obj: ())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            # The record as stored, not the instance: the history form's instance is an old version.
            stored = current(type(self.instance), self.instance.pk) or self.instance
            self.fields[VERSION_FIELD].initial = make_token(stored, self._inline_querysets(stored))

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or not self.is_bound:
            return cleaned
        opened = read_token(self.data.get(VERSION_FIELD, ""))
        if opened is None:
            raise ValidationError(MISSING, code="no_token")
        model = type(self.instance)
        now = current(model, self.instance.pk)
        if now is None:
            return cleaned  # deleted meanwhile: the admin's own handling applies
        stored = snapshot(now, self._inline_querysets(now))
        changed = [name for name, value in stored.items() if opened.get(name) != value]
        if not changed:
            return cleaned
        self._show_their_changes(opened, stored, changed)
        described = [name for name in changed if name not in BOOKKEEPING and name != INLINES_KEY]
        changes = [
            f"{_label(model, name)} is now {_shown(stored[name])} (was {_shown(opened.get(name))})"
            for name in described
        ]
        if INLINES_KEY in changed:
            changes.append("its inline rows (e.g. reports) were changed")
        raise ValidationError(
            STALE.format(
                what=model._meta.verbose_name,
                by=_last_saved_by(now),
                changes="; ".join(changes) or "it was saved again (no field you can edit changed)",
            ),
            code="stale",
        )

    def _show_their_changes(self, opened: dict, stored: dict, changed: list[str]) -> None:
        """Rebind the form: their values where this user left a field alone, a fresh token."""
        data = self.data.copy()
        data[VERSION_FIELD] = signing.dumps(stored, salt=SALT, compress=True)
        by_attname = {f.attname: f for f in type(self.instance)._meta.concrete_fields}
        for attname in changed:
            field = by_attname.get(attname)
            if field is None or field.name not in self.fields or field.name == VERSION_FIELD:
                continue
            form_field = self.fields[field.name]
            if field.name not in self.cleaned_data:
                mine = _UNKNOWN  # it did not validate: show theirs
            else:
                mine = _as_stored(field, self.cleaned_data[field.name])
            if mine is not _UNKNOWN and mine != opened.get(attname):
                self.add_error(
                    field.name,
                    f"Changed by someone else to {_shown(stored[attname])} while you changed it too: "
                    "yours is kept below; choose, then save again.",
                )
                continue
            if isinstance(form_field, forms.BooleanField):
                if stored[attname] == "True":
                    data[field.name] = "on"
                else:
                    data.pop(field.name, None)
            else:
                value = stored[attname]
                data[field.name] = "" if value is None else value if isinstance(value, str) else json.dumps(value)
        self.data = data


_UNKNOWN = object()


def _as_stored(field, value):
    """A cleaned form value as stored_values writes the model field (_UNKNOWN if it cannot tell)."""
    value = getattr(value, "pk", value)
    if value is None:
        return None
    probe = field.model()
    try:
        setattr(probe, field.attname, value)
        return field.value_to_string(probe)
    except (TypeError, ValueError):
        return _UNKNOWN


class OptimisticConcurrencyAdmin:
    """ModelAdmin mixin: put it first in the bases (class PlaceAdmin(OptimisticConcurrencyAdmin,
    SimpleHistoryAdmin)). The token travels in a hidden field of the first fieldset."""

    def get_form(self, request, obj=None, **kwargs):
        if "form" not in kwargs:
            # Declared on the base form, so that the fieldsets may name it (it is not a model field).
            token = VersionField(widget=forms.HiddenInput, required=False)
            kwargs["form"] = type(
                f"Concurrent{self.form.__name__}", (ConcurrencyFormMixin, self.form), {VERSION_FIELD: token}
            )
        form = super().get_form(request, obj, **kwargs)
        form._inline_querysets = staticmethod(self._inline_querysets_for(request))
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or any(VERSION_FIELD in _flatten(options.get("fields", ())) for _, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options.get("fields", ()), VERSION_FIELD]}), *rest]

    def _inline_querysets_for(self, request):
        links = [
            (inline.model, _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name).name)
            for inline in self.get_inline_instances(request)
        ]

        def querysets(obj):
            return [model._base_manager.filter(**{fk: obj.pk}) for model, fk in links]

        return querysets


def _flatten(fields) -> list[str]:
    flat = []
    for field in fields:
        flat.extend(field if isinstance(field, (list, tuple)) else [field])
    return flat
