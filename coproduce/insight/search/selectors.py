"""Reads for the search form."""

from ..models import Attribute, Participant


def filter_choices(study, *, include_special: bool) -> list[dict]:
    """Each participant attribute with the values its participants have, for the filters:
    [{"name", "label", "values": [...]}]. Special-category attributes only if allowed."""
    attributes = list(Attribute.objects.filter(study=study))
    if not include_special:
        attributes = [a for a in attributes if not a.special_category]
    values: dict[str, set] = {a.name: set() for a in attributes}
    # Distinct combinations only: a study of 10,000 participants has few.
    combinations = Participant.objects.filter(study=study).order_by().values_list("attributes")
    for (data,) in combinations.distinct():
        for name, value in (data or {}).items():
            if name in values and value not in (None, ""):
                values[name].add(str(value))
    return [
        {"name": a.name, "label": a.label, "values": sorted(values[a.name], key=str.casefold)}
        for a in attributes
        if values[a.name]
    ]
