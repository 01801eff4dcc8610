"""Permission-sweep rows of the sources area (sources, speakers, pseudonymisation)."""

from django.urls import reverse

from .sweep import CODE, KEY, MANAGE, VIEW


def entries(world, objects) -> dict:
    study, source = objects["study"], objects["source"]
    slug = study.slug
    return {
        "insight:sources": (reverse("insight:sources", args=[slug]), VIEW, 200),
        "insight:source_import": (reverse("insight:source_import", args=[slug]), CODE, 200),
        "insight:source_speakers": (
            reverse("insight:source_speakers", args=[slug, source.pk]),
            CODE,
            200,
        ),
        "insight:pseudonymise": (reverse("insight:pseudonymise", args=[slug]), MANAGE, 200),
        "insight:pseudonym_key": (reverse("insight:pseudonym_key", args=[slug]), KEY, 200),
    }


def writes() -> list[str]:
    return [
        "insight:source_import",
        "insight:source_speakers",
        "insight:pseudonymise",
    ]
