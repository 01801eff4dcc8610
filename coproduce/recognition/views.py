from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coproduce.core.exports import CsvWriter, xlsx_response
from coproduce.core.mixins import ActionFormView, ObjectPermissionMixin
from coproduce.people.models import Organisation, Person, PerspectiveCode
from coproduce.people.roles import roles_for
from coproduce.projects.mixins import ProjectMixin
from coproduce.projects.models import Project

from . import actions, selectors
from .forms import (
    ChoiceForm,
    ClaimForm,
    ContributionEditForm,
    ContributionForm,
    DecideForm,
    ExpenseForm,
    GiftForm,
    QueueFilterForm,
    RateForm,
    RecordForForm,
)
from .models import Claim, Contribution, Expense, PaymentChoice, Rate

PAGE_SIZE = 25


class OwnMixin:
    """Pages about the signed-in person's own recognition."""

    permission_required = "recognition.view_own"

    @cached_property
    def person(self):
        person_id = roles_for(self.request.user).person_id
        if person_id is None:
            raise PermissionDenied
        return Person.objects.get(pk=person_id)

    def get_permission_object(self):
        return None


class FormPage(ActionFormView):
    template_name = "recognition/form.html"
    heading = ""
    submit_text = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.heading, submit_text=self.submit_text, **kwargs
        )


class Statement(OwnMixin, ObjectPermissionMixin, TemplateView):
    template_name = "recognition/statement.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            person=self.person,
            choice=PaymentChoice.objects.filter(person=self.person).first(),
            finance_orgs=selectors.finance_organisations(roles_for(self.request.user)),
            totals_orgs=selectors.totals_organisations(roles_for(self.request.user)),
            **selectors.statement(self.person),
        )
        return context


class ChoiceView(OwnMixin, FormPage):
    template_name = "recognition/choice.html"
    form_class = ChoiceForm

    def get_initial(self):
        current = PaymentChoice.objects.filter(person=self.person).first()
        if current is None:
            return {}
        return {
            "choice": current.choice,
            "route": current.route,
            "benefits_acknowledged": current.benefits_acknowledged_on is not None,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            current=PaymentChoice.objects.filter(person=self.person).first(), **kwargs
        )

    def perform(self, form):
        result = actions.set_choice(by=self.request.user, person=self.person, **form.cleaned_data)
        messages.success(self.request, _("Your choice has been saved."))
        return result

    def get_success_url(self, result=None):
        return reverse("recognition:statement")


class ContributionCreate(OwnMixin, FormPage):
    form_class = ContributionForm

    @property
    def heading(self):
        return _("Record my time")

    @property
    def submit_text(self):
        return _("Save")

    def get_form_kwargs(self):
        projects = Project.objects.filter(
            memberships__person=self.person, memberships__left_on__isnull=True
        ).order_by("title")
        return super().get_form_kwargs() | {"projects": projects}

    def perform(self, form):
        result = actions.record_contribution(
            by=self.request.user, person=self.person, **form.cleaned_data
        )
        messages.success(self.request, _recorded_message(result))
        return result

    def get_success_url(self, result=None):
        return reverse("recognition:statement")


def _recorded_message(contribution) -> str:
    """Says which organisation the time went to, and whether anyone there can pay it."""
    organisation = contribution.organisation
    if organisation.pk not in selectors.handling_claims([organisation.pk]):
        return _(
            "Your time has been recorded for %(organisation)s. Nobody there processes claims "
            "yet, so you cannot claim for it until they name a finance officer."
        ) % {"organisation": organisation.name}
    if contribution.project is not None:
        return _(
            "Your time has been recorded for %(organisation)s, which pays for time on %(project)s."
        ) % {"organisation": organisation.name, "project": contribution.project.title}
    return _("Your time has been recorded for %(organisation)s.") % {
        "organisation": organisation.name
    }


class RecordFor(ProjectMixin, FormPage):
    """Paper-first: a co-chair or lead enters time someone gave (on a signing-in sheet)."""

    permission_required = "recognition.record_for_project"
    form_class = RecordForForm

    @property
    def heading(self):
        return _("Record time for a member")

    @property
    def submit_text(self):
        return _("Save")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"project": self.project}

    def perform(self, form):
        result = actions.record_contribution(by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The time has been recorded."))
        return result

    def get_success_url(self, result=None):
        return reverse("projects:detail", args=[self.project.pk])


class ContributionUpdate(FormPage):
    permission_required = "recognition.change_contribution"
    form_class = ContributionEditForm

    @property
    def heading(self):
        return _("Change time given")

    @property
    def submit_text(self):
        return _("Save")

    @cached_property
    def contribution(self):
        return get_object_or_404(
            Contribution.objects.select_related("project", "organisation", "claim", "person"),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.contribution

    def get_initial(self):
        c = self.contribution
        return {
            "activity_type": c.activity_type,
            "date": c.date,
            "minutes": c.minutes,
            "preparation_minutes": c.preparation_minutes,
            "notes": c.notes,
        }

    def perform(self, form):
        result = actions.update_contribution(
            by=self.request.user, contribution=self.contribution, **form.cleaned_data
        )
        messages.success(self.request, _("The time has been changed."))
        return result

    def get_success_url(self, result=None):
        return reverse("recognition:statement")


class ExpenseCreate(OwnMixin, FormPage):
    form_class = ExpenseForm

    @property
    def heading(self):
        return _("Claim an expense")

    @property
    def submit_text(self):
        return _("Save expense")

    def perform(self, form):
        result = actions.add_expense(by=self.request.user, person=self.person, **form.cleaned_data)
        messages.success(self.request, _("Your expense has been saved."))
        return result

    def get_success_url(self, result=None):
        return reverse("recognition:statement")


class ClaimCreate(OwnMixin, FormPage):
    template_name = "recognition/claim_form.html"
    form_class = ClaimForm

    @property
    def heading(self):
        return _("Send a claim")

    @property
    def submit_text(self):
        return _("Send claim")

    @cached_property
    def organisations(self):
        return selectors.claim_organisations(self.person)

    def get_form_kwargs(self):
        ready, _blocked = self.organisations
        organisations = Organisation.objects.filter(pk__in=[o.pk for o in ready]).order_by("name")
        return super().get_form_kwargs() | {"organisations": organisations}

    def get_context_data(self, **kwargs):
        return super().get_context_data(blocked=self.organisations[1], **kwargs)

    def perform(self, form):
        result = actions.submit_claim(by=self.request.user, person=self.person, **form.cleaned_data)
        messages.success(
            self.request,
            _("Your claim has been sent to %(organisation)s.")
            % {"organisation": result.organisation.name},
        )
        return result

    def get_success_url(self, result=None):
        return reverse("recognition:claim", args=[result.pk])


class ClaimMixin:
    @cached_property
    def claim(self):
        return get_object_or_404(
            Claim.objects.select_related("person", "organisation"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.claim


class ClaimDetail(ClaimMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "recognition.view_claim"
    template_name = "recognition/claim.html"

    def get_context_data(self, **kwargs):
        contributions = list(self.claim.contributions.select_related("project", "rate"))
        expected = selectors.expected_amounts(self.claim, contributions)
        return super().get_context_data(
            claim=self.claim,
            contributions=contributions,
            expenses=list(self.claim.expenses.all()),
            expected=expected,
            # Only when every piece of time has a rate: a partial sum would understate it.
            expected_total=self.claim.expenses_amount + sum(a for _r, a in expected.values())
            if expected and len(expected) == len(contributions)
            else None,
            **kwargs,
        )


class ClaimResubmit(ClaimMixin, ObjectPermissionMixin, View):
    permission_required = "recognition.resubmit_claim"

    def post(self, request, *args, **kwargs):
        try:
            actions.resubmit_claim(by=request.user, claim=self.claim)
            messages.success(request, _("Your claim has been sent again."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("recognition:claim", pk=self.claim.pk)


class ClaimDecide(ClaimMixin, FormPage):
    permission_required = "recognition.decide_claim"
    template_name = "recognition/decide.html"
    form_class = DecideForm

    @property
    def heading(self):
        return _("Decide on this claim")

    @property
    def submit_text(self):
        return _("Save decision")

    def get_context_data(self, **kwargs):
        return super().get_context_data(claim=self.claim, **kwargs)

    def perform(self, form):
        data, by, claim = form.cleaned_data, self.request.user, self.claim
        if data["decision"] == "approve":
            result = actions.approve_claim(by=by, claim=claim, on=data["on"])
            messages.success(self.request, _("Claim approved."))
        elif data["decision"] == "query":
            result = actions.query_claim(by=by, claim=claim, note=data["note"], on=data["on"])
            messages.success(self.request, _("Claim queried."))
        else:
            result = actions.mark_paid(by=by, claim=claim, on=data["on"])
            messages.success(self.request, _("Claim marked as paid."))
        return result

    def get_success_url(self, result=None):
        return reverse("recognition:queue", args=[self.claim.organisation.slug])


class Receipt(ObjectPermissionMixin, View):
    permission_required = "recognition.view_receipt"

    @cached_property
    def expense(self):
        return get_object_or_404(
            Expense.objects.select_related("organisation").exclude(receipt=""),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.expense

    def get(self, request, *args, **kwargs):
        expense = self.expense
        return FileResponse(
            expense.receipt.open("rb"),
            as_attachment=True,
            filename=expense.receipt.name.rsplit("/", 1)[-1],
            content_type=expense.receipt_type,
        )


class OrganisationMixin:
    permission_required = "recognition.run_finance"

    @cached_property
    def organisation(self):
        return get_object_or_404(Organisation, slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.organisation


class Queue(OrganisationMixin, ObjectPermissionMixin, TemplateView):
    template_name = "recognition/queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = QueueFilterForm(self.request.GET or None)
        status = filters.cleaned_data["status"] if filters.is_valid() else ""
        page = Paginator(selectors.finance_queue(self.organisation, status), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.update(
            organisation=self.organisation,
            filters=filters,
            status=status,
            page=page,
            claims=selectors.queue_page(page),
            counts=selectors.waiting_counts(self.organisation),
            timeliness=selectors.timeliness(self.organisation),
        )
        return context


def _export_header():
    return [
        _("Claim"),
        _("Name"),
        _("Payment route"),
        _("Choice"),
        _("Approved"),
        _("Paid"),
        _("Time"),
        _("Expenses"),
        _("Total"),
    ]


def _export_row(claim):
    return [
        claim.pk,
        claim.person.full_name,
        claim.get_route_display(),
        claim.get_choice_display(),
        claim.approved_on.isoformat() if claim.approved_on else "",
        claim.paid_on.isoformat() if claim.paid_on else "",
        # Decimals, so the spreadsheet sums them (text such as "-5.00" would be neutralised).
        claim.time_amount,
        claim.expenses_amount,
        claim.total,
    ]


class ExportCsv(OrganisationMixin, ObjectPermissionMixin, View):
    """Streamed, one query: approved and paid claims, never anyone who declined payment."""

    def get(self, request, *args, **kwargs):
        writer = CsvWriter()
        header = writer.writerow(_export_header())
        organisation = self.organisation

        def stream():
            yield header
            for claim in selectors.export_rows(organisation):
                yield writer.writerow(_export_row(claim))

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="claims-{self.organisation.slug}.csv"'
        )
        return response


class ExportXlsx(OrganisationMixin, ObjectPermissionMixin, View):
    def get(self, request, *args, **kwargs):
        return xlsx_response(
            filename=f"claims-{self.organisation.slug}.xlsx",
            sheet_title=_("Claims"),
            header=_export_header(),
            rows=(_export_row(claim) for claim in selectors.export_rows(self.organisation)),
        )


class Rates(OrganisationMixin, FormPage):
    permission_required = "recognition.edit_rates"
    template_name = "recognition/rates.html"
    form_class = RateForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisation=self.organisation,
            rates=Rate.objects.filter(organisation=self.organisation).order_by(
                "activity_type", "-valid_from", "-id"
            ),
            **kwargs,
        )

    def perform(self, form):
        result = actions.set_rate(
            by=self.request.user, organisation=self.organisation, **form.cleaned_data
        )
        messages.success(self.request, _("The new rate has been saved."))
        return result

    def get_success_url(self, result=None):
        return reverse("recognition:rates", args=[self.organisation.slug])


class Totals(OrganisationMixin, ObjectPermissionMixin, TemplateView):
    permission_required = "recognition.view_totals"
    template_name = "recognition/totals.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            organisation=self.organisation,
            timeliness=selectors.timeliness(self.organisation),
            perspective_names=dict(PerspectiveCode.choices),
            **selectors.totals(self.organisation),
        )
        return context


class Credits(OwnMixin, FormPage):
    template_name = "recognition/credits.html"
    form_class = GiftForm

    @property
    def heading(self):
        return _("Time credits")

    @property
    def submit_text(self):
        return _("Give credits")

    def get_form_kwargs(self):
        people = (
            Person.objects.filter(
                memberships__project__memberships__person=self.person,
                memberships__left_on__isnull=True,
                erased_at__isnull=True,
            )
            .exclude(pk=self.person.pk)
            .distinct()
            .order_by("full_name", "id")
        )
        return super().get_form_kwargs() | {"people": people}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            balance=selectors.statement(self.person)["balance_minutes"], **kwargs
        )

    def perform(self, form):
        data = form.cleaned_data
        result = actions.give_credits(
            by=self.request.user,
            from_person=self.person,
            to_person=data["to_person"],
            to_organisation=data["to_organisation"],
            minutes=data["minutes"],
            reason=data["reason"],
        )
        messages.success(self.request, _("The credits have been given."))
        return result

    def get_success_url(self, result=None):
        return reverse("recognition:credits")
