"""Readiness checks and pulses for a fifth of the projects (every demo project among them), on
the newest frameworks, answered by most members."""

import datetime

from coproduce.measures.actions import (
    LADDER_FRAMEWORK,
    PRINCIPLES_FRAMEWORK,
    READINESS_FRAMEWORK,
    load_frameworks,
)
from coproduce.measures.models import (
    Framework,
    Pulse,
    PulseAgreement,
    PulseRespondent,
    PulseResponse,
    ReadinessAnswer,
    ReadinessResponse,
    ReadinessRound,
)
from coproduce.measures.pulse import respondent_keys
from coproduce.measures.readiness import group_of

from .base import Run, uuid_from
from .projects import DEMO_PROJECTS, _present

IDEAS = [
    "Pay people for their time in the same way staff are paid.",
    "Share the agenda a week before, in easy read too.",
    "Let members chair some of the meetings.",
    "Tell us what happened to what we said last time.",
    "",
    "",
]


def _newest(key: str) -> tuple[Framework, list]:
    framework = Framework.objects.filter(key=key).order_by("-version").first()
    return framework, list(framework.items.order_by("position"))


def generate(run: Run) -> None:
    rng = run.rng("measures")
    if not Framework.objects.exists():
        load_frameworks(by=None)  # the same files `coproduce demo` and `serve` load
    criteria, criteria_items = _newest(READINESS_FRAMEWORK)
    ladder, rungs = _newest(LADDER_FRAMEWORK)
    principles, principle_items = _newest(PRINCIPLES_FRAMEWORK)
    out = {m: [] for m in (ReadinessRound, ReadinessResponse, ReadinessAnswer, Pulse)}
    out |= {m: [] for m in (PulseRespondent, PulseResponse, PulseAgreement)}
    for n, project in enumerate(run.shared["projects"]):
        if n >= DEMO_PROJECTS and rng.random() >= 0.2:
            continue
        opened = min(project["start"] + datetime.timedelta(days=21), run.as_of)
        closed = opened + datetime.timedelta(days=14)
        round_pk = run.ids(ReadinessRound, 1)[0]
        out[ReadinessRound].append(
            ReadinessRound(
                pk=round_pk,
                project_id=project["pk"],
                criteria=criteria,
                ladder=ladder,
                opened_at=run.at(opened, 9),
                closes_on=closed,
                closed_at=run.at(closed, 17) if closed < run.as_of else None,
            )
        )
        answering = [m for m in _present(project["members"], opened) if m[3] != "observer"]
        for m in answering:
            if rng.random() < 0.25:
                continue
            response_pk = run.ids(ReadinessResponse, 1)[0]
            answered = run.at(opened + datetime.timedelta(days=rng.randint(0, 7)), 12)
            out[ReadinessResponse].append(
                ReadinessResponse(
                    pk=response_pk,
                    round_id=round_pk,
                    person_id=m[1],
                    perspective=m[2],
                    answered_at=answered,
                    updated_at=answered,
                )
            )
            for item, pk in zip(
                criteria_items, run.ids(ReadinessAnswer, len(criteria_items)), strict=True
            ):
                rating = None if rng.random() < 0.08 else rng.choice([1, 2, 2, 3])
                out[ReadinessAnswer].append(
                    ReadinessAnswer(pk=pk, response_id=response_pk, criterion=item, rating=rating)
                )
        # A pulse in the last half year: open now for the demo projects and a few others.
        pulse_opened = run.days_ago(3 if n < DEMO_PROJECTS else rng.randint(3, 180))
        closes = pulse_opened + datetime.timedelta(days=21)
        pulse_pk = run.ids(Pulse, 1)[0]
        out[Pulse].append(
            Pulse(
                pk=pulse_pk,
                project_id=project["pk"],
                ladder=ladder,
                principles=principles,
                opened_at=run.at(pulse_opened, 9),
                closes_on=closes,
                closed_at=run.at(closes, 17) if closes < run.as_of else None,
            )
        )
        for m in [m for m in _present(project["members"], pulse_opened) if m[3] != "observer"]:
            if rng.random() < 0.3:
                continue
            out[PulseRespondent].append(
                PulseRespondent(
                    pk=run.ids(PulseRespondent, 1)[0],
                    pulse_id=pulse_pk,
                    person_id=m[1],
                    responded_at=run.at(pulse_opened + datetime.timedelta(days=2), 12),
                )
            )
            lived = group_of(m[2]) == "lived"
            centre = 3 if lived else 5
            position = max(1, min(len(rungs), centre + rng.choice([-1, 0, 0, 1])))
            response_id = uuid_from(rng)
            out[PulseResponse].append(
                PulseResponse(
                    id=response_id,
                    pulse_id=pulse_pk,
                    respondent_key=respondent_keys(pulse_pk, m[1])[0],
                    perspective=m[2],
                    rung=rungs[position - 1],
                    more_equal=rng.choice(IDEAS),
                )
            )
            for item, pk in zip(
                principle_items, run.ids(PulseAgreement, len(principle_items)), strict=True
            ):
                agreement = None if rng.random() < 0.1 else rng.randint(2 if lived else 3, 5)
                out[PulseAgreement].append(
                    PulseAgreement(
                        pk=pk, response_id=response_id, principle=item, agreement=agreement
                    )
                )
    for model, rows in out.items():
        run.write(model, rows)
