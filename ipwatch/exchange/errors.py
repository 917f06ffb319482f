"""Row-numbered import errors.

Rows are numbered as a spreadsheet numbers them: the header is row 1, the first data row is row 2.
A CSV record that spans several lines (a quoted note with line breaks) is still one row.
"""

from dataclasses import dataclass


class FieldError(ValueError):
    """One cell's value is unusable; the message reads after the column name, e.g. "'x' is not a date"."""


@dataclass(frozen=True, slots=True)
class RowError:
    row: int | None  # None: the file as a whole (not a workbook, empty…)
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"file: {self.message}"
        return f"row {self.row}, column {self.column}: {self.message}"
