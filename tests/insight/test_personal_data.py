"""A study-team member's export includes their insight work; erasure renames their coder."""

from coproduce.insight import actions
from coproduce.insight.models import Coder
from coproduce.people import actions as people_actions
from coproduce.people.selectors import person_export_data

from .sweep import build


def test_personal_data_export_lists_study_role_and_codings(world):
    build(world)
    export = person_export_data(world["member"])
    assert export["insight_studies"] == [{"study": "Barriers to coproduction", "role": "coder"}]
    assert export["insight_coding"] == [
        {"study": "Barriers to coproduction", "codings": 1, "memos": []}
    ]


def test_personal_data_erase_pseudonymises_coder_and_keeps_codings(world):
    objects = build(world)
    member = world["member"]
    coder = Coder.objects.get(person=member)
    actions.write_memo(by=member.user, study=objects["study"], text="Strong theme")
    people_actions.erase_person(by=world["admin"].user, person=member, reason="Request")
    coder.refresh_from_db()
    assert coder.name == f"Erased person {member.pk}"
    assert coder.codings.count() == 1
