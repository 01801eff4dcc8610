"""Writing studies out: REFI-QDA projects (.qdpx), codebooks (.qdc), and every coding as CSV and
Excel. The mapping onto REFI-QDA is described in tables.py."""

import bisect
import uuid
import zipfile
from collections import Counter, defaultdict
from xml.sax.saxutils import escape as xml_escape

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from coproduce.core.exports import CsvWriter, neutralise

from .. import frameworks
from ..models import (
    Coding,
    Polarity,
    Source,
    Study,
    Turn,
)
from .tables import (
    CB_NS,
    COLOUR,
    NS,
    REFI_TYPES,
    _children,
    _code_description,
    _q,
    _refi_value,
    _safe,
    _theme_guids,
    _when,
    code_paths,
    meta_join,
)


def _theme_description(theme, theme_guid: dict) -> str:
    """A Set's Description: the theme's own, then the meta line (COM-B component,
    classification, parent theme), the same in a project and in a codebook."""
    parent = theme_guid.get(theme.parent_id) if theme.parent_id else None
    meta = {
        "theme": True,
        "comb": theme.comb,
        "classification": theme.classification,
        "parent": str(parent) if parent else "",
    }
    return _safe(meta_join(theme.description, meta))


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
                            etree.SubElement(el, "Description").text = _theme_description(
                                theme, theme_guid
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
            etree.SubElement(el, _q("Description", CB_NS)).text = _theme_description(
                theme, theme_guid
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
