import datetime

from django.urls import reverse
from django.utils import timezone

from coproduce.decisions import actions
from coproduce.decisions.models import Amendment, Decision, Position


def test_decision_create_happy_path(group, client_for):
    response = client_for(group["member"]).post(
        reverse("decisions:create", args=[group["project"].pk]),
        {"title": "Evening clinics", "proposal": "Open on Tuesdays.", "method": "consent"},
    )
    decision = Decision.objects.get()
    assert response["Location"] == reverse("decisions:detail", args=[decision.pk])
    assert (decision.proposer, decision.proposer_perspective) == (
        group["member"],
        "lived_experience",
    )


def test_decision_create_missing_method_redisplays(group, client_for):
    response = client_for(group["member"]).post(
        reverse("decisions:create", args=[group["project"].pk]),
        {"title": "Evening clinics", "proposal": "Open on Tuesdays."},
    )
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    assert Decision.objects.count() == 0


def test_decision_list_shows_decisions_and_filters_by_ids(group, client_for, propose):
    first = propose(title="First idea")
    propose(title="Second idea")
    client = client_for(group["member"])
    url = reverse("decisions:list", args=[group["project"].pk])
    body = client.get(url).content.decode()
    assert "First idea" in body and "Second idea" in body
    body = client.get(url, {"ids": str(first.pk)}).content.decode()
    assert "First idea" in body and "Second idea" not in body


def test_decision_detail_shows_positions_and_form(group, client_for, propose, position):
    decision = propose()
    position(decision, "carer", "object", "Too late for carers.")
    body = client_for(group["member"]).get(reverse("decisions:detail", args=[decision.pk]))
    text = body.content.decode()
    assert "Cai Carer" in text and "Carer" in text and "Too late for carers." in text
    assert reverse("decisions:position", args=[decision.pk]) in text
    assert "An objection still stands" in text


def test_decision_detail_observer_has_no_form(group, client_for, propose):
    decision = propose()
    text = client_for(group["observer"]).get(reverse("decisions:detail", args=[decision.pk]))
    assert reverse("decisions:position", args=[decision.pk]) not in text.content.decode()


def test_position_post_saves_and_redirects(group, client_for, propose):
    decision = propose()
    response = client_for(group["member"]).post(
        reverse("decisions:position", args=[decision.pk]), {"stance": "consent", "comment": ""}
    )
    assert response["Location"] == reverse("decisions:detail", args=[decision.pk])
    assert Position.objects.get().stance == "consent"


def test_position_post_objection_without_reason_redisplays(group, client_for, propose):
    decision = propose()
    response = client_for(group["member"]).post(
        reverse("decisions:position", args=[decision.pk]), {"stance": "object", "comment": ""}
    )
    assert response.status_code == 200
    assert "Give your reason, so the group can respond to it." in response.content.decode()
    assert Position.objects.count() == 0


def test_resolve_with_amendment_happy_path(group, client_for, propose, position):
    decision = propose()
    objection = position(decision, "member", "object", "Buses stop at six.")
    client = client_for(group["cochair"])
    url = reverse("decisions:resolve", args=[objection.pk])
    assert "Buses stop at six." in client.get(url).content.decode()
    response = client.post(
        url, {"note": "Finish at six.", "amended_proposal": "Open on Tuesdays until 6pm."}
    )
    assert response["Location"] == reverse("decisions:detail", args=[decision.pk])
    decision.refresh_from_db()
    assert decision.proposal == "Open on Tuesdays until 6pm."
    assert Amendment.objects.count() == 1


def test_close_happy_path(group, client_for, propose, position):
    decision = propose()
    position(decision, "member", "consent")
    review = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    response = client_for(group["staff_cochair"]).post(
        reverse("decisions:close", args=[decision.pk]),
        {"outcome": "adopted", "statement": "Agreed.", "review_date": review},
    )
    assert response["Location"] == reverse("decisions:detail", args=[decision.pk])
    decision.refresh_from_db()
    assert (decision.outcome, decision.review_date.isoformat()) == ("adopted", review)


def test_close_contradicting_rule_redisplays(group, client_for, propose, position):
    decision = propose()
    position(decision, "member", "object", "Buses.")
    response = client_for(group["cochair"]).post(
        reverse("decisions:close", args=[decision.pk]),
        {"outcome": "adopted", "statement": "Agreed."},
    )
    assert response.status_code == 200
    assert "An objection still stands" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == "open"


def test_close_withdrawn_via_form(group, client_for, propose):
    decision = propose()
    client_for(group["cochair"]).post(
        reverse("decisions:close", args=[decision.pk]),
        {"outcome": "withdrawn", "statement": "No longer needed."},
    )
    decision.refresh_from_db()
    assert (decision.status, decision.outcome) == ("closed", "withdrawn")


def test_outside_happy_path(group, client_for):
    response = client_for(group["lead"]).post(
        reverse("decisions:outside", args=[group["project"].pk]),
        {
            "title": "Clinic moves",
            "decision_text": "The clinic moves to the new hospital.",
            "organisation": group["org"].pk,
            "reason": "Estates timetable.",
        },
    )
    decision = Decision.objects.get()
    assert response["Location"] == reverse("decisions:detail", args=[decision.pk])
    assert (decision.taken_outside_group, decision.outside_organisation) == (True, group["org"])


def test_power_page_shows_figures_with_links(group, client_for, propose, position):
    decision = propose("vote", "member")
    position(decision, "member", "yes")
    actions.close_decision(by=None, decision=decision, outcome="adopted", statement="Carried.")
    body = (
        client_for(group["member"])
        .get(reverse("decisions:power", args=[group["project"].pk]))
        .content.decode()
    )
    assert "1 of 1 proposals made in the group came from a member with lived experience." in body
    assert f"?ids={decision.pk}" in body
    assert "Power-sharing figures by quarter" in body


def test_review_page_lists_due_decisions(group, client_for):
    actions.record_outside_decision(
        by=None,
        project=group["project"],
        organisation=group["org"],
        title="Review me",
        decision_text="x",
        reason="y",
        decided_at=timezone.now() - datetime.timedelta(days=60),
        review_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert (
        "Review me" in client_for(group["member"]).get(reverse("decisions:review")).content.decode()
    )
    body = client_for(group["outsider"]).get(reverse("decisions:review")).content.decode()
    assert "No decisions are due for review." in body


def test_project_detail_links_to_decisions(group, client_for, propose):
    propose(title="Evening clinics")
    body = (
        client_for(group["member"])
        .get(reverse("projects:detail", args=[group["project"].pk]))
        .content.decode()
    )
    assert "Evening clinics" in body
    assert reverse("decisions:power", args=[group["project"].pk]) in body


def test_position_post_without_stance_summary_links_first_radio(group, client_for, propose):
    decision = propose()
    response = client_for(group["member"]).post(
        reverse("decisions:position", args=[decision.pk]), {"comment": ""}
    )
    html = " ".join(response.content.decode().split())
    summary = html.split('class="nhsuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert '<a href="#id_stance" > Choose your position </a>' in summary
    assert 'class="nhsuk-radios__input" id="id_stance" name="stance" type="radio"' in html
