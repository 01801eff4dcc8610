"""Permission-sweep entries for this app (see tests/test_permission_sweep.py)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coproduce.recognition import actions

from ..roles import PROJECT_MANAGE, SIGNED_IN

FINANCE = {"finance", "admin"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def build(world):
    """The member's time, an expense with a receipt and a claim to the organisation."""
    member, org = world["member"], world["org"]
    day = datetime.date.today() - datetime.timedelta(days=10)
    actions.set_choice(by=None, person=member, choice="vouchers")
    for activity in ("meeting", "reading"):  # vouchers are paid at a rate: one must exist
        actions.set_rate(
            by=None,
            organisation=org,
            activity_type=activity,
            unit="hour",
            amount="20.00",
            valid_from=day - datetime.timedelta(days=30),
            source="Sweep policy",
        )
    contribution = actions.record_contribution(
        by=None,
        person=member,
        project=world["project"],
        activity_type="meeting",
        date=day,
        minutes=120,
    )
    expense = actions.add_expense(
        by=None,
        person=member,
        organisation=org,
        kind="travel",
        date=day,
        amount="4.50",
        description="Bus",
        upload=SimpleUploadedFile("bus.png", PNG, "image/png"),
    )
    claim = actions.submit_claim(by=None, person=member, organisation=org)
    # A second, unclaimed contribution the member may still change.
    open_contribution = actions.record_contribution(
        by=None,
        person=member,
        project=world["project"],
        activity_type="reading",
        date=day,
        minutes=30,
    )
    return contribution, open_contribution, expense, claim


def entries(world) -> dict:
    _contribution, open_contribution, expense, claim = build(world)
    slug = world["org"].slug
    return {
        # Everyone signed in has their own statement and forms; nobody sees anyone else's.
        "recognition:statement": (reverse("recognition:statement"), SIGNED_IN, 200),
        "recognition:choice": (reverse("recognition:choice"), SIGNED_IN, 200),
        "recognition:contribution_create": (
            reverse("recognition:contribution_create"),
            SIGNED_IN,
            200,
        ),
        "recognition:expense_create": (reverse("recognition:expense_create"), SIGNED_IN, 200),
        "recognition:claim_create": (reverse("recognition:claim_create"), SIGNED_IN, 200),
        "recognition:credits": (reverse("recognition:credits"), SIGNED_IN, 200),
        # The contributor and the people who record for them; never finance.
        "recognition:contribution_update": (
            reverse("recognition:contribution_update", args=[open_contribution.pk]),
            {"member"} | PROJECT_MANAGE,
            200,
        ),
        "recognition:record_for": (
            reverse("recognition:record_for", args=[world["project"].pk]),
            PROJECT_MANAGE,
            200,
        ),
        "recognition:claim": (
            reverse("recognition:claim", args=[claim.pk]),
            {"member"} | FINANCE,
            200,
        ),
        "recognition:receipt": (
            reverse("recognition:receipt", args=[expense.pk]),
            {"member"} | FINANCE,
            200,
        ),
        # POST only: allowed roles get 405 for a GET.
        "recognition:claim_resubmit": (
            reverse("recognition:claim_resubmit", args=[claim.pk]),
            {"member"},
            405,
        ),
        "recognition:claim_decide": (
            reverse("recognition:claim_decide", args=[claim.pk]),
            FINANCE,
            200,
        ),
        "recognition:queue": (reverse("recognition:queue", args=[slug]), FINANCE, 200),
        "recognition:export_csv": (reverse("recognition:export_csv", args=[slug]), FINANCE, 200),
        "recognition:export_xlsx": (reverse("recognition:export_xlsx", args=[slug]), FINANCE, 200),
        "recognition:rates": (reverse("recognition:rates", args=[slug]), FINANCE, 200),
        # Leads see their organisation's totals (see recognition/rules.py), not its claims.
        "recognition:totals": (
            reverse("recognition:totals", args=[slug]),
            FINANCE | {"lead"},
            200,
        ),
    }


def writes() -> list[str]:
    return [
        "recognition:choice",
        "recognition:contribution_create",
        "recognition:expense_create",
        "recognition:claim_create",
        "recognition:credits",
        "recognition:contribution_update",
        "recognition:record_for",
        "recognition:claim_resubmit",
        "recognition:claim_decide",
        "recognition:rates",
    ]
