import datetime
import re

from django.urls import reverse
from django.utils import timezone

from coproduce.core.models import AuditEvent
from coproduce.measures import actions
from coproduce.measures.models import Pulse, PulseResponse, ReadinessAnswer, ReadinessRound

from .conftest import add_members, all_agreements, all_ratings


def _readiness_post(value="2", **overrides):
    data = {}
    for key in ("authority", "shared_aims", "right_scale", "measurable_outcomes", "resources"):
        data[f"rating_{key}"] = overrides.get(key, value)
    data["rating_everyone_delivers"] = overrides.get("everyone_delivers", value)
    return data


def _pulse_post(rung="co_design", value="4"):
    data = {"rung": rung, "more_equal": "Share the budget."}
    for key in ("assets", "capacity", "mutuality", "networks", "blurring_roles", "catalysts"):
        data[f"agreement_{key}"] = value
    return data


def test_readiness_overview_shows_latest_and_comparison(round_, world, client_for):
    project = world["project"]
    for person in add_members(project, "professional", 3):
        actions.answer_readiness(by=None, round=round_, person=person, ratings=all_ratings(3))
    actions.close_readiness_round(by=None, round=round_)
    second = actions.open_readiness_round(by=None, project=project, notify=False)
    body = client_for(world["member"]).get(reverse("measures:readiness", args=[project.pk]))
    body = body.content.decode()
    assert "6 of 6 criteria are met." in body
    # The newest round has no answers yet, so the latest result is the first round's.
    assert "The approach that fits now: Co-production." in body
    assert "Criteria met in each readiness check" in body
    assert "Criteria met: 6 in the first check and 0 in the latest of 2." in body
    assert reverse("measures:readiness_answer", args=[second.pk]) in body


def test_readiness_open_view_by_cochair(world, frameworks, client_for):
    response = client_for(world["cochair"]).post(
        reverse("measures:readiness_open", args=[world["project"].pk]), {"closes_on": ""}
    )
    round_ = ReadinessRound.objects.get()
    assert response["Location"] == reverse("measures:readiness_round", args=[round_.pk])
    assert round_.closes_on is None


def test_readiness_open_view_refused_while_open_redisplays(round_, world, client_for):
    response = client_for(world["lead"]).post(
        reverse("measures:readiness_open", args=[world["project"].pk]), {}
    )
    assert response.status_code == 200
    assert "A readiness check is already open. Close it first." in response.content.decode()
    assert ReadinessRound.objects.count() == 1


def test_readiness_answer_view_form_and_save(round_, world, client_for):
    client = client_for(world["member"])
    url = reverse("measures:readiness_answer", args=[round_.pk])
    page = re.sub(r"\s+", " ", client.get(url).content.decode())
    assert (
        '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s" > Authority </legend>'
        in page
    )
    assert "Everyone in delivery and evaluation" in page
    assert "People will help deliver and evaluate the work, not only design it." in page
    response = client.post(
        url, _readiness_post("3", authority="dont_know") | {"comment_resources": "Small budget"}
    )
    assert response["Location"] == reverse("measures:readiness_round", args=[round_.pk])
    ratings = dict(ReadinessAnswer.objects.values_list("criterion__key", "rating"))
    assert ratings == all_ratings(3, authority=None)
    assert ReadinessAnswer.objects.get(criterion__key="resources").comment == "Small budget"
    # The form shows the saved answers for changing.
    page = client.get(url).content.decode()
    assert 'value="dont_know" checked' in page
    assert "Small budget" in page


def test_readiness_answer_view_missing_answer_redisplays(round_, world, client_for):
    data = _readiness_post()
    del data["rating_resources"]
    response = client_for(world["member"]).post(
        reverse("measures:readiness_answer", args=[round_.pk]), data
    )
    assert response.status_code == 200
    assert "Choose an answer for Resources, time and support." in response.content.decode()
    assert ReadinessAnswer.objects.count() == 0


def test_readiness_round_view_result_and_recommendation(round_, world, client_for):
    project = world["project"]
    for person in add_members(project, "lived_experience", 3):
        actions.answer_readiness(by=None, round=round_, person=person, ratings=all_ratings(0))
    for person in add_members(project, "professional", 3):
        actions.answer_readiness(
            by=None,
            round=round_,
            person=person,
            ratings=all_ratings(3, everyone_delivers=1),
            comments={"authority": "The board is keen."},
        )
    body = client_for(world["member"]).get(reverse("measures:readiness_round", args=[round_.pk]))
    body = body.content.decode()
    assert "0 of 6 criteria are met. Perspectives disagree on 5 criteria." in body
    assert "Perspectives disagree" in body
    assert "Consultation" in body
    assert "Senior leaders would need to take an active part" in body
    # Members see totals, never others' comments or names.
    assert "The board is keen." not in body
    assert "Each member’s answers" not in body
    manager = client_for(world["lead"]).get(reverse("measures:readiness_round", args=[round_.pk]))
    assert "The board is keen." in manager.content.decode()


def test_readiness_close_view(round_, world, client_for):
    response = client_for(world["cochair"]).post(
        reverse("measures:readiness_close", args=[round_.pk])
    )
    assert response["Location"] == reverse("measures:readiness_round", args=[round_.pk])
    round_.refresh_from_db()
    assert round_.closed_at is not None


def test_pulse_list_view(pulse_, world, client_for):
    body = client_for(world["member"]).get(
        reverse("measures:pulse_list", args=[world["project"].pk])
    )
    body = body.content.decode()
    assert "Pulses in this project" in body
    assert reverse("measures:pulse_respond", args=[pulse_.pk]) in body


def test_pulse_open_view(world, frameworks, client_for):
    day = timezone.localdate() + datetime.timedelta(days=10)
    response = client_for(world["lead"]).post(
        reverse("measures:pulse_open", args=[world["project"].pk]), {"closes_on": day.isoformat()}
    )
    pulse = Pulse.objects.get()
    assert response["Location"] == reverse("measures:pulse", args=[pulse.pk])
    assert pulse.closes_on == day


def test_pulse_respond_view(pulse_, world, client_for):
    client = client_for(world["member"])
    url = reverse("measures:pulse_respond", args=[pulse_.pk])
    page = client.get(url).content.decode()
    assert "Where does the project sit on the ladder of co-production now?" in page
    response = client.post(url, _pulse_post("consultation", "dont_know"))
    assert response["Location"] == reverse("measures:pulse", args=[pulse_.pk])
    response = PulseResponse.objects.get()
    assert response.rung.key == "consultation"
    assert set(response.agreements.values_list("agreement", flat=True)) == {None}
    assert 'value="consultation" checked' in client.get(url).content.decode()


def test_pulse_results_view_never_names_respondents(pulse_, world, client_for):
    project = world["project"]
    lived = add_members(project, "lived_experience", 3)
    staff = add_members(project, "professional", 3)
    for i, person in enumerate(lived):
        actions.respond_to_pulse(
            by=person.user,
            pulse=pulse_,
            person=person,
            rung="consultation",
            agreements=all_agreements(2),
            more_equal=f"Idea number {i}",
        )
    for person in staff:
        actions.respond_to_pulse(
            by=person.user,
            pulse=pulse_,
            person=person,
            rung="co_production",
            agreements=all_agreements(4),
        )
    body = client_for(world["lead"]).get(reverse("measures:pulse", args=[pulse_.pk]))
    body = body.content.decode()
    assert (
        "Lived-experience members place the project 3 rungs lower than professional members "
        "(median)." in body
    )
    assert "Idea number 0" in body and "Idea number 2" in body
    for person in lived + staff:
        assert person.display_name not in body
        assert person.email not in body
    events = AuditEvent.objects.filter(action="pulse.respond")
    assert events.count() == 6
    for event in events:
        assert event.changes == {}
        assert all(p.display_name not in event.object_repr for p in lived + staff)


def test_pulse_results_view_small_groups_hidden(pulse_, world, client_for):
    member = world["member"]
    actions.respond_to_pulse(
        by=member.user,
        pulse=pulse_,
        person=member,
        rung="coercion",
        agreements=all_agreements(1),
        more_equal="A very identifying remark",
    )
    body = client_for(world["cochair"]).get(reverse("measures:pulse", args=[pulse_.pk]))
    body = body.content.decode()
    assert "Fewer than 3 members have responded, so results are not shown yet." in body
    assert "A very identifying remark" not in body
    assert "Change your response" not in body  # the co-chair has not responded


def test_pulse_close_view(pulse_, world, client_for):
    response = client_for(world["lead"]).post(reverse("measures:pulse_close", args=[pulse_.pk]))
    assert response["Location"] == reverse("measures:pulse", args=[pulse_.pk])
    pulse_.refresh_from_db()
    assert pulse_.closed_at is not None
