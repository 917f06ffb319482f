import pytest
from django.core.management import call_command

from ipwatch.core.models import Place


@pytest.mark.django_db
def test_synthetic_places_never_duplicate_real_ones(sample_data):
    call_command("generate_synthetic", incidents=20, seed=1, verbosity=0)
    assert Place.objects.filter(name="Sirte", country="LY").count() == 1
    call_command("load_sample_data")  # and the sample data still loads afterwards
    assert Place.objects.get(name="Sirte", country="LY").gazetteer_id == "geonames:2210554"
