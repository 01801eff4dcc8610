"""Permissions for invitations (loaded by rules' autodiscovery)."""

import rules

from .invitations import invitable_roles


@rules.predicate
def may_invite_to(user, organisation):
    return bool(invitable_roles(user, organisation))


@rules.predicate
def may_withdraw(user, invitation):
    return invitation is not None and bool(invitable_roles(user, invitation.organisation))


rules.add_perm("accounts.invite", may_invite_to)
rules.add_perm("accounts.withdraw_invitation", may_withdraw)
