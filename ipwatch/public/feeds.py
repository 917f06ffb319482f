"""Atom 1.0 feeds (Django's syndication framework): /feeds/incidents.atom, the newest published
incidents (accepts the map's filters), and /provinces/<slug>/feed.atom, one province's."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from ipwatch.core.citation import incident_ref
from ipwatch.core.filters import InvalidFilter, filter_incidents, filter_params, invalid_filter_response
from ipwatch.core.models import Incident, Province

FEED_ITEMS = 50


@dataclass(frozen=True)
class Scope:
    """What one request asked for (feed instances are shared between threads: no state on them)."""

    params: QueryDict
    path: str
    province: Province | None = None


class IncidentFeed(Feed):
    feed_type = Atom1Feed
    title = "ipwatch: newest published incidents"
    subtitle = "Incidents attributed to or claimed for the Islamic State's provinces, newest first."
    link = reverse_lazy("public:incident-list")

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilter as exc:
            return invalid_filter_response(exc)

    def get_object(self, request, *args, **kwargs):
        return Scope(request.GET, request.path)

    def incidents(self, obj):
        return filter_incidents(obj.params, Incident.objects.published())

    def items(self, obj):
        return self.incidents(obj).with_related().order_by("-published_at", "-date", "-id")[:FEED_ITEMS]

    def item_title(self, item):
        place = item.place.name if item.place_id else "unknown place"
        return f"{item.get_incident_type_display()} — {place}, {item.date_display}"

    def item_description(self, item):
        province = item.province.name if item.province_id else "no province recorded"
        return f"{item.summary} ({province}; {item.get_claim_status_display()}; cite as {incident_ref(item.pk)})"

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"tag:ipwatch,2024:{incident_ref(item.pk)}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at or item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [value for value in (item.province.name if item.province_id else "", item.incident_type) if value]

    def feed_url(self, obj):
        query = urlencode(filter_params(obj.params))
        return obj.path + (f"?{query}" if query else "")


class ProvinceFeed(IncidentFeed):
    def get_object(self, request, slug):
        return Scope(request.GET, request.path, get_object_or_404(Province, slug=slug))

    def title(self, obj):
        return f"ipwatch: {obj.province.name}"

    def subtitle(self, obj):
        return f"Newest published incidents attributed to or claimed for {obj.province.name}."

    def link(self, obj):
        return obj.province.get_absolute_url()

    def incidents(self, obj):
        return super().incidents(obj).filter(province=obj.province)


incidents_feed = IncidentFeed()
province_feed = ProvinceFeed()
__all__ = ["incidents_feed", "province_feed"]
