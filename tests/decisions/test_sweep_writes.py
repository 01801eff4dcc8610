"""A refused write to any decisions URL changes nothing (the main sweep's write check, for this
app's URLs from sweep.writes())."""

import pytest

from coproduce.core.models import AuditEvent

from ..roles import ROLES
from ..state import snapshot
from . import sweep


def _state():
    return snapshot("decisions", AuditEvent)


@pytest.mark.parametrize("role", ROLES)
def test_sweep_decisions_refused_writes_change_nothing(world, client_for, role):
    table = sweep.entries(world)
    client = client_for(None if role == "anonymous" else world[role])
    payload = {
        "title": "Changed",
        "proposal": "Changed",
        "method": "vote",
        "stance": "consent",
        "note": "Resolved",
        "amended_proposal": "Changed",
        "outcome": "withdrawn",
        "statement": "Changed",
        "decision_text": "Changed",
        "organisation": world["org"].pk,
        "reason": "Changed",
    }
    refused = 0
    for name in sweep.writes():
        path, allowed, _ = table[name]
        if role in allowed:
            continue
        before = _state()
        response = client.post(path, payload)
        assert response.status_code == (302 if role == "anonymous" else 403), name
        assert _state() == before, name
        refused += 1
    assert refused == sum(1 for n in sweep.writes() if role not in table[n][1])


def test_sweep_decisions_writes_are_every_post_url(world):
    assert set(sweep.writes()) == set(sweep.entries(world)) - {
        "decisions:list",
        "decisions:detail",
        "decisions:power",
        "decisions:review",
    }
