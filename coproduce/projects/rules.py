"""Permissions for projects and meetings (loaded by rules' autodiscovery).

Object-level checks take a Project; meeting and paper views pass their project.
"""

import rules

from coproduce.people.roles import roles_for
from coproduce.people.rules import is_lead, is_org_admin

from .models import MemberRole, Membership


def _current_role(user, project) -> str | None:
    roles = roles_for(user)
    if project is None or roles.person_id is None:
        return None
    cache = user.__dict__.setdefault("_coproduce_project_roles", {})
    if project.pk not in cache:
        cache[project.pk] = (
            Membership.objects.filter(
                project_id=project.pk, person_id=roles.person_id, left_on__isnull=True
            )
            .values_list("role", flat=True)
            .first()
        )
    return cache[project.pk]


@rules.predicate
def is_project_member(user, project):
    return _current_role(user, project) is not None


# Co-chairs and members take part in decisions and checks; observers watch.
PARTICIPATING_ROLES = frozenset({MemberRole.CO_CHAIR, MemberRole.MEMBER})


@rules.predicate
def is_participant(user, project):
    return _current_role(user, project) in PARTICIPATING_ROLES


@rules.predicate
def is_co_chair(user, project):
    return _current_role(user, project) == MemberRole.CO_CHAIR


@rules.predicate
def manages_project_organisation(user, project):
    roles = roles_for(user)
    if roles.superuser:
        return True
    if project is None or not roles.managing_orgs:
        return False
    org_ids = {org.pk for org in project.organisations.all()}
    return bool(org_ids & roles.managing_orgs)


can_manage = is_co_chair | manages_project_organisation

rules.add_perm("projects.add_project", is_org_admin | is_lead)
rules.add_perm("projects.view_project_list", rules.is_authenticated)
rules.add_perm("projects.view_project", is_project_member | manages_project_organisation)
rules.add_perm("projects.manage_project", can_manage)
