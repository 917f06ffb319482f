"""/accounts/login/ and /accounts/logout/ — Django's auth views with our template."""

from ipwatch.core.choices import IncidentStatus


def test_login_page_renders_an_accessible_form(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">' in html and '<label for="id_password">' in html


def test_analyst_logs_in_sees_review_items_and_logs_out(client, analyst, make_incident, make_place):
    make_incident(status=IncidentStatus.REVIEW, place=make_place(name="Reviewville"))
    response = client.post(
        "/accounts/login/", {"username": "analyst", "password": "pw-for-tests-only", "next": "/incidents/"}
    )
    assert response.status_code == 302 and response["Location"] == "/incidents/"
    assert "Reviewville" in client.get("/incidents/").content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert "Reviewville" not in client.get("/incidents/").content.decode()


def test_wrong_password_shows_an_error(client, analyst):
    response = client.post("/accounts/login/", {"username": "analyst", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
