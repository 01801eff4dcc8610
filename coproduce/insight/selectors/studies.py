"""Reads about studies, their team and participants."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce

from coproduce.core import sql
from coproduce.people.models import Person
from coproduce.people.roles import roles_for

from ..models import (
    Attribute,
    Code,
    Coding,
    Memo,
    Participant,
    Source,
    Study,
    StudyMember,
    Theme,
    Turn,
)


def _count(queryset, field="study"):
    """A correlated COUNT, so several counts on one row never multiply each other."""
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def visible_studies(user) -> QuerySet[Study]:
    """Studies the user may open: their own team's, and all of the organisations they manage."""
    roles = roles_for(user)
    studies = Study.objects.select_related("organisation", "project")
    if not roles.superuser:
        if roles.person_id is None:
            return studies.none()
        studies = studies.filter(
            Q(members__person_id=roles.person_id) | Q(organisation_id__in=roles.managing_orgs)
        ).distinct()
    return studies.annotate(
        n_participants=_count(Participant.objects.all()),
        n_sources=_count(Source.objects.all()),
    ).order_by("title", "pk")


def study_counts(study) -> dict:
    return {
        "participants": Participant.objects.filter(study=study).count(),
        "sources": Source.objects.filter(study=study).count(),
        "codes": Code.objects.filter(study=study).count(),
        "codings": Coding.objects.filter(source__study=study).count(),
        "themes": Theme.objects.filter(study=study).count(),
    }


ROLE_ORDER = {"lead": 0, "coder": 1, "viewer": 2}


def team(study) -> list[StudyMember]:
    """Lead researchers first, then coders, then readers; by name within each."""
    members = study.members.select_related("person").order_by("person__full_name", "pk")
    return sorted(members, key=lambda m: ROLE_ORDER.get(m.role, 3))


def register_people(study) -> QuerySet[Person]:
    """People who may join the team: on the organisation's register (linked to it, or members of
    one of its projects), not erased, not already in the team."""
    return (
        Person.objects.filter(erased_at__isnull=True)
        .filter(
            Q(organisation_links__organisation=study.organisation_id)
            | Q(
                memberships__project__organisations=study.organisation_id,
                memberships__left_on__isnull=True,
            )
        )
        .exclude(study_memberships__study=study)
        .distinct()
        .order_by("full_name", "id")
    )


def attributes(study, *, include_special: bool) -> list[Attribute]:
    found = study.attributes.all()
    if not include_special:
        found = found.filter(special_category=False)
    return list(found)


def participants(study, filters: dict) -> QuerySet[Participant]:
    """Participants whose attributes equal every value in `filters` ({attribute name: value})."""
    found = Participant.objects.filter(study=study)
    for i, (name, value) in enumerate(filters.items()):
        # An explicit key transform, so an attribute called "contains" or "isnull" is a key,
        # never a lookup.
        found = found.alias(**{f"_filter_{i}": KeyTransform(name, "attributes")}).filter(
            **{f"_filter_{i}": value}
        )
    return found.annotate(
        n_sources=_count(Source.participants.through.objects.all(), "participant")
    )


def attribute_values(study, names) -> dict[str, list[str]]:
    """The distinct values of each attribute, for the filter lists (one query)."""
    values: dict[str, set] = {name: set() for name in names}
    for attrs in Participant.objects.filter(study=study).values_list("attributes", flat=True):
        for name in names:
            if attrs.get(name):
                values[name].add(attrs[name])
    return {name: sorted(found) for name, found in values.items()}


def participant_sources(participant) -> list[Source]:
    """The sources a participant speaks in, with how many turns are theirs."""
    return list(
        Source.objects.filter(participants=participant)
        .annotate(
            n_turns=_count(Turn.objects.filter(participant=participant), "source"),
        )
        .order_by("name")
    )


def participant_memos(participant) -> list[Memo]:
    return list(
        Memo.objects.filter(participant=participant)
        .select_related("author")
        .order_by("-updated_at")
    )


def study_with_role(slug: str, person_id: int | None, related=()) -> Study | None:
    """The study with this slug and `my_study_role`, the person's role on its team (None if
    they are not on it), in one query: every study page checks that role. With `related`,
    those relations come in the same query too; without (the coding screen, which needs
    neither), it is one plain-SQL read (core/sql.py)."""
    if related or person_id is None:
        role = StudyMember.objects.filter(study=OuterRef("pk"), person_id=person_id)
        studies = Study.objects.annotate(my_study_role=Subquery(role.values("role")[:1]))
        if related:
            studies = studies.select_related(*related)
        return studies.filter(slug=slug).first()
    found = list(
        Study.objects.raw(
            f"SELECT s.*, (SELECT m.role FROM {sql.table(StudyMember)} m"
            f" WHERE m.study_id = s.id AND m.person_id = %s ORDER BY m.id LIMIT 1)"
            f" AS my_study_role FROM {sql.table(Study)} s WHERE s.slug = %s",
            [person_id, slug],
        )
    )
    return found[0] if found else None
