"""A refused write to any measures URL changes nothing (the main sweep's write check, for this
app's URLs from sweep.writes()), and answering follows the documented roles."""

import pytest

from coproduce.core.models import AuditEvent

from ..factories import MembershipFactory, person_with_user
from ..roles import ROLES
from ..state import snapshot
from . import sweep


def _state():
    return snapshot("measures", AuditEvent)


@pytest.mark.parametrize("role", ROLES)
def test_sweep_measures_refused_writes_change_nothing(world, client_for, role):
    table = sweep.entries(world)
    client = client_for(None if role == "anonymous" else world[role])
    payload = {"closes_on": "2030-01-01", "rung": "co_design", "more_equal": "x"}
    for key in sweep_keys():
        payload[key] = "2"
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


def sweep_keys():
    criteria = ["authority", "shared_aims", "right_scale", "measurable_outcomes", "resources"]
    principles = ["assets", "capacity", "mutuality", "networks", "blurring_roles", "catalysts"]
    return [f"rating_{k}" for k in criteria + ["everyone_delivers"]] + [
        f"agreement_{k}" for k in principles
    ]


def test_sweep_measures_writes_are_every_post_url(world):
    assert set(sweep.writes()) == set(sweep.entries(world)) - {
        "measures:frameworks",
        "measures:framework",
        "measures:readiness",
        "measures:readiness_round",
        "measures:pulse_list",
        "measures:pulse",
    }


def test_sweep_measures_observer_may_view_but_not_answer(world, client_for):
    table = sweep.entries(world)
    observer = person_with_user()
    MembershipFactory(project=world["project"], person=observer, role="observer")
    client = client_for(observer)
    assert client.get(table["measures:pulse"][0]).status_code == 200
    assert client.get(table["measures:pulse_respond"][0]).status_code == 403
    assert client.get(table["measures:readiness_answer"][0]).status_code == 403
