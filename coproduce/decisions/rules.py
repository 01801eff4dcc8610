"""Permissions for decisions (loaded by rules' autodiscovery).

Every check is made on the decision's project, so the powers are exactly the project's: a
lived-experience co-chair and a staff co-chair pass the same predicates. Views may pass a
Project, a Decision or a Position.
"""

import rules

from coproduce.projects.models import Project
from coproduce.projects.rules import (
    can_manage,
    is_participant,
    is_project_member,
    manages_project_organisation,
)

from .models import Decision, Position


def _project(obj):
    if isinstance(obj, Project) or obj is None:
        return obj
    if isinstance(obj, Decision):
        return obj.project
    if isinstance(obj, Position):
        return obj.decision.project
    raise TypeError(f"no project for {type(obj).__name__}")


def on_project(predicate, name):
    @rules.predicate(name=name)
    def check(user, obj):
        return predicate.test(user, _project(obj))

    return check


# Observers see the discussion but take no position.
is_voting_member = is_participant


_view = on_project(is_project_member | manages_project_organisation, "decisions_view")

rules.add_perm("decisions.view_decision", _view)
rules.add_perm("decisions.propose_decision", _view)
rules.add_perm("decisions.take_position", on_project(is_voting_member, "decisions_take_position"))
rules.add_perm("decisions.manage_decision", on_project(can_manage, "decisions_manage"))
rules.add_perm("decisions.view_review", rules.is_authenticated)
