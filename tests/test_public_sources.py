"""/sources/ — outlets cited by published incidents, their kind and how many reports cite them."""

from ipwatch.core.choices import IncidentStatus, SourceKind
from tests.public_helpers import count_queries, page_html


def test_real_sources_grouped_by_kind(client, sample_data):
    html = page_html(client, "/sources/")
    assert "Amaq News Agency" in html and "Reuters" in html
    assert "Group media (IS outlet)" in html


def test_counts_published_reports_only_and_hides_sources_of_unpublished_work(client, make_incident, make_source):
    wire = make_source(name="Wire", kind=SourceKind.NEWS_AGENCY, url="https://wire.invalid/")
    amaq = make_source(name="Amaq", kind=SourceKind.GROUP_MEDIA, url="https://amaq.invalid/")
    draft_only = make_source(name="Only cited by a draft")
    make_incident(reports=[{"source": wire, "title": "a"}, {"source": amaq, "title": "b", "is_claim": True}])
    make_incident(reports=[{"source": wire, "title": "c"}])
    make_incident(status=IncidentStatus.DRAFT, reports=[{"source": wire, "title": "d"}, {"source": draft_only}])
    response = client.get("/sources/")
    sources = {s.name: s for group in response.context["grouped"].values() for s in group}
    assert set(sources) == {"Wire", "Amaq"}
    assert (sources["Wire"].published_reports, sources["Wire"].incidents) == (2, 2)
    assert (sources["Amaq"].published_reports, sources["Amaq"].claim_reports) == (1, 1)
    html = response.content.decode()
    assert "Only cited by a draft" not in html
    assert 'href="https://wire.invalid/"' in html
    assert "amaq.invalid" not in html


def test_query_count_is_constant(client, make_incident, make_source):
    make_incident(reports=[{"source": make_source()}])
    few = count_queries(client, "/sources/")
    for _ in range(10):
        make_incident(reports=[{"source": make_source()}, {"source": make_source()}])
    assert count_queries(client, "/sources/") == few == 2  # + the data's "as of" date
