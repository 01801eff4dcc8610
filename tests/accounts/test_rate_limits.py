"""Sign-in throttling holds across processes (the database cache) and cannot be used by a
stranger to lock an account's owner out."""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.urls import reverse

from ..factories import person_with_user

STRANGER = "203.0.113.66"
OWNER = "198.51.100.7"
PASSWORD = "correct-horse-battery"


def _sign_in(client, email, password, address):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def test_login_failures_throttled_per_address(client, db):
    person = person_with_user()
    for _ in range(5):
        _sign_in(client, person.email, "nope", STRANGER)
    # Even the right password is refused from this address for the rest of the window.
    response = _sign_in(client, person.email, PASSWORD, STRANGER)
    assert "Too many failed attempts to sign in" in response.text
    assert "_auth_user_id" not in client.session


def test_login_failures_from_stranger_do_not_lock_out_owner(client, db):
    person = person_with_user()
    for _ in range(5):
        _sign_in(client, person.email, "nope", STRANGER)
    assert "Too many failed attempts" in _sign_in(client, person.email, PASSWORD, STRANGER).text
    response = _sign_in(client, person.email, PASSWORD, OWNER)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.user_id)


def test_login_failures_per_address_limit_across_accounts(client, db):
    people = [person_with_user() for _ in range(3)]
    # Ten failures a minute from one address, whichever accounts they try.
    for n in range(10):
        _sign_in(client, people[n % 3].email, "nope", STRANGER)
    response = _sign_in(client, people[0].email, PASSWORD, STRANGER)
    assert "Too many failed attempts to sign in" in response.text
    assert _sign_in(client, people[0].email, PASSWORD, OWNER).status_code == 302


def test_login_limit_counts_held_in_shared_database_cache(client, db):
    person = person_with_user()
    for _ in range(3):
        _sign_in(client, person.email, "nope", STRANGER)
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/300s/key"
    assert isinstance(caches["default"], DatabaseCache)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM coproduce_cache")
        keys = [
            row[0] for row in cursor.fetchall() if ":rl:allauth.account:login_failed:" in row[0]
        ]
    assert len(keys) == 2  # per address, and per address and account
    # Another worker's cache client reads the same three failures.
    other_worker = DatabaseCache("coproduce_cache", {})
    assert [len(other_worker.get(k.split(":", 2)[2])) for k in keys] == [3, 3]
