"""Agreement between coders: Cohen's kappa and Krippendorff's alpha per code and overall, over
characters, sentences or speaker turns, and where coders disagree.

A coder's judgement about a unit is "absent" for a code only in sources where that coder made at
least one coding (of any code); in sources they never coded they have no value (missing), so one
coder's unfinished work does not count as disagreement. Suggestion-engine coders are left out
unless asked for. "Overall" pools every (unit, code) decision.
"""

import re
from collections import defaultdict
from itertools import combinations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from coproduce.core.agreement import cohen_kappa, krippendorff_alpha

from . import selectors
from .tables import UNITS

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
