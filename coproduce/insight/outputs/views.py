"""A study's outputs: Table 1, barriers and facilitators (Table 3), the framework matrix,
attributed quotes, recommended interventions and agreement between coders. Every output page
downloads as CSV, XLSX or DOCX with ?format=csv|xlsx|docx and the same choices as the page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from coproduce.core.mixins import ActionFormView

from .. import actions, analysis, frameworks
from ..models import Participant, Theme
from ..views.base import StudyMixin
from ..views.studies import study_nav
from . import actions as output_actions
from . import selectors
from .forms import (
    AgreementForm,
    CandidateForm,
    MatrixCellForm,
    MatrixFilterForm,
    QuoteFilterForm,
    Table1Form,
    VariantForm,
)

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DISAGREEMENTS_PER_PAGE = 25


def study_crumbs(study) -> list:
    return [
        (reverse("insight:list"), _("Studies")),
        (reverse("insight:detail", args=[study.slug]), study.title),
    ]


class OutputMixin(StudyMixin):
    @cached_property
    def hidden(self) -> set:
        """Special-category attributes this person may not see (they drop out of quotes)."""
        if self.request.user.has_perm("insight.view_special", self.study):
            return set()
        return {a.name for a in self.study.attributes.filter(special_category=True)}

    @cached_property
    def visible_attributes(self):
        return selectors.attributes(self.study, include_special=not self.hidden)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            crumb_items=study_crumbs(self.study),
            study_nav=study_nav(self.request, self.study),
            **kwargs,
        )


class OutputPage(OutputMixin, TemplateView):
    """A page that shows one output and downloads it in three formats."""

    file_name = ""

    def output(self) -> dict | None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def tabular(self, output, file_format) -> tuple[list, list]:  # pragma: no cover
        raise NotImplementedError

    def bound(self, form_class, **kwargs):
        """A GET form bound only when the person has chosen something (not for ?format alone)."""
        data = self.request.GET
        fields = set(form_class.base_fields) | set(kwargs.pop("extra_fields", ()))
        chosen = any(name in data for name in fields)
        return form_class(data if chosen else None, **kwargs)

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("format", "")
        if file_format in FORMATS:
            output = self.output()
            if output is not None:
                return self.download(output, file_format)
        return super().get(request, *args, **kwargs)

    def download(self, output, file_format):
        header, rows = self.tabular(output, file_format)
        if file_format == "csv":
            content = analysis.write_csv(header, rows)
        elif file_format == "xlsx":
            content = analysis.write_xlsx(header, rows, sheet=output["title"])
        else:
            content = analysis.write_docx(
                header, rows, study=self.study, title=output["title"], summary=output["summary"]
            )
        response = HttpResponse(content, content_type=FORMATS[file_format])
        name = analysis.export_filename(self.study, self.file_name, file_format)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def get_context_data(self, **kwargs):
        query = {k: v for k, v in self.request.GET.lists() if k not in ("format", "page")}
        prefix = urlencode(query, doseq=True)
        return super().get_context_data(
            output=self.output(), export_query=prefix + "&" if prefix else "", **kwargs
        )


class Table1(OutputPage):
    template_name = "insight/outputs/table1.html"
    file_name = "table-1"

    @cached_property
    def form(self):
        form = self.bound(Table1Form, attributes=self.visible_attributes)
        if not form.is_bound:
            # By default, every characteristic that someone has a value for.
            people = selectors.participants(self.study)
            used = [
                a.name
                for a in self.visible_attributes
                if any(p.attributes.get(a.name) for p in people)
            ]
            form.initial = {
                "by": used or [a.name for a in self.visible_attributes],
                "rounding": analysis.LARGEST_REMAINDER,
            }
        return form

    @cached_property
    def _output(self):
        if self.form.is_bound:
            if not self.form.is_valid():
                return None
            data = self.form.cleaned_data
            by, split = data["by"], data["split"] or None
            rounding = data["rounding"]
        else:
            by, split, rounding = self.form.initial["by"], None, analysis.LARGEST_REMAINDER
        if not by:
            return None
        try:
            return analysis.table1(
                self.study, by=by, split=split, rounding=rounding, include_special=not self.hidden
            )
        except ValidationError as exc:
            for message in exc.messages:
                self.form.add_error(None, message)
            return None

    def output(self):
        return self._output

    def tabular(self, output, file_format):
        return analysis.table1_tabular(output, combined=file_format == "docx")

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)


class Barriers(OutputPage):
    template_name = "insight/outputs/barriers.html"
    file_name = "barriers-and-facilitators"

    @cached_property
    def _output(self):
        return analysis.barriers(self.study, hidden=self.hidden)

    def output(self):
        return self._output

    def tabular(self, output, file_format):
        return analysis.barriers_tabular(output)


class Matrix(OutputPage):
    template_name = "insight/outputs/matrix.html"
    file_name = "framework-matrix"

    @cached_property
    def form(self):
        return MatrixFilterForm(
            self.request.GET or None,
            attributes=self.visible_attributes,
            participants=selectors.participants(self.study),
        )

    @cached_property
    def _output(self):
        return analysis.matrix(self.study, filters=self.form.filters(), hidden=self.hidden)

    def output(self):
        return self._output

    def tabular(self, output, file_format):
        return analysis.matrix_tabular(output)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.form, **kwargs)


class MatrixCellEdit(OutputMixin, ActionFormView):
    permission_required = "insight.code_study"
    template_name = "insight/outputs/form.html"
    form_class = MatrixCellForm

    @cached_property
    def theme(self):
        return get_object_or_404(Theme, study=self.study, pk=self.kwargs["theme"])

    @cached_property
    def participant(self):
        return get_object_or_404(Participant, study=self.study, pk=self.kwargs["participant"])

    def get_initial(self):
        cell = selectors.matrix_cells(self.study).get((self.theme.pk, self.participant.pk))
        return {"summary": cell.summary if cell else ""}

    def get_context_data(self, **kwargs):
        matrix_url = reverse("insight:matrix", args=[self.study.slug])
        return super().get_context_data(
            heading=_("%(participant)s: %(theme)s")
            % {"participant": self.participant.identifier, "theme": self.theme.name},
            caption=_("Framework matrix"),
            submit_text=_("Save summary"),
            back_items=[(matrix_url, _("Framework matrix"))],
            **kwargs,
        )

    def perform(self, form):
        result = actions.set_matrix_cell(
            by=self.request.user,
            theme=self.theme,
            participant=self.participant,
            summary=form.cleaned_data["summary"],
        )
        messages.success(self.request, _("The summary has been saved."))
        return result

    def get_success_url(self, result=None):
        return reverse("insight:matrix", args=[self.study.slug])


class Quotes(OutputPage):
    template_name = "insight/outputs/quotes.html"
    file_name = "quotes"

    @cached_property
    def form(self):
        return self.bound(
            QuoteFilterForm,
            codes=selectors.codes(self.study),
            themes=selectors.themes(self.study),
            participants=selectors.participants(self.study),
        )

    @cached_property
    def _output(self):
        data = self.form.cleaned_data if self.form.is_bound and self.form.is_valid() else {}
        if self.form.is_bound and not self.form.is_valid():
            return None
        code = theme = participant = None
        if data.get("code"):
            code = self.study.codes.filter(pk=data["code"]).first()
        if data.get("theme"):
            theme = self.study.themes.filter(pk=data["theme"]).first()
        if data.get("participant"):
            participant = self.study.participants.filter(pk=data["participant"]).first()
        rows = analysis.quotes(
            self.study,
            code=code,
            theme=theme,
            polarity=data.get("polarity", ""),
            participant=participant,
            hidden=self.hidden,
        )
        return {
            "title": _("Quotes"),
            "quotes": rows,
            "summary": ngettext(
                "%(count)s quote, with who said it and the codes applied to it.",
                "%(count)s quotes, each with who said it and the codes applied to it.",
                len(rows),
            )
            % {"count": len(rows)},
        }

    def output(self):
        return self._output

    def tabular(self, output, file_format):
        return analysis.quotes_tabular(output["quotes"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)


class Interventions(OutputPage):
    template_name = "insight/outputs/interventions.html"
    file_name = "interventions"

    @cached_property
    def form(self):
        form = self.bound(VariantForm)
        if not form.is_bound:
            form.initial = {"variant": self.study.bcw_variant}
        return form

    @cached_property
    def variant(self):
        if self.form.is_bound and self.form.is_valid() and self.form.cleaned_data["variant"]:
            return self.form.cleaned_data["variant"]
        return self.study.bcw_variant

    @cached_property
    def _output(self):
        return analysis.recommendations(self.study, variant=self.variant)

    def output(self):
        return self._output

    def tabular(self, output, file_format):
        return analysis.interventions_tabular(output)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            form=self.form,
            variant=self.variant,
            can_send=self.study.project_id is not None
            and self.request.user.has_perm("reports.add_input", self.study.project),
            **kwargs,
        )


class CandidateEdit(OutputMixin, ActionFormView):
    permission_required = "insight.manage_study"
    template_name = "insight/outputs/form.html"
    form_class = CandidateForm

    @cached_property
    def theme(self):
        return get_object_or_404(Theme, study=self.study, pk=self.kwargs["theme"])

    @cached_property
    def function(self):
        for item in frameworks.bcw()["functions"]:
            if item["key"] == self.kwargs["function"]:
                return item
        raise Http404

    def get_initial(self):
        saved = selectors.candidates(self.study).get((self.theme.pk, self.function["key"]))
        if saved is None:
            return {}
        return {
            "note": saved.note,
            "selected": saved.selected,
            **{f"apease_{k}": v for k, v in saved.apease.items()},
        }

    def get_context_data(self, **kwargs):
        back = reverse("insight:interventions", args=[self.study.slug])
        return super().get_context_data(
            heading=_("%(function)s for “%(theme)s”")
            % {"function": frameworks.localised(self.function), "theme": self.theme.name},
            caption=_("Recommended interventions"),
            intro=frameworks.localised(self.function, "definition"),
            submit_text=_("Save judgement"),
            back_items=[(back, _("Recommended interventions"))],
            **kwargs,
        )

    def perform(self, form):
        result = actions.set_candidate(
            by=self.request.user,
            theme=self.theme,
            function=self.function["key"],
            apease=form.apease(),
            note=form.cleaned_data["note"],
            selected=form.cleaned_data["selected"],
        )
        messages.success(self.request, _("The judgement has been saved."))
        return result

    def get_success_url(self, result=None):
        return reverse("insight:interventions", args=[self.study.slug])


class SendToProject(StudyMixin, View):
    """POST: the interventions marked "take forward" become inputs in the project's
    "you said, we did" log."""

    permission_required = "insight.manage_study"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        back = HttpResponseRedirect(reverse("insight:interventions", args=[self.study.slug]))
        project = self.study.project
        if project is not None and not request.user.has_perm("reports.add_input", project):
            messages.error(request, _("You cannot add to this project's “you said, we did” log."))
            return back
        try:
            made = output_actions.send_to_project(by=request.user, study=self.study)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return back
        if made:
            messages.success(
                request,
                ngettext(
                    "%(count)s intervention was added to the project's “you said, we did” log.",
                    "%(count)s interventions were added to the project's “you said, we did” log.",
                    len(made),
                )
                % {"count": len(made)},
            )
        else:
            messages.success(request, _("Every chosen intervention was already in the log."))
        return back


class Agreement(OutputPage):
    template_name = "insight/outputs/agreement.html"
    file_name = "agreement"

    @cached_property
    def all_coders(self):
        return selectors.coders(self.study, include_suggestions=True)

    @cached_property
    def form(self):
        return self.bound(AgreementForm, coders=self.all_coders)

    @cached_property
    def _output(self):
        unit, coders, suggestions = "turn", None, False
        if self.form.is_bound:
            if not self.form.is_valid():
                return None
            data = self.form.cleaned_data
            unit, suggestions = data["unit"], data["suggestions"]
            if data["coders"]:
                coders = [c for c in self.all_coders if c.pk in data["coders"]]
        return analysis.agreement(
            self.study, unit=unit, coders=coders, include_suggestions=suggestions
        )

    def output(self):
        return self._output

    def tabular(self, output, file_format):
        return analysis.agreement_tabular(output)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, **kwargs)
        output = context["output"]
        if output is not None:
            context["page"] = Paginator(output["disagreements"], DISAGREEMENTS_PER_PAGE).get_page(
                self.request.GET.get("page")
            )
        return context


urls = [
    path("insight/<slug:slug>/table-1/", Table1.as_view(), name="table1"),
    path("insight/<slug:slug>/barriers/", Barriers.as_view(), name="barriers"),
    path("insight/<slug:slug>/matrix/", Matrix.as_view(), name="matrix"),
    path(
        "insight/<slug:slug>/matrix/<int:theme>/<int:participant>/",
        MatrixCellEdit.as_view(),
        name="matrix_cell",
    ),
    path("insight/<slug:slug>/quotes/", Quotes.as_view(), name="quotes"),
    path("insight/<slug:slug>/interventions/", Interventions.as_view(), name="interventions"),
    path(
        "insight/<slug:slug>/interventions/send/", SendToProject.as_view(), name="send_to_project"
    ),
    path(
        "insight/<slug:slug>/interventions/<int:theme>/<slug:function>/",
        CandidateEdit.as_view(),
        name="candidate",
    ),
    path("insight/<slug:slug>/agreement/", Agreement.as_view(), name="agreement"),
]
