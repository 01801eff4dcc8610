"""Spreadsheet downloads shared by the apps' export views.

Every CSV and XLSX cell that can hold someone's text goes through `neutralise`, so a name such
as =HYPERLINK("http://x","y") arrives in the finance officer's spreadsheet as text, never as a
live formula (OWASP, "CSV Injection")."""

import csv
import decimal
import io

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Excel, LibreOffice and Google Sheets start a formula (or DDE call) with these; TAB and CR
# too, because some readers drop them and then see the character after. The fullwidth forms
# are included because some spreadsheets fold them to their ASCII forms on import.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value):
    """The value to write in a cell: text that a spreadsheet would read as a formula gets a
    leading single quote; numbers, Decimals, dates and None stay as they are (so -5.00 written
    as a Decimal is still a number)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(row) -> list:
    return [neutralise(value) for value in row]


class _Line:
    """A file-like that hands back what is written (so a streamed CSV yields line by line)."""

    def write(self, value):
        return value


class CsvWriter:
    """csv.writer whose every cell goes through `neutralise`. Without a file, writerow returns
    the line as text, for streamed downloads."""

    def __init__(self, fp=None, **kwargs):
        self._writer = csv.writer(_Line() if fp is None else fp, **kwargs)

    def writerow(self, row):
        return self._writer.writerow(neutralise_row(row))

    def writerows(self, rows):
        for row in rows:
            self._writer.writerow(neutralise_row(row))


def _xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, decimal.Decimal):
        # Money stays a number, shown with the places it has (40.00, not 40).
        cell = WriteOnlyCell(sheet, value=value)
        places = -value.as_tuple().exponent if value.is_finite() else 0
        if places > 0:
            cell.number_format = "0." + "0" * places
        return cell
    return neutralise(value)


def xlsx_response(*, filename: str, sheet_title: str, header, rows) -> HttpResponse:
    """One sheet, written in openpyxl's write-only mode, as an attachment."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title)
    sheet.append(neutralise_row(header))
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
