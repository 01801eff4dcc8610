from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from coproduce.core.models import AuditEvent
from coproduce.people.models import Person

from ..factories import (
    OrganisationFactory,
    OrganisationLinkFactory,
    PersonFactory,
    person_with_user,
)


def test_signup_links_existing_register_entry(client, db):
    paper_person = PersonFactory(full_name="Eleri Paper", email="eleri@example.org")
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Eleri P",
            "email": "Eleri@example.org",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    assert response.status_code == 302
    paper_person.refresh_from_db()
    assert paper_person.user.email == "eleri@example.org"
    assert Person.objects.count() == 1
    assert len(mail.outbox) == 1  # the verification e-mail
    assert AuditEvent.objects.filter(action="account.signup").count() == 1


def test_signup_creates_register_entry(client, db):
    client.post(
        reverse("account_signup"),
        {
            "full_name": "Tomos New",
            "email": "tomos@example.org",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    person = Person.objects.get()
    assert (person.full_name, person.email) == ("Tomos New", "tomos@example.org")


def test_login_wrong_password_message(client, db):
    person = person_with_user()
    response = client.post(reverse("account_login"), {"login": person.email, "password": "nope"})
    assert response.status_code == 200
    assert "The email address or password is not correct." in response.content.decode()


def test_login_throttled_after_repeated_failures(client, db):
    person = person_with_user()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": person.email, "password": "nope"})
    response = client.post(
        reverse("account_login"), {"login": person.email, "password": "correct-horse-battery"}
    )
    assert "Too many failed attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_success(client, db):
    person = person_with_user()
    response = client.post(
        reverse("account_login"), {"login": person.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.user_id)


def test_two_factor_required_for_staff_when_organisation_says_so(client, db):
    org = OrganisationFactory(require_mfa_for_staff=True)
    staff = person_with_user()
    OrganisationLinkFactory(person=staff, organisation=org, role="staff")
    client.post(
        reverse("account_login"), {"login": staff.email, "password": "correct-horse-battery"}
    )
    response = client.get(reverse("projects:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The set-up pages stay reachable (allauth asks for the password again first).
    final = client.get(reverse("mfa_activate_totp"), follow=True)
    assert final.status_code == 200
    assert final.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))


def test_two_factor_not_required_with_authenticator(client, db):
    org = OrganisationFactory(require_mfa_for_staff=True)
    staff = person_with_user()
    OrganisationLinkFactory(person=staff, organisation=org, role="lead")
    Authenticator.objects.create(user=staff.user, type=Authenticator.Type.TOTP, data={})
    client.force_login(staff.user)
    assert client.get(reverse("projects:list")).status_code == 200


def test_two_factor_not_required_for_members(client, db):
    org = OrganisationFactory(require_mfa_for_staff=True)
    volunteer = person_with_user()
    OrganisationLinkFactory(person=volunteer, organisation=org, role="member")
    client.force_login(volunteer.user)
    assert client.get(reverse("projects:list")).status_code == 200


def test_content_security_policy_header(client, db):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self' 'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert "'unsafe-inline'" not in policy


def test_sign_in_and_password_change_audited(client, db):
    person = person_with_user()
    client.post(
        reverse("account_login"), {"login": person.email, "password": "correct-horse-battery"}
    )
    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "correct-horse-battery",
            "password1": "a-new-long-phrase-77",
            "password2": "a-new-long-phrase-77",
        },
    )
    actions = list(
        AuditEvent.objects.filter(actor_id=person.user_id)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["account.sign_in", "account.password_change"]
