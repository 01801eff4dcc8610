"""A small interview corpus made here, and a REFI-QDA project built from it the way another
qualitative-analysis tool would write it: for tests that need a coded project coproduce did not
make. Nothing outside the repository is read.

Deterministic: seeded `random.Random` instances draw the words, the participants' attributes,
the GUIDs and the highlights, so the same arguments always give the same project.

The corpus (`make_corpus`): `docs` transcripts of `turns` speaker turns each. Even turns are the
interviewer's, odd turns the participant's ("P03: ..."); a turn is one to four sentences of six to
sixteen words from a fixed vocabulary, and about one sentence in six carries a word with a
non-ASCII letter, so code points and UTF-8 bytes differ. Turns are separated by a blank line.

The codebook (`CODEBOOK`): each COM-B sub-component as a barrier and as a facilitator, and eight
inductive codes: 20 leaf codes, written as a hierarchy ("Capability" > "Physical" > "barrier"),
which adds 10 parent codes, 30 codes in all.

The project (`build_qdpx`) holds nothing of coproduce's own (no "coproduce-meta" lines, no speaker
turns). Like a Windows tool, it writes each source's text as UTF-8 with a byte-order mark and
"\\r\\n" line ends, and counts positions in that text (in code points, the BOM not counted). Every
participant is a Case with text variables. Each highlight is one PlainTextSelection of a
participant turn (the whole turn, or its first half) with one or two leaf codes.
"""

import random
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

NS = "urn:QDA-XML:project:1.0"

VOCABULARY = (
    "appointment time waiting list doctor nurse carer family group meeting plan service "
    "decision voice listen trust confidence knowledge leaflet letter phone online travel bus "
    "money cost worry habit routine respect power share equal partner community support "
    "training experience change idea question answer feedback result board staff patient"
).split()
# Words with letters outside ASCII (Welsh, French loans, typographic apostrophe and dash).
ACCENTED = ["café", "rôle", "naïve", "don’t", "gŵyl", "tŷ", "–"]

COMB = [
    ("Capability", "Physical"),
    ("Capability", "Psychological"),
    ("Opportunity", "Physical"),
    ("Opportunity", "Social"),
    ("Motivation", "Reflective"),
    ("Motivation", "Automatic"),
]
CODEBOOK = [
    (f"{component}/{part}/{kind}", f"COM-B {component.lower()} ({part.lower()}), {kind}")
    for component, part in COMB
    for kind in ("barrier", "facilitator")
] + [(f"Inductive/theme {k + 1}", "A theme that came from the interviews") for k in range(8)]

GROUPS = ["long-term condition", "emergency care", "parent", "clinician"]
VARIABLES = ["group", "gender", "age_band", "area"]


@dataclass
class Transcript:
    name: str  # "T03"
    participant: str  # "P03"
    attributes: dict  # variable -> text value
    turns: list[str]  # "Interviewer: ..." / "P03: ...", without line ends


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(VOCABULARY) for _ in range(rng.randint(6, 16))]
    if rng.random() < 1 / 6:
        words.insert(rng.randrange(len(words)), rng.choice(ACCENTED))
    return " ".join(words).capitalize() + "."


def make_corpus(docs: int = 12, turns: int = 20, seed: int = 42) -> list[Transcript]:
    rng = random.Random(seed)
    corpus = []
    for i in range(docs):
        participant = f"P{i:02d}"
        attributes = {
            "group": GROUPS[i % len(GROUPS)],
            "gender": rng.choice(["Female", "Male"]),
            "age_band": rng.choice(["18-34", "35-54", "55-74", "75+"]),
            "area": f"Area {i % 3 + 1}",
        }
        lines = []
        for t in range(turns):
            speaker = "Interviewer" if t % 2 == 0 else participant
            lines.append(
                f"{speaker}: " + " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))
            )
        corpus.append(Transcript(f"T{i:02d}", participant, attributes, lines))
    return corpus


def build_qdpx(
    corpus: list[Transcript], highlights: int, path: Path, *, seed: int = 7, newline="\r\n"
) -> dict:
    """Write the project to `path`; returns what it holds: sources, selections, codings, the
    number of distinct participant turns highlighted, and for each leaf code the number of
    distinct turns it was applied to (`support`, in ascending order)."""
    ids = random.Random(seed + 1)

    def guid() -> str:
        return str(uuid.UUID(int=ids.getrandbits(128), version=4)).upper()

    # Code paths become a hierarchy; only the leaves are applied.
    tree, leaves = {}, []
    for code_path, description in CODEBOOK:
        node = tree
        parts = code_path.split("/")
        for depth, part in enumerate(parts):
            entry = node.setdefault(part, {"guid": guid(), "children": {}, "description": ""})
            if depth == len(parts) - 1:
                entry["description"] = description
                leaves.append(entry["guid"])
            node = entry["children"]

    sources = []
    for transcript in corpus:
        text = (newline * 2).join(transcript.turns) + newline
        spans, position = [], 0
        for line in transcript.turns:
            if not line.startswith("Interviewer"):
                spans.append((position, position + len(line)))
            position += len(line) + 2 * len(newline)
        sources.append({"transcript": transcript, "guid": guid(), "text": text, "spans": spans})

    rng = random.Random(seed)
    selections = [[] for _ in sources]
    codings = 0
    highlighted = set()
    turns_of_code = [set() for _ in leaves]
    for i in range(highlights):
        d = i % len(sources)
        turn = rng.randrange(len(sources[d]["spans"]))
        start, end = sources[d]["spans"][turn]
        if rng.random() < 0.5:
            end = start + (end - start) // 2
        chosen = rng.sample(range(len(leaves)), rng.choice((1, 1, 2)))
        selections[d].append((start, end, [leaves[c] for c in chosen]))
        codings += len(chosen)
        highlighted.add((d, turn))
        for c in chosen:
            turns_of_code[c].add((d, turn))

    user = guid()
    root = ET.Element(
        "Project",
        {"xmlns": NS, "name": "Interviews from another tool", "origin": "Another QDA tool 4.2"},
    )
    ET.SubElement(ET.SubElement(root, "Users"), "User", guid=user, name="Researcher")
    codes_el = ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes")

    def add_code(parent, name, node):
        el = ET.SubElement(parent, "Code", guid=node["guid"], name=name, isCodable="true")
        if node["description"]:
            ET.SubElement(el, "Description").text = node["description"]
        for child_name, child in node["children"].items():
            add_code(el, child_name, child)

    for name, node in tree.items():
        add_code(codes_el, name, node)
    variable_guid = {v: guid() for v in VARIABLES}
    variables_el = ET.SubElement(root, "Variables")
    for v in VARIABLES:
        ET.SubElement(
            variables_el, "Variable", guid=variable_guid[v], name=v, typeOfVariable="Text"
        )
    cases_el = ET.SubElement(root, "Cases")
    for source in sources:
        transcript = source["transcript"]
        case = ET.SubElement(cases_el, "Case", guid=guid(), name=transcript.participant)
        for v in VARIABLES:
            value = ET.SubElement(case, "VariableValue")
            ET.SubElement(value, "VariableRef", targetGUID=variable_guid[v])
            ET.SubElement(value, "TextValue").text = transcript.attributes[v]
        ET.SubElement(case, "SourceRef", targetGUID=source["guid"])
    sources_el = ET.SubElement(root, "Sources")
    for source, chosen in zip(sources, selections, strict=True):
        el = ET.SubElement(
            sources_el,
            "TextSource",
            guid=source["guid"],
            name=source["transcript"].name,
            plainTextPath=f"internal://{source['guid']}.txt",
            creatingUser=user,
        )
        for start, end, code_guids in chosen:
            selection = ET.SubElement(
                el,
                "PlainTextSelection",
                guid=guid(),
                startPosition=str(start),
                endPosition=str(end),
                creatingUser=user,
            )
            for code in code_guids:
                coding = ET.SubElement(selection, "Coding", guid=guid(), creatingUser=user)
                ET.SubElement(coding, "CodeRef", targetGUID=code)

    # The namespace is written as a plain xmlns attribute, so every element name stays unprefixed.
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", xml)
        for source in sources:
            zf.writestr(f"sources/{source['guid']}.txt", source["text"].encode("utf-8-sig"))
    return {
        "sources": len(sources),
        "selections": highlights,
        "codings": codings,
        "highlighted_turns": len(highlighted),
        "support": sorted(len(turns) for turns in turns_of_code),
    }
