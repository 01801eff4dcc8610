"""Invitations: who may invite whom, the e-mail in the invitee's language, and accepting."""

import re
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.urls import reverse

from coproduce.accounts import actions, invitations
from coproduce.accounts.models import Invitation
from coproduce.core.models import AuditEvent
from coproduce.people import actions as people_actions
from coproduce.people.models import OrganisationLink, Person

from ..factories import PersonFactory, person_with_user

PASSWORD = "a-long-pass-phrase-9"

# Accepting locks the invitation's row (select_for_update), which SQLite ignores.
pytestmark = pytest.mark.postgres


def _invite(world, by="admin", **fields):
    fields = {"email": "cerys@example.org", "role": "lead", "full_name": "Cerys Jones"} | fields
    return actions.invite(by=world[by].user, organisation=world["org"], **fields)


def _accept_path(invitation):
    return reverse("accounts:invitation_accept", args=[invitations.token_for(invitation)])


def test_invite_emails_link_in_chosen_language(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(world, language="cy")
    (message,) = mail.outbox
    assert message.to == ["cerys@example.org"]
    assert message.subject == "Gwahoddiad i ymuno â Dyffryn Teg Health Board ar coproduce"
    (url,) = re.findall(r"http://127\.0\.0\.1:8000(/invitations/accept/\S+/)", message.body)
    assert invitations.from_token(url.split("/")[-2]) == invitation
    assert "Mae Ada Admin wedi eich gwahodd" in message.body
    assert AuditEvent.objects.filter(action="invitation.create").count() == 1


def test_invite_register_entry_language_wins(world, django_capture_on_commit_callbacks):
    PersonFactory(full_name="Gwen Paper", email="gwen@example.org", preferred_language="cy")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(world, email="Gwen@Example.org", full_name="", language="en")
    assert (invitation.email, invitation.full_name, invitation.language) == (
        "gwen@example.org",
        "Gwen Paper",
        "cy",
    )
    assert mail.outbox[0].body.startswith("Annwyl Gwen Paper,")


def test_invite_lead_cannot_invite_admin(world):
    with pytest.raises(ValidationError) as exc:
        _invite(world, by="lead", role="admin")
    assert exc.value.message_dict == {"role": ["You cannot invite someone with this role."]}
    assert Invitation.objects.count() == 0


def test_invite_lead_of_other_organisation_refused(world):
    with pytest.raises(ValidationError):
        _invite(world, by="other_lead", role="member")


def test_invite_existing_member_refused(world):
    with pytest.raises(ValidationError) as exc:
        _invite(world, email=world["lead"].email)
    assert exc.value.message_dict == {
        "email": ["This person already belongs to this organisation."]
    }


def test_invite_twice_refused_until_withdrawn(world):
    first = _invite(world)
    with pytest.raises(ValidationError):
        _invite(world)
    actions.revoke_invitation(by=world["admin"].user, invitation=first)
    assert _invite(world).pk != first.pk


def test_invitation_page_sends_invitation(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world["lead"])
    path = reverse("accounts:invitations", args=[world["org"].slug])
    page = client.get(path).content.decode()
    # A lead may offer only the roles that do not outrank theirs.
    assert 'value="admin"' not in page
    assert 'value="member"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            path, {"email": "new@example.org", "role": "member", "language": "en"}
        )
    assert (response.status_code, response["Location"]) == (302, path)
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    assert "new@example.org" in client.get(path).content.decode()


def test_accept_invitation_makes_account_and_links_register_entry(world, client):
    paper = PersonFactory(full_name="Cerys on paper", email="cerys@example.org")
    invitation = _invite(world)
    path = _accept_path(invitation)
    assert client.get(path).status_code == 200
    response = client.post(
        path, {"full_name": "Cerys Jones", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, "/")
    paper.refresh_from_db()
    assert paper.user.email == "cerys@example.org"
    assert Person.objects.filter(email="cerys@example.org").count() == 1
    assert EmailAddress.objects.get(user=paper.user).verified is True
    assert OrganisationLink.objects.get(person=paper).role == "lead"
    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.person) == (paper.user, paper)
    # Signed in, and the register is theirs to see as a lead.
    assert client.get(reverse("people:list")).status_code == 200
    # The link works once.
    assert client.get(path).status_code == 410


def test_accept_invitation_weak_password_shown(world, client):
    invitation = _invite(world)
    response = client.post(
        _accept_path(invitation), {"full_name": "Cerys", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert "The password is too short: use at least 8 characters." in response.content.decode()
    assert Invitation.objects.get().accepted_at is None


def test_accept_invitation_signed_in_invitee_confirms(world, client_for):
    outsider = world["outsider"]
    invitation = _invite(world, email=outsider.user.email, role="staff")
    client = client_for(outsider)
    assert "Accept the invitation" in client.get(_accept_path(invitation)).content.decode()
    assert client.post(_accept_path(invitation)).status_code == 302
    assert OrganisationLink.objects.get(person=outsider).role == "staff"


def test_accept_invitation_other_account_refused(world, client_for):
    invitation = _invite(world)
    client = client_for(world["member"])
    assert client.post(_accept_path(invitation)).status_code == 400
    assert Invitation.objects.get().accepted_at is None


def test_accept_invitation_existing_account_asked_to_sign_in(world, client):
    invitation = _invite(world, email=world["outsider"].user.email)
    page = client.get(_accept_path(invitation)).content.decode()
    assert "You already have an account." in page
    response = client.post(_accept_path(invitation), {"full_name": "x"})
    assert response.status_code == 400


def test_accept_invitation_expired_link(world, client, settings):
    invitation = _invite(world)
    with mock.patch("django.core.signing.time.time", return_value=1_000_000_000):
        token = invitations.token_for(invitation)
    response = client.get(reverse("accounts:invitation_accept", args=[token]))
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()


def test_accept_invitation_tampered_link(world, client):
    invitation = _invite(world)
    token = signing.dumps(invitation.pk, salt="another purpose")
    response = client.get(reverse("accounts:invitation_accept", args=[token]))
    assert response.status_code == 404


def test_withdrawn_invitation_link_stops_working(world, client_for):
    invitation = _invite(world)
    client = client_for(world["admin"])
    response = client.post(reverse("accounts:invitation_withdraw", args=[invitation.pk]))
    assert response.status_code == 302
    client.logout()
    assert client.get(_accept_path(invitation)).status_code == 410


def test_erase_person_deletes_their_invitations(world):
    invitation = _invite(world, email=world["outsider"].user.email)
    people_actions.erase_person(by=world["admin"].user, person=world["outsider"], reason="asked")
    assert Invitation.objects.filter(pk=invitation.pk).exists() is False


def test_signup_invite_only_closed(client, db, settings):
    settings.SIGNUP = "invite"
    response = client.post(
        reverse("account_signup"),
        {"full_name": "X", "email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert "New accounts cannot be created right now." in response.content.decode()
    assert Person.objects.count() == 0
    assert reverse("account_signup") not in client.get(reverse("account_login")).content.decode()
    assert "Accounts are by invitation" in client.get("/").content.decode()


def test_signup_open_offers_account(client, db, settings):
    settings.SIGNUP = "open"
    assert reverse("account_signup") in client.get(reverse("account_login")).content.decode()


def test_invitable_roles_by_role(world):
    org = world["org"]
    assert invitations.invitable_roles(world["admin"].user, org) == [
        "admin",
        "lead",
        "staff",
        "finance",
        "member",
    ]
    assert invitations.invitable_roles(world["lead"].user, org) == ["lead", "staff", "member"]
    assert invitations.invitable_roles(world["finance"].user, org) == []
    assert invitations.invitable_roles(person_with_user().user, org) == []


def test_accept_page_in_invitation_language(world, client):
    invitation = _invite(world, language="cy")
    page = client.get(_accept_path(invitation)).content.decode()
    assert '<html lang="cy"' in page
    assert "Derbyn a chreu fy nghyfrif" in page
    # A language chosen on the site wins.
    client.get(reverse("set_language", args=["en"]) + "?next=/")
    assert '<html lang="en"' in client.get(_accept_path(invitation)).content.decode()
