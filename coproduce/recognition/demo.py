"""Demo data for this app, called by coproduce.site.demo.load().

Everything goes through the actions, with their date keywords: in the demo the year of time,
claims and payments is entered as records made after the event (as a finance team catching up
from paper would), so each keeps its real date.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from coproduce.accounts import actions as account_actions
from coproduce.people import actions as people_actions

from . import actions
from .models import Choice, Claim, ClaimStatus

FINANCE_EMAIL = "finance@demo.coproduce.test"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CHOICE_WEIGHTS = [
    (Choice.PAYMENT, 5),
    (Choice.DECLINE, 2),
    (Choice.VOUCHERS, 2),
    (Choice.TIME_CREDITS, 2),
]


def load(ctx) -> None:
    """ctx: see coproduce.core.demo.DemoContext."""
    from coproduce.core.demo import PASSWORD

    rng, by = ctx.rng, ctx.by
    today = ctx.now.date()
    board, practice, community = (ctx.organisations[k] for k in ("board", "practice", "community"))
    finance = people_actions.create_person(
        by=by,
        full_name="Rhodri Finch",
        preferred_name="Rhodri",
        email=FINANCE_EMAIL,
        contact_preference="email",
    )
    account_actions.create_account(by=by, person=finance, email=FINANCE_EMAIL, password=PASSWORD)
    # Every organisation that pays for time has someone to process its claims: the board's
    # finance officer also does the practice's (a claim sent where nobody processes claims would
    # sit in no one's queue, and submit_claim refuses it).
    for org in (board, practice):
        people_actions.link_organisation(
            by=by, person=finance, organisation=org, role="finance", job_title="Finance officer"
        )
    for org in (board, practice):
        actions.load_rates(by=by, organisation=org)
    actions.set_target_days(by=by, organisation=board, target_days=30)

    # Who gives time, and what each has chosen.
    people = {}
    for index, project in enumerate(ctx.projects):
        organisation = practice if index == 5 else board
        for membership in project.memberships.select_related("person"):
            if membership.perspective == "professional":
                continue  # staff are paid by their employer for this time
            people.setdefault(membership.person.pk, (membership.person, project, organisation))
    year_ago = today - datetime.timedelta(days=365)
    choices = {}
    for pk, (person, _project, organisation) in people.items():
        if person == ctx.people["member"]:
            choice = Choice.PAYMENT
        elif organisation == practice:
            choice = rng.choice([Choice.DECLINE, Choice.TIME_CREDITS])
        else:
            choice = rng.choices(*zip(*CHOICE_WEIGHTS, strict=True), k=1)[0]
        actions.set_choice(
            by=by,
            person=person,
            choice=choice,
            route=rng.choice(["payroll", "bank_transfer"]) if choice == Choice.PAYMENT else "",
            benefits_acknowledged=choice == Choice.PAYMENT,
            acknowledged_on=year_ago,
        )
        choices[pk] = choice

    # A year of time and expenses, claimed at the end of each month.
    for months_back in range(12, -1, -1):
        month_start = today - datetime.timedelta(days=30 * months_back + 28)
        for person, project, organisation in people.values():
            if rng.random() < 0.45:
                continue
            day = month_start + datetime.timedelta(days=rng.randint(0, 20))
            if day > today:
                continue
            volunteering = organisation == practice
            actions.record_contribution(
                by=by,
                person=person,
                project=project,
                organisation=organisation,
                activity_type="volunteering"
                if volunteering
                else rng.choice(["meeting", "meeting", "reading", "training", "peer_support"]),
                date=day,
                minutes=rng.choice([60, 90, 120, 180]),
                preparation_minutes=0 if volunteering else rng.choice([0, 30, 60]),
                notes="",
            )
            if not volunteering and rng.random() < 0.5:
                actions.add_expense(
                    by=by,
                    person=person,
                    organisation=organisation,
                    kind=rng.choice(["travel", "travel", "subsistence", "care"]),
                    date=day,
                    amount=Decimal(rng.randint(350, 4200)) / 100,
                    description="Bus fare and parking",
                    upload=SimpleUploadedFile("receipt.png", PNG, "image/png")
                    if rng.random() < 0.5
                    else None,
                )
            submitted = min(day + datetime.timedelta(days=rng.randint(1, 10)), today)
            try:
                actions.submit_claim(
                    by=by, person=person, organisation=organisation, submitted_on=submitted
                )
            except ValidationError:
                pass  # declined payment and no expenses: nothing to claim

    # Finance works through the claims: older ones are paid, recent ones wait.
    for claim in Claim.objects.order_by("submitted_on", "id"):
        age = (today - claim.submitted_on).days
        if age > 45 and rng.random() < 0.1:
            queried = claim.submitted_on + datetime.timedelta(days=2)
            actions.query_claim(
                by=by, claim=claim, note="Please add the receipt for parking.", on=queried
            )
            actions.resubmit_claim(by=by, claim=claim, on=queried + datetime.timedelta(days=5))
        if age > 40:
            approved = min(claim.submitted_on + datetime.timedelta(days=rng.randint(3, 14)), today)
            actions.approve_claim(by=by, claim=claim, on=approved)
            paid = min(approved + datetime.timedelta(days=rng.randint(2, 20)), today)
            actions.mark_paid(by=by, claim=claim, on=paid)
        elif age > 20:
            approved = claim.submitted_on + datetime.timedelta(days=rng.randint(3, 10))
            actions.approve_claim(by=by, claim=claim, on=min(approved, today))
        elif age > 10 and rng.random() < 0.4:
            actions.query_claim(
                by=by,
                claim=claim,
                note="The date on the receipt does not match the meeting.",
                on=claim.submitted_on + datetime.timedelta(days=3),
            )
    # Make sure every state is there to look at.
    states = set(Claim.objects.values_list("status", flat=True))
    if ClaimStatus.QUERIED not in states:
        claim = Claim.objects.filter(status=ClaimStatus.SUBMITTED).first()
        if claim is not None:
            actions.query_claim(by=by, claim=claim, note="Please check the times.", on=today)

    # Credits move between people and to the community organisation.
    earners = [people[pk][0] for pk, c in choices.items() if c == Choice.TIME_CREDITS]
    for i, giver in enumerate(earners):
        balance = actions.balance(actions.account_for(person=giver))
        if balance < 60:
            continue
        if i % 2:
            actions.give_credits(
                by=by,
                from_person=giver,
                to_organisation=community,
                minutes=60,
                reason="Gift to the peer-support café",
                made_on=today - datetime.timedelta(days=rng.randint(1, 30)),
            )
        else:
            receiver = earners[(i + 1) % len(earners)]
            if receiver != giver:
                actions.give_credits(
                    by=by,
                    from_person=giver,
                    to_person=receiver,
                    minutes=30,
                    reason="Thank you for the lift",
                    made_on=today - datetime.timedelta(days=rng.randint(1, 30)),
                )
