"""Agreement between two raters against values worked by hand."""

import datetime

import pytest

from coproduce.consultations import actions, selectors

from .helpers import CHECKLIST, checklist_ratings, team_with_people

DAY = datetime.date(2026, 3, 10)


def _second_observer(world, team):
    return actions.add_member(by=None, team=team, person=world["lead"], role="observer")


def _consultation(team, clinician, reference, instrument=CHECKLIST):
    return actions.add_consultation(
        by=None,
        team=team,
        clinician=clinician,
        instrument=instrument,
        reference=reference,
        occurred_on=DAY,
        mode="recorded",
    )


def test_agreement_checklist_weighted_kappa_per_item(world):
    team, clinician, _observer = team_with_people(world)
    _second_observer(world, team)
    # task_open by rater A: 2, 1, 0, 2; by rater B: 2, 0, 0, 1 (every other item "done well").
    # Linear weights over 0, 1, 2: observed disagreement (0 + .5 + 0 + .5) / 4 = .25;
    # expected 8 / 16 = .5; kappa = 1 - .25 / .5 = 0.5.
    for n, (a, b) in enumerate([(2, 2), (1, 0), (0, 0), (2, 1)], start=1):
        c = _consultation(team, clinician, f"R{n}")
        actions.rate_consultation(
            by=None, consultation=c, rater=world["member"], ratings=checklist_ratings(task_open=a)
        )
        actions.rate_consultation(
            by=None, consultation=c, rater=world["lead"], ratings=checklist_ratings(task_open=b)
        )
    result = selectors.agreement(team, CHECKLIST)
    by_key = {row["item"].key: row for row in result["items"]}
    assert result["pairs"] == 4
    assert by_key["task_open"]["kappa"] == pytest.approx(0.5)
    assert by_key["task_open"]["same"] == 2
    # Every rating "done well" by both: chance agreement is perfect, kappa undefined.
    assert by_key["task_close"]["kappa"] is None
    differing = {
        d["consultation"].reference: [(i.key, a, b) for i, a, b in d["items"]]
        for d in result["differences"]
    }
    assert differing == {
        "R1": [],
        "R2": [("task_open", 1, 0)],
        "R3": [],
        "R4": [("task_open", 2, 1)],
    }


def test_agreement_option5_kappa_and_icc(world):
    team, clinician, _observer = team_with_people(world)
    _second_observer(world, team)
    actions.record_permission(
        by=None,
        organisation=world["org"],
        instrument="option5",
        granted_by="The authors",
        granted_on=DAY,
        wording_en="\n".join(f"Behaviour {n}" for n in range(1, 6)),
    )
    keys = [f"item{n}" for n in range(1, 6)]
    pairs = [
        ([4, 4, 4, 4, 4], [4, 4, 4, 4, 3]),  # totals 100 and 95
        ([2, 2, 2, 2, 2], [2, 2, 2, 2, 2]),  # 50 and 50
        ([0, 0, 0, 0, 0], [1, 0, 0, 0, 0]),  # 0 and 5
    ]
    for n, (a, b) in enumerate(pairs, start=1):
        c = _consultation(team, clinician, f"O{n}", instrument="option5")
        actions.rate_consultation(
            by=None, consultation=c, rater=world["member"], ratings=dict(zip(keys, a, strict=True))
        )
        actions.rate_consultation(
            by=None, consultation=c, rater=world["lead"], ratings=dict(zip(keys, b, strict=True))
        )
    result = selectors.agreement(team, "option5")
    assert sorted(result["totals"]) == [[0.0, 5.0], [50.0, 50.0], [100.0, 95.0]]
    # MS rows 4512.5, MS error 12.5, MS cols 0: ICC = 4500 / (4525 - 25/3) = 270/271.
    assert result["icc"] == pytest.approx(270 / 271)
    # Item 1: A 4, 2, 0; B 4, 2, 1. Linear weights over 0–4: observed 1/12, expected 3.75/9.
    assert result["items"][0]["kappa"] == pytest.approx(0.8)
