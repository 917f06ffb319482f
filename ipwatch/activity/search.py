"""The activity list's ``q=`` finds every spelling, as /incidents/ does (ipwatch.core.search): each
record keeps a normalised *search text* of its public words — title, summary, the public text of its
kind's details (person, designated name, court, ...), the outlet and campaign names, its place in
every spelling (aliases, Arabic, the gazetteer's alternates), its province's names, and each report's
title, quote and source name. Never the internal notes. ``core.search.matching``/``with_relevance``
query it on either database (a GIN full-text index on PostgreSQL, migration 0004)."""

from django.db.models import Prefetch

from ipwatch.core import search

from .models import PUBLIC_TEXT_FIELDS, ActivityReport

# Vocabulary fields, searched by their labels ("statement", "UN Security Council", "verdict").
CHOICE_FIELDS = ["kind", "media_type", "authority", "designated_entity", "stage", "pledge_type", "leadership_event"]


def activity_search_text(activity, reports=None, place_text: str | None = None) -> str:
    if reports is None:
        reports = ActivityReport.objects.filter(activity_id=activity.pk).select_related("source")
    parts = [getattr(activity, name) for name in PUBLIC_TEXT_FIELDS]
    parts += [getattr(activity, f"get_{name}_display")() for name in CHOICE_FIELDS if getattr(activity, name)]
    parts += [
        activity.outlet.name if activity.outlet_id else "",
        activity.campaign.name if activity.campaign_id else "",
    ]
    parts += [*search.province_words(activity.province), *search.report_words(reports)]
    if place_text is None:
        place_text = search.place_search_words(activity.place)
    return search.compose(parts, place_text)


def refresh(activities) -> int:
    """Recompute and store the search text of ``activities`` (a queryset). Returns how many."""
    reports = Prefetch("reports", queryset=ActivityReport.objects.select_related("source"))
    queryset = activities.select_related("place", "province", "outlet", "campaign").prefetch_related(reports)
    return search.refresh_texts(
        queryset, lambda activity, place: activity_search_text(activity, list(activity.reports.all()), place)
    )
