import json
import re

from django.urls import reverse

from coproduce.core.models import AuditEvent
from coproduce.people.models import Consent, Organisation, OrganisationLink, Person

PERSON = {
    "full_name": "Gwenllian Price",
    "preferred_name": "Gwen",
    "email": "gwen@example.org",
    "contact_preference": "post",
    "preferred_language": "cy",
    "special_category_consent": "on",
    "access_needs": ["large_print", "bsl"],
    "perspectives": ["carer"],
    "on_behalf": "on",
}


def _names(response) -> list[str]:
    """The names listed in the register's results table."""
    return re.findall(
        r'<a class="nhsuk-link" href="/people/\d+/">([^<]+)</a>', response.content.decode()
    )


def test_person_create_happy_path(world, client_for):
    response = client_for(world["lead"]).post(reverse("people:create"), PERSON)
    person = Person.objects.get(full_name="Gwenllian Price")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert sorted(person.access_needs.values_list("code", flat=True)) == ["bsl", "large_print"]
    event = AuditEvent.objects.get(action="person.create")
    assert (event.actor_id, event.on_behalf_of_id) == (world["lead"].user_id, person.pk)


def test_person_create_invalid_redisplays_and_saves_nothing(world, client_for):
    data = dict(PERSON, email="not-an-email", special_category_consent="")
    client = client_for(world["lead"])
    before = Person.objects.count()
    events = AuditEvent.objects.count()
    response = client.post(reverse("people:create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "nhsuk-error-summary" in body
    assert 'value="Gwenllian Price"' in body
    assert Person.objects.count() == before
    assert AuditEvent.objects.count() == events


def test_person_create_needs_consent_for_access_needs(world, client_for):
    data = dict(PERSON, special_category_consent="")
    response = client_for(world["lead"]).post(reverse("people:create"), data)
    assert response.status_code == 200
    assert "can only be recorded when the person has agreed" in response.content.decode()
    assert not Person.objects.filter(full_name="Gwenllian Price").exists()


def test_person_list_search_and_filter(world, client_for):
    client = client_for(world["lead"])
    response = client.get(reverse("people:list"), {"q": "Cerys"})
    assert response.status_code == 200
    assert _names(response) == ["Cerys Cochair"]
    response = client.get(reverse("people:list"), {"organisation": world["org"].pk})
    assert _names(response) == ["Ada Admin", "Fflur Finance", "Lee Lead"]


def test_person_list_htmx_returns_fragment(world, client_for):
    response = client_for(world["lead"]).get(
        reverse("people:list"), {"q": "Mo"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Mo Member" in body


def test_person_detail_hides_special_category_from_others(world, client_for):
    member = world["member"]
    response = client_for(world["member"]).get(reverse("people:detail", args=[member.pk]))
    assert "Communication and access needs" in response.content.decode()


def test_person_update_self(world, client_for):
    member = world["member"]
    data = dict(
        PERSON,
        full_name="Mo Member-Jones",
        special_category_consent="",
        access_needs=[],
        perspectives=[],
        on_behalf="",
    )
    response = client_for(member).post(reverse("people:update", args=[member.pk]), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Mo Member-Jones"


def test_consent_create_and_withdraw(world, client_for):
    member = world["member"]
    client = client_for(world["lead"])
    response = client.post(
        reverse("people:consent_create", args=[member.pk]),
        {"purpose": "quotes", "method": "paper", "notes": "Signed form"},
    )
    assert response.status_code == 302
    consent = Consent.objects.get(person=member)
    assert (consent.purpose, consent.method, consent.notes) == ("quotes", "paper", "Signed form")
    response = client.post(reverse("people:consent_withdraw", args=[member.pk, consent.pk]))
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_person_export_downloads_json(world, client_for):
    member = world["member"]
    response = client_for(member).get(reverse("people:export", args=[member.pk]))
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["person"]["full_name"] == "Mo Member"
    assert data["memberships"][0]["project"] == "Diabetes clinic"
    assert AuditEvent.objects.filter(action="person.export").count() == 1


def test_person_erase_by_admin(world, client_for):
    member = world["member"]
    response = client_for(world["admin"]).post(
        reverse("people:erase", args=[member.pk]), {"reason": "Request by letter", "confirm": "on"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == f"Erased person {member.pk}"
    assert member.memberships.count() == 1


def test_person_erase_needs_confirmation(world, client_for):
    member = world["member"]
    response = client_for(world["admin"]).post(
        reverse("people:erase", args=[member.pk]), {"reason": "Request"}
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.erased_at is None


def test_organisation_link_create_and_delete(world, client_for):
    member = world["member"]
    client = client_for(world["admin"])
    response = client.post(
        reverse("people:link_create", args=[member.pk]),
        {"organisation": world["org"].pk, "role": "lead", "job_title": "Peer lead"},
    )
    assert response.status_code == 302
    link = OrganisationLink.objects.get(person=member)
    assert (link.role, link.job_title) == ("lead", "Peer lead")
    client.post(reverse("people:link_delete", args=[member.pk, link.pk]))
    assert not OrganisationLink.objects.filter(person=member).exists()


def test_organisation_create_and_update(world, client_for):
    client = client_for(world["admin"])
    response = client.post(
        reverse("people:organisation_create"),
        {"name": "Peer Support Cymru", "slug": "peer-support", "kind": "community"},
    )
    assert response.status_code == 302
    org = Organisation.objects.get(slug="peer-support")
    response = client.post(
        reverse("people:organisation_update", args=[world["org"].slug]),
        {
            "name": "Dyffryn Teg UHB",
            "slug": "dyffryn-teg",
            "kind": "health_board",
            "require_mfa_for_staff": "on",
        },
    )
    world["org"].refresh_from_db()
    assert (org.name, world["org"].name, world["org"].require_mfa_for_staff) == (
        "Peer Support Cymru",
        "Dyffryn Teg UHB",
        True,
    )


def test_organisation_duplicate_slug_redisplays(world, client_for):
    response = client_for(world["admin"]).post(
        reverse("people:organisation_create"),
        {"name": "Copy", "slug": "dyffryn-teg", "kind": "trust"},
    )
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    assert Organisation.objects.filter(slug="dyffryn-teg").count() == 1
