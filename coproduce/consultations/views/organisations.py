"""The consultation pages of an organisation (dashboard, settings, instrument permissions, new
teams, figures as CSV and Excel), the public list of instruments, and "my consultations"."""

import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coproduce.core.exports import CsvWriter, xlsx_response
from coproduce.core.mixins import ObjectPermissionMixin
from coproduce.people.models import Organisation
from coproduce.people.roles import roles_for

from .. import actions, instruments, selectors
from ..forms import (
    PermissionForm,
    SettingsForm,
    TeamForm,
)
from ..models import (
    InstrumentPermission,
)
from .base import FormPage, _language, _usable

# Public: the instruments and their licences


class Instruments(TemplateView):
    template_name = "consultations/instruments.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            instruments=list(instruments.all_instruments().values()), language=_language(), **kwargs
        )


# Organisation level


class OrganisationMixin:
    permission_required = "consultations.manage_org"

    @cached_property
    def organisation(self):
        return get_object_or_404(Organisation, slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.organisation

    def back_link(self):
        return (
            reverse("consultations:organisation", args=[self.organisation.slug]),
            _("Consultations"),
        )


class OrganisationDashboard(OrganisationMixin, ObjectPermissionMixin, TemplateView):
    template_name = "consultations/organisation.html"

    def get_context_data(self, **kwargs):
        org = self.organisation
        return super().get_context_data(
            organisation=org,
            teams=list(org.consultation_teams.all()),
            usable=_usable(org),
            permissions={
                p.instrument: p for p in InstrumentPermission.objects.filter(organisation=org)
            },
            instruments=list(instruments.all_instruments().values()),
            language=_language(),
            **selectors.dashboard(organisation=org),
            **kwargs,
        )


class SettingsView(OrganisationMixin, FormPage):
    form_class = SettingsForm

    @property
    def heading(self):
        return _("Minimum number of responses")

    @property
    def submit_text(self):
        return _("Save")

    def get_initial(self):
        return {"minimum_responses": actions.minimum_for(self.organisation)}

    def perform(self, form):
        result = actions.set_minimum(
            by=self.request.user, organisation=self.organisation, **form.cleaned_data
        )
        messages.success(self.request, _("The minimum has been saved."))
        return result

    def get_success_url(self, result=None):
        return reverse("consultations:organisation", args=[self.organisation.slug])


class PermissionView(OrganisationMixin, FormPage):
    form_class = PermissionForm
    template_name = "consultations/permission.html"

    @cached_property
    def instrument(self):
        try:
            instrument = instruments.get(self.kwargs["key"])
        except KeyError:
            raise Http404 from None
        if instrument.licence_status == "ours":
            raise Http404
        return instrument

    @property
    def heading(self):
        return _("Record permission: %(title)s") % {"title": self.instrument.title_in(_language())}

    @property
    def submit_text(self):
        return _("Save permission and wording")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instrument": self.instrument}

    def get_initial(self):
        current = actions.permission_for(self.organisation, self.instrument)
        if current is None:
            return {}
        return {
            "granted_by": current.granted_by,
            "granted_on": current.granted_on,
            "reference": current.reference,
            "wording_en": "\n".join(current.wording.get("en", [])),
            "wording_cy": "\n".join(current.wording.get("cy", [])),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            instrument=self.instrument, organisation=self.organisation, **kwargs
        )

    def perform(self, form):
        data = form.cleaned_data
        result = actions.record_permission(
            by=self.request.user,
            organisation=self.organisation,
            instrument=self.instrument.key,
            granted_by=data["granted_by"],
            granted_on=data["granted_on"],
            reference=data["reference"],
            wording_en=data.get("wording_en", ""),
            wording_cy=data.get("wording_cy", ""),
        )
        messages.success(self.request, _("The permission and wording have been saved."))
        return result

    def get_success_url(self, result=None):
        return reverse("consultations:organisation", args=[self.organisation.slug])


class TeamCreate(OrganisationMixin, FormPage):
    form_class = TeamForm

    @property
    def heading(self):
        return _("Add a team")

    @property
    def submit_text(self):
        return _("Add team")

    def perform(self, form):
        result = actions.create_team(
            by=self.request.user, organisation=self.organisation, **form.cleaned_data
        )
        messages.success(self.request, _("The team has been added."))
        return result

    def get_success_url(self, result=None):
        return reverse("consultations:team", args=[result.pk])


def _export_header():
    return [
        _("Level"),
        _("Name"),
        _("Questionnaire"),
        # The month stays a machine value (2026-12) so spreadsheets sort it; the header says so.
        _("Month (year-month)"),
        _("Complete responses"),
        _("Minimum"),
        _("Mean score"),
        _("Top-box score (%)"),
        _("Why the score is blank"),
    ]


def _why_blank(figure) -> str:
    if figure.shown:
        return ""
    if figure.withheld == "protects":
        return _("Not shown, so that a smaller group’s figure cannot be worked out from the totals")
    return _("Fewer complete responses than the minimum")


def _level(level: str) -> str:
    return {
        "organisation": _("Organisation"),
        "team": _("Team"),
        "clinician": _("Clinician"),
    }.get(level, level)


def _export_row(row):
    figure = row["figure"]
    return [
        _level(row["level"]),
        row["name"],
        row["instrument"].title_in((get_language() or "en")[:2]),
        selectors.month_label(row["month"]) or _("All months"),
        figure.count,
        figure.minimum,
        round(figure.score, 2) if figure.score is not None else "",
        round(figure.top_box, 1) if figure.top_box is not None else "",
        _why_blank(figure),
    ]


class ExportCsv(OrganisationMixin, ObjectPermissionMixin, View):
    def get(self, request, *args, **kwargs):
        buffer = io.StringIO()
        writer = CsvWriter(buffer)
        writer.writerow(_export_header())
        for row in selectors.export_rows(self.organisation):
            writer.writerow(_export_row(row))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="consultations-{self.organisation.slug}.csv"'
        )
        return response


class ExportXlsx(OrganisationMixin, ObjectPermissionMixin, View):
    def get(self, request, *args, **kwargs):
        return xlsx_response(
            filename=f"consultations-{self.organisation.slug}.xlsx",
            sheet_title=_("Consultations"),
            header=_export_header(),
            rows=(_export_row(row) for row in selectors.export_rows(self.organisation)),
        )


class MyConsultations(View):
    """Where the signed-in person's own clinician dashboards and teams are."""

    def get(self, request):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        person_id = roles_for(request.user).person_id
        roles = roles_for(request.user)
        managed = Organisation.objects.filter(pk__in=roles.managing_orgs).order_by("name")
        return render(
            request,
            "consultations/mine.html",
            {
                "roles": list(selectors.my_clinician_roles(person_id)) if person_id else [],
                "managed": list(managed),
                "today": timezone.localdate(),
            },
        )
