"""Time goes to an organisation that can pay it, no claim is sent that nobody can
process or that has no rate, the finance queue opens on what needs action, and claims and
months are worded for people (not "Claim 215" or "2026-12")."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from coproduce.recognition import actions
from coproduce.recognition.models import Claim, Contribution

from ..factories import MembershipFactory, OrganisationFactory, ProjectFactory, person_with_user
from ..state import snapshot
from .helpers import DAY, choose, hourly_rate, time_claim


@pytest.fixture
def two_orgs(world):
    """The world's board (rates, a finance officer) runs a project with a community charity
    that has neither; the charity sorts first by name."""
    charity = OrganisationFactory(name="Cwm Community Charity", slug="cwm", kind="community")
    project = ProjectFactory(title="Memory café", organisations=[world["org"], charity])
    MembershipFactory(project=project, person=world["member"], perspective="carer")
    hourly_rate(world["org"], amount="25.00")
    return world | {"charity": charity, "cafe": project}


def _record(world, **kwargs):
    return actions.record_contribution(
        by=world["member"].user,
        person=world["member"],
        project=world["cafe"],
        activity_type="meeting",
        date=DAY,
        minutes=120,
        **kwargs,
    )


def test_record_contribution_default_goes_to_organisation_that_pays(two_orgs):
    contribution = _record(two_orgs)
    assert contribution.organisation == two_orgs["org"]


def test_record_contribution_default_without_rates_goes_to_organisation_with_finance(two_orgs):
    c = actions.record_contribution(
        by=None,
        person=two_orgs["member"],
        project=two_orgs["cafe"],
        activity_type="training",  # no rate anywhere: the board still processes claims
        date=DAY,
        minutes=60,
    )
    assert c.organisation == two_orgs["org"]


def test_submit_claim_where_nobody_processes_claims_refused(two_orgs):
    choose(two_orgs["member"], "time_credits")
    _record(two_orgs, organisation=two_orgs["charity"])
    before = snapshot("recognition", "core")
    with pytest.raises(ValidationError) as exc:
        actions.submit_claim(
            by=None, person=two_orgs["member"], organisation=two_orgs["charity"], submitted_on=DAY
        )
    assert exc.value.message_dict == {
        "organisation": [
            "Nobody at Cwm Community Charity processes claims yet, so this claim could not be "
            "dealt with. Ask them to name a finance officer."
        ]
    }
    assert snapshot("recognition", "core") == before


def test_submit_claim_without_rate_refused(world):
    choose(world["member"], "payment")
    actions.record_contribution(
        by=None,
        person=world["member"],
        project=world["project"],
        activity_type="meeting",
        date=DAY,
        minutes=60,
    )
    before = snapshot("recognition", "core")
    with pytest.raises(ValidationError) as exc:
        actions.submit_claim(
            by=None, person=world["member"], organisation=world["org"], submitted_on=DAY
        )
    assert exc.value.message_dict == {
        "organisation": [
            "Dyffryn Teg Health Board has no rate for Meeting on 10 March 2026, so this time "
            "cannot be paid yet. Ask its finance team to add one, then send the claim."
        ]
    }
    assert snapshot("recognition", "core") == before


def test_submit_claim_time_credits_without_rate_allowed(world):
    _c, claim = time_claim(world, choice="time_credits", expense=False)
    assert (claim.status, claim.organisation) == ("submitted", world["org"])


def test_contribution_create_message_names_paying_organisation(two_orgs, client_for):
    client = client_for(two_orgs["member"])
    response = client.post(
        reverse("recognition:contribution_create"),
        {
            "project": two_orgs["cafe"].pk,
            "organisation": "",
            "activity_type": "meeting",
            "date": DAY.isoformat(),
            "minutes": "120",
        },
        follow=True,
    )
    assert Contribution.objects.get().organisation == two_orgs["org"]
    assert (
        "Your time has been recorded for Dyffryn Teg Health Board, which pays for time on "
        "Memory café." in response.content.decode()
    )


def test_contribution_create_message_warns_nobody_processes_claims(two_orgs, client_for):
    response = client_for(two_orgs["member"]).post(
        reverse("recognition:contribution_create"),
        {
            "project": two_orgs["cafe"].pk,
            "organisation": two_orgs["charity"].pk,
            "activity_type": "meeting",
            "date": DAY.isoformat(),
            "minutes": "60",
        },
        follow=True,
    )
    assert (
        "Your time has been recorded for Cwm Community Charity. Nobody there processes "
        "claims yet, so you cannot claim for it until they name a finance officer."
        in response.content.decode()
    )


def test_claim_create_offers_only_organisations_that_process_claims(two_orgs, client_for):
    choose(two_orgs["member"], "payment")
    _record(two_orgs)
    _record(two_orgs, organisation=two_orgs["charity"])
    response = client_for(two_orgs["member"]).get(reverse("recognition:claim_create"))
    text = response.content.decode()
    options = re.findall(r'<option value="(\d*)"\s*>([^<]*)</option>', text)
    assert options == [
        ("", "Choose an option"),
        (str(two_orgs["org"].pk), "Dyffryn Teg Health Board"),
    ]
    assert (
        "Time or expenses you gave to this organisation cannot be claimed yet, because nobody "
        "there processes claims: Cwm Community Charity." in text
    )


def test_claim_create_post_to_organisation_nobody_processes_changes_nothing(two_orgs, client_for):
    choose(two_orgs["member"], "payment")
    _record(two_orgs, organisation=two_orgs["charity"])
    client = client_for(two_orgs["member"])
    before = snapshot("recognition", "core")
    response = client.post(
        reverse("recognition:claim_create"), {"organisation": two_orgs["charity"].pk}
    )
    assert response.status_code == 200
    assert snapshot("recognition", "core") == before


def test_claim_detail_shows_expected_total_before_approval(world, client_for):
    _c, claim = time_claim(world)  # 2 hours at £20.00, and a £4.50 bus fare
    body = client_for(world["member"]).get(reverse("recognition:claim", args=[claim.pk]))
    text = body.content.decode()
    assert 'Expected total</dt><dd class="nhsuk-summary-list__value">£44.50<br>' in text
    assert "£40.00 (expected)" in text
    assert "<title>Claim by Mo Member, 10 March 2026 – coproduce</title>" in text


def _claim_in(world, status, day):
    person = person_with_user(full_name=f"Gwen {status.title()} Jones", preferred_name="Gwen")
    MembershipFactory(project=world["project"], person=person)
    _c, claim = time_claim(world, person=person, day=day, expense=status != "queried")
    if status == "queried":
        actions.query_claim(by=None, claim=claim, note="Which bus?", on=day)
    if status in ("approved", "paid"):
        actions.approve_claim(by=None, claim=claim, on=day)
    if status == "paid":
        actions.mark_paid(by=None, claim=claim, on=day)
    return claim


def _claim_links(html):
    return [int(pk) for pk in re.findall(r'href="/recognition/claims/(\d+)/"', html)]


def test_queue_opens_on_claims_needing_action(world, client_for):
    paid = _claim_in(world, "paid", datetime.date(2026, 1, 5))
    queried = _claim_in(world, "queried", datetime.date(2026, 1, 10))
    approved = _claim_in(world, "approved", datetime.date(2026, 1, 20))
    sent = _claim_in(world, "submitted", datetime.date(2026, 2, 1))
    client = client_for(world["finance"])
    path = reverse("recognition:queue", args=[world["org"].slug])
    text = client.get(path).content.decode()
    assert _claim_links(text) == [sent.pk, approved.pk, queried.pk]
    assert "Gwen Submitted Jones" in text
    assert "1 entry of time, 1 expense" in text
    assert "1 entry of time, no expenses" in text
    everything = client.get(path, {"status": "all"}).content.decode()
    assert _claim_links(everything) == [sent.pk, approved.pk, queried.pk, paid.pk]


def test_totals_months_by_name_in_either_language(world, client_for):
    _c, claim = time_claim(world)
    actions.approve_claim(by=None, claim=claim, on=datetime.date(2026, 3, 12))
    actions.mark_paid(by=None, claim=claim, on=datetime.date(2026, 3, 20))
    client = client_for(world["lead"])
    path = reverse("recognition:totals", args=[world["org"].slug])
    english = client.get(path).content.decode()
    assert '<td class="nhsuk-table__cell">March 2026</td>' in english
    assert "2026-03" not in english
    client.cookies["coproduce_language"] = "cy"
    welsh = client.get(path).content.decode()
    with translation.override("cy"):
        month = translation.gettext("March")
    assert f'<td class="nhsuk-table__cell">{month} 2026</td>' in welsh


def test_totals_lead_allowed_other_lead_and_member_refused(world, client_for):
    path = reverse("recognition:totals", args=[world["org"].slug])
    assert client_for(world["lead"]).get(path).status_code == 200
    assert client_for(world["other_lead"]).get(path).status_code == 403
    assert client_for(world["member"]).get(path).status_code == 403
    # Leads still may not see the queue, rates or exports (who was paid what).
    assert (
        client_for(world["lead"])
        .get(reverse("recognition:queue", args=[world["org"].slug]))
        .status_code
        == 403
    )


def test_statement_links_lead_to_totals(world, client_for):
    body = client_for(world["lead"]).get(reverse("recognition:statement")).content.decode()
    assert (
        f'<a class="nhsuk-link" href="/organisations/{world["org"].slug}/recognition/">'
        "Recognition totals: Dyffryn Teg Health Board</a>" in body
    )


def test_claim_sent_message_names_organisation(world, client_for):
    choose(world["member"], "payment")
    hourly_rate(world["org"])
    actions.record_contribution(
        by=None,
        person=world["member"],
        project=world["project"],
        activity_type="meeting",
        date=DAY,
        minutes=60,
    )
    response = client_for(world["member"]).post(
        reverse("recognition:claim_create"), {"organisation": world["org"].pk}, follow=True
    )
    assert Claim.objects.get().organisation == world["org"]
    assert "Your claim has been sent to Dyffryn Teg Health Board." in response.content.decode()
