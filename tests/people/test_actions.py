import pytest
from django.core.exceptions import ValidationError

from coproduce.core.models import AuditEvent
from coproduce.people import actions
from coproduce.people.models import AccessNeed, Person

from ..factories import MembershipFactory, person_with_user

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres


@pytest.fixture
def staff(db):
    return person_with_user(full_name="Staff Member").user


def test_create_person_records_audit(staff):
    person = actions.create_person(by=staff, full_name="Gwen Hughes", email="GWEN@Example.org")
    event = AuditEvent.objects.get(action="person.create")
    assert person.email == "gwen@example.org"
    assert event.actor_id == staff.pk
    assert event.object_id == str(person.pk)
    assert event.changes["full_name"] == [None, "Gwen Hughes"]


def test_create_person_access_needs_need_consent(staff):
    with pytest.raises(ValidationError):
        actions.create_person(by=staff, full_name="No Consent", access_needs=["bsl"])
    assert Person.objects.filter(full_name="No Consent").count() == 0
    assert AuditEvent.objects.count() == 0


def test_create_person_access_needs_with_consent(staff):
    person = actions.create_person(
        by=staff,
        full_name="With Consent",
        access_needs=["bsl", "step_free"],
        special_category_consent=True,
        recorded_in_presence=True,
        consent_method="verbal",
    )
    assert sorted(person.access_needs.values_list("code", flat=True)) == ["bsl", "step_free"]
    event = AuditEvent.objects.get(action="person.create")
    assert event.on_behalf_of_id == person.pk
    assert person.consents.get().method == "verbal"


def test_withdraw_special_category_consent_deletes_data(staff):
    person = actions.create_person(
        by=staff,
        full_name="Withdrawer",
        access_needs=["bsl"],
        perspectives=["carer"],
        special_category_consent=True,
    )
    consent = person.consents.get()
    actions.withdraw_consent(by=staff, consent=consent)
    assert AccessNeed.objects.filter(person=person).count() == 0
    assert person.perspectives.count() == 0
    with pytest.raises(ValidationError):
        actions.withdraw_consent(by=staff, consent=consent)


def test_update_person_without_change_writes_no_audit(staff):
    person = actions.create_person(by=staff, full_name="Same")
    before = AuditEvent.objects.count()
    actions.update_person(by=staff, person=person, full_name="Same")
    assert AuditEvent.objects.count() == before


def test_erase_person_pseudonymises_and_keeps_membership(staff):
    person = person_with_user(full_name="Rhys Erased", phone="01632 000000")
    membership = MembershipFactory(person=person)
    actions.update_person(by=staff, person=person, full_name="Rhys Renamed")
    user_id = person.user_id
    actions.erase_person(by=staff, person=person, reason="Emailed request")
    person.refresh_from_db()
    assert person.full_name == f"Erased person {person.pk}"
    assert (person.email, person.phone, person.user_id) == ("", "", None)
    assert person.memberships.get() == membership
    from coproduce.accounts.models import User

    assert not User.objects.filter(pk=user_id).exists()
    renamed = AuditEvent.objects.get(action="person.update")
    assert renamed.changes == {"redacted": True}
    assert "Rhys" not in renamed.object_repr
    assert AuditEvent.objects.filter(action="person.erase").count() == 1


def test_erase_person_needs_reason(staff):
    person = person_with_user()
    with pytest.raises(ValidationError):
        actions.erase_person(by=staff, person=person, reason="  ")
    person.refresh_from_db()
    assert person.erased_at is None


def test_export_person_contains_everything(staff):
    person = actions.create_person(
        by=staff,
        full_name="Exported",
        email="e@example.org",
        perspectives=["carer"],
        special_category_consent=True,
    )
    MembershipFactory(person=person, role="co_chair")
    data = actions.export_person(by=staff, person=person)
    assert data["person"]["full_name"] == "Exported"
    assert data["person"]["perspectives"] == ["carer"]
    assert data["consents"][0]["purpose"] == "special_category"
    assert data["memberships"][0]["role"] == "co_chair"
    assert [e["action"] for e in data["audit"]][:2] == ["consent.give", "person.create"]
    assert AuditEvent.objects.filter(action="person.export").count() == 1


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_transaction_refused():
    staff = person_with_user().user
    from coproduce.core import audit

    with pytest.raises(RuntimeError):
        audit.record(by=staff, action="x", obj=staff)


def test_export_person_includes_other_apps(world):
    from coproduce.decisions import actions as decision_actions
    from coproduce.reports import actions as report_actions

    member = world["member"]
    decision_actions.propose_decision(
        by=member.user,
        project=world["project"],
        proposer=member,
        title="Evening clinics",
        proposal="Two evenings a week.",
        method="consent",
        notify=False,
    )
    report_actions.record_input(
        by=member.user,
        project=world["project"],
        text="Parking is hard.",
        source="member",
        contributor=member,
    )
    data = actions.export_person(by=world["admin"].user, person=member)
    assert [p["title"] for p in data["proposals"]] == ["Evening clinics"]
    assert [i["text"] for i in data["you_said"]] == ["Parking is hard."]
