"""The demo's pulses: no hidden group can be read off by subtraction, and the crisis pathway
review (once one community member beside eight lived-experience and three professional ones,
whose rung and every answer could be read off as Everyone minus the other two) shows every
group and its perception gap."""

from collections import Counter
from itertools import combinations

import pytest

from coproduce.measures import selectors
from coproduce.measures.models import Pulse, PulseResponse
from coproduce.measures.readiness import group_of
from coproduce.site import demo

pytestmark = pytest.mark.slow


def _vector(figures, rungs, principles):
    values = [figures.n, *(figures.rung_counts[r] for r in rungs)]
    for key in principles:
        p = figures.principles[key]
        values += [p.counts[v] for v in (1, 2, 3, 4, 5)] + [p.dont_know]
    return values


def _true_vector(pulse, group, rungs, principles):
    """A group's figures straight from its responses, shown or not."""
    responses = [
        r
        for r in PulseResponse.objects.filter(pulse=pulse).prefetch_related("agreements__principle")
        if group_of(r.perspective) == group
    ]
    counts = Counter(r.rung.key for r in responses)
    values = [len(responses), *(counts[r] for r in rungs)]
    for key in principles:
        given = Counter(
            next(a.agreement for a in r.agreements.all() if a.principle.key == key)
            for r in responses
        )
        values += [given[v] for v in (1, 2, 3, 4, 5)] + [given[None]]
    return values


def test_demo_pulses_hidden_groups_cannot_be_subtracted(db):
    demo.load()
    seen = {}
    for pulse in Pulse.objects.select_related("project").order_by("id"):
        pulse = selectors.pulse_detail(pulse.pk)
        result, _texts = selectors.pulse_result(pulse)
        rungs = [item.key for item in pulse.ladder.items.all()]
        principles = [item.key for item in pulse.principles.items.all()]
        everyone = _vector(result.overall, rungs, principles)
        shown = [_vector(f, rungs, principles) for f in result.groups.values() if f.shown]
        for group, figures in result.groups.items():
            if figures.shown or not figures.n:
                continue
            secret = _true_vector(pulse, group, rungs, principles)
            for size in range(len(shown) + 1):
                for parts in combinations(shown, size):
                    rest = [e - sum(p[i] for p in parts) for i, e in enumerate(everyone)]
                    assert rest != secret
        seen.setdefault(pulse.project.title, []).append(
            ({g: (f.n, f.shown) for g, f in result.groups.items()}, result.gap.rung)
        )
    assert seen["Mental health crisis pathway review"] == [
        ({"lived": (8, True), "professional": (3, True), "community": (3, True)}, -4.5),
        ({"lived": (8, True), "professional": (3, True), "community": (3, True)}, -3.0),
    ]
