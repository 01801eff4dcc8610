"""Recognition of contribution (docs/domain.md §7): time given, each person's choice about
payment, claims for time and expenses, rates as dated data, and a time-credit ledger."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.people.models import Organisation, Person
from coproduce.projects.models import Project


class ActivityType(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    PREPARATION = "preparation", _("Preparation")
    READING = "reading", _("Reading papers")
    TRAINING = "training", _("Training")
    CO_DELIVERY = "co_delivery", _("Co-delivery")
    PEER_SUPPORT = "peer_support", _("Peer support")
    INTERVIEW_PANEL = "interview_panel", _("Interview panel")
    VOLUNTEERING = "volunteering", _("Volunteering")


class Unit(models.TextChoices):
    HOUR = "hour", _("Hour")
    HALF_DAY = "half_day", _("Half day")
    DAY = "day", _("Day")
    ITEM = "item", _("Item")


class Settings(models.Model):
    """Per-organisation settings; a missing row means the defaults."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="recognition_settings"
    )
    target_days = models.PositiveIntegerField(_("target days from activity to payment"), default=30)

    def __str__(self) -> str:
        return f"recognition settings of {self.organisation_id}"


class Rate(models.Model):
    """One version of a rate. Never edited once applied: a change is a new row, and the old one
    gets a `valid_to` (the day before the new one starts)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="rates")
    activity_type = models.CharField(
        _("activity type"), max_length=20, choices=ActivityType.choices
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="GBP")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["activity_type", "-valid_from", "-id"]

    def __str__(self) -> str:
        return f"rate {self.pk} ({self.activity_type} from {self.valid_from})"


class Choice(models.TextChoices):
    PAYMENT = "payment", _("Accept payment")
    DECLINE = "decline", _("Decline payment")
    VOUCHERS = "vouchers", _("Vouchers")
    TIME_CREDITS = "time_credits", _("Time credits")


class Route(models.TextChoices):
    PAYROLL = "payroll", _("Payroll")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    VOUCHER = "voucher", _("Voucher")


class PaymentChoice(models.Model):
    """What a person has chosen. Bank details are never stored here: finance holds them in
    its own payroll or payments system."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="payment_choice")
    choice = models.CharField(_("choice"), max_length=15, choices=Choice.choices)
    route = models.CharField(_("payment route"), max_length=15, choices=Route.choices, blank=True)
    benefits_acknowledged_on = models.DateField(
        _("benefits advice acknowledged"), null=True, blank=True
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"payment choice of person {self.person_id}"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    QUERIED = "queried", _("Queried")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")


class Claim(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="claims")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="claims")
    # The person's choice when they claimed: a later change does not rewrite this claim.
    choice = models.CharField(_("choice"), max_length=15, choices=Choice.choices)
    route = models.CharField(_("payment route"), max_length=15, choices=Route.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    submitted_on = models.DateField(_("submitted"))
    queried_on = models.DateField(_("queried"), null=True, blank=True)
    query_note = models.TextField(_("query"), blank=True)
    approved_on = models.DateField(_("approved"), null=True, blank=True)
    paid_on = models.DateField(_("paid"), null=True, blank=True)
    time_amount = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    expenses_amount = models.DecimalField(max_digits=10, decimal_places=2, default=0)

    class Meta:
        ordering = ["submitted_on", "id"]
        # The finance queue's counts and its timeliness figure (claims paid in a window).
        indexes = [
            models.Index(
                fields=["organisation", "status", "paid_on", "choice"], name="claim_org_status_paid"
            )
        ]

    def __str__(self) -> str:
        return f"claim {self.pk}"

    @property
    def total(self):
        return self.time_amount + self.expenses_amount


class Contribution(models.Model):
    """Time given: to a project, or to an organisation directly (volunteering)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contributions")
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("project"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("organisation"),
    )
    activity_type = models.CharField(
        _("activity type"), max_length=20, choices=ActivityType.choices
    )
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("time given, in minutes"))
    preparation_minutes = models.PositiveIntegerField(_("preparation, in minutes"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    perspective = models.CharField(max_length=20, blank=True)
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="contributions"
    )
    # Fixed when the claim is approved (the rate valid on `date`), never recomputed.
    rate = models.ForeignKey(
        Rate, on_delete=models.PROTECT, null=True, blank=True, related_name="applied_to"
    )
    rate_amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    recorded_by_label = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        # Timeliness reads each paid claim's dates from the index alone (selectors.timeliness).
        indexes = [
            models.Index(fields=["claim", "date", "organisation"], name="contribution_claim_date")
        ]

    def __str__(self) -> str:
        return f"contribution {self.pk}"

    @property
    def total_minutes(self) -> int:
        return self.minutes + self.preparation_minutes


class ExpenseKind(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    SUBSISTENCE = "subsistence", _("Subsistence")
    CARE = "care", _("Care and carer costs")


def receipt_path(instance, filename: str) -> str:
    return f"receipts/{instance.person_id}/{uuid.uuid4().hex}/{filename}"


class Expense(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="expenses")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="expenses",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("type of expense"), max_length=15, choices=ExpenseKind.choices)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)
    description = models.CharField(_("description"), max_length=300)
    receipt = models.FileField(_("receipt"), upload_to=receipt_path, max_length=300, blank=True)
    receipt_type = models.CharField(max_length=50, blank=True)
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="expenses"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"expense {self.pk}"


class Account(models.Model):
    """A time-credit account: a person's, an organisation's, or an organisation's issuing account
    (where earned credits come from, so it runs negative by design and has no limit)."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="credit_account"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    is_issuer = models.BooleanField(default=False)
    # How far below zero the balance may go, in minutes; None = no limit (issuers only).
    overdraft_minutes = models.PositiveIntegerField(null=True, blank=True, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "is_issuer"],
                condition=models.Q(organisation__isnull=False),
                name="recognition_one_account_per_org_kind",
            )
        ]

    def __str__(self) -> str:
        return f"account {self.pk}"


class Transfer(models.Model):
    """Written once; a reversal is a new transfer pointing at the one it reverses."""

    reason = models.CharField(max_length=300, blank=True)
    contribution = models.ForeignKey(
        Contribution, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    made_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"transfer {self.pk}"


class Movement(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="movements")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="movements")
    minutes = models.IntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"movement {self.pk}"
