"""The ipwatch CSV export imports back with `import_incidents --format ipwatch` to the same data."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command

from ipwatch.activity.models import Activity
from ipwatch.core.choices import DatePrecision, IncidentType, LocationPrecision
from ipwatch.core.models import Incident, Place

# Columns that legitimately differ after a re-import into an emptied database: new row ids and URLs,
# and the import key (a native incident comes back keyed on its old id: ipwatch/<id>).
NEW_ON_IMPORT = {"id", "incident_ref", "url", "external_source", "external_id"}


def export_csv() -> str:
    out = io.StringIO()
    call_command("export_incidents", "--format", "csv", "--status", "all", stdout=out)
    return out.getvalue()


def comparable(text: str) -> list[dict]:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return sorted(
        ({k: v for k, v in row.items() if k not in NEW_ON_IMPORT} for row in rows), key=lambda r: r["summary"]
    )


def import_file(path) -> str:
    out = io.StringIO()
    call_command("import_incidents", str(path), "--format", "ipwatch", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_export_then_import_into_an_empty_database_gives_the_same_rows(
    sample_data, make_incident, make_place, tmp_path
):
    awkward = make_place(name="-Minus town", name_ar="قرية", latitude=-33.5, longitude=-70.25, country="CL")
    make_incident(
        place=awkward,
        province=None,
        date=dt.date(2019, 4, 3),
        date_precision=DatePrecision.WEEK,
        end_date=dt.date(2019, 4, 9),
        incident_type=IncidentType.BOMBING,
        summary='=SUM(A1) "quoted", comma; and a\nline break (synthetic)',
        killed_low=1,
        killed_best=2,
        killed_high=3,
        wounded_best=0,
        is_synthetic=True,
    )
    make_incident(place=None, summary="No place at all (synthetic)", is_synthetic=True)
    make_place(name="Unused (synthetic)", location_precision=LocationPrecision.COUNTRY)
    exported = export_csv()
    path = tmp_path / "export.csv"
    path.write_text(exported, encoding="utf-8", newline="")

    Activity.objects.all().delete()  # the sample activity holds places too
    Incident.objects.all().delete()
    Place.objects.all().delete()
    out = import_file(path)
    assert "5 incidents were created" in out
    assert len(comparable(exported)) == 5
    assert comparable(export_csv()) == comparable(exported)

    # And again: the same file changes nothing.
    assert "0 incidents were created, 0 updated, 5 unchanged" in import_file(path)


@pytest.mark.django_db
def test_reimport_into_the_same_database_recognises_keyed_incidents(sample_data, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(export_csv(), encoding="utf-8", newline="")
    # The sample incidents carry their own key (ipwatch-sample/E1…), so they are found, not duplicated.
    assert "0 incidents were created, 0 updated, 3 unchanged" in import_file(path)
    assert Incident.objects.count() == 3
