"""Background work for code suggestions (issue 5): suggesting codes for a study's uncoded units
and measuring how trustworthy suggestions are, run by the task worker so a request never waits on
training. Progress and the outcome are written to a Job row (kinds "suggest" and "evaluate"),
which the suggestions and evaluation pages poll."""

import logging

from django.core.exceptions import ValidationError
from django.tasks import task
from django.utils.translation import gettext as _

from . import jobs
from .actions import assist as actions
from .assist import backends, evaluate, suggest
from .models import Code, Job

logger = logging.getLogger(__name__)

# Job kinds of this module; jobs are started by actions.start_assist_job.
KINDS = ("suggest", "evaluate")
# Steps shown on the progress bar: read the study, train (and predict), store the outcome.
STEPS = 3


def study_dataset(study, unit: str) -> evaluate.Dataset:
    """The study's human codings as an evaluation dataset: the units of every source with at
    least one human coding (the same units the suggestions learn from)."""
    data = suggest.training_data(study, unit)
    codes = [
        {
            "key": c.pk,
            "name": c.name,
            "definition": " ".join(p.strip() for p in (c.definition, c.inclusion) if p),
        }
        for c in data.codes
    ]
    dataset = evaluate.Dataset(codes=codes)
    dataset.texts = list(data.texts)
    dataset.groups = [str(g) for g in data.groups]
    dataset.labels = [frozenset(cols) for cols in data.rows]
    dataset.polarity = list(data.polarity)
    return dataset


def _suggest(job, user, asked) -> dict:
    study = job.study
    counts = suggest.examples_per_code(study, asked["unit"])
    if not any(n >= evaluate.MIN_EXAMPLES for n in counts.values()):
        raise ValidationError(
            _(
                "No code has at least %(count)s coded passages yet, so there is nothing to learn "
                "from. Code more of the sources by hand first."
            )
            % {"count": evaluate.MIN_EXAMPLES}
        )
    jobs.job_progress(job=job, done=1, total=STEPS)
    run = actions.suggest_codes(by=user, study=study, unit=asked["unit"], backend=asked["backend"])
    jobs.job_progress(job=job, done=2, total=STEPS)
    return {"asked": asked, "run": run.pk, "suggestions": run.suggestions.count()}


def _evaluate(job, asked) -> dict:
    study = job.study
    data = study_dataset(study, asked["unit"])
    jobs.job_progress(job=job, done=1, total=STEPS)
    try:
        report = evaluate.evaluate(data, backend=asked["backend"], folds=asked["folds"])
    except backends.BackendUnavailable as exc:
        raise ValidationError(str(exc)) from None
    jobs.job_progress(job=job, done=2, total=STEPS)
    # Code names as they are now, keyed by id, so a renamed code shows its current name.
    names = dict(Code.objects.filter(study=study).values_list("pk", "name"))
    for row in report["per_code"]:
        row["code"] = names.get(int(row["key"]), row["code"])
    return {"asked": asked, "evaluation": {**report, "unit": asked["unit"]}}


@task()
def run_assist_job(job_id: int) -> str:
    """Run one suggestion or evaluation job. Too little data fails the job with the reason;
    anything else is logged and the job fails with a general message."""
    job = Job.objects.select_related("study", "requested_by").get(pk=job_id)
    person = job.requested_by
    user = getattr(person, "user", None) if person is not None else None
    asked = (job.report or {}).get("asked") or {}
    try:
        jobs.job_progress(job=job, done=0, total=STEPS)
        if job.kind == "suggest":
            report = _suggest(job, user, asked)
        else:
            report = _evaluate(job, asked)
        jobs.finish_job(job=job, report=report)
    except ValidationError as exc:
        jobs.fail_job(job=job, error=" ".join(exc.messages))
    except Exception:
        logger.exception("insight assist job %s failed", job_id)
        jobs.fail_job(job=job, error=_("Something went wrong while running this job."))
    return job.status
