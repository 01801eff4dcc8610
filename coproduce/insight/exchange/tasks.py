"""Background work for insight studies: QDPX/QDC imports and QDPX/Excel exports, run by the task
worker with their progress written to the Job row so the job page can show it."""

import logging
import tempfile
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.utils.translation import gettext as _

from .. import jobs
from ..models import Job
from . import importer, reader, writer

logger = logging.getLogger(__name__)
# Progress is written at most this often (seconds), so a fast job is not slowed by its own bar.
PROGRESS_EVERY = 0.5


def _user_of(job):
    person = job.requested_by
    return getattr(person, "user", None) if person is not None else None


class _Progress:
    def __init__(self, job):
        self.job = job
        self.last = 0.0

    def __call__(self, done, total):
        now = time.monotonic()
        if done >= total or now - self.last >= PROGRESS_EVERY:
            self.last = now
            jobs.job_progress(job=self.job, done=done, total=total)


def _run(job) -> None:
    user = _user_of(job)
    study = job.study
    progress = _Progress(job)
    jobs.job_progress(job=job, done=0, total=0)
    if job.kind in ("import_qdpx", "import_qdc"):
        with job.input_file.open("rb") as fp:
            name = job.input_name or None
            # Reading reports progress as it goes (its own commits, so the job page and the
            # reaper see it); writing happens afterwards, in one transaction.
            if job.kind == "import_qdpx":
                parsed = reader.read_qdpx(fp, progress=progress, name=name)
            else:
                parsed = reader.read_qdc(fp, name=name)
        # The import and the job's "done" commit together: a worker killed between them would
        # otherwise leave an imported study whose job the reaper calls failed and unchanged.
        with transaction.atomic():
            if job.kind == "import_qdpx":
                report = importer.import_qdpx(by=user, study=study, parsed=parsed)
            else:
                report = importer.import_qdc(by=user, study=study, parsed=parsed)
            jobs.finish_job(job=job, report=report)
        return
    include_special = user is not None and user.has_perm("insight.view_special", study)
    with tempfile.TemporaryFile() as out:
        if job.kind == "export_qdpx":
            counts = writer.export_qdpx(
                study, out, include_special=include_special, progress=progress
            )
            filename = f"{study.slug}.qdpx"
        else:
            counts = {"codings": writer.codings_xlsx(study, out)}
            filename = f"{study.slug}-codings.xlsx"
        out.seek(0)
        jobs.finish_job(job=job, report={"exported": counts}, output=out, filename=filename)


@task()
def run_job(job_id: int) -> str:
    """Run one import or export job. A bad file (or one beyond the limits) fails the job with
    the reason and its upload is deleted; anything else is logged and the job fails with a
    general message, keeping the upload so the person can try again. A worker that dies
    mid-job leaves it running: the next job the worker takes reaps it (jobs.reap_jobs)."""
    jobs.reap_jobs(by=None)
    job = Job.objects.select_related("study", "requested_by").get(pk=job_id)
    try:
        _run(job)
    except ValidationError as exc:
        jobs.fail_job(job=job, error=" ".join(exc.messages))
    except Exception:
        logger.exception("insight job %s failed", job_id)
        jobs.fail_job(
            job=job, error=_("Something went wrong while running this job."), keep_input=True
        )
    return job.status
