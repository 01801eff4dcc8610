"""Background work for projects: run by the task worker, never inside a request."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .calendar import meeting_ics
from .models import Meeting
from .selectors import members_to_email


@task()
def notify_meeting(meeting_id: int, change: str) -> int:
    """E-mail every current member with an address about a scheduled or moved meeting, each in
    their preferred language, with the calendar file attached. Returns the number sent."""
    meeting = Meeting.objects.select_related("project").get(pk=meeting_id)
    members = members_to_email(meeting.project)
    ics = meeting_ics(meeting)
    sent = 0
    for membership in members:
        person = membership.person
        with translation.override(person.preferred_language):
            when = formats.date_format(timezone.localtime(meeting.starts_at), "l j F Y, H:i")
            if change == "moved":
                subject = _("Meeting moved: %(title)s") % {"title": meeting.title}
                opening = _("A meeting of %(project)s has moved. It is now on %(when)s.")
            else:
                subject = _("Meeting scheduled: %(title)s") % {"title": meeting.title}
                opening = _("A meeting of %(project)s has been scheduled for %(when)s.")
            lines = [
                _("Dear %(name)s,") % {"name": person.display_name},
                "",
                opening % {"project": meeting.project.title, "when": when},
            ]
            if meeting.place:
                lines.append(_("Place: %(place)s") % {"place": meeting.place})
            if meeting.online_link:
                lines.append(_("Online: %(link)s") % {"link": meeting.online_link})
            if meeting.accessibility:
                lines.append(
                    _("Accessibility arrangements: %(text)s") % {"text": meeting.accessibility}
                )
            lines += [
                "",
                _("Papers and details: %(url)s")
                % {"url": f"{settings.SITE_URL.rstrip('/')}/meetings/{meeting.pk}/"},
                _("The attached calendar file adds the meeting to your calendar."),
            ]
        message = EmailMessage(subject=subject, body="\n".join(lines), to=[person.email])
        message.attach("meeting.ics", ics, "text/calendar")
        message.send()
        sent += 1
    return sent
