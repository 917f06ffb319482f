"""The suggest endpoint's parameters, validated as a form: one message per bad parameter."""

import re

from django import forms
from django.core.exceptions import ValidationError

from ipwatch.core.countries import UnknownCountry, country_code
from ipwatch.core.models import Province

# Checked before any query: PostgreSQL refuses text with NUL bytes (a 500 otherwise).
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,100}")

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 20
DEFAULT_LIMIT = 8


class SuggestForm(forms.Form):
    """``q`` (the name typed so far), optional ``country`` (ISO code), ``province`` (slug: narrows
    to its countries) and ``limit``. Plain fields: each ``clean_<name>`` says what was wrong."""

    q = forms.Field(required=False)
    country = forms.Field(required=False)
    province = forms.Field(required=False)
    limit = forms.Field(required=False)

    def clean_q(self) -> str:
        query = (self.cleaned_data["q"] or "").strip()
        if not query:
            raise ValidationError("give the place name typed so far, e.g. q=El Fogha")
        if len(query) > MAX_QUERY_LENGTH:
            raise ValidationError(f"at most {MAX_QUERY_LENGTH} characters")
        return query

    def clean_country(self) -> str:
        country = (self.cleaned_data["country"] or "").strip()
        try:
            return country_code(country) if country else ""
        except UnknownCountry as exc:
            raise ValidationError(str(exc)) from None

    def clean_province(self) -> list[str] | None:
        """The province's countries (None: no province given)."""
        slug = (self.cleaned_data["province"] or "").strip()
        if not slug:
            return None
        if not SLUG_RE.fullmatch(slug):
            raise ValidationError(f"{slug[:60]!r} is not a province slug (e.g. fezzan)")
        province = Province.objects.filter(slug=slug).only("countries").first()
        if province is None:
            raise ValidationError(f"no province with slug {slug!r}")
        return province.countries

    def clean_limit(self) -> int:
        try:
            limit = int(self.cleaned_data["limit"] or DEFAULT_LIMIT)
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
        return limit

    def error_messages(self) -> dict[str, str]:
        return {name: " ".join(messages) for name, messages in self.errors.items()}
