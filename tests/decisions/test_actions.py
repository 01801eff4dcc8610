import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.core.models import AuditEvent
from coproduce.decisions import actions
from coproduce.decisions.models import Amendment, Position

from ..factories import MeetingFactory
from ..state import snapshot

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres


def _state():
    return snapshot("decisions", AuditEvent)


def test_propose_decision_captures_perspective_and_audits(group, propose):
    decision = propose("consent", "carer")
    assert (decision.proposer, decision.proposer_perspective, decision.status) == (
        group["carer"],
        "carer",
        "open",
    )
    event = AuditEvent.objects.get(action="decision.propose")
    assert (event.object_id, event.changes["method"]) == (str(decision.pk), [None, "consent"])


def test_propose_decision_by_lead_counts_as_professional(group):
    decision = actions.propose_decision(
        by=group["lead"].user,
        project=group["project"],
        proposer=group["lead"],
        title="Survey",
        proposal="Run a survey.",
        method="vote",
        notify=False,
    )
    assert decision.proposer_perspective == "professional"


def test_propose_decision_outsider_refused_saves_nothing(group):
    before = _state()
    with pytest.raises(ValidationError) as exc:
        actions.propose_decision(
            by=group["outsider"].user,
            project=group["project"],
            proposer=group["outsider"],
            title="Survey",
            proposal="Run a survey.",
            method="vote",
        )
    assert exc.value.message_dict == {
        "proposer": ["Only members of the project and its leads can make a proposal."]
    }
    assert _state() == before


def test_propose_decision_meeting_of_other_project_refused(group, propose):
    before = _state()
    with pytest.raises(ValidationError):
        propose(meeting=MeetingFactory())
    assert _state() == before


def test_propose_decision_advice_defaults_decider_to_proposer(group, propose):
    assert propose("advice", "staff").decider == group["staff"]
    assert propose("consent", "staff").decider is None


def test_propose_decision_emails_members_in_their_language(
    group, propose, django_capture_on_commit_callbacks
):
    group["member"].preferred_language = "cy"
    group["member"].save()
    with django_capture_on_commit_callbacks(execute=True):
        decision = propose(notify=True)
    members = ["cochair", "member", "staff_cochair", "staff", "carer", "observer"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(group[k].email for k in members)
    english = next(m for m in mail.outbox if m.to == [group["staff"].email])
    welsh = next(m for m in mail.outbox if m.to == [group["member"].email])
    assert english.subject == "Decision open: Evening clinics"
    # Welsh for this e-mail's own strings arrives with the catalogue; the greeting is there.
    assert welsh.body.startswith("Annwyl Mo Member,")
    assert english.body.startswith("Dear Pat Professional,")
    assert f"/decisions/{decision.pk}/" in english.body


def test_set_position_change_audits_old_and_new(group, propose, position):
    decision = propose()
    position(decision, "member", "consent")
    position(decision, "member", "object", "Buses stop at six.")
    changes = [
        e.changes["stance"] for e in AuditEvent.objects.filter(action="position.set").order_by("pk")
    ]
    assert changes == [[None, "consent"], ["consent", "object"]]
    assert Position.objects.get().stance == "object"


def test_set_position_same_again_writes_nothing(group, propose, position):
    decision = propose()
    position(decision, "member", "consent")
    before = _state()
    position(decision, "member", "consent")
    assert _state() == before


@pytest.mark.parametrize(
    "who,stance,comment,message",
    [
        (
            "observer",
            "consent",
            "",
            "Only members and co-chairs of the project can take a position.",
        ),
        (
            "outsider",
            "consent",
            "",
            "Only members and co-chairs of the project can take a position.",
        ),
        ("lead", "consent", "", "Only members and co-chairs of the project can take a position."),
        ("member", "agree", "", "Choose one of the positions for this method."),
        ("member", "object", "", "Give your reason, so the group can respond to it."),
    ],
)
def test_set_position_refused_saves_nothing(group, propose, who, stance, comment, message):
    decision = propose("consent")
    before = _state()
    with pytest.raises(ValidationError) as exc:
        actions.set_position(
            by=group[who].user, decision=decision, person=group[who], stance=stance, comment=comment
        )
    assert exc.value.messages == [message]
    assert _state() == before


def test_set_position_closed_refused(group, propose, position):
    decision = propose()
    actions.withdraw(by=None, decision=decision, statement="Dropped.")
    before = _state()
    with pytest.raises(ValidationError) as exc:
        position(decision, "member", "consent")
    assert exc.value.messages == ["This decision is closed."]
    assert _state() == before


def test_set_position_new_objection_after_resolution_stands_again(group, propose, position):
    decision = propose()
    objection = position(decision, "member", "object", "Buses.")
    actions.resolve_objection(by=None, position=objection, note="Talked it through.")
    position(decision, "member", "consent")
    again = position(decision, "member", "object", "Still buses.")
    assert (again.resolved, again.resolution_note, again.stands) == (False, "", True)


def test_resolve_objection_with_amendment(group, propose, position):
    decision = propose()
    objection = position(decision, "member", "object", "Buses stop at six.")
    actions.resolve_objection(
        by=group["cochair"].user,
        position=objection,
        note="Finish at six.",
        amended_proposal="Open on Tuesdays until 6pm.",
    )
    decision.refresh_from_db()
    amendment = Amendment.objects.get()
    assert decision.proposal == "Open on Tuesdays until 6pm."
    assert (amendment.old_text, amendment.objection_stance, amendment.objector_perspective) == (
        "Open the clinic on Tuesday evenings.",
        "object",
        "lived_experience",
    )
    assert list(
        AuditEvent.objects.filter(object_type__startswith="decisions.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["decision.propose", "position.set", "position.resolve", "decision.amend"]


def test_resolve_objection_unchanged_text_is_not_an_amendment(group, propose, position):
    decision = propose()
    objection = position(decision, "member", "object", "Why?")
    actions.resolve_objection(
        by=None, position=objection, note="Explained.", amended_proposal=decision.proposal
    )
    assert Amendment.objects.count() == 0


def test_resolve_objection_refuses_consent_and_empty_note(group, propose, position):
    decision = propose()
    consent = position(decision, "staff", "consent")
    objection = position(decision, "member", "object", "Why?")
    before = _state()
    with pytest.raises(ValidationError) as exc:
        actions.resolve_objection(by=None, position=consent, note="x")
    assert exc.value.messages == ["Only a standing objection or block can be resolved."]
    with pytest.raises(ValidationError) as exc:
        actions.resolve_objection(by=None, position=objection, note="  ")
    assert exc.value.messages == ["Say how the objection was resolved."]
    assert _state() == before


def test_close_decision_refuses_adopted_while_objection_stands(group, propose, position):
    decision = propose()
    position(decision, "member", "object", "Buses.")
    before = _state()
    with pytest.raises(ValidationError) as exc:
        actions.close_decision(by=None, decision=decision, outcome="adopted", statement="Yes.")
    assert exc.value.message_dict == {
        "outcome": ["An objection still stands, so the proposal cannot be adopted by consent."]
    }
    assert _state() == before


def test_close_decision_sets_outcome_and_review(group, propose, position):
    decision = propose("vote")
    position(decision, "member", "yes")
    review = timezone.localdate() + datetime.timedelta(days=90)
    actions.close_decision(
        by=group["cochair"].user,
        decision=decision,
        outcome="adopted",
        statement="Carried 1-0.",
        review_date=review,
    )
    decision.refresh_from_db()
    assert (decision.status, decision.outcome, decision.review_date) == (
        "closed",
        "adopted",
        review,
    )
    event = AuditEvent.objects.get(action="decision.close")
    assert event.changes["outcome"] == ["", "adopted"]


def test_close_decision_review_before_decision_refused(group, propose):
    decision = propose("vote")
    before = _state()
    with pytest.raises(ValidationError) as exc:
        actions.close_decision(
            by=None,
            decision=decision,
            outcome="not_adopted",
            statement="No votes.",
            review_date=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert exc.value.message_dict == {
        "review_date": ["The review date cannot be before the decision was made."]
    }
    assert _state() == before


def test_close_decision_advice_needs_advice(group, propose, position):
    decision = propose("advice", "staff")
    with pytest.raises(ValidationError):
        actions.close_decision(by=None, decision=decision, outcome="adopted", statement="Go.")
    position(decision, "carer", "advice", "Ask the carers' group too.")
    actions.close_decision(
        by=None,
        decision=decision,
        outcome="adopted",
        statement="Go.",
        advice_notes="Asked the carers' group.",
    )
    decision.refresh_from_db()
    assert (decision.outcome, decision.advice_notes) == ("adopted", "Asked the carers' group.")


def test_withdraw_closes_with_withdrawn(group, propose):
    decision = propose()
    actions.withdraw(by=None, decision=decision, statement="No longer needed.")
    decision.refresh_from_db()
    assert (decision.status, decision.outcome) == ("closed", "withdrawn")
    assert AuditEvent.objects.filter(action="decision.withdraw").count() == 1


def test_record_outside_decision_closed_at_once(group):
    decision = actions.record_outside_decision(
        by=group["lead"].user,
        project=group["project"],
        organisation=group["org"],
        title="Clinic moves",
        decision_text="The clinic moves to the new hospital.",
        reason="Estates timetable.",
    )
    assert (
        decision.status,
        decision.outcome,
        decision.taken_outside_group,
        decision.outside_organisation,
        decision.proposer,
    ) == ("closed", "adopted", True, group["org"], None)
    assert AuditEvent.objects.filter(action="decision.outside").count() == 1


def test_record_outside_decision_other_organisation_refused(group):
    before = _state()
    with pytest.raises(ValidationError) as exc:
        actions.record_outside_decision(
            by=None,
            project=group["project"],
            organisation=group["other_org"],
            title="x",
            decision_text="y",
            reason="z",
        )
    assert exc.value.message_dict == {
        "organisation": ["Choose one of the organisations involved in the project."]
    }
    assert _state() == before


def test_back_dated_decision_keeps_given_times(group, propose, position):
    when = timezone.now() - datetime.timedelta(days=200)
    decision = propose("vote", created_at=when)
    position(decision, "member", "yes", at=when + datetime.timedelta(days=1))
    actions.close_decision(
        by=None,
        decision=decision,
        outcome="adopted",
        statement="Carried.",
        decided_at=when + datetime.timedelta(days=7),
    )
    decision.refresh_from_db()
    assert (decision.created_at, decision.decided_at) == (when, when + datetime.timedelta(days=7))
