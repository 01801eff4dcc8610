"""Reads for the import and export page and the command line."""

from ..models import Coding, Study


def study_counts(study: Study) -> dict:
    """What a study holds, as an export would carry it: participants, sources, codes, codings."""
    return {
        "participants": study.participants.count(),
        "sources": study.sources.count(),
        "codes": study.codes.count(),
        "codings": Coding.objects.filter(source__study=study).count(),
    }
