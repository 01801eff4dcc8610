"""Reads of people and organisations that cross relations."""

from django.db.models import Prefetch, Q, QuerySet

from coproduce.core.models import AuditEvent

from .models import Consent, Organisation, OrganisationLink, OrganisationRole, Person


def register(
    *,
    q: str = "",
    perspective: str = "",
    access_need: str = "",
    language: str = "",
    organisation: int | None = None,
    include_erased: bool = False,
) -> QuerySet[Person]:
    """The involvement register, searched and filtered; prefetches what the list shows so the
    number of queries does not grow with the number of people."""
    people = Person.objects.all()
    if not include_erased:
        people = people.filter(erased_at__isnull=True)
    if q:
        terms = q.split()
        for term in terms:
            people = people.filter(
                Q(full_name__icontains=term)
                | Q(preferred_name__icontains=term)
                | Q(email__icontains=term)
                | Q(interests__icontains=term)
            )
    if perspective:
        people = people.filter(perspectives__code=perspective)
    if access_need:
        people = people.filter(access_needs__code=access_need)
    if language:
        people = people.filter(preferred_language=language)
    if organisation:
        people = people.filter(organisation_links__organisation_id=organisation)
    if perspective or access_need or organisation:
        # Only joins to many rows can repeat a person. DISTINCT on every page would stop the
        # (full_name, id) index from serving the order: with 100,000 people the first page
        # took 230 ms on SQLite instead of 10 (docs/performance.md).
        people = people.distinct()
    return people.prefetch_related(
        "perspectives",
        "access_needs",
        Prefetch(
            "organisation_links",
            queryset=OrganisationLink.objects.select_related("organisation"),
        ),
    )


def person_detail(pk: int) -> Person:
    return (
        Person.objects.select_related("user")
        .prefetch_related(
            "perspectives",
            "access_needs",
            Prefetch("consents", queryset=Consent.objects.order_by("-given_at")),
            Prefetch(
                "organisation_links",
                queryset=OrganisationLink.objects.select_related("organisation"),
            ),
        )
        .get(pk=pk)
    )


def memberships_of(person: Person):
    """The projects a person belongs to. Read through the reverse relation the projects app
    declares (Membership.person, related_name "memberships"), so people need not import
    projects: projects build on people, never the other way round."""
    return person.memberships.select_related("project")


def organisations_with_counts() -> QuerySet[Organisation]:
    from django.db.models import Count

    return Organisation.objects.annotate(people_count=Count("links", distinct=True))


def person_export_data(person: Person) -> dict:
    """Everything held about one person, for a subject access request."""
    person = person_detail(person.pk)
    consent_ids = [str(c.pk) for c in person.consents.all()]
    events = AuditEvent.objects.filter(
        Q(object_type="people.person", object_id=str(person.pk))
        | Q(object_type="people.consent", object_id__in=consent_ids)
        | Q(on_behalf_of_id=person.pk)
        | (Q(actor_id=person.user_id) if person.user_id else Q(pk__in=[]))
    ).order_by("created_at", "id")
    from coproduce.core.personal_data import collect

    return {
        "person": {
            "id": person.pk,
            "full_name": person.full_name,
            "preferred_name": person.preferred_name,
            "email": person.email,
            "phone": person.phone,
            "address": person.address,
            "contact_preference": person.contact_preference,
            "preferred_language": person.preferred_language,
            "access_needs": sorted(a.code for a in person.access_needs.all()),
            "access_needs_other": person.access_needs_other,
            "perspectives": sorted(p.code for p in person.perspectives.all()),
            "interests": person.interests,
            "account_email": person.user.email if person.user_id else None,
            "created_at": person.created_at.isoformat(),
            "updated_at": person.updated_at.isoformat(),
            "erased_at": person.erased_at.isoformat() if person.erased_at else None,
        },
        "consents": [
            {
                "purpose": c.purpose,
                "method": c.method,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
                "notes": c.notes,
            }
            for c in person.consents.all()
        ],
        "organisations": [
            {"organisation": link.organisation.name, "role": link.role, "job_title": link.job_title}
            for link in person.organisation_links.all()
        ],
        **collect(person),
        "audit": [
            {
                "time": e.created_at.isoformat(),
                "actor": e.actor_label,
                "action": e.action,
                "object": e.object_repr,
                "changes": e.changes,
            }
            for e in events
        ],
    }


def preferred_language(person_id: int) -> str | None:
    return (
        Person.objects.filter(pk=person_id, erased_at__isnull=True)
        .values_list("preferred_language", flat=True)
        .first()
    )


def access_contacts(*, person_id: int, organisation_slug: str | None = None) -> list[dict]:
    """Who can give this person access, for the 403 page: for each organisation they belong to
    (only the page's own organisation, on an organisation's page), its admins other than them.
    Only organisations the person is linked to, so nobody learns who runs one they are not in.
    [{"organisation": Organisation, "admins": [Person, ...]}], organisations without another
    admin left out. Two queries."""
    organisations = [
        link.organisation
        for link in OrganisationLink.objects.filter(
            person_id=person_id, person__erased_at__isnull=True
        ).select_related("organisation")
    ]
    if organisation_slug is not None:
        organisations = [o for o in organisations if o.slug == organisation_slug]
    admins: dict[int, list] = {}
    for link in (
        OrganisationLink.objects.filter(
            organisation__in=organisations,
            role=OrganisationRole.ADMIN,
            person__erased_at__isnull=True,
        )
        .exclude(person_id=person_id)
        .select_related("person")
        .order_by("person__full_name", "person_id")
    ):
        admins.setdefault(link.organisation_id, []).append(link.person)
    return [
        {"organisation": o, "admins": admins[o.pk]}
        for o in sorted(organisations, key=lambda o: o.name)
        if o.pk in admins
    ]


def first_perspective(person_id: int) -> str:
    """The first perspective on someone's own record (a suggestion for forms they fill in)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return ""
    return person.perspectives.order_by("id").values_list("code", flat=True).first() or ""
