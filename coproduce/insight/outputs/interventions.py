"""Behaviour Change Wheel recommendations for a study's barrier themes (intervention functions
for each COM-B component, with the team's APEASE judgements), and how a chosen one reads in the
project's "you said, we did" log."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import frameworks
from ..models import Classification
from . import selectors

# Behaviour Change Wheel ----------------------------------------------------------------------


def functions_for(comb: str, variant: str) -> list[str]:
    """The intervention functions the Behaviour Change Wheel links to a COM-B sub-component."""
    return list(frameworks.bcw()["variants"][variant].get(comb, []))


def function_names() -> dict[str, str]:
    return {f["key"]: frameworks.localised(f) for f in frameworks.bcw()["functions"]}


def recommendations(study, *, variant=None) -> dict:
    """For every barrier theme, the recommended intervention functions (and any judged earlier
    that this variant does not recommend), each with the team's saved APEASE notes."""
    variant = variant or study.bcw_variant
    data = frameworks.bcw()
    if variant not in data["variants"]:
        raise ValidationError(_("Choose the 2011 or 2014 Behaviour Change Wheel."))
    functions = {f["key"]: f for f in data["functions"]}
    order = list(functions)
    saved = selectors.candidates(study)
    themes = []
    for t in selectors.themes(study):
        if t.classification not in (Classification.BARRIER, Classification.BOTH):
            continue
        keys = functions_for(t.comb, variant) if t.comb else []
        earlier = sorted(
            (f for (theme_id, f) in saved if theme_id == t.pk and f not in keys),
            key=lambda f: order.index(f) if f in order else len(order),
        )
        themes.append(
            {
                "theme": t,
                "comb": t.comb,
                "comb_name": frameworks.comb_name(t.comb) if t.comb else "",
                "candidates": [
                    {
                        "function": key,
                        "name": frameworks.localised(functions[key]) if key in functions else key,
                        "definition": frameworks.localised(functions[key], "definition")
                        if key in functions
                        else "",
                        "recommended": key in keys,
                        "saved": saved.get((t.pk, key)),
                    }
                    for key in [*keys, *earlier]
                ],
            }
        )
    return {
        "title": _("Recommended interventions"),
        "variant": variant,
        "themes": themes,
        "apease": [(a["key"], frameworks.localised(a)) for a in data["apease"]],
        "summary": _(
            "For each barrier theme (%(count)s in all), the intervention functions the "
            "Behaviour Change Wheel (%(variant)s) links to its COM-B sub-component, with the "
            "team's APEASE judgement."
        )
        % {"count": len(themes), "variant": variant},
    }


def interventions_tabular(table: dict) -> tuple[list, list]:
    header = (
        [_("Barrier theme"), _("COM-B sub-component"), _("Intervention function"), _("Recommended")]
        + [name for _key, name in table["apease"]]
        + [_("Note"), _("Take forward")]
    )
    rows = []
    for entry in table["themes"]:
        for c in entry["candidates"]:
            saved = c["saved"]
            apease = saved.apease if saved else {}
            rows.append(
                [
                    entry["theme"].name,
                    entry["comb_name"],
                    c["name"],
                    _("Yes") if c["recommended"] else _("No"),
                ]
                + [apease.get(key, "") for key, _name in table["apease"]]
                + [saved.note if saved else "", _("Yes") if saved and saved.selected else _("No")]
            )
    return header, rows


def input_text(candidate) -> str:
    """What a chosen intervention says in the project's "you said, we did" log."""
    theme = candidate.theme
    name = function_names().get(candidate.function, candidate.function)
    text = _("Barrier: %(theme)s. Suggested intervention: %(function)s.") % {
        "theme": theme.name,
        "function": name,
    }
    if theme.comb:
        text = _("Barrier: %(theme)s (%(component)s). Suggested intervention: %(function)s.") % {
            "theme": theme.name,
            "component": frameworks.comb_name(theme.comb),
            "function": name,
        }
    return f"{text} {candidate.note}".strip()
