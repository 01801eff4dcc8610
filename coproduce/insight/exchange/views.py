"""Import and export of a study: REFI-QDA project (.qdpx) and codebook (.qdc) files, codings as
CSV and Excel, and the background jobs that run large imports and exports with visible progress."""

import io
import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from coproduce.core.mixins import ActionFormView
from coproduce.people.roles import roles_for

from .. import actions
from ..models import Job, JobStatus
from ..views.studies import NavMixin
from . import writer
from .forms import ImportForm
from .selectors import study_counts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JOB_KINDS = {
    "import_qdpx": gettext_lazy("Import of a REFI-QDA project"),
    "import_qdc": gettext_lazy("Import of a REFI-QDA codebook"),
    "export_qdpx": gettext_lazy("REFI-QDA project file"),
    "export_xlsx": gettext_lazy("Codings as an Excel workbook"),
}
COUNT_LABELS = {
    "users": gettext_lazy("Coders"),
    "codes": gettext_lazy("Codes"),
    "variables": gettext_lazy("Attributes"),
    "participants": gettext_lazy("Participants"),
    "cases": gettext_lazy("Participants"),
    "sources": gettext_lazy("Sources"),
    "turns": gettext_lazy("Speaker turns"),
    "selections": gettext_lazy("Coded passages"),
    "codings": gettext_lazy("Codings"),
    "memos": gettext_lazy("Memos"),
    "notes": gettext_lazy("Memos"),
    "themes": gettext_lazy("Themes"),
    "sets": gettext_lazy("Themes"),
}


def _include_special(request, study) -> bool:
    return request.user.has_perm("insight.view_special", study)


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _visible_jobs(request, study):
    # Jobs whose worker died are marked failed before they are listed, so none shows as
    # running for ever (the worker also does this when it takes its next job).
    actions.reap_jobs(by=None)
    jobs = Job.objects.filter(study=study)
    if not request.user.has_perm("insight.manage_study", study):
        jobs = jobs.filter(requested_by_id=roles_for(request.user).person_id)
    return jobs.select_related("requested_by")[:10]


class ExchangePage(NavMixin, TemplateView):
    template_name = "insight/exchange/page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["can_manage"] and "form" not in context:
            context["form"] = ImportForm()
        context.update(
            counts=study_counts(self.study),
            jobs=_visible_jobs(self.request, self.study),
            job_kinds=JOB_KINDS,
            statuses=dict(JobStatus.choices),
        )
        return context


class ImportQdpx(NavMixin, ActionFormView):
    """Upload a .qdpx or .qdc: the import runs as a job; its page shows progress and the report."""

    permission_required = "insight.manage_study"
    template_name = "insight/exchange/page.html"
    form_class = ImportForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            counts=study_counts(self.study),
            jobs=_visible_jobs(self.request, self.study),
            job_kinds=JOB_KINDS,
            statuses=dict(JobStatus.choices),
            **kwargs,
        )

    def perform(self, form):
        return actions.start_job(
            by=self.request.user, study=self.study, upload=form.cleaned_data["file"]
        )

    def get_success_url(self, result=None):
        return reverse("insight:job", args=[self.study.slug, result.pk])


class _BackgroundExport(NavMixin, View):
    """GET downloads at once; POST prepares the file in the background (for large studies)."""

    kind = ""

    def post(self, request, *args, **kwargs):
        job = actions.start_job(by=request.user, study=self.study, kind=self.kind)
        messages.success(request, _("The file is being prepared."))
        return HttpResponseRedirect(reverse("insight:job", args=[self.study.slug, job.pk]))


class ExportQdpx(_BackgroundExport):
    kind = "export_qdpx"

    def get(self, request, *args, **kwargs):
        out = tempfile.TemporaryFile()
        counts = writer.export_qdpx(
            self.study, out, include_special=_include_special(request, self.study)
        )
        actions.record_export(by=request.user, study=self.study, format="qdpx", counts=counts)
        out.seek(0)
        return FileResponse(
            out,
            as_attachment=True,
            filename=f"{self.study.slug}.qdpx",
            content_type="application/zip",
        )


class ExportQdc(NavMixin, View):
    def get(self, request, *args, **kwargs):
        buffer = io.BytesIO()
        try:
            counts = writer.export_qdc(self.study, buffer)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("insight:exchange", args=[self.study.slug]))
        actions.record_export(by=request.user, study=self.study, format="qdc", counts=counts)
        response = HttpResponse(buffer.getvalue(), content_type="application/xml; charset=utf-8")
        return _attachment(response, f"{self.study.slug}-codebook.qdc")


class CodingsCsv(NavMixin, View):
    """Streamed, so a study with tens of thousands of codings starts downloading at once."""

    def get(self, request, *args, **kwargs):
        actions.record_export(by=request.user, study=self.study, format="codings_csv")
        response = StreamingHttpResponse(
            writer.codings_csv(self.study), content_type="text/csv; charset=utf-8"
        )
        return _attachment(response, f"{self.study.slug}-codings.csv")


class CodingsXlsx(_BackgroundExport):
    kind = "export_xlsx"

    def get(self, request, *args, **kwargs):
        out = tempfile.TemporaryFile()
        count = writer.codings_xlsx(self.study, out)
        actions.record_export(
            by=request.user, study=self.study, format="codings_xlsx", counts={"codings": count}
        )
        out.seek(0)
        return FileResponse(
            out,
            as_attachment=True,
            filename=f"{self.study.slug}-codings.xlsx",
            content_type=XLSX,
        )


class JobMixin(NavMixin):
    """A job is seen by whoever asked for it and by the study's lead researchers."""

    @cached_property
    def job(self):
        return get_object_or_404(
            Job.objects.select_related("requested_by"), pk=self.kwargs["pk"], study=self.study
        )

    def has_permission(self):
        if not super().has_permission():
            return False
        user = self.request.user
        if user.has_perm("insight.manage_study", self.study):
            return True
        person_id = roles_for(user).person_id
        if person_id is None or self.job.requested_by_id != person_id:
            raise PermissionDenied
        return True


def _report_rows(report: dict) -> dict:
    """The report with readable labels, for the template."""
    rows = {}
    for section in ("imported", "matched", "exported"):
        rows[section] = [
            (str(COUNT_LABELS.get(k, k)), v) for k, v in (report.get(section) or {}).items()
        ]
    rows["skipped"] = report.get("skipped") or []
    rows["dropped"] = report.get("dropped") or {}
    rows["special_category"] = report.get("special_category") or []
    return rows


def _may_retry(user, study, job) -> bool:
    # Whoever may see the job may run an export again; an import needs the right to import.
    if job.kind in actions.IMPORTS:
        return user.has_perm("insight.manage_study", study)
    return True


class JobPage(JobMixin, TemplateView):
    template_name = "insight/exchange/job.html"

    def get_context_data(self, **kwargs):
        if self.job.status == JobStatus.RUNNING and actions.reap_jobs(by=None):
            self.job.refresh_from_db()
        job = self.job
        return super().get_context_data(
            job=job,
            kind_label=JOB_KINDS.get(job.kind, job.kind),
            finished=job.status in (JobStatus.DONE, JobStatus.FAILED),
            report=_report_rows(job.report or {}),
            can_retry=job.can_retry and _may_retry(self.request.user, self.study, job),
            **kwargs,
        )

    def get_template_names(self):
        if self.request.htmx:
            return ["insight/exchange/_job_status.html"]
        return [self.template_name]

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.request.htmx and context["finished"]:
            # htmx stops polling on 286 (and still shows this last state).
            response.status_code = 286
        return response


class JobRetry(JobMixin, View):
    """POST only: run a failed job again (the "Try again" button of the job page)."""

    def post(self, request, *args, **kwargs):
        job = self.job
        if not _may_retry(request.user, self.study, job):
            raise PermissionDenied
        try:
            actions.retry_job(by=request.user, job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("insight:job", args=[self.study.slug, job.pk]))


class JobDownload(JobMixin, View):
    def get(self, request, *args, **kwargs):
        job = self.job
        if not job.output_file:
            raise Http404
        name = job.output_file.name.rsplit("/", 1)[-1].split("-", 1)[-1]
        content_type = XLSX if name.endswith(".xlsx") else "application/zip"
        return FileResponse(
            job.output_file.open("rb"), as_attachment=True, filename=name, content_type=content_type
        )


urls = [
    path("insight/<slug:slug>/exchange/", ExchangePage.as_view(), name="exchange"),
    path("insight/<slug:slug>/exchange/import/", ImportQdpx.as_view(), name="import_qdpx"),
    path("insight/<slug:slug>/exchange/project.qdpx", ExportQdpx.as_view(), name="export_qdpx"),
    path("insight/<slug:slug>/exchange/codebook.qdc", ExportQdc.as_view(), name="export_qdc"),
    path("insight/<slug:slug>/exchange/codings.csv", CodingsCsv.as_view(), name="codings_csv"),
    path("insight/<slug:slug>/exchange/codings.xlsx", CodingsXlsx.as_view(), name="codings_xlsx"),
    path("insight/<slug:slug>/jobs/<int:pk>/", JobPage.as_view(), name="job"),
    path("insight/<slug:slug>/jobs/<int:pk>/download/", JobDownload.as_view(), name="job_download"),
    path("insight/<slug:slug>/jobs/<int:pk>/retry/", JobRetry.as_view(), name="job_retry"),
]
