"""Writes to accounts: sign-ups and accounts made for people on the register."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.core import audit
from coproduce.people import actions as people_actions
from coproduce.people.models import Person


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
