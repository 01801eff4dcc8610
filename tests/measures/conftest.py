import datetime

import pytest
from django.utils import timezone

from coproduce.measures.actions import load_frameworks, open_pulse, open_readiness_round

from ..factories import MembershipFactory, person_with_user


@pytest.fixture
def frameworks(db):
    """The framework data files, loaded as the product loads them: the newest version of each."""
    added = sorted(load_frameworks(by=None), key=lambda f: f.version)
    return {f.key: f for f in added}


CRITERIA = [
    "authority",
    "shared_aims",
    "right_scale",
    "measurable_outcomes",
    "resources",
    "everyone_delivers",
]
PRINCIPLES = ["assets", "capacity", "mutuality", "networks", "blurring_roles", "catalysts"]


def add_members(project, perspective, n, role="member"):
    """n new members of a project with accounts, all from one perspective."""
    people = []
    for _ in range(n):
        person = person_with_user()
        MembershipFactory(project=project, person=person, perspective=perspective, role=role)
        people.append(person)
    return people


@pytest.fixture
def round_(world, frameworks):
    return open_readiness_round(by=world["lead"].user, project=world["project"], notify=False)


@pytest.fixture
def pulse_(world, frameworks):
    return open_pulse(
        by=world["cochair"].user,
        project=world["project"],
        closes_on=timezone.localdate() + datetime.timedelta(days=14),
        notify=False,
    )


def all_ratings(value=3, **overrides):
    return {key: overrides.get(key, value) for key in CRITERIA}


def all_agreements(value=4, **overrides):
    return {key: overrides.get(key, value) for key in PRINCIPLES}
