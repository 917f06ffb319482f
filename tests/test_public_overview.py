"""/ — the overview: totals, 30/90/365-day trend, most active provinces, latest incidents, chart."""

import datetime as dt

from ipwatch.core.choices import IncidentStatus
from ipwatch.core.workflow import SYSTEM
from tests.public_helpers import count_queries, days_ago


def test_overview_with_the_real_sample_data(client, sample_data):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-count="incidents">3<' in html
    assert "Fezzan" in html and "Sebha" in html
    assert "<svg" in html and "Incidents per month" in html
    assert "Data last updated" in html
    assert response.context["totals"]["total"] == 3


def test_only_published_incidents_are_counted(client, make_incident):
    make_incident(killed_best=3)
    for status in (IncidentStatus.DRAFT, IncidentStatus.REVIEW, IncidentStatus.RETRACTED):
        make_incident(status=status, killed_best=900)
    response = client.get("/")
    assert response.context["totals"]["total"] == 1
    assert response.context["totals"]["killed_total"].value == 3
    assert "900" not in response.content.decode()


def test_trend_windows_and_change_vs_previous_period(client, make_incident, make_province):
    province = make_province(name="Trendland")
    for days in (1, 10, 40, 45, 100, 200, 400, 500, 600):
        make_incident(date=days_ago(days), province=province)
    windows = {w.days: w for w in client.get("/").context["windows"]}
    assert (windows[30].count, windows[30].previous) == (2, 2)  # (1, 10) vs (40, 45)
    assert (windows[90].count, windows[90].previous) == (4, 1)  # 1..45 vs 100
    assert (windows[365].count, windows[365].previous) == (6, 3)  # ≤200 vs 400..600
    assert windows[90].change_display == "+300%"
    assert windows[30].change_display == "no change"


def test_most_active_provinces_and_latest_incidents(client, make_incident, make_province, make_place):
    busy, quiet = make_province(name="Busy province"), make_province(name="Quiet province")
    for days in (5, 6, 7):
        make_incident(date=days_ago(days), province=busy)
    make_incident(date=days_ago(800), province=quiet, place=make_place(name="Oldtown"))
    context = client.get("/").context
    ranked = [p.name for p in context["active_provinces"]]
    assert ranked[:2] == ["Busy province", "Quiet province"]
    assert context["active_provinces"][1].dormant
    assert [i.date for i in context["latest"]][:1] == [days_ago(5)]


def test_synthetic_incidents_are_announced(client, make_incident):
    make_incident(is_synthetic=True)
    assert "synthetic data generated for testing" in client.get("/").content.decode()


def test_empty_database_renders(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "No published incidents yet." in response.content.decode()


def test_query_count_does_not_grow_with_the_data(client, make_incident, make_province):
    provinces = [make_province() for _ in range(3)]
    for i in range(3):
        make_incident(date=days_ago(i * 20), province=provinces[i])
    few = count_queries(client, "/")
    more_provinces = provinces + [make_province() for _ in range(5)]
    for i in range(40):
        make_incident(date=days_ago(i * 9), province=more_provinces[i % 8], killed_best=i)
    assert count_queries(client, "/") == few
    assert few <= 7  # + the data's "as of" date


def test_chart_of_an_old_dataset_ends_at_its_last_month(client, make_incident):
    make_incident(date=dt.date(2019, 5, 4))
    make_incident(date=dt.date(2018, 10, 1))
    chart = client.get("/").context["chart"]
    assert (chart.first, chart.last) == (dt.date(2016, 6, 1), dt.date(2019, 5, 1))
    assert chart.total == 2
    assert [bar.label for bar in chart.bars if bar.count] == ["Oct 2018: 1 incident", "May 2019: 1 incident"]


def test_monthly_chart_honours_date_precision(db):
    from ipwatch.core.models import Incident
    from ipwatch.public.stats import monthly_counts

    def make(**fields):
        return Incident.objects.create(acting_user=SYSTEM, **fields)

    make(date=dt.date(2019, 4, 29), date_precision="week", incident_type="raid", summary="s", status="published")
    make(date=dt.date(2019, 7, 1), date_precision="year", incident_type="raid", summary="s", status="published")
    make(date=dt.date(2019, 5, 4), incident_type="raid", summary="s", status="published")
    counts = monthly_counts(Incident.objects.published(), dt.date(2019, 1, 1), dt.date(2019, 12, 1))
    # The week of Mon 29 Apr 2019 has its Thursday (2 May) in May; the year-only incident is in no month.
    assert {month.isoformat(): n for month, n in counts.items()} == {"2019-05-01": 2}
