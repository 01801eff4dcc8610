"""Every page, in English and in Welsh, passes axe (WCAG 2.2 A/AA) with no console errors."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from coproduce.people.models import Consent
from coproduce.projects.models import Membership, Paper

from ..factories import (
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationLinkFactory,
    ProjectFactory,
    person_with_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _pages(admin, member, project, meeting, membership, consent, org):
    return [
        reverse("home"),
        reverse("about"),
        reverse("accessibility"),
        reverse("privacy"),
        reverse("audit"),
        reverse("people:list"),
        reverse("people:list") + "?q=zzzz",
        reverse("people:create"),
        reverse("people:detail", args=[member.pk]),
        reverse("people:update", args=[member.pk]),
        reverse("people:consent_create", args=[member.pk]),
        reverse("people:consent_withdraw", args=[member.pk, consent.pk]),
        reverse("people:erase", args=[member.pk]),
        reverse("people:link_create", args=[member.pk]),
        reverse("people:organisations"),
        reverse("people:organisation_create"),
        reverse("people:organisation_update", args=[org.slug]),
        reverse("projects:list"),
        reverse("projects:create"),
        reverse("projects:detail", args=[project.pk]),
        reverse("projects:update", args=[project.pk]),
        reverse("projects:member_create", args=[project.pk]) + "?q=Mo",
        reverse("projects:member_update", args=[membership.pk]),
        reverse("projects:meeting_create", args=[project.pk]),
        reverse("projects:meeting", args=[meeting.pk]),
        reverse("projects:meeting_update", args=[meeting.pk]),
        reverse("projects:paper_create", args=[meeting.pk]),
        reverse("projects:attendance", args=[meeting.pk]),
        reverse("mfa_index"),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("account_reauthenticate"),
        reverse("account_logout"),
    ]


ANONYMOUS_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/not-a-key/",
    "/accounts/password/reset/key/1-bad-key/",
    "/accounts/confirm-email/",
]


def _setup():
    org = OrganisationFactory(name="Dyffryn Teg Health Board", slug="dyffryn-teg")
    admin = person_with_user(full_name="Ada Admin")
    OrganisationLinkFactory(person=admin, organisation=org, role="admin")
    member = person_with_user(full_name="Mo Member")
    project = ProjectFactory(title="Diabetes clinic", organisations=[org])
    membership = MembershipFactory(project=project, person=member)
    meeting = MeetingFactory(project=project)
    past = MeetingFactory(project=project, title="Last time")
    paper = Paper(meeting=meeting, title="Agenda", content_type="text/plain", size=5)
    paper.file.save("agenda.txt", ContentFile(b"hello"), save=False)
    paper.save()
    consent = Consent.objects.create(person=member, purpose="register", method="paper")
    assert Membership.objects.count() == 1 and past.pk
    return admin, member, project, meeting, membership, consent, org


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_page_accessible(page, axe_check, live_server, language):
    admin, *rest = _setup()
    pages = _pages(admin, *rest)
    page.context.add_cookies(
        [{"name": "coproduce_language", "value": language, "url": live_server.url}]
    )
    for path in ANONYMOUS_PAGES:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language, path
        axe_check(page)
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(admin.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/")
    for path in pages:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        axe_check(page)
    # The not-found page (its 404 is expected in the console).
    page.goto("/no-such-page/")
    axe_check(page)
    page.console_errors.remove(
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    )
    # With errors showing, too.
    page.goto(reverse("people:create"))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").count() == 1
    axe_check(page)
    assert len(axe_check.scanned) == len(ANONYMOUS_PAGES) + len(pages) + 2
