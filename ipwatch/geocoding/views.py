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
    matches = get_gazetteer().suggest(
        query, country=country or None, countries=form.cleaned_data["province"], limit=form.cleaned_data["limit"]
    )
    return JsonResponse(
        {"query": query, "country": country, "results": [match.to_dict() for match in matches]},
        json_dumps_params={"ensure_ascii": False},
    )
