from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from coproduce.core.mixins import ActionFormView, ObjectPermissionMixin
from coproduce.people import selectors as people_selectors
from coproduce.people.models import Person
from coproduce.people.roles import roles_for

from . import actions, selectors
from .calendar import meeting_ics
from .forms import (
    AttendanceForm,
    MeetingForm,
    MembershipForm,
    MembershipUpdateForm,
    PaperForm,
    ProjectCreateForm,
    ProjectForm,
)
from .mixins import ProjectMixin
from .models import Meeting, Membership, Paper

PAGE_SIZE = 25
# Large projects (a whole community panel) list their members a page at a time.
MEMBERS_PAGE_SIZE = 50


class MeetingMixin:
    @cached_property
    def meeting(self):
        return get_object_or_404(
            Meeting.objects.select_related("project").prefetch_related("project__organisations"),
            pk=self.kwargs["pk"],
        )

    @property
    def project(self):
        return self.meeting.project

    def get_permission_object(self):
        return self.meeting.project

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, project=self.project, **kwargs)


class ProjectList(ObjectPermissionMixin, TemplateView):
    permission_required = "projects.view_project_list"
    template_name = "projects/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(selectors.visible_projects(self.request.user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context["page"] = page
        return context


class ProjectCreate(ActionFormView):
    permission_required = "projects.add_project"
    template_name = "projects/form.html"
    form_class = ProjectCreateForm

    @cached_property
    def person(self):
        person_id = roles_for(self.request.user).person_id
        return Person.objects.filter(pk=person_id, erased_at__isnull=True).first()

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"person": self.person}

    def get_initial(self):
        if self.person is None:
            return {}
        # Only leads and admins start projects: staff, unless their record says otherwise.
        perspective = people_selectors.first_perspective(self.person.pk) or "professional"
        return {"co_chair_perspective": perspective}

    def perform(self, form):
        data = dict(form.cleaned_data)
        joins = data.pop("join_as_co_chair", False)
        perspective = data.pop("co_chair_perspective", "")
        project = actions.create_project(
            by=self.request.user,
            co_chair=self.person if joins else None,
            co_chair_perspective=perspective if joins else "",
            **data,
        )
        if joins:
            messages.success(self.request, _("Project created. You are its co-chair."))
        else:
            messages.success(self.request, _("Project created."))
        return project

    def get_success_url(self, result=None):
        return reverse("projects:detail", args=[result.pk])


class ProjectDetail(ProjectMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "projects.view_project"
    template_name = "projects/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = Paginator(selectors.current_memberships(self.project), MEMBERS_PAGE_SIZE)
        context.update(
            members=members.get_page(self.request.GET.get("members")),
            past_members=selectors.past_memberships(self.project)[:50],
            upcoming=selectors.project_meetings(self.project, upcoming=True)[:20],
            past=selectors.project_meetings(self.project, upcoming=False)[:20],
            has_public_page=selectors.has_public_page(self.project),
        )
        return context


class ProjectUpdate(ProjectMixin, ActionFormView):
    permission_required = "projects.manage_project"
    template_name = "projects/form.html"
    form_class = ProjectForm

    def get_initial(self):
        initial = {name: getattr(self.project, name) for name in actions.PROJECT_FIELDS}
        initial["organisations"] = list(self.project.organisations.all())
        return initial

    def perform(self, form):
        project = actions.update_project(
            by=self.request.user, project=self.project, **form.cleaned_data
        )
        messages.success(self.request, _("Project saved."))
        return project

    def get_success_url(self, result=None):
        return reverse("projects:detail", args=[self.project.pk])


class MembershipCreate(ProjectMixin, ActionFormView):
    permission_required = "projects.manage_project"
    template_name = "projects/member_form.html"
    form_class = MembershipForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()
        current = Membership.objects.filter(project=self.project, left_on__isnull=True).values(
            "person_id"
        )
        candidates = people_selectors.register(q=q).exclude(pk__in=current)[:50] if q else []
        context.update(q=q, candidates=candidates)
        return context

    def perform(self, form):
        membership = actions.add_member(
            by=self.request.user, project=self.project, **form.cleaned_data
        )
        messages.success(
            self.request,
            _("%(name)s has joined the project.") % {"name": membership.person.display_name},
        )
        return membership

    def get_success_url(self, result=None):
        return reverse("projects:detail", args=[self.project.pk])


class MembershipUpdate(ActionFormView):
    permission_required = "projects.manage_project"
    template_name = "projects/member_update.html"
    form_class = MembershipUpdateForm

    @cached_property
    def membership(self):
        return get_object_or_404(
            Membership.objects.select_related("project", "person"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.membership.project

    def get_initial(self):
        m = self.membership
        return {"perspective": m.perspective, "role": m.role, "left_on": m.left_on}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            membership=self.membership, project=self.membership.project, **kwargs
        )

    def perform(self, form):
        membership = actions.update_membership(
            by=self.request.user, membership=self.membership, **form.cleaned_data
        )
        messages.success(self.request, _("Membership saved."))
        return membership

    def get_success_url(self, result=None):
        return reverse("projects:detail", args=[self.membership.project_id])


def scheduled_message(project) -> str:
    """Says what will really happen: how many members will be e-mailed, or that nobody will."""
    count = selectors.members_to_email(project).count()
    if not count:
        return _("Meeting scheduled. No members to e-mail yet.")
    return ngettext(
        "Meeting scheduled. %(count)s member will be e-mailed.",
        "Meeting scheduled. %(count)s members will be e-mailed.",
        count,
    ) % {"count": count}


class MeetingCreate(ProjectMixin, ActionFormView):
    permission_required = "projects.manage_project"
    template_name = "projects/meeting_form.html"
    form_class = MeetingForm

    def perform(self, form):
        meeting = actions.schedule_meeting(
            by=self.request.user, project=self.project, **form.meeting_fields()
        )
        messages.success(self.request, scheduled_message(self.project))
        return meeting

    def get_success_url(self, result=None):
        return reverse("projects:meeting", args=[result.pk])


class MeetingDetail(MeetingMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "projects.view_project"
    template_name = "projects/meeting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            papers=list(self.meeting.papers.all()),
            sheet=selectors.attendance_sheet(self.meeting),
            summary=selectors.attendance_summary(self.meeting),
        )
        return context


class MeetingUpdate(MeetingMixin, ActionFormView):
    permission_required = "projects.manage_project"
    template_name = "projects/meeting_form.html"
    form_class = MeetingForm

    def get_initial(self):
        m = self.meeting
        start = timezone.localtime(m.starts_at)
        end = timezone.localtime(m.ends_at)
        return {
            "title": m.title,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "place": m.place,
            "online_link": m.online_link,
            "accessibility": m.accessibility,
            "notes": m.notes,
            "cancelled": m.cancelled,
        }

    def perform(self, form):
        meeting = actions.update_meeting(
            by=self.request.user, meeting=self.meeting, **form.meeting_fields()
        )
        messages.success(self.request, _("Meeting saved."))
        return meeting

    def get_success_url(self, result=None):
        return reverse("projects:meeting", args=[self.meeting.pk])


class PaperCreate(MeetingMixin, ActionFormView):
    permission_required = "projects.manage_project"
    template_name = "projects/paper_form.html"
    form_class = PaperForm

    def perform(self, form):
        paper = actions.add_paper(
            by=self.request.user,
            meeting=self.meeting,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
        )
        messages.success(self.request, _("Paper added."))
        return paper

    def get_success_url(self, result=None):
        return reverse("projects:meeting", args=[self.meeting.pk])


class PaperDownload(ObjectPermissionMixin, View):
    permission_required = "projects.view_project"

    @cached_property
    def paper(self):
        return get_object_or_404(
            Paper.objects.select_related("meeting__project"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.paper.meeting.project

    def get(self, request, *args, **kwargs):
        paper = self.paper
        filename = paper.file.name.rsplit("/", 1)[-1]
        return FileResponse(
            paper.file.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type=paper.content_type,
        )


class AttendanceUpdate(MeetingMixin, ActionFormView):
    permission_required = "projects.manage_project"
    template_name = "projects/attendance_form.html"

    def get_form(self, form_class=None):
        return AttendanceForm(
            self.request.POST or None, rows=selectors.attendance_sheet(self.meeting)
        )

    def perform(self, form):
        changed = actions.record_attendance(
            by=self.request.user, meeting=self.meeting, statuses=form.statuses()
        )
        messages.success(self.request, _("Attendance saved."))
        return changed

    def get_success_url(self, result=None):
        return reverse("projects:meeting", args=[self.meeting.pk])


class MeetingCalendar(MeetingMixin, ObjectPermissionMixin, View):
    permission_required = "projects.view_project"

    def get(self, request, *args, **kwargs):
        response = HttpResponse(meeting_ics(self.meeting), content_type="text/calendar")
        response["Content-Disposition"] = f'attachment; filename="meeting-{self.meeting.pk}.ics"'
        return response
