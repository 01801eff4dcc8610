"""The finance exports never carry a live formula: a name that starts like one arrives as text,
and the amounts stay numbers."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coproduce.recognition import actions

from ..factories import MembershipFactory, person_with_user
from .helpers import hourly_rate, time_claim

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)"]


def _approved_claim(world, name):
    hourly_rate(world["org"])
    person = person_with_user(full_name=name)
    MembershipFactory(project=world["project"], person=person)
    _c, claim = time_claim(world, person=person)
    actions.approve_claim(by=None, claim=claim, on=datetime.date(2026, 3, 12))
    return claim


@pytest.mark.parametrize("name", PAYLOADS)
def test_export_csv_injection_name_neutralised(world, client_for, name):
    claim = _approved_claim(world, name)
    response = client_for(world["finance"]).get(
        reverse("recognition:export_csv", args=[world["org"].slug])
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1] == [
        str(claim.pk),
        "'" + name,
        "Payroll",
        "Accept payment",
        "2026-03-12",
        "",
        "40.00",
        "4.50",
        "44.50",
    ]


@pytest.mark.parametrize("name", PAYLOADS)
def test_export_xlsx_injection_name_neutralised(world, client_for, name):
    claim = _approved_claim(world, name)
    response = client_for(world["finance"]).get(
        reverse("recognition:export_xlsx", args=[world["org"].slug])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]] == [
        claim.pk,
        "'" + name,
        "Payroll",
        "Accept payment",
        "2026-03-12",
        None,
        40,
        4.5,
        44.5,
    ]
    # The name is a text cell; the amounts are numbers shown with two decimal places.
    assert [c.data_type for c in sheet[2]][1] == "s"
    assert [(c.data_type, c.number_format) for c in sheet[2][6:]] == [("n", "0.00")] * 3
