"""Reading and checking the framework data files (the loader action saves them)."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError

from .models import Band, FrameworkKind

DATA_DIR = Path(__file__).resolve().parent / "frameworks"
REQUIRED = ("key", "version", "kind", "title", "citation", "licence", "items")


@dataclass(frozen=True)
class FrameworkFile:
    path: Path
    data: dict
    checksum: str


def _bilingual(value, where: str) -> dict:
    if not isinstance(value, dict) or not value.get("en") or not value.get("cy"):
        raise ValidationError(f"{where}: needs both 'en' and 'cy' text")
    return value


def read(path: Path) -> FrameworkFile:
    raw = path.read_bytes()
    data = yaml.safe_load(raw)
    name = path.name
    if not isinstance(data, dict):
        raise ValidationError(f"{name}: not a mapping")
    missing = [field for field in REQUIRED if field not in data]
    if missing:
        raise ValidationError(f"{name}: missing {', '.join(missing)}")
    if data["kind"] not in FrameworkKind.values:
        raise ValidationError(f"{name}: unknown kind {data['kind']!r}")
    if not isinstance(data["version"], int) or data["version"] < 1:
        raise ValidationError(f"{name}: version must be a positive whole number")
    _bilingual(data["title"], f"{name} title")
    keys = set()
    for index, item in enumerate(data["items"], start=1):
        where = f"{name} item {index}"
        if item.get("key") in keys or not item.get("key"):
            raise ValidationError(f"{where}: missing or repeated key")
        keys.add(item["key"])
        _bilingual(item.get("label"), f"{where} label")
        if item.get("band") and item["band"] not in Band.values:
            raise ValidationError(f"{where}: unknown band {item['band']!r}")
        if data["kind"] == "crosswalk":
            cells = item.get("cells") or {}
            for band in Band.values:
                _bilingual(cells.get(band), f"{where} {band}")
    return FrameworkFile(path=path, data=data, checksum=hashlib.sha256(raw).hexdigest())


def read_all(directory: Path = DATA_DIR) -> list[FrameworkFile]:
    return [read(path) for path in sorted(directory.glob("*.yaml"))]
