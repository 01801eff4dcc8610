"""Spotting a burst of identical survey answers (someone sending the same answers again and
again through a link), so the figures leave them out. Pure: no database, no clock.

A burst is THRESHOLD or more online answers through one link, all identical, arriving within
WINDOW_SECONDS of each other (first to last). Every answer in such a run is flagged, the ones
before the threshold was reached as well. Different answers never form a burst together, and
paper forms typed in by staff are never counted (a pile of identical forms is ordinary).

Genuine patients often give identical answers (top marks on every question is common), so the
threshold is set well above what one clinic's patients send in ten minutes."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

THRESHOLD = 5
WINDOW_SECONDS = 10 * 60


@dataclass(frozen=True)
class Arrival:
    response_id: int
    at: float  # seconds, from any fixed origin
    answers: str  # fingerprint(answers)


def fingerprint(answers: dict) -> str:
    """The same text for the same answers, whatever the order of the keys."""
    canonical = json.dumps(answers, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def burst_members(
    arrivals, *, threshold: int = THRESHOLD, window: float = WINDOW_SECONDS
) -> set[int]:
    """The response ids of every arrival that is part of a burst."""
    by_answers = defaultdict(list)
    for arrival in arrivals:
        by_answers[arrival.answers].append(arrival)
    members = set()
    for same in by_answers.values():
        same.sort(key=lambda a: (a.at, a.response_id))
        first = 0
        # A sliding window over identical answers: [first, last] spans at most `window`.
        for last in range(len(same)):
            while same[last].at - same[first].at > window:
                first += 1
            if last - first + 1 >= threshold:
                members.update(a.response_id for a in same[first : last + 1])
    return members
