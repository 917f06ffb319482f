"""Regenerate the test files that are awkward to write by hand (run from the repository root):
the GTD sample as .xlsx, and an ACLED sample saved as Windows-1252 instead of UTF-8.

    .venv/bin/python tests/data/make_binary_samples.py

Everything written is synthetic test data and says so in its file name and rows.
"""

import csv
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent


def gtd_xlsx():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    with open(HERE / "gtd_synthetic_sample.csv", encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.reader(handle)):
            # Numbers as numbers, as GTD's own workbook stores them.
            sheet.append([float(cell) if n and _is_number(cell) else cell for cell in row])
    workbook.save(HERE / "gtd_synthetic_sample.xlsx")


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def acled_cp1252():
    rows = [
        "event_id_cnty,event_date,time_precision,actor1,country,iso,admin1,location,latitude,longitude,notes,is_synthetic",
        "SYN-ENC-0001,2019-05-04,1,Islamic State (Libya),Libya,434,Sabha,Synthetic A,27.03,14.42,"
        "SYNTHETIC plain ASCII row,1",
        "SYN-ENC-0002,2019-05-05,1,Islamic State (Libya),Libya,434,Sabha,Sebh\u00e2 synth\u00e9tique,27.03,14.42,"
        "SYNTHETIC caf\u00e9 \u2013 saved as Windows-1252,1",
    ]
    (HERE / "acled_synthetic_cp1252.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))


if __name__ == "__main__":
    gtd_xlsx()
    acled_cp1252()
