"""Every write to projects, memberships, meetings, papers and attendance."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core import audit

from .models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MemberRole,
    Membership,
    Paper,
    Project,
)
from .papers import check_paper
from .tasks import notify_meeting

PROJECT_FIELDS = ("title", "purpose", "shared_aims", "scale", "stage", "status")
MEETING_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "place",
    "online_link",
    "accessibility",
    "notes",
    "cancelled",
)


def _check_fields(fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _set_organisations(project: Project, organisations) -> dict:
    old = sorted(project.organisations.values_list("pk", flat=True))
    new = sorted(o.pk for o in organisations)
    if not new:
        raise ValidationError({"organisations": _("Choose at least one organisation.")})
    project.organisations.set(organisations)
    return {"organisations": [old, new]} if old != new else {}


@transaction.atomic
def create_project(
    *, by, organisations, co_chair=None, co_chair_perspective: str = "", **fields
) -> Project:
    """`co_chair`: a person (usually whoever starts the project) who joins it as a co-chair in
    the same step, with their perspective in it, so it is theirs from the start."""
    _check_fields(fields, PROJECT_FIELDS)
    project = Project(**fields)
    project.full_clean()
    if not organisations:
        raise ValidationError({"organisations": _("Choose at least one organisation.")})
    if co_chair is not None and not co_chair_perspective:
        raise ValidationError(
            {"co_chair_perspective": _("Choose your perspective in this project.")}
        )
    project.save()
    changes = audit.created(project, PROJECT_FIELDS)
    changes |= _set_organisations(project, organisations)
    audit.record(by=by, action="project.create", obj=project, changes=changes)
    if co_chair is not None:
        add_member(
            by=by,
            project=project,
            person=co_chair,
            perspective=co_chair_perspective,
            role=MemberRole.CO_CHAIR,
        )
    return project


@transaction.atomic
def update_project(*, by, project: Project, organisations=None, **fields) -> Project:
    _check_fields(fields, PROJECT_FIELDS)
    before = audit.snapshot(project, PROJECT_FIELDS)
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    changes = audit.diff(before, audit.snapshot(project, PROJECT_FIELDS))
    if organisations is not None:
        changes |= _set_organisations(project, organisations)
    if changes:
        project.updated_at = timezone.now()
        project.save()
        audit.record(by=by, action="project.update", obj=project, changes=changes)
    return project


@transaction.atomic
def add_member(
    *, by, project: Project, person, perspective: str, role: str, joined_on=None
) -> Membership:
    if person.erased_at:
        raise ValidationError({"person": _("This person has been erased.")})
    if Membership.objects.filter(project=project, person=person, left_on__isnull=True).exists():
        raise ValidationError({"person": _("This person is already a member of the project.")})
    membership = Membership(
        project=project,
        person=person,
        perspective=perspective,
        role=role,
        joined_on=joined_on or timezone.localdate(),
    )
    membership.full_clean(validate_constraints=False)
    membership.save()
    audit.record(
        by=by,
        action="membership.add",
        obj=membership,
        changes={
            "person": [None, person.pk],
            "perspective": [None, perspective],
            "role": [None, role],
        },
    )
    return membership


@transaction.atomic
def update_membership(
    *, by, membership: Membership, perspective: str, role: str, left_on=None
) -> Membership:
    fields = ("perspective", "role", "left_on")
    before = audit.snapshot(membership, fields)
    membership.perspective = perspective
    membership.role = role
    membership.left_on = left_on
    membership.full_clean(validate_constraints=False)
    if left_on and left_on < membership.joined_on:
        raise ValidationError({"left_on": _("The leaving date cannot be before the joining date.")})
    changes = audit.diff(before, audit.snapshot(membership, fields))
    if changes:
        membership.save()
        audit.record(by=by, action="membership.update", obj=membership, changes=changes)
    return membership


def _validate_meeting(meeting: Meeting) -> None:
    meeting.full_clean(exclude=["project"])
    if meeting.ends_at <= meeting.starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    if not (meeting.place or meeting.online_link):
        raise ValidationError({"place": _("Give a place, an online link, or both.")})


@transaction.atomic
def schedule_meeting(*, by, project: Project, notify: bool = True, **fields) -> Meeting:
    """notify=False records a meeting without e-mailing anyone (for example, entering past
    meetings from paper minutes)."""
    _check_fields(fields, MEETING_FIELDS)
    meeting = Meeting(project=project, **fields)
    _validate_meeting(meeting)
    meeting.save()
    audit.record(
        by=by,
        action="meeting.schedule",
        obj=meeting,
        changes=audit.created(meeting, MEETING_FIELDS),
    )
    if notify:
        transaction.on_commit(lambda: notify_meeting.enqueue(meeting.pk, "scheduled"))
    return meeting


@transaction.atomic
def update_meeting(*, by, meeting: Meeting, **fields) -> Meeting:
    _check_fields(fields, MEETING_FIELDS)
    before = audit.snapshot(meeting, MEETING_FIELDS)
    for name, value in fields.items():
        setattr(meeting, name, value)
    _validate_meeting(meeting)
    changes = audit.diff(before, audit.snapshot(meeting, MEETING_FIELDS))
    if changes:
        moved = bool({"starts_at", "ends_at", "place", "online_link", "cancelled"} & set(changes))
        if moved:
            meeting.sequence += 1
        meeting.save()
        audit.record(by=by, action="meeting.update", obj=meeting, changes=changes)
        if moved:
            transaction.on_commit(lambda: notify_meeting.enqueue(meeting.pk, "moved"))
    return meeting


@transaction.atomic
def add_paper(*, by, meeting: Meeting, title: str, upload) -> Paper:
    content_type = check_paper(upload)
    paper = Paper(
        meeting=meeting,
        title=title.strip() or upload.name,
        content_type=content_type,
        size=upload.size,
        uploaded_by_label=getattr(by, "email", ""),
    )
    paper.full_clean(exclude=["file"])
    paper.file.save(upload.name, upload, save=False)
    try:
        paper.save()
        audit.record(
            by=by,
            action="paper.add",
            obj=paper,
            changes={"title": [None, paper.title], "size": [None, paper.size]},
        )
    except Exception:
        # Nothing half-written: no row means no file either.
        paper.file.delete(save=False)
        raise
    return paper


@transaction.atomic
def record_attendance(*, by, meeting: Meeting, statuses: dict[int, str]) -> list[Attendance]:
    """statuses maps person id -> present / apologies / absent; people not given are left as they
    were. Only current members (or people already recorded) may be recorded."""
    valid = set(AttendanceStatus.values)
    bad = [s for s in statuses.values() if s not in valid]
    if bad:
        raise ValidationError(_("Unknown attendance status."))
    memberships = {
        m.person_id: m
        for m in Membership.objects.filter(project=meeting.project, left_on__isnull=True)
    }
    existing = {a.person_id: a for a in meeting.attendance.all()}
    unknown = set(statuses) - set(memberships) - set(existing)
    if unknown:
        raise ValidationError(_("Attendance can only be recorded for members of the project."))
    changed = []
    for person_id, status in statuses.items():
        row = existing.get(person_id)
        if row is None:
            row = Attendance(
                meeting=meeting,
                person_id=person_id,
                perspective=memberships[person_id].perspective,
                status=status,
            )
            row.save()
            audit.record(
                by=by, action="attendance.record", obj=row, changes={"status": [None, status]}
            )
            changed.append(row)
        elif row.status != status:
            old = row.status
            row.status = status
            row.save(update_fields=["status"])
            audit.record(
                by=by, action="attendance.record", obj=row, changes={"status": [old, status]}
            )
            changed.append(row)
    return changed
