"""The public cache (ipwatch/core/cache.py): anonymous responses are shared and reused until any
data changes; analysts never receive a cached public page and their pages are never stored."""

import functools

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils.cache import patch_vary_headers

from ipwatch.core.cache import CACHE_STATUS_HEADER, current_version, public_cache
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import Report

STATUS = CACHE_STATUS_HEADER


def test_anonymous_page_is_stored_then_served_from_cache(client, make_incident, django_assert_num_queries):
    make_incident(summary="First published incident")
    first = client.get("/incidents/")
    assert first[STATUS] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/incidents/")
    assert second[STATUS] == "hit"
    assert second.content == first.content
    assert "Cookie" in second["Vary"]
    assert "public" in second["Cache-Control"]


def test_query_parameter_order_shares_one_entry(client, make_incident):
    incident = make_incident()
    slug = incident.province.slug
    assert client.get(f"/incidents/?province={slug}&type=raid")[STATUS] == "miss"
    assert client.get(f"/incidents/?type=raid&province={slug}")[STATUS] == "hit"


def test_saving_an_incident_invalidates_cached_pages(client, make_incident):
    incident = make_incident(summary="Before the edit")
    assert b"Before the edit" in client.get(f"/incidents/{incident.pk}/").content
    version = current_version()
    incident.summary = "After the edit"
    incident.save()
    assert current_version() != version
    response = client.get(f"/incidents/{incident.pk}/")
    assert response[STATUS] == "miss"
    assert b"After the edit" in response.content


def test_publishing_and_retracting_invalidate(client, make_incident, reviewer):
    incident = make_incident(status=IncidentStatus.REVIEW, summary="Waiting for review")
    assert client.get("/incidents/").context["paginator"].count == 0
    incident.transition(IncidentStatus.PUBLISHED, reviewer)
    assert client.get("/incidents/").context["paginator"].count == 1
    assert client.get(f"/incidents/{incident.pk}/").status_code == 200
    incident.transition(IncidentStatus.RETRACTED, reviewer)
    assert client.get("/incidents/").context["paginator"].count == 0
    assert client.get(f"/incidents/{incident.pk}/").status_code == 410


def test_a_new_report_invalidates(client, make_incident, make_source):
    incident = make_incident()
    client.get(f"/incidents/{incident.pk}/")
    Report.objects.create(incident=incident, source=make_source(name="Late Wire Service"), title="Late report")
    assert b"Late Wire Service" in client.get(f"/incidents/{incident.pk}/").content


def test_version_is_bumped_again_when_the_transaction_commits(make_incident, django_capture_on_commit_callbacks):
    incident = make_incident()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        incident.summary = "Changed"
        incident.save()
        version_inside = current_version()
    assert callbacks, "a bump must be scheduled for commit time"
    assert current_version() != version_inside


def test_analyst_never_receives_the_cached_public_page(client, analyst, make_incident, make_place):
    make_incident(place=make_place(name="Published town"))
    make_incident(status=IncidentStatus.REVIEW, place=make_place(name="Under review one"))
    public = client.get("/incidents/")
    assert public[STATUS] == "miss" and b"Under review one" not in public.content
    client.force_login(analyst)
    analyst_page = client.get("/incidents/")
    assert STATUS not in analyst_page  # neither read from nor written to the shared cache
    assert b"Under review one" in analyst_page.content
    assert "private" in analyst_page["Cache-Control"]
    assert "Cookie" in analyst_page["Vary"]
    client.logout()
    client.cookies.clear()
    again = client.get("/incidents/")
    assert again[STATUS] == "hit"
    assert b"Under review one" not in again.content


def test_requests_with_a_session_cookie_bypass_the_cache(client, make_incident):
    make_incident()
    client.get("/")
    client.cookies["sessionid"] = "stale-or-foreign-session"
    assert STATUS not in client.get("/")


def test_errors_are_not_cached(client, db):
    assert client.get("/incidents/999999/").status_code == 404
    assert STATUS not in client.get("/incidents/999999/")
    assert client.get("/incidents/?since=yesterday").status_code == 400
    assert STATUS not in client.get("/incidents/?since=yesterday")


@override_settings(PUBLIC_CACHE_TIMEOUT=0)
def test_timeout_zero_turns_public_caching_off(client, make_incident):
    make_incident()
    assert STATUS not in client.get("/")
    assert STATUS not in client.get("/")


def _request(path="/x/", method="get", **headers):
    request = getattr(RequestFactory(), method)(path, headers=headers)
    request.user = AnonymousUser()
    return request


def counted_view(respond):
    """``respond`` as a view behind the public cache, and the list of the requests that reached it."""
    calls = []

    @public_cache
    @functools.wraps(respond)
    def view(request):
        calls.append(request)
        return respond(request)

    return view, calls


def test_responses_that_set_cookies_or_use_csrf_are_not_stored(db):
    def sets_cookie(request):
        response = HttpResponse("hello")
        response.set_cookie("tracking", "1")
        return response

    def uses_csrf(request):
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
        return HttpResponse("form")

    for respond in (sets_cookie, uses_csrf):
        view, calls = counted_view(respond)
        view(_request(f"/{respond.__name__}/"))
        view(_request(f"/{respond.__name__}/"))
        assert len(calls) == 2, respond.__name__


def test_post_is_never_cached(db):
    view, calls = counted_view(lambda request: HttpResponse("ok"))
    for _ in range(2):
        view(_request("/x/", method="post"))
    assert [request.method for request in calls] == ["POST", "POST"]


def test_generate_synthetic_invalidates_although_bulk_create_sends_no_signal(client, sample_data):
    from django.core.management import call_command

    client.get("/")
    version = current_version()
    call_command("generate_synthetic", incidents=3, seed=1, verbosity=0)
    assert current_version() != version
    assert client.get("/").context["totals"]["total"] == 6


def test_with_local_memory_a_bump_by_another_worker_is_seen_through_the_stamp_file(
    client, make_incident, settings, tmp_path
):
    settings.PUBLIC_CACHE_STAMP_FILE = tmp_path / "stamp"
    incident = make_incident(summary="Old text")
    assert client.get(f"/incidents/{incident.pk}/")[STATUS] == "miss"
    assert client.get(f"/incidents/{incident.pk}/")[STATUS] == "hit"
    # Another gunicorn worker saved a change: its bump reaches this process only through the file.
    Incident = type(incident)
    Incident.objects.filter(pk=incident.pk).update(summary="New text")  # no signal in this process
    (tmp_path / "stamp").write_text("bumped-elsewhere")
    response = client.get(f"/incidents/{incident.pk}/")
    assert response[STATUS] == "miss"
    assert b"New text" in response.content


def test_an_unwritable_stamp_file_falls_back_to_a_per_process_version(client, make_incident, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.PUBLIC_CACHE_STAMP_FILE = blocker / "stamp"  # its parent is a file: cannot be created
    incident = make_incident(summary="Before")
    assert client.get(f"/incidents/{incident.pk}/")[STATUS] == "miss"
    assert client.get(f"/incidents/{incident.pk}/")[STATUS] == "hit"  # still caches
    incident.summary = "After"
    incident.save()
    assert b"After" in client.get(f"/incidents/{incident.pk}/").content  # and still invalidates


def test_gzip_and_identity_responses_are_cached_apart_and_etags_revalidate(db):
    import gzip as gzip_module

    def respond(request):
        response = HttpResponse(b"x" * 300, content_type="application/json")
        response["ETag"] = '"v1"'
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            response.content = gzip_module.compress(response.content)
            response["Content-Encoding"] = "gzip"
        patch_vary_headers(response, ["Accept-Encoding"])
        return response

    api, calls = counted_view(respond)

    def get(**headers):
        return api(_request("/api/x.json", **headers))

    assert get(accept_encoding="gzip")["Content-Encoding"] == "gzip"
    plain = get()
    assert "Content-Encoding" not in plain and plain.content == b"x" * 300
    assert get(accept_encoding="gzip")[STATUS] == "hit"
    assert len(calls) == 2
    assert get(if_none_match='"v1"').status_code == 304


def test_responses_varying_on_other_headers_are_not_shared(db):
    def in_french(request):
        response = HttpResponse("bonjour")
        patch_vary_headers(response, ["Accept-Language"])
        return response

    view, calls = counted_view(in_french)
    for _ in range(2):
        view(_request("/lang/"))
    assert len(calls) == 2
