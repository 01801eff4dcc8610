"""Try to undo small-group suppression by subtraction, on the pages as rendered.

Four lived-experience members, three professionals and one community member answer. The
community member is too few to show. Before secondary suppression, "Everyone" minus the two
shown groups was that one person: their rung and every principle answer could be read off. Each
test reads the figures a member sees and tries every combination of them.
"""

import re
from collections import Counter
from itertools import combinations, combinations_with_replacement
from statistics import median

import pytest
from django.urls import reverse

from coproduce.measures import actions

from ..tables import table
from .conftest import CRITERIA, PRINCIPLES, add_members

RUNGS = [
    "coercion",
    "educating",
    "informing",
    "consultation",
    "engagement",
    "co_design",
    "co_production",
]
# perspective -> [(rung, {principle: 1-5 or None (don't know)})], one per respondent
ANSWERS = {
    "lived_experience": [
        ("consultation", dict(zip(PRINCIPLES, [2, 2, 3, None, 2, 1], strict=True))),
        ("engagement", dict(zip(PRINCIPLES, [3, 2, 2, 2, 3, 2], strict=True))),
        ("engagement", dict(zip(PRINCIPLES, [2, 3, None, 2, 2, 2], strict=True))),
        ("co_design", dict(zip(PRINCIPLES, [3, 3, 3, 3, 2, 3], strict=True))),
    ],
    "professional": [
        ("co_design", dict(zip(PRINCIPLES, [4, 4, 5, 4, 4, 4], strict=True))),
        ("co_production", dict(zip(PRINCIPLES, [5, 4, 4, 4, None, 5], strict=True))),
        ("co_production", dict(zip(PRINCIPLES, [4, 5, 4, 5, 4, 4], strict=True))),
    ],
    # The one community member, with answers no one else gives in that combination.
    "community": [("coercion", dict(zip(PRINCIPLES, [1, None, 2, 5, 3, None], strict=True)))],
}


def _vector(rows):
    """n, then people on each rung, then for each principle the count of 1..5 and don't know:
    every number the pulse page shows for a group."""
    rungs = Counter(rung for rung, _a in rows)
    values = [len(rows), *(rungs[r] for r in RUNGS)]
    for key in PRINCIPLES:
        given = Counter(a[key] for _r, a in rows)
        values += [given[v] for v in (1, 2, 3, 4, 5)] + [given[None]]
    return values


def _page_vectors(body):
    """Column label -> the same vector, read from the page's tables."""
    rungs = table(body, "Number of members choosing each rung")["rows"]
    columns = {}
    for index, heading in enumerate(rungs[0][1:], start=1):
        label, n = re.fullmatch(r"(.+) \((\d+)\)", heading).groups()
        counts = [int(row[index]) for row in rungs[1 : 1 + len(RUNGS)]]
        principles = table(body, f"Agreement with each principle: {label} (")["rows"][1:]
        values = [int(n), *counts]
        for row in principles:
            values += [int(cell) for cell in row[1:7]]  # 1..5 and don't know
        columns[label] = values
    return columns


def _minus(a, b):
    return [x - y for x, y in zip(a, b, strict=True)]


def _parts(vector):
    """n, rung counts, and each principle's counts: each compared on its own."""
    return [vector[:1], vector[1:8]] + [vector[8 + 6 * i : 14 + 6 * i] for i in range(6)]


@pytest.fixture
def answered_pulse(world, pulse_):
    for perspective, rows in ANSWERS.items():
        people = add_members(world["project"], perspective, len(rows))
        for person, (rung, agreements) in zip(people, rows, strict=True):
            actions.respond_to_pulse(
                by=None, pulse=pulse_, person=person, rung=rung, agreements=agreements
            )
    return pulse_


def test_pulse_page_subtraction_never_gives_the_hidden_group(answered_pulse, world, client_for):
    body = client_for(world["member"]).get(reverse("measures:pulse", args=[answered_pulse.pk]))
    body = body.content.decode()
    shown = _page_vectors(body)
    assert "8 members have responded." in body
    everyone = shown.pop("Everyone")
    assert everyone[0] == 8
    hidden = {p: _vector(rows) for p, rows in ANSWERS.items() if p != "lived_experience"}
    # Every combination: Everyone minus any set of shown groups.
    for size in range(len(shown) + 1):
        for groups in combinations(shown.values(), size):
            rest = everyone
            for group in groups:
                rest = _minus(rest, group)
            for secret in hidden.values():
                for found, true in zip(_parts(rest), _parts(secret), strict=True):
                    assert found != true
    # Professionals (3), the next-smallest group, are hidden to protect the community member.
    assert list(shown) == ["Lived experience"]
    assert "Not shown on their own: Professional or staff, Community." in body
    # The attack itself works: had the professionals been shown, as before, Everyone minus the
    # two groups would be the community member exactly.
    exposed = _minus(_minus(everyone, shown["Lived experience"]), hidden["professional"])
    assert exposed == hidden["community"]


def test_pulse_page_names_why_a_group_is_hidden(answered_pulse, world, client_for):
    body = client_for(world["member"]).get(reverse("measures:pulse", args=[answered_pulse.pk]))
    gap = table(body.content.decode(), "Medians of lived-experience and professional members")
    assert gap["rows"][1] == [
        "Rung on the ladder (1 to 7)",
        "5",
        "Hidden to protect a smaller group",
        "Too few to show",
    ]
    assert (
        "The gap cannot be shown: one of the two perspectives is hidden so that a smaller "
        "perspective cannot be worked out from “Everyone”." in body.content.decode()
    )


def test_pulse_list_trend_hides_the_same_group(answered_pulse, world, client_for):
    body = client_for(world["member"]).get(
        reverse("measures:pulse_list", args=[world["project"].pk])
    )
    trend = table(body.content.decode(), "Median rung by perspective and the perception gap")
    assert trend["rows"][1][1:] == ["Engagement", "Hidden to protect a smaller group", "–"]


def test_project_dashboard_pulse_subtraction_never_gives_the_hidden_group(
    answered_pulse, world, client_for
):
    body = client_for(world["member"]).get(reverse("reports:dashboard", args=[world["project"].pk]))
    rows = table(body.content.decode(), "Latest pulse: median rung by perspective")["rows"][1:]
    assert rows == [
        ["Lived experience", "4", "Engagement"],
        [
            "Professional or staff",
            "Hidden to protect a smaller group",
            "Hidden to protect a smaller group",
        ],
        ["Community", "fewer than 3", "Too few to show"],
    ]
    # The pulse page says 8 responded: 8 minus the shown groups is 4, not the community's 1.
    shown = [int(n) for _label, n, _rung in rows if n.isdigit()]
    for size in range(len(shown) + 1):
        for groups in combinations(shown, size):
            assert 8 - sum(groups) not in (1, 3)


# Readiness: four lived-experience ratings 1, 1, 2, 2; three professional 3, 3, 3; one
# community 0, for every criterion. Everyone's median is 2.
READINESS = {"lived_experience": [1, 1, 2, 2], "professional": [3, 3, 3], "community": [0]}


def test_readiness_round_page_hides_next_smallest_and_cannot_be_solved(round_, world, client_for):
    for perspective, ratings in READINESS.items():
        for person, rating in zip(
            add_members(world["project"], perspective, len(ratings)), ratings, strict=True
        ):
            actions.answer_readiness(
                by=None, round=round_, person=person, ratings=dict.fromkeys(CRITERIA, rating)
            )
    body = client_for(world["member"]).get(reverse("measures:readiness_round", args=[round_.pk]))
    body = body.content.decode()
    result = table(body, "Median rating for each criterion by perspective")
    assert result["rows"][0][1:5] == [
        "Everyone",
        "Lived experience",
        "Professional or staff",
        "Community",
    ]
    for row in result["rows"][1:]:
        assert row[1:6] == [
            "2",
            "1.5",
            "Hidden to protect a smaller group",
            "Too few to show",
            "0",
        ]
    # The attack: someone who knows every lived-experience rating (1, 1, 2, 2) and sees
    # Everyone's median (2) tries every professional rating set and community rating. More than
    # one community rating fits, so the page does not give it away.
    fits = {
        community
        for professional in combinations_with_replacement(range(4), 3)
        for community in range(4)
        if median([1, 1, 2, 2, *professional, community]) == 2
    }
    assert fits == {0, 1, 2, 3}
