import pytest
from django.core.management import call_command

from ipwatch.core.models import Incident, Report


@pytest.mark.django_db
def test_synthetic_incidents_are_labelled_and_reproducible(sample_data):
    call_command("generate_synthetic", incidents=50, seed=7, verbosity=0)
    synthetic = Incident.objects.filter(is_synthetic=True)
    assert synthetic.count() == 50
    assert not synthetic.exclude(summary__contains="Synthetic").exists()
    assert Report.objects.filter(incident__in=synthetic).exclude(source__name="Synthetic data").count() == 0
    first = list(synthetic.order_by("id").values_list("date", "province__slug", "incident_type"))
    call_command("generate_synthetic", incidents=50, seed=7, replace=True, verbosity=0)
    again = list(
        Incident.objects.filter(is_synthetic=True)
        .order_by("id")
        .values_list("date", "province__slug", "incident_type")
    )
    assert again == first
    assert Incident.objects.filter(is_synthetic=False).count() == 3


@pytest.mark.django_db
def test_synthetic_needs_provinces():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="load the sample data first"):
        call_command("generate_synthetic", incidents=5, verbosity=0)
