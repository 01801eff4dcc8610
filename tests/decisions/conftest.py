import pytest

from coproduce.decisions import actions

from ..factories import MembershipFactory, person_with_user


@pytest.fixture
def group(world):
    """The world's project with a staff co-chair, a staff member, a carer and an observer too."""
    project = world["project"]
    people = dict(world)
    for key, name, role, perspective in [
        ("staff_cochair", "Sam Staffchair", "co_chair", "professional"),
        ("staff", "Pat Professional", "member", "professional"),
        ("carer", "Cai Carer", "member", "carer"),
        ("observer", "Olwen Observer", "observer", "lived_experience"),
    ]:
        person = person_with_user(full_name=name)
        MembershipFactory(project=project, person=person, role=role, perspective=perspective)
        people[key] = person
    return people


@pytest.fixture
def propose(group):
    def make(method="consent", proposer="cochair", **extra):
        fields = {
            "title": "Evening clinics",
            "proposal": "Open the clinic on Tuesday evenings.",
            "notify": False,
        } | extra
        return actions.propose_decision(
            by=group[proposer].user,
            project=group["project"],
            proposer=group[proposer],
            method=method,
            **fields,
        )

    return make


@pytest.fixture
def position(group):
    def take(decision, who, stance, comment="", **extra):
        if stance in ("object", "block", "advice") and not comment:
            comment = "A reason."
        return actions.set_position(
            by=group[who].user,
            decision=decision,
            person=group[who],
            stance=stance,
            comment=comment,
            **extra,
        )

    return take
