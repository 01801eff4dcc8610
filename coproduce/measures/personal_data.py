"""What the measures app holds about a person, for their export.

Readiness answers are linked to the person and exported in full. For pulses only the fact that
they responded is linked to them: their answers are stored unlinked (see PulseRespondent), so
there is nothing more to export, and the export must not re-link them.
"""

from .models import PulseRespondent, ReadinessAnswer


def export_for(person) -> dict:
    return {
        "readiness_answers": [
            {
                "project": a.response.round.project.title,
                "round_opened": a.response.round.opened_at.isoformat(),
                "criterion": a.criterion.label_en,
                "rating": a.rating,
                "comment": a.comment,
            }
            for a in ReadinessAnswer.objects.filter(response__person=person)
            .select_related("response__round__project", "criterion")
            .order_by("response__round__opened_at", "criterion__position")
        ],
        "pulses_responded": [
            {"project": r.pulse.project.title, "pulse_opened": r.pulse.opened_at.isoformat()}
            for r in PulseRespondent.objects.filter(person=person).select_related("pulse__project")
        ],
    }
