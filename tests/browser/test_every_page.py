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
    # Signing in switches to the person's preferred language (English here): switch back.
    page.context.add_cookies([{"name": "coproduce_language", "value": language, "url": base_url}])


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


# The walk is split into chunks so parallel workers share it (each chunk signs in afresh).
CHUNKS = 4


def _walk(sweep, world):  # noqa: F811
    """Every (role, path) the walk visits, in a fixed order: an admin sees the management pages;
    a co-chair the pages members answer (those an admin has not already seen)."""
    pairs, seen = [], set(ANONYMOUS_PAGES)
    for role in ("admin", "cochair"):
        for path in _html_pages(sweep, role) + [reverse(name) for name in ACCOUNT_PAGES]:
            if (role, path) in seen or (path in seen and role == "cochair"):
                continue
            pairs.append((role, path))
            seen.add((role, path))
            seen.add(path)
    return pairs


@pytest.mark.parametrize("chunk", range(CHUNKS))
@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_page_accessible(page, axe_check, live_server, world, sweep, language, chunk):  # noqa: F811
    page.context.add_cookies(
        [{"name": "coproduce_language", "value": language, "url": live_server.url}]
    )
    refused = []
    page.on("response", lambda r: refused.append(r.url) if r.status in (401, 403) else None)
    pairs = _walk(sweep, world)
    # The table really is walked: a broken sweep fixture must not make every chunk empty.
    assert len(pairs) >= 60
    mine = pairs[chunk::CHUNKS]
    if chunk == 0:
        for path in ANONYMOUS_PAGES:
            page.goto(path)
            assert page.locator("html").get_attribute("lang") == language, path
            axe_check(page)
    signed_in = None
    for role, path in mine:
        if role != signed_in:
            _sign_in(page, world[role], language, live_server.url)
            signed_in = role
        response = page.goto(path)
        assert response.status == 200, (role, path, response.status)
        assert page.locator("html").get_attribute("lang") == language, path
        assert page.locator("h1").count() == 1, path
        axe_check(page)
    assert refused == []
    assert len(axe_check.scanned) == len(mine) + (len(ANONYMOUS_PAGES) if chunk == 0 else 0)
    if chunk != 1:
        return
    # The not-found page (its 404 is expected in the console).
    page.goto("/no-such-page/")
    axe_check(page)
    page.console_errors.remove(
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    )
    # A form with errors showing, too.
    if signed_in != "admin":
        _sign_in(page, world["admin"], language, live_server.url)
    page.goto(reverse("projects:meeting_create", args=[world["project"].pk]))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").count() == 1
    axe_check(page)
