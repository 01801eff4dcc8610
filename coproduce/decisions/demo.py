"""Demo data for this app, called by coproduce.site.demo.load().

Decisions of every method over the last nine months, back-dated through the actions' optional
times: a lived-experience objection resolved by amending the proposal, a block that stops a
proposal, decisions the health board took alone, reviews that are due and reviews to come, and
open proposals the demo sign-ins can respond to.
"""

import datetime

from coproduce.projects.models import MemberRole, Membership

from . import actions
from .models import LIVED_PERSPECTIVES


class _Group:
    """The current members of one demo project, sorted into the people a scenario needs."""

    def __init__(self, project, leave_out=()):
        members = list(
            Membership.objects.filter(project=project, left_on__isnull=True)
            .select_related("person")
            .order_by("id")
        )
        voting = [m for m in members if m.role != MemberRole.OBSERVER]
        chairs = [m for m in voting if m.role == MemberRole.CO_CHAIR]
        self.project = project
        self.lived_chair = next(m.person for m in chairs if m.perspective in LIVED_PERSPECTIVES)
        self.staff_chair = next(m.person for m in chairs if m.perspective not in LIVED_PERSPECTIVES)
        # Members other than the co-chairs (and anyone a scenario names), so one person never
        # takes two parts in a scenario.
        others = [
            m for m in voting if m.role == MemberRole.MEMBER and m.person not in set(leave_out)
        ]
        self.lived = [m.person for m in others if m.perspective in LIVED_PERSPECTIVES]
        self.staff = [m.person for m in others if m.perspective not in LIVED_PERSPECTIVES]

    def lived_at(self, i):
        """The i-th lived-experience member, or None if the project has too few."""
        return self.lived[i] if i < len(self.lived) else None

    def staff_at(self, i):
        return self.staff[i] if i < len(self.staff) else None


def load(ctx) -> None:
    """ctx: see coproduce.core.demo.DemoContext."""
    by = ctx.by
    now = ctx.now
    today = now.date()

    def ago(days, hours=0):
        return now - datetime.timedelta(days=days, hours=hours)

    def in_days(days):
        return today + datetime.timedelta(days=days)

    def propose(g, proposer, days, method, title, proposal, decider=None):
        return actions.propose_decision(
            by=by,
            project=g.project,
            proposer=proposer,
            title=title,
            proposal=proposal,
            method=method,
            decider=decider,
            created_at=ago(days),
            notify=False,
        )

    def stand(decision, person, stance, days, comment=""):
        if person is None:  # the project has nobody of that kind; leave the position out
            return None
        return actions.set_position(
            by=by, decision=decision, person=person, stance=stance, comment=comment, at=ago(days)
        )

    def close(decision, outcome, days, statement, review=None, advice_notes=""):
        return actions.close_decision(
            by=by,
            decision=decision,
            outcome=outcome,
            statement=statement,
            review_date=review,
            decided_at=ago(days),
            advice_notes=advice_notes,
        )

    def outside(g, days, title, text, reason, review=None):
        return actions.record_outside_decision(
            by=by,
            project=g.project,
            organisation=ctx.organisations["board"],
            title=title,
            decision_text=text,
            reason=reason,
            statement="The co-chairs were told by e-mail the same week.",
            decided_at=ago(days),
            review_date=review,
        )

    ceri = ctx.people["member"]
    diabetes = _Group(ctx.projects[0], leave_out=[ceri])
    cafe, crisis, transport = (_Group(p) for p in ctx.projects[1:4])

    # Diabetes clinic: the demo sign-ins' project.
    g = diabetes
    d = propose(
        g,
        g.staff_chair,
        255,
        "consent",
        "Evening clinics on Tuesdays",
        "Run the diabetes clinic from 5pm to 8pm on Tuesdays, so people who work can come.",
    )
    objection = stand(
        d,
        ceri,
        "object",
        254,
        "The last bus from the clinic leaves at 6.15pm. People without a car could not get home.",
    )
    stand(d, g.staff_at(0), "consent", 254)
    stand(d, g.lived_at(0), "stand_aside", 254, "I cannot come on Tuesdays either way.")
    actions.resolve_objection(
        by=by,
        position=objection,
        note="Agreed at the meeting: finish at 6pm and offer taxi vouchers for later slots.",
        amended_proposal="Run the diabetes clinic from 3pm to 6pm on Tuesdays, with taxi vouchers "
        "for anyone whose appointment ends after 5.30pm.",
        at=ago(250),
    )
    stand(d, ceri, "consent", 249)
    stand(d, g.lived_chair, "consent", 249)
    stand(d, g.staff_chair, "consent", 249)
    close(
        d,
        "amended",
        248,
        "Tuesday clinics from 3pm to 6pm, with taxi vouchers for late appointments.",
        review=in_days(-60),
    )

    d = propose(
        g,
        g.lived_chair,
        185,
        "consensus",
        "Welsh-first appointment letters",
        "Send appointment letters in Welsh first, with English alongside, to everyone who has "
        "not told us otherwise.",
    )
    stand(d, g.staff_chair, "agree", 184)
    stand(d, ceri, "agree", 184)
    stand(d, g.lived_at(1), "abstain", 183, "I would like to see the cost first.")
    close(d, "adopted", 180, "Letters go out Welsh-first from next quarter.", review=in_days(90))

    d = propose(
        g,
        g.staff_chair,
        125,
        "vote",
        "Text-message reminders",
        "Use the health board's text service to send reminders two days before each review.",
    )
    stand(d, g.lived_chair, "yes", 124)
    stand(d, ceri, "yes", 124)
    stand(d, g.staff_chair, "yes", 124)
    stand(d, g.lived_at(2), "no", 123, "Some people share phones.")
    close(d, "adopted", 120, "Carried: reminders start in the spring.", review=in_days(-10))

    outside(
        g,
        100,
        "Clinic moves to Ysbyty Glan Teg",
        "The clinic moves to the new outpatient wing at Ysbyty Glan Teg.",
        "The health board's estates timetable was fixed before the group met.",
        review=in_days(45),
    )

    d = propose(
        g,
        g.staff_chair,
        60,
        "advice",
        "Choice of glucose monitor leaflet",
        "Replace the current leaflet with the manufacturer's easy-read version.",
        decider=g.staff_chair,
    )
    stand(d, g.lived_chair, "advice", 58, "Test it with the easy-read group first.")
    stand(d, ceri, "advice", 57, "Add a Welsh version; the manufacturer has one.")
    close(
        d,
        "adopted",
        55,
        "The easy-read leaflet is used in both languages.",
        review=in_days(120),
        advice_notes="Both pieces of advice taken: tested with the easy-read group; Welsh added.",
    )

    # Left open, so the demo sign-ins can take a position, resolve and close it.
    d = propose(
        g,
        ceri,
        4,
        "consent",
        "A peer supporter at every review",
        "Offer everyone the chance to have a peer supporter with them at their annual review.",
    )
    stand(d, g.lived_at(0), "consent", 3)
    stand(d, g.staff_chair, "object", 2, "We have funding for two peer supporters, not six.")

    # Memory café: a block stops a proposal.
    g = cafe
    d = propose(
        g,
        g.staff_chair,
        210,
        "consensus",
        "Move the café to Saturday mornings",
        "Hold the memory café on Saturday mornings instead of Wednesday afternoons.",
    )
    stand(d, g.staff_at(0), "agree", 209)
    stand(
        d,
        g.lived_chair,
        "block",
        208,
        "Saturday is when most carers get their respite. Nobody would come.",
    )
    stand(d, g.lived_at(0), "disagree", 208, "Wednesday works for us.")
    close(d, "not_adopted", 205, "The café stays on Wednesday afternoons.")

    d = propose(
        g,
        g.lived_chair,
        150,
        "consent",
        "Dementia-friendly training for volunteers",
        "Every café volunteer does the dementia-friends session before their first café.",
    )
    stand(d, g.staff_chair, "consent", 149)
    stand(d, g.lived_at(0), "consent", 149)
    stand(d, g.staff_at(0), "stand_aside", 148, "I trained last year.")
    close(d, "adopted", 146, "All volunteers train first.", review=in_days(-30))

    d = propose(
        g,
        g.staff_chair,
        3,
        "vote",
        "Buy a portable hearing loop",
        "Spend £300 of the café budget on a portable hearing loop.",
    )
    stand(d, g.lived_chair, "yes", 2)

    # Mental health crisis pathway: a staff objection amends a proposal; a tied vote.
    g = crisis
    d = propose(
        g,
        g.lived_chair,
        230,
        "consent",
        "Peer researchers interview callers",
        "People with lived experience of crisis interview callers about the new line.",
    )
    staff_objection = stand(
        d, g.staff_chair, "object", 229, "Interviews need ethics approval and supervision."
    )
    actions.resolve_objection(
        by=by,
        position=staff_objection,
        note="Supervision added and the research ethics committee asked.",
        amended_proposal="Peer researchers, trained and supervised, interview callers about the "
        "new line once the ethics committee has agreed.",
        at=ago(226),
    )
    stand(d, g.staff_chair, "consent", 225)
    stand(d, g.lived_at(0), "consent", 225)
    close(d, "amended", 224, "Peer research goes ahead with supervision.", review=in_days(-5))

    outside(
        g,
        80,
        "Crisis line pilot extended",
        "The crisis line pilot is extended by six months.",
        "Funding had to be confirmed before the end of the financial year.",
    )

    d = propose(
        g,
        g.staff_chair,
        40,
        "vote",
        "Publish the interim findings",
        "Publish the interim findings on the health board's website now.",
    )
    stand(d, g.staff_at(0), "yes", 39)
    stand(d, g.lived_at(0), "no", 39, "Wait for the full picture.")
    stand(d, g.lived_chair, "abstain", 38)
    close(d, "not_adopted", 37, "Tied: the findings wait for the final report.")

    # Community transport: a lived-experience block resolved by an amendment.
    g = transport
    d = propose(
        g,
        g.staff_chair,
        95,
        "consensus",
        "Fund the volunteer car scheme",
        "Fund the volunteer car scheme for another year.",
    )
    block = stand(
        d,
        g.lived_at(0),
        "block",
        94,
        "Most volunteer cars cannot take a wheelchair. I could not use this scheme.",
    )
    stand(d, g.staff_chair, "agree", 94)
    actions.resolve_objection(
        by=by,
        position=block,
        note="Two wheelchair-accessible vehicles added to the scheme.",
        amended_proposal="Fund the volunteer car scheme for another year, including two "
        "wheelchair-accessible vehicles.",
        at=ago(90),
    )
    stand(d, g.lived_at(0), "agree", 89)
    stand(d, g.lived_chair, "agree", 89)
    close(d, "amended", 88, "Funded, with two accessible vehicles.", review=in_days(180))

    d = propose(
        g,
        g.staff_chair,
        20,
        "advice",
        "Scoring the transport bids",
        "Score each transport bid on reach, cost and accessibility, equally weighted.",
        decider=g.staff_chair,
    )
    stand(d, g.lived_chair, "advice", 18, "Weight accessibility double.")
