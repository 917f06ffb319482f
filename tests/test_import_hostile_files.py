"""Hostile import files get a clear error, quickly, and nothing is written: an unbalanced quote in a
CSV, a tiny workbook that declares (or holds) a million rows, NUL bytes on the command line."""

import io
import time

import pytest
from django.core.management import CommandError, call_command

from ipwatch.core.models import Incident
from ipwatch.exchange import readers
from ipwatch.exchange.parsing import parse_file
from ipwatch.exchange.provinces import ProvinceMap
from ipwatch.exchange.readers import open_table
from tests.test_exchange_parsing import xlsx_bytes

HEADER = "id,date,date_precision,province,country,place,incident_type,summary,is_synthetic"
ROW_A = "7,2019-05-04,day,fezzan,LY,Synthetic A,raid,{summary},1"
ROW_B = "8,2019-05-05,day,fezzan,LY,Synthetic B,raid,{summary},1"


def errors_in(data: bytes, fmt="ipwatch") -> tuple[list[str], list]:
    parsed = list(parse_file(io.BytesIO(data), fmt, ProvinceMap.load(None), "x.csv"))
    return [str(e) for p in parsed for e in p.errors], [p.record for p in parsed if p.record]


def csv_bytes(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


class TestUnbalancedQuote:
    def test_a_quote_never_closed_is_an_error_naming_the_row(self):
        data = csv_bytes(ROW_A.format(summary='"SYNTHETIC opening quote only'), ROW_B.format(summary="SYNTHETIC B"))
        errors, _ = errors_in(data)
        assert len(errors) == 1
        assert errors[0].startswith('row 2, column *: a quote (") opened in this row, at line 2, is never closed')

    def test_a_quote_closed_by_a_later_row_is_an_error_naming_the_row(self):
        data = csv_bytes(
            ROW_A.format(summary='"SYNTHETIC opening quote only'),
            ROW_B.format(summary='"SYNTHETIC B, quoted"'),
            ROW_B.replace("8,", "9,", 1).format(summary="SYNTHETIC C"),
        )
        errors, _ = errors_in(data)
        assert len(errors) == 1 and errors[0].startswith("row 2, column *: a quoted cell starting at or after line 2")

    @pytest.mark.parametrize(
        "next_line",
        [
            '8,2019-05-05,day,fezzan,LY,",raid,B,1',  # the row then fits the header
            '8,2019-05-05,day,fezzan,LY,",raid',  # it does not
        ],
    )
    def test_a_swallowed_row_that_parses_is_still_refused(self, next_line):
        # The stray quote pairs with one in the next line: well-formed to the csv module, but the
        # record spans two lines and one of them has the shape of a row.
        errors, records = errors_in(csv_bytes(ROW_A.format(summary='"SYNTHETIC opening quote only'), next_line))
        assert errors[0] == (
            "row 2, column *: a quoted cell runs from line 2 to line 3 and takes in what looks like another row: "
            'a quote (") is probably not closed'
        )
        assert records == []

    def test_a_well_formed_multiline_cell_is_still_one_row(self):
        data = csv_bytes(
            ROW_A.format(summary='"SYNTHETIC first line\nsecond line, with a comma"'), ROW_B.format(summary="B")
        )
        errors, records = errors_in(data)
        assert errors == []
        assert [r.summary for r in records] == ["SYNTHETIC first line\nsecond line, with a comma", "B"]
        assert [r.row for r in records] == [2, 3]

    @pytest.mark.django_db
    def test_nothing_is_written_and_the_admin_preview_shows_the_error(self, editor_client, sample_data):
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = csv_bytes(ROW_A.format(summary='"SYNTHETIC opening quote only'), ROW_B.format(summary="SYNTHETIC B"))
        before = Incident.objects.count()
        response = editor_client.post(
            "/admin/exchange/incidentimport/",
            {"step": "upload", "format": "ipwatch", "status": "draft", "file": SimpleUploadedFile("q.csv", data)},
        )
        assert response.status_code == 200
        assert "is never closed" in response.content.decode()
        assert 'value="confirm"' not in response.content.decode()
        assert Incident.objects.count() == before


def huge_sheet(dimension: str | None, last_row: int, column: str = "A") -> bytes:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return xlsx_bytes(
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{declared}<sheetData>"
        '<row r="1"><c r="A1" t="inlineStr"><is><t>eventid</t></is></c></row>'
        f'<row r="{last_row}"><c r="{column}{last_row}"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )


def read_all(data: bytes) -> list[str]:
    with open_table(io.BytesIO(data), "x.xlsx") as table:
        for _ in table.rows():
            pass
        return [str(e) for e in table.file_errors]


class TestBoundedWorkbook:
    def test_a_declared_million_rows_is_refused_before_reading(self):
        started = time.monotonic()
        errors = read_all(huge_sheet("A1:XFD1048576", 1_048_576, "XFD"))
        assert errors == [
            "file: the first sheet declares 1,048,576 rows × 16,384 columns; at most 500,000 rows, 1,000 columns "
            "and 40,000,000 cells are read from a workbook: save the data as CSV instead"
        ]
        assert time.monotonic() - started < 30  # a backstop against a hang, not a timing assertion

    def test_actual_rows_beyond_the_limit_are_refused(self, monkeypatch):
        monkeypatch.setattr(readers, "XLSX_MAX_ROWS", 1_000)
        errors = read_all(huge_sheet(None, 5_000))
        assert errors == [
            "file: the first sheet has data beyond row 1,000; at most 1,000 rows, 1,000 columns and 40,000,000 "
            "cells are read from a workbook: save the data as CSV instead"
        ]

    def test_a_cell_far_to_the_right_is_refused(self):
        errors = read_all(huge_sheet(None, 3, "XFD"))
        assert len(errors) == 1 and "has data in column 16,384 of row 3" in errors[0]

    def test_the_cell_budget_is_enforced(self, monkeypatch):
        monkeypatch.setattr(readers, "XLSX_MAX_CELLS", 1)
        errors = read_all(huge_sheet(None, 3))
        assert len(errors) == 1 and "has more than 1 cells" in errors[0]

    def test_the_million_row_gap_without_a_declared_size_is_quick(self):
        # A cell at row 1,048,576 with no <dimension>: refused at the row limit, not read to the end.
        assert "beyond row 500,000" in read_all(huge_sheet(None, 1_048_576))[0]

    @pytest.mark.django_db
    def test_the_command_answers_with_a_file_error(self, tmp_path, sample_data):
        path = tmp_path / "huge.xlsx"
        path.write_bytes(huge_sheet("A1:XFD1048576", 1_048_576, "XFD"))
        err = io.StringIO()
        with pytest.raises(CommandError, match="nothing was imported"):
            call_command(
                "import_incidents", str(path), "--format", "gtd", "--dry-run", stdout=io.StringIO(), stderr=err
            )
        assert "file: the first sheet declares 1,048,576 rows" in err.getvalue()


@pytest.mark.django_db
class TestNulBytes:
    def test_the_command_refuses_nul_bytes_in_text_like_the_admin(self, tmp_path, sample_data):
        path = tmp_path / "nul.csv"
        path.write_bytes(csv_bytes(ROW_A.format(summary="SYNTHETIC with a NUL \x00 inside")))
        err = io.StringIO()
        with pytest.raises(CommandError, match="nothing was imported"):
            call_command("import_incidents", str(path), "--format", "ipwatch", stdout=io.StringIO(), stderr=err)
        assert "row 2" in err.getvalue() and "NUL" in err.getvalue()
        assert not Incident.objects.filter(summary__contains="SYNTHETIC with a NUL").exists()
