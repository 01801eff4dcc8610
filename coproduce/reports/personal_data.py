"""What the "you said, we did" log holds about a person, for their export."""

from .models import Action, Input


def export_for(person) -> dict:
    return {
        "you_said": [
            {
                "project": i.project.title,
                "said_on": i.said_on.isoformat(),
                "source": i.source,
                "text": i.text,
                "public": i.is_public,
            }
            for i in Input.objects.filter(contributor=person).select_related("project")
        ],
        "actions_owned": [
            {
                "project": a.input.project.title,
                "action": a.description,
                "due_on": a.due_on.isoformat() if a.due_on else None,
                "done_on": a.done_on.isoformat() if a.done_on else None,
            }
            for a in Action.objects.filter(owner=person).select_related("input__project")
        ],
    }
