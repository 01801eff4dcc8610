"""A person's own page links to changing their password (and their other account settings);
nobody else's page does."""

from django.urls import reverse


def test_own_page_links_change_password(world, client_for):
    response = client_for(world["member"]).get(reverse("me"), follow=True)
    body = response.content.decode()
    assert (
        '<a class="nhsuk-link" href="/accounts/password/change/">Change your password</a>' in body
    )
    assert '<a class="nhsuk-link" href="/me/language/">Your preferred language</a>' in body


def test_other_persons_page_has_no_change_password(world, client_for):
    path = reverse("people:detail", args=[world["member"].pk])
    body = client_for(world["lead"]).get(path).content.decode()
    assert "Change your password" not in body
