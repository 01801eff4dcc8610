from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from coproduce.core.mixins import ActionFormView, ObjectPermissionMixin
from coproduce.people.models import Organisation
from coproduce.projects.mixins import ProjectMixin
from coproduce.projects.models import Project

from . import actions, dashboard, selectors
from .forms import (
    ActionForm,
    FeedbackForm,
    FollowUpForm,
    InputForm,
    MeasureForm,
    ResponseForm,
    StatusFilterForm,
)
from .models import Action, Input, OutcomeMeasure

PAGE_SIZE = 25


class InputMixin:
    @cached_property
    def input(self):
        return get_object_or_404(
            Input.objects.select_related("project").prefetch_related("project__organisations"),
            pk=self.kwargs["pk"],
        )

    @property
    def project(self):
        return self.input.project

    def get_permission_object(self):
        return self.input.project

    def get_context_data(self, **kwargs):
        return super().get_context_data(input=self.input, project=self.project, **kwargs)

    def chain_url(self):
        return reverse("reports:input", args=[self.input.pk])


class ChainFormView(ActionFormView):
    """A form that adds one step to the chain; the template shows `heading` and `submit_text`."""

    template_name = "reports/form.html"
    heading = ""
    submit_text = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.heading, submit_text=self.submit_text, **kwargs
        )


class ChainList(ProjectMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "reports.view_chain"
    template_name = "reports/chain.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = StatusFilterForm(self.request.GET or None)
        status = filters.cleaned_data["status"] if filters.is_valid() else ""
        page = Paginator(selectors.chain_list(self.project, status=status), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.update(
            filters=filters,
            status=status,
            page=page,
            counts=selectors.chain_counts(self.project),
            open_actions=selectors.open_actions(self.project)[:20],
        )
        return context


class InputCreate(ProjectMixin, ChainFormView):
    permission_required = "reports.add_input"
    form_class = InputForm
    heading = gettext_lazy("Record what was said")
    submit_text = gettext_lazy("Save")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"project": self.project}

    def perform(self, form):
        input = actions.record_input(
            by=self.request.user, project=self.project, **form.cleaned_data
        )
        messages.success(self.request, _("What was said has been recorded."))
        return input

    def get_success_url(self, result=None):
        return reverse("reports:input", args=[result.pk])


class InputDetail(InputMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "reports.view_chain"
    template_name = "reports/input.html"

    @cached_property
    def input(self):
        # The whole chain at once, and the permission check reuses it.
        try:
            return selectors.input_detail(self.kwargs["pk"])
        except Input.DoesNotExist as exc:
            raise Http404 from exc


class Respond(InputMixin, ChainFormView):
    permission_required = "reports.manage_chain"
    form_class = ResponseForm
    heading = gettext_lazy("Respond")
    submit_text = gettext_lazy("Save response")

    def get_initial(self):
        response = self.input.current_response
        if response is None:
            return super().get_initial()
        return {
            "decision": response.decision,
            "reason": response.reason,
            "responded_on": response.responded_on,
        }

    def perform(self, form):
        response = actions.respond(by=self.request.user, input=self.input, **form.cleaned_data)
        messages.success(self.request, _("Response saved."))
        return response

    def get_success_url(self, result=None):
        return self.chain_url()


class ActionCreate(InputMixin, ChainFormView):
    permission_required = "reports.manage_chain"
    form_class = ActionForm
    heading = gettext_lazy("Add an action")
    submit_text = gettext_lazy("Save action")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"project": self.project}

    def perform(self, form):
        action = actions.add_action(by=self.request.user, input=self.input, **form.cleaned_data)
        messages.success(self.request, _("Action added."))
        return action

    def get_success_url(self, result=None):
        return self.chain_url()


class ActionDone(ObjectPermissionMixin, View):
    permission_required = "reports.manage_chain"

    @cached_property
    def action(self):
        return get_object_or_404(
            Action.objects.select_related("input__project").prefetch_related(
                "input__project__organisations"
            ),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.action.input.project

    def post(self, request, *args, **kwargs):
        try:
            actions.complete_action(by=request.user, action=self.action)
            messages.success(request, _("Action marked as done."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("reports:input", pk=self.action.input_id)


class MeasureCreate(InputMixin, ChainFormView):
    permission_required = "reports.manage_chain"
    form_class = MeasureForm
    heading = gettext_lazy("Add an outcome measure")
    submit_text = gettext_lazy("Save measure")

    def perform(self, form):
        measure = actions.add_measure(by=self.request.user, input=self.input, **form.cleaned_data)
        messages.success(self.request, _("Outcome measure added."))
        return measure

    def get_success_url(self, result=None):
        return self.chain_url()


class FollowUpCreate(ChainFormView):
    permission_required = "reports.manage_chain"
    form_class = FollowUpForm
    heading = gettext_lazy("Add a follow-up")
    submit_text = gettext_lazy("Save follow-up")

    @cached_property
    def measure(self):
        return get_object_or_404(
            OutcomeMeasure.objects.select_related("input__project").prefetch_related(
                "input__project__organisations"
            ),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.measure.input.project

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            measure=self.measure,
            input=self.measure.input,
            project=self.measure.input.project,
            **kwargs,
        )

    def perform(self, form):
        follow_up = actions.add_follow_up(
            by=self.request.user, measure=self.measure, **form.cleaned_data
        )
        messages.success(self.request, _("Follow-up added."))
        return follow_up

    def get_success_url(self, result=None):
        return reverse("reports:input", args=[self.measure.input_id])


class FeedbackCreate(InputMixin, ChainFormView):
    permission_required = "reports.manage_chain"
    form_class = FeedbackForm
    heading = gettext_lazy("Record feedback sent")
    submit_text = gettext_lazy("Save feedback")

    def perform(self, form):
        feedback = actions.record_feedback_sent(
            by=self.request.user, input=self.input, **form.cleaned_data
        )
        messages.success(self.request, _("Feedback recorded."))
        return feedback

    def get_success_url(self, result=None):
        return self.chain_url()


class Publish(InputMixin, ObjectPermissionMixin, View):
    """Toggles whether the input is on the public page (a button, so POST only)."""

    permission_required = "reports.manage_chain"

    def post(self, request, *args, **kwargs):
        input = actions.set_public(
            by=request.user, input=self.input, is_public=not self.input.is_public
        )
        if input.is_public:
            messages.success(request, _("This is now shown on the public page."))
        else:
            messages.success(request, _("This is no longer shown on the public page."))
        return redirect("reports:input", pk=input.pk)


class PublicPage(ObjectPermissionMixin, TemplateView):
    """The project's published chain, for anyone, signed in or not. A project that has
    published nothing has no public page: its title and purpose are not public either."""

    permission_required = "reports.view_public_page"
    template_name = "reports/public.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = get_object_or_404(Project, pk=self.kwargs["pk"])
        page = Paginator(selectors.public_chain(project), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        # The same 404 as an unknown project, so the page does not tell that a project exists.
        if not page.paginator.count:
            raise Http404
        context.update(project=project, page=page)
        return context


class ProjectDashboard(ProjectMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "reports.view_dashboard"
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(dashboard.project_dashboard(self.project))
        return context


class OrganisationProjects(ObjectPermissionMixin, TemplateView):
    """An organisation's projects side by side: readiness, perception gap, power, impact."""

    permission_required = "reports.compare_projects"
    template_name = "reports/organisation.html"
    page_size = 20

    @cached_property
    def organisation(self):
        return get_object_or_404(Organisation, slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.organisation

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(dashboard.organisation_projects(self.organisation), self.page_size)
        page = page.get_page(self.request.GET.get("page"))
        rows = dashboard.comparison_rows(page)
        gaps = [row for row in rows if row["gap"] is not None]
        context.update(
            organisation=self.organisation,
            page=page,
            rows=rows,
            widest=max(gaps, key=lambda row: abs(row["gap"])) if gaps else None,
        )
        return context
