"""Sentences worded from the facts (issue 16): the confirmation after opening a readiness check
or pulse says how many members will be e-mailed, and a one-point gap is "1 point"."""

from django.utils import translation

from coproduce.measures import summaries
from coproduce.measures.pulse import Gap
from coproduce.measures.views import opened_message

from ..factories import ProjectFactory


def test_opened_message_readiness_counts_members(world):
    assert (
        opened_message(world["project"], readiness=True)
        == "Readiness check opened. 2 members will be e-mailed."
    )


def test_opened_message_pulse_counts_members(world):
    assert (
        opened_message(world["project"], readiness=False)
        == "Pulse opened. 2 members will be e-mailed."
    )


def test_opened_message_no_members(db):
    project = ProjectFactory(title="Empty")
    assert opened_message(project, readiness=True) == (
        "Readiness check opened. No members to e-mail yet."
    )
    assert opened_message(project, readiness=False) == "Pulse opened. No members to e-mail yet."


def test_opened_message_welsh(world):
    with translation.override("cy"):
        assert opened_message(world["project"], readiness=False) == (
            "Mae'r pwls ar agor. Bydd 2 aelod yn cael e-bost."
        )


def test_principle_gap_one_point_is_singular():
    gap = Gap(rung=None, principles={"assets": 1.0})
    assert summaries.principle_gap(gap, {"assets": "Assets"}) == (
        "The widest gap is on Assets: lived-experience members agree 1 point more than "
        "professional members (median)."
    )


def test_principle_gap_half_points_is_plural():
    gap = Gap(rung=None, principles={"assets": -1.5})
    assert summaries.principle_gap(gap, {"assets": "Assets"}) == (
        "The widest gap is on Assets: lived-experience members agree 1.5 points less than "
        "professional members (median)."
    )
