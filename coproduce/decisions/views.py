from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from coproduce.core.mixins import ActionFormView, ObjectPermissionMixin
from coproduce.people.roles import roles_for
from coproduce.projects.mixins import ProjectMixin
from coproduce.projects.selectors import members_to_email

from . import actions, rules_of_method, selectors
from .forms import CloseForm, DecisionForm, OutsideDecisionForm, PositionForm, ResolveForm
from .models import Decision, Outcome, Position


def proposed_message(project) -> str:
    """Says what will really happen: how many members will be e-mailed, or that nobody will."""
    count = members_to_email(project).count()
    if not count:
        return _("Proposal opened. No members to e-mail yet.")
    return ngettext(
        "Proposal opened. %(count)s member will be e-mailed.",
        "Proposal opened. %(count)s members will be e-mailed.",
        count,
    ) % {"count": count}


PAGE_SIZE = 25


def _person(request):
    """The signed-in user's register entry, or a form error if they have none."""
    person = getattr(request.user, "person", None) if roles_for(request.user).person_id else None
    if person is None:
        raise ValidationError(_("Your account is not linked to an entry on the register."))
    return person


def _ids(value: str) -> list[int] | None:
    if not value:
        return None
    return [int(part) for part in value.split(",") if part.strip().isdigit()]


class DecisionMixin:
    @cached_property
    def decision(self):
        try:
            return selectors.decision_detail(self.kwargs["pk"])
        except Decision.DoesNotExist:
            raise Http404 from None

    @property
    def project(self):
        return self.decision.project

    def get_permission_object(self):
        return self.decision

    def get_context_data(self, **kwargs):
        return super().get_context_data(decision=self.decision, project=self.project, **kwargs)


class DetailContextMixin(DecisionMixin):
    """The decision page's context; the position form re-displays it with its errors."""

    template_name = "decisions/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decision = self.decision
        positions = selectors.decision_positions(decision)
        person_id = roles_for(self.request.user).person_id
        mine = next((p for p in positions if p.person_id == person_id), None)
        can_take = decision.is_open and self.request.user.has_perm(
            "decisions.take_position", decision
        )
        if "form" not in context and can_take:
            initial = {"stance": mine.stance, "comment": mine.comment} if mine else {}
            context["form"] = PositionForm(decision=decision, initial=initial)
        context.update(
            positions=positions,
            mine=mine,
            can_take=can_take,
            amendments=selectors.decision_amendments(decision),
            rule=(
                rules_of_method.result(
                    decision.method,
                    rules_of_method.tally((p.stance, p.resolved) for p in positions),
                )
                if decision.method
                else None
            ),
        )
        return context


class DecisionList(ProjectMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "decisions.view_decision"
    template_name = "decisions/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ids = _ids(self.request.GET.get("ids", ""))
        page = Paginator(selectors.project_decisions(self.project, ids), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.update(
            page=page,
            filtered=ids is not None,
            query=f"ids={','.join(map(str, ids))}" if ids is not None else "",
        )
        return context


class DecisionCreate(ProjectMixin, ActionFormView):
    permission_required = "decisions.propose_decision"
    template_name = "decisions/form.html"
    form_class = DecisionForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"project": self.project}

    def perform(self, form):
        decision = actions.propose_decision(
            by=self.request.user,
            project=self.project,
            proposer=_person(self.request),
            **form.cleaned_data,
        )
        messages.success(self.request, proposed_message(self.project))
        return decision

    def get_success_url(self, result=None):
        return reverse("decisions:detail", args=[result.pk])


class DecisionDetail(DetailContextMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "decisions.view_decision"


class PositionSet(DetailContextMixin, ActionFormView):
    """POST only: the form lives on the decision page, which shows any errors."""

    permission_required = "decisions.take_position"
    http_method_names = ["post"]

    def get_form(self, form_class=None):
        return PositionForm(self.request.POST, decision=self.decision)

    def perform(self, form):
        position = actions.set_position(
            by=self.request.user,
            decision=self.decision,
            person=_person(self.request),
            **form.cleaned_data,
        )
        messages.success(self.request, _("Your position is saved."))
        return position

    def get_success_url(self, result=None):
        return reverse("decisions:detail", args=[self.decision.pk])


class ResolveObjection(ActionFormView):
    permission_required = "decisions.manage_decision"
    template_name = "decisions/resolve.html"
    form_class = ResolveForm

    @cached_property
    def position(self):
        return get_object_or_404(
            Position.objects.select_related("decision__project", "person"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.position

    def get_initial(self):
        return {"amended_proposal": self.position.decision.proposal}

    def get_context_data(self, **kwargs):
        decision = self.position.decision
        return super().get_context_data(
            position=self.position, decision=decision, project=decision.project, **kwargs
        )

    def perform(self, form):
        position = actions.resolve_objection(
            by=self.request.user, position=self.position, **form.cleaned_data
        )
        messages.success(self.request, _("Objection marked as resolved."))
        return position

    def get_success_url(self, result=None):
        return reverse("decisions:detail", args=[self.position.decision_id])


class DecisionClose(DetailContextMixin, ActionFormView):
    permission_required = "decisions.manage_decision"
    template_name = "decisions/close.html"
    form_class = CloseForm

    def get_initial(self):
        rule = rules_of_method.result(
            self.decision.method,
            rules_of_method.tally(self.decision.positions.values_list("stance", "resolved")),
        )
        if rule.adopted is True:
            return {"outcome": Outcome.ADOPTED}
        if rule.adopted is False:
            return {"outcome": Outcome.NOT_ADOPTED}
        return {}

    def perform(self, form):
        decision = actions.close_decision(
            by=self.request.user, decision=self.decision, **form.cleaned_data
        )
        messages.success(self.request, _("Decision recorded."))
        return decision

    def get_success_url(self, result=None):
        return reverse("decisions:detail", args=[self.decision.pk])


class OutsideDecisionCreate(ProjectMixin, ActionFormView):
    permission_required = "decisions.manage_decision"
    template_name = "decisions/outside_form.html"
    form_class = OutsideDecisionForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"project": self.project}

    def perform(self, form):
        decision = actions.record_outside_decision(
            by=self.request.user, project=self.project, **form.cleaned_data
        )
        messages.success(self.request, _("Decision taken outside the group recorded."))
        return decision

    def get_success_url(self, result=None):
        return reverse("decisions:detail", args=[result.pk])


class PowerSharing(ProjectMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "decisions.view_decision"
    template_name = "decisions/power.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**selectors.power_sharing(self.project), **kwargs)


class ReviewList(ObjectPermissionMixin, TemplateView):
    permission_required = "decisions.view_review"
    template_name = "decisions/review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(selectors.due_for_review(self.request.user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context["page"] = page
        return context
