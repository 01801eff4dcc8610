"""Permission-sweep entries for this app (see tests/test_permission_sweep.py)."""

from django.urls import reverse

from coproduce.decisions import actions

from ..roles import PROJECT_MANAGE, PROJECT_VIEW, SIGNED_IN


def entries(world) -> dict:
    project = world["project"]
    decision = actions.propose_decision(
        by=None,
        project=project,
        proposer=world["cochair"],
        title="Evening clinics",
        proposal="Open the clinic on Tuesday evenings.",
        method="consent",
        notify=False,
    )
    objection = actions.set_position(
        by=None,
        decision=decision,
        person=world["member"],
        stance="object",
        comment="Buses stop at six.",
    )
    p, d = project.pk, decision.pk
    return {
        "decisions:list": (reverse("decisions:list", args=[p]), PROJECT_VIEW, 200),
        # Any member or a lead of the project's organisations may propose.
        "decisions:create": (reverse("decisions:create", args=[p]), PROJECT_VIEW, 200),
        "decisions:detail": (reverse("decisions:detail", args=[d]), PROJECT_VIEW, 200),
        # POST only: members and co-chairs (who may take positions) get 405 for a GET.
        "decisions:position": (
            reverse("decisions:position", args=[d]),
            {"member", "cochair"},
            405,
        ),
        "decisions:resolve": (
            reverse("decisions:resolve", args=[objection.pk]),
            PROJECT_MANAGE,
            200,
        ),
        "decisions:close": (reverse("decisions:close", args=[d]), PROJECT_MANAGE, 200),
        "decisions:outside": (reverse("decisions:outside", args=[p]), PROJECT_MANAGE, 200),
        "decisions:power": (reverse("decisions:power", args=[p]), PROJECT_VIEW, 200),
        "decisions:review": (reverse("decisions:review"), SIGNED_IN, 200),
    }


def writes() -> list[str]:
    return [
        "decisions:create",
        "decisions:position",
        "decisions:resolve",
        "decisions:close",
        "decisions:outside",
    ]
