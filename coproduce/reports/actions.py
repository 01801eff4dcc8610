"""Every write to the "You said, we did" chain.

Dates are keyword arguments (defaulting to today) so records made after the event, and the demo,
can give the real date. No date may be in the future, and no step of the chain may be dated
before the input it follows.

Publishing: any input may be made public, answered or not. The public page says honestly when
something is still awaiting a response, rather than hiding what has not been answered yet.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core import audit
from coproduce.people.models import Person
from coproduce.people.roles import roles_for
from coproduce.projects.models import Membership

from .models import (
    Action,
    Decision,
    FeedbackMethod,
    FeedbackSent,
    FollowUp,
    Input,
    OutcomeMeasure,
    Response,
    SourceKind,
)

INPUT_FIELDS = ("text", "source", "contributor", "contributor_label", "meeting", "said_on")
RESPONSE_FIELDS = ("decision", "reason", "responded_on", "responder")
ACTION_FIELDS = ("description", "owner", "owner_label", "due_on")
MEASURE_FIELDS = ("name", "unit", "baseline_value", "baseline_on")
FOLLOW_UP_FIELDS = ("value", "measured_on", "note")
FEEDBACK_FIELDS = ("sent_on", "method", "note")


def _person_of(user) -> Person | None:
    person_id = roles_for(user).person_id if user is not None else None
    return Person.objects.filter(pk=person_id).first() if person_id else None


def _not_future(field: str, day) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _not_before_input(field: str, day, input: Input) -> None:
    if day < input.said_on:
        raise ValidationError({field: _("The date cannot be before the input was given.")})


def _check_project_person(field: str, person, project, message: str) -> None:
    """Named people must belong to the project: everyone who can see the chain can see these
    names, and most of them may not see the register. Anyone else is described in words."""
    if person is None:
        return
    if person.erased_at or not Membership.objects.filter(project=project, person=person).exists():
        raise ValidationError({field: message})


@transaction.atomic
def record_input(
    *,
    by,
    project,
    text: str,
    source: str,
    contributor=None,
    contributor_label: str = "",
    meeting=None,
    said_on=None,
) -> Input:
    input = Input(
        project=project,
        text=text.strip(),
        source=source,
        contributor=contributor,
        contributor_label=contributor_label.strip(),
        meeting=meeting,
        said_on=said_on or timezone.localdate(),
    )
    input.full_clean(exclude=["project"])
    _not_future("said_on", input.said_on)
    if contributor is None and not input.contributor_label and meeting is None:
        raise ValidationError(
            {"contributor_label": _("Say who said this: a member, a meeting or a description.")}
        )
    _check_project_person(
        "contributor",
        contributor,
        project,
        _("The person must be a member of this project. Describe anyone else in words instead."),
    )
    if meeting is not None and meeting.project_id != project.pk:
        raise ValidationError({"meeting": _("The meeting must belong to this project.")})
    if source == SourceKind.MEETING and meeting is None:
        raise ValidationError({"meeting": _("Choose the meeting where this was said.")})
    input.save()
    audit.record(
        by=by,
        action="input.record",
        obj=input,
        changes=audit.created(input, INPUT_FIELDS),
    )
    return input


@transaction.atomic
def respond(
    *, by, input: Input, decision: str, reason: str = "", responded_on=None, responder=None
) -> Response:
    """Give (or change) the project's response to an input."""
    reason = reason.strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose a response.")})
    if decision != Decision.ADOPTED and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Say plainly what could not be changed and why. A response that is not "
                    "fully adopted needs a reason."
                )
            }
        )
    responded_on = responded_on or timezone.localdate()
    _not_future("responded_on", responded_on)
    _not_before_input("responded_on", responded_on, input)
    response = Response.objects.filter(input=input).first()
    if response is None:
        response = Response(input=input)
        before = {}
    else:
        before = audit.snapshot(response, RESPONSE_FIELDS)
    response.decision = decision
    response.reason = reason
    response.responded_on = responded_on
    response.responder = responder if responder is not None else _person_of(by)
    response.full_clean(exclude=["input"])
    changes = audit.diff(before, audit.snapshot(response, RESPONSE_FIELDS))
    if changes:
        response.save()
        audit.record(
            by=by,
            action="response.update" if before else "response.give",
            obj=response,
            changes=changes,
        )
    return response


@transaction.atomic
def add_action(
    *, by, input: Input, description: str, owner=None, owner_label: str = "", due_on=None
) -> Action:
    action = Action(
        input=input,
        description=description.strip(),
        owner=owner,
        owner_label=owner_label.strip(),
        due_on=due_on,
    )
    action.full_clean(exclude=["input"])
    if owner is None and not action.owner_label:
        raise ValidationError({"owner_label": _("Say who will do this.")})
    _check_project_person(
        "owner",
        owner,
        input.project,
        _("The owner must be a member of this project. Describe anyone else in words instead."),
    )
    if due_on is not None:
        _not_before_input("due_on", due_on, input)
    action.save()
    audit.record(
        by=by,
        action="action.add",
        obj=action,
        changes=audit.created(action, ACTION_FIELDS),
    )
    return action


@transaction.atomic
def complete_action(*, by, action: Action, done_on=None) -> Action:
    if action.done_on is not None:
        raise ValidationError(_("This action is already marked as done."))
    done_on = done_on or timezone.localdate()
    _not_future("done_on", done_on)
    _not_before_input("done_on", done_on, action.input)
    action.done_on = done_on
    action.save(update_fields=["done_on"])
    audit.record(
        by=by,
        action="action.complete",
        obj=action,
        changes={"done_on": [None, done_on.isoformat()]},
    )
    return action


@transaction.atomic
def add_measure(
    *, by, input: Input, name: str, baseline_value, baseline_on, unit: str = ""
) -> OutcomeMeasure:
    measure = OutcomeMeasure(
        input=input,
        name=name.strip(),
        unit=unit.strip(),
        baseline_value=baseline_value,
        baseline_on=baseline_on,
    )
    measure.full_clean(exclude=["input"])
    _not_future("baseline_on", baseline_on)
    measure.save()
    audit.record(
        by=by,
        action="measure.add",
        obj=measure,
        changes=audit.created(measure, MEASURE_FIELDS),
    )
    return measure


@transaction.atomic
def add_follow_up(*, by, measure: OutcomeMeasure, value, measured_on, note: str = "") -> FollowUp:
    follow_up = FollowUp(measure=measure, value=value, measured_on=measured_on, note=note.strip())
    follow_up.full_clean(exclude=["measure"])
    _not_future("measured_on", measured_on)
    if measured_on < measure.baseline_on:
        raise ValidationError(
            {"measured_on": _("A follow-up cannot be dated before the baseline.")}
        )
    follow_up.save()
    audit.record(
        by=by,
        action="follow_up.add",
        obj=follow_up,
        changes=audit.created(follow_up, FOLLOW_UP_FIELDS),
    )
    return follow_up


@transaction.atomic
def record_feedback_sent(
    *, by, input: Input, sent_on=None, method: str = FeedbackMethod.EMAIL, note: str = ""
) -> FeedbackSent:
    feedback = FeedbackSent(
        input=input, sent_on=sent_on or timezone.localdate(), method=method, note=note.strip()
    )
    feedback.full_clean(exclude=["input"])
    _not_future("sent_on", feedback.sent_on)
    _not_before_input("sent_on", feedback.sent_on, input)
    feedback.save()
    audit.record(
        by=by,
        action="feedback.record",
        obj=feedback,
        changes=audit.created(feedback, FEEDBACK_FIELDS),
    )
    return feedback


@transaction.atomic
def set_public(*, by, input: Input, is_public: bool) -> Input:
    if input.is_public != is_public:
        old = input.is_public
        input.is_public = is_public
        input.save(update_fields=["is_public"])
        audit.record(
            by=by, action="input.publish", obj=input, changes={"is_public": [old, is_public]}
        )
    return input
