"""import_activity: exact common columns, kind-specific columns, all-or-nothing, idempotent by id."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from ipwatch.activity.csvformat import COMMON_COLUMNS
from ipwatch.activity.models import Activity, ActivityReport
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import Incident, Place

HEADER = [*COMMON_COLUMNS, "id", "end_date", "end_date_precision", "outlet", "media_type", "issue_number",
          "claimed_incidents", "authority", "designated_name", "people_held", "stage", "linked_arrest",
          "pledge_type", "leadership_event", "person"]  # fmt: skip


def write(tmp_path, rows, header=HEADER, name="activity.csv"):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in header})
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_activity", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


def failing(path, *args):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_activity", str(path), *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


ROWS = [
    {"kind": "designation", "date": "2018-02-27", "date_precision": "day", "title": "Designation (synthetic)",
     "authority": "us_state", "designated_name": "A province (synthetic)", "country": "", "source": "reuters",
     "source_title": "Report (synthetic)", "published_on": "2018-02-28"},
    {"kind": "arrest", "date": "2019-06-01", "date_precision": "month", "title": "Arrest (synthetic)",
     "place": "Sebha", "country": "LY", "people_held": "3"},
    {"kind": "territory", "title": "Held town (synthetic)", "end_date": "2017-03-01", "end_date_precision": "month",
     "place": "Sirte", "country": "LY", "province": "tarabulus"},
    {"kind": "leadership", "date": "2020-01-01", "date_precision": "year", "title": "Leader named (synthetic)",
     "leadership_event": "named", "person": "Someone (synthetic)"},
    {"kind": "pledge", "date": "2020-01-01", "date_precision": "year", "title": "Pledge (synthetic)",
     "pledge_type": "allegiance", "place": "Newtown (synthetic)", "country": "LY", "latitude": "30.1",
     "longitude": "15.2"},
]  # fmt: skip


@pytest.mark.django_db
class TestImportActivity:
    def test_imports_every_kind_as_drafts(self, tmp_path, sample_data):
        sebha = Incident.objects.get(external_id="E1")
        rows = [
            *ROWS,
            {"kind": "media_release", "date": "2019-05-05", "title": "Statement (synthetic)", "outlet": "amaq",
             "media_type": "statement", "claimed_incidents": str(sebha.pk), "source": "Amaq News Agency",
             "source_title": "Statement (synthetic)"},
            {"kind": "legal_case", "date": "2020-05-01", "title": "Trial (synthetic)", "stage": "trial"},
        ]  # fmt: skip
        out = run(write(tmp_path, rows))
        assert "7 record(s) were created" in out
        imported = Activity.objects.filter(title__endswith="(synthetic)")
        assert imported.count() == 7
        assert set(imported.values_list("status", flat=True)) == {IncidentStatus.DRAFT}
        assert set(imported.values_list("kind", flat=True)) == {
            "designation", "arrest", "territory", "leadership", "pledge", "media_release", "legal_case"
        }  # fmt: skip
        release = imported.get(kind="media_release")
        assert list(release.claimed_incidents.all()) == [sebha]
        assert release.reports.get().is_claim
        assert imported.get(kind="arrest").place.name == "Sebha"
        new_place = Place.objects.get(name="Newtown (synthetic)")
        assert (new_place.latitude, new_place.longitude) == (30.1, 15.2)
        territory = imported.get(kind="territory")
        assert territory.date is None and territory.end_date_display == "Mar 2017"

    def test_status_published(self, tmp_path, sample_data):
        run(write(tmp_path, ROWS[:1]), "--status", "published")
        assert Activity.objects.get(title="Designation (synthetic)").status == IncidentStatus.PUBLISHED

    def test_dry_run_writes_nothing(self, tmp_path, sample_data):
        before = Activity.objects.count()
        out = run(write(tmp_path, ROWS), "--dry-run")
        assert "Dry run" in out and "5 record(s) would be created" in out
        assert Activity.objects.count() == before

    def test_every_bad_cell_named_and_nothing_written(self, tmp_path, sample_data):
        rows = [
            ROWS[0],
            {"kind": "riot", "date": "2019-02-30", "title": ""},
            {"kind": "attack", "date": "2019-01-01", "title": "x"},
            {"kind": "arrest", "date": "2019-01-01", "title": "x", "people_held": "-3", "province": "atlantis",
             "authority": "eu", "source": "nobody"},
            {"kind": "designation", "date": "2019-01-01", "title": "x", "place": "Sebha", "country": "ZZ"},
            {"kind": "media_release", "date": "2019-01-01", "title": "x", "media_type": "tweet",
             "claimed_incidents": "999999"},
            {"kind": "territory", "title": "x", "id": "424242"},
        ]  # fmt: skip
        before = Activity.objects.count()
        err = failing(write(tmp_path, rows))
        for expected in [
            "row 3, column kind: 'riot'",
            "row 3, column date:",
            "row 3, column title: is empty",
            "row 4, column kind: attacks are imported with import_incidents",
            "row 5, column people_held:",
            "row 5, column province: no province",
            "row 5, column authority:",
            "row 5, column source: no source 'nobody'",
            "row 6, column country: 'ZZ'",
            "row 6, column authority: required",
            "row 7, column media_type: 'tweet'",
            "row 7, column claimed_incidents: no incident with id 999999",
            "row 8, column id: no activity record with id 424242",
            "row 8, column date: a territory needs",
        ]:
            assert expected in err, expected
        assert Activity.objects.count() == before
        assert not Place.objects.filter(name="Sebha").count() > 1

    def test_missing_and_unknown_columns(self, tmp_path):
        header = [column for column in COMMON_COLUMNS if column != "title"] + ["colour"]
        err = failing(write(tmp_path, [{"kind": "arrest"}], header=header))
        assert "missing column(s): title" in err and "unknown column(s): colour" in err

    def test_idempotent_by_id(self, tmp_path, sample_data):
        sirte = Activity.objects.get(kind="territory")
        row = {"id": str(sirte.pk), "kind": "territory", "title": "Sirte held (corrected)", "place": "Sirte",
               "country": "LY", "province": "tarabulus", "end_date": "2016-01-01", "end_date_precision": "year",
               "source": "long-war-journal", "source_title": "Islamic State loyalists fight on in Libya"}  # fmt: skip
        path = write(tmp_path, [row])
        for _ in range(2):
            out = run(path)
            assert "0 record(s) were created, 1 updated" in out
        sirte.refresh_from_db()
        assert sirte.title == "Sirte held (corrected)" and sirte.status == IncidentStatus.PUBLISHED
        assert Activity.objects.count() == 6
        assert ActivityReport.objects.filter(activity=sirte).count() == 1
        assert sirte.history.count() >= 2

    def test_export_imports_back(self, tmp_path, client, sample_data):
        exported = b"".join(client.get("/api/activity.csv", {"kind": "media_release,territory"}).streaming_content)
        path = tmp_path / "export.csv"
        path.write_bytes(exported)
        before = ActivityReport.objects.count()
        out = run(path)
        assert "0 record(s) were created, 5 updated" in out
        assert Activity.objects.count() == 6
        assert ActivityReport.objects.count() == before
