"""The 403 page says who can give access: the admins of the user's own organisation, never
the people of an organisation the user is not in."""

from django.urls import reverse

from ..factories import OrganisationLinkFactory, person_with_user


def _refused(client_for, person, path):
    response = client_for(person).get(path)
    assert response.status_code == 403
    return response.content.decode()


def test_forbidden_lead_told_organisation_admins(world, client_for):
    body = _refused(client_for, world["lead"], reverse("recognition:rates", args=["dyffryn-teg"]))
    assert "ask your coproduction lead" not in body
    assert "ask an admin of your organisation: they give people their roles." in body
    assert "<li>Dyffryn Teg Health Board: Ada Admin</li>" in body


def test_forbidden_lists_every_admin_but_the_user(world, client_for):
    second = person_with_user(full_name="Bryn Admin")
    OrganisationLinkFactory(person=second, organisation=world["org"], role="admin")
    body = _refused(client_for, world["lead"], reverse("audit"))
    assert "<li>Dyffryn Teg Health Board: Ada Admin, Bryn Admin</li>" in body


def test_forbidden_outsider_shown_no_names(world, client_for):
    body = _refused(
        client_for, world["outsider"], reverse("recognition:queue", args=["dyffryn-teg"])
    )
    assert "Ada Admin" not in body
    assert (
        "ask the co-chair of your project or the organisation that runs it: its admins give "
        "people their roles." in body
    )


def test_forbidden_other_organisation_page_shows_no_names(world, client_for):
    # A lead of another organisation that has admins of its own, on this organisation's page.
    other_admin = person_with_user(full_name="Owain Otheradmin")
    OrganisationLinkFactory(person=other_admin, organisation=world["other_org"], role="admin")
    body = _refused(
        client_for, world["other_lead"], reverse("recognition:totals", args=["dyffryn-teg"])
    )
    assert "Ada Admin" not in body
    assert "Owain Otheradmin" not in body
