"""Builds impact chains directly for tests (product code writes only through actions)."""

import datetime
from decimal import Decimal

from coproduce.reports.models import Action, FeedbackSent, FollowUp, Input, OutcomeMeasure, Response

SAID_ON = datetime.date(2026, 1, 12)


def build_chain(
    project, *, contributor=None, is_public=False, text="The clinic letters are hard to read."
):
    """One input with every later step: a partly adopted response, an open action, a measure
    with a follow-up and feedback sent."""
    input = Input.objects.create(
        project=project,
        text=text,
        source="member" if contributor else "public",
        contributor=contributor,
        contributor_label="" if contributor else "Carers' café participants",
        said_on=SAID_ON,
        is_public=is_public,
    )
    Response.objects.create(
        input=input,
        decision="partly_adopted",
        reason="The national template cannot be changed locally.",
        responded_on=SAID_ON + datetime.timedelta(days=7),
    )
    action = Action.objects.create(
        input=input,
        description="Rewrite the covering letter in plain language",
        owner_label="Clinic manager",
        due_on=SAID_ON + datetime.timedelta(days=60),
    )
    measure = OutcomeMeasure.objects.create(
        input=input,
        name="Missed appointments per month",
        baseline_value=Decimal("42"),
        baseline_on=SAID_ON,
    )
    FollowUp.objects.create(
        measure=measure, value=Decimal("30"), measured_on=SAID_ON + datetime.timedelta(days=90)
    )
    FeedbackSent.objects.create(
        input=input, sent_on=SAID_ON + datetime.timedelta(days=10), method="email"
    )
    return input, action, measure
