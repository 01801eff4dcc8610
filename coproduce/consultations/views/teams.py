"""A team's pages (dashboard, members, links, consultations, calibration) and a clinician's
dashboard."""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from coproduce.core.mixins import ObjectPermissionMixin
from coproduce.people.roles import roles_for

from .. import actions, selectors
from ..forms import (
    ConsultationForm,
    LinkForm,
    MemberForm,
)
from ..models import (
    MemberRole,
    Team,
    TeamMember,
)
from .base import FormPage, _language, _usable, _wording

# Teams


class TeamMixin:
    permission_required = "consultations.view_team"

    @cached_property
    def team(self):
        return get_object_or_404(Team.objects.select_related("organisation"), pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.team

    def back_link(self):
        return (reverse("consultations:team", args=[self.team.pk]), self.team.name)


class TeamDashboard(TeamMixin, ObjectPermissionMixin, TemplateView):
    template_name = "consultations/team.html"

    def get_context_data(self, **kwargs):
        team, user = self.team, self.request.user
        manager = user.has_perm("consultations.manage_team", team)
        person_id = roles_for(user).person_id
        context = selectors.dashboard(organisation=team.organisation, team=team)
        return super().get_context_data(
            team=team,
            manager=manager,
            observer=user.has_perm("consultations.observe", team),
            members=list(team.members.select_related("person")),
            clinicians=selectors.clinician_rows(team, context["minimum"]) if manager else [],
            links=list(selectors.team_links(team)) if manager else [],
            burst_counts=selectors.burst_counts(team) if manager else {},
            my_roles=[m for m in team.members.all() if m.person_id == person_id],
            consultations=list(
                team.consultations.select_related("clinician__person").prefetch_related(
                    "observations"
                )[:50]
            )
            if user.has_perm("consultations.observe", team)
            else [],
            language=_language(),
            **context,
            **kwargs,
        )


class MemberCreate(TeamMixin, FormPage):
    permission_required = "consultations.manage_team"
    form_class = MemberForm

    @property
    def heading(self):
        return _("Add a clinician or observer")

    @property
    def submit_text(self):
        return _("Add to team")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"organisation": self.team.organisation}

    def perform(self, form):
        result = actions.add_member(by=self.request.user, team=self.team, **form.cleaned_data)
        messages.success(self.request, _("They have been added to the team."))
        return result

    def get_success_url(self, result=None):
        return reverse("consultations:team", args=[self.team.pk])


class LinkCreate(TeamMixin, FormPage):
    permission_required = "consultations.manage_team"
    form_class = LinkForm

    @property
    def heading(self):
        return _("Create a survey link")

    @property
    def submit_text(self):
        return _("Create link")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "team": self.team,
            "usable": _usable(self.team.organisation),
        }

    def perform(self, form):
        result = actions.create_link(by=self.request.user, team=self.team, **form.cleaned_data)
        messages.success(self.request, _("The survey link has been created."))
        return result

    def get_success_url(self, result=None):
        return reverse("consultations:link", args=[result.pk])


class ConsultationCreate(TeamMixin, FormPage):
    permission_required = "consultations.observe"
    form_class = ConsultationForm

    @property
    def heading(self):
        return _("Add a consultation to rate")

    @property
    def submit_text(self):
        return _("Add consultation")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "team": self.team,
            "usable": _usable(self.team.organisation),
        }

    def perform(self, form):
        result = actions.add_consultation(by=self.request.user, team=self.team, **form.cleaned_data)
        messages.success(self.request, _("The consultation has been added."))
        return result

    def get_success_url(self, result=None):
        return reverse("consultations:rate", args=[result.pk])


class Calibration(TeamMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "consultations.observe"
    template_name = "consultations/calibration.html"

    def get_context_data(self, **kwargs):
        team = self.team
        return super().get_context_data(
            team=team,
            results=[
                selectors.agreement(team, i.key) for i in selectors.observer_instruments_used(team)
            ],
            language=_language(),
            wording=lambda instrument: _wording(team.organisation, instrument),
            **kwargs,
        )


# Clinicians


class ClinicianDashboard(ObjectPermissionMixin, TemplateView):
    """A clinician's own figures: that clinician and the organisation's leads and admins only."""

    permission_required = "consultations.view_clinician"
    template_name = "consultations/clinician.html"

    @cached_property
    def member(self):
        return get_object_or_404(
            TeamMember.objects.select_related("team__organisation", "person"),
            pk=self.kwargs["pk"],
            role=MemberRole.CLINICIAN,
        )

    def get_permission_object(self):
        return self.member

    def get_context_data(self, **kwargs):
        member = self.member
        return super().get_context_data(
            member=member,
            team=member.team,
            links=list(selectors.team_links(member.team, clinician=member)),
            language=_language(),
            **selectors.dashboard(
                organisation=member.team.organisation, team=member.team, clinician=member
            ),
            **kwargs,
        )
