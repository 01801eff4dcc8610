"""Permissions for recognition (loaded by rules' autodiscovery).

A contributor sees only their own records. Finance officers and admins of the paying
organisation run the money; finance never changes what someone recorded as their time.
"""

import rules

from coproduce.people.roles import roles_for
from coproduce.projects.rules import can_manage


@rules.predicate
def runs_finance(user, organisation):
    roles = roles_for(user)
    if roles.superuser:
        return True
    return organisation is not None and organisation.pk in (roles.finance_orgs | roles.admin_orgs)


@rules.predicate
def owns(user, obj):
    """The contributor themselves (obj: a Claim, Contribution or Expense)."""
    roles = roles_for(user)
    return obj is not None and roles.person_id is not None and obj.person_id == roles.person_id


@rules.predicate
def finance_of(user, obj):
    return obj is not None and runs_finance(user, obj.organisation)


@rules.predicate
def records_for_contribution(user, contribution):
    """Co-chairs and leads of the project (or the organisation's leads) entered it on paper."""
    if contribution is None:
        return False
    if contribution.project_id is not None:
        return can_manage(user, contribution.project)
    roles = roles_for(user)
    return contribution.organisation_id in roles.managing_orgs


@rules.predicate
def leads_for(user, organisation):
    """A coproduction lead of the organisation."""
    return organisation is not None and organisation.pk in roles_for(user).lead_orgs


rules.add_perm("recognition.view_own", rules.is_authenticated)
rules.add_perm("recognition.view_claim", owns | finance_of)
rules.add_perm("recognition.resubmit_claim", owns)
rules.add_perm("recognition.decide_claim", finance_of)
rules.add_perm("recognition.view_receipt", owns | finance_of)
# Finance approve what was recorded; they do not change it.
rules.add_perm("recognition.change_contribution", owns | records_for_contribution)
rules.add_perm("recognition.record_for_project", can_manage)
rules.add_perm("recognition.run_finance", runs_finance)
rules.add_perm("recognition.edit_rates", runs_finance)
# Leads see their organisation's recognition totals (hours given by perspective and month,
# amounts paid and credits earned, how long payment takes): they plan involvement and report
# on it, and whether people are paid on time is part of whether coproduction is fair. The page
# names nobody and lists no claim; the claims, receipts, rates and payroll exports (who was paid
# what) stay with finance officers and admins.
rules.add_perm("recognition.view_totals", runs_finance | leads_for)
