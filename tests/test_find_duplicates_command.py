"""manage.py find_duplicates [--since DATE] [--json]"""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args) -> str:
    out = StringIO()
    call_command("find_duplicates", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def pair(make_incident, make_place, make_province):
    place, province = make_place(), make_province()
    a = make_incident(place=place, province=province, external_source="acled", external_id="LBY1")
    b = make_incident(place=place, province=province, external_source="gtd", external_id="2019")
    return a, b


@pytest.mark.django_db
def test_table_lists_the_pair_with_a_score(pair):
    a, b = pair
    out = run()
    assert f"{a.pk}" in out and f"{b.pk}" in out and "1 pair(s)." in out
    assert "acled LBY1" in out and "gtd 2019" in out


@pytest.mark.django_db
def test_json(pair):
    a, b = pair
    data = json.loads(run("--json"))
    assert data["count"] == 1
    assert data["pairs"][0]["incidents"] == [a.pk, b.pk]
    assert 0 < data["pairs"][0]["score"] <= 1


@pytest.mark.django_db
def test_since(pair):
    assert json.loads(run("--json", "--since", "2019-05-04"))["count"] == 1
    assert json.loads(run("--json", "--since", str(dt.date(2019, 5, 5))))["count"] == 0


@pytest.mark.django_db
def test_bad_since_names_the_option():
    with pytest.raises(CommandError, match="--since '04/05/2019': give a date as YYYY-MM-DD"):
        run("--since", "04/05/2019")


@pytest.mark.django_db
def test_nothing_found():
    assert run() == "No likely duplicates.\n"
