"""The plain-SQL session read (accounts/sessions.py), the backends that load the register entry
with the user (accounts/backends.py) and the roles read (people/roles.py)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coproduce.accounts.backends import AuthenticationBackend, ModelBackend
from coproduce.accounts.middleware import requires_mfa
from coproduce.accounts.sessions import SessionStore
from coproduce.people.roles import roles_for

from ..factories import OrganisationFactory, OrganisationLinkFactory, person_with_user

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres


def _saved_session(**data):
    store = SessionStore()
    store.update(data)
    store.create()
    return store.session_key


def test_session_load_reads_saved_data_in_one_query(db):
    key = _saved_session(language="cy", step=3)
    with CaptureQueriesContext(connection) as queries:
        loaded = SessionStore(session_key=key).load()
    assert loaded == {"language": "cy", "step": 3}
    assert len(queries) == 1


def test_session_load_expired_session_is_empty_and_gets_a_new_key(db):
    key = _saved_session(step=1)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    store = SessionStore(session_key=key)
    assert store.load() == {}
    assert store.session_key is None


def test_session_load_unknown_key_is_empty(db):
    store = SessionStore(session_key="x" * 32)
    assert store.load() == {}
    assert store.session_key is None


def test_session_load_tampered_data_is_empty(db):
    key = _saved_session(step=1)
    Session.objects.filter(session_key=key).update(session_data="not-signed-data")
    assert SessionStore(session_key=key).load() == {}


def test_session_load_without_key_reads_nothing(db):
    with CaptureQueriesContext(connection) as queries:
        assert SessionStore().load() == {}
    assert len(queries) == 0


def test_backend_get_user_loads_register_entry_in_the_same_query(db):
    person = person_with_user(full_name="Nia Nurse")
    for backend in (ModelBackend(), AuthenticationBackend()):
        with CaptureQueriesContext(connection) as queries:
            user = backend.get_user(person.user.pk)
            name = user.person.full_name
        assert (name, len(queries)) == ("Nia Nurse", 1)


def test_backend_get_user_inactive_or_missing_is_none(db):
    person = person_with_user()
    person.user.is_active = False
    person.user.save(update_fields=["is_active"])  # test set-up, not product code
    assert ModelBackend().get_user(person.user.pk) is None
    assert AuthenticationBackend().get_user(person.user.pk + 1000) is None


def test_roles_read_each_role_and_two_factor_organisations(db):
    person = person_with_user()
    strict = OrganisationFactory(slug="strict", require_mfa_for_staff=True)
    relaxed = OrganisationFactory(slug="relaxed")
    finance = OrganisationFactory(slug="finance-org")
    OrganisationLinkFactory(person=person, organisation=strict, role="staff")
    OrganisationLinkFactory(person=person, organisation=relaxed, role="admin")
    OrganisationLinkFactory(person=person, organisation=finance, role="finance")
    roles = roles_for(person.user)
    assert roles.staff_orgs == {strict.pk}
    assert roles.admin_orgs == {relaxed.pk}
    assert roles.finance_orgs == {finance.pk}
    assert roles.lead_orgs == frozenset()
    assert roles.mfa_orgs == {strict.pk}
    assert requires_mfa(person.user) is True


def test_requires_mfa_false_when_no_organisation_asks_for_it(db):
    person = person_with_user()
    OrganisationLinkFactory(person=person, organisation=OrganisationFactory(), role="staff")
    assert requires_mfa(person.user) is False
