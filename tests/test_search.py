"""q= finds every spelling: place aliases, Arabic names, the gazetteer's alternate spellings, report
titles and quotes, source names; case- and diacritic-insensitive. PostgreSQL full-text search and
the SQLite search-text column return the same records: on each database the result must equal the
database-independent reference (word-prefix match on the normalised text), and the expected ids."""

import pytest

from ipwatch.core import search
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import Incident, Place, Source
from tests import search_helpers

pytestmark = pytest.mark.django_db

# query → the sample incidents (by place, date) it must find
SAMPLE_QUERIES = {
    "Sabha": {"Sebha"},  # the GeoNames spelling (an alias)
    "سبها": {"Sebha"},  # Arabic
    "Amaq": {"Sebha"},  # a source name
    "sebha": {"Sebha"},
    "SEBHĀ": {"Sebha"},  # case and diacritics
    "Säbhiän": {"Sebha"},  # only in the gazetteer's alternate spellings of Sebha (geonames:2212775)
    "Fort Leclerc": {"Sebha"},  # the gazetteer's old colonial name
    "beheaded": {"Sebha"},  # a report quote
    "Jabril Baba": {"Sebha"},  # the summary
    "Fezzan": {"Sebha"},  # the province
    "ولاية": {"Sebha"},  # "Wilayat" in the Arabic name of Fezzan province
    "El Fogha": {"Al-Fuqaha"},  # an alias with a different transliteration
    "الفقهاء": {"Al-Fuqaha"},
    "Libya Observer": {"Al-Fuqaha"},  # a source name
    "Long War Journal": {"Sebha", "Al-Fuqaha"},
    "loyalists fight": {"Sebha", "Al-Fuqaha"},  # a report title, all words must match
    "raid": {"Sebha", "Al-Fuqaha"},
    "Sab": {"Sebha"},  # a word prefix
    "nothing-like-this": set(),
}


found, reference = search_helpers.searches_of(Incident)


@pytest.mark.parametrize(("query", "places"), SAMPLE_QUERIES.items())
def test_every_spelling_finds_the_sample_incidents(sample_data, query, places):
    ids = search_helpers.found_as_the_reference(Incident, query)
    assert {incident.place.name for incident in Incident.objects.filter(pk__in=ids)} == places


@pytest.mark.parametrize("query", ["Sabha", "سبها", "Amaq"])
def test_the_sebha_raid_is_found_on_every_public_surface(client, sample_data, query):
    sebha = Incident.objects.get(place__name="Sebha")
    listed = client.get("/incidents/", {"q": query})
    assert [incident.pk for incident in listed.context["page_obj"].object_list] == [sebha.pk]
    geojson = client.get("/api/incidents.geojson", {"q": query}).json()
    assert [feature["id"] for feature in geojson["features"]] == [sebha.pk]
    timeline = client.get("/api/timeline.json", {"q": query}).json()
    assert timeline["total"] == 1
    rows = b"".join(client.get("/api/reports.csv", {"q": query}).streaming_content).decode().splitlines()
    assert len(rows) == 4 and all(f"IPW-{sebha.pk:06d}" in row for row in rows[1:])
    feed = client.get("/feeds/incidents.atom", {"q": query}).content.decode()
    assert feed.count("<entry>") == 1 and f"/incidents/{sebha.pk}/" in feed


def test_search_text_follows_edits(make_incident, make_place, make_source):
    place = make_place(name="Oldname")
    incident = make_incident(place=place, summary="Something happened (synthetic)")
    assert found("oldname") == {incident.pk}
    place.aliases = ["Newspelling"]
    place.save()
    assert found("newspelling") == {incident.pk}
    source = make_source(name="Some Outlet")
    incident.reports.create(source=source, title="A headline", quote="quoted words")
    assert found("outlet headline quoted") == {incident.pk}
    source.name = "Renamed Outlet"
    source.save()
    assert found("renamed") == {incident.pk}
    incident.reports.all().delete()
    assert found("headline") == set()


def test_internal_notes_and_unpublished_are_not_searchable(make_incident):
    make_incident(summary="Public words (synthetic)", internal_notes="secretword")
    make_incident(summary="draftword (synthetic)", status=IncidentStatus.DRAFT)
    assert found("secretword") == set()
    assert found("draftword") == set()
    assert found("public") != set()


def test_relevance_orders_the_list_when_no_sort_is_asked(client, make_incident):
    once = make_incident(summary="One mention of Derna (synthetic)")
    thrice = make_incident(summary="Derna, Derna and again Derna (synthetic)")
    response = client.get("/incidents/", {"q": "derna"})
    assert [i.pk for i in response.context["page_obj"].object_list] == [thrice.pk, once.pk]
    assert "Most relevant first." in response.content.decode()
    by_date = client.get("/incidents/", {"q": "derna", "sort": "date"}).context["page_obj"].object_list
    assert [i.pk for i in by_date] == sorted([once.pk, thrice.pk], key=lambda pk: Incident.objects.get(pk=pk).date)


def test_query_syntax_is_inert(sample_data):
    for query in ["a & b", "x:* | !y", "'); drop table core_incident; --", "<>", "(", "\\"]:
        assert found(query) == reference(query)
    assert Place.objects.exists() and Source.objects.exists()


def test_import_and_migration_fill_the_search_text(sample_data):
    assert all(text.startswith(" ") for text in Incident.objects.values_list("search_text", flat=True))
    Incident.objects.update(search_text="")
    assert search.refresh(Incident.objects.all()) == 3
    assert found("Sabha")


def explain(query: str) -> str:
    return search.matching(Incident.objects.order_by(), query).explain()


def test_the_search_uses_a_full_text_index_on_either_database(sample_data):
    from django.db import connection

    plan = explain("Sabha raid")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")  # three rows: make the planner show the index it can use
            plan = explain("Sabha raid")
            cursor.execute("RESET enable_seqscan")
        assert "core_incident_search_fts" in plan, plan
    else:
        assert f"SCAN {search.SQLITE_FTS_TABLE} VIRTUAL TABLE" in plan, plan


@pytest.mark.skipif("not __import__('ipwatch.core.search').core.search.sqlite_has_fts5()")
def test_sqlite_index_follows_every_write_and_is_rebuilt_when_its_triggers_are_lost(make_incident):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite FTS5 index exists on SQLite only")
    incident = make_incident(summary="Zanzibarian night raid (synthetic, for tests)")
    assert found("zanzibarian") == {incident.pk}
    incident.summary = "Quetzalish dawn raid (synthetic, for tests)"
    incident.save()
    assert found("zanzibarian") == set() and found("quetzalish") == {incident.pk}
    Incident.objects.filter(pk=incident.pk).update(search_text=" bulkword ")  # no signals: the triggers
    assert found("bulkword") == {incident.pk} and found("quetzalish") == set()
    # Django rebuilds a SQLite table to alter it, which drops its triggers: migrate re-creates them
    # and refills the index from the column.
    with connection.cursor() as cursor:
        for name in search.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    Incident.objects.filter(pk=incident.pk).update(search_text=" missedword ")
    assert search.ensure_sqlite_index() is True
    assert search.ensure_sqlite_index() is False  # nothing to do the second time
    assert found("missedword") == {incident.pk} and found("bulkword") == set()
    incident.delete()
    assert found("missedword") == set()
