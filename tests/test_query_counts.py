"""List pages run the same number of queries with 10 rows as with 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.people.models import AccessNeed, OrganisationLink, Perspective

from .factories import MeetingFactory, MembershipFactory, PersonFactory, ProjectFactory

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres


def _grow(world, n):
    """n people (with perspectives, needs and links), n projects, n members and n meetings."""
    people = PersonFactory.create_batch(n)
    Perspective.objects.bulk_create([Perspective(person=p, code="carer") for p in people])
    AccessNeed.objects.bulk_create([AccessNeed(person=p, code="bsl") for p in people])
    OrganisationLink.objects.bulk_create(
        [OrganisationLink(person=p, organisation=world["org"], role="member") for p in people]
    )
    for _ in range(n):
        ProjectFactory(organisations=[world["org"]])
    for p in people:
        MembershipFactory(project=world["project"], person=p)
    member = world["member"]
    for _ in range(n):
        m = MeetingFactory(project=world["project"])
        m.papers.create(title="Agenda", file="papers/x.txt", content_type="text/plain", size=1)
    return member


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "page,role",
    [
        ("home", "member"),
        ("projects:list", "lead"),
        ("projects:detail", "lead"),
        ("people:list", "lead"),
    ],
)
def test_query_count_list_page_bounded(world, client_for, page, role):
    client = client_for(world[role])
    args = [world["project"].pk] if page == "projects:detail" else []
    path = reverse(page, args=args)
    _grow(world, 10)
    small = _count(client, path)
    _grow(world, 490)
    large = _count(client, path)
    assert large == small
