"""Study outputs and codings exports never carry a live formula: a quote, participant, source or
code that starts like one arrives as text, in CSV and in XLSX."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coproduce.insight.models import Code, Participant, Source

from .sweep import build

QUOTE = '=HYPERLINK("http://x","y")'


@pytest.fixture
def hostile(world):
    """The sweep study with a coded quote, participant, source and code that start like
    formulas. The coding covers characters 30 to 61, so the quote is padded to that length."""
    objects = build(world)
    source = objects["source"]
    text = source.text[:30] + QUOTE.ljust(31) + source.text[61:]
    Source.objects.filter(pk=source.pk).update(text=text, name="+1")
    Participant.objects.filter(pk=objects["participant"].pk).update(identifier="-2+3")
    Code.objects.filter(pk=objects["code"].pk).update(name="@SUM(A1)")
    return objects


def _csv(content: str) -> list:
    return list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))


def _xlsx(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


QUOTE_ROW = ["'" + QUOTE, "Public, patient", "'-2+3", "'+1", "'@SUM(A1)", "Barrier"]


def test_quotes_csv_injection_neutralised(world, client_for, hostile):
    response = client_for(world["member"]).get(
        reverse("insight:quotes", args=["barriers"]), {"format": "csv"}
    )
    assert _csv(response.content.decode())[1:] == [QUOTE_ROW]


def test_quotes_xlsx_injection_neutralised(world, client_for, hostile):
    response = client_for(world["member"]).get(
        reverse("insight:quotes", args=["barriers"]), {"format": "xlsx"}
    )
    assert _xlsx(response.content)[1:] == [QUOTE_ROW]


CODING_ROW = [
    "'+1",
    "'-2+3",
    "'@SUM(A1)",
    "Psychological capability",
    "Barrier",
    "Mo Member",
]


def test_codings_csv_injection_neutralised(world, client_for, hostile):
    response = client_for(world["member"]).get(reverse("insight:codings_csv", args=["barriers"]))
    rows = _csv(b"".join(response.streaming_content).decode())
    assert rows[1:] == [[*CODING_ROW, "30", "61", "'" + QUOTE.ljust(31)]]


def test_codings_xlsx_injection_neutralised(world, client_for, hostile):
    response = client_for(world["member"]).get(reverse("insight:codings_xlsx", args=["barriers"]))
    rows = _xlsx(b"".join(response.streaming_content))
    assert rows[1:] == [[*CODING_ROW, 30, 61, "'" + QUOTE.ljust(31)]]
