"""Writes about moving studies in and out: imports (the work is in importer.py), exports
recorded in the audit trail, and the background jobs that run them (their lifecycle is in
../jobs.py)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.core import archives, audit, limits

from ..actions.coding import _person_of
from ..models import (
    Job,
    JobStatus,
)
from .importer import import_qdc, import_qdpx

__all__ = [
    "import_qdpx",
    "import_qdc",
    "record_export",
    "start_job",
    "retry_job",
    "JOB_KINDS",
    "IMPORTS",
]

JOB_KINDS = ("import_qdpx", "import_qdc", "export_qdpx", "export_xlsx")
IMPORTS = ("import_qdpx", "import_qdc")


@transaction.atomic
def record_export(*, by, study, format, counts=None) -> None:
    """Research data leaving the system is recorded (who, what, how much)."""
    audit.record(
        by=by, action="study.export", obj=study, changes={"format": format, **(counts or {})}
    )


def _check_upload(upload, name) -> str:
    """The job kind of an uploaded file, or a ValidationError on the form's file field. A zip
    is opened here, before it is stored, so one that declares more than the limits (a zip bomb)
    is refused on the form rather than by the worker; the worker counts again as it unpacks."""
    lowered = name.lower()
    if not lowered.endswith((".qdpx", ".qdc")):
        raise ValidationError(
            {"file": _("Choose a REFI-QDA project (.qdpx) or codebook (.qdc) file.")}
        )
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    try:
        limits.check_upload_size(name, size)
        if lowered.endswith(".qdpx"):
            upload.seek(0)
            archives.Archive(upload, name=name).close()
            upload.seek(0)
    except archives.BadArchive:
        raise ValidationError(
            {"file": _("This is not a REFI-QDA project file (.qdpx): it is not a zip archive.")}
        ) from None
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    return "import_qdc" if lowered.endswith(".qdc") else "import_qdpx"


@transaction.atomic
def start_job(*, by, study, kind="", upload=None) -> Job:
    """Queue an import (give `upload`) or an export (`kind` export_qdpx / export_xlsx); the task
    worker runs it after this transaction commits."""
    from .tasks import run_job

    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    if upload is not None:
        kind = _check_upload(upload, name)
    if kind not in JOB_KINDS:
        raise ValueError(kind)
    job = Job(study=study, kind=kind, requested_by=_person_of(by), input_name=name[:255])
    if upload is not None:
        job.input_file.save(f"{uuid.uuid4().hex}-{kind}", upload, save=False)
    job.save()
    audit.record(
        by=by,
        action="job.start",
        obj=job,
        changes={"kind": kind, "study": study.pk, "file": getattr(upload, "name", None)},
    )
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


@transaction.atomic
def retry_job(*, by, job) -> Job:
    """Queue a failed job again: an import with the upload it kept, an export afresh."""
    from .tasks import run_job

    job = Job.objects.select_for_update().get(pk=job.pk)
    if not job.can_retry:
        raise ValidationError(
            _("This job cannot be tried again; start it again from the import and export page.")
        )
    previous_error = job.error
    job.status, job.error, job.report = JobStatus.QUEUED, "", {}
    job.done = job.total = 0
    job.heartbeat_at = job.finished_at = None
    job.save()
    audit.record(
        by=by,
        action="job.retry",
        obj=job,
        changes={"kind": job.kind, "error": [previous_error, ""]},
    )
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job
