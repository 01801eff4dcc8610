"""Permission-sweep entries for the measures app (see tests/test_permission_sweep.py)."""

from django.urls import reverse

from coproduce.measures.actions import load_frameworks

from ..roles import EVERYONE


def entries(world) -> dict:
    load_frameworks(by=None)
    return {
        "measures:frameworks": (reverse("measures:frameworks"), EVERYONE, 200),
        "measures:framework": (reverse("measures:framework", args=["tlap-ladder"]), EVERYONE, 200),
    }


def writes() -> list[str]:
    return []
