"""The frameworks an insight study codes with (COM-B, TDF v2, the Behaviour Change Wheel), read from
the versioned YAML files beside this module. Loaded once per process: they are data."""

from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

DIR = Path(__file__).parent / "frameworks"


@cache
def _load(name: str) -> dict:
    return yaml.safe_load((DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def comb() -> dict:
    return _load("comb")


def tdf() -> dict:
    return _load("tdf")


def bcw() -> dict:
    return _load("bcw")


COMB_KEYS = tuple(c["key"] for c in _load("comb")["components"])


def localised(item: dict, field: str = "name") -> str:
    """The Welsh text of a framework entry when the page is in Welsh and it has one."""
    if (get_language() or "en").startswith("cy") and item.get(f"{field}_cy"):
        return item[f"{field}_cy"]
    return item[field]


def comb_component(key: str) -> dict | None:
    return next((c for c in comb()["components"] if c["key"] == key), None)


def comb_name(key: str) -> str:
    component = comb_component(key)
    return localised(component) if component else ""


def comb_choices() -> list[tuple[str, str]]:
    return [(c["key"], localised(c)) for c in comb()["components"]]


def tdf_choices() -> list[tuple[str, str]]:
    return [(d["key"], localised(d)) for d in tdf()["domains"]]
