"""Reads about a study's sources, their speakers, and candidates for pseudonymisation."""

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from .. import pseudonymise
from ..models import Coding, MatrixCell, Memo, Participant, PseudonymEntry, Source, Turn
from .studies import _count


def source_list(study) -> QuerySet[Source]:
    return (
        Source.objects.filter(study=study)
        .defer("text")
        .annotate(
            n_turns=_count(Turn.objects.all(), "source"),
            n_codings=_count(Coding.objects.all(), "source"),
        )
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.only("pk", "identifier"))
        )
        .order_by("name", "pk")
    )


def speakers(source) -> list[dict]:
    """Each distinct speaker label of a source, its number of turns and who it is now."""
    rows = (
        source.turns.exclude(speaker="")
        .values("speaker", "participant")
        .annotate(n=Count("pk"))
        .order_by("speaker")
    )
    found: dict[str, dict] = {}
    for row in rows:
        entry = found.setdefault(
            row["speaker"], {"speaker": row["speaker"], "turns": 0, "participant": None}
        )
        entry["turns"] += row["n"]
        if row["participant"] is not None:
            entry["participant"] = row["participant"]
    return list(found.values())


def pseudonym_candidates(study) -> list:
    texts = list(Source.objects.filter(study=study).order_by("name").values_list("name", "text"))
    # Memos and matrix summaries are where the team writes about participants, so names turn up
    # there too. Sources come first, so a name's example is from a transcript when it has one.
    memo, cell = _("Memo"), _("Framework matrix")
    texts += [
        (memo, t)
        for t in Memo.objects.filter(study=study).order_by("pk").values_list("text", flat=True)
    ]
    texts += [
        (cell, t)
        for t in MatrixCell.objects.filter(theme__study=study)
        .order_by("pk")
        .values_list("summary", flat=True)
    ]
    labels = set(
        Turn.objects.filter(source__study=study)
        .exclude(speaker="")
        .values_list("speaker", flat=True)
    )
    for row in Participant.objects.filter(study=study).values_list("speaker_labels", flat=True):
        labels.update(row)
    existing = {}
    for kind in PseudonymEntry.objects.filter(study=study).values_list("kind", flat=True):
        existing[kind] = existing.get(kind, 0) + 1
    return pseudonymise.find(texts, sorted(labels), existing)


def pseudonym_key(study) -> QuerySet[PseudonymEntry]:
    return PseudonymEntry.objects.filter(study=study).order_by("original")
