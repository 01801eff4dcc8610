"""Permissions for insight studies (loaded by rules' autodiscovery).

Transcripts are research data about identifiable people until pseudonymised, so a study is visible
only to its team (lead researchers, coders, readers) and to the owning organisation's admins and
coproduction leads. The pseudonym key is narrower still: lead researchers and organisation admins.
"""

import rules

from coproduce.people.roles import roles_for


def _study_role(user, study) -> str | None:
    roles = roles_for(user)
    if roles.person_id is None or study is None:
        return None
    cache = getattr(user, "_insight_roles", None)
    if cache is None:
        cache = user._insight_roles = {}
    if study.pk not in cache:
        from .models import StudyMember

        cache[study.pk] = (
            StudyMember.objects.filter(study=study, person_id=roles.person_id)
            .values_list("role", flat=True)
            .first()
        )
    return cache[study.pk]


def remember_study_role(user, study_id: int, role: str | None) -> None:
    """Record the user's study role read together with the study (views/base.py), so the
    permission checks that follow need no query of their own."""
    cache = getattr(user, "_insight_roles", None)
    if cache is None:
        cache = user._insight_roles = {}
    cache[study_id] = role


@rules.predicate
def manages_organisation(user, study):
    roles = roles_for(user)
    if roles.superuser:
        return True
    return study is not None and study.organisation_id in roles.managing_orgs


@rules.predicate
def admin_of_organisation(user, study):
    roles = roles_for(user)
    return roles.superuser or (study is not None and study.organisation_id in roles.admin_orgs)


@rules.predicate
def study_lead(user, study):
    return _study_role(user, study) == "lead"


@rules.predicate
def study_coder(user, study):
    return _study_role(user, study) in ("lead", "coder")


@rules.predicate
def study_member(user, study):
    return _study_role(user, study) is not None


@rules.predicate
def manages_any_organisation(user):
    roles = roles_for(user)
    return roles.superuser or bool(roles.managing_orgs)


rules.add_perm("insight.create_study", manages_any_organisation)
rules.add_perm("insight.view_study", study_member | manages_organisation)
rules.add_perm("insight.code_study", study_coder | manages_organisation)
rules.add_perm("insight.manage_study", study_lead | manages_organisation)
rules.add_perm("insight.view_key", study_lead | admin_of_organisation)
# Who may see participants' special-category attributes (disability, age band...).
rules.add_perm("insight.view_special", study_lead | study_coder | manages_organisation)
