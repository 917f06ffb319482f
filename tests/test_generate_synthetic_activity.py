"""generate_synthetic --activity: every kind, each record labelled synthetic, valid for its kind."""

import io

import pytest
from django.core.management import call_command

from ipwatch.activity.models import KIND_FIELDS, Activity


@pytest.mark.django_db
def test_every_kind_labelled_synthetic_and_valid(sample_data):
    out = io.StringIO()
    call_command("generate_synthetic", "--incidents", "5", "--activity", "300", "-v", "0", stdout=out)
    assert "Created 300 SYNTHETIC activity records" in out.getvalue()
    synthetic = Activity.objects.filter(is_synthetic=True)
    assert synthetic.count() == 300
    assert set(synthetic.values_list("kind", flat=True)) == set(KIND_FIELDS)
    for record in synthetic[:80]:
        assert "Synthetic" in record.title and "not a real event" in record.summary
        assert record.reports.get().source.slug == "synthetic-data"
        record.full_clean()
    call_command("generate_synthetic", "--incidents", "0", "--activity", "10", "--replace", "-v", "0", stdout=out)
    assert Activity.objects.filter(is_synthetic=True).count() == 10
    assert Activity.objects.filter(is_synthetic=False).count() == 6  # the real sample activity stays
