import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from coproduce.core import reminders
from coproduce.decisions import actions


@pytest.fixture
def open_decision(world):
    return actions.propose_decision(
        by=world["cochair"].user,
        project=world["project"],
        proposer=world["cochair"],
        title="Evening clinics",
        proposal="Open the clinic two evenings a week.",
        method="consent",
        respond_by=timezone.localdate() + datetime.timedelta(days=1),
        notify=False,
    )


def test_pending_for_lists_open_proposal_until_position_taken(world, open_decision):
    member = world["member"]
    titles = [p.title for p in reminders.pending_for(member)]
    assert titles == ["Proposal: Evening clinics (Diabetes clinic)"]
    actions.set_position(by=member.user, decision=open_decision, person=member, stance="consent")
    assert reminders.pending_for(member) == []


def test_send_reminders_before_positions_close(
    world, open_decision, django_capture_on_commit_callbacks
):
    actions.set_position(
        by=world["cochair"].user, decision=open_decision, person=world["cochair"], stance="consent"
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", verbosity=0)
        call_command("send_reminders", verbosity=0)
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        (world["member"].email, "Where do you stand? Evening clinics")
    ]


def test_propose_refuses_past_respond_by(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.propose_decision(
            by=world["cochair"].user,
            project=world["project"],
            proposer=world["cochair"],
            title="Late",
            proposal="x",
            method="consent",
            respond_by=timezone.localdate() - datetime.timedelta(days=1),
        )
