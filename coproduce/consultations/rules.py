"""Permissions for consultations (loaded by rules' autodiscovery).

The organisation's admins and coproduction leads run everything and see every dashboard. A
clinician sees their own dashboard and links, never another clinician's. Observers rate
consultations of their team. Anyone may answer an open survey (no rule: the survey pages are
public on purpose).
"""

import rules

from coproduce.people.roles import roles_for

from .models import MemberRole


@rules.predicate
def manages_org(user, organisation):
    roles = roles_for(user)
    if roles.superuser:
        return True
    return organisation is not None and organisation.pk in roles.managing_orgs


def _team_of(obj):
    """A Team itself, or the team of a member, link or consultation."""
    return getattr(obj, "team", obj)


def _has_role(user, team, role=None) -> bool:
    person_id = roles_for(user).person_id
    if team is None or person_id is None:
        return False
    members = team.members.filter(person_id=person_id)
    if role:
        members = members.filter(role=role)
    return members.exists()


@rules.predicate
def manages(user, obj):
    """obj: a Team, or anything with a .team."""
    team = _team_of(obj)
    return team is not None and manages_org(user, team.organisation)


@rules.predicate
def in_team(user, obj):
    return _has_role(user, _team_of(obj))


@rules.predicate
def observes(user, obj):
    return _has_role(user, _team_of(obj), MemberRole.OBSERVER)


@rules.predicate
def is_the_clinician(user, obj):
    """obj: a TeamMember (a clinician's dashboard) or a SurveyLink."""
    member = (
        obj if obj is not None and hasattr(obj, "person_id") else getattr(obj, "clinician", None)
    )
    person_id = roles_for(user).person_id
    return member is not None and person_id is not None and member.person_id == person_id


rules.add_perm("consultations.manage_org", manages_org)
rules.add_perm("consultations.view_team", manages | in_team)
rules.add_perm("consultations.manage_team", manages)
rules.add_perm("consultations.view_clinician", manages | is_the_clinician)
rules.add_perm("consultations.view_link", manages | is_the_clinician)
rules.add_perm("consultations.enter_paper", manages | observes)
rules.add_perm("consultations.observe", manages | observes)
