"""Every write to people and organisations. Views, the API, commands and the demo call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core import audit
from coproduce.core.models import AuditEvent

from . import roles
from .models import (
    AccessNeed,
    AccessNeedCode,
    Consent,
    ConsentPurpose,
    Language,
    Organisation,
    OrganisationLink,
    Person,
    Perspective,
    PerspectiveCode,
)

PERSON_FIELDS = (
    "full_name",
    "preferred_name",
    "email",
    "phone",
    "address",
    "contact_preference",
    "preferred_language",
    "access_needs_other",
    "interests",
)
ORGANISATION_FIELDS = ("name", "slug", "kind", "description", "website", "require_mfa_for_staff")


def _validate(instance, exclude=None):
    instance.full_clean(exclude=exclude)


# Organisations -------------------------------------------------------------------------------


@transaction.atomic
def create_organisation(*, by, **fields) -> Organisation:
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    organisation = Organisation(**fields)
    _validate(organisation)
    organisation.save()
    audit.record(
        by=by,
        action="organisation.create",
        obj=organisation,
        changes=audit.created(organisation, ORGANISATION_FIELDS),
    )
    return organisation


@transaction.atomic
def update_organisation(*, by, organisation: Organisation, **fields) -> Organisation:
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    before = audit.snapshot(organisation, ORGANISATION_FIELDS)
    for name, value in fields.items():
        setattr(organisation, name, value)
    _validate(organisation)
    changes = audit.diff(before, audit.snapshot(organisation, ORGANISATION_FIELDS))
    if changes:
        organisation.save()
        audit.record(by=by, action="organisation.update", obj=organisation, changes=changes)
    return organisation


# People --------------------------------------------------------------------------------------


def _has_special_category_consent(person: Person) -> bool:
    return person.consents.filter(
        purpose=ConsentPurpose.SPECIAL_CATEGORY, withdrawn_at__isnull=True
    ).exists()


def _set_codes(person: Person, model, codes: list[str], allowed) -> tuple[list, list]:
    codes = sorted(set(codes))
    invalid = [c for c in codes if c not in allowed.values]
    if invalid:
        raise ValidationError(_("Unknown choice: %(codes)s") % {"codes": ", ".join(invalid)})
    existing = set(model.objects.filter(person=person).values_list("code", flat=True))
    model.objects.filter(person=person).exclude(code__in=codes).delete()
    model.objects.bulk_create([model(person=person, code=c) for c in codes if c not in existing])
    return sorted(existing), codes


def _apply_special_category(person, *, access_needs, perspectives, consent_given: bool) -> dict:
    """Record access needs and perspectives only with a live consent for them."""
    changes = {}
    wants_data = bool(access_needs or perspectives or person.access_needs_other)
    if wants_data and not (consent_given or _has_special_category_consent(person)):
        raise ValidationError(
            {
                "access_needs": _(
                    "Access needs and perspectives can only be recorded when the person has "
                    "agreed to it. Tick the consent box or leave these blank."
                )
            }
        )
    if access_needs is not None:
        old, new = _set_codes(person, AccessNeed, access_needs, AccessNeedCode)
        if old != new:
            changes["access_needs"] = [old, new]
    if perspectives is not None:
        old, new = _set_codes(person, Perspective, perspectives, PerspectiveCode)
        if old != new:
            changes["perspectives"] = [old, new]
    return changes


@transaction.atomic
def create_person(
    *,
    by,
    full_name: str,
    access_needs: list[str] | None = None,
    perspectives: list[str] | None = None,
    special_category_consent: bool = False,
    consent_method: str = "online",
    recorded_in_presence: bool = False,
    user=None,
    **fields,
) -> Person:
    """recorded_in_presence: staff are entering this with the person beside them (paper-first
    sign-up); the audit trail says so."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    person = Person(full_name=full_name, user=user, **fields)
    person.email = person.email.strip().lower()
    _validate(person, exclude=["user"])
    person.save()
    on_behalf_of = person if recorded_in_presence else None
    changes = audit.created(person, PERSON_FIELDS)
    if special_category_consent:
        _give_consent(
            by=by,
            person=person,
            purpose=ConsentPurpose.SPECIAL_CATEGORY,
            method=consent_method,
            on_behalf_of=on_behalf_of,
        )
    changes |= _apply_special_category(
        person,
        access_needs=access_needs or [],
        perspectives=perspectives or [],
        consent_given=special_category_consent,
    )
    audit.record(
        by=by, action="person.create", obj=person, changes=changes, on_behalf_of=on_behalf_of
    )
    return person


@transaction.atomic
def update_person(
    *,
    by,
    person: Person,
    access_needs: list[str] | None = None,
    perspectives: list[str] | None = None,
    special_category_consent: bool = False,
    consent_method: str = "online",
    on_behalf_of=None,
    **fields,
) -> Person:
    if person.erased_at:
        raise ValidationError(_("This person has been erased and cannot be changed."))
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    before = audit.snapshot(person, PERSON_FIELDS)
    for name, value in fields.items():
        setattr(person, name, value)
    person.email = person.email.strip().lower()
    _validate(person, exclude=["user"])
    changes = audit.diff(before, audit.snapshot(person, PERSON_FIELDS))
    if special_category_consent and not _has_special_category_consent(person):
        _give_consent(
            by=by,
            person=person,
            purpose=ConsentPurpose.SPECIAL_CATEGORY,
            method=consent_method,
            on_behalf_of=on_behalf_of,
        )
    changes |= _apply_special_category(
        person,
        access_needs=access_needs,
        perspectives=perspectives,
        consent_given=special_category_consent,
    )
    if changes:
        person.updated_at = timezone.now()
        person.save()
        audit.record(
            by=by, action="person.update", obj=person, changes=changes, on_behalf_of=on_behalf_of
        )
    return person


@transaction.atomic
def set_preferred_language(*, by, person: Person, language: str) -> Person:
    """The language pages come in after the person signs in and they are written to in."""
    if person.erased_at:
        raise ValidationError(_("This person has been erased and cannot be changed."))
    if language not in Language.values:
        raise ValidationError({"language": _("Choose English or Cymraeg.")})
    old = person.preferred_language
    if old != language:
        person.preferred_language = language
        person.updated_at = timezone.now()
        person.save(update_fields=["preferred_language", "updated_at"])
        audit.record(
            by=by,
            action="person.update",
            obj=person,
            changes={"preferred_language": [old, language]},
        )
    return person


def _give_consent(*, by, person, purpose, method, notes="", on_behalf_of=None) -> Consent:
    consent = Consent(person=person, purpose=purpose, method=method, notes=notes)
    _validate(consent)
    consent.save()
    audit.record(
        by=by,
        action="consent.give",
        obj=consent,
        changes={"purpose": [None, purpose], "method": [None, method]},
        on_behalf_of=on_behalf_of,
    )
    return consent


@transaction.atomic
def give_consent(
    *, by, person: Person, purpose: str, method: str, notes: str = "", on_behalf_of=None
) -> Consent:
    if person.erased_at:
        raise ValidationError(_("This person has been erased and cannot be changed."))
    if person.consents.filter(purpose=purpose, withdrawn_at__isnull=True).exists():
        raise ValidationError({"purpose": _("This consent is already recorded and current.")})
    return _give_consent(
        by=by,
        person=person,
        purpose=purpose,
        method=method,
        notes=notes,
        on_behalf_of=on_behalf_of,
    )


@transaction.atomic
def withdraw_consent(*, by, consent: Consent, on_behalf_of=None) -> Consent:
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    changes = {"withdrawn_at": [None, consent.withdrawn_at.isoformat()]}
    if consent.purpose == ConsentPurpose.SPECIAL_CATEGORY:
        # Without consent we may no longer hold the data it covered.
        person = consent.person
        removed_needs = sorted(person.access_needs.values_list("code", flat=True))
        removed_perspectives = sorted(person.perspectives.values_list("code", flat=True))
        person.access_needs.all().delete()
        person.perspectives.all().delete()
        if person.access_needs_other:
            person.access_needs_other = ""
            person.save(update_fields=["access_needs_other"])
        changes["removed"] = [removed_needs + removed_perspectives, []]
    audit.record(
        by=by, action="consent.withdraw", obj=consent, changes=changes, on_behalf_of=on_behalf_of
    )
    return consent


@transaction.atomic
def link_organisation(
    *, by, person: Person, organisation: Organisation, role: str, job_title: str = ""
) -> OrganisationLink:
    link = OrganisationLink.objects.filter(person=person, organisation=organisation).first()
    before = audit.snapshot(link, ("role", "job_title")) if link else {}
    if link is None:
        link = OrganisationLink(person=person, organisation=organisation)
    link.role = role
    link.job_title = job_title
    _validate(link, exclude=["person", "organisation"])
    changes = audit.diff(before, audit.snapshot(link, ("role", "job_title")))
    if changes:
        link.save()
        audit.record(by=by, action="organisation_link.set", obj=link, changes=changes)
    if person.user_id:
        roles.forget(person.user)
    return link


@transaction.atomic
def unlink_organisation(*, by, link: OrganisationLink) -> None:
    audit.record(
        by=by,
        action="organisation_link.remove",
        obj=link,
        changes={"role": [link.role, None]},
    )
    link.delete()


# Privacy -------------------------------------------------------------------------------------


@transaction.atomic
def export_person(*, by, person: Person) -> dict:
    """Everything held about a person, as a JSON-ready dict (subject access request)."""
    from coproduce.people.selectors import person_export_data

    data = person_export_data(person)
    audit.record(by=by, action="person.export", obj=person)
    return data


@transaction.atomic
def erase_person(*, by, person: Person, reason: str) -> Person:
    """Pseudonymise a person on request. Their memberships and attendance stay (as counts of an
    erased person) so project history remains true; everything that identifies them goes."""
    if person.erased_at:
        raise ValidationError(_("This person has already been erased."))
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for erasure (for example, the request).")}
        )
    pseudonym = _("Erased person %(number)s") % {"number": person.pk}
    person.full_name = pseudonym
    person.preferred_name = ""
    person.email = ""
    person.phone = ""
    person.address = ""
    person.access_needs_other = ""
    person.interests = ""
    person.erased_at = timezone.now()
    person.updated_at = person.erased_at
    user = person.user
    person.user = None
    person.save()
    person.access_needs.all().delete()
    person.perspectives.all().delete()
    person.organisation_links.all().delete()
    person.consents.update(notes="")
    if user is not None:
        # The account goes: its e-mail is personal data and it must no longer sign in.
        from allauth.account.models import EmailAddress

        EmailAddress.objects.filter(user=user).delete()
        AuditEvent.objects.filter(actor_id=user.pk).update(actor_label=pseudonym)
        user.delete()
    # Earlier audit entries about this person held their details: keep that a change happened,
    # not what it was.
    AuditEvent.objects.filter(object_type="people.person", object_id=str(person.pk)).update(
        object_repr=pseudonym, changes={"redacted": True}
    )
    AuditEvent.objects.filter(on_behalf_of_id=person.pk).update(on_behalf_of_label=pseudonym)
    from coproduce.core import personal_data

    personal_data.erase(person, pseudonym)
    audit.record(by=by, action="person.erase", obj=person, changes={"reason": [None, reason]})
    return person
