"""The format parsers on their own (no database): cells, readers, the province map, each format."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from ipwatch.exchange.errors import FieldError
from ipwatch.exchange.fields import parse_count, parse_date, parse_latitude
from ipwatch.exchange.fields import parse_country_name as country_from_name
from ipwatch.exchange.fields import parse_country_number as country_from_iso_number
from ipwatch.exchange.formats.ipwatch import guard_formula, unguard_formula
from ipwatch.exchange.parsing import parse_file
from ipwatch.exchange.provinces import ProvinceMap, ProvinceMapError, libya_by_location
from ipwatch.exchange.readers import open_table

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def provinces():
    return ProvinceMap.load()


def parse(name, fmt, provinces):
    parsed = list(parse_file(DATA / name, fmt, provinces))
    records = [p.record for p in parsed if p.record]
    skips = [p.skip for p in parsed if p.skip]
    errors = [str(e) for p in parsed for e in p.errors]
    return records, skips, errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-05-04", dt.date(2019, 5, 4)),
        ("04 May 2019", dt.date(2019, 5, 4)),
        ("4 May 2019", dt.date(2019, 5, 4)),
        ("04-May-2019", dt.date(2019, 5, 4)),
        ("4 September 2019", dt.date(2019, 9, 4)),
        ("2019-05-04 00:00:00.000", dt.date(2019, 5, 4)),
    ],
)
def test_dates_in_acled_and_ucdp_spellings(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2019-02-30", "31 Febr 2019", "04/05/2019", "2019-13-01"])
def test_bad_dates_say_so(text):
    with pytest.raises(FieldError, match="is not a date"):
        parse_date(text)


def test_counts_and_coordinates():
    assert parse_count("4.0") == 4
    with pytest.raises(FieldError, match="'many' is not a whole number"):
        parse_count("many")
    with pytest.raises(FieldError, match="below the minimum"):
        parse_count("-1")
    assert parse_count("2147483647") == 2147483647  # the largest the count fields store
    for too_big in ["2147483648", "3000000000", "99999999999999999999", "1e30"]:
        with pytest.raises(FieldError, match="is above the maximum of 2147483647"):
            parse_count(too_big)
    with pytest.raises(FieldError, match="'123' is not a latitude"):
        parse_latitude("123")
    with pytest.raises(FieldError, match="is not a number"):
        parse_latitude("nan")


def test_countries_from_names_and_iso_numbers():
    assert country_from_iso_number("434") == "LY"
    assert country_from_name("Libya") == "LY"
    assert country_from_name("DR Congo (Zaire)") == "CD"
    assert country_from_name("Yemen (North Yemen)") == "YE"
    assert country_from_name("Côte d'Ivoire") == "CI"
    with pytest.raises(FieldError, match="not a number"):
        country_from_iso_number("LBY")


@pytest.mark.parametrize(
    ("admin1", "lat", "lon", "province"),
    [
        ("Sabha", None, None, "fezzan"),
        ("Al Jufrah", None, None, "fezzan"),
        ("Surt district", None, None, "tarabulus"),
        ("Darnah", None, None, "barqa"),
        ("Al Jabal al Akhdar", None, None, "barqa"),
        ("", 27.0377, 14.4283, "fezzan"),  # Sebha
        ("", 31.2089, 16.5887, "tarabulus"),  # Sirte
        ("", 32.1167, 20.0667, "barqa"),  # Benghazi
        ("", 24.2, 23.3, "barqa"),  # Kufra: south, but east of 19°E
        ("Unheard-of district", 32.9, 13.2, "tarabulus"),  # unknown admin1: coordinates decide
        ("", None, None, None),
    ],
)
def test_libya_province_by_admin1_then_coordinates(admin1, lat, lon, province):
    assert libya_by_location(admin1, lat, lon) == province


def test_province_map_matches_names_factions_and_generic_names_by_country(provinces):
    def match(actor, country="LY", admin1="", lat=None, lon=None):
        found = provinces.match([actor], country, admin1, lat, lon)
        return found.province if found else "not an IS actor"

    assert match("Islamic State (Libya)", admin1="Sabha") == "fezzan"
    assert match("ISLAMIC  STATE (libya)", admin1="Darnah") == "barqa"  # case and spacing do not matter
    assert match("Islamic State West Africa Province", "NG") == "west-africa"
    assert match("ISWAP", "NG") == "west-africa"
    assert match("Islamic State (West Africa) - Lake Chad Faction", "NG") == "west-africa"
    assert match("Sinai Province of the Islamic State", "EG") == "sinai"
    assert match("Khorasan Chapter of the Islamic State", "AF") == "khorasan"
    assert match("Islamic State (Greater Sahara)", "ML") == "greater-sahara"
    assert match("IS", "IQ") == "iraq"  # UCDP's name for the group, placed by country
    assert match("Islamic State (Chad)", "TD") == "west-africa"  # bracket dropped: the generic name by country
    assert match("Islamic State", "FR") is None  # an IS name, but no province there
    assert match("Military Forces of Libya (2014-)") == "not an IS actor"


def test_province_map_override_adds_and_switches_off(tmp_path):
    override = tmp_path / "map.csv"
    override.write_text(
        "# analyst's additions\nactor,country,province\nMy IS alias,,sham\nISWAP,,skip\n", encoding="utf-8"
    )
    provinces = ProvinceMap.load(override)
    assert provinces.match(["my is alias"], "SY", "", None, None).province == "sham"
    assert provinces.match(["ISWAP"], "NG", "", None, None) is None
    assert provinces.match(["Islamic State (Iraq)"], "IQ", "", None, None).province == "iraq"  # defaults stay


def test_province_map_errors_name_their_lines(tmp_path):
    bad = tmp_path / "map.csv"
    bad.write_text("actor,country,province\n# comment\nSomeone,LIBYA,fezzan\nOther,,not a slug!\n", encoding="utf-8")
    with pytest.raises(ProvinceMapError) as caught:
        ProvinceMap.load(bad)
    assert [str(e) for e in caught.value.errors] == [
        "row 3, column country: 'LIBYA' is not an ISO 3166-1 alpha-2 code",
        "row 4, column province: 'not a slug!' is not a province slug, a rule (libya:location, egypt:sinai) or skip",
    ]


def test_acled_sample(provinces):
    records, skips, errors = parse("acled_synthetic_sample.csv", "acled", provinces)
    assert errors == []
    by_id = {r.external_id: r for r in records}
    sebha = by_id["TEST-LBY-0001"]  # the real 4 May 2019 raid, from the seed facts
    assert (sebha.date, sebha.date_precision, sebha.province) == (dt.date(2019, 5, 4), "day", "fezzan")
    assert (sebha.place.name, sebha.place.country, sebha.place.latitude) == ("Sebha", "LY", 27.0377)
    assert sebha.is_synthetic is False and sebha.killed_best == 1
    assert by_id["SYN-LBY-0002"].date_precision == "week" and by_id["SYN-LBY-0002"].province == "barqa"
    assert by_id["SYN-LBY-0002"].place.precision == "near"
    assert by_id["SYN-LBY-0003"].date_precision == "month" and by_id["SYN-LBY-0003"].province == "tarabulus"
    assert by_id["SYN-LBY-0003"].place.precision == "province"
    assert "قرية اصطناعية" in by_id["SYN-LBY-0003"].summary
    assert by_id["SYN-EGY-0007"].province == "sinai"  # from assoc_actor_1
    assert by_id["SYN-EGY-0007"].incident_type == "suicide_attack"
    assert by_id["SYN-LBY-0008"].place.latitude is None
    assert all(r.is_synthetic for r in records if r.external_id.startswith("SYN"))
    assert sorted(s.reason for s in skips) == ["no province", "other actor"]


def test_acled_bad_rows_report_every_error(provinces):
    _, skips, errors = parse("acled_synthetic_bad_rows.csv", "acled", provinces)
    assert errors == [
        "row 3, column event_date: 'yesterday' is not a date",
        "row 4, column latitude: '123' is not a latitude (must be between -90 and 90)",
        "row 5, column fatalities: 'many' is not a whole number",
        "row 6, column time_precision: '7' is not a valid ACLED time precision (expected one of 1, 2, 3)",
        "row 6, column iso: 'LBY' is not a number (ACLED's iso column is the ISO 3166 numeric code)",
        "row 6, column longitude: is empty but latitude is given (give both or neither)",
        "row 7, column event_id_cnty: 'SYN-BAD-0001' repeats row 2's event id",
    ]
    assert [s.row for s in skips] == [8]  # another actor's row is skipped before validation


def test_missing_column_and_wrong_encoding(provinces):
    assert parse("acled_synthetic_missing_column.csv", "acled", provinces)[2] == [
        "row 1, column event_date: required column is missing from the header"
    ]
    errors = parse("acled_synthetic_cp1252.csv", "acled", provinces)[2]
    assert errors == [
        "row 3, column location: 'Sebhâ synthétique' is not valid UTF-8 "
        "(the file looks like Latin-1/Windows-1252; save it as UTF-8)",
        "row 3, column notes: 'SYNTHETIC café – saved as Windows-1252' is not valid UTF-8 "
        "(the file looks like Latin-1/Windows-1252; save it as UTF-8)",
    ]


@pytest.mark.parametrize("name", ["gtd_synthetic_sample.csv", "gtd_synthetic_sample.xlsx"])
def test_gtd_csv_and_xlsx_read_the_same(name, provinces):
    records, skips, errors = parse(name, "gtd", provinces)
    assert errors == [] and len(skips) == 1
    by_id = {r.external_id: r for r in records}
    assert set(by_id) == {"209901010001", "209901010002", "209901010003", "209901010004"}
    fezzan = by_id["209901010001"]
    assert (fezzan.province, fezzan.claim_status, fezzan.killed_best, fezzan.wounded_best) == (
        "fezzan",
        "claimed",
        2,
        3,
    )
    assert (by_id["209901010002"].date, by_id["209901010002"].date_precision) == (dt.date(2019, 6, 1), "month")
    assert by_id["209901010002"].incident_type == "suicide_attack"
    unknown_day_and_month = by_id["209901010003"]
    assert (unknown_day_and_month.date, unknown_day_and_month.date_precision) == (dt.date(2018, 1, 1), "year")
    assert unknown_day_and_month.place.latitude is None and unknown_day_and_month.place.precision == "country"
    assert unknown_day_and_month.province == "sham"
    assert by_id["209901010004"].killed_best == 5  # "5.0" in the CSV


def test_gtd_and_ucdp_bad_rows(provinces):
    assert parse("gtd_synthetic_bad_rows.csv", "gtd", provinces)[2] == [
        "row 2, column iday: '2019-02-30' is not a date",
        "row 3, column imonth: '13' is above the maximum of 12",
        "row 4, column country_txt: 'Atlantis' is not a country name we know",
        "row 4, column specificity: '9' is not a valid GTD specificity (expected one of 1, 2, 3, 4, 5)",
        "row 4, column nkill: 'abc' is not a whole number",
    ]
    assert parse("ucdp_synthetic_bad_rows.csv", "ucdp", provinces)[2] == [
        "row 2, column date_end: '2019-05-01' is before date_start",
        "row 2, column best: 3 is below low (5)",
        "row 2, column high: 2 is below best (3)",
        "row 3, column date_prec: '9' is not a valid UCDP date_prec (expected one of 1, 2, 3, 4, 5)",
        "row 3, column longitude: '190' is not a longitude (must be between -180 and 180)",
        "row 3, column where_prec: '8' is not a valid UCDP where_prec (expected one of 1, 2, 3, 4, 5, 6, 7)",
        "row 3, column best: '3.5' is not a whole number",
    ]


def test_ucdp_sample(provinces):
    records, skips, errors = parse("ucdp_synthetic_sample.csv", "ucdp", provinces)
    assert errors == [] and len(skips) == 1
    by_id = {r.external_id: r for r in records}
    assert by_id["9900001"].province == "fezzan" and by_id["9900001"].place.name == "Synthetic"
    week = by_id["9900002"]
    assert (week.date_precision, week.end_date, week.province) == ("week", dt.date(2019, 3, 16), "sham")
    assert (week.killed_low, week.killed_best, week.killed_high) == (8, 10, 12)
    assert week.place.precision == "province" and week.place.admin1 == "Dayr Az Zawr"
    assert by_id["9900003"].province == "west-africa"


LONG_ID = "X" * 101  # Incident.external_id holds 100 characters; 101 was a DataError on PostgreSQL
LONG_ID_ERROR = f"{'X' * 20!r}… is 101 characters long (an event id may have at most 100)"


@pytest.mark.parametrize(
    ("fmt", "header", "row", "column"),
    [
        (
            "acled",
            "event_id_cnty,event_date,actor1,country,iso,latitude,longitude",
            f"{LONG_ID},2019-05-04,Islamic State (Libya),Libya,434,27.1,14.5",
            "event_id_cnty",
        ),
        (
            "gtd",
            "eventid,iyear,imonth,iday,country_txt,gname,latitude,longitude",
            f"{LONG_ID},2019,5,12,Libya,Fezzan Province of the Islamic State,27.05,14.4",
            "eventid",
        ),
        (
            "ucdp",
            "id,date_start,side_a,side_b,country,latitude,longitude",
            f"{LONG_ID},2019-05-04,Government of Libya,IS,Libya,27.0,14.4",
            "id",
        ),
        (
            "ipwatch",
            "id,external_source,external_id,date,date_precision,country,incident_type,summary",
            f"7,acled,{LONG_ID},2019-05-04,day,LY,raid,SYNTHETIC",
            "external_id",
        ),
        (
            "ipwatch",
            "id,date,date_precision,country,incident_type,summary",
            f"{'1' * 101},2019-05-04,day,LY,raid,SYNTHETIC",
            "id",
        ),
    ],
)
def test_event_ids_longer_than_the_model_allows_are_cell_errors(fmt, header, row, column, provinces):
    parsed = list(parse_file(io.BytesIO(f"{header}\n{row}\n".encode()), fmt, provinces, "long.csv"))
    errors = [str(e) for p in parsed for e in p.errors]
    message = LONG_ID_ERROR.replace("X", "1") if fmt == "ipwatch" and column == "id" else LONG_ID_ERROR
    assert errors == [f"row 2, column {column}: {message}"]
    assert [p.record for p in parsed if p.record] == []


IPWATCH_HEADER = "id,date,date_precision,country,place,incident_type,summary"


@pytest.mark.parametrize("country", ["UK", "Libya", "LBY", "434", "XX"])
def test_ipwatch_country_must_be_an_iso_code_not_a_name_or_alias(country, provinces):
    data = f"{IPWATCH_HEADER}\n7,2019-05-04,day,{country},Synthetic,raid,SYNTHETIC\n".encode()
    parsed = list(parse_file(io.BytesIO(data), "ipwatch", provinces, "x.csv"))
    assert [str(e) for p in parsed for e in p.errors] == [
        f"row 2, column country: {country!r} is not an ISO 3166-1 alpha-2 country code (e.g. LY)"
    ]


@pytest.mark.parametrize(("country", "code"), [("GB", "GB"), ("LY", "LY"), ("ly", "LY")])
def test_ipwatch_country_iso_codes_are_read(country, code, provinces):
    data = f"{IPWATCH_HEADER}\n7,2019-05-04,day,{country},Synthetic,raid,SYNTHETIC\n".encode()
    (parsed,) = parse_file(io.BytesIO(data), "ipwatch", provinces, "x.csv")
    assert parsed.errors == [] and parsed.record.place.country == code


def test_formula_guard_round_trips():
    for text in ["=1+1", "+44", "-3", "@SUM(A1)", "'quoted", "plain", "Sebha سبها"]:
        assert unguard_formula(guard_formula(text)) == text
    assert guard_formula("=HYPERLINK()") == "'=HYPERLINK()"


def test_semicolon_csv_and_blank_lines_are_read():
    data = b"a;b\r\n1;2\r\n\r\n3;4\r\n"
    with open_table(io.BytesIO(data), "x.csv") as table:
        rows = [(number, row) for number, row, _ in table.rows()]
    assert rows == [(2, {"a": "1", "b": "2"}), (4, {"a": "3", "b": "4"})]


def test_not_a_csv_at_all():
    with open_table(io.BytesIO(b"\xd0\xcf\x11\xe0rest"), "old.xls") as table:
        assert [str(e) for e in table.file_errors] == [
            "file: this is an old binary Excel (.xls) file: save it as .xlsx or as UTF-8 CSV"
        ]
    with open_table(io.BytesIO(b"PK\x03\x04broken"), "x.xlsx") as table:
        assert str(table.file_errors[0]).startswith("file: not a readable .xlsx workbook")


SHEET = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
    '<row r="2"><c r="A2"><v>1</v></c></row>'
    "</sheetData></worksheet>"
)
WORKBOOK = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


def xlsx_bytes(sheet: str = SHEET, workbook: str = WORKBOOK) -> bytes:
    """A minimal .xlsx made by hand, so a test can break any part of it."""
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    relationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{main}.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{relationship}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{relationship}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def xlsx_errors(data: bytes) -> tuple[list[str], list[dict]]:
    with open_table(io.BytesIO(data), "x.xlsx") as table:
        rows = [row for _, row, _ in table.rows()]
        return [str(e) for e in table.file_errors], rows


def test_a_handmade_workbook_reads():
    assert xlsx_errors(xlsx_bytes()) == ([], [{"a": "1"}])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # The zip passes the magic-byte check, but its workbook.xml is not XML.
        (xlsx_bytes(workbook="<workbook"), "file: not a readable .xlsx workbook (ParseError: unclosed token"),
        (xlsx_bytes(sheet="<worksheet><sheetData><row"), "file: not a readable .xlsx workbook (ParseError:"),
        (xlsx_bytes(workbook=WORKBOOK.replace('r:id="rId1"', 'r:id="rId9"')), "file: not a readable .xlsx workbook"),
        (
            xlsx_bytes(workbook=WORKBOOK.split("<sheets>")[0] + "<sheets/></workbook>"),
            "file: the workbook has no sheet",
        ),
        # A cell whose value is not its type: the sheet breaks off while its rows are read.
        (
            xlsx_bytes(sheet=SHEET.replace("<v>1</v>", "<v>abc</v>")),
            "file: not a readable .xlsx workbook (ValueError: invalid literal for int() with base 10: 'abc'): "
            "the first sheet breaks off after row 1",
        ),
    ],
)
def test_a_damaged_workbook_is_a_file_error_not_a_crash(data, message):
    errors, rows = xlsx_errors(data)
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert rows == []
