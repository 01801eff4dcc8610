"""Reads of frameworks and measures."""

from django.db.models import Prefetch, QuerySet

from .models import Framework, FrameworkItem


def current_frameworks() -> list[Framework]:
    """The newest version of each framework, with its items."""
    newest: dict[str, Framework] = {}
    for framework in Framework.objects.prefetch_related(
        Prefetch("items", queryset=FrameworkItem.objects.order_by("position"))
    ).order_by("key", "-version"):
        newest.setdefault(framework.key, framework)
    return list(newest.values())


def current(key: str) -> Framework:
    """The newest loaded version of one framework."""
    return Framework.objects.filter(key=key).order_by("-version").first()


def framework_versions(key: str) -> QuerySet[Framework]:
    return Framework.objects.filter(key=key).order_by("-version")
