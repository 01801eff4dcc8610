"""Steps the browser journeys share."""

PASSWORD = "correct-horse-battery"


def sign_in(page, axe_check, email, password=PASSWORD, *, check_home=False):
    """Sign in through the real form (scanned by axe); `check_home` scans the page after it."""
    page.goto("/accounts/login/")
    axe_check(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    if check_home:
        axe_check(page)


def fill_date(page, label, value):
    """Type a date (a date or "YYYY-MM-DD") into the NHS.UK date input whose legend is `label`:
    its day, month and year boxes."""
    year, month, day = str(value).split("-")
    group = page.get_by_role("group", name=label, exact=True)
    group.get_by_label("Day").fill(str(int(day)))
    group.get_by_label("Month").fill(str(int(month)))
    group.get_by_label("Year").fill(year)
