"""Timeliness is counted in the database (days between two dates, written for each engine), so
it runs on PostgreSQL too."""

import datetime

import pytest

from coproduce.recognition import actions, selectors

from .helpers import hourly_rate, time_claim

pytestmark = pytest.mark.postgres


def test_timeliness_window_last_12_months(world, monkeypatch):
    hourly_rate(world["org"])
    _c, claim = time_claim(world)
    actions.approve_claim(by=None, claim=claim, on=datetime.date(2026, 3, 12))
    actions.mark_paid(by=None, claim=claim, on=datetime.date(2026, 3, 20))
    monkeypatch.setattr(selectors, "today", lambda: datetime.date(2027, 3, 19))
    assert selectors.timeliness(world["org"]) == {"count": 2, "median": 10.0, "p90": 10.0}
    monkeypatch.setattr(selectors, "today", lambda: datetime.date(2027, 3, 20))
    assert selectors.timeliness(world["org"]) == {"count": 0, "median": None, "p90": None}


def test_timeliness_counts_items_of_several_claims(world, monkeypatch):
    hourly_rate(world["org"])
    _c, first = time_claim(world, day=datetime.date(2026, 3, 10))
    actions.approve_claim(by=None, claim=first, on=datetime.date(2026, 3, 12))
    actions.mark_paid(by=None, claim=first, on=datetime.date(2026, 3, 20))
    _c, second = time_claim(world, day=datetime.date(2026, 4, 1), expense=False)
    actions.approve_claim(by=None, claim=second, on=datetime.date(2026, 4, 2))
    actions.mark_paid(by=None, claim=second, on=datetime.date(2026, 5, 1))
    monkeypatch.setattr(selectors, "today", lambda: datetime.date(2026, 12, 4))
    assert selectors.timeliness(world["org"]) == {"count": 3, "median": 10.0, "p90": 26.0}
