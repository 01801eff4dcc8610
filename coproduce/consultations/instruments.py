"""The instruments, read from the data files in instruments/ (one file per instrument, each with
its licence). Nothing is stored in the database: links and observations name an instrument by key.

Three kinds of licence (`licence_status`):
- verbatim: published wording shipped unchanged (CollaboRATE, CC BY-NC-ND): English only, because
  the licence allows no derivative such as a translation; a Welsh version only with permission
  recorded by the organisation.
- ours: our own wording (MIT), in English and Welsh.
- structure_only: item count, scale and scoring only; the organisation enters the wording when it
  records that it holds permission.
"""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError

DATA_DIR = Path(__file__).resolve().parent / "instruments"
REQUIRED = (
    "key",
    "version",
    "family",
    "reporter",
    "title",
    "citation",
    "licence",
    "licence_status",
    "scoring",
    "scale",
)
LICENCE_STATUSES = ("verbatim", "ours", "structure_only")
SCORINGS = ("collaborate", "checklist", "sdm_q9", "option5", "care")


@dataclass(frozen=True)
class Item:
    key: str
    number: int
    text: dict  # {"en": ..., "cy": ...}; empty for structure-only instruments
    group: str = ""


@dataclass(frozen=True)
class Option:
    value: int | None  # None: not applicable
    label: str
    lang: str  # the language the label is written in (for lang attributes)


@dataclass(frozen=True)
class Instrument:
    key: str
    family: str
    reporter: str  # "patient" or "observer"
    title: dict
    citation: str
    source_url: str
    licence: str
    licence_url: str
    licence_status: str
    notice: str
    scoring: str
    minimum_responses: int | None
    scale: dict
    items: tuple[Item, ...]
    groups: tuple[dict, ...] = field(default_factory=tuple)
    # Our own licence and notice sentences in Welsh (never the licensed wording itself).
    licence_cy: str = ""
    notice_cy: str = ""

    @property
    def needs_permission(self) -> bool:
        return self.licence_status == "structure_only"

    @property
    def translatable(self) -> bool:
        """Only our own wording may be translated by us."""
        return self.licence_status == "ours"

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title["en"]

    def licence_in(self, language: str) -> tuple[str, str]:
        """(text, the language it is written in) for a lang attribute."""
        if language == "cy" and self.licence_cy:
            return self.licence_cy, "cy"
        return self.licence, "en"

    def notice_in(self, language: str) -> tuple[str, str]:
        if language == "cy" and self.notice_cy:
            return self.notice_cy, "cy"
        return self.notice, "en"

    @property
    def values(self) -> list[int]:
        if "choices" in self.scale:
            return [c["value"] for c in self.scale["choices"]]
        return list(range(self.scale["min"], self.scale["max"] + 1))

    @property
    def minimum_value(self) -> int:
        return min(self.values)

    @property
    def maximum_value(self) -> int:
        return max(self.values)

    @property
    def allows_not_applicable(self) -> bool:
        return bool(self.scale.get("not_applicable"))

    def options(self, language: str) -> list[Option]:
        """The answer options, labelled in `language` where the licence allows."""
        result = []
        if "choices" in self.scale:
            for choice in self.scale["choices"]:
                lang = language if choice.get(language) else "en"
                result.append(Option(choice["value"], choice[lang], lang))
        else:
            anchors = self.scale.get("anchors", {})
            for value in self.values:
                anchor = anchors.get(value)
                if anchor is None:
                    result.append(Option(value, str(value), language))
                elif isinstance(anchor, str):
                    # Published wording (verbatim licence): English, unchanged.
                    result.append(Option(value, f"{value} {anchor}", "en"))
                else:
                    lang = language if anchor.get(language) else "en"
                    result.append(Option(value, f"{value} {anchor[lang]}", lang))
        na = self.scale.get("not_applicable")
        if na:
            lang = language if na.get(language) else "en"
            result.append(Option(None, na[lang], lang))
        return result

    def item_text(self, item: Item, language: str, wording: dict | None = None) -> tuple[str, str]:
        """(text, language of the text) for one item. `wording`: the organisation's entered
        wording {"en": [...], "cy": [...]} recorded with its permission, if any."""
        wording = wording or {}
        entered = wording.get(language) or []
        if (
            self.licence_status != "ours"
            and len(entered) >= item.number
            and entered[item.number - 1]
        ):
            return entered[item.number - 1], language
        if item.text.get(language):
            return item.text[language], language
        if item.text.get("en"):
            return item.text["en"], "en"
        entered_en = wording.get("en") or []
        if len(entered_en) >= item.number and entered_en[item.number - 1]:
            return entered_en[item.number - 1], "en"
        return "", language


def _check(data: dict, name: str) -> None:
    missing = [f for f in REQUIRED if f not in data]
    if missing:
        raise ValidationError(f"{name}: missing {', '.join(missing)}")
    if data["licence_status"] not in LICENCE_STATUSES:
        raise ValidationError(f"{name}: unknown licence_status {data['licence_status']!r}")
    if data["scoring"] not in SCORINGS:
        raise ValidationError(f"{name}: unknown scoring {data['scoring']!r}")
    if not data["title"].get("en") or not data["title"].get("cy"):
        raise ValidationError(f"{name}: the title needs English and Welsh")
    items = data.get("items") or []
    if data["licence_status"] == "structure_only":
        if items or not data.get("item_count"):
            raise ValidationError(
                f"{name}: structure-only instruments ship an item_count, no items"
            )
    else:
        if not items:
            raise ValidationError(f"{name}: no items")
        for item in items:
            if not item.get("text", {}).get("en"):
                raise ValidationError(f"{name}: item {item.get('key')} has no English text")
            if data["licence_status"] == "ours" and not item["text"].get("cy"):
                raise ValidationError(f"{name}: item {item['key']} has no Welsh text")
            if data["licence_status"] == "verbatim" and set(item["text"]) != {"en"}:
                raise ValidationError(f"{name}: verbatim items are shipped in English only")


def read(path: Path) -> Instrument:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    _check(data, path.name)
    if data.get("items"):
        items = tuple(
            Item(key=i["key"], number=n, text=dict(i["text"]), group=i.get("group", ""))
            for n, i in enumerate(data["items"], start=1)
        )
    else:
        items = tuple(
            Item(key=f"item{n}", number=n, text={}) for n in range(1, data["item_count"] + 1)
        )
    return Instrument(
        key=data["key"],
        family=data["family"],
        reporter=data["reporter"],
        title=data["title"],
        citation=" ".join(data["citation"].split()),
        source_url=data.get("source_url", ""),
        licence=data["licence"],
        licence_url=data.get("licence_url", ""),
        licence_status=data["licence_status"],
        notice=" ".join(data.get("notice", "").split()),
        scoring=data["scoring"],
        minimum_responses=data.get("minimum_responses"),
        scale=data["scale"],
        items=items,
        groups=tuple(data.get("groups") or ()),
        licence_cy=data.get("licence_cy", ""),
        notice_cy=" ".join(data.get("notice_cy", "").split()),
    )


@cache
def all_instruments() -> dict[str, Instrument]:
    return {i.key: i for i in (read(p) for p in sorted(DATA_DIR.glob("*.yaml")))}


def get(key: str) -> Instrument:
    return all_instruments()[key]


def for_reporter(reporter: str) -> list[Instrument]:
    return [i for i in all_instruments().values() if i.reporter == reporter]
