"""A stand-in reminder provider for the core tests."""

import datetime

from coproduce.core.reminders import Pending, Reminder

PEOPLE = []


def pending_for(person):
    return [
        Pending(title="Later thing", url="/later/", closes_at=datetime.date(2030, 1, 2)),
        Pending(title="No deadline", url="/open/"),
        Pending(
            title="Sooner thing",
            url="/soon/",
            closes_at=datetime.datetime(2030, 1, 1, 9, tzinfo=datetime.UTC),
        ),
    ]


def due(now):
    for person in PEOPLE:
        yield Reminder(
            kind="test_closing",
            object_key="thing:1",
            person=person,
            url="/soon/",
            wording=lambda: ("Closing soon", "Something closes tomorrow."),
        )
