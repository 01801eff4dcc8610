"""`coproduce setup`: the first organisation and its administrator, through the actions."""

import argparse

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from coproduce.accounts import actions, links
from coproduce.core.models import AuditEvent
from coproduce.people.models import Organisation, OrganisationLink, Person
from coproduce.site import setup as setup_command

PASSWORD = "a-long-admin-passphrase-2026"


def _set_up(**fields):
    fields = {
        "organisation_name": "Bwrdd Iechyd Prawf",
        "organisation_kind": "health_board",
        "email": "Admin@Example.org",
        "full_name": "Alun Admin",
        "password": PASSWORD,
    } | fields
    return actions.set_up(by=None, **fields)


def _args(**fields):
    parser = argparse.ArgumentParser()
    setup_command.add_arguments(parser)
    argv = ["--organisation", "Bwrdd Iechyd Prawf", "--admin", "admin@example.org"]
    for name, value in fields.items():
        argv += [f"--{name.replace('_', '-')}", value]
    return parser.parse_args(argv)


def test_set_up_makes_verified_admin_with_role(db):
    user, organisation, created = _set_up()
    assert created is True
    assert (organisation.name, organisation.slug, organisation.kind) == (
        "Bwrdd Iechyd Prawf",
        "bwrdd-iechyd-prawf",
        "health_board",
    )
    assert user.email == "admin@example.org"
    assert user.check_password(PASSWORD)
    assert (user.is_superuser, user.is_staff) == (False, False)
    assert EmailAddress.objects.get(user=user).verified is True
    person = Person.objects.get(user=user)
    assert person.full_name == "Alun Admin"
    assert OrganisationLink.objects.get(person=person).role == "admin"
    assert AuditEvent.objects.filter(action="site.setup").count() == 1


def test_set_up_again_changes_nothing(db):
    _set_up()
    events = AuditEvent.objects.count()
    user, organisation, created = _set_up(password="another-long-passphrase-1")
    assert created is False
    assert user.check_password(PASSWORD)
    assert AuditEvent.objects.count() == events


def test_set_up_other_admin_refused(db):
    _set_up()
    with pytest.raises(actions.AlreadySetUp):
        _set_up(email="someone@example.org")
    with pytest.raises(actions.AlreadySetUp):
        _set_up(organisation_name="Another Board")
    assert get_user_model().objects.count() == 1
    assert Organisation.objects.count() == 1


def test_set_up_weak_password_refused(db):
    with pytest.raises(ValidationError) as exc:
        _set_up(password="12345678")
    assert exc.value.message_dict == {
        "password": [
            "This password is too common. Choose one that is harder to guess.",
            "The password cannot be only numbers.",
        ]
    }
    assert Organisation.objects.count() == 0


def test_set_up_completes_createsuperuser_account(db):
    # What the README used to say: an account with no verified address and no register entry.
    get_user_model().objects.create_superuser(email="admin@example.org", password=PASSWORD)
    user, _organisation, created = _set_up(password=None)
    assert created is True
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified is True
    assert OrganisationLink.objects.get(person__user=user).role == "admin"


def test_setup_command_prints_password_link_that_sets_password(db, client, capsys):
    assert setup_command.run(_args()) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "Set up Bwrdd Iechyd Prawf with admin@example.org as its administrator.",
        "Set their password (the link works once, for 3 days):",
    ]
    path = out[2].removeprefix("http://127.0.0.1:8000")
    response = client.get(path)
    assert response.status_code == 302  # allauth keeps the key in the session
    response = client.post(
        response["Location"], {"password1": PASSWORD, "password2": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    user = get_user_model().objects.get()
    assert user.check_password(PASSWORD)
    # Signing in needs no confirmation e-mail: the address is verified.
    response = client.post(
        reverse("account_login"), {"login": "admin@example.org", "password": PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get(reverse("me")).status_code == 302
    # The link works once.
    assert links.password_set_url(user) != out[2]


def test_setup_command_password_file_and_refusal(db, tmp_path, capsys):
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    assert setup_command.run(_args(password_file=str(secret))) == 0
    assert capsys.readouterr().out == (
        "Set up Bwrdd Iechyd Prawf with admin@example.org as its administrator.\n"
    )
    refused = _args()
    refused.admin = "other@example.org"
    assert setup_command.run(refused) == 1
    assert capsys.readouterr().err == (
        "coproduce is already set up: admin@example.org is an administrator of Bwrdd Iechyd "
        "Prawf. Nothing was changed; sign in as them and invite people from the Organisations "
        "page.\n"
    )
