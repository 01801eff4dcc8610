"""The confirmation after proposing a decision says how many members will be e-mailed."""

from coproduce.decisions.views import proposed_message

from ..factories import ProjectFactory


def test_proposed_message_counts_members(world):
    assert proposed_message(world["project"]) == "Proposal opened. 2 members will be e-mailed."


def test_proposed_message_no_members(db):
    assert proposed_message(ProjectFactory(title="Empty")) == (
        "Proposal opened. No members to e-mail yet."
    )
