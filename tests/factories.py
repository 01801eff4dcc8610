import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.people.models import Organisation, OrganisationLink, Person
from coproduce.projects.models import Meeting, Membership, Project

# Factories build test fixtures directly; product code writes only through actions.


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = "health_board"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class OrganisationLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationLink

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "staff"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Project {n}")
    purpose = "To improve a service together."
    scale = "service"
    stage = "co_design"
    status = "active"

    @factory.post_generation
    def organisations(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.organisations.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    person = factory.SubFactory(PersonFactory)
    perspective = "lived_experience"
    role = "member"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + datetime.timedelta(hours=2))
    place = "Community centre"


def person_with_user(**kwargs) -> Person:
    user = UserFactory()
    return PersonFactory(user=user, email=user.email, **kwargs)
