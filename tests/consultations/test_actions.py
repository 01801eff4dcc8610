import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.consultations import actions, instruments
from coproduce.consultations.models import Response, Token
from coproduce.core.models import AuditEvent

from .helpers import answer, open_link, team_with_people

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres

DAY = datetime.date(2026, 3, 10)


def test_response_model_has_no_identifying_fields():
    names = {f.name for f in Response._meta.get_fields()}
    assert names == {
        "id",
        "link",
        "instrument",
        "answers",
        "language",
        "source",
        "received_on",
        "burst",
    }


def test_submit_response_stores_and_audits_nothing_identifying(world):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician)
    response = answer(link, [9, 8, 9], language="cy")
    row = Response.objects.values().get(pk=response.pk)
    assert row == {
        "id": response.pk,
        "link_id": link.pk,
        "instrument": "collaborate-10",
        "answers": {"understand": 9, "listen": 8, "include": 9},
        "language": "cy",
        "source": "online",
        "received_on": timezone.localdate(),
        "burst": False,
    }
    event = AuditEvent.objects.get(action="consultations.response_received")
    assert (event.actor_id, event.actor_label, event.on_behalf_of_label) == (None, "system", "")
    assert event.object_repr == f"response {response.pk}"
    assert set(event.changes) == {"link", "instrument", "answers", "language", "source"}


def test_submit_response_refuses_used_token(world):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician, one_use=True)
    (token,) = actions.create_tokens(by=None, link=link, count=1)
    answer(link, [9, 9, 9], token=token.code.lower())
    assert Token.objects.get().used_on == timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        answer(link, [1, 1, 1], token=token.code)
    assert exc.value.message_dict["token"] == [
        "This code has already been used. Each code can be used only once, so these answers "
        "cannot be sent again."
    ]
    assert Response.objects.count() == 1


def test_submit_response_one_use_link_needs_a_code(world):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician, one_use=True)
    with pytest.raises(ValidationError) as exc:
        answer(link, [9, 9, 9])
    assert exc.value.message_dict["token"] == ["Enter the code printed on your card."]


def test_submit_response_refused_outside_window(world):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician)
    with pytest.raises(ValidationError):
        answer(link, [9, 9, 9], day=link.valid_to + datetime.timedelta(days=1))
    assert Response.objects.count() == 0


def test_submit_response_online_requires_every_answer(world):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician)
    with pytest.raises(ValidationError) as exc:
        answer(link, [9, None, 9])
    assert list(exc.value.message_dict) == ["listen"]


def test_enter_paper_response_keeps_missing_answers(world):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician)
    response = actions.enter_paper_response(
        by=world["lead"].user,
        link=link,
        answers={"understand": "9", "listen": "", "include": "7"},
        received_on=DAY,
    )
    assert response.answers == {"understand": 9, "listen": None, "include": 7}
    assert response.source == "paper"
    assert (
        AuditEvent.objects.get(action="consultations.paper_entered").actor_id
        == world["lead"].user.pk
    )


def test_create_link_structure_only_needs_permission(world):
    team, clinician, _ = team_with_people(world)
    with pytest.raises(ValidationError):
        open_link(team, clinician, instrument="sdm-q-9")
    actions.record_permission(
        by=None,
        organisation=world["org"],
        instrument="sdm-q-9",
        granted_by="Licence holder",
        granted_on=DAY,
        wording_en="\n".join(f"Statement {n}" for n in range(1, 10)),
    )
    link = open_link(team, clinician, instrument="sdm-q-9")
    assert link.instrument == "sdm-q-9"


def test_record_permission_verbatim_english_cannot_change(world):
    with pytest.raises(ValidationError) as exc:
        actions.record_permission(
            by=None,
            organisation=world["org"],
            instrument="collaborate-10",
            granted_by="The authors",
            granted_on=DAY,
            wording_en="a\nb\nc",
            wording_cy="a\nb\nc",
        )
    assert "wording_en" in exc.value.message_dict


def test_record_permission_wrong_number_of_lines(world):
    with pytest.raises(ValidationError) as exc:
        actions.record_permission(
            by=None,
            organisation=world["org"],
            instrument="care",
            granted_by="Licence holder",
            granted_on=DAY,
            wording_en="only one line",
        )
    assert exc.value.message_dict["wording_en"] == ["Enter exactly 10 lines, one for each item."]


def test_collaborate_items_verbatim_english_only():
    instrument = instruments.get("collaborate-10")
    assert [i.text for i in instrument.items] == [
        {"en": "How much effort was made to help you understand your health issues?"},
        {
            "en": "How much effort was made to listen to the things that matter most to you "
            "about your health issues?"
        },
        {
            "en": "How much effort was made to include what matters most to you in choosing "
            "what to do next?"
        },
    ]
    assert [o.label for o in instrument.options("cy")][::9] == [
        "0 No effort was made",
        "9 Every effort was made",
    ]
    assert instruments.get("collaborate-5").maximum_value == 4


def test_structure_only_instruments_ship_no_wording():
    for key, count in (("sdm-q-9", 9), ("option5", 5), ("care", 10)):
        instrument = instruments.get(key)
        assert len(instrument.items) == count
        assert all(item.text == {} for item in instrument.items)


def test_checklist_in_english_and_welsh():
    instrument = instruments.get("coproductive-consultation-checklist")
    assert len([i for i in instrument.items if i.group == "tasks"]) == 7
    assert all(i.text["en"] and i.text["cy"] for i in instrument.items)


def test_set_minimum_changes_what_is_shown(world):
    actions.set_minimum(by=None, organisation=world["org"], minimum_responses=3)
    assert actions.minimum_for(world["org"]) == 3
    with pytest.raises(ValidationError):
        actions.set_minimum(by=None, organisation=world["org"], minimum_responses=0)


def test_rate_consultation_again_replaces_ratings(world):
    from .helpers import CHECKLIST, checklist_ratings

    team, clinician, _ = team_with_people(world)
    c = actions.add_consultation(
        by=None,
        team=team,
        clinician=clinician,
        instrument=CHECKLIST,
        reference="R1",
        occurred_on=DAY,
        mode="observed",
    )
    actions.rate_consultation(
        by=None, consultation=c, rater=world["member"], ratings=checklist_ratings(1)
    )
    obs = actions.rate_consultation(
        by=None, consultation=c, rater=world["member"], ratings=checklist_ratings(2, task_open="na")
    )
    assert c.observations.count() == 1
    assert obs.ratings["task_open"] is None
    assert obs.ratings["task_close"] == 2


def test_personal_data_lists_roles_and_ratings_given(world):
    from coproduce.consultations.personal_data import export_for

    from .helpers import CHECKLIST, checklist_ratings

    team, clinician, _ = team_with_people(world)
    c = actions.add_consultation(
        by=None,
        team=team,
        clinician=clinician,
        instrument=CHECKLIST,
        reference="R1",
        occurred_on=DAY,
        mode="observed",
    )
    actions.rate_consultation(
        by=None, consultation=c, rater=world["member"], ratings=checklist_ratings(2)
    )
    data = export_for(world["member"])
    assert data["consultation_teams"] == [
        {
            "team": "Bridge Street GPs",
            "organisation": "Dyffryn Teg Health Board",
            "role": "observer",
        }
    ]
    assert data["consultation_ratings_given"][0]["consultation"] == "R1"
    assert export_for(world["cochair"])["consultation_ratings_given"] == []
