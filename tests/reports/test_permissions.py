"""Refused writes to the chain change nothing, for every role and every reports URL that takes a
POST (the shared sweep's write list does not yet read this app's writes())."""

import pytest
from django.urls import get_resolver

from coproduce.core.models import AuditEvent

from ..roles import ROLES
from ..state import snapshot
from . import sweep


def _state():
    return snapshot("reports", AuditEvent)


@pytest.mark.parametrize("role", ROLES)
def test_reports_refused_writes_change_nothing(world, client_for, role):
    table = sweep.entries(world)
    client = client_for(None if role == "anonymous" else world[role])
    payload = {
        "text": "Changed",
        "source": "public",
        "contributor_label": "Someone",
        "said_on": "2026-01-12",
        "decision": "adopted",
        "responded_on": "2026-01-12",
        "description": "Do it",
        "owner_label": "Someone",
        "name": "Measure",
        "baseline_value": "1",
        "baseline_on": "2026-01-12",
        "value": "2",
        "measured_on": "2026-01-12",
        "sent_on": "2026-01-12",
        "method": "email",
    }
    refused = [name for name in sweep.writes() if role not in table[name][1]]
    for name in refused:
        before = _state()
        response = client.post(table[name][0], payload)
        assert response.status_code == (302 if role == "anonymous" else 403), name
        assert _state() == before, name
    expected = {"anonymous": 8, "outsider": 8, "other_lead": 8, "finance": 8, "member": 7}.get(
        role, 0
    )
    assert len(refused) == expected


def test_reports_sweep_lists_every_url(world):
    resolver = next(
        p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "reports"
    )
    names = {f"reports:{p.name}" for p in resolver.url_patterns}
    assert set(sweep.entries(world)) == names
    reads = {
        "reports:chain",
        "reports:input",
        "reports:public",
        "reports:dashboard",
        "reports:organisation",
    }
    assert set(sweep.writes()) == names - reads
