"""Demo data for insight studies, called by coproduce.site.demo.load().

One fictional study in the shape of the seed study (Holland-Hart et al. 2019, docs/domain.md §8):
34 participants, 28 short transcripts written for the demo, a COM-B codebook with inductive
codes, codings by two coders (six transcripts double-coded so agreement can be measured),
themes, a framework matrix, memos and intervention candidates. The content lives in YAML under
demo_data/; this module only feeds it through the actions, so the audit trail is real.

Coding spans are never written as numbers: each coding names a sentence, found in the
transcript to give its offsets, so editing a transcript cannot leave a coding pointing at the
wrong words.
"""

import re
from pathlib import Path

import yaml
from django.db import transaction

from . import actions
from .models import Study

SLUG = "coproduction-barriers-wales"
DATA = Path(__file__).parent / "demo_data"
TRANSCRIPTS = ("transcripts_public.yaml", "transcripts_clinicians.yaml")
# A speaker label at the start of a line: "Interviewer: ", "P07: ".
LABEL = re.compile(r"([A-Z][A-Za-z0-9 ]{0,40}): ")


def _read(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def speaker_turns(text: str) -> list[tuple[str, int, int]]:
    """(speaker, start, end) for each labelled line; a turn is the whole line, label included,
    as the importers store it."""
    turns = []
    position = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        match = LABEL.match(body)
        if match and body.strip():
            turns.append((match.group(1), position, position + len(body)))
        position += len(line)
    return turns


def sentence_span(text: str, sentence: str, where: str) -> tuple[int, int]:
    """The offsets of a sentence that must occur exactly once in the text."""
    found = text.count(sentence)
    if found != 1:
        raise ValueError(f"{where}: sentence found {found} times: {sentence!r}")
    start = text.index(sentence)
    return start, start + len(sentence)


def sources() -> list[dict]:
    """Every demo transcript spec, public first."""
    return [s for name in TRANSCRIPTS for s in _read(name)["sources"]]


@transaction.atomic
def load(ctx) -> None:
    """ctx: see coproduce.core.demo.DemoContext. Does nothing if the study is already there."""
    if Study.objects.filter(slug=SLUG).exists():
        return
    spec = _read("study.yaml")
    by = ctx.by
    about = spec["study"]
    project = next((p for p in ctx.projects if p.title == about["project"]), None)
    study = actions.create_study(
        by=by,
        organisation=ctx.organisations["board"],
        project=project,
        title=about["title"],
        slug=about["slug"],
        description=about["description"],
        descriptor_template=about["descriptor_template"],
        bcw_variant=about["bcw_variant"],
    )
    for key, role in spec["team"]:
        actions.set_member(by=by, study=study, person=ctx.people[key], role=role)
    for attribute in spec["attributes"]:
        actions.define_attribute(by=by, study=study, **attribute)

    participants = {}
    columns = spec["participant_columns"]
    for row in spec["participants"]:
        values = {c: v for c, v in zip(columns, row, strict=True) if v is not None}
        identifier = values.pop("identifier")
        values["descriptor"] = spec["descriptors"][values["sample_group"]].format(**values)
        participants[identifier] = actions.add_participant(
            by=by, study=study, identifier=identifier, attributes=values
        )

    codes = {c.framework_key: c for c in study.codes.all()}
    for c in spec["codes"]:
        codes[c["key"]] = actions.create_code(
            by=by,
            study=study,
            name=c["name"],
            parent=codes[f"comb:{c['parent']}"],
            colour=c["colour"],
            definition=c["definition"],
            inclusion=c["inclusion"],
            exclusion=c["exclusion"],
        )
    actions.save_codebook_version(by=by, study=study, note=spec["codebook_note"])

    coders = {}

    def coder(key):
        if key not in coders:
            coders[key] = actions.coder_for(study=study, person=ctx.people[key])
        return coders[key]

    made = {}  # (source name, sentence, coder key) -> [Coding]
    by_name = {}
    for s in sources():
        text = s["text"]
        source = actions.add_source(
            by=by,
            study=study,
            name=s["name"],
            text=text,
            turns=speaker_turns(text),
            kind=s.get("kind", "interview"),
        )
        by_name[s["name"]] = source
        for coder_key, rows in (
            (s["coder"], s["codings"]),
            (s.get("second_coder"), s.get("second")),
        ):
            for keys, polarity, sentence in rows or ():
                start, end = sentence_span(text, sentence, s["name"])
                keys = [keys] if isinstance(keys, str) else keys
                made[(s["name"], sentence, coder_key)] = actions.add_coding(
                    by=by,
                    source=source,
                    codes=[codes[k] for k in keys],
                    start=start,
                    end=end,
                    polarity=polarity,
                    coder=coder(coder_key),
                )

    themes = {}
    for t in spec["themes"]:
        for sub in [None, *t.get("subthemes", ())]:
            item = sub or t
            if item["name"] in themes:
                raise ValueError(f"theme named twice: {item['name']}")
            themes[item["name"]] = actions.create_theme(
                by=by,
                study=study,
                name=item["name"],
                parent=themes[t["name"]] if sub else None,
                description=item["description"],
                comb=item["comb"],
                classification=item["classification"],
                codes=[codes[k] for k in item["codes"]],
            )
    for identifier, theme, summary in spec["matrix"]:
        actions.set_matrix_cell(
            by=by, theme=themes[theme], participant=participants[identifier], summary=summary
        )

    for memo in spec["memos"]:
        kind, _sep, target = memo["target"].partition(":")
        on = {}
        if kind == "code":
            on["code"] = codes[target]
        elif kind == "source":
            on["source"] = by_name[target]
        elif kind == "participant":
            on["participant"] = participants[target]
        elif kind == "coding":
            name, _sep, sentence = target.partition("|")
            on["coding"] = made[(name, sentence, memo["by"])][0]
        actions.write_memo(by=by, study=study, text=memo["text"], author=coder(memo["by"]), **on)

    for candidate in spec["candidates"]:
        actions.set_candidate(
            by=by,
            theme=themes[candidate["theme"]],
            function=candidate["function"],
            apease=candidate["apease"],
            note=candidate["note"],
            selected=candidate["selected"],
        )
