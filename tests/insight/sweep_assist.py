"""Permission-sweep rows of the code suggestions area (suggestions, decisions, accuracy)."""

from django.urls import reverse
from django.utils import timezone

from coproduce.insight import actions
from coproduce.insight.assist import suggest
from coproduce.insight.assist_tasks import run_assist_job

from .sweep import CODE, VIEW


def entries(world, objects) -> dict:
    study, source, code = objects["study"], objects["source"], objects["code"]
    slug = study.slug
    # One stored suggestion (made by hand: the sweep study has too little coding to learn from).
    result = suggest.SuggestionResult(
        backend="tfidf",
        model_version="tfidf-test",
        unit="sentence",
        settings={"too_few_examples": [code.pk]},
        training_units=2,
        created_at=timezone.now(),
        items=[suggest.Suggested(source.pk, 0, 24, [(code.pk, 0.8)], "neutral")],
    )
    run = actions.store_suggestions(by=world["cochair"].user, study=study, result=result)
    suggestion = run.suggestions.get()
    # A suggestion job asked for by the coder, which fails for lack of examples.
    job = actions.start_assist_job(
        by=world["member"].user, study=study, kind="suggest", unit="sentence", backend="tfidf"
    )
    run_assist_job.call(job.pk)
    return {
        "insight:suggestions": (reverse("insight:suggestions", args=[slug]), CODE, 200),
        "insight:suggestions_run": (reverse("insight:suggestions_run", args=[slug]), CODE, 200),
        "insight:suggestions_bulk": (reverse("insight:suggestions_bulk", args=[slug]), CODE, 200),
        "insight:suggestion_decide": (
            reverse("insight:suggestion_decide", args=[slug, suggestion.pk]),
            CODE,
            405,
        ),
        "insight:suggestion_job": (
            reverse("insight:suggestion_job", args=[slug, job.pk]),
            CODE,
            302,
        ),
        "insight:evaluation": (reverse("insight:evaluation", args=[slug]), VIEW, 200),
        "insight:evaluation_run": (reverse("insight:evaluation_run", args=[slug]), VIEW, 200),
    }


def writes() -> list[str]:
    return [
        "insight:suggestions_run",
        "insight:suggestions_bulk",
        "insight:suggestion_decide",
        "insight:evaluation_run",
    ]
