"""Bulk phases of an insight study against the corpus the Taguette side-by-side scripts use:
import a REFI-QDA project with 20,000 coded passages, then export every coding as CSV and Excel
and the whole study as QDPX (and the codebook as QDC).

    .venv/bin/python benchmarks/insight_bulk.py /work/shared/bench/taguette/gen_corpus.py \\
        [--docs 200] [--turns 60] [--highlights 20000] [--json OUT]

The corpus is made in a temporary folder by the Taguette bench's own gen_corpus.py, which lives
outside this repository (on the bench machines, /work/shared/bench/taguette/gen_corpus.py) and whose
path is the first argument. The project file holds the same passages and tags taguette_orm_bench.py
and taguette_http_bench.py make: the same random generator (seed 7) picks the same participant turn,
the same halving (Taguette halves a turn's UTF-8 byte length; here the cut is moved to the code
point it falls in) and the same one or two of the 20 tags. Uses its own throwaway SQLite database
and prints the timings as JSON: wall-clock seconds (`_s`) and this process's CPU seconds (`_cpu_s`,
the fairer figure on a shared machine).
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NS = "urn:QDA-XML:project:1.0"


def _guid():
    return str(uuid.uuid4())


def make_corpus(script: str, out: Path, docs: int, turns: int) -> None:
    subprocess.run(
        [sys.executable, script, str(out), str(docs), str(turns)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def build_qdpx(corpus: Path, n_highlights: int, path: Path) -> dict:
    """A .qdpx as another tool would write it (PlainTextSelection per highlight)."""
    with open(corpus / "codebook.csv", encoding="utf-8") as fp:
        tags = list(csv.DictReader(fp))
    # Tag paths "Capability/Physical/barrier" become a code hierarchy; the tags are the leaves.
    tree, leaves = {}, []
    for tag in tags:
        node = tree
        parts = tag["tag"].split("/")
        for depth, part in enumerate(parts):
            node = node.setdefault(part, {"guid": _guid(), "children": {}, "description": ""})
            if depth == len(parts) - 1:
                node["description"] = tag["description"]
                leaves.append(node["guid"])
            else:
                node = node["children"]
    with open(corpus / "participants.csv", encoding="utf-8") as fp:
        people = list(csv.DictReader(fp))
    variables = ["group", "role", "gender", "age_band", "site", "format"]
    var_guid = {v: _guid() for v in variables}
    user = _guid()

    files = sorted(os.listdir(corpus / "txt"))
    sources = []
    for fn in files:
        text = (corpus / "txt" / fn).read_text(encoding="utf-8")
        turns, spans, pos = [], [], 0
        for para in text.rstrip("\n").split("\n\n"):
            speaker = para.split(":", 1)[0]
            turns.append([speaker, pos, pos + len(para), None])
            if not para.startswith("Interviewer"):
                spans.append((pos, pos + len(para), para))
            pos += len(para) + 2
        sources.append(
            {"name": fn[:-4], "guid": _guid(), "text": text, "turns": turns, "spans": spans}
        )

    # The Taguette scripts' choice of passages and tags, draw for draw.
    rng = random.Random(7)
    selections = [[] for _ in sources]
    codings = 0
    tag_positions = list(range(len(leaves)))
    for i in range(n_highlights):
        d = i % len(sources)
        start, end, para = rng.choice(sources[d]["spans"])
        raw = para.encode("utf-8")
        if rng.random() < 0.5 and len(raw) > 40:
            end = start + len(raw[: len(raw) // 2].decode("utf-8", "ignore"))
        chosen = rng.sample(tag_positions, rng.choice((1, 1, 2)))
        selections[d].append((start, end, [leaves[t] for t in chosen]))
        codings += len(chosen)

    def q(name):
        return f"{{{NS}}}{name}"

    root = etree.Element(
        q("Project"), name="Taguette bench corpus", origin="bench", nsmap={None: NS}
    )
    etree.SubElement(etree.SubElement(root, q("Users")), q("User"), guid=user, name="Bench coder")
    codes = etree.SubElement(etree.SubElement(root, q("CodeBook")), q("Codes"))

    def add(parent, name, node):
        el = etree.SubElement(parent, q("Code"), guid=node["guid"], name=name, isCodable="true")
        if node["description"]:
            etree.SubElement(el, q("Description")).text = node["description"]
        for child_name, child in node["children"].items():
            add(el, child_name, child)

    for name, node in tree.items():
        add(codes, name, node)
    vars_el = etree.SubElement(root, q("Variables"))
    for v in variables:
        etree.SubElement(vars_el, q("Variable"), guid=var_guid[v], name=v, typeOfVariable="Text")
    cases = etree.SubElement(root, q("Cases"))
    source_guid = {s["name"]: s["guid"] for s in sources}
    for person in people:
        case = etree.SubElement(cases, q("Case"), guid=_guid(), name=person["participant"])
        for v in variables:
            vv = etree.SubElement(case, q("VariableValue"))
            etree.SubElement(vv, q("VariableRef"), targetGUID=var_guid[v])
            etree.SubElement(vv, q("TextValue")).text = person[v]
        etree.SubElement(case, q("SourceRef"), targetGUID=source_guid[person["doc"]])
    sources_el = etree.SubElement(root, q("Sources"))
    for source, chosen in zip(sources, selections, strict=True):
        el = etree.SubElement(
            sources_el,
            q("TextSource"),
            guid=source["guid"],
            name=source["name"],
            plainTextPath=f"internal://{source['guid']}.txt",
        )
        etree.SubElement(el, q("Description")).text = "coproduce-meta: " + json.dumps(
            {"turns": source["turns"]}
        )
        for start, end, code_guids in chosen:
            sel = etree.SubElement(
                el,
                q("PlainTextSelection"),
                guid=_guid(),
                startPosition=str(start),
                endPosition=str(end),
                creatingUser=user,
            )
            for code in code_guids:
                coding = etree.SubElement(sel, q("Coding"), guid=_guid(), creatingUser=user)
                etree.SubElement(coding, q("CodeRef"), targetGUID=code)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        for source in sources:
            zf.writestr(f"sources/{source['guid']}.txt", source["text"].encode("utf-8"))
    return {"sources": len(sources), "selections": n_highlights, "codings": codings}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gen_corpus", help="path of the Taguette bench's gen_corpus.py")
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--turns", type=int, default=60)
    parser.add_argument("--highlights", type=int, default=20000)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="insight-bulk-"))
    os.environ["COPRODUCE_DATA"] = str(work / "data")
    os.environ.setdefault("COPRODUCE_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    os.environ.setdefault(
        "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    figures = {}
    t, c = time.perf_counter(), time.process_time()
    make_corpus(args.gen_corpus, work / "corpus", args.docs, args.turns)
    figures["corpus_s"] = time.perf_counter() - t
    figures["corpus_cpu_s"] = time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    figures["file"] = build_qdpx(work / "corpus", args.highlights, work / "bench.qdpx")
    figures["build_qdpx_s"] = time.perf_counter() - t
    figures["build_qdpx_cpu_s"] = time.process_time() - c
    figures["qdpx_bytes"] = (work / "bench.qdpx").stat().st_size

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from coproduce.insight import actions, exchange
    from coproduce.insight.models import Coding
    from coproduce.people import actions as people_actions

    org = people_actions.create_organisation(
        by=None, name="Bench board", slug="bench", kind="health_board"
    )
    study = actions.create_study(
        by=None,
        organisation=org,
        title="Bulk bench",
        slug="bulk",
        seed_comb=False,
        standard_attributes=False,
    )

    t, c = time.perf_counter(), time.process_time()
    report = actions.import_qdpx(by=None, study=study, file=str(work / "bench.qdpx"))
    figures["import_qdpx_s"] = time.perf_counter() - t
    figures["import_qdpx_cpu_s"] = time.process_time() - c
    figures["imported"] = report["imported"]
    figures["skipped"] = report["skipped"]
    # The random draws sometimes pick the same turn and tag twice: Taguette keeps both
    # highlights, we keep one coding (the report counts the repeat as skipped).
    figures["codings_in_study"] = Coding.objects.filter(source__study=study).count()

    t, c = time.perf_counter(), time.process_time()
    with open(work / "codings.csv", "w", encoding="utf-8", newline="") as fp:
        for chunk in exchange.codings_csv(study):
            fp.write(chunk)
    figures["export_codings_csv_s"] = time.perf_counter() - t
    figures["export_codings_csv_cpu_s"] = time.process_time() - c
    figures["export_codings_csv_bytes"] = (work / "codings.csv").stat().st_size

    t, c = time.perf_counter(), time.process_time()
    with open(work / "codings.xlsx", "wb") as fp:
        figures["export_codings_xlsx_rows"] = exchange.codings_xlsx(study, fp)
    figures["export_codings_xlsx_s"] = time.perf_counter() - t
    figures["export_codings_xlsx_cpu_s"] = time.process_time() - c
    figures["export_codings_xlsx_bytes"] = (work / "codings.xlsx").stat().st_size

    t, c = time.perf_counter(), time.process_time()
    with open(work / "export.qdpx", "wb") as fp:
        figures["export_qdpx_counts"] = exchange.export_qdpx(study, fp)
    figures["export_qdpx_s"] = time.perf_counter() - t
    figures["export_qdpx_cpu_s"] = time.process_time() - c
    figures["export_qdpx_bytes"] = (work / "export.qdpx").stat().st_size

    t, c = time.perf_counter(), time.process_time()
    with open(work / "codebook.qdc", "wb") as fp:
        exchange.export_qdc(study, fp)
    figures["export_qdc_s"] = time.perf_counter() - t
    figures["export_qdc_cpu_s"] = time.process_time() - c
    figures["work_dir"] = str(work)

    out = json.dumps(
        {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}, indent=1
    )
    print(out)
    if args.json:
        Path(args.json).write_text(out + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
