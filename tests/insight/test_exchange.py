"""REFI-QDA import and export, codings tables, background jobs, their pages and the CLI."""

# ruff: noqa: E501 - the hand-made project file below is kept as another tool writes it

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree

from coproduce import cli
from coproduce.core.models import AuditEvent
from coproduce.insight import actions, exchange
from coproduce.insight.models import (
    Code,
    Coder,
    Coding,
    Job,
    JobStatus,
    Memo,
    Participant,
    Source,
    Study,
    Theme,
    Turn,
)

from .sweep import build

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres

SCHEMAS = Path(__file__).parent / "refi_qda"
NS = {"q": exchange.NS}


@pytest.fixture(scope="module")
def project_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "Project.xsd")))


@pytest.fixture(scope="module")
def codebook_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "Codebook.xsd")))


TEXT2 = "Interviewer: Sut wyt ti?\nP02: Café’s fine 😀 — but the bus is late.\nP02: Really!\n"


@pytest.fixture
def rich(world):
    """The sweep study plus everything the exchange must carry: a sub-code with TDF domains and
    use-when text, typed and special-category attributes, non-ASCII text with an emoji, a
    two-code selection, each polarity, and a memo on every kind of target."""
    objects = build(world)
    study, code = objects["study"], objects["code"]
    child = actions.create_code(
        by=None,
        study=study,
        name="Not listened to",
        parent=code,
        colour="#aa0000",
        definition="Being ignored.\nSecond line.",
        inclusion="Any mention of not being heard",
        exclusion="Hearing loss",
        tdf_domains=["knowledge"],
    )
    actions.define_attribute(by=None, study=study, name="age", type="integer")
    actions.define_attribute(by=None, study=study, name="visit", type="date")
    actions.define_attribute(by=None, study=study, name="carer", type="boolean")
    actions.define_attribute(by=None, study=study, name="health", special_category=True)
    p2 = actions.add_participant(
        by=None,
        study=study,
        identifier="P02",
        attributes={
            "age": "71",
            "visit": "2026-03-04",
            "carer": "yes",
            "health": "asthma",
            "sample_group": "Public",
        },
        speaker_labels=["Mrs Ŵ"],
    )
    first = TEXT2.index("P02:")
    second = TEXT2.index("P02: Really")
    source2 = actions.add_source(
        by=None,
        study=study,
        name="Interview P02 – café",
        text=TEXT2,
        turns=[
            ("Interviewer", 0, first - 1),
            ("P02", first, second - 1),
            ("P02", second, len(TEXT2) - 1),
        ],
    )
    coder = actions.coder_for(study=study, person=world["cochair"])
    start = TEXT2.index("Café")
    end = TEXT2.index(" —")
    two = actions.add_coding(
        by=None,
        source=source2,
        codes=[code, child],
        start=start,
        end=end,
        polarity="facilitator",
        coder=coder,
    )
    actions.add_coding(
        by=None,
        source=source2,
        codes=[child],
        start=TEXT2.index("the bus"),
        end=TEXT2.index(" is late"),
        coder=coder,
    )
    actions.write_memo(by=None, study=study, text="Study memo ’quoted’", author=coder)
    actions.write_memo(by=None, study=study, text="About the source", source=source2)
    actions.write_memo(by=None, study=study, text="About the code", code=child)
    actions.write_memo(by=None, study=study, text="About P02", participant=p2, author=coder)
    actions.write_memo(by=None, study=study, text="About a coding", coding=two[1])
    objects.update(child=child, p2=p2, source2=source2, coder=coder, two=two)
    return objects


def _qde(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("project.qde")


def _export(study, **kwargs) -> bytes:
    buffer = io.BytesIO()
    exchange.export_qdpx(study, buffer, **kwargs)
    return buffer.getvalue()


def _normalised(data: bytes) -> tuple:
    """The project without what differs between two studies by design (the Project element's
    name and dates), plus every file in the zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = {n: zf.read(n) for n in zf.namelist() if n != "project.qde"}
        root = etree.fromstring(zf.read("project.qde"))
    for name in ("name", "creationDateTime", "modifiedDateTime"):
        root.attrib.pop(name, None)
    return etree.tostring(root, method="c14n"), files


def _new_study(world, slug="copy"):
    return actions.create_study(
        by=None,
        organisation=world["org"],
        title="Copy",
        slug=slug,
        seed_comb=False,
        standard_attributes=False,
    )


def _zip(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buffer.getvalue()


# Export ---------------------------------------------------------------------------------------


def test_export_qdpx_valid_against_schema(rich, project_schema):
    data = _export(rich["study"])
    root = etree.fromstring(_qde(data))
    project_schema.assertValid(root)
    assert [etree.QName(el).localname for el in root] == [
        "Users",
        "CodeBook",
        "Variables",
        "Cases",
        "Sources",
        "Notes",
        "Links",
        "Sets",
        "NoteRef",
    ]


def test_export_qdpx_sources_are_utf8_files_with_code_point_positions(rich):
    data = _export(rich["study"])
    source2 = rich["source2"]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        text = zf.read(f"sources/{source2.guid}.txt").decode("utf-8")
        root = etree.fromstring(zf.read("project.qde"))
    assert text == TEXT2
    el = root.find(f".//q:TextSource[@guid='{source2.guid}']", NS)
    assert el.get("plainTextPath") == f"internal://{source2.guid}.txt"
    selections = el.findall("q:PlainTextSelection", NS)
    quotes = [text[int(s.get("startPosition")) : int(s.get("endPosition"))] for s in selections]
    assert quotes == ["Café’s fine 😀", "the bus"]
    assert selections[0].findtext("q:Description", namespaces=NS) == "polarity: facilitator"
    assert selections[1].find("q:Description", NS) is None
    assert len(selections[0].findall("q:Coding", NS)) == 2
    assert {c.get("creatingUser") for c in selections[0].findall("q:Coding", NS)} == {
        str(rich["coder"].guid)
    }


def test_export_qdpx_keeps_our_code_fields_in_the_description(rich):
    root = etree.fromstring(_qde(_export(rich["study"])))
    el = root.find(f".//q:Code[@guid='{rich['child'].guid}']", NS)
    text, meta = exchange.meta_split(el.findtext("q:Description", namespaces=NS))
    assert text == "Being ignored.\nSecond line."
    assert meta == {
        "comb": "psychological_capability",
        "exclusion": "Hearing loss",
        "inclusion": "Any mention of not being heard",
        "tdf_domains": ["knowledge"],
    }
    assert el.get("color") == "#aa0000"
    assert el.getparent().get("guid") == str(rich["code"].guid)


def test_export_qdpx_without_special_category_leaves_them_out(rich, project_schema):
    root = etree.fromstring(_qde(_export(rich["study"], include_special=False)))
    project_schema.assertValid(root)
    names = [v.get("name") for v in root.iterfind(".//q:Variable", NS)]
    assert "Health" not in names
    assert "Age band" not in names
    assert "asthma" not in etree.tostring(root, encoding="unicode")


def test_export_qdpx_empty_study_is_valid(world, project_schema):
    study = _new_study(world)
    root = etree.fromstring(_qde(_export(study)))
    project_schema.assertValid(root)
    assert len(root) == 0


def test_export_qdc_valid_against_codebook_schema(rich, codebook_schema):
    buffer = io.BytesIO()
    counts = exchange.export_qdc(rich["study"], buffer)
    root = etree.fromstring(buffer.getvalue())
    codebook_schema.assertValid(root)
    assert counts == {"codes": 7, "sets": 1}


def test_export_qdc_of_empty_codebook_refused(world):
    with pytest.raises(ValidationError):
        exchange.export_qdc(_new_study(world), io.BytesIO())


# Round trip -----------------------------------------------------------------------------------


def test_round_trip_is_lossless(rich, world, project_schema):
    first = _export(rich["study"])
    copy = _new_study(world)
    report = actions.import_qdpx(by=None, study=copy, file=io.BytesIO(first))
    assert report["imported"] == {
        "users": 2,
        "codes": 7,
        "variables": 13,
        "participants": 2,
        "sources": 2,
        "turns": 5,
        "codings": 4,
        "selections": 3,
        "memos": 5,
        "themes": 1,
    }
    assert report["skipped"] == []
    second = _export(copy)
    project_schema.assertValid(etree.fromstring(_qde(second)))
    assert _normalised(second) == _normalised(first)


def test_round_trip_keeps_quotes_coders_and_links(rich, world):
    copy = _new_study(world)
    actions.import_qdpx(by=None, study=copy, file=io.BytesIO(_export(rich["study"])))
    source = Source.objects.get(study=copy, name="Interview P02 – café")
    quotes = sorted(
        (source.text[c.start : c.end], c.code.name, c.coder.name, c.polarity)
        for c in source.codings.select_related("code", "coder")
    )
    assert quotes == [
        ("Café’s fine 😀", "Not listened to", "Cerys Cochair", "facilitator"),
        ("Café’s fine 😀", "Psychological capability", "Cerys Cochair", "facilitator"),
        ("the bus", "Not listened to", "Cerys Cochair", "neutral"),
    ]
    p2 = Participant.objects.get(study=copy, identifier="P02")
    assert p2.attributes == {
        "age": "71",
        "visit": "2026-03-04",
        "carer": "true",
        "health": "asthma",
        "sample_group": "Public",
    }
    assert p2.speaker_labels == ["Mrs Ŵ"]
    assert list(source.participants.values_list("identifier", flat=True)) == ["P02"]
    assert list(source.turns.values_list("speaker", "participant__identifier")) == [
        ("Interviewer", None),
        ("P02", "P02"),
        ("P02", "P02"),
    ]
    memo = Memo.objects.get(study=copy, text="About P02")
    assert (memo.participant, memo.author.name) == (p2, "Cerys Cochair")
    assert Memo.objects.get(study=copy, text="About a coding").coding.code.name == (
        "Not listened to"
    )
    child = Code.objects.get(study=copy, name="Not listened to")
    assert (child.parent.name, child.comb, child.tdf_domains, child.exclusion) == (
        "Psychological capability",
        "psychological_capability",
        ["knowledge"],
        "Hearing loss",
    )
    theme = Theme.objects.get(study=copy)
    assert (theme.name, theme.classification, list(theme.codes.values_list("name", flat=True))) == (
        "Not being heard",
        "barrier",
        ["Psychological capability"],
    )


def test_import_into_study_with_seeded_codes_matches_them(rich, world):
    copy = actions.create_study(by=None, organisation=world["org"], title="Seeded", slug="seeded")
    seeded = copy.codes.count()
    report = actions.import_qdpx(by=None, study=copy, file=io.BytesIO(_export(rich["study"])))
    assert report["matched"] == {"codes": 6, "variables": 9}
    assert copy.codes.count() == seeded + 1


def test_import_records_one_audit_event(rich, world):
    copy = _new_study(world)
    before = AuditEvent.objects.count()
    actions.import_qdpx(by=world["admin"].user, study=copy, file=io.BytesIO(_export(rich["study"])))
    events = AuditEvent.objects.order_by("pk")[before:]
    assert [e.action for e in events] == ["study.import"]
    assert events[0].changes["imported"]["codings"] == 4


# Another tool's file --------------------------------------------------------------------------

OTHER_TOOL = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="QualCoder project" origin="QualCoder 3.5"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" creationDateTime="2024-05-01T10:00:00Z">
  <Users>
    <User guid="{AAAAAAAA-0000-4000-8000-000000000001}" name="Rhian"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="C0000000-0000-4000-8000-000000000001" name="Access" isCodable="true" color="#F0A">
        <Description>Getting to services</Description>
        <NoteRef targetGUID="N0000000-0000-4000-8000-000000000001"/>
        <Code guid="C0000000-0000-4000-8000-000000000002" name="Transport" isCodable="true" color="#00ff00"/>
        <Code guid="C0000000-0000-4000-8000-000000000003" name="Cost" isCodable="true" weight="3"/>
      </Code>
    </Codes>
  </CodeBook>
  <Variables>
    <Variable guid="V0000000-0000-4000-8000-000000000001" name="Age" typeOfVariable="Integer"/>
    <Variable guid="V0000000-0000-4000-8000-000000000002" name="Area" typeOfVariable="Text"/>
  </Variables>
  <Cases>
    <Case guid="CA000000-0000-4000-8000-000000000001" name="Siân">
      <VariableValue><VariableRef targetGUID="V0000000-0000-4000-8000-000000000001"/><IntegerValue>54</IntegerValue></VariableValue>
      <VariableValue><VariableRef targetGUID="V0000000-0000-4000-8000-000000000002"/><TextValue>Rhondda</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="V0000000-0000-4000-8000-000000000001"/><IntegerValue>not a number</IntegerValue></VariableValue>
      <SourceRef targetGUID="S0000000-0000-4000-8000-000000000001"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="S0000000-0000-4000-8000-000000000001" name="Siân interview" creatingUser="AAAAAAAA-0000-4000-8000-000000000001">
      <PlainTextContent>Siân: The café’s bus 😀 never comes.&#13;&#10;Me: Why?&#13;&#10;Siân: Money – always money.</PlainTextContent>
      <PlainTextSelection guid="P0000000-0000-4000-8000-000000000001" startPosition="6" endPosition="22" creatingUser="AAAAAAAA-0000-4000-8000-000000000001">
        <Coding guid="G0000000-0000-4000-8000-000000000001" creatingUser="AAAAAAAA-0000-4000-8000-000000000001"><CodeRef targetGUID="C0000000-0000-4000-8000-000000000002"/></Coding>
        <Coding guid="G0000000-0000-4000-8000-000000000002"><CodeRef targetGUID="C0000000-0000-4000-8000-000000000001"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="P0000000-0000-4000-8000-000000000002" startPosition="53" endPosition="67">
        <Description>Said twice</Description>
        <Coding guid="G0000000-0000-4000-8000-000000000003"><CodeRef targetGUID="C0000000-0000-4000-8000-000000000003"/></Coding>
      </PlainTextSelection>
      <Highlight colour="yellow"/>
    </TextSource>
    <TextSource guid="S0000000-0000-4000-8000-000000000002" name="Notes file" plainTextPath="internal://S0000000-0000-4000-8000-000000000002.txt">
      <PlainTextSelection guid="P0000000-0000-4000-8000-000000000003" startPosition="8" endPosition="13" creatingUser="AAAAAAAA-0000-4000-8000-000000000001">
        <Coding guid="G0000000-0000-4000-8000-000000000004" creatingUser="AAAAAAAA-0000-4000-8000-000000000001"><CodeRef targetGUID="C0000000-0000-4000-8000-000000000002"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PictureSource guid="S0000000-0000-4000-8000-000000000003" name="Map" path="internal://map.png"/>
  </Sources>
  <Notes>
    <Note guid="N0000000-0000-4000-8000-000000000001" name="memo"><PlainTextContent>Access is the big one.</PlainTextContent></Note>
  </Notes>
  <Graphs><Graph guid="D0000000-0000-4000-8000-000000000001"/></Graphs>
  <Extension>tool-specific</Extension>
</Project>
"""
# Line 1 ends with \r\n (two code points in the file): "Row 2" is 8-13 in the file, 7-12 here.
NOTES_FILE = b"Line 1\r\nRow 2 here\r\n"


def _other_tool_file(**replace) -> bytes:
    xml = OTHER_TOOL
    for old, new in replace.items():
        xml = xml.replace(old, new)
    return _zip(
        {
            "project.qde": xml.encode("utf-8"),
            "sources/S0000000-0000-4000-8000-000000000002.txt": NOTES_FILE,
            "sources/map.png": b"\x89PNG",
        }
    )


def test_import_other_tool_counts_and_report(world):
    study = _new_study(world)
    report = actions.import_qdpx(by=None, study=study, file=io.BytesIO(_other_tool_file()))
    assert report["imported"] == {
        "users": 2,
        "codes": 3,
        "variables": 2,
        "participants": 1,
        "sources": 2,
        "codings": 4,
        "selections": 3,
        "memos": 2,
    }
    assert report["skipped"] == [
        {"element": "Code/@weight", "reason": "unknown attribute", "count": 1},
        {"element": "Extension", "reason": "not supported", "count": 1},
        {"element": "Graphs", "reason": "not supported", "count": 1},
        {"element": "PictureSource", "reason": "only text sources can be imported", "count": 1},
        {"element": "TextSource/Highlight", "reason": "not supported", "count": 1},
        {
            "element": "VariableValue",
            "reason": "value does not fit the variable's type",
            "count": 1,
        },
    ]


def test_import_other_tool_quotes_and_coders(world):
    study = _new_study(world)
    actions.import_qdpx(by=None, study=study, file=io.BytesIO(_other_tool_file()))
    siân = Source.objects.get(study=study, name="Siân interview")
    assert (
        siân.text == "Siân: The café’s bus 😀 never comes.\nMe: Why?\nSiân: Money – always money."
    )
    quotes = sorted(
        (siân.text[c.start : c.end], c.code.name, c.coder.name)
        for c in siân.codings.select_related("code", "coder")
    )
    # Positions 53-67 in the file's text (\r\n counted as two) are 51-65 here.
    assert quotes == [
        ("Money – always", "Cost", "imported"),
        ("The café’s bus 😀", "Access", "Rhian"),
        ("The café’s bus 😀", "Transport", "Rhian"),
    ]
    notes = Source.objects.get(study=study, name="Notes file")
    assert notes.text == "Line 1\nRow 2 here\n"
    coding = notes.codings.get()
    assert notes.text[coding.start : coding.end] == "Row 2"
    assert Memo.objects.get(study=study, text="Said twice").coding.code.name == "Cost"
    assert Memo.objects.get(study=study, text="Access is the big one.").code.name == "Access"
    access = Code.objects.get(study=study, name="Access")
    assert (access.colour, access.definition) == ("#ff00aa", "Getting to services")
    assert sorted(access.children.values_list("name", flat=True)) == ["Cost", "Transport"]
    participant = Participant.objects.get(study=study)
    assert (participant.identifier, participant.attributes) == (
        "Siân",
        {"age": "54", "area": "Rhondda"},
    )
    assert list(siân.participants.all()) == [participant]
    assert sorted(Coder.objects.filter(study=study).values_list("name", flat=True)) == [
        "Rhian",
        "imported",
    ]


def test_import_qdpx_source_name_clash_imports_nothing(world):
    study = _new_study(world)
    actions.import_qdpx(by=None, study=study, file=io.BytesIO(_other_tool_file()))
    before = (Source.objects.count(), Coding.objects.count(), Code.objects.count())
    with pytest.raises(ValidationError, match="already has a source"):
        actions.import_qdpx(by=None, study=study, file=io.BytesIO(_other_tool_file()))
    assert (Source.objects.count(), Coding.objects.count(), Code.objects.count()) == before


# Malformed files ------------------------------------------------------------------------------


def _state():
    return tuple(
        m.objects.count() for m in (Source, Coding, Code, Participant, Memo, Coder, Turn, Theme)
    ) + (AuditEvent.objects.filter(action="study.import").count(),)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not a zip", "not a zip archive"),
        (_zip({"readme.txt": b"x"}), "no project.qde"),
        (_zip({"project.qde": b"<Project><Users>"}), "not well-formed XML"),
        (
            _other_tool_file(
                **{'startPosition="53" endPosition="67"': 'startPosition="55" endPosition="99"'}
            ),
            "outside its text",
        ),
        (
            _other_tool_file(
                **{"G0000000-0000-4000-8000-000000000004": "G0000000-0000-4000-8000-000000000001"}
            ),
            "used twice",
        ),
        (
            _zip({"project.qde": OTHER_TOOL.encode()}),
            "missing from the file",
        ),
        (_zip({"project.qde": b"<CodeBook/>"}), "does not describe a REFI-QDA project"),
    ],
    ids=["not-zip", "no-qde", "bad-xml", "position", "duplicate-guid", "missing-text", "root"],
)
def test_import_qdpx_malformed_fails_cleanly(world, data, message):
    study = _new_study(world)
    before = _state()
    with pytest.raises(ValidationError, match=message):
        actions.import_qdpx(by=None, study=study, file=io.BytesIO(data))
    assert _state() == before


def test_import_qdpx_entities_are_refused(world):
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&x;</Description></Project>'
    )
    with pytest.raises(ValidationError) as caught:
        exchange.read_qdpx(io.BytesIO(_zip({"project.qde": xml})))
    assert caught.value.messages == [
        "The file “project.qde” declares its own XML entities, which are not accepted."
    ]


# Codebook import -----------------------------------------------------------------------------


def test_import_qdc_adds_codes_and_themes(rich, world):
    buffer = io.BytesIO()
    exchange.export_qdc(rich["study"], buffer)
    study = _new_study(world)
    report = actions.import_qdc(by=None, study=study, file=io.BytesIO(buffer.getvalue()))
    assert report["imported"] == {"codes": 7, "themes": 1}
    assert study.codes.get(name="Not listened to").parent.name == "Psychological capability"


def test_import_qdc_bad_xml_fails_cleanly(world):
    study = _new_study(world)
    with pytest.raises(ValidationError, match="not well-formed"):
        actions.import_qdc(by=None, study=study, file=io.BytesIO(b"<CodeBook"))
    assert study.codes.count() == 0


# Codings tables -------------------------------------------------------------------------------

HEADER = ["Source", "Participant", "Code", "COM-B", "Polarity", "Coder", "Start", "End", "Text"]


def test_codings_csv_rows(rich):
    text = "".join(exchange.codings_csv(rich["study"]))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    start = TEXT2.index("Café")
    assert rows[0] == HEADER
    assert rows[1:] == [
        [
            "Interview P01",
            "P01",
            "Psychological capability",
            "Psychological capability",
            "Barrier",
            "Mo Member",
            "30",
            "61",
            "Nobody listened to me at first.",
        ],
        [
            "Interview P02 – café",
            "P02",
            "Psychological capability",
            "Psychological capability",
            "Facilitator",
            "Cerys Cochair",
            str(start),
            str(start + 13),
            "Café’s fine 😀",
        ],
        [
            "Interview P02 – café",
            "P02",
            "Psychological capability / Not listened to",
            "Psychological capability",
            "Facilitator",
            "Cerys Cochair",
            str(start),
            str(start + 13),
            "Café’s fine 😀",
        ],
        [
            "Interview P02 – café",
            "P02",
            "Psychological capability / Not listened to",
            "Psychological capability",
            "Neutral",
            "Cerys Cochair",
            str(TEXT2.index("the bus")),
            str(TEXT2.index(" is late")),
            "the bus",
        ],
    ]


def test_codings_xlsx_rows_are_text(rich):
    from openpyxl import load_workbook

    source = rich["source"]
    actions.add_coding(
        by=None,
        source=source,
        codes=[rich["code"]],
        start=0,
        end=11,
        coder=rich["coder"],
    )
    Source.objects.filter(pk=source.pk).update(text="=SUM(A1)" + source.text[8:])
    buffer = io.BytesIO()
    assert exchange.codings_xlsx(rich["study"], buffer) == 5
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1][8] == "'=SUM(A1)wer"
    assert rows[1][1] == "Interviewer"
    assert rows[2][8] == "Nobody listened to me at first."


# Jobs and pages ------------------------------------------------------------------------------


def _upload(data, name="study.qdpx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_exchange_page_for_coder(world, rich, client_for):
    response = client_for(world["member"]).get(reverse("insight:exchange", args=["barriers"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("insight:export_qdpx", args=["barriers"]) in body
    assert 'name="file"' not in body  # only lead researchers import


def test_exchange_page_for_lead_has_import_form(world, rich, client_for):
    response = client_for(world["cochair"]).get(reverse("insight:exchange", args=["barriers"]))
    assert 'name="file"' in response.content.decode()


def test_import_view_runs_job_and_shows_report(
    world, client_for, django_capture_on_commit_callbacks
):
    build(world)
    client = client_for(world["cochair"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insight:import_qdpx", args=["barriers"]),
            {"file": _upload(_other_tool_file())},
        )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("insight:job", args=["barriers", job.pk])
    assert (job.kind, job.status, job.input_file.name) == ("import_qdpx", JobStatus.DONE, "")
    assert job.report["imported"]["codings"] == 4
    assert Source.objects.filter(study__slug="barriers", name="Siân interview").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Added to the study" in page
    assert 'role="status"' in page
    assert "hx-trigger" not in page


def test_import_view_wrong_file_type_redisplays(world, client_for):
    build(world)
    response = client_for(world["cochair"]).post(
        reverse("insight:import_qdpx", args=["barriers"]), {"file": _upload(b"x", "notes.docx")}
    )
    assert response.status_code == 200
    assert "Choose a REFI-QDA project" in response.content.decode()
    assert Job.objects.count() == 0


def test_import_view_not_a_zip_redisplays_and_changes_nothing(
    world, client_for, django_capture_on_commit_callbacks
):
    build(world)
    before = _state()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world["cochair"]).post(
            reverse("insight:import_qdpx", args=["barriers"]), {"file": _upload(b"not a zip")}
        )
    # The zip is opened before it is stored, so the form says so and no job is started.
    assert response.status_code == 200
    body = response.content.decode()
    assert "This is not a REFI-QDA project file (.qdpx): it is not a zip archive." in body
    assert 'href="#id_file"' in body  # a field error, linked from the summary
    assert Job.objects.count() == 0
    assert _state() == before


def test_import_view_bad_project_fails_job_and_changes_nothing(
    world, client_for, django_capture_on_commit_callbacks
):
    build(world)
    before = _state()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world["cochair"]).post(
            reverse("insight:import_qdpx", args=["barriers"]),
            {"file": _upload(_zip({"readme.txt": b"x"}))},
        )
    job = Job.objects.get()
    assert (job.status, job.error, job.input_file.name) == (
        JobStatus.FAILED,
        "The file has no project.qde inside.",
        "",
    )
    assert _state() == before


def test_import_view_refused_for_coder_changes_nothing(world, client_for):
    build(world)
    before = (_state(), Job.objects.count())
    response = client_for(world["member"]).post(
        reverse("insight:import_qdpx", args=["barriers"]), {"file": _upload(_other_tool_file())}
    )
    assert response.status_code == 403
    assert (_state(), Job.objects.count()) == before


def test_export_job_polling_and_download(
    world, rich, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world["member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insight:export_qdpx", args=["barriers"]))
    job = Job.objects.get()
    assert (job.status, job.requested_by) == (JobStatus.DONE, world["member"])
    assert job.report["exported"]["codings"] == 4
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    assert fragment.status_code == 286
    assert 'hx-swap-oob="innerHTML"' in fragment.content.decode()
    download = client.get(reverse("insight:job_download", args=["barriers", job.pk]))
    data = b"".join(download.streaming_content)
    assert download["Content-Disposition"] == 'attachment; filename="barriers.qdpx"'
    assert b"Nobody listened" in zipfile.ZipFile(io.BytesIO(data)).read(
        f"sources/{rich['source'].guid}.txt"
    )


def test_job_page_while_running_polls(world, rich, client_for):
    job = actions.start_job(by=world["member"].user, study=rich["study"], kind="export_xlsx")
    actions.job_progress(job=job, done=3, total=4)
    page = client_for(world["member"]).get(reverse("insight:job", args=["barriers", job.pk]))
    body = page.content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert "Running: 75% done." in body
    assert 'value="75"' in body


def test_job_page_of_someone_else_refused_for_coder(world, rich, client_for):
    job = actions.start_job(by=world["cochair"].user, study=rich["study"], kind="export_xlsx")
    response = client_for(world["member"]).get(reverse("insight:job", args=["barriers", job.pk]))
    assert response.status_code == 403


def test_export_xlsx_job_output(world, rich, client_for, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    with django_capture_on_commit_callbacks(execute=True):
        client_for(world["cochair"]).post(reverse("insight:codings_xlsx", args=["barriers"]))
    job = Job.objects.get()
    with job.output_file.open("rb") as fp:
        rows = list(load_workbook(fp).active.iter_rows(values_only=True))
    assert len(rows) == 5
    assert job.report == {"exported": {"codings": 4}}


def test_download_views(world, rich, client_for):
    client = client_for(world["member"])
    qdpx = client.get(reverse("insight:export_qdpx", args=["barriers"]))
    assert zipfile.ZipFile(io.BytesIO(b"".join(qdpx.streaming_content))).namelist()[-1] == (
        "project.qde"
    )
    qdc = client.get(reverse("insight:export_qdc", args=["barriers"]))
    assert qdc.content.startswith(b"<?xml")
    csv_response = client.get(reverse("insight:codings_csv", args=["barriers"]))
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(HEADER)
    assert len(text.splitlines()) == 5
    xlsx = client.get(reverse("insight:codings_xlsx", args=["barriers"]))
    assert xlsx["Content-Disposition"] == 'attachment; filename="barriers-codings.xlsx"'
    assert list(
        AuditEvent.objects.filter(action="study.export")
        .order_by("pk")
        .values_list("changes__format", flat=True)
    ) == ["qdpx", "qdc", "codings_csv", "codings_xlsx"]


def test_download_views_refused_for_outsider(world, rich, client_for):
    client = client_for(world["outsider"])
    for name in ("export_qdpx", "export_qdc", "codings_csv", "codings_xlsx"):
        assert client.get(reverse(f"insight:{name}", args=["barriers"])).status_code == 403
    assert not AuditEvent.objects.filter(action="study.export").exists()


# Command line --------------------------------------------------------------------------------


def test_cli_list(rich, capsys):
    assert cli.main(["insight", "list"]) == 0
    assert capsys.readouterr().out == "barriers\tBarriers to coproduction\t2\t2\t7\t4\n"


def test_cli_export_then_import_new_study(rich, world, tmp_path, capsys):
    out = tmp_path / "study.qdpx"
    assert cli.main(["insight", "export-qdpx", "barriers", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["codings"] == 4
    code = cli.main(
        ["insight", "import-qdpx", str(out), "--study", "again", "--organisation", "dyffryn-teg"]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (report["study"], report["study_created"], report["imported"]["codings"]) == (
        "again",
        True,
        4,
    )
    again = Study.objects.get(slug="again")
    assert (again.title, again.organisation) == ("Barriers to coproduction", world["org"])
    assert AuditEvent.objects.filter(action="study.import", actor_id=None).count() == 1


def test_cli_import_needs_organisation_when_several(rich, tmp_path, capsys):
    out = tmp_path / "study.qdpx"
    out.write_bytes(_export(rich["study"]))
    assert cli.main(["insight", "import-qdpx", str(out), "--study", "new"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "error: Say which organisation the new study belongs to with --organisation.\n"
    )
    assert not Study.objects.filter(slug="new").exists()


def test_cli_import_bad_file_creates_no_study(world, tmp_path, capsys):
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"nope")
    code = cli.main(
        ["insight", "import-qdpx", str(bad), "--study", "new", "--organisation", "dyffryn-teg"]
    )
    assert code == 2
    assert "not a zip archive" in capsys.readouterr().err
    assert not Study.objects.filter(slug="new").exists()


def test_cli_import_missing_file(world, capsys):
    assert cli.main(["insight", "import-qdpx", "/nonexistent.qdpx", "--study", "x"]) == 2
    assert capsys.readouterr().err.startswith("error: Cannot read /nonexistent.qdpx")


def test_cli_export_qdc(rich, tmp_path, capsys, codebook_schema):
    out = tmp_path / "codebook.qdc"
    assert cli.main(["insight", "export-qdc", "barriers", str(out)]) == 0
    codebook_schema.assertValid(etree.parse(str(out)))
    assert json.loads(capsys.readouterr().out) == {"file": str(out), "codes": 7, "sets": 1}


def test_cli_export_unknown_study(world, tmp_path, capsys):
    assert cli.main(["insight", "export-qdpx", "nope", str(tmp_path / "x.qdpx")]) == 2
    assert capsys.readouterr().err == "error: There is no study called “nope”.\n"


def test_meta_round_trip():
    text = exchange.meta_join("Definition\n\nmore", {"comb": "x", "empty": ""})
    assert text == 'Definition\n\nmore\n\ncoproduce-meta: {"comb": "x"}'
    assert exchange.meta_split(text) == ("Definition\n\nmore", {"comb": "x"})
    assert exchange.meta_split("plain") == ("plain", {})
    assert exchange.meta_split("coproduce-meta: {bad") == ("coproduce-meta: {bad", {})


def test_position_remap_for_crlf():
    text, remap = exchange.reader._normalise_text("a\r\nb\r\nc")
    assert text == "a\nb\nc"
    assert [remap(p) for p in (0, 1, 2, 3, 4, 5, 6, 7)] == [0, 1, 1, 2, 3, 3, 4, 5]


def test_read_qdpx_reports_progress_per_source(rich):
    calls = []
    exchange.read_qdpx(
        io.BytesIO(_export(rich["study"])), progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(1, 3), (2, 3)]


def test_export_qdpx_reports_progress(rich):
    calls = []
    exchange.export_qdpx(rich["study"], io.BytesIO(), progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 2), (2, 2), (2, 2)]


# Sources whose text path is not internal:// (issue 16.12) --------------------------------------

NOTES_GUID = "S0000000-0000-4000-8000-000000000002"


@pytest.mark.parametrize(
    "path",
    [f"{NOTES_GUID}.txt", f"sources/{NOTES_GUID}.txt", f".\\sources\\{NOTES_GUID}.TXT"],
)
def test_import_text_path_bare_or_relative_is_found_in_the_archive(world, path):
    study = _new_study(world)
    file = _other_tool_file(**{f"internal://{NOTES_GUID}.txt": path})
    report = actions.import_qdpx(by=None, study=study, file=io.BytesIO(file))
    assert Source.objects.get(study=study, name="Notes file").text == "Line 1\nRow 2 here\n"
    assert report["imported"]["codings"] == 4
    assert "dropped" not in report


@pytest.mark.parametrize(
    "path",
    [
        f"../sources/{NOTES_GUID}.txt",
        f"/sources/{NOTES_GUID}.txt",
        f"C:\\Users\\rhian\\{NOTES_GUID}.txt",
        f"file:///sources/{NOTES_GUID}.txt",
    ],
)
def test_import_text_path_outside_the_archive_drops_its_codings_loudly(world, path):
    study = _new_study(world)
    file = _other_tool_file(**{f"internal://{NOTES_GUID}.txt": path})
    report = actions.import_qdpx(by=None, study=study, file=io.BytesIO(file))
    assert not Source.objects.filter(study=study, name="Notes file").exists()
    assert report["imported"]["codings"] == 3
    assert report["dropped"] == {"sources": ["Notes file"], "codings": 1}


def test_job_page_warns_when_codings_were_dropped(
    world, client_for, django_capture_on_commit_callbacks
):
    build(world)
    client = client_for(world["cochair"])
    file = _other_tool_file(**{f"internal://{NOTES_GUID}.txt": f"D:\\{NOTES_GUID}.txt"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insight:import_qdpx", args=["barriers"]), {"file": _upload(file)}
        )
    page = client.get(response["Location"]).content.decode()
    assert "nhsuk-warning-callout" in page
    assert "1 coding was not imported because the text of its source was not in the file." in page
    assert "Sources left out: Notes file" in page


def test_cli_import_warns_when_codings_were_dropped(world, tmp_path, capsys):
    out = tmp_path / "other.qdpx"
    out.write_bytes(_other_tool_file(**{f"internal://{NOTES_GUID}.txt": "/etc/passwd"}))
    code = cli.main(
        ["insight", "import-qdpx", str(out), "--study", "other", "--organisation", "dyffryn-teg"]
    )
    captured = capsys.readouterr()
    assert (code, captured.err) == (
        0,
        "warning: 1 codings were not imported: the text of Notes file was not found.\n",
    )
    assert json.loads(captured.out)["dropped"] == {"sources": ["Notes file"], "codings": 1}


# Special-category attributes from another tool (issue 16.11) ------------------------------------


def test_import_flags_plainly_special_category_attributes(world, client_for):
    study = _new_study(world)
    file = _other_tool_file(
        **{
            'name="Area" typeOfVariable="Text"': 'name="Area" typeOfVariable="Text"/>\n'
            '    <Variable guid="V0000000-0000-4000-8000-000000000003" name="Ethnic group"'
            ' typeOfVariable="Text"/>\n'
            '    <Variable guid="V0000000-0000-4000-8000-000000000004" name="Long-term condition"'
            ' typeOfVariable="Text"/>\n'
            '    <Variable guid="V0000000-0000-4000-8000-000000000005" name="Beliefs about care"'
            ' typeOfVariable="Text"',
        }
    )
    report = actions.import_qdpx(by=None, study=study, file=io.BytesIO(file))
    flags = dict(study.attributes.values_list("label", "special_category"))
    assert flags == {
        "Age": False,
        "Area": False,
        "Ethnic group": True,
        "Long-term condition": True,
        "Beliefs about care": False,
    }
    assert report["special_category"] == ["Ethnic group", "Long-term condition"]


def test_import_own_export_keeps_its_special_category_flags(world, rich):
    # Our own files say either way in the meta line; the list is not consulted.
    copy = _new_study(world)
    report = actions.import_qdpx(by=None, study=copy, file=io.BytesIO(_export(rich["study"])))
    assert "special_category" not in report
    assert dict(copy.attributes.values_list("name", "special_category")) == dict(
        rich["study"].attributes.values_list("name", "special_category")
    )


def test_plainly_special_matches_whole_words_in_name_or_label():
    from coproduce.insight.exchange.tables import plainly_special

    assert plainly_special("disability")
    assert plainly_special("x", "Sexual orientation")
    assert plainly_special("gender_identity")
    assert plainly_special("Crefydd")
    assert not plainly_special("gender", "Gender")
    assert not plainly_special("health_board", "Health board")
