"""Every import looks for likely duplicates of the incidents it creates, across datasets: the GTD
row of an attack already imported from ACLED is listed for the editors (never merged by itself)."""

from pathlib import Path

import pytest

from ipwatch.core.models import Incident
from ipwatch.exchange.importer import Importer

DATA = Path(__file__).parent / "data"
GTD_HEADER = (
    "eventid,iyear,imonth,iday,country_txt,provstate,city,latitude,longitude,specificity,summary,attacktype1_txt,"
    "targtype1_txt,gname,nkill,nwound,claimed,scite1,scite2,scite3,dbsource,suicide,is_synthetic"
)
# The Sebha raid of 4 May 2019 as a GTD-style row (hand-made test row, not the GTD's own record).
GTD_SEBHA = (
    "201905040099,2019,5,4,Libya,Sabha,Sebha,27.04,14.43,1,Hand-made test row: raid on the Sebha camp.,"
    "Armed Assault,Military,Fezzan Province of the Islamic State,1,,1,Test citation,,,TEST,0,0"
)


@pytest.mark.django_db
def test_gtd_row_of_an_acled_attack_is_listed_as_a_possible_duplicate(sample_data, tmp_path):
    acled = Importer("acled").run(str(DATA / "acled_synthetic_sample.csv"))
    assert acled.ok, acled.errors
    first = Incident.objects.get(external_source="acled", external_id="TEST-LBY-0001")
    gtd_file = tmp_path / "gtd.csv"
    gtd_file.write_text(GTD_HEADER + "\n" + GTD_SEBHA + "\n", encoding="utf-8")
    result = Importer("gtd").run(str(gtd_file))
    assert result.ok, result.errors
    second = Incident.objects.get(external_source="gtd", external_id="201905040099")
    pairs = {(p.first, p.second) for p in result.possible_duplicates}
    assert (first.pk, second.pk) in pairs
    assert "possible duplicate pair(s) to check" in result.summary()
    assert Incident.objects.filter(pk__in=[first.pk, second.pk]).count() == 2  # listed, not merged


@pytest.mark.django_db
def test_dry_run_lists_them_too(sample_data, tmp_path):
    Importer("acled").run(str(DATA / "acled_synthetic_sample.csv"))
    gtd_file = tmp_path / "gtd.csv"
    gtd_file.write_text(GTD_HEADER + "\n" + GTD_SEBHA + "\n", encoding="utf-8")
    result = Importer("gtd").run(str(gtd_file), dry_run=True)
    assert result.possible_duplicates
    assert not Incident.objects.filter(external_source="gtd", external_id="201905040099").exists()
