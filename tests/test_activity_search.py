"""q= on /activity/ (and the activity APIs) finds every spelling, as /incidents/ does: place aliases,
Arabic names, the gazetteer's alternate spellings, report titles and quotes, source and outlet names;
case- and diacritic-insensitive; ranked by relevance. On each database the result must equal the
database-independent reference (every query word starts a word of the record's search text)."""

import datetime as dt
import json

import pytest

from ipwatch.activity.models import Activity, ActivityReport
from ipwatch.core import search
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import Incident
from ipwatch.core.workflow import SYSTEM
from tests import search_helpers

pytestmark = pytest.mark.django_db

STATEMENT = "Amaq single-page statement claiming the Sebha camp raid"
PHOTO_SET = "Photo set from inside the Jabril Baba camp, Sebha"

# query → titles of the sample activity records it must find
SAMPLE_QUERIES = {
    "Sabha": {STATEMENT, PHOTO_SET},  # the GeoNames spelling of the place (an alias)
    "سبها": {STATEMENT, PHOTO_SET},  # Arabic
    "Amaq": {STATEMENT},  # the outlet and a report's source
    "SEBHĀ": {STATEMENT, PHOTO_SET},  # case and diacritics
    "Säbhiän": {STATEMENT, PHOTO_SET},  # only the gazetteer's alternate spellings of Sebha know it
    "Al Naba": {'Al Naba 177 infographic of the "revenge for Syria" campaign'},
    "revenge for Syria": {
        'Al Naba 177 infographic of the "revenge for Syria" campaign',
        "Abu Bakr al-Baghdadi video released 29 April 2019",
    },
    "Surt": {"Sirte held by the group until late 2016"},  # an alias of Sirte
    "loyalists fight": {  # a report title: every record the Long War Journal article reports
        STATEMENT,
        PHOTO_SET,
        "Abu Bakr al-Baghdadi video released 29 April 2019",
        "Abu Bakr al-Baghdadi appears on camera",
        "Sirte held by the group until late 2016",
    },
    "leader of the group": {"Abu Bakr al-Baghdadi appears on camera"},  # a kind detail (role)
    "nothing-like-this": set(),
}


found, reference = search_helpers.searches_of(Activity)


@pytest.mark.parametrize(("query", "titles"), SAMPLE_QUERIES.items())
def test_every_spelling_finds_the_sample_activity(sample_data, query, titles):
    ids = search_helpers.found_as_the_reference(Activity, query)
    assert set(Activity.objects.filter(pk__in=ids).values_list("title", flat=True)) == titles


@pytest.mark.parametrize("query", ["Sabha", "سبها", "Amaq"])
def test_activity_list_finds_the_sebha_raid_and_its_claim(client, sample_data, query):
    sebha = Incident.objects.get(place__name="Sebha")
    response = client.get("/activity/", {"q": query})
    assert response.status_code == 200
    titles = [record.title for record in response.context["page"].object_list]
    assert STATEMENT in titles
    assert response.context["attack_count"] == 1  # the Sebha raid, linked to /incidents/ with the same q
    assert f'href="/incidents/?{response.context["incident_query"]}"' in response.content.decode()
    assert "q=" in response.context["incident_query"]
    features = client.get("/api/activity.geojson", {"q": query}).json()["features"]
    assert f"attack-{sebha.pk}" in {feature["id"] for feature in features}
    assert STATEMENT in {feature["properties"]["title"] for feature in features}
    csv = b"".join(client.get("/api/activity.csv", {"q": query}).streaming_content).decode()
    assert STATEMENT in csv and f"/incidents/{sebha.pk}/" in csv


def test_the_list_is_ranked_by_relevance(client, sample_data, make_place):
    common = {"kind": "arrest", "date": dt.date(2020, 1, 1), "status": IncidentStatus.PUBLISHED, "is_synthetic": True}
    once = Activity.objects.create(acting_user=SYSTEM, title="Arrest in Zorbatown (synthetic)", **common)
    thrice = Activity.objects.create(
        acting_user=SYSTEM,
        title="Zorbatown arrest (synthetic)",
        summary="Held near Zorbatown after a Zorbatown raid (synthetic).",
        **{**common, "date": dt.date(2019, 1, 1)},
    )
    listed = client.get("/activity/", {"q": "zorbatown"}).context["page"].object_list
    assert [record.pk for record in listed] == [thrice.pk, once.pk]  # the older record matches more
    newest_first = client.get("/activity/", {"kind": "arrest"}).context["page"].object_list
    assert newest_first[0].pk == once.pk


def test_search_text_follows_edits_and_never_holds_internal_notes(sample_data, make_place, make_source):
    place = make_place(name="Oldname")
    record = Activity.objects.create(
        acting_user=SYSTEM,
        kind="arrest",
        title="Arrest (synthetic)",
        date=dt.date(2020, 1, 1),
        place=place,
        internal_notes="secretword",
        status=IncidentStatus.PUBLISHED,
    )
    assert found("oldname") == {record.pk}
    assert found("secretword") == set()
    place.aliases = ["Newspelling"]
    place.save()
    assert found("newspelling") == {record.pk}
    source = make_source(name="Quoted Daily")
    report = ActivityReport.objects.create(activity=record, source=source, title="T", quote="Unusualquote")
    assert found("unusualquote") == found("quoted daily") == {record.pk}
    source.name = "Renamed Daily"
    source.save()
    assert found("renamed") == {record.pk}
    report.delete()
    assert found("unusualquote") == set()
    record.person = "Somebody"
    record.save()
    assert found("somebody") == {record.pk}


def test_synthetic_records_are_searchable(db, sample_data):
    from django.core.management import call_command

    call_command("generate_synthetic", "--incidents", "0", "--activity", "20", "--seed", "3", verbosity=0)
    assert not Activity.objects.filter(is_synthetic=True, search_text="").exists()
    assert found("synthetic") == reference("synthetic") != set()


def test_geojson_search_matches_the_list(client, sample_data):
    features = json.loads(client.get("/api/activity.geojson", {"q": "Sabha", "kind": "media_release"}).content)
    assert {feature["properties"]["title"] for feature in features["features"]} == {STATEMENT, PHOTO_SET}


def test_activity_search_uses_a_full_text_index_on_either_database(sample_data):
    from django.db import connection

    plan = search.matching(Activity.objects.order_by(), "Sabha raid").explain()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")  # a few rows: make the planner show the index it can use
            plan = search.matching(Activity.objects.order_by(), "Sabha raid").explain()
            cursor.execute("RESET enable_seqscan")
        assert "activity_activity_search_fts" in plan, plan
    elif search.sqlite_has_fts5():
        assert "SCAN activity_activity_search VIRTUAL TABLE" in plan, plan
