"""What the decisions app holds about a person, for their export."""

from .models import Decision, Position


def export_for(person) -> dict:
    return {
        "proposals": [
            {
                "project": d.project.title,
                "title": d.title,
                "proposal": d.proposal,
                "perspective": d.proposer_perspective,
                "proposed_at": d.created_at.isoformat(),
                "outcome": d.outcome,
            }
            for d in Decision.objects.filter(proposer=person).select_related("project")
        ],
        "positions": [
            {
                "project": p.decision.project.title,
                "decision": p.decision.title,
                "stance": p.stance,
                "comment": p.comment,
                "updated_at": p.updated_at.isoformat(),
            }
            for p in Position.objects.filter(person=person).select_related("decision__project")
        ],
    }
