import pytest

PERMS = [
    "decisions.view_decision",
    "decisions.propose_decision",
    "decisions.take_position",
    "decisions.manage_decision",
]


def _perms(user, obj):
    return {perm: user.has_perm(perm, obj) for perm in PERMS}


def test_rules_lived_experience_cochair_same_powers_as_staff_cochair(group, propose, position):
    decision = propose()
    objection = position(decision, "member", "object", "Buses.")
    for obj in (group["project"], decision, objection):
        lived = _perms(group["cochair"].user, obj)
        staff = _perms(group["staff_cochair"].user, obj)
        assert lived == staff == dict.fromkeys(PERMS, True)


@pytest.mark.parametrize(
    "who,expected",
    [
        ("member", {"view": True, "propose": True, "position": True, "manage": False}),
        ("carer", {"view": True, "propose": True, "position": True, "manage": False}),
        ("observer", {"view": True, "propose": True, "position": False, "manage": False}),
        ("lead", {"view": True, "propose": True, "position": False, "manage": True}),
        ("admin", {"view": True, "propose": True, "position": False, "manage": True}),
        ("other_lead", {"view": False, "propose": False, "position": False, "manage": False}),
        ("outsider", {"view": False, "propose": False, "position": False, "manage": False}),
    ],
)
def test_rules_by_role(group, propose, who, expected):
    decision = propose()
    perms = _perms(group[who].user, decision)
    assert {
        "view": perms["decisions.view_decision"],
        "propose": perms["decisions.propose_decision"],
        "position": perms["decisions.take_position"],
        "manage": perms["decisions.manage_decision"],
    } == expected
