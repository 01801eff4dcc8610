"""Meetings as iCalendar (RFC 5545) so members can add them to any calendar."""

from django.conf import settings
from icalendar import Calendar, Event

from .models import Meeting


def meeting_ics(meeting: Meeting) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//coproduce//meetings//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if meeting.cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{meeting.uid}@coproduce")
    event.add("sequence", meeting.sequence)
    event.add("summary", f"{meeting.project.title}: {meeting.title}")
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("dtstamp", meeting.created_at)
    if meeting.place:
        event.add("location", meeting.place)
    description = []
    if meeting.online_link:
        description.append(meeting.online_link)
        event.add("url", meeting.online_link)
    if meeting.accessibility:
        description.append(meeting.accessibility)
    description.append(f"{settings.SITE_URL.rstrip('/')}/meetings/{meeting.pk}/")
    event.add("description", "\n\n".join(description))
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()
