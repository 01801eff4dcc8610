"""The readiness and pulse pages run the same number of queries with 5 and 60 respondents."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.measures import actions

from .conftest import add_members, all_agreements, all_ratings

PERSPECTIVES = ["lived_experience", "carer", "professional", "community"]


def _grow(world, round_, pulse, n):
    for i in range(n):
        (person,) = add_members(world["project"], PERSPECTIVES[i % 4], 1)
        actions.answer_readiness(
            by=None,
            round=round_,
            person=person,
            ratings=all_ratings(i % 4),
            comments={"authority": f"Comment {i}"},
        )
        actions.respond_to_pulse(
            by=None,
            pulse=pulse,
            person=person,
            rung="co_design",
            agreements=all_agreements(1 + i % 5),
            more_equal=f"Idea {i}",
        )


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "page,role",
    [
        ("measures:readiness", "member"),
        ("measures:readiness", "lead"),
        ("measures:readiness_round", "lead"),
        ("measures:readiness_round", "member"),
        ("measures:pulse", "lead"),
        ("measures:pulse", "member"),
    ],
)
def test_query_count_measures_page_bounded(world, round_, pulse_, client_for, page, role):
    client = client_for(world[role])
    pk = {
        "measures:readiness": world["project"].pk,
        "measures:readiness_round": round_.pk,
        "measures:pulse": pulse_.pk,
    }[page]
    path = reverse(page, args=[pk])
    _grow(world, round_, pulse_, 5)
    small = _count(client, path)
    _grow(world, round_, pulse_, 55)
    large = _count(client, path)
    assert large == small
