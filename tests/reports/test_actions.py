import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.core.models import AuditEvent
from coproduce.reports import actions
from coproduce.reports.models import Action, FeedbackSent, FollowUp, Input, Response

from ..factories import PersonFactory
from .chain import SAID_ON, build_chain

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres

TODAY = timezone.localdate()


def _input(world, **extra):
    fields = {
        "by": world["member"].user,
        "project": world["project"],
        "text": "Appointments clash with the school run.",
        "source": "member",
        "contributor": world["member"],
        "said_on": SAID_ON,
    }
    return actions.record_input(**(fields | extra))


def test_record_input_by_member_audited(world):
    input = _input(world)
    assert (input.project, input.contributor, input.said_on, input.is_public) == (
        world["project"],
        world["member"],
        SAID_ON,
        False,
    )
    event = AuditEvent.objects.get(action="input.record")
    assert (event.actor_label, event.object_id) == (world["member"].user.email, str(input.pk))
    assert event.changes["text"] == [None, "Appointments clash with the school run."]


def test_record_input_without_who_refused(world):
    with pytest.raises(ValidationError) as exc:
        _input(world, contributor=None, source="public")
    assert exc.value.message_dict == {
        "contributor_label": ["Say who said this: a member, a meeting or a description."]
    }
    assert (Input.objects.count(), AuditEvent.objects.filter(action="input.record").count()) == (
        0,
        0,
    )


def test_record_input_non_member_contributor_refused(world):
    with pytest.raises(ValidationError) as exc:
        _input(world, contributor=PersonFactory())
    assert list(exc.value.message_dict) == ["contributor"]
    assert Input.objects.count() == 0


def test_record_input_future_date_refused(world):
    with pytest.raises(ValidationError) as exc:
        _input(world, said_on=TODAY + datetime.timedelta(days=1))
    assert exc.value.message_dict == {"said_on": ["The date cannot be in the future."]}
    assert Input.objects.count() == 0


def test_record_input_meeting_source_needs_meeting(world):
    with pytest.raises(ValidationError) as exc:
        _input(world, source="meeting")
    assert exc.value.message_dict == {"meeting": ["Choose the meeting where this was said."]}
    input = _input(world, source="meeting", meeting=world["meeting"], contributor=None)
    assert input.meeting == world["meeting"]


def test_respond_partly_without_reason_refused(world):
    input = _input(world)
    for decision in ("partly_adopted", "not_adopted"):
        with pytest.raises(ValidationError) as exc:
            actions.respond(
                by=world["lead"].user,
                input=input,
                decision=decision,
                reason="  ",
                responded_on=TODAY,
            )
        assert list(exc.value.message_dict) == ["reason"]
    assert (
        Response.objects.count(),
        AuditEvent.objects.filter(action__startswith="response").count(),
    ) == (0, 0)


def test_respond_adopted_without_reason_records_responder(world):
    input = _input(world)
    response = actions.respond(
        by=world["lead"].user, input=input, decision="adopted", responded_on=TODAY
    )
    assert (response.decision, response.reason, response.responder) == (
        "adopted",
        "",
        world["lead"],
    )
    event = AuditEvent.objects.get(action="response.give")
    assert event.changes["decision"] == [None, "adopted"]


def test_respond_again_updates_and_audits_change(world):
    input = _input(world)
    actions.respond(by=world["lead"].user, input=input, decision="adopted", responded_on=TODAY)
    response = actions.respond(
        by=world["cochair"].user,
        input=input,
        decision="not_adopted",
        reason="the budget for next year is already fixed",
        responded_on=TODAY,
    )
    assert (Response.objects.count(), response.decision, response.responder) == (
        1,
        "not_adopted",
        world["cochair"],
    )
    event = AuditEvent.objects.get(action="response.update")
    assert event.changes["decision"] == ["adopted", "not_adopted"]


def test_respond_before_input_refused(world):
    input = _input(world)
    with pytest.raises(ValidationError) as exc:
        actions.respond(
            by=world["lead"].user,
            input=input,
            decision="adopted",
            responded_on=SAID_ON - datetime.timedelta(days=1),
        )
    assert exc.value.message_dict == {
        "responded_on": ["The date cannot be before the input was given."]
    }
    assert Response.objects.count() == 0


def test_add_action_and_complete(world):
    input = _input(world)
    action = actions.add_action(
        by=world["lead"].user,
        input=input,
        description="Offer after-school appointments",
        owner=world["cochair"],
        due_on=TODAY,
    )
    done = actions.complete_action(by=world["lead"].user, action=action, done_on=TODAY)
    assert done.done_on == TODAY
    assert list(
        AuditEvent.objects.filter(object_type="reports.action")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["action.add", "action.complete"]


def test_add_action_without_owner_refused(world):
    input = _input(world)
    with pytest.raises(ValidationError) as exc:
        actions.add_action(by=world["lead"].user, input=input, description="Something")
    assert exc.value.message_dict == {"owner_label": ["Say who will do this."]}
    assert Action.objects.count() == 0


def test_complete_action_twice_refused(world):
    _, action, _ = build_chain(world["project"])
    actions.complete_action(by=world["lead"].user, action=action, done_on=TODAY)
    with pytest.raises(ValidationError) as exc:
        actions.complete_action(by=world["lead"].user, action=action, done_on=TODAY)
    assert exc.value.messages == ["This action is already marked as done."]
    assert AuditEvent.objects.filter(action="action.complete").count() == 1


def test_add_measure_and_follow_up(world):
    input = _input(world)
    measure = actions.add_measure(
        by=world["lead"].user,
        input=input,
        name="Missed appointments",
        unit="%",
        baseline_value=Decimal("18.50"),
        baseline_on=SAID_ON,
    )
    follow_up = actions.add_follow_up(
        by=world["lead"].user, measure=measure, value=Decimal("12"), measured_on=TODAY
    )
    assert (measure.show(measure.baseline_value), measure.show(follow_up.value)) == ("18.5%", "12%")
    assert AuditEvent.objects.get(action="follow_up.add").changes["value"] == [None, "12"]


def test_add_follow_up_before_baseline_refused(world):
    _, _, measure = build_chain(world["project"])
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        actions.add_follow_up(
            by=world["lead"].user,
            measure=measure,
            value=Decimal("40"),
            measured_on=SAID_ON - datetime.timedelta(days=1),
        )
    assert exc.value.message_dict == {
        "measured_on": ["A follow-up cannot be dated before the baseline."]
    }
    assert (FollowUp.objects.count(), AuditEvent.objects.count()) == (1, before)


def test_record_feedback_sent(world):
    input = _input(world)
    feedback = actions.record_feedback_sent(
        by=world["lead"].user, input=input, sent_on=TODAY, method="letter", note="Posted"
    )
    assert (feedback.sent_on, feedback.method, feedback.note) == (TODAY, "letter", "Posted")
    assert AuditEvent.objects.get(action="feedback.record").object_id == str(feedback.pk)


def test_record_feedback_before_input_refused(world):
    input = _input(world)
    with pytest.raises(ValidationError):
        actions.record_feedback_sent(
            by=world["lead"].user,
            input=input,
            sent_on=SAID_ON - datetime.timedelta(days=3),
            method="email",
        )
    assert FeedbackSent.objects.count() == 0


def test_set_public_toggles_and_audits_once(world):
    input = _input(world)
    actions.set_public(by=world["lead"].user, input=input, is_public=True)
    actions.set_public(by=world["lead"].user, input=input, is_public=True)
    input.refresh_from_db()
    assert input.is_public is True
    event = AuditEvent.objects.get(action="input.publish")
    assert event.changes == {"is_public": [False, True]}
