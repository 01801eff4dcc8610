"""Walks every URL for every role: allowed roles get the page, everyone else is refused, and a
refused write changes nothing."""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coproduce.people.models import Consent, OrganisationLink
from coproduce.projects.models import Membership, Paper

from .accounts import sweep as accounts_sweep
from .consultations import sweep as consultations_sweep
from .decisions import sweep as decisions_sweep
from .insight import sweep as insight_sweep
from .measures import sweep as measures_sweep
from .recognition import sweep as recognition_sweep
from .reports import sweep as reports_sweep
from .roles import MANAGERS, PROJECT_MANAGE, PROJECT_VIEW, ROLES, SIGNED_IN
from .state import snapshot

# Each later app keeps its own part of the table next to its tests.
APP_SWEEPS = [
    accounts_sweep,
    decisions_sweep,
    measures_sweep,
    reports_sweep,
    recognition_sweep,
    insight_sweep,
    consultations_sweep,
]


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


@pytest.fixture
def sweep(world):
    member = world["member"]
    consent = Consent.objects.create(person=member, purpose="register", method="paper")
    link = OrganisationLink.objects.create(person=member, organisation=world["org"], role="member")
    paper = Paper(meeting=world["meeting"], title="Agenda", content_type="text/plain", size=5)
    paper.file.save("agenda.txt", ContentFile(b"hello"), save=False)
    paper.save()
    membership = Membership.objects.get(project=world["project"], person=member)
    p, m, o = world["project"].pk, world["meeting"].pk, world["org"].slug
    # name -> (path, roles allowed to GET, expected status for allowed roles)
    table = {
        "home": (reverse("home"), set(ROLES), 200),
        "about": (reverse("about"), set(ROLES), 200),
        "accessibility": (reverse("accessibility"), set(ROLES), 200),
        "privacy": (reverse("privacy"), set(ROLES), 200),
        "healthz": (reverse("healthz"), set(ROLES), 200),
        "set_language": (reverse("set_language", args=["cy"]) + "?next=/", set(ROLES), 302),
        "me": (reverse("me"), SIGNED_IN, 302),
        "audit": (reverse("audit"), {"admin"}, 200),
        "people:list": (reverse("people:list"), MANAGERS, 200),
        "people:create": (reverse("people:create"), MANAGERS, 200),
        "people:detail": (reverse("people:detail", args=[member.pk]), MANAGERS | {"member"}, 200),
        "people:update": (reverse("people:update", args=[member.pk]), MANAGERS | {"member"}, 200),
        "people:consent_create": (
            reverse("people:consent_create", args=[member.pk]),
            MANAGERS | {"member"},
            200,
        ),
        "people:consent_withdraw": (
            reverse("people:consent_withdraw", args=[member.pk, consent.pk]),
            MANAGERS | {"member"},
            200,
        ),
        "people:export": (reverse("people:export", args=[member.pk]), MANAGERS | {"member"}, 200),
        "people:erase": (reverse("people:erase", args=[member.pk]), {"admin"}, 200),
        "people:link_create": (reverse("people:link_create", args=[member.pk]), {"admin"}, 200),
        "people:link_delete": (
            reverse("people:link_delete", args=[member.pk, link.pk]),
            {"admin"},
            405,
        ),
        # Everyone signed in sets their own preferred language (never anyone else's).
        "people:language": (reverse("people:language"), SIGNED_IN, 200),
        "people:organisations": (reverse("people:organisations"), SIGNED_IN, 200),
        "people:organisation_create": (reverse("people:organisation_create"), {"admin"}, 200),
        "people:organisation_update": (
            reverse("people:organisation_update", args=[o]),
            {"admin"},
            200,
        ),
        "projects:list": (reverse("projects:list"), SIGNED_IN, 200),
        "projects:create": (reverse("projects:create"), MANAGERS, 200),
        "projects:detail": (reverse("projects:detail", args=[p]), PROJECT_VIEW, 200),
        "projects:update": (reverse("projects:update", args=[p]), PROJECT_MANAGE, 200),
        "projects:member_create": (
            reverse("projects:member_create", args=[p]),
            PROJECT_MANAGE,
            200,
        ),
        "projects:member_update": (
            reverse("projects:member_update", args=[membership.pk]),
            PROJECT_MANAGE,
            200,
        ),
        "projects:meeting_create": (
            reverse("projects:meeting_create", args=[p]),
            PROJECT_MANAGE,
            200,
        ),
        "projects:meeting": (reverse("projects:meeting", args=[m]), PROJECT_VIEW, 200),
        "projects:meeting_update": (
            reverse("projects:meeting_update", args=[m]),
            PROJECT_MANAGE,
            200,
        ),
        "projects:paper_create": (reverse("projects:paper_create", args=[m]), PROJECT_MANAGE, 200),
        "projects:attendance": (reverse("projects:attendance", args=[m]), PROJECT_MANAGE, 200),
        "projects:calendar": (reverse("projects:calendar", args=[m]), PROJECT_VIEW, 200),
        "projects:paper": (reverse("projects:paper", args=[paper.pk]), PROJECT_VIEW, 200),
        "api-1.0.0:list_projects": ("/api/v1/projects", SIGNED_IN, 200),
        "api-1.0.0:get_project": (f"/api/v1/projects/{p}", PROJECT_VIEW, 200),
        "api-1.0.0:list_meetings": (f"/api/v1/projects/{p}/meetings", PROJECT_VIEW, 200),
        "api-1.0.0:openapi-json": ("/api/v1/openapi.json", set(ROLES), 200),
        "api-1.0.0:openapi-view": ("/api/v1/docs", set(ROLES), 200),
    }
    for app_sweep in APP_SWEEPS:
        table.update(app_sweep.entries(world))
    return table


def _person(world, role):
    return None if role == "anonymous" else world[role]


OUR_APPS = (
    "core",
    "accounts",
    "people",
    "projects",
    "decisions",
    "measures",
    "reports",
    "recognition",
    "insight",
    "consultations",
)


def _state():
    """Every row of every model of ours (consents' withdrawals included)."""
    return snapshot(*OUR_APPS)


def test_sweep_covers_every_url(sweep):
    ours = {
        n
        for n in _names(get_resolver().url_patterns)
        if not n.startswith(("account_", "mfa_")) and n != "api-1.0.0:api-root"
    }
    assert ours - set(sweep) == set()


@pytest.mark.parametrize("role", ROLES)
def test_sweep_get_every_url_for_role(sweep, world, client_for, role):
    client = client_for(_person(world, role))
    failures = []
    for name, (path, allowed, ok_status) in sweep.items():
        response = client.get(path)
        if role in allowed:
            expected = ok_status
        elif name.startswith("api-"):
            expected = 401 if role == "anonymous" else 403
        else:
            expected = 302 if role == "anonymous" else 403
        if response.status_code != expected:
            failures.append((name, path, response.status_code, expected))
        if role == "anonymous" and expected == 302 and name not in ("set_language",):
            if "/accounts/login/" not in response.get("Location", ""):
                failures.append((name, path, response.get("Location"), "login redirect"))
    assert failures == []


WRITES = [
    "people:create",
    "people:update",
    "people:consent_create",
    "people:consent_withdraw",
    "people:erase",
    "people:link_create",
    "people:link_delete",
    "people:language",
    "people:organisation_create",
    "people:organisation_update",
    "projects:create",
    "projects:update",
    "projects:member_create",
    "projects:member_update",
    "projects:meeting_create",
    "projects:meeting_update",
    "projects:paper_create",
    "projects:attendance",
] + [name for app_sweep in APP_SWEEPS for name in app_sweep.writes()]


@pytest.mark.parametrize("role", ROLES)
def test_sweep_refused_writes_change_nothing(sweep, world, client_for, role):
    client = client_for(_person(world, role))
    payload = {
        "full_name": "Changed",
        "reason": "test",
        "confirm": "on",
        "purpose": "research",
        "method": "paper",
        "organisation": world["org"].pk,
        "role": "admin",
        "name": "X",
        "slug": "x",
        "kind": "trust",
        "title": "Changed",
        "purpose_text": "x",
        "scale": "team",
        "stage": "co_design",
        "status": "active",
        "organisations": [world["org"].pk],
        "person": world["outsider"].pk,
        "perspective": "carer",
        "date": "2030-01-01",
        "start_time": "10:00",
        "end_time": "11:00",
        "place": "Hall",
        "contact_preference": "email",
        "preferred_language": "en",
    }
    checked = 0
    for name in WRITES:
        path, allowed, _ = sweep[name]
        if role in allowed:
            continue
        before = _state()
        response = client.post(path, payload)
        assert response.status_code == (302 if role == "anonymous" else 403), name
        assert _state() == before, name
        checked += 1
    expected_refusals = sum(1 for n in WRITES if role not in sweep[n][1])
    assert checked == expected_refusals
