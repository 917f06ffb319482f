import datetime as dt

import pytest

from ipwatch.core.choices import ClaimStatus, IncidentStatus
from ipwatch.core.models import Incident


@pytest.mark.django_db
def test_published_excludes_every_other_status(make_incident):
    published = make_incident()
    for status in (IncidentStatus.DRAFT, IncidentStatus.REVIEW, IncidentStatus.RETRACTED):
        make_incident(status=status)
    assert list(Incident.objects.published()) == [published]


@pytest.mark.django_db
def test_visible_to_anonymous_and_analyst(make_incident, analyst, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    published = make_incident()
    in_review = make_incident(status=IncidentStatus.REVIEW)
    make_incident(status=IncidentStatus.DRAFT)
    assert set(Incident.objects.visible_to(AnonymousUser())) == {published}
    assert set(Incident.objects.visible_to(analyst)) == {published, in_review}
    outsider = django_user_model.objects.create_user("outsider")
    assert set(Incident.objects.visible_to(outsider)) == {published}


@pytest.mark.django_db
def test_domain_querysets_chain(sample_data):
    fezzan_2019 = (
        Incident.objects.published().in_province("fezzan").between(dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    )
    assert [i.place.name for i in fezzan_2019] == ["Sebha"]
    assert Incident.objects.in_country("ly").count() == 3
    assert Incident.objects.claimed().count() == 2
    assert Incident.objects.between(until=dt.date(2018, 12, 31)).get().date_display == "Oct 2018"
    assert Incident.objects.filter(claim_status=ClaimStatus.ATTRIBUTED).get().kidnapped == 8
