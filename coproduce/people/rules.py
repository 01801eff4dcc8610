"""Permissions for the register and organisations (loaded by rules' autodiscovery)."""

import rules

from .roles import roles_for


@rules.predicate
def is_org_admin(user):
    return roles_for(user).is_admin


@rules.predicate
def is_lead(user):
    return roles_for(user).is_lead


@rules.predicate
def is_self(user, person):
    return person is not None and roles_for(user).person_id == person.pk


@rules.predicate
def is_admin_of(user, organisation):
    roles = roles_for(user)
    return roles.superuser or (organisation is not None and organisation.pk in roles.admin_orgs)


is_manager = is_org_admin | is_lead

rules.add_perm("people.view_register", is_manager)
rules.add_perm("people.add_person", is_manager)
rules.add_perm("people.view_person", is_manager | is_self)
rules.add_perm("people.change_person", is_manager | is_self)
# Access needs and perspectives are special-category data: only the person and the people who
# arrange involvement see them.
rules.add_perm("people.view_sensitive", is_manager | is_self)
rules.add_perm("people.manage_consent", is_manager | is_self)
rules.add_perm("people.export_person", is_manager | is_self)
rules.add_perm("people.erase_person", is_org_admin)
rules.add_perm("people.link_organisation", is_org_admin)
rules.add_perm("people.view_organisations", rules.is_authenticated)
rules.add_perm("people.add_organisation", is_org_admin)
rules.add_perm("people.change_organisation", is_admin_of)
rules.add_perm("core.view_audit", is_org_admin)
