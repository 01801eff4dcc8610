"""Try to undo the minimum-responses rule by subtraction, on the dashboards and the export.

One team, three clinicians, CollaboRATE (0–9), minimum 25: Cerys 30 encounters all 9s, Dr Bee
26 all 8s, Dr Cee 3 encounters scoring 1, 0 and 1 (mean 2/3). Dr Cee is under the minimum.
Before secondary suppression the team's figure and Cerys's and Dr Bee's were shown, and
(team total - Cerys's - Dr Bee's) / 3 was Dr Cee's mean. Counts are published (the export lists
them for every group); scores are what must not be recoverable.
"""

import csv
import io
import re
from itertools import combinations

import pytest
from django.urls import reverse

from coproduce.consultations import actions

from ..factories import person_with_user
from ..tables import table
from .helpers import answer, open_link, team_with_people

CEE = [[1, 0, 2], [0, 0, 0], [2, 1, 0]]  # item means 1, 0, 1: mean 2/3
CEE_MEAN = 2 / 3
SHOWN_AS = "Not shown, so that a smaller group’s figure cannot be worked out from the totals"


@pytest.fixture
def team(world):
    team, cerys, _observer = team_with_people(world)
    bee = actions.add_member(
        by=None, team=team, person=person_with_user(full_name="Dr Bee"), role="clinician"
    )
    cee = actions.add_member(
        by=None, team=team, person=person_with_user(full_name="Dr Cee"), role="clinician"
    )
    for member, rows in ((cerys, [[9, 9, 9]] * 30), (bee, [[8, 8, 8]] * 26), (cee, CEE)):
        link = open_link(team, member)
        for values in rows:
            answer(link, values)
    return team, {"Cerys Cochair": cerys, "Dr Bee": bee, "Dr Cee": cee}


def _export(client, world):
    response = client.get(reverse("consultations:export_csv", args=[world["org"].slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _attack(scored, secret_count, secret_mean, tolerance):
    """Every total minus every combination of other scored figures (count and count × mean):
    none may leave exactly the secret group's count with its mean."""
    for total in scored:
        others = [s for s in scored if s is not total]
        for size in range(len(others) + 1):
            for parts in combinations(others, size):
                count = total[0] - sum(p[0] for p in parts)
                points = total[0] * total[1] - sum(p[0] * p[1] for p in parts)
                if count == secret_count:
                    assert abs(points / count - secret_mean) > tolerance


def test_export_subtraction_never_gives_the_small_clinician(team, world, client_for):
    rows = _export(client_for(world["admin"]), world)
    by_name = {(r["Level"], r["Name"], r["Month (year-month)"]): r for r in rows}
    month = next(r["Month (year-month)"] for r in rows if r["Month (year-month)"] != "All months")
    scored = [
        (int(r["Complete responses"]), float(r["Mean score"])) for r in rows if r["Mean score"]
    ]
    # Means are rounded to 2 places: a 59-response total is off by at most 0.3 points, so a
    # 3-response mean by at most 0.1.
    _attack(scored, secret_count=3, secret_mean=CEE_MEAN, tolerance=0.25)
    assert len(scored) == 6  # organisation, team and Cerys; all months and this month
    team_row = by_name[("Team", "Bridge Street GPs", "All months")]
    # (30 × 9 + 26 × 8 + 2) / 59 = 480 / 59 = 8.14; top-box 30 / 59 = 50.8%.
    assert [team_row[k] for k in ("Complete responses", "Mean score", "Top-box score (%)")] == [
        "59",
        "8.14",
        "50.8",
    ]
    for period in ("All months", month):
        assert [
            by_name[("Clinician", f"{name} (Bridge Street GPs)", period)][k]
            for name in ("Cerys Cochair", "Dr Bee", "Dr Cee")
            for k in ("Complete responses", "Mean score", "Why the score is blank")
        ] == [
            "30",
            "9.0",
            "",
            "26",
            "",
            SHOWN_AS,
            "3",
            "",
            "Fewer complete responses than the minimum",
        ]
    # The attack works on the figures as they were: with Dr Bee's row shown, team - Cerys -
    # Dr Bee is Dr Cee.
    exposed = (59 * 8.14 - 30 * 9.0 - 26 * 8.0) / 3
    assert abs(exposed - CEE_MEAN) < 0.25


def test_team_dashboard_subtraction_never_gives_the_small_clinician(team, world, client_for):
    team_obj, _members = team
    body = client_for(world["lead"]).get(reverse("consultations:team", args=[team_obj.pk]))
    body = body.content.decode()
    scored = [
        (int(n), float(mean))
        for mean, n in re.findall(r"average score was ([\d.]+) out of 9 \((\d+) complete", body)
    ]
    # One decimal place: the team total is off by up to 3 points, so a 3-response mean by 1.
    _attack(scored, secret_count=3, secret_mean=CEE_MEAN, tolerance=1.0)
    assert (
        "All months: 51% of patients gave the highest score on all three questions. The average "
        "score was 8.1 out of 9 (59 complete responses)." in body
    )
    rows = table(body, "Each clinician's results, all months")["rows"][1:]
    assert rows == [
        [
            "Cerys Cochair",
            "CollaboRATE (10-point version): 100% of patients gave the highest score on all "
            "three questions. The average score was 9.0 out of 9 (30 complete responses).",
        ],
        ["Dr Bee", f"CollaboRATE (10-point version): {SHOWN_AS}"],
        ["Dr Cee", "CollaboRATE (10-point version): Not enough responses yet"],
    ]


def test_clinician_dashboard_hidden_to_protect_a_colleague(team, world, client_for):
    _team, members = team
    bee = members["Dr Bee"]
    body = client_for(world["lead"]).get(reverse("consultations:clinician", args=[bee.pk]))
    assert f"All months: {SHOWN_AS}" in body.content.decode()


def test_organisation_dashboard_shows_the_pooled_total(team, world, client_for):
    body = client_for(world["admin"]).get(
        reverse("consultations:organisation", args=[world["org"].slug])
    )
    assert (
        "All months: 51% of patients gave the highest score on all three questions. The average "
        "score was 8.1 out of 9 (59 complete responses)." in body.content.decode()
    )
