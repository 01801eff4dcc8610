"""Reads for recognition pages, each a fixed number of queries."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from coproduce.people.models import Organisation

from . import figures
from .models import Account, Choice, Claim, ClaimStatus, Contribution, Expense, Movement


def statement(person) -> dict:
    contributions = list(
        Contribution.objects.filter(person=person)
        .select_related("project", "organisation", "claim")
        .order_by("-date", "-id")[:200]
    )
    expenses = list(
        Expense.objects.filter(person=person)
        .select_related("organisation", "claim")
        .order_by("-date", "-id")[:200]
    )
    claims = list(
        Claim.objects.filter(person=person)
        .select_related("organisation")
        .annotate(n_contributions=Count("contributions", distinct=True))
        .order_by("-submitted_on", "-id")
    )
    given = Contribution.objects.filter(person=person).aggregate(
        m=Sum("minutes"), p=Sum("preparation_minutes")
    )
    paid = Claim.objects.filter(person=person, status=ClaimStatus.PAID).aggregate(
        t=Sum("time_amount"), e=Sum("expenses_amount")
    )
    account = Account.objects.filter(person=person).first()
    credited = (
        Movement.objects.filter(account=account, minutes__gt=0).aggregate(s=Sum("minutes"))["s"]
        if account
        else None
    )
    balance = (
        Movement.objects.filter(account=account).aggregate(s=Sum("minutes"))["s"]
        if account
        else None
    )
    return {
        "contributions": contributions,
        "expenses": expenses,
        "claims": claims,
        "minutes_given": (given["m"] or 0) + (given["p"] or 0),
        "paid_amount": (paid["t"] or Decimal(0)) + (paid["e"] or Decimal(0)),
        "credited_minutes": credited or 0,
        "balance_minutes": balance or 0,
        "unclaimed": Contribution.objects.filter(person=person, claim__isnull=True).count()
        + Expense.objects.filter(person=person, claim__isnull=True).count(),
    }


def finance_queue(organisation, status=""):
    claims = (
        Claim.objects.filter(organisation=organisation)
        .select_related("person")
        .annotate(
            n_contributions=Count("contributions", distinct=True),
            n_expenses=Count("expenses", distinct=True),
        )
        .order_by("submitted_on", "id")
    )
    if status:
        claims = claims.filter(status=status)
    return claims


def export_rows(organisation):
    """Approved and paid claims to pay in money, never anyone who declined payment (nor time
    credits, which are not money). One query, streamed."""
    return (
        Claim.objects.filter(
            organisation=organisation, status__in=[ClaimStatus.APPROVED, ClaimStatus.PAID]
        )
        .exclude(choice=Choice.DECLINE)
        .exclude(person__payment_choice__choice=Choice.DECLINE)
        .select_related("person")
        .order_by("approved_on", "id")
        .iterator(chunk_size=500)
    )


def days_to_payment(organisation) -> list[int]:
    """For each paid piece of time or expense: days from the activity to the payment."""
    days = []
    money = [Choice.PAYMENT, Choice.VOUCHERS]  # credits and declined time are not payments
    for queryset in (
        Contribution.objects.filter(claim__choice__in=money),
        Expense.objects.all(),
    ):
        rows = queryset.filter(
            organisation=organisation, claim__status=ClaimStatus.PAID
        ).values_list("date", "claim__paid_on")
        days.extend((paid - done).days for done, paid in rows)
    return days


def timeliness(organisation) -> dict:
    return figures.timeliness(days_to_payment(organisation))


def totals(organisation) -> dict:
    """Hours given by perspective, paid amounts and credits, per year and month."""
    by_month = defaultdict(lambda: {"minutes": 0, "paid": Decimal(0), "credits": 0})
    by_perspective = defaultdict(int)
    for day, perspective, minutes, prep in Contribution.objects.filter(
        organisation=organisation
    ).values_list("date", "perspective", "minutes", "preparation_minutes"):
        by_month[(day.year, day.month)]["minutes"] += minutes + prep
        by_perspective[perspective or ""] += minutes + prep
    for paid_on, t, e in Claim.objects.filter(
        organisation=organisation, status=ClaimStatus.PAID
    ).values_list("paid_on", "time_amount", "expenses_amount"):
        by_month[(paid_on.year, paid_on.month)]["paid"] += t + e
    for day, minutes in Movement.objects.filter(
        transfer__contribution__organisation=organisation, minutes__gt=0
    ).values_list("transfer__made_on", "minutes"):
        by_month[(day.year, day.month)]["credits"] += minutes
    months = [{"year": y, "month": m, **values} for (y, m), values in sorted(by_month.items())]
    return {
        "months": months,
        "perspectives": sorted(by_perspective.items(), key=lambda kv: -kv[1]),
        "minutes": sum(r["minutes"] for r in months),
        "paid": sum((r["paid"] for r in months), Decimal(0)),
        "credits": sum(r["credits"] for r in months),
    }


def waiting_counts(organisation) -> dict:
    return Claim.objects.filter(organisation=organisation).aggregate(
        submitted=Count("id", filter=Q(status=ClaimStatus.SUBMITTED)),
        queried=Count("id", filter=Q(status=ClaimStatus.QUERIED)),
        approved=Count("id", filter=Q(status=ClaimStatus.APPROVED)),
        paid=Count("id", filter=Q(status=ClaimStatus.PAID)),
    )


def finance_organisations(roles):
    ids = roles.finance_orgs | roles.admin_orgs
    return Organisation.objects.filter(pk__in=ids).order_by("name")
