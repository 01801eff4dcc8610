"""Writing the audit trail. Called only from actions, inside their transaction."""

import datetime
import decimal
import uuid
from collections.abc import Iterable

from django.db import models, transaction

from .models import AuditEvent

SYSTEM_LABEL = "system"


def _plain(value):
    """A JSON-safe form of a field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if isinstance(value, list | tuple | set):
        return sorted(_plain(v) for v in value)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def created(instance: models.Model, fields: Iterable[str]) -> dict:
    """The changes of a new row: every field from nothing to its value."""
    return diff({}, snapshot(instance, fields))


def record(*, by, action: str, obj: models.Model, changes: dict | None = None, on_behalf_of=None):
    """Append an audit event. Must run inside the caller's transaction so both commit or neither."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the action's transaction")
    actor_id = getattr(by, "pk", None) if by is not None else None
    return AuditEvent.objects.create(
        actor_id=actor_id,
        actor_label=(getattr(by, "email", "") or str(by)) if by is not None else SYSTEM_LABEL,
        on_behalf_of_id=getattr(on_behalf_of, "pk", None),
        on_behalf_of_label=str(on_behalf_of) if on_behalf_of is not None else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes=changes or {},
    )
