"""Welsh speakers get Welsh pages: signing in switches to the person's preferred language on
the register, and switching language while signed in offers to save it as their preference."""

from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coproduce.core.models import AuditEvent
from coproduce.people import actions

from ..factories import person_with_user
from ..state import snapshot


def _sign_in(client, person):
    return client.post(
        reverse("account_login"), {"login": person.email, "password": "correct-horse-battery"}
    )


def test_sign_in_welsh_preference_sets_language_cookie(client, db):
    person = person_with_user(full_name="Gwenllian Parry", preferred_language="cy")
    response = _sign_in(client, person)
    assert response.status_code == 302
    assert response.cookies["coproduce_language"].value == "cy"
    home = client.get(response["Location"]).content.decode()
    assert '<html lang="cy"' in home


def test_sign_in_english_preference_sets_english_after_welsh_visitor(client, db):
    person = person_with_user(full_name="Ed English", preferred_language="en")
    client.cookies["coproduce_language"] = "cy"
    response = _sign_in(client, person)
    assert response.cookies["coproduce_language"].value == "en"


def test_set_language_signed_in_other_preference_offers_to_save(client, db):
    person = person_with_user(full_name="Ed English", preferred_language="en")
    client.force_login(person.user)
    response = client.get(reverse("set_language", args=["cy"]) + "?next=/about/")
    assert response["Location"] == "/about/"
    page = client.get("/about/").content.decode()
    link = reverse("people:language") + "?language=cy&amp;next=" + quote("/about/", safe="")
    assert f'<a class="nhsuk-link" href="{link}">' in page
    assert '<html lang="cy"' in page


def test_set_language_same_as_preference_offers_nothing(client, db):
    person = person_with_user(full_name="Gwenllian Parry", preferred_language="cy")
    client.force_login(person.user)
    client.get(reverse("set_language", args=["cy"]) + "?next=/about/")
    assert reverse("people:language") not in client.get("/about/").content.decode()


def test_set_language_anonymous_offers_nothing(client, db):
    client.get(reverse("set_language", args=["cy"]) + "?next=/about/")
    assert reverse("people:language") not in client.get("/about/").content.decode()


def test_language_preference_save_happy_path(client, db):
    person = person_with_user(full_name="Ed English", preferred_language="en")
    client.force_login(person.user)
    page = client.get(reverse("people:language") + "?language=cy&next=/about/")
    assert page.status_code == 200
    assert 'value="cy" checked' in page.content.decode()
    response = client.post(reverse("people:language"), {"language": "cy", "next": "/about/"})
    assert response["Location"] == "/about/"
    assert response.cookies["coproduce_language"].value == "cy"
    person.refresh_from_db()
    assert person.preferred_language == "cy"
    event = AuditEvent.objects.get(action="person.update")
    assert (event.object_id, event.changes) == (
        str(person.pk),
        {"preferred_language": ["en", "cy"]},
    )


def test_language_preference_next_elsewhere_goes_to_own_page(client, db):
    person = person_with_user(full_name="Ed English")
    client.force_login(person.user)
    response = client.post(
        reverse("people:language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("people:detail", args=[person.pk])


def test_language_preference_anonymous_changes_nothing(client, db):
    person_with_user(full_name="Ed English")
    before = snapshot("people", "core")
    response = client.post(reverse("people:language"), {"language": "cy"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert snapshot("people", "core") == before


def test_set_preferred_language_unknown_refused(db):
    person = person_with_user(full_name="Ed English")
    with pytest.raises(ValidationError) as exc:
        actions.set_preferred_language(by=None, person=person, language="fr")
    assert exc.value.message_dict == {"language": ["Choose English or Cymraeg."]}
    person.refresh_from_db()
    assert person.preferred_language == "en"
