import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from coproduce.core.mixins import ActionFormView, ObjectPermissionMixin
from coproduce.people.roles import roles_for
from coproduce.projects.mixins import ProjectMixin
from coproduce.projects.selectors import members_to_email

from . import actions, selectors, summaries
from .forms import PulseOpenForm, PulseResponseForm, ReadinessAnswerForm, ReadinessOpenForm
from .models import Pulse, ReadinessRound
from .rules import ANSWERING_ROLES


def opened_message(project, *, readiness: bool) -> str:
    """Says what will really happen: how many members (those who answer) will be e-mailed."""
    count = members_to_email(project).filter(role__in=ANSWERING_ROLES).count()
    if readiness:
        if not count:
            return _("Readiness check opened. No members to e-mail yet.")
        return ngettext(
            "Readiness check opened. %(count)s member will be e-mailed.",
            "Readiness check opened. %(count)s members will be e-mailed.",
            count,
        ) % {"count": count}
    if not count:
        return _("Pulse opened. No members to e-mail yet.")
    return ngettext(
        "Pulse opened. %(count)s member will be e-mailed.",
        "Pulse opened. %(count)s members will be e-mailed.",
        count,
    ) % {"count": count}


class FrameworkList(TemplateView):
    """Public reference page: every framework the product measures against, with sources."""

    template_name = "measures/frameworks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["frameworks"] = selectors.current_frameworks()
        return context


class FrameworkDetail(TemplateView):
    template_name = "measures/framework.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = list(selectors.framework_versions(self.kwargs["key"]).prefetch_related("items"))
        if not versions:
            raise Http404
        wanted = self.request.GET.get("version")
        framework = next((v for v in versions if str(v.version) == wanted), versions[0])
        context.update(framework=framework, versions=versions)
        return context


# ---------------------------------------------------------------------------------------------
# Readiness check and pulse


class RoundMixin:
    @cached_property
    def round(self):
        try:
            return selectors.round_detail(self.kwargs["pk"])
        except ReadinessRound.DoesNotExist:
            raise Http404 from None

    @property
    def project(self):
        return self.round.project

    def get_permission_object(self):
        return self.round.project

    def get_context_data(self, **kwargs):
        return super().get_context_data(round=self.round, project=self.project, **kwargs)


class PulseMixin:
    @cached_property
    def pulse(self):
        try:
            return selectors.pulse_detail(self.kwargs["pk"])
        except Pulse.DoesNotExist:
            raise Http404 from None

    @property
    def project(self):
        return self.pulse.project

    def get_permission_object(self):
        return self.pulse.project

    def get_context_data(self, **kwargs):
        return super().get_context_data(pulse=self.pulse, project=self.project, **kwargs)


class BoundOnPost:
    def _data(self):
        # Bound on every POST, even an empty one, so a blank submission shows its errors.
        return self.request.POST if self.request.method == "POST" else None


def _person_id(request):
    return roles_for(request.user).person_id


def _comparison(rounds, results) -> dict:
    """Rounds (oldest first) x criteria, matched by key across framework versions."""
    keys, labels = [], {}
    for r in reversed(rounds):
        for item in r.criteria.items.all():
            if item.key not in labels:
                keys.append(item.key)
                labels[item.key] = item.label
    return {
        "criteria": [(key, labels[key]) for key in keys],
        "rows": [(r, results[r.pk]) for r in reversed(rounds)],
    }


class ReadinessOverview(ProjectMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "measures.view_results"
    template_name = "measures/readiness.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rounds = selectors.project_rounds(self.project)
        results = selectors.round_results(rounds)
        # The newest round with answers: a round just opened would otherwise hide the last result.
        latest = next((r for r in rounds if r.response_count), rounds[0] if rounds else None)
        context.update(
            rounds=rounds,
            latest=latest,
            latest_result=results[latest.pk] if latest else None,
            open_round=next((r for r in rounds if r.is_open), None),
            comparison=_comparison(rounds, results),
            summary=summaries,
        )
        return context


class ReadinessOpen(ProjectMixin, ActionFormView):
    permission_required = "measures.run_checks"
    template_name = "measures/readiness_open.html"
    form_class = ReadinessOpenForm

    def perform(self, form):
        round_ = actions.open_readiness_round(
            by=self.request.user, project=self.project, **form.cleaned_data
        )
        messages.success(self.request, opened_message(self.project, readiness=True))
        return round_

    def get_success_url(self, result=None):
        return reverse("measures:readiness_round", args=[result.pk])


class ReadinessRoundDetail(RoundMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "measures.view_results"
    template_name = "measures/readiness_round.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = selectors.round_results([self.round])[self.round.pk]
        manage = self.request.user.has_perm("measures.run_checks", self.project)
        rungs = {item.key: item for item in self.round.ladder.items.all()}
        criteria = list(self.round.criteria.items.all())
        context.update(
            result=result,
            criteria=criteria,
            labels={item.key: item.label for item in criteria},
            rungs=list(rungs.values()),
            recommended=rungs.get(result.recommendation.rung),
            can_answer=self.request.user.has_perm("measures.answer_checks", self.project),
            mine=selectors.my_readiness_answers(self.round, _person_id(self.request)),
            individual=selectors.individual_readiness_answers(self.round) if manage else None,
            manage=manage,
            summary=summaries,
        )
        return context


class ReadinessAnswerView(RoundMixin, BoundOnPost, ActionFormView):
    permission_required = "measures.answer_checks"
    template_name = "measures/readiness_answer.html"

    def get_form(self, form_class=None):
        return ReadinessAnswerForm(
            self._data(),
            criteria=self.round.criteria.items.all(),
            answers=selectors.my_readiness_answers(self.round, _person_id(self.request)),
        )

    def perform(self, form):
        response = actions.answer_readiness(
            by=self.request.user,
            round=self.round,
            person=self.request.user.person,
            ratings=form.ratings(),
            comments=form.comments(),
        )
        messages.success(
            self.request,
            _("Your answers are saved. You can change them until the check closes."),
        )
        return response

    def get_success_url(self, result=None):
        return reverse("measures:readiness_round", args=[self.round.pk])


class ReadinessClose(RoundMixin, ObjectPermissionMixin, View):
    permission_required = "measures.run_checks"

    def post(self, request, *args, **kwargs):
        try:
            actions.close_readiness_round(by=request.user, round=self.round)
            messages.success(request, _("Readiness check closed."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("measures:readiness_round", pk=self.round.pk)


class PulseList(ProjectMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "measures.view_results"
    template_name = "measures/pulse_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pulses = selectors.project_pulses(self.project)
        trend = selectors.pulse_trend(self.project)
        context.update(
            pulses=pulses,
            open_pulse=next((p for p in pulses if p.is_open), None),
            trend=[
                (
                    pulse,
                    result,
                    summaries.between(
                        result.groups["lived"].rung_median,
                        [item.label for item in pulse.ladder.items.all()],
                    ),
                    summaries.between(
                        result.groups["professional"].rung_median,
                        [item.label for item in pulse.ladder.items.all()],
                    ),
                )
                for pulse, result in trend
            ],
            trend_summary=summaries.trend(trend),
        )
        return context


class PulseOpen(ProjectMixin, ActionFormView):
    permission_required = "measures.run_checks"
    template_name = "measures/pulse_open.html"
    form_class = PulseOpenForm

    def get_initial(self):
        return {"closes_on": timezone.localdate() + datetime.timedelta(days=14)}

    def perform(self, form):
        pulse = actions.open_pulse(by=self.request.user, project=self.project, **form.cleaned_data)
        messages.success(self.request, opened_message(self.project, readiness=False))
        return pulse

    def get_success_url(self, result=None):
        return reverse("measures:pulse", args=[result.pk])


class PulseDetail(PulseMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "measures.view_results"
    template_name = "measures/pulse.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result, texts = selectors.pulse_result(self.pulse)
        context.update(
            result=result,
            texts=texts,
            rungs=list(self.pulse.ladder.items.all()),
            principles=list(self.pulse.principles.items.all()),
            can_answer=self.request.user.has_perm("measures.answer_checks", self.project),
            responded=selectors.has_responded(self.pulse, _person_id(self.request)),
            manage=self.request.user.has_perm("measures.run_checks", self.project),
            summary=summaries,
        )
        return context


class PulseRespond(PulseMixin, BoundOnPost, ActionFormView):
    permission_required = "measures.answer_checks"
    template_name = "measures/pulse_respond.html"

    def get_form(self, form_class=None):
        return PulseResponseForm(
            self._data(),
            rungs=self.pulse.ladder.items.all(),
            principles=self.pulse.principles.items.all(),
            response=selectors.my_pulse_response(self.pulse, _person_id(self.request)),
        )

    def perform(self, form):
        response = actions.respond_to_pulse(
            by=self.request.user,
            pulse=self.pulse,
            person=self.request.user.person,
            rung=form.cleaned_data["rung"],
            agreements=form.agreements(),
            more_equal=form.cleaned_data["more_equal"],
        )
        messages.success(
            self.request,
            _("Thank you. Your response is saved without your name next to it."),
        )
        return response

    def get_success_url(self, result=None):
        return reverse("measures:pulse", args=[self.pulse.pk])


class PulseClose(PulseMixin, ObjectPermissionMixin, View):
    permission_required = "measures.run_checks"

    def post(self, request, *args, **kwargs):
        try:
            actions.close_pulse(by=request.user, pulse=self.pulse)
            messages.success(request, _("Pulse closed."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("measures:pulse", pk=self.pulse.pk)
