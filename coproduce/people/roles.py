"""Who a signed-in user is in the product: their register entry and organisation roles.

Computed once per request (cached on the user object) because every permission check needs it.
"""

from dataclasses import dataclass, field

from coproduce.core import sql

from .models import Organisation, OrganisationLink, OrganisationRole


@dataclass(frozen=True)
class Roles:
    person_id: int | None = None
    admin_orgs: frozenset[int] = field(default_factory=frozenset)
    lead_orgs: frozenset[int] = field(default_factory=frozenset)
    staff_orgs: frozenset[int] = field(default_factory=frozenset)
    finance_orgs: frozenset[int] = field(default_factory=frozenset)
    # Organisations (of any of the above) that require two-factor sign-in for their staff: read
    # in the same query, because the two-factor check runs on every request.
    mfa_orgs: frozenset[int] = field(default_factory=frozenset)
    superuser: bool = False

    @property
    def is_admin(self) -> bool:
        return self.superuser or bool(self.admin_orgs)

    @property
    def is_lead(self) -> bool:
        return bool(self.lead_orgs)

    @property
    def managing_orgs(self) -> frozenset[int]:
        """Organisations whose projects this user may manage (admins and coproduction leads)."""
        return self.admin_orgs | self.lead_orgs


ANONYMOUS = Roles()


def roles_for(user) -> Roles:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_coproduce_roles", None)
    if cached is not None:
        return cached
    person = getattr(user, "person", None) if _has_person(user) else None
    admin, lead, staff, finance, mfa = set(), set(), set(), set(), set()
    if person is not None and person.erased_at is None:
        # Every signed-in request runs this: plain SQL (see core/sql.py).
        links = sql.rows(
            f"SELECT l.organisation_id, l.role, o.require_mfa_for_staff"
            f" FROM {sql.table(OrganisationLink)} l"
            f" JOIN {sql.table(Organisation)} o ON o.id = l.organisation_id"
            f" WHERE l.person_id = %s",
            [person.pk],
        )
        for org_id, role, org_mfa in links:
            if org_mfa:
                mfa.add(org_id)
            if role == OrganisationRole.ADMIN:
                admin.add(org_id)
            elif role == OrganisationRole.LEAD:
                lead.add(org_id)
            elif role == OrganisationRole.STAFF:
                staff.add(org_id)
            elif role == OrganisationRole.FINANCE:
                finance.add(org_id)
    roles = Roles(
        person_id=person.pk if person is not None else None,
        admin_orgs=frozenset(admin),
        lead_orgs=frozenset(lead),
        staff_orgs=frozenset(staff),
        finance_orgs=frozenset(finance),
        mfa_orgs=frozenset(mfa),
        superuser=user.is_superuser,
    )
    user._coproduce_roles = roles
    return roles


def _has_person(user) -> bool:
    try:
        user.person  # noqa: B018 - touching the reverse one-to-one loads it
    except Exception:  # RelatedObjectDoesNotExist
        return False
    return True


def forget(user) -> None:
    """Drop the cached roles after an action changes them."""
    if hasattr(user, "_coproduce_roles"):
        del user._coproduce_roles
