"""On the home page an overdue review says when it was due, not "closes"."""

import datetime

from django.utils import timezone

from coproduce.decisions import actions
from coproduce.decisions.models import Decision


def test_home_review_overdue_says_was_due(group, propose, position, client_for):
    decision = propose("vote")
    position(decision, "member", "yes")
    actions.close_decision(
        by=group["cochair"].user,
        decision=decision,
        outcome="adopted",
        statement="Carried 1-0.",
        review_date=timezone.localdate() + datetime.timedelta(days=90),
    )
    due = datetime.date(2026, 10, 5)
    Decision.objects.filter(pk=decision.pk).update(review_date=due)  # time has passed
    body = client_for(group["member"]).get("/").content.decode()
    assert "Due for review: Evening clinics (Diabetes clinic)</a>" in body
    assert '<span class="nhsuk-body-s">(review was due 5 October 2026)</span>' in body
    assert "closes 5 October 2026" not in body
