"""Reads of the "You said, we did" chain, with a fixed number of queries per page."""

import statistics

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Action, Decision, FeedbackSent, FollowUp, Input, OutcomeMeasure

STATUS_FILTERS = [
    ("awaiting", _("Awaiting a response")),
    (Decision.ADOPTED.value, _("Adopted")),
    (Decision.PARTLY.value, _("Partly adopted")),
    (Decision.NOT_ADOPTED.value, _("Not adopted")),
    ("actions_open", _("With open actions")),
]


def _open_actions() -> Exists:
    return Exists(Action.objects.filter(input=OuterRef("pk"), done_on__isnull=True))


def chain_list(project, *, status: str = "") -> QuerySet[Input]:
    """The project's inputs, newest first, each with its response and counts of the later steps
    (so a page of any length runs the same queries)."""
    inputs = (
        Input.objects.filter(project=project)
        .select_related("response", "contributor", "meeting")
        .annotate(
            action_count=Count("actions", distinct=True),
            open_action_count=Count(
                "actions", filter=Q(actions__done_on__isnull=True), distinct=True
            ),
            feedback_count=Count("feedback", distinct=True),
            first_feedback_on=Min("feedback__sent_on"),
        )
        .order_by("-said_on", "-id")
    )
    if status == "awaiting":
        inputs = inputs.filter(response__isnull=True)
    elif status in Decision.values:
        inputs = inputs.filter(response__decision=status)
    elif status == "actions_open":
        inputs = inputs.filter(_open_actions())
    return inputs


def open_actions(project) -> QuerySet[Action]:
    """Actions not done yet, the most pressing (earliest due) first; undated ones last."""
    return (
        Action.objects.filter(input__project=project, done_on__isnull=True)
        .select_related("input", "owner")
        .order_by("due_on", "id")
    )


def _chain_prefetches():
    return (
        Prefetch("actions", queryset=Action.objects.select_related("owner")),
        Prefetch(
            "measures",
            queryset=OutcomeMeasure.objects.prefetch_related(
                Prefetch("follow_ups", queryset=FollowUp.objects.order_by("measured_on", "id"))
            ),
        ),
        Prefetch("feedback", queryset=FeedbackSent.objects.order_by("sent_on", "id")),
    )


def input_detail(pk: int) -> Input:
    """One input with its whole chain."""
    return (
        Input.objects.select_related(
            "project", "response", "response__responder", "contributor", "meeting"
        )
        .prefetch_related("project__organisations", *_chain_prefetches())
        .get(pk=pk)
    )


def has_public_page(project) -> bool:
    """Whether the project has published anything: until it has, it has no public page."""
    return Input.objects.filter(project=project, is_public=True).exists()


def public_chain(project) -> QuerySet[Input]:
    """The published inputs of a project. Only what the public page may show is loaded: no
    contributors, responders or owners (the page must never name anyone)."""
    return (
        Input.objects.filter(project=project, is_public=True)
        .select_related("response")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.order_by("done_on", "due_on", "id")),
            Prefetch(
                "measures",
                queryset=OutcomeMeasure.objects.prefetch_related(
                    Prefetch("follow_ups", queryset=FollowUp.objects.order_by("measured_on", "id"))
                ),
            ),
            Prefetch("feedback", queryset=FeedbackSent.objects.order_by("sent_on", "id")),
        )
        .order_by("-said_on", "-id")
    )


def chain_counts(project) -> dict:
    """Headline figures for the project (and a later dashboard): how many inputs, the share
    answered, the share whose contributors were told, and the median days from input to
    feedback. Three queries whatever the size."""
    totals = Input.objects.filter(project=project).aggregate(
        inputs=Count("id", distinct=True),
        responded=Count("response", distinct=True),
        fed_back=Count("id", filter=Q(feedback__isnull=False), distinct=True),
        public=Count("id", filter=Q(is_public=True), distinct=True),
    )
    days = [
        (first - said).days
        for said, first in Input.objects.filter(project=project, feedback__isnull=False)
        .annotate(first=Min("feedback__sent_on"))
        .values_list("said_on", "first")
    ]
    n = totals["inputs"]
    return {
        "inputs": n,
        "responded": totals["responded"],
        "fed_back": totals["fed_back"],
        "public": totals["public"],
        "responded_pct": round(100 * totals["responded"] / n) if n else None,
        "feedback_pct": round(100 * totals["fed_back"] / n) if n else None,
        "median_days_to_feedback": statistics.median(days) if days else None,
        "overdue_actions": Action.objects.filter(
            input__project=project, done_on__isnull=True, due_on__lt=timezone.localdate()
        ).count(),
    }


def chain_counts_by_project(project_ids) -> dict[int, dict]:
    """For each of these projects, the share of inputs answered and the overdue actions (as in
    `chain_counts`): two grouped queries however many projects."""
    ids = list(project_ids)
    figures = {pk: {"responded_pct": None, "overdue_actions": 0} for pk in ids}
    for project_id, inputs, responded in (
        Input.objects.filter(project_id__in=ids)
        .order_by()
        .values("project_id")
        .annotate(inputs=Count("id", distinct=True), responded=Count("response", distinct=True))
        .values_list("project_id", "inputs", "responded")
    ):
        figures[project_id]["responded_pct"] = round(100 * responded / inputs) if inputs else None
    for project_id, overdue in (
        Action.objects.filter(
            input__project_id__in=ids, done_on__isnull=True, due_on__lt=timezone.localdate()
        )
        .order_by()
        .values("input__project_id")
        .annotate(n=Count("id"))
        .values_list("input__project_id", "n")
    ):
        figures[project_id]["overdue_actions"] = overdue
    return figures
