"""The consultation figures exports never carry a live formula in a team's or clinician's name."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from coproduce.consultations import actions

from .helpers import answer, open_link

TEAM = '=HYPERLINK("http://x","y")'
CLINICIAN = "@SUM(A1)"


def _world_with_payloads(world):
    team = actions.create_team(by=None, organisation=world["org"], name=TEAM)
    world["cochair"].full_name = CLINICIAN
    world["cochair"].save(update_fields=["full_name"])
    clinician = actions.add_member(by=None, team=team, person=world["cochair"], role="clinician")
    answer(open_link(team, clinician), [9, 9, 9])


def _names(rows) -> dict:
    """level -> name, from the first row of each level."""
    names = {}
    for row in rows[1:]:
        names.setdefault(row[0], row[1])
    return names


def test_export_csv_injection_names_neutralised(world, client_for):
    _world_with_payloads(world)
    response = client_for(world["lead"]).get(
        reverse("consultations:export_csv", args=[world["org"].slug])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert _names(rows) == {
        "Organisation": "Dyffryn Teg Health Board",
        "Team": "'" + TEAM,
        "Clinician": "'" + f"{CLINICIAN} ({TEAM})",
    }


def test_export_xlsx_injection_names_neutralised(world, client_for):
    _world_with_payloads(world)
    response = client_for(world["lead"]).get(
        reverse("consultations:export_xlsx", args=[world["org"].slug])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert _names(rows) == {
        "Organisation": "Dyffryn Teg Health Board",
        "Team": "'" + TEAM,
        "Clinician": "'" + f"{CLINICIAN} ({TEAM})",
    }
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
