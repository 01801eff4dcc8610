"""What is waiting for someone (shown on their home page) and reminders before it closes.

Each app that asks members for something provides a module `coproduce.<app>.reminders` (found
by `core.discovery`, so core never names an app) with:

- `pending_for(person) -> list[Pending]`: open things waiting for this person's answer;
- `due(now) -> Iterable[Reminder]`: reminders that should go out now (closing soon, due for
  review). The job sends each (kind, object, person) once.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .discovery import app_modules


@dataclass(frozen=True)
class Pending:
    title: str  # e.g. "Readiness check: Diabetes clinic"
    url: str
    closes_at: datetime.datetime | datetime.date | None = None
    # For something due for review rather than closing: the date it was (or is) due.
    review_due: datetime.date | None = None


@dataclass(frozen=True)
class Reminder:
    kind: str  # e.g. "pulse_closing"
    object_key: str  # e.g. "pulse:12"
    person: object  # people.Person
    url: str
    # Called inside the person's language, returns (subject, first line of the body).
    wording: Callable[[], tuple[str, str]]


def _providers():
    return app_modules("reminders")


def pending_for(person) -> list[Pending]:
    if person is None:
        return []
    items: list[Pending] = []
    for module in _providers():
        items.extend(module.pending_for(person))
    far_future = datetime.datetime.max.replace(tzinfo=datetime.UTC)

    def closes(item: Pending):
        value = item.closes_at
        if value is None:
            return far_future
        if not isinstance(value, datetime.datetime):
            value = datetime.datetime.combine(value, datetime.time.max, tzinfo=datetime.UTC)
        return value

    return sorted(items, key=closes)


def due(now) -> Iterable[Reminder]:
    for module in _providers():
        yield from module.due(now)
