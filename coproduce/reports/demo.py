"""Demo data for this app, called by coproduce.site.demo.load().

Written only through the actions, with back-dated keywords, so the audit trail is real and the
first project's public page shows every kind of response, open and overdue actions, measures
against a baseline and feedback dates.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from . import actions


def _chain(ctx, project, today, spec) -> None:
    """One input and whatever follows it; spec keys are described in CHAINS below."""
    by = ctx.by

    def day(offset):
        return today - datetime.timedelta(days=offset)

    input = actions.record_input(
        by=by,
        project=project,
        text=spec["text"],
        source=spec["source"],
        contributor=spec.get("contributor"),
        contributor_label=spec.get("label", ""),
        meeting=spec.get("meeting"),
        said_on=spec.get("said_on") or day(spec["ago"]),
    )
    if "response" in spec:
        decision, reason, after, responder = spec["response"]
        actions.respond(
            by=by,
            input=input,
            decision=decision,
            reason=reason,
            responded_on=input.said_on + datetime.timedelta(days=after),
            responder=responder,
        )
    for description, owner, owner_label, due, done in spec.get("actions", []):
        action = actions.add_action(
            by=by,
            input=input,
            description=description,
            owner=owner,
            owner_label=owner_label,
            due_on=today + datetime.timedelta(days=due) if due is not None else None,
        )
        if done is not None:
            actions.complete_action(by=by, action=action, done_on=day(done))
    for name, unit, baseline, baseline_ago, follow_ups in spec.get("measures", []):
        measure = actions.add_measure(
            by=by,
            input=input,
            name=name,
            unit=unit,
            baseline_value=Decimal(baseline),
            baseline_on=day(baseline_ago),
        )
        for value, ago, note in follow_ups:
            actions.add_follow_up(
                by=by, measure=measure, value=Decimal(value), measured_on=day(ago), note=note
            )
    for ago, method, note in spec.get("feedback", []):
        actions.record_feedback_sent(by=by, input=input, sent_on=day(ago), method=method, note=note)
    if spec.get("public"):
        actions.set_public(by=by, input=input, is_public=True)


def load(ctx) -> None:
    """ctx: see coproduce.core.demo.DemoContext."""
    today = timezone.localdate(ctx.now)
    people = ctx.people
    clinic, cafe, crisis = ctx.projects[0], ctx.projects[1], ctx.projects[2]
    first_meeting = clinic.meetings.filter(starts_at__lt=ctx.now).order_by("starts_at").first()

    # "Ago" and "done" are days before today; "due" is days from today (negative: overdue).
    clinic_chains = [
        {
            "text": "Appointment letters sometimes arrive after the appointment, and they are "
            "full of hospital words. I missed two reviews last year because of it.",
            "source": "member",
            "contributor": people["cochair"],
            "ago": 120,
            "response": ("adopted", "", 8, people["clinician"]),
            "actions": [
                (
                    "Post appointment letters at least three weeks ahead",
                    people["clinician"],
                    "",
                    -90,
                    85,
                ),
                (
                    "Rewrite the letter with the group, in plain English and Welsh",
                    None,
                    "Clinic administration team",
                    -60,
                    52,
                ),
            ],
            "measures": [
                (
                    "Missed appointments",
                    "%",
                    "14.5",
                    112,
                    [
                        ("11.2", 60, "First month with the new letters"),
                        ("9.8", 10, ""),
                    ],
                ),
            ],
            "feedback": [(45, "meeting", "Reported at the group meeting")],
            "public": True,
        },
        {
            "text": "Clinics are only in working hours. People who work, or care for someone, "
            "have to take a day off for a 15-minute review.",
            "source": "meeting",
            "meeting": first_meeting,
            "label": "Group members at the first meeting",
            "said_on": timezone.localtime(first_meeting.starts_at).date(),
            "response": (
                "partly_adopted",
                "We cannot run evening clinics every week: the diabetes nurses are contracted "
                "for daytime hours and there is no budget for more staff this year. Instead we "
                "are trying one late clinic, until 7pm, on the first Tuesday of each month.",
                6,
                people["clinician"],
            ),
            "actions": [
                ("Run a monthly late clinic for six months", people["clinician"], "", 60, None),
                (
                    "Ask people who use the late clinic whether it works for them",
                    people["cochair"],
                    "",
                    90,
                    None,
                ),
            ],
            "measures": [
                (
                    "Late clinic appointments booked each month",
                    "appointments",
                    "0",
                    40,
                    [
                        ("11", 12, "First late clinic: 11 of 12 slots taken"),
                    ],
                ),
            ],
            "feedback": [(35, "newsletter", "Spring newsletter")],
            "public": True,
        },
        {
            "text": "Parking at the hospital is expensive and there is never a space. It should "
            "be free for people with a blue badge and their carers.",
            "source": "public",
            "label": "Carers' café participants",
            "ago": 90,
            "response": (
                "not_adopted",
                "The car park belongs to the county council, not the health board, so we "
                "cannot change its charges or its spaces. We have sent your comments to the "
                "council's parking team and will tell you what they say.",
                12,
                people["cochair"],
            ),
            "actions": [
                (
                    "Send the carers' comments to the council's parking team",
                    None,
                    "Coproduction lead",
                    -70,
                    72,
                ),
            ],
            "feedback": [(65, "letter", "Letter to the café organisers")],
            "public": True,
        },
        {
            "text": "The leaflets about food and diabetes are only in English and are hard to "
            "read. We want them in Welsh, and in easy read.",
            "source": "survey",
            "label": "Waiting-room survey (62 replies)",
            "ago": 75,
            "response": ("adopted", "", 10, people["clinician"]),
            "actions": [
                (
                    "Translate the food leaflets into Welsh and easy read",
                    people["member"],
                    "",
                    -20,
                    None,
                ),
            ],
            "measures": [
                ("Food leaflets available in Welsh", "leaflets", "2", 65, [("5", 15, "")]),
            ],
            "public": True,
        },
        {
            "text": "The TV in the waiting room is so loud that you cannot hear your name "
            "being called.",
            "source": "member",
            "contributor": people["member"],
            "ago": 30,
            "response": ("adopted", "", 4, people["cochair"]),
            "actions": [
                (
                    "Turn the TV sound off and add a screen showing who is called",
                    None,
                    "Outpatients manager",
                    -14,
                    None,
                ),
            ],
        },
        {
            "text": "Reviews feel like a checklist. Start by asking what matters to me.",
            "source": "member",
            "contributor": people["clinician"],
            "ago": 50,
            "response": ("adopted", "", 5, people["cochair"]),
            "actions": [
                (
                    "Add 'What matters to you?' as the first question of every review",
                    people["clinician"],
                    "",
                    -30,
                    33,
                ),
            ],
            "feedback": [(25, "meeting", "")],
            "public": True,
        },
        {
            "text": "Could the clinic move to the GP surgery one day a week? The hospital is "
            "two buses away for us.",
            "source": "other",
            "label": "Letter from a village support group",
            "ago": 40,
            "response": (
                "not_adopted",
                "A full review needs the eye-screening camera and the foot clinic, which are "
                "only at the hospital. We will look at this again when the new health centre "
                "opens in 2027, and the community transport project is looking at bus links.",
                9,
                people["clinician"],
            ),
            "feedback": [(28, "letter", "")],
            "public": True,
        },
        {
            "text": "Can the clinic send a text reminder the day before?",
            "source": "public",
            "label": "Comment card in the waiting room",
            "ago": 6,
            "public": True,
        },
    ]
    for spec in clinic_chains:
        _chain(ctx, clinic, today, spec)

    cafe_chains = [
        {
            "text": "Could the café meet somewhere with a quiet room for people who get "
            "overwhelmed?",
            "source": "member",
            "contributor": people["member"],
            "ago": 60,
            "response": ("adopted", "", 7, people["lead"]),
            "actions": [
                ("Book the library's side room as a quiet space", None, "Café hosts", -40, 45)
            ],
            "feedback": [(40, "meeting", "")],
            "public": True,
        },
        {
            "text": "Meet every week instead of every month.",
            "source": "public",
            "label": "Carers at the summer café",
            "ago": 35,
            "response": (
                "partly_adopted",
                "The volunteers who host the café cannot give every week. We have added a "
                "second café each month, hosted by the community link charity.",
                10,
                people["lead"],
            ),
            "feedback": [(20, "newsletter", "")],
            "public": True,
        },
    ]
    for spec in cafe_chains:
        _chain(ctx, cafe, today, spec)

    _chain(
        ctx,
        crisis,
        today,
        {
            "text": "The crisis line's hold music plays the same 10 seconds over and over. "
            "When you are in crisis that makes it worse.",
            "source": "survey",
            "label": "Crisis line users' survey",
            "ago": 25,
        },
    )
