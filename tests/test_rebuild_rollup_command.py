"""manage.py rebuild_rollup [--check]: the repair tool of the published-attack rollup."""

import io

import pytest
from django.core.management import CommandError, call_command

from ipwatch.timeline import rollup
from ipwatch.timeline.models import PeriodRollup, PublishedRollup


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_rollup", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_check_passes_on_the_rollup_the_triggers_keep(sample_data):
    out, _ = run("--check")
    assert "equals a fresh aggregation" in out


@pytest.mark.django_db
def test_check_names_the_cells_that_differ_and_rebuild_repairs_them(make_incident):
    make_incident()
    PublishedRollup.objects.update(records=7)  # damaged by hand
    with pytest.raises(CommandError, match=r"differs from the incidents table in 1 cell\(s\).*rebuild_rollup"):
        run("--check")
    out, _ = run()
    assert "Rebuilt the rollup: 1 cells" in out
    assert rollup.differences() == {}
    assert PublishedRollup.objects.get().records == 1


@pytest.mark.django_db
def test_check_covers_the_per_point_table_too(make_incident):
    make_incident()
    PeriodRollup.objects.filter(granularity="week").update(killed_known=99)  # damaged by hand
    with pytest.raises(CommandError, match=r"in 1 cell\(s\)"):
        run("--check")
    run()
    assert rollup.differences() == {}
    assert sorted(PeriodRollup.objects.values_list("granularity", "records")) == [("month", 1), ("week", 1)]
