"""Writes to accounts: sign-ups, accounts made for people on the register, the first
administrator of a new installation, and invitations."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coproduce.core import audit
from coproduce.people import actions as people_actions
from coproduce.people.models import Organisation, OrganisationLink, OrganisationRole, Person

from . import invitations, tasks
from .models import Invitation


@transaction.atomic
def complete_signup(*, by, user, full_name: str):
    """Save a self-service sign-up and give it a register entry: the existing one with the same
    e-mail (made by staff for a paper-first participant) or a new one."""
    user.email = user.email.lower()
    user.save()
    person = Person.objects.filter(
        email=user.email, user__isnull=True, erased_at__isnull=True
    ).first()
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
        audit.record(by=user, action="person.link_account", obj=person)
    else:
        people_actions.create_person(
            by=user, full_name=full_name or user.email.split("@")[0], email=user.email, user=user
        )
    audit.record(by=user, action="account.signup", obj=user)
    return user


@transaction.atomic
def create_account(
    *,
    by,
    person: Person,
    email: str,
    password: str | None = None,
    verified: bool = True,
    superuser: bool = False,
):
    """Give a register entry an account (used by admins and the demo)."""
    User = get_user_model()
    email = email.strip().lower()
    if person.user_id:
        raise ValidationError(_("This person already has an account."))
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": _("An account already uses this email address.")})
    user = User(email=email, is_superuser=superuser, is_staff=superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    person.user = user
    person.save(update_fields=["user"])
    audit.record(by=by, action="account.create", obj=user, changes={"person": [None, person.pk]})
    return user


@transaction.atomic
def record_account_event(*, by, action: str, obj, changes: dict | None = None):
    """Audit a security event that allauth carried out (sign-in, password, two-factor)."""
    return audit.record(by=by, action=action, obj=obj, changes=changes)


# The first administrator ---------------------------------------------------------------------


class AlreadySetUp(Exception):
    """Another organisation administrator exists: `coproduce setup` is for a fresh installation."""

    def __init__(self, link: OrganisationLink):
        super().__init__(f"{link.person.email} is an administrator of {link.organisation.name}")
        self.link = link


def _check_password(password: str, email: str, field: str) -> None:
    try:
        validate_password(password, get_user_model()(email=email))
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


@transaction.atomic
def set_up(
    *,
    by,
    organisation_name: str,
    organisation_kind: str,
    email: str,
    full_name: str = "",
    password: str | None = None,
):
    """Make the first organisation and its administrator: a verified account, a register entry
    and the admin role. Returns (user, organisation, created).

    Run again with the same organisation and e-mail it changes nothing (created is False); with
    any other once an administrator exists it raises AlreadySetUp. An account made earlier with
    `createsuperuser` for the same e-mail is completed rather than refused: its address is
    marked verified and it gets its register entry and role.
    """
    email = email.strip().lower()
    existing = (
        OrganisationLink.objects.filter(role=OrganisationRole.ADMIN, person__erased_at__isnull=True)
        .select_related("person__user", "organisation")
        .order_by("pk")
        .first()
    )
    if existing is not None:
        user = existing.person.user
        if existing.organisation.name == organisation_name.strip() and (
            user is not None and user.email == email
        ):
            return user, existing.organisation, False
        raise AlreadySetUp(existing)
    if password:
        _check_password(password, email, "password")
    organisation = Organisation.objects.filter(name=organisation_name.strip()).first()
    if organisation is None:
        organisation = people_actions.create_organisation(
            by=by,
            name=organisation_name.strip(),
            slug=slugify(organisation_name)[:80] or "organisation",
            kind=organisation_kind,
        )
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    person = Person.objects.filter(user=user).first() if user is not None else None
    if person is None:
        person = people_actions.create_person(
            by=by, full_name=full_name.strip() or email.split("@")[0], email=email
        )
    if user is None:
        user = create_account(by=by, person=person, email=email, password=password)
    else:
        if person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
            audit.record(by=by, action="person.link_account", obj=person)
        if password:
            user.set_password(password)
            user.save(update_fields=["password"])
        _verify_email(by=by, user=user)
    people_actions.link_organisation(
        by=by, person=person, organisation=organisation, role=OrganisationRole.ADMIN
    )
    audit.record(by=by, action="site.setup", obj=organisation, changes={"admin": [None, email]})
    return user, organisation, True


def _verify_email(*, by, user) -> None:
    """Mark the account's own address verified (the person has just shown they receive mail
    there, or an operator vouched for it), so signing in sends no confirmation e-mail."""
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    else:
        return
    audit.record(
        by=by, action="account.email_verify", obj=user, changes={"email": [None, user.email]}
    )


# Invitations ---------------------------------------------------------------------------------


@transaction.atomic
def invite(
    *,
    by,
    organisation: Organisation,
    email: str,
    role: str,
    full_name: str = "",
    language: str = "en",
) -> Invitation:
    """Invite someone to the organisation with a role; the e-mail goes from the worker after
    commit, in the language of their register entry if they have one, otherwise `language`."""
    email = email.strip().lower()
    if role not in invitations.invitable_roles(by, organisation):
        raise ValidationError({"role": _("You cannot invite someone with this role.")})
    person = (
        Person.objects.filter(email=email, erased_at__isnull=True)
        # The one with an account first.
        .order_by(F("user_id").asc(nulls_last=True), "pk")
        .first()
    )
    if person is not None and person.organisation_links.filter(organisation=organisation).exists():
        raise ValidationError({"email": _("This person already belongs to this organisation.")})
    waiting = Invitation.objects.filter(
        organisation=organisation,
        email=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        created_at__gte=timezone.now() - invitations.max_age(),
    )
    if waiting.exists():
        raise ValidationError(
            {
                "email": _(
                    "An invitation to this address is already waiting. Withdraw it to send "
                    "a new one."
                )
            }
        )
    invitation = Invitation(
        organisation=organisation,
        email=email,
        full_name=full_name.strip() or (person.full_name if person else ""),
        role=role,
        language=person.preferred_language if person is not None else language,
        invited_by=by,
        person=person,
    )
    invitation.full_clean(exclude=["organisation", "invited_by", "accepted_by", "person"])
    invitation.save()
    audit.record(
        by=by,
        action="invitation.create",
        obj=invitation,
        changes=audit.created(invitation, ("email", "full_name", "role", "language")),
    )
    transaction.on_commit(lambda: tasks.send_invitation.enqueue(invitation.pk))
    return invitation


@transaction.atomic
def revoke_invitation(*, by, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation has already been accepted or withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(by=by, action="invitation.revoke", obj=invitation)
    return invitation


@transaction.atomic
def accept_invitation(
    *, by, invitation: Invitation, full_name: str = "", password: str | None = None
):
    """Accept an invitation: as the signed-in account it was sent to (`by`), or, with no
    account yet (`by` None), by making one with `password`. The register entry with the same
    e-mail is linked if there is one. The address counts as verified: the link came to it.
    Returns the user."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation has already been accepted or withdrawn."))
    User = get_user_model()
    email = invitation.email
    if by is None:
        if User.objects.filter(email=email).exists():
            raise ValidationError(
                _("An account already uses this email address. Sign in to accept the invitation.")
            )
        _check_password(password or "", email, "password1")
        person = (
            Person.objects.filter(email=email, user__isnull=True, erased_at__isnull=True)
            .order_by("pk")
            .first()
        )
        if person is None:
            person = people_actions.create_person(
                by=None,
                full_name=full_name.strip() or invitation.full_name or email.split("@")[0],
                email=email,
                preferred_language=invitation.language,
            )
        user = create_account(by=None, person=person, email=email, password=password)
    else:
        user = by
        if user.email.lower() != email:
            raise ValidationError(_("This invitation is for another email address."))
        person = Person.objects.filter(user=user).first()
        if person is None:
            person = (
                Person.objects.filter(email=email, user__isnull=True, erased_at__isnull=True)
                .order_by("pk")
                .first()
            )
            if person is None:
                person = people_actions.create_person(
                    by=user,
                    full_name=full_name.strip() or invitation.full_name or email.split("@")[0],
                    email=email,
                    user=user,
                )
            else:
                person.user = user
                person.save(update_fields=["user"])
                audit.record(by=user, action="person.link_account", obj=person)
        _verify_email(by=user, user=user)
    people_actions.link_organisation(
        by=user, person=person, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.person = person
    invitation.save(update_fields=["accepted_at", "accepted_by", "person"])
    audit.record(by=user, action="invitation.accept", obj=invitation)
    return user
