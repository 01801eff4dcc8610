"""Building blocks for the consultations tests, written through the actions."""

import datetime

from django.utils import timezone

from coproduce.consultations import actions

CHECKLIST = "coproductive-consultation-checklist"


def team_with_people(world):
    """A team in the world's organisation: the co-chair is its clinician, the member observes."""
    team = actions.create_team(by=None, organisation=world["org"], name="Bridge Street GPs")
    clinician = actions.add_member(by=None, team=team, person=world["cochair"], role="clinician")
    observer = actions.add_member(by=None, team=team, person=world["member"], role="observer")
    return team, clinician, observer


def open_link(team, clinician=None, *, instrument="collaborate-10", one_use=False):
    today = timezone.localdate()
    return actions.create_link(
        by=None,
        team=team,
        clinician=clinician,
        instrument=instrument,
        valid_from=today - datetime.timedelta(days=1),
        valid_to=today + datetime.timedelta(days=30),
        one_use=one_use,
    )


def answer(link, values, **kwargs):
    keys = ["understand", "listen", "include"]
    return actions.submit_response(
        link=link, answers=dict(zip(keys, values, strict=True)), **kwargs
    )


def checklist_ratings(value=2, **overrides):
    from coproduce.consultations import instruments

    ratings = {item.key: value for item in instruments.get(CHECKLIST).items}
    ratings.update(overrides)
    return ratings
