"""The one way ipwatch writes CSV. Every file people open in a spreadsheet — /api/incidents.csv, the
analysts' /incidents/export.csv, export_incidents, /api/reports.csv, /api/activity.csv — goes
through ``lines``, so each cell follows one rule:

- None is an empty cell (an unknown figure is never written as 0);
- True/False are 1/0;
- a value in a numeric column is written as it is (a negative longitude is not a formula);
- any other text is formula-guarded (``guard_formula``: CSV injection), which the ipwatch import undoes.
"""

import csv
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence

from .formats.ipwatch import guard_formula


class _Line:
    """A file-like object whose write() hands back what it was given (for csv.writer)."""

    def write(self, text: str) -> str:
        return text


def cell(value, *, numeric: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if numeric:
        return str(value)
    return guard_formula(str(value))


def lines(columns: Sequence[str], rows: Iterable[Mapping], numeric: Collection[str] = ()) -> Iterator[str]:
    """The header, then one CSV line per row (column → value; a column the row lacks is empty)."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([cell(row.get(column), numeric=column in numeric) for column in columns])
