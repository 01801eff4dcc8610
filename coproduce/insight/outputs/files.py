"""A study's outputs as files: CSV, Excel, Word and Markdown tables, and their file names."""

import io
import re

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from coproduce.core.exports import CsvWriter, neutralise_row

# Files ---------------------------------------------------------------------------------------


def write_csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_xlsx(header, rows, *, sheet: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    page = book.active
    # Sheet names are at most 31 characters and may not hold []:*?/\
    page.title = re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31] or "Sheet"
    page.append(neutralise_row(header))
    for cell in page[1]:
        cell.font = Font(bold=True)
    for row in rows:
        page.append(neutralise_row(row))
    page.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_docx(header, rows, *, study, title: str, summary: str, on=None) -> bytes:
    """A Word document: the study title, the output's title and date, a plain-language summary,
    and the table with a header row that repeats on every page."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    on = on or timezone.localdate()
    document = Document()
    document.add_heading(study.title, level=0)
    document.add_heading(title, level=1)
    document.add_paragraph(_("Produced on %(date)s.") % {"date": formats.date_format(on, "j F Y")})
    document.add_paragraph(summary)
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(str(text)).bold = True
    properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_markdown(header, rows) -> str:
    def cell(value):
        return ("" if value is None else str(value)).replace("|", "\\|").replace("\n", "<br>")

    lines = [
        "| " + " | ".join(cell(h) for h in header) + " |",
        "|" + "|".join("---" for _h in header) + "|",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def export_filename(study, name: str, extension: str) -> str:
    return f"{study.slug}-{name}-{timezone.localdate().isoformat()}.{extension}"
