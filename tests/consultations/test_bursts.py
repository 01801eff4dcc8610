"""Spotting a burst of identical survey answers: the pure rule, pinned to worked examples."""

from coproduce.consultations.bursts import Arrival, burst_members, fingerprint

A = fingerprint({"understand": 0, "listen": 0, "include": 0})
B = fingerprint({"understand": 9, "listen": 9, "include": 9})


def test_burst_members_hand_worked_example():
    # Threshold 3 within 60 seconds (first to last, inclusive).
    # A at 0, 10, 50: three within 50 s, a burst: 1, 2, 4.
    # A at 200, 255, 300, 315: 200 to 315 is too long; 255, 300, 315 span exactly 60 s, a
    # burst: 7, 8, 9. 200 is never within 60 s of two others, so 5 is not flagged.
    # B at 20 and 230: different answers never join A, and two are not a burst.
    arrivals = [
        Arrival(1, 0, A),
        Arrival(2, 10, A),
        Arrival(3, 20, B),
        Arrival(4, 50, A),
        Arrival(5, 200, A),
        Arrival(6, 230, B),
        Arrival(7, 255, A),
        Arrival(8, 300, A),
        Arrival(9, 315, A),
    ]
    assert burst_members(arrivals, threshold=3, window=60) == {1, 2, 4, 7, 8, 9}


def test_burst_members_order_of_arrival_list_does_not_matter():
    arrivals = [Arrival(4, 50, A), Arrival(1, 0, A), Arrival(2, 10, A)]
    assert burst_members(arrivals, threshold=3, window=60) == {1, 2, 4}


def test_burst_members_defaults_thirty_zeros_in_thirty_seconds():
    arrivals = [Arrival(n, n, A) for n in range(1, 31)]
    assert burst_members(arrivals) == set(range(1, 31))


def test_burst_members_defaults_four_identical_not_a_burst():
    arrivals = [Arrival(n, n, A) for n in range(1, 5)] + [Arrival(5, 5, B)]
    assert burst_members(arrivals) == set()


def test_burst_members_defaults_five_over_more_than_ten_minutes_not_a_burst():
    spread = [Arrival(1, 0, A), Arrival(2, 150, A), Arrival(3, 300, A), Arrival(4, 450, A)]
    assert burst_members([*spread, Arrival(5, 601, A)]) == set()
    assert burst_members([*spread, Arrival(5, 600, A)]) == {1, 2, 3, 4, 5}


def test_fingerprint_ignores_key_order():
    assert fingerprint({"b": 1, "a": None}) == fingerprint({"a": None, "b": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})
