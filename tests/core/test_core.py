import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from coproduce.accounts.models import User
from coproduce.core.models import AuditEvent
from coproduce.people.models import Organisation, Person
from coproduce.projects.models import Attendance, Meeting, Membership, Paper, Project
from coproduce.site import demo

REPO = Path(__file__).resolve().parents[2]


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


def _production_env(tmp_path, **changes):
    """The environment of a production server as .env.example describes it: a long random
    SECRET_KEY, ALLOWED_HOSTS, no COPRODUCE_DEMO or DEBUG. The embedded SQLite database under
    COPRODUCE_DATA stands in for DATABASE_URL (the checks do not connect). Nothing else of this
    process's environment (the test settings, COPRODUCE_DEMO) is passed on, only PATH."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "coproduce.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "coproduce.example.nhs.wales",
        "CSRF_TRUSTED_ORIGINS": "https://coproduce.example.nhs.wales",
        "SITE_URL": "https://coproduce.example.nhs.wales",
        "COPRODUCE_DATA": str(tmp_path / "data"),
        **changes,
    }


def _check_deploy(env):
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        # The one silenced check is security.W021: settings.py leaves HSTS preload to the
        # operator (SECURE_HSTS_PRELOAD, off by default) and silences the reminder.
        ({}, "System check identified no issues (1 silenced)."),
        ({"SECURE_HSTS_PRELOAD": "true"}, "System check identified no issues (0 silenced)."),
    ],
    ids=["hsts-preload-off", "hsts-preload-on"],
)
def test_deploy_checks_clean_in_production(tmp_path, changes, line):
    result = _check_deploy(_production_env(tmp_path, **changes))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [line]


def test_deploy_checks_fail_with_a_weak_secret_key(tmp_path):
    # The check above really runs on the production settings: a short key fails it.
    result = _check_deploy(_production_env(tmp_path, SECRET_KEY="short-and-guessable"))
    assert result.returncode == 1
    assert "(security.W009)" in result.stderr


def test_error_page_in_site_design(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
