"""Permission-sweep rows of the search area (search, similar passages)."""

from django.urls import reverse

from .sweep import VIEW


def entries(world, objects) -> dict:
    study, source = objects["study"], objects["source"]
    slug = study.slug
    return {
        "insight:search": (reverse("insight:search", args=[slug]) + "?q=listened", VIEW, 200),
        "insight:similar": (
            reverse("insight:similar", args=[slug, source.pk]) + "?start=25&end=61",
            VIEW,
            200,
        ),
    }


def writes() -> list[str]:
    return []
