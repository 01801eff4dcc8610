"""Moving studies in and out: REFI-QDA projects (.qdpx) and codebooks (.qdc), codings as CSV and
Excel, and the `coproduce insight` command-line handlers. Reading and writing files only; the
database writes of an import are in actions/exchange.py.

How our data maps onto REFI-QDA 1.0 (Project.xsd has no extension points, so everything of ours
that the standard has no place for travels as text the schema allows):

- Users: one per Coder (guid, name).
- CodeBook: codes with hierarchy and colour; Description is the definition followed, when there is
  anything else to keep, by one last line `coproduce-meta: {json}` holding the COM-B key, TDF
  domains, "use when" / "do not use when" text and framework key. Other tools show that line as
  part of the description; we read it back and strip it.
- Variables: study attributes (name = label; the attribute's own name and special-category flag
  are in the meta line). Cases: participants, with VariableValue and SourceRef to their sources.
- Sources: TextSource, text in sources/<GUID>.txt (UTF-8) referenced as internal://<GUID>.txt;
  speaker turns in the meta line. One PlainTextSelection per coding selection with one Coding per
  code (creatingUser = the coder). Polarity is the selection's Description, `polarity: barrier`
  (or facilitator); neutral selections have none. Codings of one selection that differ in span or
  polarity are written as separate selections.
- Notes: memos. A memo's target refers to it by NoteRef (Project, Code, TextSource, Coding); the
  schema gives Cases no NoteRef, so a participant's memo is a Link from the note to the case.
- Sets: themes, with their codes as MemberCode.

Positions are Unicode code points of the text, first character 0, end exclusive. On import, line
ends are normalised to "\\n" (the transcript views and browsers count that way) and positions are
moved accordingly: a "\\r\\n" before a position shifts it left by one.
"""

import datetime
import functools
import json
import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..models import (
    Attribute,
    AttributeType,
    Code,
)

NS = "urn:QDA-XML:project:1.0"
CB_NS = "urn:QDA-XML:codebook:1.0"
META = "coproduce-meta: "
POLARITY_LINE = re.compile(r"^\s*polarity:\s*(barrier|facilitator|neutral)\s*$", re.I | re.M)
# Characters XML 1.0 cannot carry at all (lxml refuses them).
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
REFI_TYPES = {
    AttributeType.TEXT: "Text",
    AttributeType.INTEGER: "Integer",
    AttributeType.FLOAT: "Float",
    AttributeType.BOOLEAN: "Boolean",
    AttributeType.DATE: "Date",
}
FROM_REFI_TYPES = {
    "Text": AttributeType.TEXT,
    "Integer": AttributeType.INTEGER,
    "Float": AttributeType.FLOAT,
    "Boolean": AttributeType.BOOLEAN,
    "Date": AttributeType.DATE,
    "DateTime": AttributeType.DATE,
}
VALUE_ELEMENTS = {
    AttributeType.TEXT: "TextValue",
    AttributeType.INTEGER: "IntegerValue",
    AttributeType.FLOAT: "FloatValue",
    AttributeType.BOOLEAN: "BooleanValue",
    AttributeType.DATE: "DateValue",
}
COLOUR = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
IMPORTED_CODER = "imported"


def _q(name: str, ns: str = NS) -> str:
    return f"{{{ns}}}{name}"


def _safe(text) -> str:
    return XML_UNSAFE.sub("", str(text or ""))


def _when(value) -> str:
    v = value.astimezone(datetime.UTC)
    # Formatting by hand: strftime was a tenth of a 20,000-coding export.
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}Z"


def meta_join(text: str, meta: dict) -> str:
    """Free text plus our fields as one last `coproduce-meta:` line (only if there are any)."""
    meta = {k: v for k, v in meta.items() if v not in ("", None, [], {}, False)}
    if not meta:
        return text
    line = META + json.dumps(meta, ensure_ascii=False, sort_keys=True)
    return f"{text}\n\n{line}" if text else line


def meta_split(text: str) -> tuple[str, dict]:
    text = text or ""
    head, _sep, last = text.rpartition("\n")
    candidate = last if _sep else text
    if candidate.startswith(META):
        try:
            meta = json.loads(candidate[len(META) :])
        except ValueError:
            return text, {}
        if isinstance(meta, dict):
            return (head.rstrip("\n") if _sep else ""), meta
    return text, {}


@functools.lru_cache(maxsize=8192)
def _uuid(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        # Not a GUID (some tools write other identifiers): keep it stable instead of failing.
        return uuid.uuid5(uuid.NAMESPACE_URL, value.strip())


# ---------------------------------------------------------------------------------------------
# Export


SPECIAL_CATEGORY_FILE = Path(__file__).with_name("special_category.yaml")


@functools.cache
def _special_terms() -> tuple[str, ...]:
    data = yaml.safe_load(SPECIAL_CATEGORY_FILE.read_text(encoding="utf-8")) or {}
    return tuple(" ".join(re.findall(r"\w+", str(t).casefold())) for t in data.get("terms", ()))


def plainly_special(*names: str) -> bool:
    """Whether an attribute called this (name or label) is plainly special-category data, by
    the list in special_category.yaml: a term equal to it, or found in it as whole words."""
    for name in names:
        words = " " + " ".join(re.findall(r"\w+", (name or "").replace("_", " ").casefold())) + " "
        if any(f" {term} " in words for term in _special_terms() if term):
            return True
    return False


def code_paths(codes) -> dict[int, str]:
    by_pk = {c.pk: c for c in codes}
    paths = {}

    def path(code):
        if code.pk not in paths:
            parent = by_pk.get(code.parent_id)
            paths[code.pk] = f"{path(parent)} / {code.name}" if parent else code.name
        return paths[code.pk]

    for code in codes:
        path(code)
    return paths


def _code_description(code: Code) -> str:
    return meta_join(
        code.definition,
        {
            "comb": code.comb,
            "tdf_domains": code.tdf_domains,
            "inclusion": code.inclusion,
            "exclusion": code.exclusion,
            "framework_key": code.framework_key,
        },
    )


def _children(codes) -> dict:
    children = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)
    return children


def _theme_guids(themes) -> dict:
    """Themes have no identifier of their own: derive one from the name and the codes' guids
    (which imports keep), so a theme has the same guid after export, import and export."""
    guids = {}
    for theme in themes:
        codes = sorted(str(c.guid) for c in theme.codes.all())
        guid = uuid.uuid5(uuid.NAMESPACE_URL, "coproduce-theme:" + json.dumps([theme.name, codes]))
        if guid in guids.values():
            guid = uuid.uuid5(guid, str(theme.pk))
        guids[theme.pk] = guid
    return guids


def _refi_value(attribute: Attribute, value: str) -> tuple[str, str]:
    """(element name, text) of a VariableValue, falling back to text if it does not parse."""
    kind = attribute.type
    try:
        if kind == AttributeType.INTEGER:
            return "IntegerValue", str(int(value))
        if kind == AttributeType.FLOAT:
            from decimal import Decimal

            return "FloatValue", format(Decimal(value), "f")
        if kind == AttributeType.BOOLEAN:
            if value in ("true", "false"):
                return "BooleanValue", value
            raise ValueError(value)
        if kind == AttributeType.DATE:
            return "DateValue", datetime.date.fromisoformat(value[:10]).isoformat()
    except (ValueError, ArithmeticError):
        pass
    return "TextValue", value


# What reader.py makes of a file and importer.py writes: plain data, no database rows.
@dataclass
class Parsed:
    name: str = ""
    description: str = ""
    users: list = field(default_factory=list)
    codes: list = field(default_factory=list)
    variables: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    # note guid -> (target kind, target guid)
    note_targets: dict = field(default_factory=dict)
    sets: list = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    # Sources left out whose codings are lost with them: said prominently, not only counted.
    dropped_sources: list = field(default_factory=list)
    dropped_codings: int = 0

    def skip(self, what: str, reason: str, n: int = 1) -> None:
        self.skipped[(what, reason)] += n

    def skipped_list(self) -> list[dict]:
        return [
            {"element": what, "reason": reason, "count": n}
            for (what, reason), n in sorted(self.skipped.items())
        ]
