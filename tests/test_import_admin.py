"""The admin import: upload → preview (dry run: counts and errors) → confirm (a background job);
editors only; upload limits."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ipwatch.core.models import Incident
from ipwatch.exchange.admin import SESSION_KEY
from ipwatch.jobs.models import Job
from tests.jobs_helpers import run_queued_jobs
from tests.test_exchange_parsing import xlsx_bytes

DATA = Path(__file__).parent / "data"
URL = "/admin/exchange/incidentimport/"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IPWATCH_IMPORT_DIR = tmp_path / "imports"
    return settings.IPWATCH_IMPORT_DIR


def upload(client, name, fmt, content=None, status="draft"):
    content = (DATA / name).read_bytes() if content is None else content
    return client.post(
        URL, {"step": "upload", "format": fmt, "status": status, "file": SimpleUploadedFile(name, content)}
    )


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.django_db
def test_upload_previews_then_confirm_imports(editor_client, editor, sample_data, upload_dir):
    before = Incident.objects.count()
    response = upload(editor_client, "acled_synthetic_sample.csv", "acled")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview of acled_synthetic_sample.csv" in page
    assert re.search(r"Incidents to create</th><td>6<", page)
    assert re.search(r"Skipped: other actors</th><td>1<", page)
    assert "Confirm import" in page
    assert Incident.objects.count() == before  # the preview wrote nothing
    assert len(list(upload_dir.iterdir())) == 1

    response = editor_client.post(URL, {"step": "confirm", "token": token_of(response)})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/jobs/job/{job.pk}/change/"
    page = editor_client.get(response["Location"]).content.decode()
    assert f"queued as job #{job.pk}" in page and 'http-equiv="refresh"' in page  # reloads until done
    assert Incident.objects.count() == before  # the worker imports
    run_queued_jobs()
    assert Incident.objects.count() == before + 6
    imported = Incident.objects.get(external_id="SYN-LBY-0002")
    assert imported.status == "draft" and imported.created_by == editor
    assert imported.history.get().history_user == editor
    assert list(upload_dir.iterdir()) == []  # the upload is removed once imported


def logged_in(user) -> Client:
    # A client of its own per user (the *_client fixtures all share pytest-django's one `client`).
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_token_is_usable_once_and_only_by_its_session(editor, reviewer, sample_data):
    editor_client, reviewer_client = logged_in(editor), logged_in(reviewer)
    token = token_of(upload(editor_client, "ucdp_synthetic_sample.csv", "ucdp"))
    response = reviewer_client.post(URL, {"step": "confirm", "token": token}, follow=True)
    assert "expired or was already imported" in response.content.decode()
    assert not Incident.objects.filter(external_source="ucdp").exists()
    editor_client.post(URL, {"step": "confirm", "token": token})
    run_queued_jobs()
    assert Incident.objects.filter(external_source="ucdp").count() == 3
    response = editor_client.post(URL, {"step": "confirm", "token": token}, follow=True)
    assert "expired or was already imported" in response.content.decode()
    assert Incident.objects.filter(external_source="ucdp").count() == 3


@pytest.mark.django_db
def test_bad_file_shows_every_error_and_no_confirm(editor_client, sample_data, upload_dir):
    response = upload(editor_client, "acled_synthetic_bad_rows.csv", "acled")
    page = response.content.decode()
    assert "7 errors: nothing was imported" in page
    assert "row 3, column event_date: &#x27;yesterday&#x27; is not a date" in page
    assert "row 7, column event_id_cnty: &#x27;SYN-BAD-0001&#x27; repeats row 2&#x27;s event id" in page
    assert "Confirm import" not in page
    assert list(upload_dir.iterdir()) == []
    assert not editor_client.session.get(SESSION_KEY)


@pytest.mark.django_db
def test_a_count_too_large_to_store_is_an_error_not_a_crash(editor_client, sample_data):
    content = (DATA / "acled_synthetic_sample.csv").read_text(encoding="utf-8").splitlines()
    header, first = content[0].split(","), content[2].split(",")  # a row without quoted commas
    first[header.index("fatalities")] = "99999999999999999999"
    response = upload(editor_client, "big.csv", "acled", content="\n".join([content[0], ",".join(first)]).encode())
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert "row 2, column fatalities: '99999999999999999999' is above the maximum of 2147483647" in page
    assert "Confirm import" not in page


@pytest.mark.django_db
def test_a_workbook_with_malformed_xml_is_an_error_not_a_crash(editor_client, sample_data, upload_dir):
    response = upload(editor_client, "damaged.xlsx", "gtd", content=xlsx_bytes(workbook="<workbook"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "file: not a readable .xlsx workbook (ParseError: unclosed token" in page
    assert "Confirm import" not in page
    assert list(upload_dir.iterdir()) == []


@pytest.mark.django_db
def test_gtd_workbook_upload(editor_client, sample_data):
    response = upload(editor_client, "gtd_synthetic_sample.xlsx", "gtd")
    assert re.search(r"Incidents to create</th><td>4<", response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"a,b\n", "only .csv and .xlsx files can be imported"),
        ("sheet.csv", b"PK\x03\x04zip", "is not a text CSV file"),
        ("table.xlsx", b"a,b\n1,2\n", "is not an .xlsx workbook"),
        ("empty.csv", b"", "is empty"),
    ],
)
def test_upload_limits_by_type(editor_client, sample_data, name, content, message):
    response = upload(editor_client, name, "acled", content=content)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert "Preview" not in response.content.decode()


@pytest.mark.django_db
def test_upload_limit_by_size(editor_client, sample_data, settings):
    settings.IPWATCH_IMPORT_MAX_UPLOAD_BYTES = 100
    response = upload(editor_client, "acled_synthetic_sample.csv", "acled")
    assert "uploads are limited to 100\xa0bytes" in response.content.decode()


@pytest.mark.django_db
def test_only_reviewers_may_import_as_published(editor, reviewer, sample_data):
    editor_client, reviewer_client = logged_in(editor), logged_in(reviewer)
    response = upload(editor_client, "ucdp_synthetic_sample.csv", "ucdp", status="published")
    assert "Select a valid choice" in response.content.decode()
    response = upload(reviewer_client, "ucdp_synthetic_sample.csv", "ucdp", status="published")
    reviewer_client.post(URL, {"step": "confirm", "token": token_of(response)})
    run_queued_jobs()
    assert set(Incident.objects.filter(external_source="ucdp").values_list("status", flat=True)) == {"published"}


@pytest.mark.django_db
def test_who_may_see_the_import_page(editor, analyst, admin_user, django_user_model):
    assert Client().get(URL).status_code == 302  # to the admin login
    assert logged_in(analyst).get(URL).status_code == 302  # analysts are not staff
    staff_without_rights = django_user_model.objects.create_user("staff", password="pw-for-tests-only", is_staff=True)
    assert logged_in(staff_without_rights).get(URL).status_code == 403
    assert logged_in(staff_without_rights).post(URL, {"step": "confirm", "token": "x" * 32}).status_code == 403
    assert logged_in(editor).get(URL).status_code == 200
    assert logged_in(admin_user).get(URL).status_code == 200
    assert "Import incidents" in logged_in(editor).get("/admin/").content.decode()
