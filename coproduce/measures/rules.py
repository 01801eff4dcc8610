"""Permissions for the readiness check and the pulse (loaded by rules' autodiscovery).

Object-level checks take a Project. Powers follow the project's own permissions:

- open and close rounds and pulses: projects.manage_project (co-chairs of any perspective, and
  the leads and admins of the project's organisations);
- answer: current members and co-chairs. Observers do not answer: they watch the work rather than
  share in it, and their ratings would be read as members' judgements. Leads and admins answer
  only if they are members themselves;
- see results: projects.view_project. Results are aggregates; individual readiness answers are
  shown only to the member who gave them and to managers (see the templates).
"""

import rules

from coproduce.projects.rules import (
    PARTICIPATING_ROLES,
    can_manage,
    is_participant,
    is_project_member,
    manages_project_organisation,
)

ANSWERING_ROLES = PARTICIPATING_ROLES
is_answering_member = is_participant


rules.add_perm("measures.run_checks", can_manage)
rules.add_perm("measures.answer_checks", is_answering_member)
rules.add_perm("measures.view_results", is_project_member | manages_project_organisation)
