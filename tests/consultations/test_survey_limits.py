"""Anonymous surveys cannot be flooded: answers are rate-limited per client address and per link
in the shared (database) cache, and a burst of identical answers is left out of the figures."""

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.urls import reverse

from coproduce.consultations import actions, selectors
from coproduce.consultations.models import Response
from coproduce.core.models import AuditEvent

from .helpers import answer, open_link, team_with_people

KEYS = ["understand", "listen", "include"]


def _post(client, link, values, address="203.0.113.1"):
    data = dict(zip(KEYS, [str(v) for v in values], strict=True))
    return client.post(reverse("consultations:survey", args=[link.code]), data, REMOTE_ADDR=address)


def _varied(n):
    """n different sets of answers, so no burst of identical answers is involved."""
    return [(n % 10, (n // 10) % 10, 9) for n in range(n)]


def _link(world):
    team, clinician, _ = team_with_people(world)
    return team, clinician, open_link(team, clinician)


# Rate limits


def test_survey_limit_per_client_refuses_eleventh_answer(world, client):
    _team, _clinician, link = _link(world)
    statuses = [_post(client, link, values).status_code for values in _varied(10)]
    refused = _post(client, link, (5, 5, 5))
    assert statuses == [302] * 10
    assert refused.status_code == 429
    assert "Too many answers just now" in refused.text
    assert "your answers have not been sent" in refused.text
    assert Response.objects.count() == 10
    # Someone else, at another address, can still answer.
    assert _post(client, link, (5, 5, 5), address="198.51.100.7").status_code == 302


def test_survey_limit_per_client_is_per_link(world, client):
    team, clinician, link = _link(world)
    other = open_link(team, clinician)
    for values in _varied(10):
        _post(client, link, values)
    assert _post(client, link, (5, 5, 5)).status_code == 429
    assert _post(client, other, (5, 5, 5)).status_code == 302


def test_survey_limit_per_link_caps_many_addresses(world, client):
    team, clinician, link = _link(world)
    statuses = [
        _post(client, link, values, address=f"192.0.2.{n}").status_code
        for n, values in enumerate(_varied(30), start=1)
    ]
    assert statuses == [302] * 30
    assert _post(client, link, (5, 5, 5), address="192.0.2.200").status_code == 429
    assert Response.objects.filter(link=link).count() == 30
    assert _post(client, open_link(team, clinician), (5, 5, 5)).status_code == 302


def test_survey_limit_refused_page_in_welsh(world, client):
    _team, _clinician, link = _link(world)
    client.get(reverse("set_language", args=["cy"]) + "?next=/")
    for values in _varied(10):
        _post(client, link, values)
    refused = _post(client, link, (5, 5, 5))
    assert refused.status_code == 429
    assert "Gormod o atebion ar hyn o bryd" in refused.text


def test_survey_limit_counts_held_in_shared_database_cache(world, client):
    _team, _clinician, link = _link(world)
    for values in _varied(3):
        _post(client, link, values)
    # Not a per-process cache: the counts are rows of the database's cache table, which every
    # worker and server reads.
    assert isinstance(caches["default"], DatabaseCache)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM coproduce_cache")
        keys = [row[0] for row in cursor.fetchall()]
    limits = [k for k in keys if ":rl:coproduce.consultations:" in k]
    assert len(limits) == 3  # the client's limit and the link's two
    # A second cache client, as another worker process would have, sees the same counts.
    other_worker = DatabaseCache("coproduce_cache", {})
    assert all(len(other_worker.get(k.split(":", 2)[2])) == 3 for k in limits)


# Bursts of identical answers


def test_survey_burst_of_identical_answers_left_out_of_figures(world, client, client_for):
    _team, clinician, link = _link(world)
    actions.set_minimum(by=None, organisation=world["org"], minimum_responses=1)
    answer(link, [9, 8, 9])
    answer(link, [7, 8, 9])
    statuses = [
        _post(client, link, (0, 0, 0), address=f"192.0.2.{n}").status_code for n in range(1, 6)
    ]
    assert statuses == [302] * 5
    assert (
        list(Response.objects.filter(burst=True).values_list("answers", flat=True))
        == [{"understand": 0, "listen": 0, "include": 0}] * 5
    )
    figures = selectors.dashboard(organisation=world["org"], clinician=clinician)["figures"]
    assert [f.overall.count for f in figures] == [2]
    event = AuditEvent.objects.get(action="consultations.burst_flagged")
    assert event.changes == {
        "burst": [[], sorted(Response.objects.filter(burst=True).values_list("pk", flat=True))]
    }
    # The lead sees how many were left out and can look at them; the clinician sees the count.
    lead = client_for(world["lead"])
    page = lead.get(reverse("consultations:link", args=[link.pk])).text
    assert "5 of them are left out of the figures" in page
    assert reverse("consultations:link_excluded", args=[link.pk]) in page
    excluded = lead.get(reverse("consultations:link_excluded", args=[link.pk])).text
    assert "5 answers are left out." in excluded
    assert excluded.count('<td class="nhsuk-table__cell">0</td>') == 15
    team_page = lead.get(reverse("consultations:team", args=[link.team_id])).text
    assert "5 answers left out as a burst of identical answers" in team_page
    own = client_for(world["cochair"]).get(reverse("consultations:link", args=[link.pk])).text
    assert "5 of them are left out of the figures" in own
    assert reverse("consultations:link_excluded", args=[link.pk]) not in own


def test_survey_four_identical_answers_not_a_burst(world, client):
    _team, _clinician, link = _link(world)
    for n in range(1, 5):
        _post(client, link, (0, 0, 0), address=f"192.0.2.{n}")
    _post(client, link, (1, 0, 0), address="192.0.2.5")
    assert Response.objects.filter(link=link).count() == 5
    assert Response.objects.filter(burst=True).count() == 0
    assert not AuditEvent.objects.filter(action="consultations.burst_flagged").exists()


def test_submit_response_burst_flags_earlier_arrivals_only_within_window(world):
    _team, _clinician, link = _link(world)
    zeros = {"understand": 0, "listen": 0, "include": 0}

    def send(at):
        return actions.submit_response(link=link, answers=zeros, arrived_at=at).pk

    early = send(1000.0)
    burst = [send(at) for at in (1700.0, 1800.0, 1900.0, 2000.0)]
    assert Response.objects.filter(burst=True).count() == 0
    burst.append(send(2300.0))  # five within 600 s of 1700; 1000 is too long before
    assert sorted(Response.objects.filter(burst=True).values_list("pk", flat=True)) == burst
    assert Response.objects.get(pk=early).burst is False


def test_submit_response_without_arrival_time_never_flagged(world):
    _team, _clinician, link = _link(world)
    for _n in range(6):
        answer(link, [0, 0, 0])
    assert Response.objects.filter(burst=True).count() == 0
