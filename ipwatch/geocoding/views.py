"""Staff-only JSON suggestions for the Place admin form: /geocoding/suggest/?q=El+Fogha&country=LY"""

import re

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from ipwatch.core.countries import validate_country_code
from ipwatch.core.models import Province

from .gazetteer import get_gazetteer

# Checked before any query: PostgreSQL refuses text with NUL bytes (a 500 otherwise).
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,100}")

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 20


@require_GET
def suggest(request):
    if not (request.user.is_authenticated and request.user.is_staff):
        return JsonResponse({"error": "geocoding suggestions are for staff (editors) only"}, status=403)
    errors = {}
    query = request.GET.get("q", "").strip()
    if not query:
        errors["q"] = "give the place name typed so far, e.g. q=El Fogha"
    elif len(query) > MAX_QUERY_LENGTH:
        errors["q"] = f"at most {MAX_QUERY_LENGTH} characters"
    country = request.GET.get("country", "").strip().upper()
    if country:
        try:
            validate_country_code(country)
        except ValidationError:
            errors["country"] = f"{country!r} is not an ISO 3166-1 alpha-2 country code (e.g. LY, IQ, NG)"
    countries = None
    province_slug = request.GET.get("province", "").strip()
    if province_slug and not SLUG_RE.fullmatch(province_slug):
        errors["province"] = f"{province_slug[:60]!r} is not a province slug (e.g. fezzan)"
    elif province_slug:
        province = Province.objects.filter(slug=province_slug).only("countries").first()
        if province is None:
            errors["province"] = f"no province with slug {province_slug!r}"
        else:
            countries = province.countries
    try:
        limit = int(request.GET.get("limit") or 8)
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError
    except ValueError:
        errors["limit"] = f"limit must be a whole number from 1 to {MAX_LIMIT}"
    if errors:
        return JsonResponse(
            {"error": "invalid parameters: " + ", ".join(sorted(errors)), "errors": errors}, status=400
        )
    gazetteer = get_gazetteer()
    matches = gazetteer.suggest(query, country=country or None, countries=countries, limit=limit)
    # The gazetteer's choice for the name as typed, and its alternatives: the place form's map shows them.
    choice = gazetteer.geocode(query, country=country or None, countries=countries)
    return JsonResponse(
        {
            "query": query,
            "country": country,
            "results": [match.to_dict() for match in matches],
            "geocode": choice.to_dict(),
        },
        json_dumps_params={"ensure_ascii": False},
    )
