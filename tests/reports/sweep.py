"""Permission-sweep entries for this app (see tests/test_permission_sweep.py)."""

from django.urls import reverse

from ..roles import EVERYONE, PROJECT_MANAGE, PROJECT_VIEW
from .chain import build_chain


def entries(world) -> dict:
    input, action, measure = build_chain(world["project"], contributor=world["member"])
    # The public page exists only once something is published (404 before).
    build_chain(world["project"], text="Published for the sweep.", is_public=True)
    p, i = world["project"].pk, input.pk
    return {
        "reports:chain": (reverse("reports:chain", args=[p]), PROJECT_VIEW, 200),
        # Any member may log what was said; answering it is for the people who manage.
        "reports:input_create": (reverse("reports:input_create", args=[p]), PROJECT_VIEW, 200),
        "reports:input": (reverse("reports:input", args=[i]), PROJECT_VIEW, 200),
        "reports:respond": (reverse("reports:respond", args=[i]), PROJECT_MANAGE, 200),
        "reports:action_create": (reverse("reports:action_create", args=[i]), PROJECT_MANAGE, 200),
        # POST only: allowed roles get 405 for a GET.
        "reports:action_done": (
            reverse("reports:action_done", args=[action.pk]),
            PROJECT_MANAGE,
            405,
        ),
        "reports:measure_create": (
            reverse("reports:measure_create", args=[i]),
            PROJECT_MANAGE,
            200,
        ),
        "reports:follow_up_create": (
            reverse("reports:follow_up_create", args=[measure.pk]),
            PROJECT_MANAGE,
            200,
        ),
        "reports:feedback_create": (
            reverse("reports:feedback_create", args=[i]),
            PROJECT_MANAGE,
            200,
        ),
        "reports:publish": (reverse("reports:publish", args=[i]), PROJECT_MANAGE, 405),
        # The public page: everyone, signed in or not.
        "reports:public": (reverse("reports:public", args=[p]), EVERYONE, 200),
        "reports:dashboard": (reverse("reports:dashboard", args=[p]), PROJECT_VIEW, 200),
        # Only the admins and leads of that organisation compare its projects.
        "reports:organisation": (
            reverse("reports:organisation", args=[world["org"].slug]),
            {"admin", "lead"},
            200,
        ),
    }


def writes() -> list[str]:
    return [
        "reports:input_create",
        "reports:respond",
        "reports:action_create",
        "reports:action_done",
        "reports:measure_create",
        "reports:follow_up_create",
        "reports:feedback_create",
        "reports:publish",
    ]
