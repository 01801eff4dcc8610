"""Writes for frameworks and measures."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from coproduce.core import audit

from . import frameworks
from .models import Framework, FrameworkItem


@transaction.atomic
def load_frameworks(*, by, directory: Path = frameworks.DATA_DIR) -> list[Framework]:
    """Load every framework file whose (key, version) is new; returns the versions added.

    A version already loaded must be byte-for-byte the same file: changing a loaded version would
    change what earlier answers mean, so it is refused and a new version is needed instead.
    """
    files = frameworks.read_all(directory)  # every file is checked before anything is saved
    added = []
    for file in files:
        data = file.data
        existing = Framework.objects.filter(key=data["key"], version=data["version"]).first()
        if existing is not None:
            if existing.checksum != file.checksum:
                raise ValidationError(
                    f"{file.path.name}: version {data['version']} of {data['key']} is already "
                    "loaded with different content; give the changes a new version number"
                )
            continue
        notes = data.get("notes") or {}
        framework = Framework(
            key=data["key"],
            version=data["version"],
            kind=data["kind"],
            title_en=data["title"]["en"],
            title_cy=data["title"]["cy"],
            notes_en=notes.get("en", ""),
            notes_cy=notes.get("cy", ""),
            citation=" ".join(data["citation"].split()),
            source_url=data.get("source_url", ""),
            licence=" ".join(data["licence"].split()),
            checksum=file.checksum,
        )
        framework.full_clean()
        framework.save()
        items = []
        for position, item in enumerate(data["items"], start=1):
            description = item.get("description") or {}
            items.append(
                FrameworkItem(
                    framework=framework,
                    key=item["key"],
                    position=position,
                    band=item.get("band", ""),
                    group=item.get("group", ""),
                    label_en=item["label"]["en"],
                    label_cy=item["label"]["cy"],
                    description_en=description.get("en", ""),
                    description_cy=description.get("cy", ""),
                    cells=item.get("cells") or {},
                )
            )
        FrameworkItem.objects.bulk_create(items)
        audit.record(
            by=by,
            action="framework.load",
            obj=framework,
            changes={"items": [None, len(items)], "checksum": [None, file.checksum]},
        )
        added.append(framework)
    return added
