import io
import time

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
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
from coproduce.core.mixins import ActionFormView, ObjectPermissionMixin, add_validation_error
from coproduce.people.models import Organisation
from coproduce.people.roles import roles_for

from . import actions, bursts, instruments, selectors, throttle
from .forms import (
    ConsultationForm,
    LinkForm,
    MemberForm,
    PaperForm,
    PermissionForm,
    RatingForm,
    SettingsForm,
    SurveyForm,
    TeamForm,
    TokenForm,
)
from .models import (
    Consultation,
    InstrumentPermission,
    MemberRole,
    SurveyLink,
    Team,
    TeamMember,
)

# The newest answers of a burst are enough to see what it was; a flood could be thousands.
EXCLUDED_SHOWN = 200


def _language():
    return "cy" if (get_language() or "").startswith("cy") else "en"


def _wording(organisation, instrument):
    permission = actions.permission_for(organisation, instrument)
    return permission.wording if permission else None


def _usable(organisation) -> set[str]:
    permitted = set(
        InstrumentPermission.objects.filter(organisation=organisation).values_list(
            "instrument", flat=True
        )
    )
    return {
        key
        for key, i in instruments.all_instruments().items()
        if not i.needs_permission or key in permitted
    }


class FormPage(ActionFormView):
    template_name = "consultations/form.html"
    heading = ""
    submit_text = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.heading,
            submit_text=self.submit_text,
            back=self.back_link(),
            **kwargs,
        )

    def back_link(self):
        return None


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
        _("Month"),
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


def _export_row(row):
    figure = row["figure"]
    return [
        row["level"],
        row["name"],
        row["instrument"].title_in("en"),
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


# Links, codes and QR codes


class LinkMixin:
    permission_required = "consultations.view_link"

    @cached_property
    def link(self):
        return get_object_or_404(
            SurveyLink.objects.select_related("team__organisation", "clinician__person"),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.link

    def survey_url(self, token=None):
        url = self.request.build_absolute_uri(
            reverse("consultations:survey", args=[self.link.code])
        )
        return f"{url}?t={token}" if token else url

    def back_link(self):
        return (reverse("consultations:link", args=[self.link.pk]), _("Survey link"))


class LinkDetail(LinkMixin, ObjectPermissionMixin, TemplateView):
    template_name = "consultations/link.html"

    def get_context_data(self, **kwargs):
        link = self.link
        tokens = list(link.tokens.all())
        return super().get_context_data(
            link=link,
            instrument=instruments.get(link.instrument),
            survey_url=self.survey_url(),
            is_open=actions.link_is_open(link),
            unused=sum(1 for t in tokens if t.used_on is None),
            used=sum(1 for t in tokens if t.used_on is not None),
            responses=link.responses.count(),
            excluded=link.responses.filter(burst=True).count(),
            manager=self.request.user.has_perm("consultations.manage_team", link),
            can_enter_paper=self.request.user.has_perm("consultations.enter_paper", link),
            language=_language(),
            **kwargs,
        )


class LinkExcluded(LinkMixin, ObjectPermissionMixin, TemplateView):
    """The answers left out of the figures as a burst of identical answers, for the leads and
    admins to check."""

    permission_required = "consultations.manage_team"
    template_name = "consultations/excluded.html"

    def get_context_data(self, **kwargs):
        link = self.link
        return super().get_context_data(
            link=link,
            instrument=instruments.get(link.instrument),
            responses=list(selectors.burst_responses(link)[:EXCLUDED_SHOWN]),
            total=link.responses.filter(burst=True).count(),
            shown=EXCLUDED_SHOWN,
            threshold=bursts.THRESHOLD,
            minutes=bursts.WINDOW_SECONDS // 60,
            **kwargs,
        )


class LinkQr(LinkMixin, ObjectPermissionMixin, View):
    """The QR code, made here (no outside service): SVG by default, PNG with ?format=png."""

    def get(self, request, *args, **kwargs):
        token = request.GET.get("t", "")
        if token and not self.link.tokens.filter(code=token).exists():
            raise Http404
        qr = segno.make(self.survey_url(token or None), error="m")
        buffer = io.BytesIO()
        if request.GET.get("format") == "png":
            qr.save(buffer, kind="png", scale=8, border=2)
            return HttpResponse(buffer.getvalue(), content_type="image/png")
        qr.save(buffer, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title=None)
        return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


class TokenBatch(LinkMixin, FormPage):
    form_class = TokenForm

    @property
    def heading(self):
        return _("Print one-use codes")

    @property
    def submit_text(self):
        return _("Make the codes")

    def perform(self, form):
        if not self.link.one_use:
            raise ValidationError(_("This link does not use one-use codes."))
        return actions.create_tokens(by=self.request.user, link=self.link, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("consultations:link_print", args=[self.link.pk])


class LinkPrint(LinkMixin, ObjectPermissionMixin, TemplateView):
    """A printable sheet of cards, each with its QR code and code; used codes are left off."""

    template_name = "consultations/print.html"

    def get_context_data(self, **kwargs):
        link = self.link
        tokens = list(link.tokens.filter(used_on__isnull=True)) if link.one_use else []
        return super().get_context_data(
            link=link,
            instrument=instruments.get(link.instrument),
            survey_url=self.survey_url(),
            tokens=tokens,
            language=_language(),
            **kwargs,
        )


class PaperEntry(LinkMixin, FormPage):
    permission_required = "consultations.enter_paper"
    form_class = PaperForm
    template_name = "consultations/answers_form.html"

    @property
    def heading(self):
        return _("Enter a paper form")

    @property
    def submit_text(self):
        return _("Save the answers")

    def get_form_kwargs(self):
        instrument = instruments.get(self.link.instrument)
        return super().get_form_kwargs() | {
            "instrument": instrument,
            "language": _language(),
            "wording": _wording(self.link.team.organisation, instrument),
        }

    def perform(self, form):
        result = actions.enter_paper_response(
            by=self.request.user,
            link=self.link,
            answers=form.answers(),
            received_on=form.cleaned_data["received_on"],
            language=form.cleaned_data["language"],
        )
        messages.success(self.request, _("The paper form has been entered."))
        return result

    def get_success_url(self, result=None):
        return reverse("consultations:paper_entry", args=[self.link.pk])


# Observations


class ConsultationMixin:
    permission_required = "consultations.observe"

    @cached_property
    def consultation(self):
        return get_object_or_404(
            Consultation.objects.select_related("team__organisation", "clinician__person"),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.consultation

    def back_link(self):
        return (
            reverse("consultations:team", args=[self.consultation.team.pk]),
            self.consultation.team.name,
        )


class Rate(ConsultationMixin, FormPage):
    form_class = RatingForm
    template_name = "consultations/answers_form.html"

    @property
    def heading(self):
        return _("Rate consultation %(reference)s") % {"reference": self.consultation.reference}

    @property
    def submit_text(self):
        return _("Save ratings")

    @cached_property
    def person(self):
        from coproduce.people.models import Person

        person_id = roles_for(self.request.user).person_id
        return Person.objects.filter(pk=person_id).first()

    def get_initial(self):
        if self.person is None:
            return {}
        mine = self.consultation.observations.filter(rater=self.person).first()
        if mine is None:
            return {}
        initial = {k: ("na" if v is None else str(v)) for k, v in mine.ratings.items()}
        return initial | {"notes": mine.notes}

    def get_form_kwargs(self):
        instrument = instruments.get(self.consultation.instrument)
        return super().get_form_kwargs() | {
            "instrument": instrument,
            "language": _language(),
            "wording": _wording(self.consultation.team.organisation, instrument),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(consultation=self.consultation, **kwargs)

    def perform(self, form):
        if self.person is None:
            raise ValidationError(_("Only someone on the register can rate a consultation."))
        result = actions.rate_consultation(
            by=self.request.user,
            consultation=self.consultation,
            rater=self.person,
            ratings=form.answers(),
            notes=form.cleaned_data["notes"],
        )
        messages.success(self.request, _("Your ratings have been saved."))
        return result

    def get_success_url(self, result=None):
        return reverse("consultations:team", args=[self.consultation.team.pk])


# The anonymous survey: no sign-in, no identifiers, nothing stored but the answers.


class Survey(View):
    template_name = "consultations/survey.html"

    @cached_property
    def link(self):
        return get_object_or_404(
            SurveyLink.objects.select_related("team__organisation"), code=self.kwargs["code"]
        )

    def _form(self, data=None):
        instrument = instruments.get(self.link.instrument)
        return SurveyForm(
            data,
            instrument=instrument,
            language=_language(),
            wording=_wording(self.link.team.organisation, instrument),
            initial={"token": self.request.GET.get("t", "")},
        )

    def _render(self, form, status=200, refused=""):
        instrument = form.instrument
        language = _language()
        english_items = language == "cy" and any(i["lang"] == "en" for i in form.items)
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "link": self.link,
                "instrument": instrument,
                "is_open": actions.link_is_open(self.link),
                "english_items": english_items,
                "refused": refused,
                "language": language,
            },
            status=status,
        )

    def get(self, request, code):
        form = self._form()
        refused = ""
        token = request.GET.get("t", "")
        if self.link.one_use and token:
            try:
                actions.check_token(self.link, token)
            except ValidationError as exc:
                refused = " ".join(exc.messages)
        return self._render(form, refused=refused)

    def post(self, request, code):
        form = self._form(request.POST)
        if not actions.link_is_open(self.link):
            return self._render(form)
        if form.is_valid():
            if not throttle.allow_answer(request, self.link):
                return render(
                    request, "consultations/too_many.html", {"link": self.link}, status=429
                )
            try:
                actions.submit_response(
                    link=self.link,
                    answers=form.answers(),
                    language=_language(),
                    token=form.cleaned_data.get("token", ""),
                    arrived_at=time.time(),
                )
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                return redirect("consultations:survey_thanks", code=self.link.code)
        return self._render(form)


class SurveyThanks(View):
    def get(self, request, code):
        link = get_object_or_404(SurveyLink, code=code)
        return render(request, "consultations/thanks.html", {"link": link})


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
