"""What the consultations app holds about a person, for their export: their roles in
consultation teams and the ratings they gave as an observer. Patients' answers are anonymous
and belong to no one, so they never appear in anyone's export."""

from .models import Observation, TeamMember


def export_for(person) -> dict:
    return {
        "consultation_teams": [
            {"team": m.team.name, "organisation": m.team.organisation.name, "role": m.role}
            for m in TeamMember.objects.filter(person=person).select_related("team__organisation")
        ],
        "consultation_ratings_given": [
            {
                "consultation": o.consultation.reference,
                "date": o.consultation.occurred_on.isoformat(),
                "instrument": o.consultation.instrument,
                "ratings": o.ratings,
                "notes": o.notes,
            }
            for o in Observation.objects.filter(rater=person).select_related("consultation")
        ],
    }
