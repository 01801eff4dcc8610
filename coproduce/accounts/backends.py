"""Authentication backends that load a sign-in's register entry (people.Person) with the user.

Every signed-in request needs both: the roles and permission checks start from the person. Loading
them in one query instead of two matters on the pages that are used many times a minute (the
coding screen posts once per coding).
"""

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model


def _user_with_person(backend, user_id):
    user_model = get_user_model()
    try:
        user = user_model._default_manager.select_related("person").get(pk=user_id)
    except user_model.DoesNotExist:
        return None
    return user if backend.user_can_authenticate(user) else None


class ModelBackend(django_backends.ModelBackend):
    def get_user(self, user_id):
        return _user_with_person(self, user_id)


class AuthenticationBackend(allauth_backends.AuthenticationBackend):
    """allauth's sign-in by email (with its rate limits), with the user loaded as above."""

    def get_user(self, user_id):
        return _user_with_person(self, user_id)
