"""Survey links (detail, answers left out, QR code, one-time codes, printing, paper entry) and
rating an observed consultation."""

import io

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coproduce.core.mixins import ObjectPermissionMixin
from coproduce.people.roles import roles_for

from .. import actions, bursts, instruments, selectors
from ..forms import (
    PaperForm,
    RatingForm,
    TokenForm,
)
from ..models import (
    Consultation,
    SurveyLink,
)
from .base import EXCLUDED_SHOWN, FormPage, _language, _wording

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
