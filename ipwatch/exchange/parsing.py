"""File → stream of parsed rows (records, skips, errors), without touching the database.

Used by the importer (command and admin upload alike) and usable on its own to validate a file.
"""

import sqlite3
from collections.abc import Iterator
from typing import BinaryIO

from .errors import RowError
from .formats import FORMATS
from .provinces import ProvinceMap
from .readers import open_table
from .records import Cells, Parsed


class SeenKeys:
    """Event ids met so far in this file, to reject duplicates.

    Kept in a private temporary SQLite database (sqlite's "" filename: on disk once its small page
    cache fills, deleted on close) so that memory stays flat however many rows the file has.
    """

    def __init__(self):
        self.db = sqlite3.connect("")
        self.db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, row INTEGER) WITHOUT ROWID")

    def first_row(self, key: str, row: int) -> int | None:
        """Remember `key`; return the row it was first seen in if it was seen before."""
        cursor = self.db.execute("INSERT OR IGNORE INTO seen (key, row) VALUES (?, ?)", (key, row))
        if cursor.rowcount:
            return None
        return self.db.execute("SELECT row FROM seen WHERE key = ?", (key,)).fetchone()[0]

    def close(self):
        self.db.close()


def parse_file(
    source: str | BinaryIO, format_name: str, provinces: ProvinceMap, filename: str = ""
) -> Iterator[Parsed]:
    """Yield one Parsed per data row. File and header problems come first, as a Parsed with errors
    only; a missing required column stops there (every row would fail the same way)."""
    fmt = FORMATS[format_name]
    seen = SeenKeys()
    try:
        with open_table(source, filename) as table:
            header_errors = table.file_errors + (fmt.check_header(table.header) if table.header else [])
            if header_errors:
                yield Parsed(errors=list(header_errors))
                table.file_errors.clear()
            if any(e.row is None or e.message.startswith("required column") for e in header_errors):
                return
            for number, row, cell_errors in table.rows():
                parsed = fmt.parse(Cells(number, row, cell_errors), provinces)
                record = parsed.record
                if record is not None:
                    first = seen.first_row(f"{record.external_source}\x1f{record.external_id}", number)
                    if first is not None:
                        message = f"{record.external_id!r} repeats row {first}'s event id"
                        parsed = Parsed(errors=[RowError(number, fmt.key_column(record), message)])
                yield parsed
            if table.file_errors:  # the CSV broke off part way (e.g. a NUL byte)
                yield Parsed(errors=list(table.file_errors))
    finally:
        seen.close()
