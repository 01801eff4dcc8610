import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from coproduce.recognition import actions, selectors
from coproduce.recognition.models import Claim, Contribution, Expense, Rate

from ..factories import MembershipFactory, person_with_user
from .helpers import DAY, PNG, hourly_rate, time_claim


def test_statement_shows_own_time_only(world, client_for):
    time_claim(world)
    other = person_with_user(full_name="Osian Other")
    MembershipFactory(project=world["project"], person=other)
    actions.record_contribution(
        by=None,
        person=other,
        project=world["project"],
        activity_type="training",
        date=DAY,
        minutes=45,
    )
    response = client_for(world["member"]).get(reverse("recognition:statement"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Meeting" in body
    assert "Training" not in body
    # Printable: the statement loads its print stylesheet (no inline styles under the CSP).
    assert 'href="/static/recognition/print.css" media="print"' in body


def test_claim_of_another_person_forbidden(world, client_for):
    _contribution, claim = time_claim(world)
    assert (
        client_for(world["cochair"]).get(reverse("recognition:claim", args=[claim.pk])).status_code
        == 403
    )
    assert (
        client_for(world["member"]).get(reverse("recognition:claim", args=[claim.pk])).status_code
        == 200
    )


def test_contribution_create_records_own_time(world, client_for):
    response = client_for(world["member"]).post(
        reverse("recognition:contribution_create"),
        {
            "project": world["project"].pk,
            "activity_type": "meeting",
            "date": DAY.isoformat(),
            "minutes": "90",
            "preparation_minutes": "30",
            "notes": "",
        },
    )
    assert response.status_code == 302
    c = Contribution.objects.get()
    assert (c.person, c.organisation, c.total_minutes) == (world["member"], world["org"], 120)


def test_record_for_member_by_cochair(world, client_for):
    response = client_for(world["cochair"]).post(
        reverse("recognition:record_for", args=[world["project"].pk]),
        {
            "person": world["member"].pk,
            "project": world["project"].pk,
            "activity_type": "meeting",
            "date": DAY.isoformat(),
            "minutes": "60",
        },
    )
    assert response.status_code == 302
    assert Contribution.objects.get().person == world["member"]


def test_contribution_update_finance_forbidden_member_allowed(world, client_for):
    c = actions.record_contribution(
        by=None,
        person=world["member"],
        project=world["project"],
        activity_type="meeting",
        date=DAY,
        minutes=60,
    )
    path = reverse("recognition:contribution_update", args=[c.pk])
    data = {"activity_type": "meeting", "date": DAY.isoformat(), "minutes": "600"}
    assert client_for(world["finance"]).post(path, data).status_code == 403
    c.refresh_from_db()
    assert c.minutes == 60
    assert client_for(world["member"]).post(path, data).status_code == 302
    c.refresh_from_db()
    assert c.minutes == 600


def test_expense_create_with_receipt_and_bad_receipt(world, client_for):
    client = client_for(world["member"])
    data = {
        "organisation": world["org"].pk,
        "kind": "travel",
        "date": DAY.isoformat(),
        "amount": "6.20",
        "description": "Train",
    }
    bad = client.post(
        reverse("recognition:expense_create"),
        data | {"upload": SimpleUploadedFile("r.jpg", b"GIF89a....", "image/jpeg")},
    )
    assert bad.status_code == 200
    assert "contents do not match its type (.jpg)." in bad.content.decode()
    assert Expense.objects.count() == 0
    good = client.post(
        reverse("recognition:expense_create"),
        data | {"upload": SimpleUploadedFile("r.png", PNG, "image/png")},
    )
    assert good.status_code == 302
    assert Expense.objects.get().receipt_type == "image/png"


def test_choice_and_claim_create(world, client_for):
    client = client_for(world["member"])
    response = client.post(
        reverse("recognition:choice"),
        {"choice": "payment", "route": "bank_transfer", "benefits_acknowledged": "on"},
    )
    assert response.status_code == 302
    hourly_rate(world["org"])
    actions.record_contribution(
        by=None,
        person=world["member"],
        project=world["project"],
        activity_type="meeting",
        date=DAY,
        minutes=60,
    )
    response = client.post(reverse("recognition:claim_create"), {"organisation": world["org"].pk})
    claim = Claim.objects.get()
    assert response["Location"] == reverse("recognition:claim", args=[claim.pk])
    assert (claim.choice, claim.route) == ("payment", "bank_transfer")


def test_claim_decide_finance_approves_then_pays(world, client_for):
    hourly_rate(world["org"])
    _c, claim = time_claim(world)
    client = client_for(world["finance"])
    path = reverse("recognition:claim_decide", args=[claim.pk])
    assert client.post(path, {"decision": "approve", "on": "2026-03-12"}).status_code == 302
    assert client.post(path, {"decision": "paid", "on": "2026-03-15"}).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.total) == ("paid", Decimal("44.50"))


def test_claim_resubmit_after_query(world, client_for):
    _c, claim = time_claim(world)
    actions.query_claim(by=None, claim=claim, note="Which bus?", on=DAY)
    response = client_for(world["member"]).post(
        reverse("recognition:claim_resubmit", args=[claim.pk])
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_receipt_download_owner(world, client_for):
    time_claim(world)
    expense = Expense.objects.get()
    response = client_for(world["member"]).get(reverse("recognition:receipt", args=[expense.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_rates_page_adds_version(world, client_for):
    response = client_for(world["admin"]).post(
        reverse("recognition:rates", args=[world["org"].slug]),
        {
            "activity_type": "meeting",
            "unit": "hour",
            "amount": "27.50",
            "valid_from": "2025-12-16",
            "source": "Board policy 2025",
        },
    )
    assert response.status_code == 302
    assert Rate.objects.get().amount == Decimal("27.50")


def test_totals_and_queue_pages(world, client_for, monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: datetime.date(2026, 12, 4))
    hourly_rate(world["org"])
    _c, claim = time_claim(world)
    actions.approve_claim(by=None, claim=claim, on=datetime.date(2026, 3, 12))
    actions.mark_paid(by=None, claim=claim, on=datetime.date(2026, 3, 20))
    client = client_for(world["finance"])
    totals = client.get(reverse("recognition:totals", args=[world["org"].slug])).content.decode()
    assert "In all, people gave 2.0 hours, were paid £44.50 and earned 0.0 hours" in totals
    queue = client.get(reverse("recognition:queue", args=[world["org"].slug])).content.decode()
    assert (
        "10.0 days (median), 10.0 days (90th percentile), over 2 items paid in the last 12 months."
        in queue
    )


def test_credits_gift_to_community_organisation(world, client_for):
    _c, claim = time_claim(world, minutes=120, expense=False, choice="time_credits")
    actions.approve_claim(by=None, claim=claim, on=DAY)
    from ..factories import OrganisationFactory

    community = OrganisationFactory(kind="community", name="Cyswllt")
    response = client_for(world["member"]).post(
        reverse("recognition:credits"), {"to_organisation": community.pk, "minutes": "45"}
    )
    assert response.status_code == 302
    assert actions.balance(actions.account_for(person=world["member"])) == 75
    assert actions.balance(actions.account_for(organisation=community)) == 45


def _paid_and_declined(world):
    hourly_rate(world["org"])
    _c, paid = time_claim(world)
    actions.approve_claim(by=None, claim=paid, on=datetime.date(2026, 3, 12))
    decliner = person_with_user(full_name="Dilys Declined")
    MembershipFactory(project=world["project"], person=decliner)
    _c, declined = time_claim(world, person=decliner, choice="decline")
    actions.approve_claim(by=None, claim=declined, on=datetime.date(2026, 3, 12))
    return paid


def test_export_csv_excludes_declined(world, client_for):
    paid = _paid_and_declined(world)
    response = client_for(world["finance"]).get(
        reverse("recognition:export_csv", args=[world["org"].slug])
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        [
            "Claim",
            "Name",
            "Payment route",
            "Choice",
            "Approved",
            "Paid",
            "Time",
            "Expenses",
            "Total",
        ],
        [
            str(paid.pk),
            "Mo Member",
            "Payroll",
            "Accept payment",
            "2026-03-12",
            "",
            "40.00",
            "4.50",
            "44.50",
        ],
    ]


def test_export_xlsx_excludes_declined(world, client_for):
    paid = _paid_and_declined(world)
    response = client_for(world["finance"]).get(
        reverse("recognition:export_xlsx", args=[world["org"].slug])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1:] == [
        [
            paid.pk,
            "Mo Member",
            "Payroll",
            "Accept payment",
            "2026-03-12",
            None,
            40,
            4.5,
            44.5,
        ],
    ]
    assert "Dilys Declined" not in str(rows)


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _claims(world, n):
    for i in range(n):
        person = person_with_user(full_name=f"Person {i}")
        MembershipFactory(project=world["project"], person=person)
        _c, claim = time_claim(world, person=person, choice="vouchers")
        if i % 2:
            actions.approve_claim(by=None, claim=claim, on=DAY)


@pytest.mark.parametrize(
    "name",
    [
        "recognition:queue",
        "recognition:totals",
        "recognition:export_csv",
        "recognition:export_xlsx",
    ],
)
def test_query_count_finance_pages_bounded(world, client_for, name):
    client = client_for(world["finance"])
    path = reverse(name, args=[world["org"].slug])
    hourly_rate(world["org"])
    _claims(world, 10)
    small = _count(client, path)
    _claims(world, 190)
    large = _count(client, path)
    assert large == small


def test_finance_queue_counts_items_of_shown_page_only(world, client_for):
    hourly_rate(world["org"])
    _claims(world, 30)
    client = client_for(world["finance"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("recognition:queue", args=[world["org"].slug]))
    assert response.status_code == 200
    assert response.content.decode().count("1 entry of time, 1 expense") == 25
    counting = [
        q["sql"]
        for q in ctx.captured_queries
        if 'COUNT(DISTINCT "recognition_contribution"' in q["sql"]
    ]
    assert len(counting) == 1
    assert '"recognition_claim"."id" IN (' in counting[0]
