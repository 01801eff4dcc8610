"""Importing participants and their attributes from a spreadsheet, all or nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coproduce.core import audit, limits

from ..models import Attribute, AttributeType, Participant
from .studies import check_attribute_value

__all__ = ["import_participants", "column_attribute_name"]


def column_attribute_name(header: str) -> str:
    """The attribute name a column heading stands for ("Age band" -> "age_band")."""
    return slugify(header or "").replace("-", "_")[:60]


def _match_columns(study, headers):
    """{column index: attribute or None}, the identifier column, and unknown column headings."""
    defined = list(study.attributes.all())
    by_name = {a.name: a for a in defined}
    by_label = {a.label.strip().casefold(): a for a in defined}
    columns, unknown, identifier = {}, [], None
    for index, header in enumerate(headers):
        heading = (header or "").strip()
        if not heading:
            continue
        if heading.casefold() == "identifier":
            identifier = index
            continue
        attribute = by_name.get(column_attribute_name(heading)) or by_label.get(heading.casefold())
        columns[index] = attribute
        if attribute is None:
            unknown.append(heading)
    return identifier, columns, unknown


@transaction.atomic
def import_participants(*, by, study, headers, rows, create_unknown=False) -> dict:
    """`headers` is the first row; `rows` the others (lists of cell values). Every row is checked
    before anything is written; one bad row and nothing is imported. Participants already in the
    study (same identifier) have the attributes in the file set; others are added."""
    headers = [str(h).strip() if h is not None else "" for h in headers]
    identifier_column, columns, unknown = _match_columns(study, headers)
    if identifier_column is None:
        raise ValidationError(_("The file needs a column headed “identifier”."))
    if unknown and not create_unknown:
        raise ValidationError(
            _(
                "These columns are not attributes of the study: %(columns)s. Define them first, "
                "or choose to create them as text attributes."
            )
            % {"columns": ", ".join(unknown)}
        )
    if len(rows) > limits.get("rows"):
        raise limits.too_many_rows()
    created_attributes = []
    if unknown:
        order = study.attributes.count()
        for index, attribute in list(columns.items()):
            if attribute is not None:
                continue
            name = column_attribute_name(headers[index])
            if not name:
                raise ValidationError(
                    _("The column “%(column)s” cannot be an attribute name.")
                    % {"column": headers[index]}
                )
            attribute = Attribute(
                study=study,
                name=name,
                label=headers[index][:100],
                type=AttributeType.TEXT,
                order=order,
            )
            order += 1
            created_attributes.append(attribute)
            columns[index] = attribute

    errors, seen, parsed = [], {}, []
    for number, row in enumerate(rows, start=2):
        cells = list(row) + [None] * (len(headers) - len(row))
        if all(c is None or not str(c).strip() for c in cells):
            continue
        identifier = str(cells[identifier_column] or "").strip()
        if not identifier:
            errors.append(_("Row %(row)s: the identifier is missing.") % {"row": number})
            continue
        if len(identifier) > 60:
            errors.append(
                _("Row %(row)s: the identifier is longer than 60 characters.") % {"row": number}
            )
            continue
        if identifier in seen:
            errors.append(
                _("Row %(row)s: %(identifier)s is also on row %(other)s.")
                % {"row": number, "identifier": identifier, "other": seen[identifier]}
            )
            continue
        seen[identifier] = number
        values = {}
        for index, attribute in columns.items():
            value = cells[index] if index < len(cells) else None
            if hasattr(value, "isoformat") and attribute.type == AttributeType.DATE:
                value = value.isoformat()
            try:
                text = check_attribute_value(attribute, value)
            except ValidationError as exc:
                errors.extend(
                    _("Row %(row)s: %(problem)s") % {"row": number, "problem": message}
                    for message in exc.messages
                )
                continue
            if text:
                values[attribute.name] = text
        parsed.append((identifier, values))
    if errors:
        raise ValidationError(errors)
    if not parsed:
        raise ValidationError(_("The file has no participants in it."))

    for attribute in created_attributes:
        attribute.save()
    existing = {p.identifier: p for p in Participant.objects.filter(study=study)}
    new, changed = [], []
    for identifier, values in parsed:
        participant = existing.get(identifier)
        if participant is None:
            new.append(Participant(study=study, identifier=identifier, attributes=values))
        elif values and {**participant.attributes, **values} != participant.attributes:
            participant.attributes = {**participant.attributes, **values}
            changed.append(participant)
    Participant.objects.bulk_create(new, batch_size=500)
    Participant.objects.bulk_update(changed, ["attributes"], batch_size=500)
    report = {
        "added": len(new),
        "updated": len(changed),
        "unchanged": len(parsed) - len(new) - len(changed),
        "attributes_created": [a.name for a in created_attributes],
    }
    audit.record(by=by, action="participant.import", obj=study, changes=report)
    return report
