"""The shared spreadsheet helpers: text a spreadsheet would run as a formula arrives as text
(OWASP's CSV-injection rule), and numbers stay numbers."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from coproduce.core.exports import CsvWriter, neutralise, xlsx_response


@pytest.mark.parametrize(
    "value,expected",
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+2", "'\t=1+2"),
        ("\r=1+2", "'\r=1+2"),
        ("\uff1d1+2", "'\uff1d1+2"),
        ("\uff0b1", "'\uff0b1"),
        ("\uff0d1", "'\uff0d1"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        ("-5.00", "'-5.00"),
    ],
)
def test_neutralise_formula_start_prefixed(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "Mo Member",
        "a=b",
        " =1",
        "",
        "'=already quoted",
        -5,
        Decimal("-5.00"),
        -1.5,
        datetime.date(2026, 3, 12),
        None,
    ],
)
def test_neutralise_other_values_unchanged(value):
    assert neutralise(value) is value


def test_csv_writer_neutralises_every_cell():
    writer = CsvWriter()
    line = writer.writerow(["=1+2", "+1", "plain", Decimal("-5.00"), -3, None])
    assert line == "'=1+2,'+1,plain,-5.00,-3,\r\n"


def test_csv_writer_to_file_writes_rows():
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow(["@SUM(A1)"])
    writer.writerows([["-2+3", 4]])
    assert buffer.getvalue() == "'@SUM(A1)\r\n'-2+3,4\r\n"


def test_xlsx_response_text_neutralised_numbers_stay_numbers():
    response = xlsx_response(
        filename="x.xlsx",
        sheet_title="Sheet",
        header=["=Name", "Amount"],
        rows=[['=HYPERLINK("http://x","y")', Decimal("-5.00")], ["-2+3", 7]],
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["'=Name", "Amount"],
        ['\'=HYPERLINK("http://x","y")', -5],
        ["'-2+3", 7],
    ]
    assert [c.data_type for c in sheet[2]] == ["s", "n"]
    assert sheet["B2"].number_format == "0.00"
    assert response["Content-Disposition"] == 'attachment; filename="x.xlsx"'


def test_exports_every_writer_goes_through_neutralise():
    # A new export that writes CSV or a workbook by hand would bypass the neutralising: CSV is
    # written only here, and a module that builds its own workbook must use neutralise_row.
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "coproduce"
    raw_csv, raw_books = [], []
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name == "exports.py" and path.parent.name == "core":
            continue
        if "csv.writer(" in text or "csv.DictWriter(" in text:
            raw_csv.append(path.name)
        if "Workbook(" in text and "neutralise_row" not in text:
            raw_books.append(path.name)
    assert (raw_csv, raw_books) == ([], [])
