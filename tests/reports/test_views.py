import datetime

from django.urls import reverse
from django.utils import timezone

from coproduce.reports.models import Action, FeedbackSent, FollowUp, Input, OutcomeMeasure

from .chain import SAID_ON, build_chain

TODAY = timezone.localdate()


def test_chain_list_shows_inputs_and_counts(world, client_for):
    build_chain(world["project"], contributor=world["member"])
    build_chain(world["project"], text="Parking is impossible on clinic days.")
    body = (
        client_for(world["member"])
        .get(reverse("reports:chain", args=[world["project"].pk]))
        .content.decode()
    )
    assert "The clinic letters are hard to read." in body
    assert "Parking is impossible on clinic days." in body
    assert "2 of 2 (100%)" in body
    assert body.count("Partly adopted") == 3  # two tags and the filter option


def test_chain_list_filter_awaiting(world, client_for):
    build_chain(world["project"])
    Input.objects.create(
        project=world["project"],
        text="Music in the waiting room, please.",
        source="survey",
        contributor_label="Clinic survey",
        said_on=SAID_ON,
    )
    body = (
        client_for(world["lead"])
        .get(reverse("reports:chain", args=[world["project"].pk]), {"status": "awaiting"})
        .content.decode()
    )
    assert "Music in the waiting room, please." in body
    assert "The clinic letters are hard to read." not in body


def test_input_create_by_member(world, client_for):
    response = client_for(world["member"]).post(
        reverse("reports:input_create", args=[world["project"].pk]),
        {
            "text": "The waiting room is too cold.",
            "source": "member",
            "contributor": world["member"].pk,
            "said_on": SAID_ON.isoformat(),
        },
    )
    input = Input.objects.get()
    assert response["Location"] == reverse("reports:input", args=[input.pk])
    assert (input.text, input.contributor, input.said_on) == (
        "The waiting room is too cold.",
        world["member"],
        SAID_ON,
    )


def test_input_create_without_who_redisplays(world, client_for):
    response = client_for(world["member"]).post(
        reverse("reports:input_create", args=[world["project"].pk]),
        {"text": "Too cold.", "source": "public", "said_on": SAID_ON.isoformat()},
    )
    assert response.status_code == 200
    assert "Say who said this: a member, a meeting or a description." in response.content.decode()
    assert Input.objects.count() == 0


def test_input_detail_shows_whole_chain(world, client_for):
    input, _, _ = build_chain(world["project"], contributor=world["member"])
    body = (
        client_for(world["cochair"]).get(reverse("reports:input", args=[input.pk])).content.decode()
    )
    for text in (
        "The clinic letters are hard to read.",
        "Mo Member",
        "The national template cannot be changed locally.",
        "Rewrite the covering letter in plain language",
        "Missed appointments per month",
        "42",
        "30",
        "Mark as done",
        "Show on the public page",
    ):
        assert text in body, text


def test_respond_partly_with_reason(world, client_for):
    input = Input.objects.create(
        project=world["project"],
        text="Later clinics",
        source="member",
        contributor=world["member"],
        said_on=SAID_ON,
    )
    response = client_for(world["cochair"]).post(
        reverse("reports:respond", args=[input.pk]),
        {
            "decision": "partly_adopted",
            "reason": "Evening clinics need staff we do not have; one late clinic a month.",
            "responded_on": TODAY.isoformat(),
        },
    )
    assert response["Location"] == reverse("reports:input", args=[input.pk])
    input.refresh_from_db()
    assert (input.response.decision, input.response.responder) == (
        "partly_adopted",
        world["cochair"],
    )


def test_respond_not_adopted_without_reason_redisplays(world, client_for):
    input = Input.objects.create(
        project=world["project"],
        text="Later clinics",
        source="member",
        contributor=world["member"],
        said_on=SAID_ON,
    )
    response = client_for(world["cochair"]).post(
        reverse("reports:respond", args=[input.pk]),
        {"decision": "not_adopted", "reason": "", "responded_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert "A response that is not fully adopted needs a reason." in response.content.decode()
    assert not hasattr(Input.objects.get(pk=input.pk), "response")


def test_action_create(world, client_for):
    input, _, _ = build_chain(world["project"])
    response = client_for(world["lead"]).post(
        reverse("reports:action_create", args=[input.pk]),
        {
            "description": "Add large-print letters",
            "owner": world["cochair"].pk,
            "due_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
        },
    )
    assert response["Location"] == reverse("reports:input", args=[input.pk])
    action = Action.objects.get(description="Add large-print letters")
    assert (action.owner, action.done_on) == (world["cochair"], None)


def test_action_done(world, client_for):
    input, action, _ = build_chain(world["project"])
    response = client_for(world["admin"]).post(reverse("reports:action_done", args=[action.pk]))
    assert response["Location"] == reverse("reports:input", args=[input.pk])
    action.refresh_from_db()
    assert action.done_on == TODAY


def test_measure_create(world, client_for):
    input, _, _ = build_chain(world["project"])
    response = client_for(world["lead"]).post(
        reverse("reports:measure_create", args=[input.pk]),
        {
            "name": "Letters rated easy to read",
            "unit": "%",
            "baseline_value": "35",
            "baseline_on": SAID_ON.isoformat(),
        },
    )
    assert response["Location"] == reverse("reports:input", args=[input.pk])
    measure = OutcomeMeasure.objects.get(name="Letters rated easy to read")
    assert measure.show(measure.baseline_value) == "35%"


def test_follow_up_create(world, client_for):
    input, _, measure = build_chain(world["project"])
    response = client_for(world["cochair"]).post(
        reverse("reports:follow_up_create", args=[measure.pk]),
        {"value": "25", "measured_on": TODAY.isoformat(), "note": "After the new letters"},
    )
    assert response["Location"] == reverse("reports:input", args=[input.pk])
    assert list(
        FollowUp.objects.filter(measure=measure)
        .values_list("value", flat=True)
        .order_by("measured_on")
    ) == [30, 25]


def test_follow_up_before_baseline_redisplays(world, client_for):
    _, _, measure = build_chain(world["project"])
    response = client_for(world["cochair"]).post(
        reverse("reports:follow_up_create", args=[measure.pk]),
        {"value": "25", "measured_on": (SAID_ON - datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert "A follow-up cannot be dated before the baseline." in response.content.decode()
    assert FollowUp.objects.count() == 1


def test_feedback_create(world, client_for):
    input, _, _ = build_chain(world["project"])
    response = client_for(world["lead"]).post(
        reverse("reports:feedback_create", args=[input.pk]),
        {"sent_on": TODAY.isoformat(), "method": "newsletter", "note": "Spring newsletter"},
    )
    assert response["Location"] == reverse("reports:input", args=[input.pk])
    assert list(
        FeedbackSent.objects.filter(input=input)
        .values_list("method", flat=True)
        .order_by("sent_on")
    ) == ["email", "newsletter"]


def test_publish_toggles(world, client_for):
    input, _, _ = build_chain(world["project"])
    client = client_for(world["cochair"])
    client.post(reverse("reports:publish", args=[input.pk]))
    input.refresh_from_db()
    assert input.is_public is True
    client.post(reverse("reports:publish", args=[input.pk]))
    input.refresh_from_db()
    assert input.is_public is False


def test_project_detail_links_to_chain_and_public_page(world, client_for):
    build_chain(world["project"], is_public=True)
    body = (
        client_for(world["member"])
        .get(reverse("projects:detail", args=[world["project"].pk]))
        .content.decode()
    )
    assert reverse("reports:chain", args=[world["project"].pk]) in body
    assert reverse("reports:public", args=[world["project"].pk]) in body


def test_project_detail_nothing_published_no_public_link(world, client_for):
    build_chain(world["project"])
    client = client_for(world["member"])
    detail = client.get(reverse("projects:detail", args=[world["project"].pk])).content.decode()
    chain = client.get(reverse("reports:chain", args=[world["project"].pk])).content.decode()
    assert reverse("reports:public", args=[world["project"].pk]) not in detail
    assert reverse("reports:public", args=[world["project"].pk]) not in chain
    assert "The project has no public page until something is shown on it." in chain
