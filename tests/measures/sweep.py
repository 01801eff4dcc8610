"""Permission-sweep entries for the measures app (see tests/test_permission_sweep.py)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from coproduce.measures.actions import load_frameworks, open_pulse, open_readiness_round
from coproduce.measures.models import Pulse, ReadinessRound

from ..roles import EVERYONE, PROJECT_MANAGE, PROJECT_VIEW

# Members and co-chairs answer; observers, leads and admins (unless members) do not.
ANSWERING = {"member", "cochair"}


def entries(world) -> dict:
    load_frameworks(by=None)
    project = world["project"]
    # Reuse what an earlier call opened: the sweep tables may be built more than once a test.
    round_ = ReadinessRound.objects.filter(project=project).first() or open_readiness_round(
        by=None, project=project, notify=False
    )
    pulse = Pulse.objects.filter(project=project).first() or open_pulse(
        by=None,
        project=project,
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        notify=False,
    )
    p, r, u = project.pk, round_.pk, pulse.pk
    return {
        "measures:frameworks": (reverse("measures:frameworks"), EVERYONE, 200),
        "measures:framework": (reverse("measures:framework", args=["tlap-ladder"]), EVERYONE, 200),
        "measures:readiness": (reverse("measures:readiness", args=[p]), PROJECT_VIEW, 200),
        "measures:readiness_open": (
            reverse("measures:readiness_open", args=[p]),
            PROJECT_MANAGE,
            200,
        ),
        "measures:readiness_round": (
            reverse("measures:readiness_round", args=[r]),
            PROJECT_VIEW,
            200,
        ),
        "measures:readiness_answer": (
            reverse("measures:readiness_answer", args=[r]),
            ANSWERING,
            200,
        ),
        "measures:readiness_close": (
            reverse("measures:readiness_close", args=[r]),
            PROJECT_MANAGE,
            405,
        ),
        "measures:pulse_list": (reverse("measures:pulse_list", args=[p]), PROJECT_VIEW, 200),
        "measures:pulse_open": (reverse("measures:pulse_open", args=[p]), PROJECT_MANAGE, 200),
        "measures:pulse": (reverse("measures:pulse", args=[u]), PROJECT_VIEW, 200),
        "measures:pulse_respond": (reverse("measures:pulse_respond", args=[u]), ANSWERING, 200),
        "measures:pulse_close": (reverse("measures:pulse_close", args=[u]), PROJECT_MANAGE, 405),
    }


def writes() -> list[str]:
    return [
        "measures:readiness_open",
        "measures:readiness_answer",
        "measures:readiness_close",
        "measures:pulse_open",
        "measures:pulse_respond",
        "measures:pulse_close",
    ]
