"""Time given (recognition contributions) by the members of projects, each person's choice
about payment, monthly claims in every state with the rate fixed on approval, a few expenses,
and the time-credit ledger for those who chose credits."""

import bisect
import calendar
import datetime
from decimal import Decimal

import yaml

from coproduce.recognition import figures
from coproduce.recognition.actions import RATES_FILE
from coproduce.recognition.models import (
    Account,
    Claim,
    Contribution,
    Expense,
    Movement,
    PaymentChoice,
    Rate,
    Settings,
    Transfer,
)

from .base import Run, weighted

CHOICES = [("payment", 50), ("decline", 15), ("vouchers", 15), ("time_credits", 20)]
ACTIVITIES = [
    ("meeting", 45),
    ("preparation", 10),
    ("reading", 15),
    ("training", 8),
    ("co_delivery", 6),
    ("peer_support", 10),
    ("interview_panel", 6),
]
MINUTES = [60, 90, 120, 150, 180]


def _rates(run: Run) -> dict:
    """Each board's rates: the example file's versions in force by the as-of day, after an
    earlier version (the first example amounts less a tenth) so that time from before the file's
    first date has a rate too. Returns {(org, activity): ([valid_from], [(pk, unit, amount)])}."""
    data = yaml.safe_load(RATES_FILE.read_text(encoding="utf-8"))
    by_activity: dict[str, list] = {}
    for item in data["rates"]:
        valid_from = datetime.date.fromisoformat(str(item["valid_from"]))
        if valid_from <= run.as_of:
            by_activity.setdefault(item["activity_type"], []).append(
                (valid_from, item["unit"], Decimal(str(item["amount"])), data["source"])
            )
    earliest = run.days_ago(4 * 365)
    for versions in by_activity.values():
        first_from, unit, amount, _source = versions[0]
        if earliest < first_from:
            earlier = (amount / Decimal("1.1")).quantize(Decimal("0.01"))
            versions.insert(0, (earliest, unit, earlier, "Generated data: an earlier example rate"))
    rows, table = [], {}
    created = run.at(earliest)
    for org in run.shared["boards"]:
        for activity, versions in by_activity.items():
            ids = run.ids(Rate, len(versions))
            starts, values = [], []
            for i, ((valid_from, unit, amount, source), pk) in enumerate(
                zip(versions, ids, strict=True)
            ):
                following = versions[i + 1][0] if i + 1 < len(versions) else None
                rows.append(
                    Rate(
                        pk=pk,
                        organisation_id=org,
                        activity_type=activity,
                        unit=unit,
                        amount=amount,
                        valid_from=valid_from,
                        valid_to=following - datetime.timedelta(days=1) if following else None,
                        source=source,
                        created_at=created,
                    )
                )
                starts.append(valid_from)
                values.append((pk, unit, amount))
            table[(org, activity)] = (starts, values)
    run.write(Rate, rows)
    settings = [
        Settings(pk=pk, organisation_id=org, target_days=30)
        for pk, org in zip(
            run.ids(Settings, len(run.shared["boards"])), run.shared["boards"], strict=True
        )
    ]
    run.write(Settings, settings)
    return table


def _allocation(run: Run, contributors: list) -> list[int]:
    """How many time records each contributing membership gets: in proportion to how long it
    has run, adding up exactly to the scale's count."""
    total = run.counts["contributions"]
    spans = [max(1, (end - start).days) for _m, _p, start, end in contributors]
    whole = sum(spans)
    counts = [total * s // whole for s in spans]
    short = total - sum(counts)
    for i in range(short):
        counts[i % len(counts)] += 1
    return counts


def _status(rng, age: int) -> str:
    if age > 60:
        return "paid"
    if age > 30:
        return weighted(rng, [("approved", 1), ("paid", 1)])
    if age > 10:
        return weighted(rng, [("submitted", 12), ("queried", 5), ("approved", 3)])
    return weighted(rng, [("submitted", 17), ("queried", 3)])


class _Ledger:
    """Time credits: an issuer account per board, one per person who earns; a transfer (two
    movements) per contribution on an approved time-credit claim, as approve_claim makes."""

    def __init__(self, run: Run):
        self.run = run
        self.accounts: dict = {}
        self.new_accounts, self.transfers, self.movements = [], [], []

    def account(self, *, person=None, organisation=None) -> int:
        key = ("p", person) if person else ("o", organisation)
        if key not in self.accounts:
            pk = self.run.ids(Account, 1)[0]
            self.accounts[key] = pk
            self.new_accounts.append(
                Account(pk=pk, person_id=person, overdraft_minutes=0)
                if person
                else Account(
                    pk=pk, organisation_id=organisation, is_issuer=True, overdraft_minutes=None
                )
            )
        return self.accounts[key]

    def credit(self, contribution: Contribution, on: datetime.date) -> None:
        issuer = self.account(organisation=contribution.organisation_id)
        earner = self.account(person=contribution.person_id)
        pk = self.run.ids(Transfer, 1)[0]
        minutes = contribution.minutes + contribution.preparation_minutes
        self.transfers.append(
            Transfer(
                pk=pk,
                reason="Time given",
                contribution_id=contribution.pk,
                made_on=on,
                created_at=self.run.at(on, hour=15),
            )
        )
        first = self.run.ids(Movement, 2)[0]
        self.movements += [
            Movement(pk=first, transfer_id=pk, account_id=issuer, minutes=-minutes),
            Movement(pk=first + 1, transfer_id=pk, account_id=earner, minutes=minutes),
        ]

    def flush(self) -> None:
        self.run.write(Account, self.new_accounts)
        self.run.write(Transfer, self.transfers)
        self.run.write(Movement, self.movements)
        self.new_accounts, self.transfers, self.movements = [], [], []


def _claims_for(run, rng, person, choice, route, board_org, records, rates, ledger, out):
    """Group one person's time into monthly claims and write their state."""
    by_month: dict = {}
    for c in records:
        by_month.setdefault((c.date.year, c.date.month), []).append(c)
    for (year, month), items in sorted(by_month.items()):
        month_end = datetime.date(year, month, calendar.monthrange(year, month)[1])
        submitted = month_end + datetime.timedelta(days=rng.randint(1, 10))
        if choice == "decline" or submitted > run.as_of:
            continue  # declined payment, or not claimed yet
        status = _status(rng, (run.as_of - submitted).days)
        if choice == "time_credits" and status == "paid":
            status = "approved"  # credits are given on approval; nothing is paid
        claim = Claim(
            pk=run.ids(Claim, 1)[0],
            person_id=person,
            organisation_id=board_org,
            choice=choice,
            route=route,
            status=status,
            submitted_on=submitted,
        )
        if status == "queried" or (status == "paid" and rng.random() < 0.05):
            claim.queried_on = min(submitted + datetime.timedelta(days=2), run.as_of)
            claim.query_note = "Please check the times against the meeting."
        if status in ("approved", "paid"):
            claim.approved_on = min(
                submitted + datetime.timedelta(days=rng.randint(3, 14)), run.as_of
            )
        if status == "paid":
            claim.paid_on = min(
                claim.approved_on + datetime.timedelta(days=rng.randint(2, 20)), run.as_of
            )
        total = Decimal(0)
        for c in items:
            c.claim_id = claim.pk
            if claim.approved_on is None:
                continue
            if choice == "time_credits":
                ledger.credit(c, claim.approved_on)
                continue
            starts, values = rates[(board_org, c.activity_type)]
            rate_pk, unit, amount = values[bisect.bisect_right(starts, c.date) - 1]
            c.rate_id, c.rate_amount = rate_pk, amount
            c.amount = figures.amount_for(c.minutes + c.preparation_minutes, unit, amount)
            total += c.amount
        claim.time_amount = total
        if rng.random() < 0.12:
            expense = Expense(
                pk=run.ids(Expense, 1)[0],
                person_id=person,
                organisation_id=board_org,
                kind=weighted(rng, [("travel", 6), ("subsistence", 2), ("care", 1)]),
                date=items[0].date,
                amount=Decimal(rng.randint(350, 4200)) / 100,
                description="Bus fare and parking",
                claim_id=claim.pk,
                created_at=run.at(items[0].date, hour=17),
            )
            claim.expenses_amount = expense.amount
            out[Expense].append(expense)
        out[Claim].append(claim)


def generate(run: Run) -> None:
    rng = run.rng("recognition")
    rates = _rates(run)
    boards = run.shared["boards"]
    # Who gives time: members who are not staff (staff are paid by their employer for it).
    contributors = []
    for project in run.shared["projects"]:
        last = min(project["days"][-1] if project["days"] else run.as_of, run.as_of)
        for m in project["members"]:
            _pk, _person, perspective, role, joined, left = m
            if perspective == "professional" or role == "observer":
                continue
            start, end = joined, min(left or run.as_of, last)
            if end > start:
                contributors.append((m, project, start, end))
    counts = _allocation(run, contributors)
    by_person: dict = {}
    for (m, project, start, end), n in zip(contributors, counts, strict=True):
        by_person.setdefault(m[1], []).append((m, project, start, end, n))
    member = run.shared["signins"]["member"]
    ledger = _Ledger(run)
    contribution_ids = iter(run.ids(Contribution, run.counts["contributions"]))
    choices, out = [], {Claim: [], Expense: [], Contribution: []}
    for person in sorted(by_person):
        choice = "payment" if person == member else weighted(rng, CHOICES)
        route = rng.choice(["payroll", "bank_transfer"]) if choice == "payment" else ""
        route = "voucher" if choice == "vouchers" else route
        choices.append(
            PaymentChoice(
                pk=run.ids(PaymentChoice, 1)[0],
                person_id=person,
                choice=choice,
                route=route,
                benefits_acknowledged_on=run.days_ago(3 * 365) if choice == "payment" else None,
                updated_at=run.at(run.days_ago(3 * 365)),
            )
        )
        records = []
        for (_pk, _p, perspective, _role, _j, _l), project, start, end, n in by_person[person]:
            span = (end - start).days
            for _i in range(n):
                day = start + datetime.timedelta(days=rng.randint(0, span))
                activity = weighted(rng, ACTIVITIES)
                records.append(
                    Contribution(
                        pk=next(contribution_ids),
                        person_id=person,
                        project_id=project["pk"],
                        organisation_id=boards[project["board"]],
                        activity_type=activity,
                        date=day,
                        minutes=rng.choice(MINUTES),
                        preparation_minutes=rng.choice([0, 0, 30, 60])
                        if activity == "meeting"
                        else 0,
                        perspective=perspective,
                        created_at=run.at(min(day + datetime.timedelta(days=1), run.as_of), 9),
                    )
                )
        board_org = records[0].organisation_id if records else boards[0]
        _claims_for(run, rng, person, choice, route, board_org, records, rates, ledger, out)
        out[Contribution] += records
        if len(out[Contribution]) >= 10000:
            for model in (Claim, Expense, Contribution):
                run.write(model, out[model])
                out[model] = []
            ledger.flush()
    run.write(PaymentChoice, choices)
    for model in (Claim, Expense, Contribution):
        run.write(model, out[model])
    ledger.flush()
