"""Building blocks for the recognition tests, written through the actions."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from coproduce.recognition import actions

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
PDF = b"%PDF-1.4\n%%EOF\n"
DAY = datetime.date(2026, 3, 10)


def hourly_rate(org, amount="20.00", valid_from=datetime.date(2026, 1, 1), activity="meeting"):
    return actions.set_rate(
        by=None,
        organisation=org,
        activity_type=activity,
        unit="hour",
        amount=amount,
        valid_from=valid_from,
        source="Test policy",
    )


def choose(person, choice="payment"):
    return actions.set_choice(
        by=None,
        person=person,
        choice=choice,
        route="payroll" if choice == "payment" else "",
        benefits_acknowledged=choice == "payment",
        acknowledged_on=datetime.date(2026, 1, 2),
    )


def time_claim(world, person=None, *, minutes=120, day=DAY, expense=True, choice="payment"):
    person = person or world["member"]
    choose(person, choice)
    if choice in ("payment", "vouchers") and actions.rate_on(world["org"], "meeting", day) is None:
        hourly_rate(world["org"])  # time to be paid needs a rate before it can be claimed
    contribution = actions.record_contribution(
        by=None,
        person=person,
        project=world["project"],
        activity_type="meeting",
        date=day,
        minutes=minutes,
    )
    if expense:
        actions.add_expense(
            by=None,
            person=person,
            organisation=world["org"],
            kind="travel",
            date=day,
            amount="4.50",
            description="Bus",
            upload=SimpleUploadedFile("bus.png", PNG, "image/png"),
        )
    claim = actions.submit_claim(
        by=None, person=person, organisation=world["org"], submitted_on=day
    )
    return contribution, claim
