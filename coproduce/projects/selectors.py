"""Reads of projects and meetings that cross relations, with bounded query counts."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from coproduce.people.roles import roles_for

from .models import Attendance, Meeting, Membership, Project


def visible_projects(user) -> QuerySet[Project]:
    """Projects the user may open: their own, plus every project of the organisations they
    administer or lead."""
    roles = roles_for(user)
    projects = Project.objects.all()
    if not roles.superuser:
        condition = (
            Q(memberships__person_id=roles.person_id, memberships__left_on__isnull=True)
            if roles.person_id
            else Q(pk__in=[])
        )
        if roles.managing_orgs:
            condition |= Q(organisations__in=roles.managing_orgs)
        projects = projects.filter(condition)
    return (
        Project.objects.filter(pk__in=projects.values("pk"))
        .annotate(
            member_count=Count(
                "memberships", filter=Q(memberships__left_on__isnull=True), distinct=True
            )
        )
        .prefetch_related("organisations")
        .order_by("title", "id")
    )


def members_to_email(project: Project) -> QuerySet[Membership]:
    """The current members a meeting e-mail goes to: those with an address, not erased."""
    return (
        Membership.objects.filter(project=project, left_on__isnull=True)
        .exclude(person__email="")
        .filter(person__erased_at__isnull=True)
        .select_related("person")
    )


def project_detail(pk: int) -> Project:
    return Project.objects.prefetch_related("organisations").get(pk=pk)


def current_memberships(project: Project) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(project=project, left_on__isnull=True)
        .select_related("person")
        .order_by("role", "person__full_name", "id")
    )


def past_memberships(project: Project) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(project=project, left_on__isnull=False)
        .select_related("person")
        .order_by("-left_on", "id")
    )


def project_meetings(project: Project, *, upcoming: bool) -> QuerySet[Meeting]:
    now = timezone.now()
    meetings = Meeting.objects.filter(project=project).annotate(paper_count=Count("papers"))
    if upcoming:
        return meetings.filter(ends_at__gte=now).order_by("starts_at", "id")
    return meetings.filter(ends_at__lt=now).order_by("-starts_at", "-id")


def meeting_detail(pk: int) -> Meeting:
    return (
        Meeting.objects.select_related("project")
        .prefetch_related("papers", "project__organisations")
        .get(pk=pk)
    )


def attendance_sheet(meeting: Meeting) -> list[dict]:
    """One row per current member (and anyone already recorded), with their recorded status."""
    recorded = {
        a.person_id: a for a in Attendance.objects.filter(meeting=meeting).select_related("person")
    }
    rows = []
    seen = set()
    for m in current_memberships(meeting.project):
        a = recorded.get(m.person_id)
        rows.append(
            {
                "person": m.person,
                "perspective": a.perspective if a else m.perspective,
                "perspective_label": (a or m).get_perspective_display(),
                "status": a.status if a else "",
                "role": m.get_role_display(),
            }
        )
        seen.add(m.person_id)
    for person_id, a in recorded.items():
        if person_id not in seen:
            rows.append(
                {
                    "person": a.person,
                    "perspective": a.perspective,
                    "perspective_label": a.get_perspective_display(),
                    "status": a.status,
                    "role": "",
                }
            )
    return rows


def attendance_summary(meeting: Meeting) -> dict:
    """Counts by status and perspective (who was in the room)."""
    summary: dict[str, dict[str, int]] = {}
    for status, perspective, n in (
        Attendance.objects.filter(meeting=meeting)
        .values_list("status", "perspective")
        .annotate(n=Count("id"))
    ):
        summary.setdefault(status, {})[perspective] = n
    return summary


def upcoming_meetings_for(user, limit: int = 10) -> list[Meeting]:
    roles = roles_for(user)
    if roles.person_id is None:
        return []
    return list(
        Meeting.objects.filter(
            project__memberships__person_id=roles.person_id,
            project__memberships__left_on__isnull=True,
            ends_at__gte=timezone.now(),
            cancelled=False,
        )
        .select_related("project")
        .prefetch_related(Prefetch("papers"))
        .distinct()
        .order_by("starts_at", "id")[:limit]
    )


def my_memberships(user) -> QuerySet[Membership]:
    roles = roles_for(user)
    return (
        Membership.objects.filter(person_id=roles.person_id, left_on__isnull=True)
        .select_related("project")
        .order_by("project__title")
    )


def has_public_page(project) -> bool:
    """Whether the project has published anything to its public page. Read through the reverse
    relation the reports app declares (Input.project, related_name "inputs"), so projects need
    not import reports: reports build on projects."""
    return project.inputs.filter(is_public=True).exists()
