import pytest
from django.core.management import call_command

from ipwatch.core.models import Campaign, Incident, Milestone, Place, Province, Report, Source


def counts():
    return [m.objects.count() for m in (Province, Source, Place, Campaign, Milestone, Incident, Report)]


@pytest.mark.django_db
def test_loading_twice_duplicates_nothing():
    call_command("load_sample_data")
    first = counts()
    call_command("load_sample_data")
    assert counts() == first
    assert first[0] == 17  # every province in the reference facts


@pytest.mark.django_db
def test_sebha_claim_and_independent_report_keep_their_own_figures(sample_data):
    sebha = Incident.objects.get(external_id="E1")
    claim = sebha.reports.get(is_claim=True)
    assert (claim.source.name, claim.killed_or_wounded, claim.killed) == ("Amaq News Agency", 16, None)
    reuters = sebha.reports.get(source__slug="reuters")
    assert (reuters.is_claim, reuters.killed) == (False, 1)
    assert sebha.province.slug == "fezzan"
    assert (sebha.place.latitude, sebha.place.longitude) == (27.0377, 14.4283)


@pytest.mark.django_db
def test_month_precision_incident_and_campaign(sample_data):
    assert Incident.objects.get(external_id="E2").date_display == "Oct 2018"
    campaign = Campaign.objects.get()
    assert (campaign.claimed_operations, campaign.claimed_countries) == (92, 8)
    assert Incident.objects.get(external_id="E3").campaign == campaign
    assert not Incident.objects.filter(is_synthetic=True).exists()


@pytest.mark.django_db
def test_reload_survives_an_editors_second_place_of_the_same_name(sample_data):
    Place.objects.create(name="Sebha", country="LY")  # an editor's duplicate, without coordinates
    Place.objects.create(name="Al-Fuqaha", country="LY")
    call_command("load_sample_data")
    sebha = Incident.objects.get(external_id="E1").place
    assert (sebha.gazetteer_id, sebha.latitude) == ("geonames:2212775", 27.0377)
    assert Place.objects.filter(name="Sebha").count() == 2
