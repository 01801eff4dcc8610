"""Demo data for this app, called by coproduce.site.demo.load()."""

import datetime

from django.utils import timezone

from coproduce.projects import actions as project_actions
from coproduce.projects.models import Membership

from . import actions, selectors
from .models import ReadinessRound
from .readiness import group_of

CRITERIA = [
    "authority",
    "shared_aims",
    "right_scale",
    "measurable_outcomes",
    "resources",
    "everyone_delivers",
]
PRINCIPLES = ["assets", "capacity", "mutuality", "networks", "blurring_roles", "catalysts"]
IDEAS = [
    "Pay people for their time in the same way staff are paid.",
    "Share the agenda a week before, in easy read too.",
    "Let members chair some of the meetings.",
    "Tell us what happened to what we said last time.",
    "Hold meetings in the evening as well as in the day.",
    "Give us a say over the budget, not only the leaflets.",
    "Fewer acronyms.",
    "Meet somewhere that is not the hospital.",
]


def _answering(project) -> list[Membership]:
    return list(
        Membership.objects.filter(
            project=project, left_on__isnull=True, role__in=["member", "co_chair"]
        )
        .select_related("person")
        .order_by("id")
    )


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _readiness(ctx, project, *, weeks_ago: int, base: dict, skip=()) -> ReadinessRound:
    """A round whose ratings scatter around `base` (criterion -> typical rating)."""
    round_ = actions.open_readiness_round(
        by=ctx.by,
        project=project,
        notify=False,
        opened_at=ctx.now - datetime.timedelta(weeks=weeks_ago),
    )
    for m in _answering(project):
        if m.person_id in skip:
            continue
        ratings = {}
        for key in CRITERIA:
            if ctx.rng.random() < 0.08:
                ratings[key] = None  # don't know
            else:
                ratings[key] = _clamp(base[key] + ctx.rng.choice([-1, 0, 0, 1]), 0, 3)
        comments = {}
        if ratings["resources"] is not None and ratings["resources"] <= 1:
            comments["resources"] = "Meetings are squeezed into clinic time."
        actions.answer_readiness(
            by=ctx.by, round=round_, person=m.person, ratings=ratings, comments=comments
        )
    return round_


def _pulse(
    ctx,
    project,
    *,
    lived_rung: int,
    staff_rung: int,
    lived_agree: int,
    staff_agree: int,
    weeks_ago: int = 0,
):
    """A pulse where lived-experience and professional members centre on different rungs
    (positions 1-7) and levels of agreement (1-5); others sit between them."""
    rungs = [item.key for item in selectors.current("tlap-ladder").items.order_by("position")]
    pulse = actions.open_pulse(
        by=ctx.by,
        project=project,
        closes_on=timezone.localdate() + datetime.timedelta(days=10),
        notify=False,
        opened_at=ctx.now - datetime.timedelta(weeks=weeks_ago),
    )
    for m in _answering(project):
        group = group_of(m.perspective)
        rung = {"lived": lived_rung, "professional": staff_rung}.get(
            group, (lived_rung + staff_rung) // 2
        )
        agree = {"lived": lived_agree, "professional": staff_agree}.get(
            group, (lived_agree + staff_agree) // 2
        )
        position = _clamp(rung + ctx.rng.choice([-1, 0, 0, 1]), 1, len(rungs))
        agreements = {
            key: None
            if ctx.rng.random() < 0.1
            else _clamp(agree + ctx.rng.choice([-1, 0, 1]), 1, 5)
            for key in PRINCIPLES
        }
        actions.respond_to_pulse(
            by=ctx.by,
            pulse=pulse,
            person=m.person,
            rung=rungs[position - 1],
            agreements=agreements,
            more_equal=ctx.rng.choice(IDEAS) if ctx.rng.random() < 0.6 else "",
        )
    return pulse


def _at_least_three(ctx, project, perspective: str) -> None:
    """Top a group up to three members (through the projects action) so its figures show."""
    have = {m.person_id for m in project.memberships.filter(left_on__isnull=True)}
    count = sum(1 for m in _answering(project) if group_of(m.perspective) == group_of(perspective))
    for person, pv in ctx.others:
        if count >= 3:
            break
        if pv == perspective and person.pk not in have:
            project_actions.add_member(
                by=ctx.by, project=project, person=person, perspective=pv, role="member"
            )
            count += 1


def load(ctx) -> None:
    """ctx: see coproduce.core.demo.DemoContext."""
    actions.load_frameworks(by=None)
    first, second, third = ctx.projects[0], ctx.projects[1], ctx.projects[2]
    for project in (first, second, third):
        _at_least_three(ctx, project, "lived_experience")
        _at_least_three(ctx, project, "professional")
    # The crisis pathway review had one community member. Hidden on their own, they could still
    # be read off as Everyone minus the other two groups, so the pulse now hides the smallest
    # other group too (coproduce.core.suppression): here the professionals, and with them the
    # perception gap this project is in the demo to show. Three community members keep every
    # group on show; the diabetes clinic's first readiness check still shows the protection
    # (a criterion with two professional ratings hides the lived-experience median beside it).
    _at_least_three(ctx, third, "community")

    # Readiness on the diabetes clinic: at first authority and delivery were weak; by the second
    # round senior leaders had joined, so only delivery holds it back. The second round is open
    # and the demo member (Ceri) has not answered yet, so the journey can be tried.
    earlier = _readiness(
        ctx,
        first,
        weeks_ago=20,
        base={
            "authority": 1,
            "shared_aims": 2,
            "right_scale": 3,
            "measurable_outcomes": 2,
            "resources": 1,
            "everyone_delivers": 1,
        },
    )
    actions.close_readiness_round(by=ctx.by, round=earlier)
    _readiness(
        ctx,
        first,
        weeks_ago=1,
        base={
            "authority": 3,
            "shared_aims": 3,
            "right_scale": 3,
            "measurable_outcomes": 2,
            "resources": 2,
            "everyone_delivers": 1,
        },
        skip={ctx.people["member"].pk},
    )

    # Pulses: the diabetes clinic fairly close; the memory café seen alike (doing with); the
    # crisis pathway review seen very differently by staff and by people who used the service.
    closed = _pulse(ctx, first, lived_rung=4, staff_rung=5, lived_agree=3, staff_agree=3)
    actions.close_pulse(by=ctx.by, pulse=closed)
    _pulse(ctx, second, lived_rung=6, staff_rung=6, lived_agree=4, staff_agree=4)
    # The crisis pathway review's earlier pulse had an even wider gap: the trend shows it narrowing.
    earlier_pulse = _pulse(
        ctx, third, lived_rung=2, staff_rung=6, lived_agree=2, staff_agree=4, weeks_ago=12
    )
    actions.close_pulse(by=ctx.by, pulse=earlier_pulse)
    _pulse(ctx, third, lived_rung=3, staff_rung=6, lived_agree=2, staff_agree=4)
