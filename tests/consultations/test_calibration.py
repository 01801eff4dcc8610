"""The calibration table counts the same pairs for "Same rating" as kappa does."""

import datetime

import pytest
from django.urls import reverse

from coproduce.consultations import actions, selectors

from ..tables import table
from .helpers import CHECKLIST, checklist_ratings, team_with_people

DAY = datetime.date(2026, 3, 10)
# task_open, rater A then rater B, over eight consultations: two both "not applicable", four
# the same, two a step apart. task_close: one where only rater A said "not applicable".
TASK_OPEN = [("na", "na"), ("na", "na"), (2, 2), (1, 1), (0, 0), (2, 2), (2, 1), (1, 0)]
TASK_CLOSE = [("na", 2)] + [(2, 2)] * 7


@pytest.fixture
def rated_team(world):
    team, clinician, _observer = team_with_people(world)
    actions.add_member(by=None, team=team, person=world["lead"], role="observer")
    for n, ((a, b), (c, d)) in enumerate(zip(TASK_OPEN, TASK_CLOSE, strict=True), start=1):
        consultation = actions.add_consultation(
            by=None,
            team=team,
            clinician=clinician,
            instrument=CHECKLIST,
            reference=f"C{n}",
            occurred_on=DAY,
            mode="recorded",
        )
        for rater, open_, close in ((world["member"], a, c), (world["lead"], b, d)):
            actions.rate_consultation(
                by=None,
                consultation=consultation,
                rater=rater,
                ratings=checklist_ratings(task_open=open_, task_close=close),
            )
    return team


def test_calibration_same_rating_leaves_out_not_applicable(rated_team):
    result = selectors.agreement(rated_team, CHECKLIST)
    rows = {row["item"].key: row for row in result["items"]}
    task_open = rows["task_open"]
    assert result["pairs"] == 8
    assert {k: task_open[k] for k in ("same", "rated", "both_not_applicable")} == {
        "same": 4,
        "rated": 6,
        "both_not_applicable": 2,
    }
    assert task_open["one_not_applicable"] == 0
    # Weighted kappa over the same six pairs (linear weights over 0, 1, 2). A: 2 1 0 2 2 1;
    # B: 2 1 0 2 1 0. Observed disagreement (0.5 + 0.5) / 6 = 1/6. Margins A (1, 2, 3), B
    # (2, 2, 2): expected (1×2×.5 + 1×2×1 + 2×2×.5 + 2×2×.5 + 3×2×1 + 3×2×.5) / 36 = 16/36.
    # kappa = 1 - (1/6) / (4/9) = 0.625.
    assert task_open["kappa"] == pytest.approx(0.625)
    task_close = rows["task_close"]
    assert [task_close[k] for k in ("same", "rated", "both_not_applicable")] == [7, 7, 0]
    assert task_close["one_not_applicable"] == 1


def test_calibration_page_says_what_is_left_out(rated_team, world, client_for):
    body = client_for(world["member"]).get(
        reverse("consultations:calibration", args=[rated_team.pk])
    )
    rows = {
        row[0]: row[1:] for row in table(body.content.decode(), "Agreement on each item")["rows"]
    }
    assert rows[
        "Opens the discussion by letting the patient say, without interruption, everything they "
        "came about"
    ] == [
        "4 of 6 rated by both (2 where both observers marked it not applicable are left out)",
        "0.62",
    ]
    assert rows[
        "Closes by summarising, agreeing next steps and who does what, and asking whether "
        "anything else is needed"
    ] == [
        "7 of 7 rated by both (1 where one observer marked it not applicable is left out)",
        "–",
    ]
