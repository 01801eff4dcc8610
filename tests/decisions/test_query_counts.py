"""The decision list and the power page run the same number of queries with 10 and 200
decisions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.decisions.models import Amendment, Decision, Position

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres


def _grow(group, n):
    """n closed decisions, each with a position and an amendment (direct rows: a fixture)."""
    project = group["project"]
    decisions = Decision.objects.bulk_create(
        [
            Decision(
                project=project,
                title=f"Decision {i}",
                proposal="Text",
                proposer=group["member"],
                proposer_perspective="lived_experience",
                method="consent",
                status="closed",
                outcome="amended",
            )
            for i in range(n)
        ]
    )
    positions = Position.objects.bulk_create(
        [
            Position(decision=d, person=group["carer"], perspective="carer", stance="object")
            for d in decisions
        ]
    )
    Amendment.objects.bulk_create(
        [
            Amendment(
                decision=p.decision,
                position=p,
                objection_stance="object",
                objector_perspective="carer",
                old_text="a",
                new_text="b",
            )
            for p in positions
        ]
    )


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["decisions:list", "decisions:power", "projects:detail"])
def test_query_count_decision_pages_bounded(group, client_for, page):
    client = client_for(group["lead"])
    path = reverse(page, args=[group["project"].pk])
    _grow(group, 10)
    small = _count(client, path)
    _grow(group, 190)
    large = _count(client, path)
    assert large == small
