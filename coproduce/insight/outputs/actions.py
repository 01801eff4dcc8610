"""Writes about a study's outputs that reach beyond it: chosen interventions sent to the
study's project."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.core import audit

from .. import analysis
from . import selectors

__all__ = ["send_to_project"]


@transaction.atomic
def send_to_project(*, by, study) -> list:
    """Turn the candidates marked "take forward" into inputs on the study's project, through the
    reports app's own action (which validates and audits the input). A candidate remembers the
    input it became (`sent_input`), so it is sent once, whatever the language of its wording
    then and now. Returns the inputs made."""
    from coproduce.reports import actions as reports_actions
    from coproduce.reports.models import SourceKind

    if study.project is None:
        raise ValidationError(_("Link the study to a project first."))
    chosen = selectors.selected_candidates(study)
    if not chosen:
        raise ValidationError(_("Mark at least one intervention to take forward first."))
    made = []
    for candidate in selectors.unsent_candidates(study):
        candidate.sent_input = reports_actions.record_input(
            by=by,
            project=study.project,
            text=analysis.input_text(candidate),
            source=SourceKind.OTHER,
            contributor_label=(_("Insight study: %(title)s") % {"title": study.title})[:200],
        )
        candidate.save(update_fields=["sent_input"])
        made.append(candidate.sent_input)
    if made:
        audit.record(
            by=by,
            action="study.send_to_project",
            obj=study,
            changes={"project": study.project_id, "inputs": [i.pk for i in made]},
        )
    return made
