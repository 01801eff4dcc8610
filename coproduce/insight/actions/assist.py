"""Code suggestions: storing a run of the suggestion engine, and accepting or rejecting its
suggestions. The learning itself is in ../assist/.

Suggestions are codings of a suggestion Coder (Coder.is_suggestion) and never touch a human
coding: a new run replaces only the suggestion coder's own pending codings, and a decision changes
only the Suggestion row. An accepted suggestion stays the suggestion coder's coding, with who
accepted it and when, so agreement between a person and the engine remains measurable and the
human record stays what people actually coded."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core import audit

from ..assist import backends, suggest, units
from ..models import (
    Code,
    Coding,
    Job,
    Source,
    Suggestion,
    SuggestionRun,
    SuggestionStatus,
)
from .coding import _person_of
from .studies import coder_for

__all__ = [
    "start_assist_job",
    "suggest_codes",
    "store_suggestions",
    "accept_suggestion",
    "reject_suggestion",
    "decide_suggestions",
]

BATCH = 1000


def suggest_codes(
    *, by, study, unit="sentence", backend=backends.DEFAULT, source_ids=None, seed=0
) -> SuggestionRun:
    """Learn from the study's human codings and store suggestions for its uncoded units.

    Not one transaction as a whole on purpose: training can take many seconds of CPU and must
    not hold the database; the reads come first and `store_suggestions` writes atomically."""
    if unit not in ("sentence", "turn", "paragraph"):
        raise ValidationError({"unit": _("Choose sentence, speaker turn or paragraph.")})
    try:
        result = suggest.compute_suggestions(
            study, unit=unit, backend=backend, source_ids=source_ids, seed=seed
        )
    except backends.BackendUnavailable as exc:
        raise ValidationError(str(exc)) from None
    if not result.training_units or not result.settings:
        raise ValidationError(_("This study has no codings to learn from."))
    return store_suggestions(by=by, study=study, result=result)


@transaction.atomic
def store_suggestions(*, by, study, result: suggest.SuggestionResult) -> SuggestionRun:
    coder = coder_for(
        study=study,
        name=suggest.SUGGESTION_CODER_NAME.format(backend=result.backend),
        is_suggestion=True,
    )
    if not coder.is_suggestion or coder.person_id is not None:
        raise ValidationError(_("Suggestions must belong to a suggestion coder."))
    source_length = dict(Source.objects.filter(study=study).values_list("pk", "text"))
    source_length = {pk: len(text) for pk, text in source_length.items()}
    code_ids = set(Code.objects.filter(study=study).values_list("pk", flat=True))
    # An earlier run's suggestions nobody has decided on are replaced by this run's.
    stale = Coding.objects.filter(
        coder=coder, source__study=study, suggestion__status=SuggestionStatus.PENDING
    )
    replaced = stale.count()
    stale.delete()
    decided = set(
        Coding.objects.filter(coder=coder, source__study=study).values_list(
            "source_id", "code_id", "start", "end"
        )
    )
    run = SuggestionRun.objects.create(
        study=study,
        coder=coder,
        backend=result.backend,
        model_version=result.model_version,
        unit=result.unit,
        settings=result.settings,
        training_units=result.training_units,
        created_at=result.created_at,
        created_by=_person_of(by),
    )
    codings, confidences = [], []
    for item in result.items:
        if not (0 <= item.start < item.end <= source_length.get(item.source_id, -1)):
            raise ValidationError(_("A suggestion falls outside its source's text."))
        for code_id, confidence in item.codes:
            if code_id not in code_ids:
                raise ValidationError(_("Choose codes from this study's codebook."))
            if (item.source_id, code_id, item.start, item.end) in decided:
                continue  # someone already accepted or rejected this very suggestion
            codings.append(
                Coding(
                    source_id=item.source_id,
                    code_id=code_id,
                    coder=coder,
                    start=item.start,
                    end=item.end,
                    polarity=item.polarity,
                    created_at=result.created_at,
                )
            )
            confidences.append(confidence)
    Coding.objects.bulk_create(codings, batch_size=BATCH)
    Suggestion.objects.bulk_create(
        (
            Suggestion(run=run, coding=coding, confidence=confidence)
            for coding, confidence in zip(codings, confidences, strict=True)
        ),
        batch_size=BATCH,
    )
    audit.record(
        by=by,
        action="suggestion.run",
        obj=run,
        changes={
            "backend": result.backend,
            "model_version": result.model_version,
            "unit": result.unit,
            "training_units": result.training_units,
            "suggestions": [None, len(codings)],
            "replaced": replaced,
        },
    )
    return run


def _decide(by, suggestion: Suggestion, status: str, now) -> list | None:
    if suggestion.status == status:
        return None
    old = suggestion.status
    suggestion.status = status
    suggestion.decided_by = _person_of(by)
    suggestion.decided_at = now
    return [old, status]


@transaction.atomic
def accept_suggestion(*, by, suggestion: Suggestion) -> Suggestion:
    return _decide_one(by, suggestion, SuggestionStatus.ACCEPTED)


@transaction.atomic
def reject_suggestion(*, by, suggestion: Suggestion) -> Suggestion:
    return _decide_one(by, suggestion, SuggestionStatus.REJECTED)


def _decide_one(by, suggestion, status):
    change = _decide(by, suggestion, status, timezone.now())
    if change is None:
        return suggestion
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        by=by,
        action=f"suggestion.{status}",
        obj=suggestion,
        changes={"status": change, "coding": suggestion.coding_id},
    )
    return suggestion


@transaction.atomic
def decide_suggestions(
    *, by, run: SuggestionRun, accept: bool, at_least=None, below=None, code=None
) -> int:
    """Accept (or reject) every pending suggestion of a run whose confidence is at least
    `at_least` and below `below` (either may be None), optionally of one code. Returns how many
    were decided."""
    for bound in (at_least, below):
        if bound is not None and not (0 <= bound <= 1):
            raise ValidationError(_("Give a confidence between 0 and 1."))
    rows = run.suggestions.filter(status=SuggestionStatus.PENDING)
    if at_least is not None:
        rows = rows.filter(confidence__gte=at_least)
    if below is not None:
        rows = rows.filter(confidence__lt=below)
    if code is not None:
        rows = rows.filter(coding__code=code)
    status = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.REJECTED
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    person = _person_of(by)
    for begin in range(0, len(ids), BATCH):
        Suggestion.objects.filter(pk__in=ids[begin : begin + BATCH]).update(
            status=status, decided_by=person, decided_at=now
        )
    audit.record(
        by=by,
        action=f"suggestion.bulk_{status}",
        obj=run,
        changes={
            "count": len(ids),
            "at_least": at_least,
            "below": below,
            "code": getattr(code, "pk", None),
            "suggestions": ids,
        },
    )
    return len(ids)


@transaction.atomic
def start_assist_job(*, by, study, kind, unit, backend, folds=5) -> Job:
    """Queue a suggestion run or an evaluation; the task worker runs it after this commits."""
    from ..assist_tasks import KINDS, run_assist_job  # the task module imports actions

    if kind not in KINDS:
        raise ValueError(kind)
    if unit not in units.UNIT_KINDS:
        raise ValidationError({"unit": _("Choose sentence, speaker turn or paragraph.")})
    if backend not in backends.REGISTRY:
        raise ValidationError({"backend": _("Choose one of the listed ways of suggesting.")})
    if not 2 <= folds <= 10:
        raise ValidationError({"folds": _("Use between 2 and 10 folds.")})
    settings = {"unit": unit, "backend": backend}
    if kind == "evaluate":
        settings["folds"] = folds
    job = Job(study=study, kind=kind, requested_by=_person_of(by), report={"asked": settings})
    job.save()
    audit.record(
        by=by, action="job.start", obj=job, changes={"kind": kind, "study": study.pk, **settings}
    )
    transaction.on_commit(lambda: run_assist_job.enqueue(job.pk))
    return job
