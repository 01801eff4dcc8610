"""Permission-sweep entries for this app (see tests/test_permission_sweep.py).

The co-chair is the team's clinician and the member its observer; admin and lead run the
organisation. The anonymous survey pages are open to everyone, on purpose."""

from django.urls import reverse

from coproduce.consultations import actions

from ..roles import EVERYONE, SIGNED_IN
from .helpers import CHECKLIST, open_link, team_with_people

MANAGE = {"admin", "lead"}


def build(world):
    team, clinician, observer = team_with_people(world)
    link = open_link(team, clinician)
    coded = open_link(team, clinician, one_use=True)
    actions.create_tokens(by=None, link=coded, count=2)
    consultation = actions.add_consultation(
        by=None,
        team=team,
        clinician=clinician,
        instrument=CHECKLIST,
        reference="Recording 1",
        occurred_on=link.valid_from,
        mode="recorded",
    )
    return team, clinician, link, consultation


def entries(world) -> dict:
    team, clinician, link, consultation = build(world)
    slug = world["org"].slug
    return {
        "consultations:survey": (reverse("consultations:survey", args=[link.code]), EVERYONE, 200),
        "consultations:survey_thanks": (
            reverse("consultations:survey_thanks", args=[link.code]),
            EVERYONE,
            200,
        ),
        "consultations:instruments": (reverse("consultations:instruments"), EVERYONE, 200),
        "consultations:mine": (reverse("consultations:mine"), SIGNED_IN, 200),
        "consultations:organisation": (
            reverse("consultations:organisation", args=[slug]),
            MANAGE,
            200,
        ),
        "consultations:settings": (reverse("consultations:settings", args=[slug]), MANAGE, 200),
        "consultations:permission": (
            reverse("consultations:permission", args=[slug, "sdm-q-9"]),
            MANAGE,
            200,
        ),
        "consultations:team_create": (
            reverse("consultations:team_create", args=[slug]),
            MANAGE,
            200,
        ),
        "consultations:export_csv": (reverse("consultations:export_csv", args=[slug]), MANAGE, 200),
        "consultations:export_xlsx": (
            reverse("consultations:export_xlsx", args=[slug]),
            MANAGE,
            200,
        ),
        "consultations:team": (
            reverse("consultations:team", args=[team.pk]),
            MANAGE | {"cochair", "member"},
            200,
        ),
        "consultations:member_create": (
            reverse("consultations:member_create", args=[team.pk]),
            MANAGE,
            200,
        ),
        "consultations:link_create": (
            reverse("consultations:link_create", args=[team.pk]),
            MANAGE,
            200,
        ),
        "consultations:consultation_create": (
            reverse("consultations:consultation_create", args=[team.pk]),
            MANAGE | {"member"},
            200,
        ),
        "consultations:calibration": (
            reverse("consultations:calibration", args=[team.pk]),
            MANAGE | {"member"},
            200,
        ),
        # A clinician's own dashboard: never another clinician, never an observer.
        "consultations:clinician": (
            reverse("consultations:clinician", args=[clinician.pk]),
            MANAGE | {"cochair"},
            200,
        ),
        "consultations:link": (
            reverse("consultations:link", args=[link.pk]),
            MANAGE | {"cochair"},
            200,
        ),
        # The answers left out as a burst: the organisation's admins and leads only.
        "consultations:link_excluded": (
            reverse("consultations:link_excluded", args=[link.pk]),
            MANAGE,
            200,
        ),
        "consultations:link_qr": (
            reverse("consultations:link_qr", args=[link.pk]),
            MANAGE | {"cochair"},
            200,
        ),
        "consultations:token_batch": (
            reverse("consultations:token_batch", args=[link.pk]),
            MANAGE | {"cochair"},
            200,
        ),
        "consultations:link_print": (
            reverse("consultations:link_print", args=[link.pk]),
            MANAGE | {"cochair"},
            200,
        ),
        "consultations:paper_entry": (
            reverse("consultations:paper_entry", args=[link.pk]),
            MANAGE | {"member"},
            200,
        ),
        "consultations:rate": (
            reverse("consultations:rate", args=[consultation.pk]),
            MANAGE | {"member"},
            200,
        ),
    }


def writes() -> list[str]:
    return [
        "consultations:settings",
        "consultations:permission",
        "consultations:team_create",
        "consultations:member_create",
        "consultations:link_create",
        "consultations:consultation_create",
        "consultations:token_batch",
        "consultations:paper_entry",
        "consultations:rate",
    ]
