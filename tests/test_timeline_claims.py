"""/claims/: claimed vs independently reported casualties on the real sample data (Sebha), and campaigns."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipwatch.core.choices import ClaimStatus, DatePrecision, IncidentStatus
from ipwatch.core.models import Incident
from ipwatch.timeline.claims import compare_claims, province_period_table, totals
from tests.public_helpers import page_html

URL = "/claims/"


@pytest.mark.django_db
class TestSampleData:
    def test_sebha_combined_claim_vs_independent_killed_plus_wounded(self, sample_data):
        comparisons = compare_claims(Incident.objects.published())
        assert len(comparisons) == 1  # only Sebha has both a claim and an independent figure
        sebha = comparisons[0]
        assert sebha.incident.place.name == "Sebha"
        assert (sebha.claim.killed_or_wounded, sebha.claim.killed) == (16, None)
        # A combined "killed or wounded" claim against an independent figure whose wounded are unknown:
        # not like for like, so no ratio — only the labelled bound "at most 16×".
        assert not sebha.comparable
        assert (sebha.measure.claimed, sebha.measure.independent, sebha.measure.bound) == (16, 1, True)
        assert sebha.ratio == 16.0  # the upper bound, printed as "at most 16.0×"
        assert "bound" in sebha.basis

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
            ("Fezzan", "2019"): (1, 0, 0, 0, None),  # Sebha: shown, but not comparable like for like
            # The April 2019 Al-Fuqaha raid: claimed, but no claim figure was recorded.
            ("No province recorded", "2019"): (1, 0, 0, 0, None),
        }
        assert totals(rows)["ratio"] is None
        assert totals(rows)["not_comparable"] == 1

    def test_page_shows_figures_method_and_campaign(self, client, sample_data):
        html = page_html(client, URL)
        assert "16 killed or wounded (one combined figure)" in html
        assert "1 killed" in html
        assert "Amaq News Agency" in html and "Reuters" in html
        assert "<strong>16</strong> vs at least <strong>1</strong>" in html
        assert "at most 16.0×" in html and "bound, not a ratio" in html
        assert '<td class="num ratio">16.0×' not in html  # never presented as a like-for-like ratio
        assert "Method" in html and "Like for like only" in html
        # The campaign: the group's own count next to what is recorded.
        assert "Revenge for Syria (al-Sham), 2019" in html
        assert "92 operations in eight countries" in html
        assert "1 of 92 (1%)" in html

    def test_month_granularity_and_filters(self, client, sample_data):
        html = client.get(f"{URL}?granularity=month").content.decode()
        assert "<td>2019-05</td>" in html
        html = client.get(f"{URL}?province=fezzan&since=2019-05-01").content.decode()
        assert "at most 16.0×" in html
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
    assert [c.measure.independent for c in comparisons] == [4, 4]
    assert [c.measure.claimed for c in comparisons] == [15, 15]
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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("claim", "independent", "expected"),
    [
        # combined claim vs independent killed and wounded both known: like for like
        ({"killed_or_wounded": 16}, {"killed": 2, "wounded": 6}, (16, 8, True, 2.0)),
        # combined claim vs an independent combined figure
        ({"killed_or_wounded": 16}, {"killed_or_wounded": 4}, (16, 4, True, 4.0)),
        # combined claim vs independent killed only: a bound, never a ratio in the totals
        ({"killed_or_wounded": 16}, {"killed": 1}, (16, 1, False, 16.0)),
        # separate figures: killed vs killed only (the claim's wounded have no independent counterpart)
        ({"killed": 10, "wounded": 30}, {"killed": 5}, (10, 5, True, 2.0)),
        # different categories: nothing to compare
        ({"wounded": 30}, {"killed": 5}, (None, None, False, None)),
    ],
)
def test_like_for_like(make_incident, make_source, claim, independent, expected):
    amaq, agency = make_source(kind="group_media"), make_source()
    make_incident(
        claim_status=ClaimStatus.CLAIMED,
        reports=[{"source": amaq, "is_claim": True, **claim}, {"source": agency, "is_claim": False, **independent}],
    )
    (comparison,) = compare_claims(Incident.objects.published())
    measured = comparison.measure
    assert (measured.claimed, measured.independent, comparison.comparable, comparison.ratio) == expected


def test_many_compared_incidents_are_found_without_listing_their_ids(sample_data, monkeypatch):
    """Past the listed-ids bound (SQLite's parameter limit) the candidates come from EXISTS: same answer."""
    from ipwatch.timeline import claims

    listed = [c.incident.pk for c in compare_claims(Incident.objects.published())]
    monkeypatch.setattr(claims, "MAX_LISTED_IDS", 0)
    assert [c.incident.pk for c in compare_claims(Incident.objects.published())] == listed
    assert listed
