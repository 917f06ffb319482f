"""Staff-only JSON suggestions for the Place admin form: /geocoding/suggest/?q=El+Fogha&country=LY"""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .forms import SuggestForm
from .gazetteer import get_gazetteer


@require_GET
def suggest(request):
    if not (request.user.is_authenticated and request.user.is_staff):
        return JsonResponse({"error": "geocoding suggestions are for staff (editors) only"}, status=403)
    form = SuggestForm(request.GET)
    if not form.is_valid():
        errors = form.error_messages()
        return JsonResponse(
            {"error": "invalid parameters: " + ", ".join(sorted(errors)), "errors": errors}, status=400
        )
    query, country = form.cleaned_data["q"], form.cleaned_data["country"]
    countries, limit = form.cleaned_data["province"], form.cleaned_data["limit"]
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
