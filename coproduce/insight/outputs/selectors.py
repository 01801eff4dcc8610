"""Reads behind a study's outputs (Table 1, Table 3, the framework matrix, quotes, interventions
and coder agreement). Each returns plain rows or dicts so tables.py, interventions.py and
agreement.py can stay pure computations over them."""

from bisect import bisect_right
from collections import defaultdict

from django.db.models import Count

from ..models import (
    Attribute,
    Code,
    Coder,
    Coding,
    InterventionCandidate,
    MatrixCell,
    Participant,
    Source,
    Study,
    Theme,
    Turn,
)


def study_by_slug(slug: str) -> Study | None:
    return Study.objects.select_related("organisation", "project").filter(slug=slug).first()


def attributes(study, *, include_special: bool) -> list[Attribute]:
    rows = study.attributes.all()
    if not include_special:
        rows = rows.filter(special_category=False)
    return list(rows)


def participants(study) -> list[Participant]:
    return list(study.participants.order_by("identifier", "pk"))


def themes(study) -> list[Theme]:
    """Every theme and subtheme in the study's order, with its codes loaded."""
    return list(study.themes.prefetch_related("codes").order_by("order", "name", "pk"))


def codes(study) -> list[Code]:
    return list(study.codes.order_by("order", "name", "pk"))


def coders(study, *, include_suggestions: bool = False) -> list[Coder]:
    """Coders who made at least one coding in the study."""
    rows = study.coders.annotate(n=Count("codings")).filter(n__gt=0)
    if not include_suggestions:
        rows = rows.filter(is_suggestion=False)
    return list(rows.order_by("name", "pk"))


def codings(study, *, coders=None, include_suggestions: bool = False) -> list[Coding]:
    """The study's codings (without the source text: see `source_texts`), suggestion-engine
    codings left out unless asked for, since they are not anyone's judgement."""
    rows = Coding.objects.filter(source__study=study).select_related("code", "coder")
    if coders is not None:
        rows = rows.filter(coder__in=list(coders))
    elif not include_suggestions:
        rows = rows.filter(coder__is_suggestion=False)
    return list(rows.order_by("source__name", "source_id", "start", "end", "pk"))


def sources(study, ids=None) -> dict[int, Source]:
    """{source id: source} with the text loaded once per source, not once per coding."""
    rows = study.sources.all()
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return {s.pk: s for s in rows}


def turns_by_source(source_ids) -> dict[int, list[Turn]]:
    out = defaultdict(list)
    for turn in Turn.objects.filter(source_id__in=list(source_ids)).order_by("source", "start"):
        out[turn.source_id].append(turn)
    return dict(out)


def sole_participants(source_ids) -> dict[int, int]:
    """{source id: participant id} for sources linked to exactly one participant."""
    through = Source.participants.through
    links = defaultdict(list)
    for source_id, participant_id in through.objects.filter(
        source_id__in=list(source_ids)
    ).values_list("source_id", "participant_id"):
        links[source_id].append(participant_id)
    return {s: ps[0] for s, ps in links.items() if len(ps) == 1}


def coding_participants(codings) -> dict[int, int | None]:
    """{coding id: participant id}: whoever spoke the turn where the coding starts, else the
    source's only participant (an interview), else nobody (an unlinked focus-group speaker)."""
    source_ids = {c.source_id for c in codings}
    turns = turns_by_source(source_ids)
    starts = {s: [t.start for t in ts] for s, ts in turns.items()}
    sole = sole_participants(source_ids)
    out = {}
    for coding in codings:
        participant = None
        source_turns = turns.get(coding.source_id, [])
        i = bisect_right(starts.get(coding.source_id, []), coding.start) - 1
        if i >= 0 and source_turns[i].start <= coding.start < source_turns[i].end:
            participant = source_turns[i].participant_id
        if participant is None:
            participant = sole.get(coding.source_id)
        out[coding.pk] = participant
    return out


def matrix_cells(study) -> dict[tuple[int, int], MatrixCell]:
    return {
        (c.theme_id, c.participant_id): c for c in MatrixCell.objects.filter(theme__study=study)
    }


def candidates(study) -> dict[tuple[int, str], InterventionCandidate]:
    return {
        (c.theme_id, c.function): c
        for c in InterventionCandidate.objects.filter(theme__study=study)
    }


def selected_candidates(study) -> list[InterventionCandidate]:
    return list(
        InterventionCandidate.objects.filter(theme__study=study, selected=True)
        .select_related("theme", "sent_input")
        .order_by("theme__order", "theme__name", "theme_id", "function")
    )


def unsent_candidates(study) -> list[InterventionCandidate]:
    """The candidates marked "take forward" that are not yet an input on the study's project
    (one sent to another project, before the study was linked to this one, is sent again)."""
    return [
        c
        for c in selected_candidates(study)
        if c.sent_input_id is None or c.sent_input.project_id != study.project_id
    ]
