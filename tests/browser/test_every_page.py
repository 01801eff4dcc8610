"""Every page, in English and in Welsh, passes axe (WCAG 2.2 A/AA) with no console errors.

The pages come from the permission sweep's table (tests/test_permission_sweep.py and each app's
sweep.py), so a new URL is scanned as soon as it is added there.
"""

import pytest
from django.urls import reverse

from ..test_permission_sweep import sweep  # noqa: F401 - the fixture with every URL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
NOT_HTML = {
    "projects:calendar",
    "projects:paper",
    "people:export",
    "healthz",
    "recognition:receipt",
    "recognition:export_csv",
    "recognition:export_xlsx",
    "consultations:export_csv",
    "consultations:export_xlsx",
    "consultations:link_qr",
    "insight:export_qdpx",
    "insight:export_qdc",
    "insight:codings_csv",
    "insight:codings_xlsx",
    "insight:job_download",
}

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
ACCOUNT_PAGES = [
    "mfa_index",
    "account_email",
    "account_change_password",
    "account_reauthenticate",
    "account_logout",
]


def _sign_in(page, person, language, base_url):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "coproduce_language", "value": language, "url": base_url}])
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(person.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/")


def _html_pages(sweep, role):  # noqa: F811
    return [
        path
        for name, (path, allowed, status) in sweep.items()
        if role in allowed
        and status == 200
        and name not in NOT_HTML
        # Output pages also download as CSV, XLSX or DOCX (?format=...).
        and "?format=" not in name
        and not name.startswith("api-")
    ]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_page_accessible(page, axe_check, live_server, world, sweep, language):  # noqa: F811
    page.context.add_cookies(
        [{"name": "coproduce_language", "value": language, "url": live_server.url}]
    )
    refused = []
    page.on("response", lambda r: refused.append(r.url) if r.status in (401, 403) else None)
    for path in ANONYMOUS_PAGES:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language, path
        axe_check(page)
    visited = set(ANONYMOUS_PAGES)
    # An admin sees the management pages; a co-chair the pages members answer.
    for role in ("admin", "cochair"):
        _sign_in(page, world[role], language, live_server.url)
        paths = _html_pages(sweep, role) + [reverse(name) for name in ACCOUNT_PAGES]
        for path in paths:
            if (role, path) in visited or path in visited and role == "cochair":
                continue
            response = page.goto(path)
            assert response.status == 200, (role, path, response.status)
            assert page.locator("h1").count() == 1, path
            axe_check(page)
            visited.add(path)
    assert refused == []
    # The not-found page (its 404 is expected in the console).
    page.goto("/no-such-page/")
    axe_check(page)
    page.console_errors.remove(
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    )
    # A form with errors showing, too.
    page.goto(reverse("projects:meeting_create", args=[world["project"].pk]))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").count() == 1
    axe_check(page)
    assert len(axe_check.scanned) >= 60
