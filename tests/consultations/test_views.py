import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from coproduce.consultations import actions
from coproduce.consultations.models import (
    Consultation,
    InstrumentPermission,
    Observation,
    Response,
    Settings,
    SurveyLink,
    Team,
    TeamMember,
    Token,
)
from coproduce.core.models import AuditEvent

from ..factories import person_with_user
from .helpers import CHECKLIST, answer, checklist_ratings, open_link, team_with_people

DAY = datetime.date(2026, 3, 10)


def _survey_post(link, values=("9", "9", "9"), **extra):
    data = dict(zip(["understand", "listen", "include"], values, strict=True))
    return data | extra


def test_survey_answered_anonymously(world, client):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician)
    url = reverse("consultations:survey", args=[link.code])
    page = client.get(url)
    assert page.status_code == 200
    assert "How much effort was made to help you understand your health issues?" in page.text
    response = client.post(url, _survey_post(link))
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:survey_thanks", args=[link.code])
    # No session or other cookie for an anonymous respondent.
    assert set(response.cookies) <= {"csrftoken"}
    assert Response.objects.get().answers == {"understand": 9, "listen": 9, "include": 9}


def test_survey_missing_answer_redisplays_with_error(world, client):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician)
    url = reverse("consultations:survey", args=[link.code])
    response = client.post(url, _survey_post(link, ("9", "", "9")))
    assert response.status_code == 200
    assert "Choose an answer for this question." in response.text
    assert Response.objects.count() == 0


def test_survey_in_welsh_keeps_collaborate_items_in_english(world, client):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = client.get(reverse("consultations:survey", args=[link.code]))
    assert 'lang="cy"' in page.text
    assert (
        '<span lang="en">How much effort was made to help you understand your health issues?'
        in page.text
    )


def test_survey_used_token_refused_with_clear_message(world, client):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician, one_use=True)
    (token,) = actions.create_tokens(by=None, link=link, count=1)
    url = reverse("consultations:survey", args=[link.code])
    assert client.post(url, _survey_post(link, token=token.code)).status_code == 302
    again = client.get(f"{url}?t={token.code}")
    assert "This code has already been used." in again.text
    refused = client.post(url, _survey_post(link, token=token.code))
    assert refused.status_code == 200
    assert "This code has already been used." in refused.text
    assert Response.objects.count() == 1


def test_survey_closed_link_saves_nothing(world, client):
    team, clinician, _ = team_with_people(world)
    today = timezone.localdate()
    link = actions.create_link(
        by=None,
        team=team,
        clinician=clinician,
        instrument="collaborate-5",
        valid_from=today - datetime.timedelta(days=10),
        valid_to=today - datetime.timedelta(days=3),
    )
    url = reverse("consultations:survey", args=[link.code])
    assert "This questionnaire is closed." in client.get(url).text
    client.post(url, _survey_post(link, ("4", "4", "4")))
    assert Response.objects.count() == 0


def test_clinician_dashboard_own_only(world, client_for):
    team, clinician, _ = team_with_people(world)
    other = person_with_user(full_name="Dr Other")
    other_member = actions.add_member(by=None, team=team, person=other, role="clinician")
    mine = reverse("consultations:clinician", args=[clinician.pk])
    theirs = reverse("consultations:clinician", args=[other_member.pk])
    client = client_for(world["cochair"])
    assert client.get(mine).status_code == 200
    assert client.get(theirs).status_code == 403
    client = client_for(other)
    assert client.get(theirs).status_code == 200
    assert client.get(mine).status_code == 403
    assert client_for(world["lead"]).get(theirs).status_code == 200


def test_clinician_dashboard_minimum_rule(world, client_for):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician)
    for _n in range(24):
        answer(link, [9, 9, 9])
    answer(link, [9, 9, 8])
    actions.enter_paper_response(
        by=None, link=link, answers={"understand": 9, "listen": None, "include": 9}, received_on=DAY
    )
    client = client_for(world["cochair"])
    url = reverse("consultations:clinician", args=[clinician.pk])
    actions.set_minimum(by=None, organisation=world["org"], minimum_responses=26)
    page = client.get(url).text
    assert "Not enough responses yet" in page
    assert "gave the highest score" not in page
    actions.set_minimum(by=None, organisation=world["org"], minimum_responses=25)
    page = client.get(url).text
    # Mean score on the published 0–9 scale: (24 × 9 + 26/3) / 25 = 8.99 → 9.0.
    assert (
        "96% of patients gave the highest score on all three questions. The average score was "
        "9.0 out of 9 (25 complete responses)." in page
    )


def test_team_dashboard_shows_clinicians_to_managers_only(world, client_for):
    team, clinician, _ = team_with_people(world)
    url = reverse("consultations:team", args=[team.pk])
    assert "Cerys Cochair</a>" in client_for(world["lead"]).get(url).text
    assert "Cerys Cochair</a>" not in client_for(world["cochair"]).get(url).text


def test_organisation_dashboard_happy_path(world, client_for):
    team, clinician, _ = team_with_people(world)
    response = client_for(world["admin"]).get(
        reverse("consultations:organisation", args=[world["org"].slug])
    )
    assert response.status_code == 200
    assert "Bridge Street GPs" in response.text


def test_settings_saves_minimum(world, client_for):
    url = reverse("consultations:settings", args=[world["org"].slug])
    response = client_for(world["lead"]).post(url, {"minimum_responses": "30"})
    assert response.status_code == 302
    assert Settings.objects.get().minimum_responses == 30


def test_settings_refused_for_other_lead_changes_nothing(world, client_for):
    url = reverse("consultations:settings", args=[world["org"].slug])
    response = client_for(world["other_lead"]).post(url, {"minimum_responses": "30"})
    assert response.status_code == 403
    assert Settings.objects.count() == 0


def test_permission_view_records_wording(world, client_for):
    url = reverse("consultations:permission", args=[world["org"].slug, "care"])
    data = {
        "granted_by": "University of Glasgow",
        "granted_on": "2026-01-05",
        "reference": "Licence 12",
        "wording_en": "\n".join(f"Item {n}" for n in range(1, 11)),
        "wording_cy": "",
    }
    assert client_for(world["admin"]).post(url, data).status_code == 302
    assert InstrumentPermission.objects.get().wording == {"en": [f"Item {n}" for n in range(1, 11)]}


def test_permission_view_bad_wording_redisplays(world, client_for):
    url = reverse("consultations:permission", args=[world["org"].slug, "care"])
    data = {"granted_by": "X", "granted_on": "2026-01-05", "wording_en": "one"}
    response = client_for(world["admin"]).post(url, data)
    assert response.status_code == 200
    assert "Enter exactly 10 lines, one for each item." in response.text
    assert InstrumentPermission.objects.count() == 0


def test_permission_view_refused_for_member(world, client_for):
    url = reverse("consultations:permission", args=[world["org"].slug, "care"])
    response = client_for(world["member"]).post(url, {"granted_by": "X"})
    assert response.status_code == 403
    assert InstrumentPermission.objects.count() == 0


def test_team_create_and_member_add(world, client_for):
    client = client_for(world["lead"])
    response = client.post(
        reverse("consultations:team_create", args=[world["org"].slug]), {"name": "Ward 4"}
    )
    team = Team.objects.get()
    assert response["Location"] == reverse("consultations:team", args=[team.pk])
    response = client.post(
        reverse("consultations:member_create", args=[team.pk]),
        {"person": world["admin"].pk, "role": "clinician"},
    )
    assert response.status_code == 302
    assert TeamMember.objects.get().person == world["admin"]


def test_member_create_refused_for_clinician(world, client_for):
    team, _c, _o = team_with_people(world)
    response = client_for(world["cochair"]).post(
        reverse("consultations:member_create", args=[team.pk]),
        {"person": world["admin"].pk, "role": "clinician"},
    )
    assert response.status_code == 403
    assert TeamMember.objects.count() == 2


def test_link_create_and_qr(world, client_for):
    team, clinician, _ = team_with_people(world)
    client = client_for(world["lead"])
    today = timezone.localdate()
    response = client.post(
        reverse("consultations:link_create", args=[team.pk]),
        {
            "instrument": "collaborate-10",
            "clinician": clinician.pk,
            "valid_from": today.isoformat(),
            "valid_to": (today + datetime.timedelta(days=2)).isoformat(),
        },
    )
    link = SurveyLink.objects.get()
    assert response["Location"] == reverse("consultations:link", args=[link.pk])
    qr = client_for(world["cochair"]).get(reverse("consultations:link_qr", args=[link.pk]))
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    png = client.get(reverse("consultations:link_qr", args=[link.pk]) + "?format=png")
    assert png.content.startswith(b"\x89PNG")


def test_link_create_structure_only_not_offered_without_permission(world, client_for):
    team, clinician, _ = team_with_people(world)
    page = client_for(world["lead"]).get(reverse("consultations:link_create", args=[team.pk]))
    assert "CollaboRATE (10-point version)" in page.text
    assert "SDM-Q-9" not in page.text


def test_link_create_refused_for_observer(world, client_for):
    team, clinician, _ = team_with_people(world)
    response = client_for(world["member"]).post(
        reverse("consultations:link_create", args=[team.pk]),
        {"instrument": "collaborate-10", "valid_from": "2026-01-01", "valid_to": "2026-01-02"},
    )
    assert response.status_code == 403
    assert SurveyLink.objects.count() == 0


def test_token_batch_and_print(world, client_for):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician, one_use=True)
    client = client_for(world["cochair"])
    response = client.post(reverse("consultations:token_batch", args=[link.pk]), {"count": "6"})
    assert response["Location"] == reverse("consultations:link_print", args=[link.pk])
    assert Token.objects.count() == 6
    sheet = client.get(response["Location"]).text
    assert all(t.code in sheet for t in Token.objects.all())


def test_token_batch_refused_for_observer(world, client_for):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician, one_use=True)
    response = client_for(world["member"]).post(
        reverse("consultations:token_batch", args=[link.pk]), {"count": "6"}
    )
    assert response.status_code == 403
    assert Token.objects.count() == 0


def test_paper_entry_by_observer(world, client_for):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician)
    response = client_for(world["member"]).post(
        reverse("consultations:paper_entry", args=[link.pk]),
        {"received_on": DAY.isoformat(), "language": "cy", "understand": "5", "include": "6"},
    )
    assert response.status_code == 302
    row = Response.objects.get()
    assert (row.answers, row.language, row.source) == (
        {"understand": 5, "listen": None, "include": 6},
        "cy",
        "paper",
    )


def test_paper_entry_refused_for_clinician(world, client_for):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician)
    response = client_for(world["cochair"]).post(
        reverse("consultations:paper_entry", args=[link.pk]),
        {"received_on": DAY.isoformat(), "language": "en", "understand": "9"},
    )
    assert response.status_code == 403
    assert Response.objects.count() == 0


def test_consultation_create_and_rate(world, client_for):
    team, clinician, _ = team_with_people(world)
    client = client_for(world["member"])
    response = client.post(
        reverse("consultations:consultation_create", args=[team.pk]),
        {
            "clinician": clinician.pk,
            "instrument": CHECKLIST,
            "reference": "Video 7",
            "occurred_on": DAY.isoformat(),
            "mode": "recorded",
        },
    )
    consultation = Consultation.objects.get()
    assert response["Location"] == reverse("consultations:rate", args=[consultation.pk])
    ratings = {k: str(v) for k, v in checklist_ratings(1).items()} | {"task_close": "na"}
    response = client.post(response["Location"], ratings | {"notes": "Good opening"})
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert observation.rater == world["member"]
    assert observation.ratings["task_close"] is None
    assert observation.ratings["task_open"] == 1


def test_rate_refused_for_clinician(world, client_for):
    team, clinician, _ = team_with_people(world)
    consultation = actions.add_consultation(
        by=None,
        team=team,
        clinician=clinician,
        instrument=CHECKLIST,
        reference="R1",
        occurred_on=DAY,
        mode="observed",
    )
    response = client_for(world["cochair"]).post(
        reverse("consultations:rate", args=[consultation.pk]),
        {k: "2" for k in checklist_ratings()},
    )
    assert response.status_code == 403
    assert Observation.objects.count() == 0


def test_calibration_page_lists_differences(world, client_for):
    team, clinician, _ = team_with_people(world)
    actions.add_member(by=None, team=team, person=world["lead"], role="observer")
    c = actions.add_consultation(
        by=None,
        team=team,
        clinician=clinician,
        instrument=CHECKLIST,
        reference="R9",
        occurred_on=DAY,
        mode="observed",
    )
    actions.rate_consultation(
        by=None, consultation=c, rater=world["member"], ratings=checklist_ratings(2)
    )
    actions.rate_consultation(
        by=None, consultation=c, rater=world["lead"], ratings=checklist_ratings(2, task_open=0)
    )
    page = client_for(world["member"]).get(reverse("consultations:calibration", args=[team.pk]))
    assert "Consultation R9: Mo Member and Lee Lead" in page.text
    assert "Opens the discussion by letting the patient say" in page.text


def test_export_csv_leaves_scores_blank_below_minimum(world, client_for):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician)
    for _n in range(3):
        answer(link, [9, 9, 9])
    response = client_for(world["admin"]).get(
        reverse("consultations:export_csv", args=[world["org"].slug])
    )
    lines = response.content.decode().strip().splitlines()
    assert lines[0] == (
        "Level,Name,Questionnaire,Month (year-month),Complete responses,Minimum,Mean score,"
        "Top-box score (%),Why the score is blank"
    )
    assert lines[1] == (
        "Organisation,Dyffryn Teg Health Board,CollaboRATE (10-point version),All months,3,25,,,"
        "Fewer complete responses than the minimum"
    )
    actions.set_minimum(by=None, organisation=world["org"], minimum_responses=3)
    response = client_for(world["admin"]).get(
        reverse("consultations:export_csv", args=[world["org"].slug])
    )
    assert (
        "Organisation,Dyffryn Teg Health Board,CollaboRATE (10-point version),All months,"
        "3,3,9.0,100.0," in response.content.decode()
    )


def test_export_xlsx(world, client_for):
    response = client_for(world["lead"]).get(
        reverse("consultations:export_xlsx", args=[world["org"].slug])
    )
    assert response.status_code == 200
    assert response.content.startswith(b"PK")


def test_instruments_page_public_with_licences(client):
    page = client.get(reverse("consultations:instruments"))
    assert page.status_code == 200
    assert "CC BY-NC-ND 3.0" in page.text
    assert "MIT (part of coproduce)" in page.text


def test_audit_event_for_every_write(world):
    team, clinician, _ = team_with_people(world)
    answer(open_link(team, clinician), [1, 2, 3])
    assert list(
        AuditEvent.objects.filter(action__startswith="consultations.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "consultations.team_created",
        "consultations.member_added",
        "consultations.member_added",
        "consultations.link_created",
        "consultations.response_received",
    ]


def test_survey_unknown_token_refused(world, client):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician, one_use=True)
    url = reverse("consultations:survey", args=[link.code])
    page = client.get(f"{url}?t=NOTACODE")
    assert "This code was not recognised. Check it against your card." in page.text
    response = client.post(url, _survey_post(link, token="NOTACODE"))
    assert response.status_code == 200
    assert Response.objects.count() == 0


def test_link_qr_unknown_token_not_found(world, client_for):
    team, clinician, _ = team_with_people(world)
    link = open_link(team, clinician, one_use=True)
    response = client_for(world["lead"]).get(
        reverse("consultations:link_qr", args=[link.pk]) + "?t=NOTACODE"
    )
    assert response.status_code == 404


def test_survey_unknown_link_not_found(client, db):
    assert client.get(reverse("consultations:survey", args=["nope"])).status_code == 404
