"""What the projects app holds about a person, for their subject access export
(coproduce.core.personal_data): the projects they belong to and the meetings they were at."""

from .models import Attendance, Membership


def export_for(person) -> dict:
    memberships = Membership.objects.filter(person=person).select_related("project")
    attendance = Attendance.objects.filter(person=person).select_related("meeting__project")
    return {
        "memberships": [
            {
                "project": m.project.title,
                "perspective": m.perspective,
                "role": m.role,
                "joined_on": m.joined_on.isoformat(),
                "left_on": m.left_on.isoformat() if m.left_on else None,
            }
            for m in memberships
        ],
        "attendance": [
            {
                "project": a.meeting.project.title,
                "meeting": a.meeting.title,
                "starts_at": a.meeting.starts_at.isoformat(),
                "status": a.status,
            }
            for a in attendance
        ],
    }
