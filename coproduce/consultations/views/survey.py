"""The anonymous survey: no sign-in, no identifiers, nothing stored but the answers."""

import time

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.views import View

from coproduce.core.mixins import add_validation_error

from .. import actions, instruments, throttle
from ..forms import (
    SurveyForm,
)
from ..models import (
    SurveyLink,
)
from .base import _language, _wording

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
