"""Welsh speakers get Welsh pages from the first page after signing in, and switching language
offers to save it as the preferred language. Axe on every page."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from ..factories import person_with_user
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey_welsh_speaker_signs_in_to_welsh_pages(page, axe_check):
    person = person_with_user(full_name="Gwenllian Parry", preferred_language="cy")
    sign_in(page, axe_check, person.email)

    # The first page after signing in is in Welsh, without touching the switch.
    assert page.locator("html").get_attribute("lang") == "cy"
    with translation.override("cy"):
        heading = translation.gettext("Your coproduction")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    axe_check(page)

    # Switching to English offers to keep English from now on.
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    axe_check(page)
    page.get_by_role("link", name="Use English every time you sign in").click()
    page.wait_for_url("**/me/language/**")
    axe_check(page)
    expect(page.get_by_label("English", exact=True)).to_be_checked()
    page.get_by_role("button", name="Save my preferred language").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    expect(page.get_by_text("Your preferred language has been saved.")).to_be_visible()
    axe_check(page)
    person.refresh_from_db()
    assert person.preferred_language == "en"
