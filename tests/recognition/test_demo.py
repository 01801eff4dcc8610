"""The demo's claims: every claim sent is in some finance officer's queue, and a demo member's
time on a project run by the board and the community charity goes to the board, which pays."""

import pytest
from django.utils import timezone

from coproduce.core.demo import SIGN_INS
from coproduce.people.models import Person
from coproduce.recognition import actions, selectors
from coproduce.recognition.models import Claim
from coproduce.site import demo

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def loaded():
    demo.load()


def test_demo_every_claim_in_a_finance_queue(loaded):
    organisations = set(Claim.objects.values_list("organisation_id", flat=True))
    assert organisations
    assert organisations - selectors.handling_claims(organisations) == set()


def test_demo_member_time_goes_to_organisation_that_pays(loaded):
    member = Person.objects.get(email=SIGN_INS[4][1])  # the project member
    project = next(
        m.project
        for m in member.memberships.select_related("project")
        if m.project.organisations.filter(kind="community").exists()
    )
    contribution = actions.record_contribution(
        by=member.user,
        person=member,
        project=project,
        activity_type="meeting",
        date=timezone.localdate(),
        minutes=60,
    )
    assert contribution.organisation.kind == "health_board"
