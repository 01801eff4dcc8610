"""Permission-sweep rows of the import and export area (QDPX, QDC, codings tables, jobs)."""

from django.urls import reverse

from coproduce.insight import actions
from coproduce.insight.exchange.tasks import run_job

from .sweep import MANAGE, VIEW


def entries(world, objects) -> dict:
    study = objects["study"]
    slug = study.slug
    # A finished export asked for by the coder: the coder and the lead researchers may see it.
    job = actions.start_job(by=world["member"].user, study=study, kind="export_qdpx")
    run_job.call(job.pk)
    return {
        "insight:exchange": (reverse("insight:exchange", args=[slug]), VIEW, 200),
        "insight:import_qdpx": (reverse("insight:import_qdpx", args=[slug]), MANAGE, 200),
        "insight:export_qdpx": (reverse("insight:export_qdpx", args=[slug]), VIEW, 200),
        "insight:export_qdc": (reverse("insight:export_qdc", args=[slug]), VIEW, 200),
        "insight:codings_csv": (reverse("insight:codings_csv", args=[slug]), VIEW, 200),
        "insight:codings_xlsx": (reverse("insight:codings_xlsx", args=[slug]), VIEW, 200),
        "insight:job": (reverse("insight:job", args=[slug, job.pk]), VIEW, 200),
        "insight:job_download": (reverse("insight:job_download", args=[slug, job.pk]), VIEW, 200),
        "insight:job_retry": (reverse("insight:job_retry", args=[slug, job.pk]), VIEW, 405),
    }


def writes() -> list[str]:
    return [
        "insight:import_qdpx",
        "insight:export_qdpx",
        "insight:codings_xlsx",
        "insight:job_retry",
    ]
