"""The lifecycle of a background job (a Job row): its progress, its end (done or failed), and the
reaping of jobs whose worker died. Every kind of job shares this: imports and exports
(exchange/) and suggestions (assist/) start their own jobs and report here."""

import datetime
import uuid

from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core import audit, limits

from .models import Job, JobStatus

__all__ = ["fail_job", "finish_job", "job_progress", "reap_jobs"]


def job_progress(*, job, done, total) -> None:
    """How far a running job has got, which also says its worker is alive (heartbeat_at). Not
    audited: progress is not a change anyone makes, and it must be cheap (it is written outside
    the job's own transaction so the page can see it)."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, done=done, total=total, heartbeat_at=now
    )
    job.status, job.done, job.total, job.heartbeat_at = JobStatus.RUNNING, done, total, now


def _drop_input(job) -> None:
    """Forget a job's uploaded file (research data); the file itself is deleted once the
    caller's transaction commits, so a rollback keeps it. The caller saves the job."""
    old_input = job.input_file.name
    if old_input:
        job.input_file = ""
        storage = job.input_file.storage
        transaction.on_commit(lambda: storage.delete(old_input))


@transaction.atomic
def finish_job(*, job, report=None, output=None, filename="") -> Job:
    """Mark a job done with its report, keep its output file, and delete the uploaded input (it
    is research data and has been imported)."""
    job.status = JobStatus.DONE
    job.report = report or {}
    job.done = job.total = max(job.total, job.done, 1)
    job.finished_at = timezone.now()
    if output is not None:
        job.output_file.save(f"{uuid.uuid4().hex}-{filename}", File(output), save=False)
    _drop_input(job)
    job.save()
    audit.record(
        by=None,
        action="job.finish",
        obj=job,
        changes={"kind": job.kind, "status": [JobStatus.RUNNING, JobStatus.DONE]},
    )
    return job


@transaction.atomic
def fail_job(*, job, error, keep_input=False, by=None) -> Job:
    """Mark a job failed with the reason shown to the person. The upload is deleted unless
    `keep_input` (the file was not at fault, so trying again may work: see retry_job)."""
    job.status = JobStatus.FAILED
    job.error = str(error)[:2000]
    job.finished_at = timezone.now()
    if not keep_input:
        _drop_input(job)
    job.save()
    audit.record(
        by=by,
        action="job.fail",
        obj=job,
        changes={"kind": job.kind, "error": job.error},
    )
    return job


def reap_jobs(*, by=None, now=None) -> int:
    """Mark failed every running job whose worker has been silent for longer than the
    job_silence_seconds limit: the worker was killed (out of memory, restarted) and nothing
    else would ever finish the job. Its upload is kept so it can be tried again. Each job is
    failed in its own transaction (fail_job); returns how many were."""
    now = now or timezone.now()
    silent_since = now - datetime.timedelta(seconds=limits.get("job_silence_seconds"))
    stale = Job.objects.filter(status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=silent_since) | Q(heartbeat_at=None, created_at__lt=silent_since)
    )
    reaped = 0
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            # Again under a lock: another page may have reaped it, or its worker finished.
            job = Job.objects.select_for_update().filter(pk=pk, status=JobStatus.RUNNING).first()
            if job is None:
                continue
            fail_job(
                by=by,
                job=job,
                error=_(
                    "The worker stopped while running this job, so nothing was changed; "
                    "you can try again."
                ),
                keep_input=True,
            )
        reaped += 1
    return reaped
