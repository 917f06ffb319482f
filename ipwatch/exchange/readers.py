"""Stream the rows of a CSV or XLSX file as {column: text} dicts, one row at a time.

Nothing here holds more than one row in memory, so a 100k-row file costs what a 10-row file does.
Encoding problems are reported per cell (row and column) rather than as one opaque decode error:
the CSV is decoded with ``surrogateescape`` so bytes that are not UTF-8 survive as lone surrogates,
which we find and report with the text shown as Windows-1252 would read it.
"""

import codecs
import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import RowError

XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 binary Excel format
_SURROGATE = re.compile("[\udc80-\udcff]")

# Ten-megabyte fields would be a broken file, not a note; the csv module's 128 KiB default is too
# small for some GTD summaries, so raise it to 1 MiB.
csv.field_size_limit(1024 * 1024)


class Table:
    """An open table: `header` (lower-cased column names), `file_errors`, and `rows()`."""

    def __init__(
        self, header: list[str], rows: Iterator[tuple[int, list[str], list[RowError]]], file_errors: list[RowError]
    ):
        self.header = header
        self._rows = rows
        self.file_errors = file_errors

    def rows(self) -> Iterator[tuple[int, dict[str, str], list[RowError]]]:
        """Yield (row number, {column: text}, cell errors). Blank rows are skipped."""
        width = len(self.header)
        for number, cells, reader_errors in self._rows:
            if not any(cells) and not reader_errors:
                continue
            errors = list(reader_errors)
            if len(cells) > width:
                extra = next((i for i in range(width, len(cells)) if cells[i]), None)
                if extra is not None:
                    errors.append(
                        RowError(number, str(extra + 1), f"{cells[extra]!r} is beyond the {width} header columns")
                    )
            row = dict(zip(self.header, cells, strict=False))
            for column, value in row.items():
                if "\x00" in value:  # as Django's form fields do: no text field may hold one
                    errors.append(RowError(number, column, "contains a NUL byte (\\x00), which no text may hold"))
                elif not value.isascii() and _SURROGATE.search(value):
                    errors.append(RowError(number, column, _encoding_message(value)))
            yield number, row, errors


def _encoding_message(value: str) -> str:
    raw = value.encode("utf-8", "surrogateescape")
    shown = raw.decode("cp1252", "replace")
    return f"{shown!r} is not valid UTF-8 (the file looks like Latin-1/Windows-1252; save it as UTF-8)"


def _normalise_header(cells: list[str]) -> tuple[list[str], list[RowError]]:
    header, errors, seen = [], [], set()
    for cell in cells:
        name = cell.strip().lower()
        if _SURROGATE.search(name):
            errors.append(RowError(1, name.encode("utf-8", "surrogateescape").decode("cp1252"), "header is not UTF-8"))
        if name and name in seen:
            errors.append(RowError(1, name, "the column appears twice in the header"))
        seen.add(name)
        header.append(name)
    return header, errors


@contextmanager
def open_table(source: str | os.PathLike | BinaryIO, filename: str = ""):
    """Open a CSV or XLSX file (a path, or a binary file object such as a Django upload)."""
    if isinstance(source, str | os.PathLike):
        filename = filename or str(source)
        handle = open(source, "rb")  # noqa: SIM115 - closed below
        owns_handle = True
    else:
        handle, owns_handle = source, False
    try:
        start = handle.read(4)
        handle.seek(0)
        if start == XLSX_MAGIC or Path(filename).suffix.lower() == ".xlsx":
            with _open_xlsx(handle) as table:
                yield table
        elif start == XLS_MAGIC:
            yield _failed("this is an old binary Excel (.xls) file: save it as .xlsx or as UTF-8 CSV")
        elif start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            yield _failed("the file is UTF-16 (Excel's 'Unicode text'): save it as UTF-8 CSV")
        else:
            yield _open_csv(handle)
    finally:
        if owns_handle:
            handle.close()


def estimate_rows(path: str | os.PathLike) -> int | None:
    """Lines in a CSV (a quick byte count, for a progress total); None for a workbook."""
    with open(path, "rb") as handle:
        if handle.read(4) == XLSX_MAGIC:
            return None
        handle.seek(0)
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return max(lines - 1, 0)


def _failed(message: str) -> Table:
    return Table([], iter(()), [RowError(None, "", message)])


def _open_csv(handle: BinaryIO) -> Table:
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape", newline="")
    first_line = text.readline()
    if not first_line.strip():
        return _failed("the file is empty (no header row)")
    # Pick the delimiter the header uses most; ACLED/GTD/UCDP exports use commas, European
    # spreadsheets save with semicolons, some tools with tabs.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    header_cells = next(csv.reader([first_line], delimiter=delimiter))
    header, errors = _normalise_header(header_cells)
    # strict: a quoted cell must end at its closing quote. Otherwise an unbalanced quote silently
    # swallows the following lines (and rows) into one cell.
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    width = len(header)

    def rows():
        number = 1
        while True:
            # Physical lines of the file: the header was line 1, read before the csv reader.
            first_line = reader.line_num + 2
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # an unclosed quote, a NUL byte, a field over the size limit…
                raise _CsvBroken(RowError(number + 1, "*", _csv_error_message(exc, first_line))) from exc
            number, last_line = number + 1, reader.line_num + 1
            row_errors = []
            if last_line > first_line and _swallowed_rows(cells, width, delimiter):
                row_errors.append(
                    RowError(
                        number,
                        "*",
                        f"a quoted cell runs from line {first_line} to line {last_line} and takes in what "
                        'looks like another row: a quote (") is probably not closed',
                    )
                )
            yield number, [cell.strip() for cell in cells], row_errors

    return Table(header, _stop_at_broken(rows(), errors), errors)


def _swallowed_rows(cells: list[str], width: int, delimiter: str) -> bool:
    """Whether a record that spans lines is a quote opened by mistake rather than a note.

    A record may span lines only inside a well-formed quoted cell. When it does not fit the header,
    or a line inside a cell has the shape of a row of this file (as many delimiters as half the
    columns), the quote swallowed the next row(s)."""
    if len(cells) != width:
        return True
    row_like = max(3, width // 2)
    return any(
        line.count(delimiter) + 1 >= row_like for cell in cells if "\n" in cell for line in cell.splitlines()[1:]
    )


def _csv_error_message(exc: csv.Error, line: int) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return f'a quote (") opened in this row, at line {line}, is never closed: the rest of the file cannot be read'
    if "expected after" in text:
        return (
            f"a quoted cell starting at or after line {line} has text after its closing quote "
            f"({text}): probably an unbalanced quote"
        )
    return f"unreadable CSV: {text}"


class _CsvBroken(Exception):
    def __init__(self, error: RowError):
        self.error = error


def _stop_at_broken(rows, file_errors):
    """A CSV the csv module cannot parse further ends the table; the error joins file_errors."""
    try:
        yield from rows
    except _CsvBroken as broken:
        file_errors.append(broken.error)


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# A workbook is read within these bounds, declared (the sheet's <dimension>) and actual, so that a
# few kilobytes claiming A1:XFD1048576 cannot keep a worker busy: GTD's full export is ~210,000 rows
# of 135 columns. Larger files belong in CSV.
XLSX_MAX_ROWS = 500_000
XLSX_MAX_COLUMNS = 1_000
XLSX_MAX_CELLS = 40_000_000


class _TooBig(Exception):
    pass


def _xlsx_bounds_message(what: str) -> str:
    return (
        f"the first sheet {what}; at most {XLSX_MAX_ROWS:,} rows, {XLSX_MAX_COLUMNS:,} columns and "
        f"{XLSX_MAX_CELLS:,} cells are read from a workbook: save the data as CSV instead"
    )


def _declared_too_big(sheet) -> str | None:
    """The sheet's declared size, checked before a cell is read."""
    min_col, min_row, max_col, max_row = (
        sheet.min_column or 1,
        sheet.min_row or 1,
        sheet.max_column or 0,
        sheet.max_row or 0,
    )
    if max_row - min_row + 1 > XLSX_MAX_ROWS or max_col - min_col + 1 > XLSX_MAX_COLUMNS:
        return _xlsx_bounds_message(f"declares {max_row - min_row + 1:,} rows × {max_col - min_col + 1:,} columns")
    return None


def _bounded(values):
    """Rows of the sheet, refusing (with _TooBig) one beyond the row, column or cell limits."""
    cells = 0
    for index, row in enumerate(values, start=1):
        if index > XLSX_MAX_ROWS:
            raise _TooBig(_xlsx_bounds_message(f"has data beyond row {XLSX_MAX_ROWS:,}"))
        if len(row) > XLSX_MAX_COLUMNS:
            raise _TooBig(_xlsx_bounds_message(f"has data in column {len(row):,} of row {index:,}"))
        cells += len(row)
        if cells > XLSX_MAX_CELLS:
            raise _TooBig(_xlsx_bounds_message(f"has more than {XLSX_MAX_CELLS:,} cells"))
        yield row


def _unreadable_xlsx(exc: Exception) -> str:
    return f"not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})"


@contextmanager
def _open_xlsx(handle: BinaryIO):
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # What a zip that only looks like a workbook makes openpyxl raise, on opening or while the sheet
    # streams: a damaged archive, a missing part, malformed XML, a cell value that is not its type.
    damaged = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, ValueError, TypeError, OSError)
    damaged += (ParseError, InvalidFileException)
    try:
        # read_only streams the sheet XML instead of building every cell object up front.
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except damaged as exc:
        yield _failed(_unreadable_xlsx(exc))
        return
    try:
        if not workbook.worksheets:
            yield _failed("the workbook has no sheet")
            return
        sheet = workbook.worksheets[0]
        too_big = _declared_too_big(sheet)
        if too_big:
            yield _failed(too_big)
            return
        # Read what the sheet holds, not what it declares: missing rows are not padded to the
        # declared width (read-only mode would build a row of that width for each of them).
        sheet.reset_dimensions()
        try:
            values = _bounded(sheet.iter_rows(values_only=True))
            first = next(values, None)
        except damaged as exc:
            yield _failed(_unreadable_xlsx(exc))
            return
        except _TooBig as exc:
            yield _failed(str(exc))
            return
        if first is None:
            yield _failed("the workbook's first sheet is empty (no header row)")
            return
        header, errors = _normalise_header([_xlsx_text(v) for v in first])

        def rows():
            number = 1
            try:
                for number, row in enumerate(values, start=2):
                    yield number, [_xlsx_text(v) for v in row], []
            except damaged as exc:  # the sheet breaks off: the rest is lost, so the file is refused
                errors.append(
                    RowError(None, "", f"{_unreadable_xlsx(exc)}: the first sheet breaks off after row {number}")
                )
            except _TooBig as exc:
                errors.append(RowError(None, "", str(exc)))

        yield Table(header, rows(), errors)
    finally:
        workbook.close()
