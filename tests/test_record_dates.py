"""Every record date lies in 1900–2100, as the filters' dates do: a year-9999 date imported or typed
in the admin once broke /timeline/ and /api/timeline.json for everyone (period arithmetic overflow)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from ipwatch.core.models import Campaign, Incident, Milestone, Province, Report
from ipwatch.exchange.parsing import parse_file
from ipwatch.exchange.provinces import ProvinceMap

pytestmark = pytest.mark.django_db

IPWATCH_HEADER = "id,date,date_precision,end_date,country,place,incident_type,summary"
FAR = dt.date(9999, 12, 15)
EARLY = dt.date(1899, 12, 31)


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def test_incident_dates_outside_1900_2100_are_field_errors(make_incident):
    incident = make_incident()
    incident.date, incident.date_precision = FAR, "month"
    assert errors_of(incident)["date"] == ["9999-12-15 is outside the years 1900–2100"]
    incident.date, incident.end_date = dt.date(2019, 5, 4), FAR
    assert "end_date" in errors_of(incident)
    incident.end_date = dt.date(2100, 12, 31)
    incident.full_clean()


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        (Province(name="P", slug="p", announced_on=EARLY), "announced_on"),
        (Province(name="P", slug="p", dissolved_on=FAR), "dissolved_on"),
        (Campaign(name="C", slug="c", start_date=EARLY), "start_date"),
        (Campaign(name="C", slug="c", end_date=FAR), "end_date"),
        (Milestone(title="M", date=FAR), "date"),
    ],
)
def test_every_record_kind_refuses_such_dates(obj, field):
    assert field in errors_of(obj)


def test_report_dates_too(make_incident, make_source):
    report = Report(incident=make_incident(), source=make_source(), published_on=FAR)
    assert "published_on" in errors_of(report)


def test_the_admin_form_names_the_field(editor_client, make_place):
    data = {
        "date": "9999-12-15",
        "date_precision": "month",
        "place": make_place().pk,
        "incident_type": "raid",
        "summary": "Synthetic.",
        "claim_status": "unclaimed",
        "status": "draft",
        "reports-TOTAL_FORMS": "0",
        "reports-INITIAL_FORMS": "0",
    }
    response = editor_client.post("/admin/core/incident/add/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date"] == ["9999-12-15 is outside the years 1900–2100"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize(("date", "end_date"), [("9999-12-15", ""), ("1899-12-31", ""), ("2019-05-04", "9999-01-01")])
def test_import_refuses_them_with_row_and_column(date, end_date):
    data = f"{IPWATCH_HEADER}\n7,{date},month,{end_date},LY,Synthetic,raid,SYNTHETIC\n".encode()
    parsed = list(parse_file(io.BytesIO(data), "ipwatch", ProvinceMap.load(None), "x.csv"))
    column, value = ("end_date", end_date) if end_date else ("date", date)
    assert [str(e) for p in parsed for e in p.errors] == [
        f"row 2, column {column}: '{value}' is outside the years 1900–2100"
    ]


def test_the_command_writes_nothing_and_the_timeline_stays_up(client, sample_data, tmp_path):
    path = tmp_path / "far.csv"
    path.write_text(
        f"{IPWATCH_HEADER}\n7,2019-05-04,day,,LY,Synthetic,raid,SYNTHETIC\n8,9999-12-15,month,,LY,Synthetic,raid,X\n"
    )
    before = Incident.objects.count()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_incidents", str(path), "--format", "ipwatch", stdout=io.StringIO(), stderr=io.StringIO())
    assert Incident.objects.count() == before
    assert client.get("/timeline/?granularity=month").status_code == 200
    assert client.get("/api/timeline.json?granularity=month").status_code == 200
