"""Permissions for the "You said, we did" chain (loaded by rules' autodiscovery).

Object-level checks take the Project the chain belongs to.
"""

import rules

from coproduce.projects.rules import can_manage, is_project_member, manages_project_organisation

# Everyone who can see the project can see its chain, and any current member (not only the
# co-chairs) can log what was said: members hear things the chairs do not.
rules.add_perm("reports.view_chain", is_project_member | manages_project_organisation)
rules.add_perm("reports.add_input", is_project_member | manages_project_organisation)
# Answering for the project, and deciding what is published, is for the people who manage it.
rules.add_perm("reports.manage_chain", can_manage)
# The public page is for everyone, signed in or not; it only ever shows what was published.
rules.add_perm("reports.view_public_page", rules.always_allow)


@rules.predicate
def runs_organisation(user, organisation):
    """Admins and coproduction leads of the organisation compare its projects."""
    from coproduce.people.roles import roles_for

    roles = roles_for(user)
    return roles.superuser or (organisation is not None and organisation.pk in roles.managing_orgs)


rules.add_perm("reports.view_dashboard", is_project_member | manages_project_organisation)
rules.add_perm("reports.compare_projects", runs_organisation)
