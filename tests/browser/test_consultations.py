"""Consultations: a patient answers CollaboRATE on a phone (390×844) in English and in Welsh,
a one-use code is refused the second time, and a clinician reads their own dashboard. Axe on
every page."""

import datetime
from urllib.parse import urlparse

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from coproduce.consultations import actions
from coproduce.consultations.models import Response

from ..factories import OrganisationFactory, OrganisationLinkFactory, person_with_user
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEMS = [
    "How much effort was made to help you understand your health issues?",
    "How much effort was made to listen to the things that matter most to you about your "
    "health issues?",
    "How much effort was made to include what matters most to you in choosing what to do next?",
]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )

    def guard(route):
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors = []
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "net::ERR_FAILED" not in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


def _welsh(text):
    with translation.override("cy"):
        return translation.gettext(text)


def _answer(page, values):
    for text, value in zip(ITEMS, values, strict=True):
        group = page.get_by_role("group", name=text)
        label = {0: "0 No effort was made", 9: "9 Every effort was made"}.get(value, str(value))
        group.get_by_label(label, exact=True).check()


def _setup():
    org = OrganisationFactory(name="Bridge Street Surgery", slug="bridge-street")
    clinician = person_with_user(full_name="Priya Nair")
    OrganisationLinkFactory(person=clinician, organisation=org, role="staff")
    team = actions.create_team(by=None, organisation=org, name="GP team")
    member = actions.add_member(by=None, team=team, person=clinician, role="clinician")
    today = timezone.localdate()
    window = {"valid_from": today, "valid_to": today + datetime.timedelta(days=2)}
    link = actions.create_link(
        by=None, team=team, clinician=member, instrument="collaborate-10", **window
    )
    coded = actions.create_link(
        by=None, team=team, clinician=member, instrument="collaborate-10", one_use=True, **window
    )
    (token,) = actions.create_tokens(by=None, link=coded, count=1)
    return clinician, member, link, coded, token


def test_journey_survey_on_phone_english_and_welsh(phone, axe_check, page):
    clinician, member, link, coded, token = _setup()
    survey = f"/c/{link.code}/"

    # English: a missing answer is reported, then the answers are sent.
    phone.goto(survey)
    assert phone.locator("html").get_attribute("lang") == "en"
    axe_check(phone)
    for text in ITEMS:
        expect(phone.get_by_role("group", name=text)).to_be_visible()
    _answer(phone, [9, 9, 9])
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_url(f"**/c/{link.code}/thanks/")
    axe_check(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")

    # An answer left out: the error summary links to it.
    phone.goto(survey)
    phone.get_by_role("group", name=ITEMS[0]).get_by_label("7", exact=True).check()
    phone.get_by_role("group", name=ITEMS[2]).get_by_label("8", exact=True).check()
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.locator(".nhsuk-error-summary")).to_be_visible()
    axe_check(phone)
    phone.get_by_role("group", name=ITEMS[1]).get_by_label("0 No effort was made").check()
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_url(f"**/c/{link.code}/thanks/")

    # Welsh: the interface in Welsh around the unchanged English items, with the note why.
    phone.goto(f"/language/cy/?next={survey}")
    phone.wait_for_url(f"**{survey}")
    assert phone.locator("html").get_attribute("lang") == "cy"
    expect(phone.get_by_role("heading", level=1)).to_have_text(_welsh("Your consultation"))
    expect(
        phone.get_by_text(
            _welsh(
                "The questions are in English because the questionnaire's licence does not "
                "allow any changes to it, including translation."
            )
        )
    ).to_be_visible()
    assert phone.locator("legend span[lang=en]").count() == 3
    axe_check(phone)
    _answer(phone, [5, 6, 9])
    phone.get_by_role("button", name=_welsh("Send my answers")).click()
    phone.wait_for_url(f"**/c/{link.code}/thanks/")
    assert phone.locator("html").get_attribute("lang") == "cy"
    axe_check(phone)

    # A one-use code works once; the second time it is refused with a clear message.
    coded_url = f"/c/{coded.code}/?t={token.code}"
    phone.goto(coded_url)
    axe_check(phone)
    expect(phone.get_by_label(_welsh("Code from your card"))).to_have_value(token.code)
    _answer(phone, [9, 9, 9])
    phone.get_by_role("button", name=_welsh("Send my answers")).click()
    phone.wait_for_url(f"**/c/{coded.code}/thanks/")
    phone.goto(coded_url)
    expect(
        phone.get_by_text(
            _welsh(
                "This code has already been used. Each code can be used only once, so these "
                "answers cannot be sent again."
            )
        )
    ).to_be_visible()
    axe_check(phone)

    rows = list(Response.objects.order_by("id").values_list("language", "answers"))
    assert rows == [
        ("en", {"understand": 9, "listen": 9, "include": 9}),
        ("en", {"understand": 7, "listen": 0, "include": 8}),
        ("cy", {"understand": 5, "listen": 6, "include": 9}),
        ("cy", {"understand": 9, "listen": 9, "include": 9}),
    ]

    # The clinician reads their own dashboard: below the minimum, no figure.
    sign_in(page, axe_check, clinician.email)
    page.goto(f"/consultations/clinicians/{member.pk}/")
    axe_check(page)
    expect(page.get_by_text("Not enough responses yet").first).to_be_visible()
    page.goto(f"/consultations/links/{coded.pk}/")
    axe_check(page)
    page.goto(f"/consultations/links/{link.pk}/")
    axe_check(page)
    page.goto(f"/consultations/links/{coded.pk}/print/")
    axe_check(page)
