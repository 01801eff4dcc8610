import pytest
from django.core.management import call_command

from coproduce.accounts.models import User
from coproduce.core.models import AuditEvent
from coproduce.people.models import Organisation, Person
from coproduce.projects.models import Attendance, Meeting, Membership, Paper, Project
from coproduce.site import demo


def _counts():
    return [
        m.objects.count()
        for m in (
            Organisation,
            Person,
            User,
            Project,
            Membership,
            Meeting,
            Paper,
            Attendance,
            AuditEvent,
        )
    ]


@pytest.mark.django_db
def test_demo_load_is_idempotent():
    assert demo.load() is True
    first = _counts()
    # 60 register entries, the finance officer, and the GP practice's manager and four more
    # staff (consultations demo); 6 demo sign-ins, the finance and practice-manager sign-ins.
    assert first[:4] == [3, 66, 8, 6]
    assert demo.load() is False
    assert _counts() == first


@pytest.mark.django_db
def test_demo_sign_ins_work(client):
    demo.load()
    for _role, email, password in demo.SIGN_INS:
        assert client.login(username=email, password=password), email
        client.logout()


def test_audit_log_lists_events(world, client_for):
    from coproduce.people import actions

    actions.create_person(by=world["admin"].user, full_name="Audited Person")
    body = client_for(world["admin"]).get("/audit/").content.decode()
    assert "person.create" in body
    assert "Audited Person" in body


def test_deploy_checks_clean(settings, db, monkeypatch):
    from django.core.management.base import SystemCheckError

    # The browser tests allow Django's ORM inside Playwright's event loop; never in production.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    settings.DEBUG = False
    settings.SECRET_KEY = "x" * 60 + "-very-random-and-long"
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SILENCED_SYSTEM_CHECKS = ["security.W021"]
    try:
        call_command("check", deploy=True, fail_level="WARNING")
    except SystemCheckError as exc:  # pragma: no cover - shows what failed
        pytest.fail(str(exc))


def test_error_page_in_site_design(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
