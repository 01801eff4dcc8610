"""A study's outputs (docs/domain.md §8, step 5), computed from its data: Table 1 (participant
characteristics), Table 3 (barriers and facilitators by COM-B sub-component), the framework
matrix, attributed quotes and Behaviour Change Wheel recommendations (agreement between coders is
in agreement.py, the files in files.py).

Everything here is a pure computation over rows read by coproduce.insight.outputs.selectors,
shared by the pages (outputs/views.py), their CSV/XLSX/DOCX exports and the command line
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

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from coproduce.core.forms import lower_first

from .. import frameworks
from ..models import AttributeType, Classification, Polarity
from . import selectors

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
    """The attribute asked for by its internal name or by the label people see ("Health
    board"), either in any case; an error lists the choices."""
    wanted = (name or "").strip().casefold()
    for attribute in known.values():
        if wanted in (attribute.name.casefold(), attribute.label.strip().casefold()):
            return attribute
    choices = ", ".join(f"{a.label} ({a.name})" for a in known.values()) or _("none")
    message = _("The study has no attribute called “%(name)s” that you can see.") % {"name": name}
    raise ValidationError(f"{message} " + _("Choose one of: %(choices)s.") % {"choices": choices})


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
        # Only the first letter is lowered: "Deprivation quintile (WIMD)" keeps its capitals.
        "by": ", ".join(lower_first(a.label) for a in attributes),
    }
    if split_attribute is not None:
        summary += " " + _("Columns split them by %(split)s.") % {
            "split": lower_first(split_attribute.label)
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
        # The study's title often begins "Barriers and facilitators to ...": not repeated here.
        "summary": _(
            "The barriers and facilitators found (%(count)s in all), under the six parts of "
            "COM-B, each with how many participants and sources mention it."
        )
        % {"count": counted},
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
