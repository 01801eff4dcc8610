"""Sources: the list, importing transcripts, saying who each speaker is, pseudonymising."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from coproduce.core.mixins import add_validation_error

from .. import actions
from ..forms.sources import PseudonymiseForm, SourceImportForm, SpeakersForm
from ..models import Participant, Source, SourceKind
from ..selectors import sources as selectors
from .studies import FormPage, NavMixin, safe_url

PAGE_SIZE = 25


class SourceList(NavMixin, TemplateView):
    template_name = "insight/sources/list.html"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.source_list(self.study), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        for source in page:
            source.read_url = safe_url("insight:source", self.study.slug, source.pk)
        return super().get_context_data(page=page, **kwargs)


class SourceImport(FormPage):
    permission_required = "insight.code_study"
    template_name = "insight/sources/import.html"
    form_class = SourceImportForm

    @property
    def heading(self):
        return _("Import transcripts")

    @property
    def submit_text(self):
        return _("Import")

    def form_valid(self, form):
        # The report is the answer to the upload, so it is shown at once rather than redirected.
        try:
            report = actions.import_sources(
                by=self.request.user,
                study=self.study,
                files=form.cleaned_data["parsed"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
            return self.form_invalid(form)
        for row in report:
            row["speakers_url"] = reverse(
                "insight:source_speakers", args=[self.study.slug, row["source"].pk]
            )
            row["read_url"] = safe_url("insight:source", self.study.slug, row["source"].pk)
        self.template_name = "insight/sources/imported.html"
        return self.render_to_response(self.get_context_data(form=form, report=report))


class SourceMixin:
    @cached_property
    def source(self):
        return get_object_or_404(
            Source.objects.defer("text"), pk=self.kwargs["pk"], study=self.study
        )


class SourceSpeakers(SourceMixin, FormPage):
    permission_required = "insight.code_study"
    template_name = "insight/sources/speakers.html"
    form_class = SpeakersForm

    @property
    def heading(self):
        return _("Who is speaking in %(source)s") % {"source": self.source}

    @cached_property
    def speakers(self):
        return selectors.speakers(self.source)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "speakers": self.speakers,
            "participants": list(Participant.objects.filter(study=self.study).only("identifier")),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            source=self.source,
            focus_group=self.source.kind == SourceKind.FOCUS_GROUP,
            read_url=safe_url("insight:source", self.study.slug, self.source.pk),
            **kwargs,
        )

    def perform(self, form):
        participants = {str(p.pk): p for p in Participant.objects.filter(study=self.study)}
        current = {row["speaker"]: str(row["participant"] or "") for row in self.speakers}
        changed = 0
        for label, chosen in form.choices_made():
            if current.get(label, "") == chosen:
                continue
            actions.link_turns(
                by=self.request.user,
                source=self.source,
                speaker=label,
                participant=participants.get(chosen),
            )
            changed += 1
        messages.success(
            self.request,
            ngettext(
                "%(count)s speaker has been updated.",
                "%(count)s speakers have been updated.",
                changed,
            )
            % {"count": changed},
        )
        return self.source

    def get_success_url(self, result=None):
        return reverse("insight:sources", args=[self.study.slug])


def _also_replaced(report: dict) -> list[str]:
    """The study's other texts the names were replaced in, those with any, for the message."""
    counts = [
        (
            report["memos"],
            ngettext("%(count)s memo", "%(count)s memos", report["memos"]),
        ),
        (
            report["matrix_cells"],
            ngettext(
                "%(count)s framework matrix summary",
                "%(count)s framework matrix summaries",
                report["matrix_cells"],
            ),
        ),
        (
            report["interventions"],
            ngettext(
                "%(count)s intervention function's notes",
                "%(count)s intervention functions' notes",
                report["interventions"],
            ),
        ),
        (
            report["themes"],
            ngettext(
                "%(count)s theme description",
                "%(count)s theme descriptions",
                report["themes"],
            ),
        ),
        (
            report["codes"],
            ngettext(
                "%(count)s code's definition or guidance",
                "%(count)s codes' definitions or guidance",
                report["codes"],
            ),
        ),
        (
            report["attributes"],
            ngettext(
                "%(count)s participant's attributes",
                "%(count)s participants' attributes",
                report["attributes"],
            ),
        ),
    ]
    return [text % {"count": count} for count, text in counts if count]


class Pseudonymise(FormPage):
    permission_required = "insight.manage_study"
    template_name = "insight/sources/pseudonymise.html"
    form_class = PseudonymiseForm

    @property
    def heading(self):
        return _("Pseudonymise the transcripts")

    @property
    def submit_text(self):
        return _("Replace the chosen names")

    @cached_property
    def candidates(self):
        return selectors.pseudonym_candidates(self.study)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"candidates": self.candidates}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_see_key=self.request.user.has_perm("insight.view_key", self.study), **kwargs
        )

    def perform(self, form):
        report = actions.apply_pseudonyms(
            by=self.request.user, study=self.study, replacements=form.cleaned_data["replacements"]
        )
        message = (
            _(
                "%(names)s names replaced %(replacements)s times in %(sources)s sources; "
                "%(turns)s turns and %(codings)s codings moved with the text."
            )
            % report
        )
        also = _also_replaced(report)
        if also:
            message += " " + _("Also replaced in: %(places)s.") % {"places": "; ".join(also)}
        messages.success(self.request, message)
        return report

    def get_success_url(self, result=None):
        return reverse("insight:pseudonymise", args=[self.study.slug])


class PseudonymKey(NavMixin, TemplateView):
    permission_required = "insight.view_key"
    template_name = "insight/sources/key.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(entries=list(selectors.pseudonym_key(self.study)), **kwargs)


urls = [
    path("insight/<slug:slug>/sources/", SourceList.as_view(), name="sources"),
    path("insight/<slug:slug>/sources/import/", SourceImport.as_view(), name="source_import"),
    path(
        "insight/<slug:slug>/sources/<int:pk>/speakers/",
        SourceSpeakers.as_view(),
        name="source_speakers",
    ),
    path("insight/<slug:slug>/pseudonymise/", Pseudonymise.as_view(), name="pseudonymise"),
    path("insight/<slug:slug>/pseudonymise/key/", PseudonymKey.as_view(), name="pseudonym_key"),
]
