"""Atom feeds: /feeds/incidents.atom (newest published, the map's filters) and /provinces/<slug>/feed.atom."""

import xml.etree.ElementTree as ET

import pytest

from ipwatch.core.choices import IncidentStatus, IncidentType
from ipwatch.core.models import Incident

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own response, not untrusted input)
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


def test_incidents_feed_parses_and_lists_published_only(client, sample_data, make_incident):
    make_incident(status=IncidentStatus.DRAFT, summary="draft-only summary")
    _, items = entries(client.get("/feeds/incidents.atom"))
    assert len(items) == 3
    sebha = Incident.objects.get(place__name="Sebha")
    titles = [item.find(f"{ATOM}title").text for item in items]
    assert "Raid / armed assault — Sebha, 4 May 2019" in titles
    links = [item.find(f"{ATOM}link").get("href") for item in items]
    assert f"http://testserver/incidents/{sebha.pk}/" in links
    ids = [item.find(f"{ATOM}id").text for item in items]
    assert f"tag:ipwatch,2024:IPW-{sebha.pk:06d}" in ids
    assert b"draft-only" not in client.get("/feeds/incidents.atom").content


def test_incidents_feed_accepts_the_map_filters(client, sample_data, make_incident):
    _, items = entries(client.get("/feeds/incidents.atom?province=fezzan"))
    assert len(items) == 1
    _, items = entries(client.get("/feeds/incidents.atom?q=Sabha"))
    assert len(items) == 1
    _, items = entries(client.get(f"/feeds/incidents.atom?type={IncidentType.BOMBING}"))
    assert items == []
    bad = client.get("/feeds/incidents.atom?since=never")
    assert bad.status_code == 400 and "since" in bad.json()["errors"]


def test_province_feed(client, sample_data):
    root, items = entries(client.get("/provinces/fezzan/feed.atom"))
    assert root.find(f"{ATOM}title").text == "ipwatch: Fezzan Province" or "Fezzan" in root.find(f"{ATOM}title").text
    assert len(items) == 1
    assert client.get("/provinces/atlantis/feed.atom").status_code == 404


def test_feeds_are_linked_from_the_pages(client, sample_data):
    assert 'type="application/atom+xml"' in client.get("/incidents/").content.decode()
    html = client.get("/provinces/fezzan/").content.decode()
    assert 'href="/provinces/fezzan/feed.atom"' in html
