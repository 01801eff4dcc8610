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

import bisect
import contextlib
import datetime
import functools
import io
import json
import os
import re
import uuid
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as xml_escape

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from coproduce.core import archives, limits
from coproduce.core.exports import CsvWriter, neutralise

from . import frameworks
from .models import (
    Attribute,
    AttributeType,
    Code,
    Coding,
    Polarity,
    Source,
    Study,
    Turn,
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


# Elements written whole inside the streamed Project are made without a namespace: serialised on
# their own they then carry no xmlns declaration and inherit the default namespace of Project.
def export_qdpx(study: Study, fp, *, include_special=True, progress=None) -> dict:
    """Write the study as a .qdpx zip to the binary file `fp`. Returns counts per kind.

    `include_special` False leaves out special-category attributes and their values (for readers
    who may not see them). `progress(done, total)` is called as sources are written."""
    coders = list(study.coders.all())
    coder_guid = {c.pk: str(c.guid) for c in coders}
    codes = list(study.codes.all())
    code_guid = {c.pk: str(c.guid) for c in codes}
    attributes = [a for a in study.attributes.all() if include_special or not a.special_category]
    participants = list(study.participants.all())
    participant_guid = {p.pk: str(p.guid) for p in participants}
    sources = list(
        study.sources.values("pk", "guid", "name", "kind", "original_filename", "created_at")
    )
    source_guid = {s["pk"]: str(s["guid"]) for s in sources}
    links = Source.participants.through.objects.filter(source__study=study).values_list(
        "participant_id", "source_id"
    )
    sources_of = defaultdict(list)
    for participant_id, source_id in links:
        sources_of[participant_id].append(source_guid[source_id])
    memos = list(study.memos.all().order_by("created_at", "pk"))
    memo_refs = defaultdict(list)  # (kind, pk) -> memo guids
    for memo in memos:
        target = memo.target
        key = None if target == "study" else getattr(memo, f"{target}_id")
        memo_refs[(str(target), key)].append(str(memo.guid))
    themes = list(study.themes.prefetch_related("codes"))
    theme_guid = _theme_guids(themes)
    counts = Counter()
    total = len(sources)

    with zipfile.ZipFile(fp, "w", zipfile.ZIP_DEFLATED) as zf:
        # The texts first: a zip takes one entry at a time and project.qde is streamed.
        for pk, text in study.sources.values_list("pk", "text").iterator(100):
            zf.writestr(f"sources/{source_guid[pk]}.txt", text.encode("utf-8"))
        with zf.open("project.qde", "w") as raw, etree.xmlfile(raw, encoding="utf-8") as xf:
            xf.write_declaration()
            project_attrs = {
                "name": _safe(study.title),
                "origin": "coproduce",
                "creationDateTime": _when(study.created_at),
                "modifiedDateTime": _when(timezone.now()),
            }
            with xf.element(_q("Project"), project_attrs, nsmap={None: NS}):
                if coders:
                    with xf.element(_q("Users")):
                        for coder in coders:
                            xf.write(
                                etree.Element("User", guid=str(coder.guid), name=_safe(coder.name))
                            )
                            counts["users"] += 1
                if codes:
                    children = _children(codes)

                    def code_element(code):
                        el = etree.Element(
                            "Code",
                            guid=str(code.guid),
                            name=_safe(code.name),
                            isCodable="true",
                            color=code.colour if COLOUR.match(code.colour or "") else "#005eb8",
                        )
                        description = _code_description(code)
                        if description:
                            etree.SubElement(el, "Description").text = _safe(description)
                        for guid in memo_refs.get(("code", code.pk), ()):
                            etree.SubElement(el, "NoteRef", targetGUID=guid)
                        for child in children.get(code.pk, ()):
                            el.append(code_element(child))
                        counts["codes"] += 1
                        return el

                    with xf.element(_q("CodeBook")), xf.element(_q("Codes")):
                        for code in children.get(None, ()):
                            xf.write(code_element(code))
                if attributes:
                    with xf.element(_q("Variables")):
                        for attribute in attributes:
                            el = etree.Element(
                                "Variable",
                                guid=str(attribute.guid),
                                name=_safe(attribute.label),
                                typeOfVariable=REFI_TYPES.get(attribute.type, "Text"),
                            )
                            etree.SubElement(el, "Description").text = _safe(
                                meta_join(
                                    "",
                                    {
                                        "name": attribute.name,
                                        "special_category": attribute.special_category,
                                    },
                                )
                            )
                            xf.write(el)
                            counts["variables"] += 1
                if participants:
                    with xf.element(_q("Cases")):
                        for participant in participants:
                            el = etree.Element(
                                "Case",
                                guid=str(participant.guid),
                                name=_safe(participant.identifier),
                            )
                            if participant.speaker_labels:
                                etree.SubElement(el, "Description").text = _safe(
                                    meta_join("", {"speaker_labels": participant.speaker_labels})
                                )
                            for attribute in attributes:
                                value = (participant.attributes or {}).get(attribute.name)
                                if value in (None, ""):
                                    continue
                                vv = etree.SubElement(el, "VariableValue")
                                etree.SubElement(vv, "VariableRef", targetGUID=str(attribute.guid))
                                tag, text = _refi_value(attribute, str(value))
                                etree.SubElement(vv, tag).text = _safe(text)
                            for guid in sources_of.get(participant.pk, ()):
                                etree.SubElement(el, "SourceRef", targetGUID=guid)
                            xf.write(el)
                            counts["cases"] += 1
                if sources:
                    turns_of = defaultdict(list)
                    for source_id, speaker, start, end, participant_id in (
                        Turn.objects.filter(source__study=study)
                        .order_by("source_id", "index")
                        .values_list("source_id", "speaker", "start", "end", "participant_id")
                    ):
                        turns_of[source_id].append(
                            [speaker, start, end, participant_guid.get(participant_id)]
                        )
                    with xf.element(_q("Sources")):
                        for done, source in enumerate(sources, 1):
                            _write_source(
                                xf, source, coder_guid, code_guid, turns_of, memo_refs, counts
                            )
                            if progress:
                                progress(done, total)
                if memos:
                    with xf.element(_q("Notes")):
                        for memo in memos:
                            attrs = {
                                "guid": str(memo.guid),
                                "name": _safe(memo.text.strip().split("\n")[0][:60]),
                                "creationDateTime": _when(memo.created_at),
                                "modifiedDateTime": _when(memo.updated_at),
                            }
                            if memo.author_id in coder_guid:
                                attrs["creatingUser"] = coder_guid[memo.author_id]
                            el = etree.Element("Note", attrs)
                            etree.SubElement(el, "PlainTextContent").text = _safe(memo.text)
                            xf.write(el)
                            counts["notes"] += 1
                    case_memos = [m for m in memos if m.target == "participant"]
                    if case_memos:
                        with xf.element(_q("Links")):
                            for memo in case_memos:
                                xf.write(
                                    etree.Element(
                                        "Link",
                                        guid=str(uuid.uuid5(memo.guid, "case")),
                                        name="memo",
                                        direction="OneWay",
                                        originGUID=str(memo.guid),
                                        targetGUID=participant_guid[memo.participant_id],
                                    )
                                )
                if themes:
                    with xf.element(_q("Sets")):
                        for theme in themes:
                            el = etree.Element(
                                "Set",
                                guid=str(theme_guid[theme.pk]),
                                name=_safe(theme.name),
                            )
                            parent = next((t for t in themes if t.pk == theme.parent_id), None)
                            etree.SubElement(el, "Description").text = _safe(
                                meta_join(
                                    theme.description,
                                    {
                                        "theme": True,
                                        "comb": theme.comb,
                                        "classification": theme.classification,
                                        "parent": str(theme_guid[parent.pk]) if parent else "",
                                    },
                                )
                            )
                            for code in theme.codes.all():
                                etree.SubElement(el, "MemberCode", targetGUID=code_guid[code.pk])
                            xf.write(el)
                            counts["sets"] += 1
                if study.description:
                    xf.write(_element("Description", _safe(study.description)))
                for guid in memo_refs.get(("study", None), ()):
                    xf.write(etree.Element("NoteRef", targetGUID=guid))
    if progress:
        progress(total, total)
    return dict(counts)


def _element(name, text):
    el = etree.Element(name)
    el.text = text
    return el


def _write_source(xf, source, coder_guid, code_guid, turns_of, memo_refs, counts):
    guid = str(source["guid"])
    el = etree.Element(
        "TextSource",
        guid=guid,
        name=_safe(source["name"]),
        plainTextPath=f"internal://{guid}.txt",
        creationDateTime=_when(source["created_at"]),
    )
    description = meta_join(
        "",
        {
            "kind": source["kind"],
            "original_filename": source["original_filename"],
            "turns": turns_of.get(source["pk"], []),
        },
    )
    if description:
        etree.SubElement(el, "Description").text = _safe(description)
    rows = (
        Coding.objects.filter(source_id=source["pk"])
        .order_by("start", "end", "selection", "pk")
        .values_list(
            "pk",
            "guid",
            "code_id",
            "coder_id",
            "start",
            "end",
            "polarity",
            "selection",
            "created_at",
        )
    )
    groups = {}
    for row in rows:
        groups.setdefault((row[7], row[4], row[5], row[6]), []).append(row)
    per_selection = Counter(key[0] for key in groups)
    for (selection, start, end, polarity), codings in groups.items():
        first = codings[0]
        sel_guid = (
            selection
            if per_selection[selection] == 1
            else uuid.uuid5(selection, f"{start}:{end}:{polarity}")
        )
        sel = etree.SubElement(
            el,
            "PlainTextSelection",
            guid=str(sel_guid),
            startPosition=str(start),
            endPosition=str(end),
            creatingUser=coder_guid[first[3]],
            creationDateTime=_when(min(c[8] for c in codings)),
        )
        if polarity != Polarity.NEUTRAL:
            etree.SubElement(sel, "Description").text = f"polarity: {polarity}"
        for pk, cguid, code_id, coder_id, *_rest in codings:
            coding = etree.SubElement(
                sel,
                "Coding",
                guid=str(cguid),
                creatingUser=coder_guid[coder_id],
                creationDateTime=_when(_rest[-1]),
            )
            etree.SubElement(coding, "CodeRef", targetGUID=code_guid[code_id])
            for note in memo_refs.get(("coding", pk), ()):
                etree.SubElement(coding, "NoteRef", targetGUID=note)
            counts["codings"] += 1
        counts["selections"] += 1
    for note in memo_refs.get(("source", source["pk"]), ()):
        etree.SubElement(el, "NoteRef", targetGUID=note)
    xf.write(el)
    counts["sources"] += 1


def export_qdc(study: Study, fp) -> dict:
    """Write the codebook (codes and themes as sets) as a .qdc valid against Codebook.xsd."""
    codes = list(study.codes.all())
    children = _children(codes)
    counts = Counter()
    root = etree.Element(_q("CodeBook", CB_NS), origin="coproduce", nsmap={None: CB_NS})

    def add(parent, code):
        el = etree.SubElement(
            parent,
            _q("Code", CB_NS),
            guid=str(code.guid),
            name=_safe(code.name),
            isCodable="true",
            color=code.colour if COLOUR.match(code.colour or "") else "#005eb8",
        )
        description = _code_description(code)
        if description:
            etree.SubElement(el, _q("Description", CB_NS)).text = _safe(description)
        counts["codes"] += 1
        for child in children.get(code.pk, ()):
            add(el, child)

    codes_el = etree.SubElement(root, _q("Codes", CB_NS))
    for code in children.get(None, ()):
        add(codes_el, code)
    if not codes:
        # Codes needs at least one Code; an empty codebook has nothing to exchange.
        raise ValidationError(_("The codebook has no codes to export."))
    themes = list(study.themes.prefetch_related("codes"))
    theme_guid = _theme_guids(themes)
    if themes:
        sets = etree.SubElement(root, _q("Sets", CB_NS))
        for theme in themes:
            el = etree.SubElement(
                sets, _q("Set", CB_NS), guid=str(theme_guid[theme.pk]), name=_safe(theme.name)
            )
            parent = next((t for t in themes if t.pk == theme.parent_id), None)
            etree.SubElement(el, _q("Description", CB_NS)).text = _safe(
                meta_join(
                    theme.description,
                    {
                        "theme": True,
                        "comb": theme.comb,
                        "classification": theme.classification,
                        "parent": str(theme_guid[parent.pk]) if parent else "",
                    },
                )
            )
            for code in theme.codes.all():
                etree.SubElement(el, _q("MemberCode", CB_NS), guid=str(code.guid))
            counts["sets"] += 1
    fp.write(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))
    return dict(counts)


# ---------------------------------------------------------------------------------------------
# Codings as a table


def codings_header() -> list[str]:
    return [
        _("Source"),
        _("Participant"),
        _("Code"),
        _("COM-B"),
        _("Polarity"),
        _("Coder"),
        _("Start"),
        _("End"),
        _("Text"),
    ]


def codings_rows(study: Study):
    """One row per coding, source by source: the participant is the speaker of the turn that
    contains the coding's start (the participant's identifier if the turn is linked)."""
    paths = code_paths(list(study.codes.all()))
    comb = {
        c.pk: frameworks.comb_name(c.comb) if c.comb else "" for c in study.codes.only("pk", "comb")
    }
    coders = dict(study.coders.values_list("pk", "name"))
    identifiers = dict(study.participants.values_list("pk", "identifier"))
    # Labels translated once, not once a row.
    polarity = {value: str(label) for value, label in Polarity.choices}
    # Three queries for the whole study (not three a source): the sources (with their text) and
    # the codings come in the same order and are walked together; turns are grouped up front.
    turns_of = defaultdict(list)
    for row in (
        Turn.objects.filter(source__study=study)
        .order_by("source_id", "start")
        .values_list("source_id", "start", "end", "speaker", "participant_id")
    ):
        turns_of[row[0]].append(row[1:])
    sources = study.sources.order_by("name", "pk").values_list("pk", "name", "text").iterator(50)
    codings = (
        Coding.objects.filter(source__study=study)
        .order_by("source__name", "source_id", "start", "end", "pk")
        .values_list("source_id", "code_id", "coder_id", "start", "end", "polarity")
        .iterator(5000)
    )
    source_id = name = text = None
    turns, starts = [], []
    for coding_source, code_id, coder_id, start, end, pol in codings:
        while coding_source != source_id:
            source_id, name, text = next(sources)
            turns = turns_of.get(source_id, [])
            starts = [t[0] for t in turns]
        speaker = ""
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and turns[i][0] <= start < turns[i][1]:
            speaker = identifiers.get(turns[i][3]) or turns[i][2]
        yield [
            name,
            speaker,
            paths.get(code_id, ""),
            comb.get(code_id, ""),
            polarity.get(pol, pol),
            coders.get(coder_id, ""),
            start,
            end,
            text[start:end],
        ]


def codings_csv(study: Study):
    """The codings as CSV text, a line at a time (for a streamed download)."""
    writer = CsvWriter()
    yield "\ufeff" + writer.writerow(codings_header())
    for row in codings_rows(study):
        yield writer.writerow(row)


XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
XLSX_CELL_MAX = 32767


def _xlsx_cell(value) -> str:
    if isinstance(value, int):
        return f"<c><v>{value}</v></c>"
    # Inline strings are never formulas in Excel, but neutralised all the same: the cell must
    # stay inert when the sheet is saved again as CSV and reopened.
    text = xml_escape(neutralise(_safe(value))[:XLSX_CELL_MAX])
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def codings_xlsx(study: Study, fp) -> int:
    """The codings as an Excel workbook, streamed row by row into the zip.

    Written directly as SpreadsheetML (one sheet of inline strings and numbers) rather than with
    openpyxl: openpyxl's write-only mode spent about 0.3 ms a row building cell objects, longer
    than everything else in a 20,000-coding export together."""
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    count = 0
    with zipfile.ZipFile(fp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, xml in XLSX_PARTS.items():
            zf.writestr(name, declaration + xml)
        sheet_name = xml_escape(_safe(_("Codings"))[:31], {'"': "&quot;"})
        zf.writestr(
            "xl/workbook.xml",
            declaration
            + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        with zf.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                (
                    declaration
                    + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    "<sheetData>"
                ).encode()
            )
            chunk = ["<row>" + "".join(_xlsx_cell(v) for v in codings_header()) + "</row>"]
            for row in codings_rows(study):
                chunk.append("<row>" + "".join(_xlsx_cell(v) for v in row) + "</row>")
                count += 1
                if len(chunk) >= 1000:
                    sheet.write("".join(chunk).encode("utf-8"))
                    chunk = []
            chunk.append("</sheetData></worksheet>")
            sheet.write("".join(chunk).encode("utf-8"))
    return count


# ---------------------------------------------------------------------------------------------
# Import: reading a file into plain data (no database writes)


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

    def skip(self, what: str, reason: str, n: int = 1) -> None:
        self.skipped[(what, reason)] += n

    def skipped_list(self) -> list[dict]:
        return [
            {"element": what, "reason": reason, "count": n}
            for (what, reason), n in sorted(self.skipped.items())
        ]


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kids(el):
    return [c for c in el if isinstance(c.tag, str)]


def _text_of(el) -> str:
    return "".join(el.itertext()) if el is not None else ""


def _check_attrs(parsed, el, known, where):
    for name in el.attrib:
        if name.startswith("{"):
            continue  # xsi:schemaLocation and other namespaced attributes
        if name not in known:
            parsed.skip(f"{where}/@{name}", _("unknown attribute"))


def _parse_xml(source, what: str):
    """The root of an untrusted XML document (bytes or a stream), within the size and depth
    limits and with no entities, DTDs or network (core/archives.py)."""
    try:
        return archives.parse_xml(source, name=what)
    except etree.XMLSyntaxError as exc:
        raise ValidationError(
            _("%(file)s is not well-formed XML: %(error)s") % {"file": what, "error": exc}
        ) from None


def _check_unique_guids(root) -> None:
    seen = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        guid = el.get("guid")
        if guid is None or _local(el) == "MemberCode":
            continue  # a codebook's MemberCode refers to a code by its guid
        key = _uuid(guid)
        if key in seen:
            raise ValidationError(
                _("The identifier %(guid)s is used twice in the file; nothing was imported.")
                % {"guid": guid}
            )
        seen.add(key)


def _normalise_text(text: str):
    """(text with "\\n" line ends, function mapping a position in the original to the new one)."""
    if "\r" not in text:
        return text, lambda p: p
    pairs = [m.start() for m in re.finditer("\r\n", text)]
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return normalised, lambda p: p - bisect.bisect_left(pairs, p)


def _read_codes(parsed, codes_el, parent, ns_where, order):
    for el in _kids(codes_el):
        name = _local(el)
        if name != "Code":
            # Inside a Code its Description and NoteRef were read with it.
            if ns_where == "Codes":
                parsed.skip(f"{ns_where}/{name}", _("not supported"))
            continue
        _check_attrs(parsed, el, {"guid", "name", "isCodable", "color"}, "Code")
        description, meta = "", {}
        notes = []
        guid = _uuid(el.get("guid")) or uuid.uuid4()
        parsed.codes.append(
            code := {
                "guid": guid,
                "name": (el.get("name") or "").strip(),
                "colour": el.get("color") or "",
                "parent": parent,
                "order": len(parsed.codes),
            }
        )
        for child in _kids(el):
            kind = _local(child)
            if kind == "Description":
                description, meta = meta_split(_text_of(child))
            elif kind == "NoteRef":
                notes.append(child.get("targetGUID"))
            elif kind != "Code":
                parsed.skip(f"Code/{kind}", _("not supported"))
        code["description"], code["meta"] = description, meta
        for note in notes:
            parsed.note_targets.setdefault(_uuid(note), ("code", guid))
        _read_codes(parsed, el, guid, "Code", order)


def _read_value(vv) -> tuple[uuid.UUID | None, str | None]:
    ref, value = None, None
    for child in _kids(vv):
        kind = _local(child)
        if kind == "VariableRef":
            ref = _uuid(child.get("targetGUID"))
        elif kind.endswith("Value"):
            value = _text_of(child).strip()
    return ref, value


def _read_source_text(parsed, el, zf, name):
    """The source's text from PlainTextContent or its internal:// file, or None (skipped)."""
    content = next((c for c in _kids(el) if _local(c) == "PlainTextContent"), None)
    if content is not None:
        return limits.check_characters(name, _text_of(content))
    path = el.get("plainTextPath") or ""
    if path.startswith("internal://"):
        member = path[len("internal://") :]
        candidates = [member, f"sources/{member}"]
        names = {n.lower(): n for n in (zf.namelist() if zf else [])}
        for candidate in candidates:
            real = names.get(candidate.lower())
            if real is not None:
                data = zf.read(real)  # counted against the member and archive limits
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise ValidationError(
                        _("The text of source “%(name)s” is not UTF-8.") % {"name": name}
                    ) from None
                return limits.check_characters(name, text)
        raise ValidationError(
            _("The text of source “%(name)s” (%(path)s) is missing from the file.")
            % {"name": name, "path": path}
        )
    if path:
        parsed.skip("TextSource", _("text stored outside the project file"))
    else:
        parsed.skip("TextSource", _("no plain text"))
    return None


def _read_sources(parsed, sources_el, zf, progress=None):
    names = Counter()
    elements = _kids(sources_el)
    for done, el in enumerate(elements, 1):
        if progress:
            # Reading is most of an import's time; the writes after it are one transaction.
            progress(done, len(elements) + 1)
        kind = _local(el)
        if kind != "TextSource":
            parsed.skip(kind, _("only text sources can be imported"))
            continue
        _check_attrs(
            parsed,
            el,
            {
                "guid",
                "name",
                "richTextPath",
                "plainTextPath",
                "creatingUser",
                "creationDateTime",
                "modifyingUser",
                "modifiedDateTime",
            },
            "TextSource",
        )
        guid = _uuid(el.get("guid")) or uuid.uuid4()
        name = (el.get("name") or "").strip()[:200] or str(guid)
        raw = _read_source_text(parsed, el, zf, name)
        if raw is None:
            n_sel = sum(1 for c in _kids(el) if _local(c) == "PlainTextSelection")
            if n_sel:
                parsed.skip("PlainTextSelection", _("its source could not be imported"), n_sel)
            continue
        names[name] += 1
        if names[name] > 1:
            name = f"{name[:190]} ({names[name]})"
        text, remap = _normalise_text(raw)
        source = {
            "guid": guid,
            "name": name,
            "text": text,
            "meta": {},
            "created": _datetime(el.get("creationDateTime")),
            "selections": [],
        }
        length = len(raw)
        for child in _kids(el):
            ck = _local(child)
            if ck == "Description":
                description, source["meta"] = meta_split(_text_of(child))
                if description.strip():
                    parsed.skip("TextSource/Description", _("source descriptions are not kept"))
            elif ck == "PlainTextContent":
                pass
            elif ck == "PlainTextSelection":
                _read_selection(parsed, child, source, length, remap)
            elif ck == "Coding":
                # Coding of the whole source: a selection of all its text.
                _read_selection(parsed, child, source, length, remap, whole=True)
            elif ck == "NoteRef":
                parsed.note_targets.setdefault(_uuid(child.get("targetGUID")), ("source", guid))
            else:
                parsed.skip(f"TextSource/{ck}", _("not supported"))
        parsed.sources.append(source)


def _datetime(value):
    if not value:
        return None
    try:
        when = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=datetime.UTC)


def _read_selection(parsed, el, source, length, remap, whole=False):
    if whole:
        start, end = 0, length
        codings_els = [el]
        guid = uuid.uuid4()
        polarity, memo_text, notes = Polarity.NEUTRAL, "", []
        user = el.get("creatingUser")
    else:
        _check_attrs(
            parsed,
            el,
            {
                "guid",
                "name",
                "startPosition",
                "endPosition",
                "creatingUser",
                "creationDateTime",
                "modifyingUser",
                "modifiedDateTime",
            },
            "PlainTextSelection",
        )
        guid = _uuid(el.get("guid")) or uuid.uuid4()
        try:
            start, end = int(el.get("startPosition")), int(el.get("endPosition"))
        except (TypeError, ValueError):
            raise ValidationError(
                _("A selection in “%(source)s” has no valid start and end.")
                % {"source": source["name"]}
            ) from None
        if not (0 <= start <= end <= length):
            raise ValidationError(
                _(
                    "A selection in “%(source)s” (%(start)s to %(end)s) is outside its text, "
                    "which has %(length)s characters; nothing was imported."
                )
                % {"source": source["name"], "start": start, "end": end, "length": length}
            )
        codings_els, polarity, memo_text, notes = [], Polarity.NEUTRAL, "", []
        user = el.get("creatingUser")
        for child in _kids(el):
            ck = _local(child)
            if ck == "Description":
                text = _text_of(child)
                match = POLARITY_LINE.search(text)
                if match:
                    polarity = match.group(1).lower()
                    text = POLARITY_LINE.sub("", text)
                memo_text = text.strip()
            elif ck == "Coding":
                codings_els.append(child)
            elif ck == "NoteRef":
                notes.append(_uuid(child.get("targetGUID")))
            else:
                parsed.skip(f"PlainTextSelection/{ck}", _("not supported"))
    start, end = remap(start), remap(end)
    if start >= end:
        parsed.skip("PlainTextSelection", _("empty selection"))
        return
    selection = {
        "guid": guid,
        "start": start,
        "end": end,
        "polarity": polarity,
        "user": _uuid(user),
        "created": _datetime(el.get("creationDateTime")),
        "memo": memo_text,
        "codings": [],
    }
    for coding_el in codings_els:
        code_ref, coding_notes = None, []
        for child in _kids(coding_el):
            ck = _local(child)
            if ck == "CodeRef":
                code_ref = _uuid(child.get("targetGUID"))
            elif ck == "NoteRef":
                coding_notes.append(_uuid(child.get("targetGUID")))
            else:
                parsed.skip(f"Coding/{ck}", _("not supported"))
        if code_ref is None:
            parsed.skip("Coding", _("no code"))
            continue
        coding_guid = uuid.uuid4() if whole else (_uuid(coding_el.get("guid")) or uuid.uuid4())
        selection["codings"].append(
            {
                "guid": coding_guid,
                "code": code_ref,
                "user": _uuid(coding_el.get("creatingUser")) or selection["user"],
                "created": _datetime(coding_el.get("creationDateTime")) or selection["created"],
            }
        )
        for note in coding_notes:
            parsed.note_targets.setdefault(note, ("coding", coding_guid))
    if selection["codings"]:
        for note in notes:
            parsed.note_targets.setdefault(note, ("coding", selection["codings"][0]["guid"]))
    else:
        parsed.skip("PlainTextSelection", _("no codes applied"))
        for note in notes:
            parsed.note_targets.setdefault(note, ("source", source["guid"]))
        return
    source["selections"].append(selection)


def _read_sets(parsed, sets_el, member_attr="targetGUID"):
    for el in _kids(sets_el):
        if _local(el) != "Set":
            parsed.skip(f"Sets/{_local(el)}", _("not supported"))
            continue
        description, meta = "", {}
        members = []
        for child in _kids(el):
            ck = _local(child)
            if ck == "Description":
                description, meta = meta_split(_text_of(child))
            elif ck == "MemberCode":
                members.append(_uuid(child.get(member_attr) or child.get("guid")))
            else:
                parsed.skip(f"Set/{ck}", _("only codes in sets are kept"))
        parsed.sets.append(
            {
                "guid": _uuid(el.get("guid")) or uuid.uuid4(),
                "name": (el.get("name") or "").strip(),
                "description": description,
                "meta": meta,
                "codes": members,
            }
        )


def _display_name(file, name, default) -> str:
    """What to call the file in messages: the name given, else the path's or file's own."""
    name = name or (file if isinstance(file, str | os.PathLike) else getattr(file, "name", None))
    return str(name or default).replace("\\", "/").rsplit("/", 1)[-1]


def _open_zip(file, name):
    try:
        return archives.Archive(file, name=name)
    except archives.BadArchive:
        raise ValidationError(
            _("This is not a REFI-QDA project file (.qdpx): it is not a zip archive.")
        ) from None


def read_qdpx(file, *, progress=None, name=None) -> Parsed:
    """Read a .qdpx (a path or binary file; `name` is what to call it in messages). Raises
    ValidationError for anything that would make the import wrong, or that holds more than the
    limits of core/limits.py; records what is left out in `skipped`."""
    zf = _open_zip(file, _display_name(file, name, "project.qdpx"))
    with zf:
        entry = next((n for n in zf.namelist() if n.lower().endswith(".qde")), None)
        if entry is None:
            raise ValidationError(_("The file has no project.qde inside."))
        # Parsed as it is unpacked, so the XML is never held twice.
        with zf.open(entry) as stream:
            root = _parse_xml(stream, entry)
        if _local(root) != "Project":
            raise ValidationError(_("project.qde does not describe a REFI-QDA project."))
        _check_unique_guids(root)
        parsed = Parsed(name=(root.get("name") or "").strip())
        _check_attrs(
            parsed,
            root,
            {
                "name",
                "origin",
                "creatingUserGUID",
                "creationDateTime",
                "modifyingUserGUID",
                "modifiedDateTime",
                "basePath",
            },
            "Project",
        )
        sources_el = None
        for el in _kids(root):
            kind = _local(el)
            if kind == "Users":
                for user in _kids(el):
                    if _local(user) != "User":
                        parsed.skip(f"Users/{_local(user)}", _("not supported"))
                        continue
                    _check_attrs(parsed, user, {"guid", "name", "id"}, "User")
                    parsed.users.append(
                        {
                            "guid": _uuid(user.get("guid")) or uuid.uuid4(),
                            "name": (user.get("name") or user.get("id") or "").strip(),
                        }
                    )
            elif kind == "CodeBook":
                for codes in _kids(el):
                    if _local(codes) == "Codes":
                        _read_codes(parsed, codes, None, "Codes", 0)
                    else:
                        parsed.skip(f"CodeBook/{_local(codes)}", _("not supported"))
            elif kind == "Variables":
                for var in _kids(el):
                    if _local(var) != "Variable":
                        parsed.skip(f"Variables/{_local(var)}", _("not supported"))
                        continue
                    description = next(
                        (_text_of(c) for c in _kids(var) if _local(c) == "Description"), ""
                    )
                    text, meta = meta_split(description)
                    parsed.variables.append(
                        {
                            "guid": _uuid(var.get("guid")) or uuid.uuid4(),
                            "name": (var.get("name") or "").strip(),
                            "type": var.get("typeOfVariable") or "Text",
                            "description": text,
                            "meta": meta,
                        }
                    )
            elif kind == "Cases":
                for case in _kids(el):
                    if _local(case) != "Case":
                        parsed.skip(f"Cases/{_local(case)}", _("not supported"))
                        continue
                    item = {
                        "guid": _uuid(case.get("guid")) or uuid.uuid4(),
                        "name": (case.get("name") or "").strip(),
                        "meta": {},
                        "values": [],
                        "sources": [],
                    }
                    for child in _kids(case):
                        ck = _local(child)
                        if ck == "Description":
                            _text, item["meta"] = meta_split(_text_of(child))
                        elif ck == "VariableValue":
                            item["values"].append(_read_value(child))
                        elif ck == "SourceRef":
                            item["sources"].append(_uuid(child.get("targetGUID")))
                        else:
                            parsed.skip(f"Case/{ck}", _("not supported"))
                    parsed.cases.append(item)
            elif kind == "Sources":
                sources_el = el
            elif kind == "Notes":
                for note in _kids(el):
                    if _local(note) != "Note":
                        parsed.skip(f"Notes/{_local(note)}", _("not supported"))
                        continue
                    guid = _uuid(note.get("guid")) or uuid.uuid4()
                    text = _read_source_text(parsed, note, zf, note.get("name") or str(guid))
                    parsed.notes.append(
                        {
                            "guid": guid,
                            "text": _normalise_text(text or "")[0].strip(),
                            "user": _uuid(note.get("creatingUser")),
                            "created": _datetime(note.get("creationDateTime")),
                            "modified": _datetime(note.get("modifiedDateTime")),
                        }
                    )
            elif kind == "Links":
                for link in _kids(el):
                    origin, target = _uuid(link.get("originGUID")), _uuid(link.get("targetGUID"))
                    if _local(link) == "Link" and origin and target:
                        parsed.note_targets.setdefault(origin, ("link", target))
                    else:
                        parsed.skip(f"Links/{_local(link)}", _("not supported"))
            elif kind == "Sets":
                _read_sets(parsed, el)
            elif kind == "Description":
                parsed.description = _text_of(el).strip()
            elif kind == "NoteRef":
                parsed.note_targets.setdefault(_uuid(el.get("targetGUID")), ("study", None))
            else:
                parsed.skip(kind, _("not supported"))
        if sources_el is not None:
            _read_sources(parsed, sources_el, zf, progress)
    return parsed


def read_qdc(file, *, name=None) -> Parsed:
    """Read a .qdc codebook (a path or binary file), within the XML limits."""
    name = _display_name(file, name, "codebook.qdc")
    is_path = isinstance(file, str | os.PathLike)
    with open(file, "rb") if is_path else contextlib.nullcontext(file) as fp:
        if fp.seekable():
            # Refused by its size before any is parsed (the parser counts again as it reads).
            start, size = fp.tell(), fp.seek(0, io.SEEK_END)
            fp.seek(start)
            if size - start > limits.get("xml_bytes"):
                raise limits.too_large(name, size - start, limits.get("xml_bytes"))
        root = _parse_xml(fp, name)
    if _local(root) != "CodeBook":
        raise ValidationError(_("This is not a REFI-QDA codebook (.qdc)."))
    _check_unique_guids(root)
    parsed = Parsed()
    for el in _kids(root):
        kind = _local(el)
        if kind == "Codes":
            _read_codes(parsed, el, None, "Codes", 0)
        elif kind == "Sets":
            _read_sets(parsed, el, member_attr="guid")
        else:
            parsed.skip(kind, _("not supported"))
    return parsed


def looks_like_zip(head: bytes) -> bool:
    return head[:4] == b"PK\x03\x04"


# ---------------------------------------------------------------------------------------------
# Command line (coproduce insight ...): see cli.py for the arguments.


def study_counts(study: Study) -> dict:
    return {
        "participants": study.participants.count(),
        "sources": study.sources.count(),
        "codes": study.codes.count(),
        "codings": Coding.objects.filter(source__study=study).count(),
    }


def _study(slug: str) -> Study:
    study = Study.objects.filter(slug=slug).first()
    if study is None:
        raise ValidationError(_("There is no study called “%(slug)s”.") % {"slug": slug})
    return study


def cli_list(args, out) -> int:
    """One study a line: slug, title, then participants, sources, codes and codings (tabs)."""
    for study in Study.objects.order_by("slug"):
        counts = study_counts(study)
        fields = [study.slug, study.title.replace("\t", " ")] + [str(v) for v in counts.values()]
        print("\t".join(fields), file=out)
    return 0


def cli_import_qdpx(args, out) -> int:
    from django.db import transaction

    from coproduce.people.models import Organisation

    from . import actions

    try:
        handle = open(args.file, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise ValidationError(
            _("Cannot read %(file)s: %(error)s") % {"file": args.file, "error": exc.strerror}
        ) from None
    with handle, transaction.atomic():
        study = Study.objects.filter(slug=args.study).first()
        created = study is None
        if created:
            if args.organisation:
                organisation = Organisation.objects.filter(slug=args.organisation).first()
                if organisation is None:
                    raise ValidationError(
                        _("There is no organisation called “%(slug)s”.")
                        % {"slug": args.organisation}
                    )
            else:
                organisations = list(Organisation.objects.all()[:2])
                if len(organisations) != 1:
                    raise ValidationError(
                        _("Say which organisation the new study belongs to with --organisation.")
                    )
                organisation = organisations[0]
            parsed = read_qdpx(handle)
            study = actions.create_study(
                by=None,
                organisation=organisation,
                title=parsed.name or args.study,
                slug=args.study,
                description=parsed.description,
                seed_comb=False,
                standard_attributes=False,
            )
        else:
            parsed = read_qdpx(handle)
        report = actions.import_qdpx(by=None, study=study, parsed=parsed)
    report["study"] = study.slug
    report["study_created"] = created
    print(json.dumps(report, indent=1, ensure_ascii=False), file=out)
    return 0


def _write_out(path: str, write) -> None:
    try:
        with open(path, "wb") as fp:
            return write(fp)
    except OSError as exc:
        raise ValidationError(
            _("Cannot write %(file)s: %(error)s") % {"file": path, "error": exc.strerror}
        ) from None


def cli_export_qdpx(args, out) -> int:
    from . import actions

    study = _study(args.slug)
    counts = _write_out(args.out, lambda fp: export_qdpx(study, fp))
    actions.record_export(by=None, study=study, format="qdpx", counts=counts)
    print(json.dumps({"file": args.out, **counts}, indent=1), file=out)
    return 0


def cli_export_qdc(args, out) -> int:
    from . import actions

    study = _study(args.slug)
    buffer = io.BytesIO()
    counts = export_qdc(study, buffer)
    _write_out(args.out, lambda fp: fp.write(buffer.getvalue()))
    actions.record_export(by=None, study=study, format="qdc", counts=counts)
    print(json.dumps({"file": args.out, **counts}, indent=1), file=out)
    return 0
