"""Reads for recognition pages, each a fixed number of queries."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, Count, F, Func, IntegerField, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from coproduce.people.models import Organisation, OrganisationLink, OrganisationRole

from . import figures
from .models import Account, Choice, Claim, ClaimStatus, Contribution, Expense, Movement, Rate

# Who works through an organisation's claims (the roles `rules.runs_finance` lets in).
CLAIM_HANDLERS = (OrganisationRole.FINANCE, OrganisationRole.ADMIN)
# The finance queue opens on what needs someone: claims sent, then approved and waiting for
# payment, then queried (waiting for the contributor, so last).
NEEDS_ACTION = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.QUERIED)


def rate_on(organisation, activity_type, day) -> Rate | None:
    """The version of the organisation's rate for an activity that was valid on a day."""
    return (
        Rate.objects.filter(
            organisation=organisation, activity_type=activity_type, valid_from__lte=day
        )
        .exclude(valid_to__lt=day)
        .order_by("-valid_from", "-id")
        .first()
    )


def handling_claims(organisation_ids) -> set[int]:
    """Of these organisations, those with someone to work through claims (a finance officer or
    an admin): a claim sent anywhere else would sit in nobody's queue."""
    return set(
        OrganisationLink.objects.filter(
            organisation_id__in=organisation_ids,
            role__in=CLAIM_HANDLERS,
            person__erased_at__isnull=True,
        ).values_list("organisation_id", flat=True)
    )


def paying_organisation(project, activity_type, day) -> Organisation | None:
    """Of a project's organisations, the one its time goes to when nobody chose: one that has a
    rate for the activity on the day and someone to process claims; failing that, one that
    processes claims; failing that, the first by name. Two queries and one for the rates."""
    organisations = list(project.organisations.order_by("name", "pk"))
    if not organisations:
        return None
    ids = [o.pk for o in organisations]
    handled = handling_claims(ids)
    rated = set(
        Rate.objects.filter(
            organisation_id__in=ids, activity_type=activity_type, valid_from__lte=day
        )
        .exclude(valid_to__lt=day)
        .values_list("organisation_id", flat=True)
    )
    for suitable in (handled & rated, handled):
        for organisation in organisations:
            if organisation.pk in suitable:
                return organisation
    return organisations[0]


def unpriced(organisation, contributions) -> list:
    """The contributions that have no rate on their date at this organisation."""
    return [c for c in contributions if rate_on(organisation, c.activity_type, c.date) is None]


def expected_amounts(claim, contributions) -> dict:
    """For a claim not yet approved, what each piece of time would be paid at today's rates for
    its date: {contribution id: (rate, amount)}. Approval fixes the real figures."""
    if claim.approved_on is not None or claim.choice not in (Choice.PAYMENT, Choice.VOUCHERS):
        return {}
    rates = list(
        Rate.objects.filter(
            organisation_id=claim.organisation_id,
            activity_type__in={c.activity_type for c in contributions},
        ).order_by("-valid_from", "-id")
    )
    expected = {}
    for c in contributions:
        rate = next(
            (
                r
                for r in rates
                if r.activity_type == c.activity_type
                and r.valid_from <= c.date
                and (r.valid_to is None or r.valid_to >= c.date)
            ),
            None,
        )
        if rate is not None:
            expected[c.pk] = (rate, figures.amount_for(c.total_minutes, rate.unit, rate.amount))
    return expected


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
    """The ids of the organisation's claims in queue order. `status` "" (the default view): what
    needs action, sent first, then approved and waiting for payment, then queried, oldest first
    within each; "all": every claim, newest first; otherwise the claims in that status, oldest
    first. Ids only, so ordering every waiting claim stays narrow: paginate this, then read the
    page with `queue_page`."""
    claims = Claim.objects.filter(organisation=organisation)
    if status == "all":
        claims = claims.order_by("-submitted_on", "-id")
    elif status:
        claims = claims.filter(status=status).order_by("submitted_on", "id")
    else:
        order = Case(
            *(When(status=value, then=Value(i)) for i, value in enumerate(NEEDS_ACTION)),
            output_field=IntegerField(),
        )
        claims = (
            claims.filter(status__in=NEEDS_ACTION)
            .annotate(action_order=order)
            .order_by("action_order", "submitted_on", "id")
        )
    return claims.values_list("pk", flat=True)


def queue_page(ids) -> list[Claim]:
    """The claims with these ids (a page of `finance_queue`), in that order, each with its
    person, `n_contributions` and `n_expenses`: one query, whatever the number of claims
    waiting."""
    ids = list(ids)
    claims = {
        claim.pk: claim
        for claim in Claim.objects.filter(pk__in=ids)
        .select_related("person")
        .annotate(
            n_contributions=Count("contributions", distinct=True),
            n_expenses=Count("expenses", distinct=True),
        )
        .order_by()
    }
    return [claims[pk] for pk in ids]


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


# Timeliness covers what was paid in the last 12 months: recent enough to say how promptly
# people are paid now, and bounded whatever the organisation's history.
TIMELINESS_DAYS = 365


class DaysBetween(Func):
    """Whole days from the second date to the first, as an integer (in PostgreSQL date - date
    is already one)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def today() -> datetime.date:
    return timezone.localdate()


def days_to_payment(organisation, since: datetime.date) -> dict[int, int]:
    """For the pieces of time and expenses paid on or after `since`: how many took each number
    of days from the activity to the payment. Two grouped queries (a row per distinct number of
    days, not per item)."""
    histogram: dict[int, int] = defaultdict(int)
    money = [Choice.PAYMENT, Choice.VOUCHERS]  # credits and declined time are not payments
    for queryset in (
        Contribution.objects.filter(claim__choice__in=money),
        Expense.objects.all(),
    ):
        rows = (
            queryset.filter(
                organisation=organisation,
                claim__organisation=organisation,
                claim__status=ClaimStatus.PAID,
                claim__paid_on__gte=since,
            )
            .annotate(days=DaysBetween(F("claim__paid_on"), F("date")))
            .order_by()
            .values("days")
            .annotate(n=Count("id"))
            .values_list("days", "n")
        )
        for days, n in rows:
            histogram[days] += n
    return dict(histogram)


def timeliness(organisation) -> dict:
    """Median and 90th percentile of days from activity to payment over the items paid in the
    last 12 months (`figures.timeliness`)."""
    since = today() - datetime.timedelta(days=TIMELINESS_DAYS - 1)
    return figures.timeliness_of_counts(days_to_payment(organisation, since))


def totals(organisation) -> dict:
    """Hours given by perspective, paid amounts and credits, per year and month: grouped in the
    database (a row per month or perspective, not per record), four queries."""
    by_month = defaultdict(lambda: {"minutes": 0, "paid": Decimal(0), "credits": 0})
    by_perspective = defaultdict(int)
    given = Contribution.objects.filter(organisation=organisation).order_by()
    for month, minutes, prep in (
        given.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(m=Sum("minutes"), p=Sum("preparation_minutes"))
        .values_list("month", "m", "p")
    ):
        by_month[(month.year, month.month)]["minutes"] += minutes + prep
    for perspective, minutes, prep in (
        given.values("perspective")
        .annotate(m=Sum("minutes"), p=Sum("preparation_minutes"))
        .order_by("perspective")
        .values_list("perspective", "m", "p")
    ):
        by_perspective[perspective or ""] += minutes + prep
    for month, t, e in (
        Claim.objects.filter(organisation=organisation, status=ClaimStatus.PAID)
        .order_by()
        .annotate(month=TruncMonth("paid_on"))
        .values("month")
        .annotate(t=Sum("time_amount"), e=Sum("expenses_amount"))
        .values_list("month", "t", "e")
    ):
        by_month[(month.year, month.month)]["paid"] += t + e
    for month, minutes in (
        Movement.objects.filter(transfer__contribution__organisation=organisation, minutes__gt=0)
        .order_by()
        .annotate(month=TruncMonth("transfer__made_on"))
        .values("month")
        .annotate(m=Sum("minutes"))
        .values_list("month", "m")
    ):
        by_month[(month.year, month.month)]["credits"] += minutes
    months = [
        # `start`: the month's first day, for showing the month by name in the reader's language.
        {"year": y, "month": m, "start": datetime.date(y, m, 1), **values}
        for (y, m), values in sorted(by_month.items())
    ]
    return {
        "months": months,
        "perspectives": sorted(by_perspective.items(), key=lambda kv: -kv[1]),
        "minutes": sum(r["minutes"] for r in months),
        "paid": sum((r["paid"] for r in months), Decimal(0)),
        "credits": sum(r["credits"] for r in months),
    }


def waiting_counts(organisation) -> dict:
    """Claims in each state: one grouped query, read from the (organisation, status, paid_on)
    index alone."""
    counts = dict.fromkeys(
        (ClaimStatus.SUBMITTED, ClaimStatus.QUERIED, ClaimStatus.APPROVED, ClaimStatus.PAID), 0
    )
    for status, n in (
        Claim.objects.filter(organisation=organisation)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    ):
        if status in counts:
            counts[status] = n
    return {str(status): n for status, n in counts.items()}


def finance_organisations(roles):
    ids = roles.finance_orgs | roles.admin_orgs
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def totals_organisations(roles):
    """Organisations whose recognition totals a lead sees without running their finance."""
    ids = roles.lead_orgs - roles.finance_orgs - roles.admin_orgs
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def claim_organisations(person) -> tuple[list, list]:
    """Where the person's unclaimed time and expenses could go: (organisations that process
    claims, organisations where nobody does yet), each by name."""
    ids = set(
        Contribution.objects.filter(person=person, claim__isnull=True).values_list(
            "organisation_id", flat=True
        )
    ) | set(
        Expense.objects.filter(person=person, claim__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )
    handled = handling_claims(ids)
    organisations = list(Organisation.objects.filter(pk__in=ids).order_by("name", "pk"))
    return (
        [o for o in organisations if o.pk in handled],
        [o for o in organisations if o.pk not in handled],
    )
