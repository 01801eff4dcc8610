"""A study's outputs (docs/domain.md §8, step 5), computed from its data: Table 1 (participant
characteristics), Table 3 (barriers and facilitators by COM-B sub-component), the framework
matrix, attributed quotes, Behaviour Change Wheel recommendations, and agreement between coders.

Everything here is a pure computation over rows read by coproduce.insight.selectors.analysis,
shared by the pages (views/outputs.py), their CSV/XLSX/DOCX exports and the command line
(`coproduce insight table1|barriers|agreement`).

Decisions worth knowing (each is tested):

- Percentages are whole numbers that add up to 100 within each characteristic and column, by the
  largest-remainder method (as the seed paper's Table 1 does: 47, 36 and 2 of 85 are 55, 43 and 2).
  Exact fractions are compared, never floats. Equal remainders go to the larger count; equal
  counts then go to the row shown first (values in natural order, "Not recorded" last). Plain
  half-up rounding is offered too; its column may add up to 99 or 101.
- Table 1 shows exact counts, however small: it is for the study team, who already hold the data.
  Special-category attributes appear only for people with insight.view_special.
- A coding belongs to the participant who spoke the turn where it starts, else to the source's
  only participant, else to nobody.
- Agreement: a coder's judgement about a unit is "absent" for a code only in sources where that
  coder made at least one coding (of any code); in sources they never coded they have no value
  (missing), so one coder's unfinished work does not count as disagreement. Suggestion-engine
  coders are left out unless asked for. "Overall" pools every (unit, code) decision.
"""

import io
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core.agreement import cohen_kappa, krippendorff_alpha
from coproduce.core.exports import CsvWriter, neutralise_row

from . import frameworks
from .models import AttributeType, Classification, Polarity
from .selectors import analysis as selectors

LARGEST_REMAINDER = "largest-remainder"
HALF_UP = "half-up"
ROUNDING = (LARGEST_REMAINDER, HALF_UP)
UNITS = ("character", "sentence", "turn")
NOT_RECORDED = object()  # the key of the "Not recorded" row and column
PLACEHOLDER = re.compile(r"\{([a-z0-9_-]+)\}")


def rounding_choices():
    return [
        (LARGEST_REMAINDER, _("Whole numbers that add up to 100 (largest remainder)")),
        (HALF_UP, _("Each rounded on its own (half up)")),
    ]


def unit_choices():
    return [
        ("turn", _("Speaker turn")),
        ("sentence", _("Sentence")),
        ("character", _("Character")),
    ]


# Percentages ---------------------------------------------------------------------------------


def round_percentages(counts, method: str = LARGEST_REMAINDER) -> list[int | None]:
    """Whole-number percentages of `counts`; None for every row when the total is 0."""
    total = sum(counts)
    if total == 0:
        return [None] * len(counts)
    exact = [Fraction(100 * c, total) for c in counts]
    if method == HALF_UP:
        return [math.floor(x + Fraction(1, 2)) for x in exact]
    if method != LARGEST_REMAINDER:
        raise ValueError(method)
    floors = [math.floor(x) for x in exact]
    spare = 100 - sum(floors)
    # Largest remainder first; then the larger count; then the row shown first.
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - floors[i]), -counts[i], i))
    for i in order[:spare]:
        floors[i] += 1
    return floors


# Table 1 -------------------------------------------------------------------------------------


def _natural(value: str):
    """Numbers inside values sort as numbers: 18-25 before 26-35 before 100+."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", value)
        if part
    ]


def _value_key(attribute, value: str):
    if attribute.type in (AttributeType.INTEGER, AttributeType.FLOAT):
        try:
            return (0, float(value), [])
        except ValueError:
            pass
    return (1, 0.0, _natural(value))


def value_label(attribute, value) -> str:
    if value is NOT_RECORDED:
        return _("Not recorded")
    if attribute.type == AttributeType.BOOLEAN:
        return {"true": _("Yes"), "false": _("No")}.get(value, value)
    return value


def _values(attribute, people) -> list:
    seen = {p.attributes.get(attribute.name, "") for p in people}
    values = sorted((v for v in seen if v), key=lambda v: _value_key(attribute, v))
    if "" in seen:
        values.append(NOT_RECORDED)
    return values


def _value_of(participant, attribute):
    return participant.attributes.get(attribute.name, "") or NOT_RECORDED


def _attribute_map(study, include_special) -> dict:
    return {a.name: a for a in selectors.attributes(study, include_special=include_special)}


def _check_attribute(known: dict, name: str):
    if name not in known:
        raise ValidationError(
            _("The study has no attribute called “%(name)s” that you can see.") % {"name": name}
        )
    return known[name]


def table1(study, *, by, split=None, rounding=LARGEST_REMAINDER, include_special=False) -> dict:
    """Participants as n (%) by each attribute in `by`, a column per value of `split` (if any)
    and a total column."""
    if rounding not in ROUNDING:
        raise ValidationError(_("Choose how to round percentages."))
    known = _attribute_map(study, include_special)
    attributes = [_check_attribute(known, name) for name in by]
    if not attributes:
        raise ValidationError(_("Choose at least one characteristic."))
    split_attribute = _check_attribute(known, split) if split else None
    people = selectors.participants(study)
    columns = []
    if split_attribute is not None:
        for value in _values(split_attribute, people):
            members = [p for p in people if _value_of(p, split_attribute) == value]
            columns.append({"label": value_label(split_attribute, value), "people": members})
    columns.append({"label": _("Total"), "people": people, "total": True})
    sections = []
    for attribute in attributes:
        values = _values(attribute, people)
        per_column = []
        for column in columns:
            counts = [
                sum(1 for p in column["people"] if _value_of(p, attribute) == value)
                for value in values
            ]
            per_column.append(list(zip(counts, round_percentages(counts, rounding), strict=True)))
        rows = [
            {
                "label": value_label(attribute, value),
                "not_recorded": value is NOT_RECORDED,
                "cells": [per_column[c][r] for c in range(len(columns))],
            }
            for r, value in enumerate(values)
        ]
        sections.append({"attribute": attribute, "label": attribute.label, "rows": rows})
    out_columns = [
        {"label": c["label"], "n": len(c["people"]), "total": c.get("total", False)}
        for c in columns
    ]
    summary = _(
        "Characteristics of the %(count)s participants in %(title)s: number of participants "
        "and percentage of each column for %(by)s."
    ) % {
        "count": len(people),
        "title": study.title,
        "by": ", ".join(a.label.lower() for a in attributes),
    }
    if split_attribute is not None:
        summary += " " + _("Columns split them by %(split)s.") % {
            "split": split_attribute.label.lower()
        }
    return {
        "title": _("Table 1: participant characteristics"),
        "columns": out_columns,
        "sections": sections,
        "split": split_attribute,
        "rounding": rounding,
        "participants": len(people),
        "summary": summary,
    }


def _n_pct(n, pct) -> str:
    return f"{n} ({pct})" if pct is not None else str(n)


def table1_tabular(table: dict, *, combined: bool) -> tuple[list, list]:
    """Header and rows: "n (%)" cells as in the paper (`combined`), or n and % in columns of
    their own for spreadsheets."""
    header = [_("Characteristic"), _("Value")]
    for column in table["columns"]:
        label = f"{column['label']} (n = {column['n']})"
        header += [label] if combined else [f"{label} n", f"{label} %"]
    rows = []
    for section in table["sections"]:
        for row in section["rows"]:
            line = [section["label"], row["label"]]
            for n, pct in row["cells"]:
                line += [_n_pct(n, pct)] if combined else [n, "" if pct is None else pct]
            rows.append(line)
    return header, rows


# Quotes and their attribution ----------------------------------------------------------------


def descriptor(template: str, attributes: dict, *, hidden=()) -> str:
    """`template` ("{setting} clinician, {role}") filled from a participant's attributes.
    Missing (or hidden) attributes drop out with the commas around them, so no braces, doubled
    commas or dangling separators are left: "clinician, GP" when the setting is not recorded."""

    def fill(match):
        name = match.group(1)
        return "" if name in hidden else str(attributes.get(name, "") or "").strip()

    text = PLACEHOLDER.sub(fill, template or "")
    text = text.replace("{", "").replace("}", "")
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,;])", r"\1", text)
    text = re.sub(r"([,;])(?:\s*[,;])+", r"\1", text)
    return text.strip(" ,;:/")


@dataclass
class Quote:
    text: str
    attribution: str
    participant: str
    source: str
    source_id: int
    start: int
    end: int
    codes: list = field(default_factory=list)
    polarities: list = field(default_factory=list)

    def __str__(self) -> str:
        return f"“{self.text}” ({self.attribution})" if self.attribution else f"“{self.text}”"


class _Context:
    """The rows every output needs, read once: codings (no suggestions), who said each, the
    sources' text and the participants."""

    def __init__(self, study, *, hidden=()):
        self.study = study
        self.hidden = set(hidden)
        self.codings = selectors.codings(study)
        self.who = selectors.coding_participants(self.codings)
        self.sources = selectors.sources(study, {c.source_id for c in self.codings})
        self.people = {p.pk: p for p in selectors.participants(study)}
        self.position = {c.pk: i for i, c in enumerate(self.codings)}

    def attribution(self, participant_id) -> str:
        person = self.people.get(participant_id)
        if person is None:
            return ""
        return (
            descriptor(self.study.descriptor_template, person.attributes, hidden=self.hidden)
            or person.identifier
        )

    def quotes(self, codings) -> list[Quote]:
        """One quote per distinct span, in transcript order, with every code applied to it."""
        spans = {}
        for coding in codings:
            key = (coding.source_id, coding.start, coding.end)
            quote = spans.get(key)
            if quote is None:
                source = self.sources[coding.source_id]
                participant = self.people.get(self.who.get(coding.pk))
                quote = spans[key] = Quote(
                    text=" ".join(source.text[coding.start : coding.end].split()),
                    attribution=self.attribution(participant.pk if participant else None),
                    participant=participant.identifier if participant else "",
                    source=source.name,
                    source_id=source.pk,
                    start=coding.start,
                    end=coding.end,
                )
            if coding.code.name not in quote.codes:
                quote.codes.append(coding.code.name)
            if coding.polarity not in quote.polarities:
                quote.polarities.append(coding.polarity)
        return sorted(spans.values(), key=lambda q: (q.source, q.source_id, q.start, q.end))


def quotes(
    study, *, code=None, theme=None, polarity="", participant=None, hidden=()
) -> list[Quote]:
    """Attributed quotes, filtered by code, theme (any of its codes), polarity and speaker."""
    context = _Context(study, hidden=hidden)
    rows = context.codings
    if code is not None:
        rows = [c for c in rows if c.code_id == code.pk]
    if theme is not None:
        ids = {c.pk for c in theme.codes.all()}
        rows = [c for c in rows if c.code_id in ids]
    if polarity:
        rows = [c for c in rows if c.polarity == polarity]
    if participant is not None:
        rows = [c for c in rows if context.who.get(c.pk) == participant.pk]
    return context.quotes(rows)


def quotes_tabular(rows: list[Quote]) -> tuple[list, list]:
    header = [
        _("Quote"),
        _("Attribution"),
        _("Participant"),
        _("Source"),
        _("Codes"),
        _("Barrier or facilitator"),
    ]
    labels = dict(Polarity.choices)
    return header, [
        [
            q.text,
            q.attribution,
            q.participant,
            q.source,
            "; ".join(q.codes),
            "; ".join(str(labels.get(p, p)) for p in q.polarities),
        ]
        for q in rows
    ]


# Table 3: barriers and facilitators ----------------------------------------------------------


def _item(context, name, codings, exemplars, *, theme=None, code=None) -> dict:
    participants = {context.who.get(c.pk) for c in codings} - {None}
    quotes_all = context.quotes(codings)
    # Prefer exemplars from different people, then fill up in transcript order.
    chosen, people = [], set()
    for q in quotes_all:
        if len(chosen) < exemplars and q.participant and q.participant not in people:
            chosen.append(q)
            people.add(q.participant)
    for q in quotes_all:
        if len(chosen) < exemplars and q not in chosen:
            chosen.append(q)
    chosen.sort(key=quotes_all.index)
    return {
        "name": name,
        "theme": theme,
        "code": code,
        "participants": len(participants),
        "sources": len({c.source_id for c in codings}),
        "quotes": chosen,
    }


def barriers(study, *, exemplars: int = 2, hidden=()) -> dict:
    """For each COM-B sub-component, in comb.yaml's order: the themes classified under it, or
    (when none is) its codes split by the polarity of their codings."""
    context = _Context(study, hidden=hidden)
    by_code = defaultdict(list)
    for coding in context.codings:
        by_code[coding.code_id].append(coding)
    themes = selectors.themes(study)
    codes = selectors.codes(study)
    components = []
    for component in frameworks.comb()["components"]:
        key = component["key"]
        found = {"barriers": [], "facilitators": []}
        classified = [t for t in themes if t.comb == key and t.classification]
        for t in classified:
            evidence = [c for code in t.codes.all() for c in by_code[code.pk]]
            evidence.sort(key=lambda c: context.position[c.pk])
            if t.classification == Classification.BOTH:
                # A theme that is both: each side counts the codings marked that way.
                for side, polarity in (
                    ("barriers", Polarity.BARRIER),
                    ("facilitators", Polarity.FACILITATOR),
                ):
                    side_rows = [c for c in evidence if c.polarity == polarity]
                    found[side].append(_item(context, t.name, side_rows, exemplars, theme=t))
            else:
                side = "barriers" if t.classification == Classification.BARRIER else "facilitators"
                found[side].append(_item(context, t.name, evidence, exemplars, theme=t))
        if not classified:
            for code in codes:
                if code.comb != key:
                    continue
                for side, polarity in (
                    ("barriers", Polarity.BARRIER),
                    ("facilitators", Polarity.FACILITATOR),
                ):
                    side_rows = [c for c in by_code[code.pk] if c.polarity == polarity]
                    if side_rows:
                        found[side].append(
                            _item(context, code.name, side_rows, exemplars, code=code)
                        )
        components.append(
            {
                "key": key,
                "name": frameworks.localised(component),
                "from_themes": bool(classified),
                **found,
            }
        )
    counted = sum(len(c["barriers"]) + len(c["facilitators"]) for c in components)
    return {
        "title": _("Table 3: barriers and facilitators"),
        "components": components,
        "summary": _(
            "Barriers and facilitators in %(title)s (%(count)s in all), under the six parts of "
            "COM-B, each with how many participants and sources mention it."
        )
        % {"count": counted, "title": study.title},
    }


def barriers_tabular(table: dict) -> tuple[list, list]:
    header = [
        _("COM-B sub-component"),
        _("Barrier or facilitator"),
        _("Theme or code"),
        _("Participants"),
        _("Sources"),
        _("Example quotes"),
    ]
    rows = []
    for component in table["components"]:
        for side, label in (("barriers", _("Barrier")), ("facilitators", _("Facilitator"))):
            for item in component[side]:
                rows.append(
                    [
                        component["name"],
                        label,
                        item["name"],
                        item["participants"],
                        item["sources"],
                        "\n".join(str(q) for q in item["quotes"]),
                    ]
                )
    return header, rows


# Framework matrix ----------------------------------------------------------------------------


def matrix(study, *, filters=None, hidden=()) -> dict:
    """Participants (rows, optionally only those with the given attribute values) by themes
    (columns): the cell's written summary and the quotes from that person coded to the theme."""
    context = _Context(study, hidden=hidden)
    filters = {k: v for k, v in (filters or {}).items() if v and k not in hidden}
    people = [
        p
        for p in context.people.values()
        if all(p.attributes.get(k, "") == v for k, v in filters.items())
    ]
    themes = selectors.themes(study)
    cells = selectors.matrix_cells(study)
    spans = defaultdict(set)
    for coding in context.codings:
        participant = context.who.get(coding.pk)
        if participant is not None:
            spans[(coding.code_id, participant)].add((coding.source_id, coding.start, coding.end))
    rows = []
    for person in people:
        row = []
        for t in themes:
            quoted = set().union(*(spans.get((c.pk, person.pk), set()) for c in t.codes.all()))
            cell = cells.get((t.pk, person.pk))
            row.append({"theme": t, "summary": cell.summary if cell else "", "quotes": len(quoted)})
        rows.append({"participant": person, "cells": row})
    return {
        "title": _("Framework matrix"),
        "themes": themes,
        "rows": rows,
        "summary": _(
            "Participants (rows, %(people)s in all) by themes (columns, %(themes)s in all): each "
            "cell holds a summary of what that person said about the theme and how many quotes "
            "support it."
        )
        % {"people": len(people), "themes": len(themes)},
    }


def matrix_tabular(table: dict) -> tuple[list, list]:
    header = [_("Participant")]
    for t in table["themes"]:
        header += [t.name, _("Quotes: %(theme)s") % {"theme": t.name}]
    rows = []
    for row in table["rows"]:
        line = [row["participant"].identifier]
        for cell in row["cells"]:
            line += [cell["summary"], cell["quotes"]]
        rows.append(line)
    return header, rows


# Behaviour Change Wheel ----------------------------------------------------------------------


def functions_for(comb: str, variant: str) -> list[str]:
    """The intervention functions the Behaviour Change Wheel links to a COM-B sub-component."""
    return list(frameworks.bcw()["variants"][variant].get(comb, []))


def function_names() -> dict[str, str]:
    return {f["key"]: frameworks.localised(f) for f in frameworks.bcw()["functions"]}


def recommendations(study, *, variant=None) -> dict:
    """For every barrier theme, the recommended intervention functions (and any judged earlier
    that this variant does not recommend), each with the team's saved APEASE notes."""
    variant = variant or study.bcw_variant
    data = frameworks.bcw()
    if variant not in data["variants"]:
        raise ValidationError(_("Choose the 2011 or 2014 Behaviour Change Wheel."))
    functions = {f["key"]: f for f in data["functions"]}
    order = list(functions)
    saved = selectors.candidates(study)
    themes = []
    for t in selectors.themes(study):
        if t.classification not in (Classification.BARRIER, Classification.BOTH):
            continue
        keys = functions_for(t.comb, variant) if t.comb else []
        earlier = sorted(
            (f for (theme_id, f) in saved if theme_id == t.pk and f not in keys),
            key=lambda f: order.index(f) if f in order else len(order),
        )
        themes.append(
            {
                "theme": t,
                "comb": t.comb,
                "comb_name": frameworks.comb_name(t.comb) if t.comb else "",
                "candidates": [
                    {
                        "function": key,
                        "name": frameworks.localised(functions[key]) if key in functions else key,
                        "definition": frameworks.localised(functions[key], "definition")
                        if key in functions
                        else "",
                        "recommended": key in keys,
                        "saved": saved.get((t.pk, key)),
                    }
                    for key in [*keys, *earlier]
                ],
            }
        )
    return {
        "title": _("Recommended interventions"),
        "variant": variant,
        "themes": themes,
        "apease": [(a["key"], frameworks.localised(a)) for a in data["apease"]],
        "summary": _(
            "For each barrier theme (%(count)s in all), the intervention functions the "
            "Behaviour Change Wheel (%(variant)s) links to its COM-B sub-component, with the "
            "team's APEASE judgement."
        )
        % {"count": len(themes), "variant": variant},
    }


def interventions_tabular(table: dict) -> tuple[list, list]:
    header = (
        [_("Barrier theme"), _("COM-B sub-component"), _("Intervention function"), _("Recommended")]
        + [name for _key, name in table["apease"]]
        + [_("Note"), _("Take forward")]
    )
    rows = []
    for entry in table["themes"]:
        for c in entry["candidates"]:
            saved = c["saved"]
            apease = saved.apease if saved else {}
            rows.append(
                [
                    entry["theme"].name,
                    entry["comb_name"],
                    c["name"],
                    _("Yes") if c["recommended"] else _("No"),
                ]
                + [apease.get(key, "") for key, _name in table["apease"]]
                + [saved.note if saved else "", _("Yes") if saved and saved.selected else _("No")]
            )
    return header, rows


def input_text(candidate) -> str:
    """What a chosen intervention says in the project's "you said, we did" log."""
    theme = candidate.theme
    name = function_names().get(candidate.function, candidate.function)
    text = _("Barrier: %(theme)s. Suggested intervention: %(function)s.") % {
        "theme": theme.name,
        "function": name,
    }
    if theme.comb:
        text = _("Barrier: %(theme)s (%(component)s). Suggested intervention: %(function)s.") % {
            "theme": theme.name,
            "component": frameworks.comb_name(theme.comb),
            "function": name,
        }
    return f"{text} {candidate.note}".strip()


@transaction.atomic
def send_to_project(*, by, study) -> list:
    """Turn the candidates marked "take forward" into inputs on the study's project, through the
    reports app's own action (which validates and audits). One already sent is not sent again.
    Kept beside the outputs rather than in actions/ because it writes nothing of insight's own."""
    from coproduce.reports import actions as reports_actions
    from coproduce.reports.models import SourceKind

    if study.project is None:
        raise ValidationError(_("Link the study to a project first."))
    chosen = selectors.selected_candidates(study)
    if not chosen:
        raise ValidationError(_("Mark at least one intervention to take forward first."))
    existing = selectors.project_input_texts(study.project)
    made = []
    for candidate in chosen:
        text = input_text(candidate)
        if text in existing:
            continue
        made.append(
            reports_actions.record_input(
                by=by,
                project=study.project,
                text=text,
                source=SourceKind.OTHER,
                contributor_label=(_("Insight study: %(title)s") % {"title": study.title})[:200],
            )
        )
        existing.add(text)
    return made


# Agreement between coders --------------------------------------------------------------------

SENTENCE = re.compile(r"\S.*?(?:[.!?]+[\"'”’)\]]*(?=\s|$)|(?=\n)|$)", re.S)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences: up to . ! or ? followed by a space, or to the end of a line."""
    return [(m.start(), m.end()) for m in SENTENCE.finditer(text) if m.group().strip()]


def _line_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]


def _turn_label(turn) -> str:
    if turn.speaker:
        return _("Turn %(n)s (%(speaker)s)") % {"n": turn.index + 1, "speaker": turn.speaker}
    return _("Turn %(n)s") % {"n": turn.index + 1}


def unit_spans(source, unit: str, turns=()) -> list[tuple[int, int, str]]:
    """(start, end, label) of every unit of a source. Sources without speaker turns fall back to
    their lines, which is how untagged transcripts separate speakers."""
    text = source.text
    if unit == "character":
        return [(i, i + 1, "") for i in range(len(text))]
    if unit == "sentence":
        return [
            (s, e, _("Sentence %(n)s") % {"n": i + 1})
            for i, (s, e) in enumerate(sentence_spans(text))
        ]
    if unit == "turn":
        if turns:
            return [(t.start, t.end, _turn_label(t)) for t in turns]
        return [
            (s, e, _("Line %(n)s") % {"n": i + 1}) for i, (s, e) in enumerate(_line_spans(text))
        ]
    raise ValidationError(_("Choose a unit: character, sentence or speaker turn."))


def _unit_values(study, unit, coders):
    """[(source, start, end, label, {coder id: frozenset(code ids) or None})] for every unit of
    every source that any of `coders` coded."""
    from bisect import bisect_left

    codings = selectors.codings(study, coders=coders)
    by_source = defaultdict(list)
    for coding in codings:
        by_source[coding.source_id].append(coding)
    sources = selectors.sources(study, by_source)
    turns = selectors.turns_by_source(by_source) if unit == "turn" else {}
    out = []
    for source in sorted(sources.values(), key=lambda s: (s.name, s.pk)):
        rows = by_source[source.pk]
        worked = {c.coder_id for c in rows}
        spans = unit_spans(source, unit, turns.get(source.pk, ()))
        # Only units somebody coded get a mark (a transcript has far more characters than codings).
        marks = defaultdict(lambda: defaultdict(set))
        ends = [e for _s, e, _l in spans]
        for coding in rows:
            # Every unit the coding overlaps: from the first ending after its start.
            i = bisect_left(ends, coding.start + 1)
            while i < len(spans) and spans[i][0] < coding.end:
                marks[i][coding.coder_id].add(coding.code_id)
                i += 1
        empty = frozenset()
        for i, (start, end, label) in enumerate(spans):
            mark = marks.get(i, {})
            values = {
                coder.pk: (frozenset(mark.get(coder.pk, empty)) if coder.pk in worked else None)
                for coder in coders
            }
            out.append((source, start, end, label, values))
    return out, codings


def _round(value):
    return None if value is None else round(value, 3)


def agreement(study, *, unit="turn", coders=None, include_suggestions=False) -> dict:
    """Cohen's kappa for each pair of coders and Krippendorff's alpha over all of them, for each
    code and overall, with each unit of text judged present or absent for each code."""
    if unit not in UNITS:
        raise ValidationError(_("Choose a unit: character, sentence or speaker turn."))
    if coders is None:
        coders = selectors.coders(study, include_suggestions=include_suggestions)
    coders = list(coders)
    units, codings = _unit_values(study, unit, coders) if len(coders) >= 2 else ([], [])
    used = {c.code_id for c in codings}
    codes = [c for c in selectors.codes(study) if c.pk in used]
    pairs = list(combinations(coders, 2))

    def present(values, coder, code):
        v = values[coder.pk]
        return None if v is None else code.pk in v

    per_code = []
    pooled = {pair: ([], []) for pair in pairs}
    pooled_units = []
    for code in codes:
        kappas = []
        for a, b in pairs:
            first = [present(u[4], a, code) for u in units]
            second = [present(u[4], b, code) for u in units]
            pooled[(a, b)][0].extend(first)
            pooled[(a, b)][1].extend(second)
            kappas.append(_round(cohen_kappa(first, second, categories=[False, True])))
        code_units = [[present(u[4], coder, code) for coder in coders] for u in units]
        pooled_units.extend(code_units)
        per_code.append(
            {"code": code, "alpha": _round(krippendorff_alpha(code_units)), "kappas": kappas}
        )
    overall = {
        "alpha": _round(krippendorff_alpha(pooled_units)) if pooled_units else None,
        "kappas": [
            _round(cohen_kappa(*pooled[pair], categories=[False, True])) if codes else None
            for pair in pairs
        ],
    }
    compared = sum(1 for u in units if sum(v is not None for v in u[4].values()) >= 2)
    return {
        "title": _("Agreement between coders"),
        "unit": unit,
        "coders": coders,
        "pairs": pairs,
        "codes": per_code,
        "overall": overall,
        "units": compared,
        "disagreements": _disagreements(
            units, coders, unit, {c.pk: c.name for c in selectors.codes(study)}
        ),
        "summary": _(
            "Agreement between %(coders)s coders over %(units)s units of text that at least two "
            "of them coded, for each of %(codes)s codes and overall: Cohen's kappa for each pair "
            "and Krippendorff's alpha for all. 1 is perfect agreement and 0 is no better than "
            "chance."
        )
        % {"coders": len(coders), "units": compared, "codes": len(codes)},
    }


def _disagreements(units, coders, unit, names) -> list[dict]:
    """Units where the coders who worked on the source chose different codes. Runs of adjacent
    characters with the same disagreement are joined into one passage."""
    out = []
    for source, start, end, label, values in units:
        judged = {k: v for k, v in values.items() if v is not None}
        if len(judged) < 2 or len(set(judged.values())) == 1:
            continue
        last = out[-1] if out else None
        if (
            unit == "character"
            and last
            and last["source"] == source
            and last["end"] == start
            and last["values"] == values
        ):
            last["end"] = end
            continue
        out.append({"source": source, "start": start, "end": end, "label": label, "values": values})
    for row in out:
        row["text"] = row["source"].text[row["start"] : row["end"]].strip()
        if unit == "character":
            row["label"] = _("Characters %(start)s to %(end)s") % {
                "start": row["start"] + 1,
                "end": row["end"],
            }
        row["coders"] = [
            (
                coder,
                None
                if row["values"][coder.pk] is None
                else sorted(names[i] for i in row["values"][coder.pk]),
            )
            for coder in coders
        ]
    return out


def agreement_tabular(table: dict) -> tuple[list, list]:
    header = [_("Code"), _("Krippendorff's alpha")] + [
        _("Cohen's kappa: %(a)s and %(b)s") % {"a": a.name, "b": b.name} for a, b in table["pairs"]
    ]

    def show(value):
        return "" if value is None else value

    rows = [
        [row["code"].name, show(row["alpha"]), *map(show, row["kappas"])] for row in table["codes"]
    ]
    rows.append(
        [_("All codes"), show(table["overall"]["alpha"]), *map(show, table["overall"]["kappas"])]
    )
    return header, rows


# Files ---------------------------------------------------------------------------------------


def write_csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_xlsx(header, rows, *, sheet: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    page = book.active
    # Sheet names are at most 31 characters and may not hold []:*?/\
    page.title = re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31] or "Sheet"
    page.append(neutralise_row(header))
    for cell in page[1]:
        cell.font = Font(bold=True)
    for row in rows:
        page.append(neutralise_row(row))
    page.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_docx(header, rows, *, study, title: str, summary: str, on=None) -> bytes:
    """A Word document: the study title, the output's title and date, a plain-language summary,
    and the table with a header row that repeats on every page."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    on = on or timezone.localdate()
    document = Document()
    document.add_heading(study.title, level=0)
    document.add_heading(title, level=1)
    document.add_paragraph(_("Produced on %(date)s.") % {"date": on.isoformat()})
    document.add_paragraph(summary)
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(str(text)).bold = True
    properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_markdown(header, rows) -> str:
    def cell(value):
        return ("" if value is None else str(value)).replace("|", "\\|").replace("\n", "<br>")

    lines = [
        "| " + " | ".join(cell(h) for h in header) + " |",
        "|" + "|".join("---" for _h in header) + "|",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


# Command line --------------------------------------------------------------------------------


def _cli_study(slug):
    study = selectors.study_by_slug(slug)
    if study is None:
        raise ValidationError(_("There is no study called “%(slug)s”.") % {"slug": slug})
    return study


def cli_table1(args, *, out) -> int:
    """`coproduce insight table1 SLUG --by ATTR [--split ATTR]`: the command line runs with the
    operator's full access, so special-category attributes may be asked for by name."""
    study = _cli_study(args.slug)
    table = table1(
        study,
        by=args.by,
        split=args.split,
        rounding=getattr(args, "rounding", LARGEST_REMAINDER),
        include_special=True,
    )
    if args.format == "csv":
        header, rows = table1_tabular(table, combined=False)
        out.write(write_csv(header, rows).decode("utf-8"))
    else:
        header, rows = table1_tabular(table, combined=True)
        out.write(f"{table['title']}\n\n{write_markdown(header, rows)}")
    return 0


def cli_barriers(args, *, out) -> int:
    study = _cli_study(args.slug)
    header, rows = barriers_tabular(barriers(study))
    if args.format == "csv":
        out.write(write_csv(header, rows).decode("utf-8"))
    else:
        out.write(write_markdown(header, rows))
    return 0


def cli_agreement(args, *, out) -> int:
    study = _cli_study(args.slug)
    table = agreement(study, unit=args.unit)
    header, rows = agreement_tabular(table)
    if getattr(args, "format", "md") == "json":
        out.write(
            json.dumps(
                {"unit": table["unit"], "units": table["units"], "header": header, "rows": rows},
                ensure_ascii=False,
                indent=2,
            )
        )
        out.write("\n")
    else:
        out.write(write_markdown(header, rows))
    return 0


def export_filename(study, name: str, extension: str) -> str:
    return f"{study.slug}-{name}-{timezone.localdate().isoformat()}.{extension}"
