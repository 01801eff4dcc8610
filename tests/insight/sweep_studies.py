"""Permission-sweep rows of the studies area (studies, team, attributes, participants)."""

from django.urls import reverse

from ..roles import MANAGERS, SIGNED_IN
from .sweep import MANAGE, VIEW


def entries(world, objects) -> dict:
    study, participant = objects["study"], objects["participant"]
    slug = study.slug
    member = study.members.get(person=world["member"])
    return {
        "insight:list": (reverse("insight:list"), SIGNED_IN, 200),
        "insight:create": (reverse("insight:create"), MANAGERS, 200),
        "insight:detail": (reverse("insight:detail", args=[slug]), VIEW, 200),
        "insight:update": (reverse("insight:update", args=[slug]), MANAGE, 200),
        "insight:members": (reverse("insight:members", args=[slug]), MANAGE, 200),
        "insight:member_role": (
            reverse("insight:member_role", args=[slug, member.pk]),
            MANAGE,
            405,
        ),
        "insight:member_remove": (
            reverse("insight:member_remove", args=[slug, member.pk]),
            MANAGE,
            405,
        ),
        "insight:attributes": (reverse("insight:attributes", args=[slug]), MANAGE, 200),
        "insight:participants": (reverse("insight:participants", args=[slug]), VIEW, 200),
        "insight:participant_create": (
            reverse("insight:participant_create", args=[slug]),
            MANAGE,
            200,
        ),
        "insight:participants_import": (
            reverse("insight:participants_import", args=[slug]),
            MANAGE,
            200,
        ),
        "insight:participant": (
            reverse("insight:participant", args=[slug, participant.pk]),
            VIEW,
            200,
        ),
        "insight:participant_update": (
            reverse("insight:participant_update", args=[slug, participant.pk]),
            MANAGE,
            200,
        ),
    }


def writes() -> list[str]:
    return [
        "insight:create",
        "insight:update",
        "insight:members",
        "insight:member_role",
        "insight:member_remove",
        "insight:attributes",
        "insight:participant_create",
        "insight:participants_import",
        "insight:participant_update",
    ]
