"""Code suggestions (issue 5): run the suggestion engine in the background, review its
suggestions one by one or in bulk, and measure how trustworthy suggestions are for the study's
codebook. Training never runs in a request: both run as Jobs (coproduce.insight.assist_tasks)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import Substr
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from coproduce.core.mixins import ActionFormView

from .. import actions
from ..assist import evaluate, suggest
from ..assist_tasks import KINDS
from ..forms.assist import BACKEND_LABELS, UNIT_CHOICES, BulkForm, EvaluateForm, SuggestForm
from ..models import (
    Code,
    Coding,
    Job,
    JobStatus,
    Polarity,
    Source,
    Suggestion,
    SuggestionRun,
    SuggestionStatus,
)
from .studies import NavMixin, safe_url

PAGE_SIZE = 25
# Long units (a whole turn or paragraph) are cut short in the list; the source has the rest.
PASSAGE_LIMIT = 400
# Macro-F1 bands for the plain-language verdict: (at least, sentence).
TRUST_BANDS = [
    (
        0.7,
        gettext_lazy(
            "Good: most suggestions for these codes are right. Still read each one before "
            "accepting it."
        ),
    ),
    (
        0.5,
        gettext_lazy(
            "Fair: suggestions are a useful starting point, but about one in three or more will "
            "be wrong or missed. Check every one."
        ),
    ),
    (
        0.3,
        gettext_lazy(
            "Weak: many suggestions will be wrong and many passages missed. Use them only as "
            "hints, and code more sources by hand to improve them."
        ),
    ),
    (
        0.0,
        gettext_lazy(
            "Poor: suggestions are mostly wrong for this codebook. Do not rely on them; code "
            "more sources by hand first."
        ),
    ),
]
BULK_PREFIXES = ("accept", "reject")


def trust_sentence(macro_f1) -> str:
    if macro_f1 is None:
        return _("No code has enough examples yet to measure how good suggestions are.")
    for bound, sentence in TRUST_BANDS:
        if macro_f1 >= bound:
            return str(sentence)
    return str(TRUST_BANDS[-1][1])


def _job_info(study, kind) -> dict:
    """The latest job of a kind: running (the page polls), failed (the page says why) or done."""
    job = Job.objects.filter(study=study, kind=kind).order_by("-created_at", "-pk").first()
    if job is None:
        return {"job": None, "running": False}
    return {
        "job": job,
        "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
    }


def _code_names(study, ids) -> list[str]:
    ids = [int(i) for i in ids]
    return list(
        Code.objects.filter(study=study, pk__in=ids)
        .order_by("order", "pk")
        .values_list("name", flat=True)
    )


def _too_few(study, run) -> list[str]:
    """Codes with fewer coded units than a suggestion needs: the latest run's record, or else
    counted now from the human codings (sentences, the default unit)."""
    if run is not None and "too_few_examples" in (run.settings or {}):
        return _code_names(study, run.settings["too_few_examples"])
    counts = suggest.examples_per_code(study, "sentence")
    return _code_names(study, [pk for pk, n in counts.items() if n < evaluate.MIN_EXAMPLES])


def _settings_rows(settings: dict) -> list[tuple[str, str]]:
    """The run's settings that are single values (lists of thresholds and ids are left out)."""
    return [
        (key, str(value))
        for key, value in (settings or {}).items()
        if isinstance(value, (str, int, float, bool)) or value is None
    ]


def _page_number(value) -> int:
    value = str(value or "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


class SuggestionsMixin(NavMixin):
    permission_required = "insight.code_study"
    template_name = "insight/assist/suggestions.html"

    def suggestions_context(self) -> dict:
        study = self.study
        run = (
            SuggestionRun.objects.filter(study=study)
            .select_related("created_by")
            .order_by("-created_at", "-pk")
            .first()
        )
        pending = (
            Suggestion.objects.filter(run__study=study, status=SuggestionStatus.PENDING)
            .annotate(
                # Only the passage, never the whole transcript, is read for each row.
                passage=Substr(
                    "coding__source__text",
                    F("coding__start") + 1,
                    F("coding__end") - F("coding__start"),
                )
            )
            .values(
                "pk",
                "confidence",
                "passage",
                "coding__polarity",
                "coding__code__name",
                "coding__source_id",
                "coding__source__name",
            )
            .order_by("-confidence", "pk")
        )
        page = Paginator(pending, PAGE_SIZE).get_page(_page_number(self.request.GET.get("page")))
        rows = []
        for row in page.object_list:
            text = row["passage"] or ""
            rows.append(
                {
                    "pk": row["pk"],
                    "percent": round(100 * row["confidence"]),
                    "passage": text if len(text) <= PASSAGE_LIMIT else text[:PASSAGE_LIMIT] + "…",
                    "polarity": Polarity(row["coding__polarity"]).label
                    if row["coding__polarity"] in Polarity.values
                    else row["coding__polarity"],
                    "code": row["coding__code__name"],
                    "source": row["coding__source__name"],
                    "source_url": safe_url("insight:source", study.slug, row["coding__source_id"]),
                }
            )
        decided = dict(
            Suggestion.objects.filter(run__study=study)
            .exclude(status=SuggestionStatus.PENDING)
            .order_by()
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        codes = list(Code.objects.filter(study=study).order_by("order", "pk").only("name"))
        return {
            "run": run,
            "run_settings": _settings_rows(run.settings) if run else [],
            "run_backend": BACKEND_LABELS.get(run.backend, run.backend) if run else "",
            "run_unit": dict(UNIT_CHOICES).get(run.unit, run.unit) if run else "",
            "page": page,
            "rows": rows,
            "first": (page.number - 1) * PAGE_SIZE + 1,
            "accepted": decided.get(SuggestionStatus.ACCEPTED, 0),
            "rejected": decided.get(SuggestionStatus.REJECTED, 0),
            "too_few": _too_few(study, run),
            "min_examples": evaluate.MIN_EXAMPLES,
            "has_codes": bool(codes),
            "bulk_codes": codes,
            **_job_info(study, "suggest"),
        }

    def get_context_data(self, **kwargs):
        codes = None
        for prefix in BULK_PREFIXES:
            key = f"{prefix}_form"
            if key not in kwargs:
                if codes is None:
                    codes = list(Code.objects.filter(study=self.study).order_by("order", "pk"))
                kwargs[key] = BulkForm(prefix=prefix, codes=codes)
        if "form" not in kwargs:
            kwargs["form"] = SuggestForm()
        return super().get_context_data(**self.suggestions_context(), **kwargs)


class SuggestionsPage(SuggestionsMixin, TemplateView):
    pass


class RunSuggestions(SuggestionsMixin, ActionFormView):
    """Queue a suggestion run; the page then shows its progress."""

    form_class = SuggestForm

    def perform(self, form):
        data = form.cleaned_data
        job = actions.start_assist_job(
            by=self.request.user,
            study=self.study,
            kind="suggest",
            unit=data["unit"],
            backend=data["backend"],
        )
        messages.success(
            self.request, _("Suggestions are being made. This page shows how far it has got.")
        )
        return job

    def get_success_url(self, result=None):
        return reverse("insight:suggestions", args=[self.study.slug])


class DecideSuggestion(NavMixin, View):
    """Accept or reject one suggestion (the buttons on each row)."""

    permission_required = "insight.code_study"

    def post(self, request, *args, **kwargs):
        suggestion = get_object_or_404(
            Suggestion.objects.select_related("coding"), pk=kwargs["pk"], run__study=self.study
        )
        decision = request.POST.get("decision")
        if decision == "accept":
            actions.accept_suggestion(by=request.user, suggestion=suggestion)
            messages.success(request, _("Suggestion accepted."))
        elif decision == "reject":
            actions.reject_suggestion(by=request.user, suggestion=suggestion)
            messages.success(request, _("Suggestion rejected."))
        else:
            messages.error(request, _("Choose accept or reject."))
        url = reverse("insight:suggestions", args=[self.study.slug])
        page = _page_number(request.POST.get("page"))
        return HttpResponseRedirect(
            f"{url}?page={page}#suggestions" if page > 1 else f"{url}#suggestions"
        )


class BulkDecide(SuggestionsMixin, TemplateView):
    """Accept every pending suggestion at or above a confidence, or reject every one below it,
    optionally for one code."""

    def post(self, request, *args, **kwargs):
        decision = request.POST.get("decision")
        if decision not in BULK_PREFIXES:
            messages.error(request, _("Choose accept or reject."))
            return HttpResponseRedirect(reverse("insight:suggestions", args=[self.study.slug]))
        codes = list(Code.objects.filter(study=self.study).order_by("order", "pk"))
        form = BulkForm(request.POST, prefix=decision, codes=codes)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(**{f"{decision}_form": form}))
        data = form.cleaned_data
        bound = data["percent"] / 100
        code = next((c for c in codes if c.pk == data["code"]), None)
        accept = decision == "accept"
        runs = SuggestionRun.objects.filter(
            study=self.study, suggestions__status=SuggestionStatus.PENDING
        ).distinct()
        try:
            with transaction.atomic():
                count = sum(
                    actions.decide_suggestions(
                        by=request.user,
                        run=run,
                        accept=accept,
                        at_least=bound if accept else None,
                        below=None if accept else bound,
                        code=code,
                    )
                    for run in runs
                )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("percent", message)
            return self.render_to_response(self.get_context_data(**{f"{decision}_form": form}))
        if accept:
            text = ngettext(
                "%(count)s suggestion accepted.", "%(count)s suggestions accepted.", count
            )
        else:
            text = ngettext(
                "%(count)s suggestion rejected.", "%(count)s suggestions rejected.", count
            )
        messages.success(request, text % {"count": count})
        return HttpResponseRedirect(reverse("insight:suggestions", args=[self.study.slug]))


class EvaluationMixin(NavMixin):
    permission_required = "insight.view_study"
    template_name = "insight/assist/evaluation.html"

    def evaluation_context(self) -> dict:
        study = self.study
        coded_sources = Source.objects.filter(
            study=study,
            pk__in=Coding.objects.filter(source__study=study, coder__is_suggestion=False).values(
                "source_id"
            ),
        ).count()
        done = (
            Job.objects.filter(study=study, kind="evaluate", status=JobStatus.DONE)
            .order_by("-created_at", "-pk")
            .first()
        )
        result = (done.report or {}).get("evaluation") if done else None
        context = {
            "coded_sources": coded_sources,
            "result": result,
            "result_job": done,
            "min_examples": evaluate.MIN_EXAMPLES,
            **_job_info(study, "evaluate"),
        }
        if result:
            context.update(
                trust=trust_sentence(result.get("macro_f1")),
                scored=[row for row in result["per_code"] if not row["too_few_examples"]],
                too_few=[row["code"] for row in result["per_code"] if row["too_few_examples"]],
                result_backend=BACKEND_LABELS.get(result.get("backend"), result.get("backend")),
                result_unit=dict(UNIT_CHOICES).get(result.get("unit"), result.get("unit")),
            )
        return context

    def get_context_data(self, **kwargs):
        if "form" not in kwargs:
            kwargs["form"] = EvaluateForm()
        return super().get_context_data(**self.evaluation_context(), **kwargs)


class EvaluationPage(EvaluationMixin, TemplateView):
    pass


class RunEvaluation(EvaluationMixin, ActionFormView):
    form_class = EvaluateForm

    def perform(self, form):
        data = form.cleaned_data
        job = actions.start_assist_job(
            by=self.request.user,
            study=self.study,
            kind="evaluate",
            unit=data["unit"],
            backend=data["backend"],
            folds=data["folds"],
        )
        messages.success(
            self.request, _("The measurement has started. This page shows how far it has got.")
        )
        return job

    def get_success_url(self, result=None):
        return reverse("insight:evaluation", args=[self.study.slug])


class AssistJob(NavMixin, View):
    """What the suggestions and evaluation pages poll while their job runs. When it has
    finished, htmx reloads the page so the new suggestions or scores appear; without
    JavaScript (or opened directly) it sends the person to that page. Anyone who may open that
    page may see how far its job has got, whoever started it: it shows no research data."""

    def get(self, request, *args, **kwargs):
        job = get_object_or_404(Job, pk=kwargs["pk"], study=self.study, kind__in=KINDS)
        if job.kind == "suggest" and not request.user.has_perm("insight.code_study", self.study):
            raise PermissionDenied
        page = "insight:suggestions" if job.kind == "suggest" else "insight:evaluation"
        page_url = reverse(page, args=[self.study.slug])
        if not request.htmx:
            return HttpResponseRedirect(page_url)
        finished = job.status in (JobStatus.DONE, JobStatus.FAILED)
        if finished:
            response = HttpResponse("")
            response["HX-Refresh"] = "true"
            return response
        html = render_to_string(
            "insight/assist/_job.html",
            {"job": job, "study": self.study, "page_url": page_url},
            request=request,
        )
        return HttpResponse(html)


urls = [
    path("insight/<slug:slug>/suggestions/", SuggestionsPage.as_view(), name="suggestions"),
    path("insight/<slug:slug>/suggestions/run/", RunSuggestions.as_view(), name="suggestions_run"),
    path("insight/<slug:slug>/suggestions/bulk/", BulkDecide.as_view(), name="suggestions_bulk"),
    path(
        "insight/<slug:slug>/suggestions/<int:pk>/decide/",
        DecideSuggestion.as_view(),
        name="suggestion_decide",
    ),
    path(
        "insight/<slug:slug>/suggestions/jobs/<int:pk>/", AssistJob.as_view(), name="suggestion_job"
    ),
    path("insight/<slug:slug>/evaluation/", EvaluationPage.as_view(), name="evaluation"),
    path("insight/<slug:slug>/evaluation/run/", RunEvaluation.as_view(), name="evaluation_run"),
]
