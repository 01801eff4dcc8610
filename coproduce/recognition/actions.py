"""Every write about recognition. Dates are keywords (defaulting to today) so records entered
after the event, and the demo, can give the real date; no date may be in the future."""

import datetime
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from coproduce.core import audit
from coproduce.projects.models import Membership

from . import figures, selectors
from .models import (
    Account,
    Choice,
    Claim,
    ClaimStatus,
    Contribution,
    Expense,
    Movement,
    PaymentChoice,
    Rate,
    Route,
    Settings,
    Transfer,
)
from .receipts import check_receipt
from .selectors import rate_on

CONTRIBUTION_FIELDS = (
    "person",
    "project",
    "organisation",
    "activity_type",
    "date",
    "minutes",
    "preparation_minutes",
    "notes",
)
RATE_FIELDS = ("organisation", "activity_type", "unit", "amount", "currency", "valid_from")
CHOICE_FIELDS = ("choice", "route", "benefits_acknowledged_on")
EXPENSE_FIELDS = ("person", "organisation", "kind", "date", "amount", "description")
CLAIM_FIELDS = ("person", "organisation", "choice", "route", "submitted_on")
RATES_FILE = Path(__file__).parent / "rates" / "example.yaml"


def _today(day):
    day = day or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    return day


# Rates


@transaction.atomic
def set_rate(
    *, by, organisation, activity_type, unit, amount, valid_from, source, currency="GBP"
) -> Rate:
    """A new version of the rate for an activity. The current version (if any) ends the day
    before; a version already applied to a contribution on or after `valid_from` cannot be cut
    short, because that would change what was paid."""
    rate = Rate(
        organisation=organisation,
        activity_type=activity_type,
        unit=unit,
        amount=Decimal(amount),
        currency=currency,
        valid_from=valid_from,
        source=source.strip(),
    )
    rate.full_clean(exclude=["organisation"])
    if rate.amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    previous = (
        Rate.objects.select_for_update()
        .filter(organisation=organisation, activity_type=activity_type, valid_to__isnull=True)
        .first()
    )
    if previous is not None:
        if previous.valid_from >= valid_from:
            raise ValidationError(
                {"valid_from": _("A new rate must start after the current one started.")}
            )
        if previous.applied_to.filter(date__gte=valid_from).exists():
            raise ValidationError(
                {
                    "valid_from": _(
                        "The current rate has already been applied on or after this date."
                    )
                }
            )
        previous.valid_to = valid_from - datetime.timedelta(days=1)
        previous.save(update_fields=["valid_to"])
        audit.record(
            by=by,
            action="rate.close",
            obj=previous,
            changes={"valid_to": [None, previous.valid_to.isoformat()]},
        )
    rate.save()
    audit.record(by=by, action="rate.set", obj=rate, changes=audit.created(rate, RATE_FIELDS))
    return rate


@transaction.atomic
def load_rates(*, by, organisation, path=RATES_FILE) -> list[Rate]:
    """Load a rates file for an organisation; versions already there are skipped."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    loaded = []
    for item in data["rates"]:
        valid_from = datetime.date.fromisoformat(str(item["valid_from"]))
        if Rate.objects.filter(
            organisation=organisation,
            activity_type=item["activity_type"],
            valid_from=valid_from,
        ).exists():
            continue
        loaded.append(
            set_rate(
                by=by,
                organisation=organisation,
                activity_type=item["activity_type"],
                unit=item["unit"],
                amount=Decimal(str(item["amount"])),
                currency=data.get("currency", "GBP"),
                valid_from=valid_from,
                source=data["source"],
            )
        )
    return loaded


@transaction.atomic
def set_target_days(*, by, organisation, target_days: int) -> Settings:
    settings, _created = Settings.objects.get_or_create(organisation=organisation)
    before = audit.snapshot(settings, ["target_days"])
    settings.target_days = target_days
    settings.full_clean(exclude=["organisation"])
    settings.save()
    audit.record(
        by=by,
        action="recognition_settings.update",
        obj=settings,
        changes=audit.diff(before, audit.snapshot(settings, ["target_days"])),
    )
    return settings


# The person's choice


@transaction.atomic
def set_choice(
    *, by, person, choice, route="", benefits_acknowledged=False, acknowledged_on=None
) -> PaymentChoice:
    if choice not in Choice.values:
        raise ValidationError({"choice": _("Choose how you would like to be recognised.")})
    if route and route not in Route.values:
        raise ValidationError({"route": _("Choose a payment route.")})
    if choice == Choice.PAYMENT and not route:
        raise ValidationError({"route": _("Choose how you would like to be paid.")})
    if choice == Choice.VOUCHERS:
        route = Route.VOUCHER
    if choice in (Choice.DECLINE, Choice.TIME_CREDITS):
        route = ""
    current = PaymentChoice.objects.filter(person=person).first()
    before = audit.snapshot(current, CHOICE_FIELDS) if current else {}
    row = current or PaymentChoice(person=person)
    if benefits_acknowledged and row.benefits_acknowledged_on is None:
        row.benefits_acknowledged_on = _today(acknowledged_on)
    if choice == Choice.PAYMENT and row.benefits_acknowledged_on is None:
        raise ValidationError(
            {
                "benefits_acknowledged": _(
                    "Before you accept a payment, confirm that you have read the information "
                    "about benefits and tax."
                )
            }
        )
    row.choice = choice
    row.route = route
    row.updated_at = timezone.now()
    row.save()
    changes = audit.diff(before, audit.snapshot(row, CHOICE_FIELDS))
    audit.record(
        by=by,
        action="payment_choice.set",
        obj=row,
        changes=changes,
        on_behalf_of=person if getattr(by, "pk", None) != person.user_id else None,
    )
    return row


# Time and expenses


def _can_record_for(by, person, project, organisation) -> bool:
    from coproduce.people.roles import roles_for
    from coproduce.projects.rules import can_manage

    roles = roles_for(by)
    if roles.person_id == person.pk:
        return True
    if project is not None:
        return can_manage(by, project)
    return roles.superuser or organisation.pk in roles.managing_orgs


def _validate_contribution(contribution) -> None:
    """The rules a contribution keeps whether it is recorded or changed afterwards."""
    contribution.full_clean(exclude=["person", "project", "organisation", "claim", "rate"])
    if contribution.date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if contribution.total_minutes <= 0:
        raise ValidationError({"minutes": _("Enter the time given, in minutes.")})


@transaction.atomic
def record_contribution(
    *,
    by,
    person,
    activity_type,
    date,
    minutes,
    preparation_minutes=0,
    notes="",
    project=None,
    organisation=None,
) -> Contribution:
    """Members record their own time; co-chairs and leads record it for others (from paper), and
    the audit trail says on whose behalf."""
    if project is None and organisation is None:
        raise ValidationError({"project": _("Choose the project or organisation.")})
    perspective = ""
    if project is not None:
        membership = Membership.objects.filter(project=project, person=person).first()
        if membership is None:
            raise ValidationError({"person": _("The person must be a member of this project.")})
        perspective = membership.perspective
        orgs = list(project.organisations.all())
        if organisation is None:
            # Nobody chose: the organisation that can pay for this time (a rate for it, and
            # someone to process claims), never simply the first of the project's partners.
            organisation = selectors.paying_organisation(project, activity_type, date)
        if organisation is None or organisation not in orgs:
            raise ValidationError({"organisation": _("Choose one of the project's organisations.")})
    if by is not None and not _can_record_for(by, person, project, organisation):
        raise PermissionDenied
    if not perspective:
        first = person.perspectives.first()
        perspective = first.code if first else ""
    contribution = Contribution(
        person=person,
        project=project,
        organisation=organisation,
        activity_type=activity_type,
        date=date,
        minutes=minutes or 0,
        preparation_minutes=preparation_minutes or 0,
        notes=notes.strip(),
        perspective=perspective,
        recorded_by_label=getattr(by, "email", "") if by is not None else "",
    )
    _validate_contribution(contribution)
    contribution.save()
    audit.record(
        by=by,
        action="contribution.record",
        obj=contribution,
        changes=audit.created(contribution, CONTRIBUTION_FIELDS),
        on_behalf_of=person if getattr(by, "pk", None) != person.user_id else None,
    )
    return contribution


def _editable(contribution) -> bool:
    return contribution.claim_id is None or contribution.claim.status == ClaimStatus.QUERIED


@transaction.atomic
def update_contribution(
    *, by, contribution, activity_type, date, minutes, preparation_minutes=0, notes=""
) -> Contribution:
    """Only the contributor or the people who may record for them; never finance, who approve
    what was recorded and must not change it."""
    if not _can_record_for(
        by, contribution.person, contribution.project, contribution.organisation
    ):
        raise PermissionDenied
    if not _editable(contribution):
        raise ValidationError(_("This time is part of a claim and can no longer be changed."))
    before = audit.snapshot(contribution, CONTRIBUTION_FIELDS)
    contribution.activity_type = activity_type
    contribution.date = date
    contribution.minutes = minutes or 0
    contribution.preparation_minutes = preparation_minutes or 0
    contribution.notes = notes.strip()
    _validate_contribution(contribution)
    contribution.save()
    audit.record(
        by=by,
        action="contribution.update",
        obj=contribution,
        changes=audit.diff(before, audit.snapshot(contribution, CONTRIBUTION_FIELDS)),
        on_behalf_of=contribution.person
        if getattr(by, "pk", None) != contribution.person.user_id
        else None,
    )
    return contribution


@transaction.atomic
def add_expense(
    *, by, person, organisation, kind, date, amount, description, upload=None
) -> Expense:
    expense = Expense(
        person=person,
        organisation=organisation,
        kind=kind,
        date=date,
        amount=amount,
        description=description.strip(),
    )
    expense.full_clean(exclude=["person", "organisation", "receipt", "claim"])
    if expense.date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if expense.amount <= 0:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    if upload is not None:
        # Checked before anything is written: a refused file leaves no row and no file.
        expense.receipt_type = check_receipt(upload)
        expense.receipt.save(upload.name, upload, save=False)
    try:
        expense.save()
        audit.record(
            by=by,
            action="expense.add",
            obj=expense,
            changes=audit.created(expense, EXPENSE_FIELDS),
            on_behalf_of=person if getattr(by, "pk", None) != person.user_id else None,
        )
    except Exception:
        if expense.receipt:
            expense.receipt.delete(save=False)
        raise
    return expense


# Claims


@transaction.atomic
def submit_claim(*, by, person, organisation, submitted_on=None) -> Claim:
    """Everything not yet claimed for this organisation goes into one claim. Someone who has
    declined payment still claims expenses: nobody is left out of pocket."""
    submitted_on = _today(submitted_on)
    choice = PaymentChoice.objects.filter(person=person).first()
    if choice is None:
        raise ValidationError(_("Say first how you would like to be recognised."))
    contributions = Contribution.objects.select_for_update().filter(
        person=person, organisation=organisation, claim__isnull=True
    )
    expenses = Expense.objects.select_for_update().filter(
        person=person, organisation=organisation, claim__isnull=True
    )
    if choice.choice == Choice.DECLINE:
        contributions = contributions.none()
    contributions, expenses = list(contributions), list(expenses)
    if not contributions and not expenses:
        raise ValidationError(_("There is nothing to claim yet."))
    # Every claim sent must be in someone's finance queue.
    if organisation.pk not in selectors.handling_claims([organisation.pk]):
        raise ValidationError(
            {
                "organisation": _(
                    "Nobody at %(organisation)s processes claims yet, so this claim could not "
                    "be dealt with. Ask them to name a finance officer."
                )
                % {"organisation": organisation.name}
            }
        )
    # Time to be paid needs a rate: a claim must never go out at £0.00 with no rate.
    if choice.choice in (Choice.PAYMENT, Choice.VOUCHERS):
        missing = selectors.unpriced(organisation, contributions)
        if missing:
            first = missing[0]
            raise ValidationError(
                {
                    "organisation": _(
                        "%(organisation)s has no rate for %(activity)s on %(date)s, so this "
                        "time cannot be paid yet. Ask its finance team to add one, then send "
                        "the claim."
                    )
                    % {
                        "organisation": organisation.name,
                        "activity": first.get_activity_type_display(),
                        "date": formats.date_format(first.date, "j F Y"),
                    }
                }
            )
    claim = Claim(
        person=person,
        organisation=organisation,
        choice=choice.choice,
        route=choice.route,
        submitted_on=submitted_on,
        expenses_amount=sum((e.amount for e in expenses), Decimal(0)),
    )
    claim.save()
    Contribution.objects.filter(pk__in=[c.pk for c in contributions]).update(claim=claim)
    Expense.objects.filter(pk__in=[e.pk for e in expenses]).update(claim=claim)
    audit.record(
        by=by,
        action="claim.submit",
        obj=claim,
        changes=audit.created(claim, CLAIM_FIELDS)
        | {"contributions": [None, len(contributions)], "expenses": [None, len(expenses)]},
        on_behalf_of=person if getattr(by, "pk", None) != person.user_id else None,
    )
    return claim


def _status(claim, *allowed):
    if claim.status not in allowed:
        raise ValidationError(_("This claim cannot be changed in its current state."))


@transaction.atomic
def query_claim(*, by, claim, note, on=None) -> Claim:
    _status(claim, ClaimStatus.SUBMITTED)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what needs to be checked.")})
    claim.status, claim.queried_on, claim.query_note = ClaimStatus.QUERIED, _today(on), note
    claim.save(update_fields=["status", "queried_on", "query_note"])
    audit.record(
        by=by, action="claim.query", obj=claim, changes={"status": ["submitted", "queried"]}
    )
    return claim


@transaction.atomic
def resubmit_claim(*, by, claim, on=None) -> Claim:
    _status(claim, ClaimStatus.QUERIED)
    claim.status, claim.submitted_on = ClaimStatus.SUBMITTED, _today(on)
    claim.save(update_fields=["status", "submitted_on"])
    audit.record(
        by=by, action="claim.resubmit", obj=claim, changes={"status": ["queried", "submitted"]}
    )
    return claim


@transaction.atomic
def approve_claim(*, by, claim, on=None) -> Claim:
    """Fixes the rate valid on each activity's date, and the amount; credits time for people who
    chose time credits. Nothing here is recomputed later, whatever happens to the rates."""
    _status(claim, ClaimStatus.SUBMITTED)
    on = _today(on)
    contributions = list(claim.contributions.all())
    total = Decimal(0)
    if claim.choice in (Choice.PAYMENT, Choice.VOUCHERS):
        for c in contributions:
            rate = rate_on(claim.organisation, c.activity_type, c.date)
            if rate is None:
                raise ValidationError(
                    _("There is no rate for %(activity)s on %(date)s. Add one first.")
                    % {"activity": c.get_activity_type_display(), "date": c.date.isoformat()}
                )
            c.rate, c.rate_amount = rate, rate.amount
            c.amount = figures.amount_for(c.total_minutes, rate.unit, rate.amount)
            c.save(update_fields=["rate", "rate_amount", "amount"])
            total += c.amount
    elif claim.choice == Choice.TIME_CREDITS:
        issuer = account_for(organisation=claim.organisation, issuer=True)
        account = account_for(person=claim.person)
        for c in contributions:
            _transfer(
                source=issuer,
                target=account,
                minutes=c.total_minutes,
                reason=_("Time given"),
                contribution=c,
                made_on=on,
            )
    claim.status, claim.approved_on, claim.time_amount = ClaimStatus.APPROVED, on, total
    claim.save(update_fields=["status", "approved_on", "time_amount"])
    audit.record(
        by=by,
        action="claim.approve",
        obj=claim,
        changes={"status": ["submitted", "approved"], "time_amount": [None, str(total)]},
    )
    return claim


@transaction.atomic
def mark_paid(*, by, claim, on=None) -> Claim:
    _status(claim, ClaimStatus.APPROVED)
    on = _today(on)
    if on < claim.approved_on:
        raise ValidationError(_("A claim cannot be paid before it was approved."))
    claim.status, claim.paid_on = ClaimStatus.PAID, on
    claim.save(update_fields=["status", "paid_on"])
    audit.record(by=by, action="claim.pay", obj=claim, changes={"status": ["approved", "paid"]})
    return claim


# Time credits


@transaction.atomic
def account_for(*, person=None, organisation=None, issuer=False) -> Account:
    """The account of a person or organisation, opened on first use (limit 0)."""
    if person is not None:
        account, _created = Account.objects.get_or_create(person=person)
    else:
        account, _created = Account.objects.get_or_create(
            organisation=organisation,
            is_issuer=issuer,
            defaults={"overdraft_minutes": None if issuer else 0},
        )
    return account


def balance(account) -> int:
    return account.movements.aggregate(total=Sum("minutes"))["total"] or 0


def _transfer(
    *, source, target, minutes, reason="", contribution=None, reverses=None, made_on=None
):
    if minutes <= 0:
        raise ValidationError({"minutes": _("Enter a number of minutes greater than zero.")})
    if source.pk == target.pk:
        raise ValidationError(_("Credits cannot be moved to the same account."))
    # Lock the source so two transfers cannot both pass the overdraft check.
    source = Account.objects.select_for_update().get(pk=source.pk)
    if (
        source.overdraft_minutes is not None
        and balance(source) - minutes < -source.overdraft_minutes
    ):
        raise ValidationError({"minutes": _("There are not enough time credits for this.")})
    transfer = Transfer.objects.create(
        reason=reason[:300],
        contribution=contribution,
        reverses=reverses,
        made_on=made_on or timezone.localdate(),
    )
    Movement.objects.bulk_create(
        [
            Movement(transfer=transfer, account=source, minutes=-minutes),
            Movement(transfer=transfer, account=target, minutes=minutes),
        ]
    )
    return transfer


@transaction.atomic
def give_credits(
    *,
    by,
    from_person=None,
    from_organisation=None,
    to_person=None,
    to_organisation=None,
    minutes,
    reason="",
    made_on=None,
) -> Transfer:
    """Spend or gift credits: from a person (or organisation) to another person or a
    community organisation."""
    source = account_for(person=from_person, organisation=from_organisation)
    if to_person is None and to_organisation is None:
        raise ValidationError(_("Choose who receives the credits."))
    target = account_for(person=to_person, organisation=to_organisation)
    transfer = _transfer(
        source=source, target=target, minutes=minutes, reason=reason, made_on=_today(made_on)
    )
    audit.record(
        by=by, action="credits.transfer", obj=transfer, changes={"minutes": [None, minutes]}
    )
    return transfer


@transaction.atomic
def reverse_transfer(*, by, transfer, reason="") -> Transfer:
    """A new transfer the other way; the original is never edited."""
    if Transfer.objects.filter(reverses=transfer).exists():
        raise ValidationError(_("This transfer has already been reversed."))
    if transfer.reverses_id is not None:
        raise ValidationError(_("A reversal cannot itself be reversed."))
    moves = list(transfer.movements.select_related("account"))
    out = next(m for m in moves if m.minutes < 0)
    into = next(m for m in moves if m.minutes > 0)
    reversal = _transfer(
        source=into.account,
        target=out.account,
        minutes=into.minutes,
        reason=reason or _("Reversal"),
        reverses=transfer,
    )
    audit.record(
        by=by,
        action="credits.reverse",
        obj=reversal,
        changes={"reverses": [None, transfer.pk]},
    )
    return reversal


@transaction.atomic
def set_overdraft(*, by, account, minutes) -> Account:
    """How far below zero an account may go (the default is 0: no overdraft)."""
    old = account.overdraft_minutes
    account.overdraft_minutes = minutes
    account.save(update_fields=["overdraft_minutes"])
    audit.record(
        by=by, action="account.overdraft", obj=account, changes={"overdraft": [old, minutes]}
    )
    return account
