"""Every write to decisions, positions and amendments.

Several actions take an optional time (`created_at=`, `at=`, `decided_at=`). It is for entering
records after the event (paper minutes, an import, the demo) so the figures by quarter fall in
the right place; the audit trail still records when the entry was made. Leave it out otherwise.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core import audit
from coproduce.people.models import OrganisationLink, OrganisationRole, PerspectiveCode
from coproduce.projects.models import MemberRole, Membership

from . import rules_of_method
from .models import (
    NEEDS_REASON,
    OBJECTING,
    STANCES_BY_METHOD,
    Amendment,
    Decision,
    DecisionStatus,
    Method,
    Outcome,
    Position,
)
from .tasks import notify_decision

DECISION_FIELDS = (
    "title",
    "proposal",
    "method",
    "meeting",
    "proposer",
    "proposer_perspective",
    "decider",
    "respond_by",
)
CLOSE_FIELDS = ("status", "outcome", "outcome_statement", "review_date", "decided_at")


def _membership(project, person) -> Membership | None:
    return Membership.objects.filter(project=project, person=person, left_on__isnull=True).first()


def _manages(project, person) -> bool:
    return OrganisationLink.objects.filter(
        person=person,
        organisation__in=project.organisations.all(),
        role__in=[OrganisationRole.ADMIN, OrganisationRole.LEAD],
    ).exists()


def _require_open(decision: Decision) -> None:
    if not decision.is_open:
        raise ValidationError(_("This decision is closed."))


def _check_review_date(review_date, decided_at) -> None:
    if review_date and review_date < timezone.localtime(decided_at).date():
        raise ValidationError(
            {"review_date": _("The review date cannot be before the decision was made.")}
        )


@transaction.atomic
def propose_decision(
    *,
    by,
    project,
    proposer,
    title: str,
    proposal: str,
    method: str,
    meeting=None,
    decider=None,
    respond_by=None,
    created_at=None,
    notify: bool = True,
) -> Decision:
    """Open a decision. The proposer's perspective is taken from their current membership; a
    lead or admin who is not a member proposes as a professional. notify=False opens it without
    e-mailing members (for back-dated records)."""
    membership = _membership(project, proposer)
    if membership is None and not _manages(project, proposer):
        raise ValidationError(
            {"proposer": _("Only members of the project and its leads can make a proposal.")}
        )
    if method not in Method.values:
        raise ValidationError({"method": _("Choose how the group will decide.")})
    if meeting is not None and meeting.project_id != project.pk:
        raise ValidationError({"meeting": _("Choose a meeting of this project.")})
    if respond_by is not None and created_at is None and respond_by < timezone.localdate():
        raise ValidationError({"respond_by": _("The date for positions cannot be in the past.")})
    if method == Method.ADVICE:
        decider = decider or proposer
        if decider != proposer and _membership(project, decider) is None:
            raise ValidationError({"decider": _("The decider must be a member of the project.")})
    else:
        decider = None
    decision = Decision(
        project=project,
        meeting=meeting,
        title=title.strip(),
        proposal=proposal.strip(),
        proposer=proposer,
        proposer_perspective=(
            membership.perspective if membership else PerspectiveCode.PROFESSIONAL
        ),
        method=method,
        decider=decider,
        respond_by=respond_by,
        created_at=created_at or timezone.now(),
    )
    decision.full_clean(exclude=["project"])
    decision.save()
    audit.record(
        by=by,
        action="decision.propose",
        obj=decision,
        changes=audit.created(decision, DECISION_FIELDS),
    )
    if notify:
        transaction.on_commit(lambda: notify_decision.enqueue(decision.pk))
    return decision


@transaction.atomic
def set_position(*, by, decision: Decision, person, stance: str, comment: str = "", at=None):
    """Record or change a member's position while the decision is open. Observers take no
    position. A new objection or block stands until it is resolved, even if an earlier one was."""
    _require_open(decision)
    allowed = STANCES_BY_METHOD.get(decision.method, ())
    if stance not in allowed:
        raise ValidationError({"stance": _("Choose one of the positions for this method.")})
    comment = comment.strip()
    if stance in NEEDS_REASON and not comment:
        raise ValidationError({"comment": _("Give your reason, so the group can respond to it.")})
    membership = _membership(decision.project, person)
    if membership is None or membership.role == MemberRole.OBSERVER:
        raise ValidationError(_("Only members and co-chairs of the project can take a position."))
    when = at or timezone.now()
    position = Position.objects.filter(decision=decision, person=person).first()
    if position is None:
        position = Position(
            decision=decision, person=person, perspective=membership.perspective, stance=stance
        )
        old_stance = old_comment = None
    else:
        old_stance, old_comment = position.stance, position.comment
        if (old_stance, old_comment) == (stance, comment):
            return position
    position.stance = stance
    position.comment = comment
    position.updated_at = when
    if stance in OBJECTING and (stance != old_stance or position.resolved):
        position.resolved = False
        position.resolution_note = ""
        position.resolved_at = None
    position.save()
    changes = {"stance": [old_stance, stance]}
    if old_comment != comment:
        changes["comment"] = [old_comment, comment]
    audit.record(by=by, action="position.set", obj=position, changes=changes)
    return position


@transaction.atomic
def resolve_objection(
    *, by, position: Position, note: str, amended_proposal: str = "", at=None
) -> Position:
    """Mark an objection or block as resolved. If the proposal text is changed to resolve it,
    the change is kept as an Amendment that names the objection."""
    decision = position.decision
    _require_open(decision)
    if position.stance not in OBJECTING or position.resolved:
        raise ValidationError(_("Only a standing objection or block can be resolved."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say how the objection was resolved.")})
    when = at or timezone.now()
    new_text = amended_proposal.strip()
    position.resolved = True
    position.resolution_note = note
    position.resolved_at = when
    position.save(update_fields=["resolved", "resolution_note", "resolved_at"])
    audit.record(
        by=by,
        action="position.resolve",
        obj=position,
        changes={"resolved": [False, True], "resolution_note": [None, note]},
    )
    if new_text and new_text != decision.proposal:
        amendment = Amendment.objects.create(
            decision=decision,
            position=position,
            objection_stance=position.stance,
            objector_perspective=position.perspective,
            old_text=decision.proposal,
            new_text=new_text,
            note=note,
            created_at=when,
        )
        decision.proposal = new_text
        decision.save(update_fields=["proposal"])
        audit.record(
            by=by,
            action="decision.amend",
            obj=decision,
            changes={"proposal": [amendment.old_text, new_text], "amendment": [None, amendment.pk]},
        )
    return position


def _positions(decision: Decision):
    return decision.positions.values_list("stance", "resolved")


@transaction.atomic
def close_decision(
    *,
    by,
    decision: Decision,
    outcome: str,
    statement: str,
    review_date=None,
    decided_at=None,
    advice_notes: str = "",
) -> Decision:
    """Record the outcome. Refuses an outcome that contradicts the method's rule (see
    rules_of_method); withdrawing is always possible while the decision is open."""
    _require_open(decision)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    statement = statement.strip()
    if not statement:
        raise ValidationError({"statement": _("Write the outcome statement.")})
    if outcome != Outcome.WITHDRAWN:
        error = rules_of_method.outcome_error(
            decision.method,
            rules_of_method.tally(_positions(decision)),
            outcome,
            amended=decision.amendments.exists(),
        )
        if error:
            raise ValidationError({"outcome": error})
    decided_at = decided_at or timezone.now()
    _check_review_date(review_date, decided_at)
    before = audit.snapshot(decision, CLOSE_FIELDS + ("advice_notes",))
    decision.status = DecisionStatus.CLOSED
    decision.outcome = outcome
    decision.outcome_statement = statement
    decision.review_date = review_date
    decision.decided_at = decided_at
    if decision.method == Method.ADVICE:
        decision.advice_notes = advice_notes.strip()
    decision.save()
    audit.record(
        by=by,
        action="decision.withdraw" if outcome == Outcome.WITHDRAWN else "decision.close",
        obj=decision,
        changes=audit.diff(before, audit.snapshot(decision, CLOSE_FIELDS + ("advice_notes",))),
    )
    return decision


def withdraw(*, by, decision: Decision, statement: str, decided_at=None) -> Decision:
    return close_decision(
        by=by,
        decision=decision,
        outcome=Outcome.WITHDRAWN,
        statement=statement,
        decided_at=decided_at,
    )


@transaction.atomic
def record_outside_decision(
    *,
    by,
    project,
    organisation,
    title: str,
    decision_text: str,
    reason: str,
    statement: str = "",
    review_date=None,
    decided_at=None,
) -> Decision:
    """Record a decision an organisation took alone, outside the group, and why. It is closed
    at once: the group took no positions on it."""
    if not project.organisations.filter(pk=organisation.pk).exists():
        raise ValidationError(
            {"organisation": _("Choose one of the organisations involved in the project.")}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why it was decided outside the group.")})
    decided_at = decided_at or timezone.now()
    _check_review_date(review_date, decided_at)
    decision = Decision(
        project=project,
        title=title.strip(),
        proposal=decision_text.strip(),
        status=DecisionStatus.CLOSED,
        outcome=Outcome.ADOPTED,
        outcome_statement=statement.strip(),
        review_date=review_date,
        decided_at=decided_at,
        taken_outside_group=True,
        outside_reason=reason,
        outside_organisation=organisation,
        created_at=decided_at,
    )
    decision.full_clean(exclude=["project"])
    decision.save()
    fields = ("title", "proposal", "outside_organisation", "outside_reason") + CLOSE_FIELDS
    audit.record(
        by=by,
        action="decision.outside",
        obj=decision,
        changes=audit.created(decision, fields),
    )
    return decision
