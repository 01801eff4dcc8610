import fcntl
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from coproduce.core import frontend, i18n

from .factories import (
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationLinkFactory,
    ProjectFactory,
    person_with_user,
)


@pytest.fixture(scope="session", autouse=True)
def _built_assets():
    # `make test` builds these before pytest starts; when pytest is run on its own, parallel
    # workers start together, so one builds while the others wait on the lock.
    with (Path(tempfile.gettempdir()) / "coproduce-test-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        frontend.build()
        i18n.compile_all()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request in Welsh leaves Welsh active in the
    thread (LocaleMiddleware never resets it), which would leak into the next test's strings."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db):
    """One project with every role the product knows, for permission and view tests."""
    org = OrganisationFactory(name="Dyffryn Teg Health Board", slug="dyffryn-teg")
    other_org = OrganisationFactory(name="Elsewhere Trust", slug="elsewhere", kind="trust")
    project = ProjectFactory(title="Diabetes clinic", organisations=[org])
    admin = person_with_user(full_name="Ada Admin")
    OrganisationLinkFactory(person=admin, organisation=org, role="admin")
    lead = person_with_user(full_name="Lee Lead")
    OrganisationLinkFactory(person=lead, organisation=org, role="lead")
    other_lead = person_with_user(full_name="Olu Otherlead")
    OrganisationLinkFactory(person=other_lead, organisation=other_org, role="lead")
    cochair = person_with_user(full_name="Cerys Cochair")
    MembershipFactory(
        project=project, person=cochair, role="co_chair", perspective="lived_experience"
    )
    member = person_with_user(full_name="Mo Member")
    MembershipFactory(project=project, person=member, role="member", perspective="lived_experience")
    outsider = person_with_user(full_name="Nia Nobody")
    # Finance officers approve and pay claims; they have no project or register powers.
    finance = person_with_user(full_name="Fflur Finance")
    OrganisationLinkFactory(person=finance, organisation=org, role="finance")
    meeting = MeetingFactory(project=project)
    return {
        "org": org,
        "other_org": other_org,
        "project": project,
        "meeting": meeting,
        "admin": admin,
        "lead": lead,
        "other_lead": other_lead,
        "cochair": cochair,
        "member": member,
        "outsider": outsider,
        "finance": finance,
    }


@pytest.fixture
def client_for(client):
    def make(person):
        if person is None:
            client.logout()
        else:
            client.force_login(person.user)
        return client

    return make
