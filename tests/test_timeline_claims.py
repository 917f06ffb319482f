"""/claims/: claimed vs independently reported casualties on the real sample data (Sebha), and campaigns."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipwatch.core.choices import ClaimStatus, DatePrecision, IncidentStatus
from ipwatch.core.models import Incident
from ipwatch.timeline.claims import compare_claims, province_period_table, totals

URL = "/claims/"


@pytest.mark.django_db
class TestSampleData:
    def test_sebha_combined_claim_vs_independent_killed_plus_wounded(self, sample_data):
        comparisons = compare_claims(Incident.objects.published())
        assert len(comparisons) == 1  # only Sebha has both a claim and an independent figure
        sebha = comparisons[0]
        assert sebha.incident.place.name == "Sebha"
        assert (sebha.claim.killed_or_wounded, sebha.claim.killed) == (16, None)
        assert sebha.claim.casualties == 16
        assert sebha.independent.casualties == 1  # the local official's one death (Reuters)
        assert sebha.ratio == 16.0
        assert sebha.basis == "combined claim vs independent killed + wounded"

    def test_per_province_and_year(self, sample_data):
        rows, _ = province_period_table(Incident.objects.published(), "year")
        table = {
            (r.province_label, r.period): (
                r.claimed_incidents,
                r.compared_incidents,
                r.claimed_casualties,
                r.independent_casualties,
                r.ratio,
            )
            for r in rows
        }
        assert table == {
            ("Fezzan", "2019"): (1, 1, 16, 1, 16.0),
            # The April 2019 Al-Fuqaha raid: claimed, but no claim figure was recorded.
            ("No province recorded", "2019"): (1, 0, 0, 0, None),
        }
        assert totals(rows)["ratio"] == 16.0

    def test_page_shows_figures_method_and_campaign(self, client, sample_data):
        response = client.get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert "16 killed or wounded (one combined figure)" in html
        assert "1 killed" in html
        assert "Amaq News Agency" in html and "Reuters" in html
        assert "<strong>16</strong> vs <strong>1</strong>" in html
        assert "16.0×" in html
        assert "Method" in html and "killed + wounded" in html
        # The campaign: the group's own count next to what is recorded.
        assert "Revenge for Syria (al-Sham), 2019" in html
        assert "92 operations in eight countries" in html
        assert "1 of 92 (1%)" in html

    def test_month_granularity_and_filters(self, client, sample_data):
        html = client.get(f"{URL}?granularity=month").content.decode()
        assert "<td>2019-05</td>" in html
        html = client.get(f"{URL}?province=fezzan&since=2019-05-01").content.decode()
        assert "16.0×" in html
        html = client.get(f"{URL}?until=2019-01-01").content.decode()
        assert "No claimed or compared incident matches these filters." in html
        assert "0 of 92" in html  # the campaign incident is outside the filter

    @pytest.mark.parametrize(("query", "param"), [("granularity=week", "granularity"), ("since=x", "since")])
    def test_bad_parameters(self, client, sample_data, query, param):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 400
        assert f"<code>{param}</code>" in response.content.decode()


@pytest.mark.django_db
def test_unpublished_claims_and_year_precision(client, make_incident, make_province, make_source):
    province = make_province(name="Gamma", slug="gamma")
    amaq = make_source(kind="group_media")
    agency = make_source()
    claim_and_report = [
        {"source": amaq, "is_claim": True, "killed": 10, "wounded": 5},
        {"source": agency, "is_claim": False, "killed": 2, "wounded": 1},
        {"source": agency, "is_claim": False, "title": "second report", "killed": 3},
    ]
    make_incident(province=province, claim_status=ClaimStatus.CLAIMED, reports=claim_and_report)
    make_incident(
        province=province,
        date=dt.date(2019, 1, 1),
        date_precision=DatePrecision.YEAR,
        claim_status=ClaimStatus.CLAIMED,
        reports=claim_and_report,
    )
    make_incident(
        province=province, status=IncidentStatus.DRAFT, claim_status=ClaimStatus.CLAIMED, reports=claim_and_report
    )
    rows, comparisons = province_period_table(Incident.objects.published(), "month")
    # Highest figure per category across independent reports (3 killed, 1 wounded), not their sum.
    assert [c.independent.casualties for c in comparisons] == [4, 4]
    assert [c.claim.casualties for c in comparisons] == [15, 15]
    table = {
        r.period: (r.claimed_incidents, r.compared_incidents, r.claimed_casualties, r.independent_casualties)
        for r in rows
    }
    assert table == {"2019 (year only)": (1, 1, 15, 4), "2019-05": (1, 1, 15, 4)}


@pytest.mark.django_db
def test_query_count_is_constant(client, sample_data, make_incident):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    sebha = Incident.objects.get(place__name="Sebha")
    for _ in range(20):
        incident = make_incident(province=sebha.province, claim_status=ClaimStatus.CLAIMED)
        for report in sebha.reports.all():
            report.pk = None
            report.incident = incident
            report.save()
    assert queries() == few


@pytest.mark.django_db
def test_synthetic_incidents_are_labelled(client, make_incident):
    make_incident(claim_status=ClaimStatus.CLAIMED, is_synthetic=True)
    html = client.get(URL).content.decode()
    assert "These figures include generated test incidents (1 counted below), not real events." in html
