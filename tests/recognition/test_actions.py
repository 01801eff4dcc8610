import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from coproduce.core.models import AuditEvent
from coproduce.recognition import actions, reminders
from coproduce.recognition.models import Claim, Contribution, Expense, Rate

from .helpers import DAY, PDF, hourly_rate, time_claim

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    "day,expected",
    [
        (datetime.date(2026, 1, 1), Decimal("20.00")),  # first valid day of the old rate
        (datetime.date(2026, 3, 9), Decimal("20.00")),  # last valid day of the old rate
        (datetime.date(2026, 3, 10), Decimal("22.00")),  # first valid day of the new rate
    ],
)
def test_rate_selection_boundaries(world, day, expected):
    hourly_rate(world["org"])
    hourly_rate(world["org"], amount="22.00", valid_from=datetime.date(2026, 3, 10))
    assert actions.rate_on(world["org"], "meeting", day).amount == expected
    assert actions.rate_on(world["org"], "meeting", datetime.date(2025, 12, 31)) is None


def test_rate_changed_after_activity_before_approval_uses_activity_date_and_stays(world):
    old = hourly_rate(world["org"])
    contribution, claim = time_claim(world, day=datetime.date(2026, 2, 1), expense=False)
    # The rate changes after the activity but before approval.
    hourly_rate(world["org"], amount="22.00", valid_from=datetime.date(2026, 2, 2))
    actions.approve_claim(by=None, claim=claim, on=datetime.date(2026, 3, 1))
    contribution.refresh_from_db()
    assert (contribution.rate_id, contribution.rate_amount, contribution.amount) == (
        old.pk,
        Decimal("20.00"),
        Decimal("40.00"),
    )
    # A later version cannot cut short a rate already applied on that date.
    with pytest.raises(ValidationError):
        hourly_rate(world["org"], amount="30.00", valid_from=datetime.date(2026, 2, 1))
    contribution.refresh_from_db()
    assert contribution.amount == Decimal("40.00")


def test_set_rate_new_version_closes_previous(world):
    first = hourly_rate(world["org"])
    hourly_rate(world["org"], amount="22.00", valid_from=datetime.date(2026, 6, 1))
    first.refresh_from_db()
    assert first.valid_to == datetime.date(2026, 5, 31)
    assert Rate.objects.count() == 2


def test_load_rates_example_file_twice_loads_once(world):
    loaded = actions.load_rates(by=None, organisation=world["org"])
    assert len(loaded) == 15
    assert actions.load_rates(by=None, organisation=world["org"]) == []
    assert actions.rate_on(world["org"], "meeting", datetime.date(2025, 12, 16)).amount == Decimal(
        "27.50"
    )


def test_set_choice_payment_needs_benefits_acknowledgement(world):
    with pytest.raises(ValidationError) as exc:
        actions.set_choice(by=None, person=world["member"], choice="payment", route="payroll")
    assert "benefits_acknowledged" in exc.value.error_dict
    row = actions.set_choice(
        by=None,
        person=world["member"],
        choice="payment",
        route="payroll",
        benefits_acknowledged=True,
        acknowledged_on=datetime.date(2026, 1, 5),
    )
    assert row.benefits_acknowledged_on == datetime.date(2026, 1, 5)


def test_claim_states_submitted_queried_resubmitted_approved_paid(world):
    hourly_rate(world["org"])
    _contribution, claim = time_claim(world)
    actions.query_claim(by=None, claim=claim, note="Receipt?", on=datetime.date(2026, 3, 12))
    assert claim.status == "queried"
    actions.resubmit_claim(by=None, claim=claim, on=datetime.date(2026, 3, 13))
    actions.approve_claim(by=None, claim=claim, on=datetime.date(2026, 3, 14))
    actions.mark_paid(by=None, claim=claim, on=datetime.date(2026, 3, 20))
    claim.refresh_from_db()
    assert (claim.status, claim.time_amount, claim.expenses_amount, claim.paid_on) == (
        "paid",
        Decimal("40.00"),
        Decimal("4.50"),
        datetime.date(2026, 3, 20),
    )
    with pytest.raises(ValidationError):
        actions.mark_paid(by=None, claim=claim)


def test_approve_time_credits_earns_minutes(world):
    _contribution, claim = time_claim(world, minutes=90, expense=False, choice="time_credits")
    actions.approve_claim(by=None, claim=claim, on=datetime.date(2026, 3, 11))
    account = actions.account_for(person=world["member"])
    assert actions.balance(account) == 90


def test_declined_person_claims_only_expenses(world):
    _contribution, claim = time_claim(world, choice="decline")
    assert (claim.contributions.count(), claim.expenses.count()) == (0, 1)


def test_finance_cannot_edit_time_records(world):
    contribution = actions.record_contribution(
        by=world["member"].user,
        person=world["member"],
        project=world["project"],
        activity_type="meeting",
        date=DAY,
        minutes=60,
    )
    with pytest.raises(PermissionDenied):
        actions.update_contribution(
            by=world["finance"].user,
            contribution=contribution,
            activity_type="meeting",
            date=DAY,
            minutes=600,
        )
    contribution.refresh_from_db()
    assert contribution.minutes == 60


def test_cochair_records_for_member_audited_on_behalf(world):
    contribution = actions.record_contribution(
        by=world["cochair"].user,
        person=world["member"],
        project=world["project"],
        activity_type="meeting",
        date=DAY,
        minutes=60,
    )
    event = AuditEvent.objects.get(action="contribution.record")
    assert (event.on_behalf_of_id, event.object_id) == (world["member"].pk, str(contribution.pk))


def test_member_cannot_record_for_someone_else(world):
    with pytest.raises(PermissionDenied):
        actions.record_contribution(
            by=world["member"].user,
            person=world["cochair"],
            project=world["project"],
            activity_type="meeting",
            date=DAY,
            minutes=60,
        )
    assert Contribution.objects.count() == 0


def _receipts_stored():
    root = Path(settings.MEDIA_ROOT) / "receipts"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(
    "upload,message",
    [
        (
            SimpleUploadedFile("receipt.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
            "The file's contents do not match its type (.pdf).",
        ),
        (
            SimpleUploadedFile("receipt.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024)),
            "The receipt must be smaller than 5.0 MB.",
        ),
        (
            SimpleUploadedFile("receipt.exe", PDF),
            "The receipt must be a PDF, PNG or JPEG file.",
        ),
    ],
)
def test_add_expense_malicious_upload_refused_nothing_stored(world, upload, message):
    before = _receipts_stored()
    with pytest.raises(ValidationError) as exc:
        actions.add_expense(
            by=None,
            person=world["member"],
            organisation=world["org"],
            kind="travel",
            date=DAY,
            amount="3.00",
            description="Bus",
            upload=upload,
        )
    assert exc.value.message_dict == {"upload": [message]}
    assert Expense.objects.count() == 0
    assert _receipts_stored() == before


def test_reminders_due_for_claim_past_target(world):
    hourly_rate(world["org"])
    _contribution, claim = time_claim(world)
    now = datetime.datetime(2026, 4, 10, 9, tzinfo=datetime.UTC)  # 31 days after DAY
    due = list(reminders.due(now))
    assert [(r.kind, r.object_key, r.person) for r in due] == [
        ("claim_overdue", f"claim:{claim.pk}", world["finance"])
    ]
    assert list(reminders.due(datetime.datetime(2026, 4, 8, tzinfo=datetime.UTC))) == []


def test_pending_for_queried_claim(world):
    _contribution, claim = time_claim(world, choice="vouchers")
    actions.query_claim(by=None, claim=claim, note="Which bus?", on=DAY)
    assert [p.url for p in reminders.pending_for(world["member"])] == [
        f"/recognition/claims/{claim.pk}/"
    ]


def test_personal_data_export_lists_claims_without_bank_details(world):
    from coproduce.recognition.personal_data import export_for

    _contribution, claim = time_claim(world)
    data = export_for(world["member"])
    assert data["recognition_choice"] == {
        "choice": "payment",
        "route": "payroll",
        "benefits_acknowledged_on": "2026-01-02",
    }
    assert [c["status"] for c in data["claims"]] == ["submitted"]
    assert Claim.objects.count() == 1
