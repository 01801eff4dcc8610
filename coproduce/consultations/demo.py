"""Demo data for this app, called by coproduce.site.demo.load().

Bridge Street Surgery's GP team: four clinicians handing out CollaboRATE links (Dr Priya Nair,
the demo clinician sign-in, well above the minimum of 25 responses; one other above it; two
below it, so their dashboards say "not enough responses yet"), a practice manager who leads, and
two observers who rate recorded consultations with the checklist, some of them both.
"""

import datetime

from coproduce.accounts import actions as account_actions
from coproduce.people import actions as people_actions

from . import actions, instruments

PRACTICE_MANAGER_EMAIL = "practice-manager@demo.coproduce.test"
CHECKLIST = "coproductive-consultation-checklist"
# Items this practice finds hardest (the profile shows them as least coproductive).
HARD = {"task_agree", "skill_goals", "skill_confidence", "patient_action", "skill_ice"}


def _ratings(rng, quality: float) -> dict:
    ratings = {}
    for item in instruments.get(CHECKLIST).items:
        if item.key in ("skill_beliefs", "skill_confidence", "skill_goals") and rng.random() < 0.2:
            ratings[item.key] = "na"  # not a long-term condition consultation
            continue
        chance = quality - (0.35 if item.key in HARD else 0)
        roll = rng.random()
        ratings[item.key] = 2 if roll < chance else (1 if roll < chance + 0.3 else 0)
    return ratings


def load(ctx) -> None:
    """ctx: see coproduce.core.demo.DemoContext."""
    from coproduce.core.demo import PASSWORD

    rng, by = ctx.rng, ctx.by
    today = ctx.now.date()
    practice = ctx.organisations["practice"]

    def person(name, email=""):
        return people_actions.create_person(
            by=by,
            full_name=name,
            preferred_name=name.split()[-2]
            if name.startswith(("Dr ", "Nurse "))
            else name.split()[0],
            email=email,
            perspectives=["professional"],
            special_category_consent=True,
            consent_method="paper",
        )

    manager = person("Eluned Prosser", PRACTICE_MANAGER_EMAIL)
    account_actions.create_account(
        by=by, person=manager, email=PRACTICE_MANAGER_EMAIL, password=PASSWORD
    )
    people_actions.link_organisation(
        by=by, person=manager, organisation=practice, role="lead", job_title="Practice manager"
    )
    others = {
        "rees": person("Dr Owain Rees"),
        "pritchard": person("Nurse Gwen Pritchard"),
        "okafor": person("Dr Femi Okafor"),
        "trainer": person("Dr Huw Morgan"),
    }
    for p, title in [
        (others["rees"], "GP"),
        (others["pritchard"], "Practice nurse"),
        (others["okafor"], "GP registrar"),
        (others["trainer"], "GP trainer"),
    ]:
        people_actions.link_organisation(
            by=by, person=p, organisation=practice, role="staff", job_title=title
        )

    team = actions.create_team(by=by, organisation=practice, name="Bridge Street GP team")
    clinicians = {
        "nair": actions.add_member(
            by=by, team=team, person=ctx.people["clinician"], role="clinician"
        ),
    }
    for key in ("rees", "pritchard", "okafor"):
        clinicians[key] = actions.add_member(by=by, team=team, person=others[key], role="clinician")
    observers = [
        actions.add_member(by=by, team=team, person=manager, role="observer"),
        actions.add_member(by=by, team=team, person=others["trainer"], role="observer"),
    ]

    # Patient-reported: CollaboRATE 0–9, collected over the last four months.
    start = today - datetime.timedelta(days=120)
    plan = {"nair": (110, 0.62), "rees": (40, 0.45), "pritchard": (14, 0.7), "okafor": (19, 0.35)}
    for key, (count, top_share) in plan.items():
        link = actions.create_link(
            by=by,
            team=team,
            clinician=clinicians[key],
            instrument="collaborate-10",
            valid_from=start,
            valid_to=today + datetime.timedelta(days=60),
        )
        for n in range(count):
            day = start + datetime.timedelta(days=rng.randint(0, 120))
            if rng.random() < top_share:
                answers = [9, 9, 9]
            else:
                answers = [rng.randint(4, 9) for _item in range(3)]
            keyed = dict(zip(("understand", "listen", "include"), answers, strict=True))
            if n % 15 == 14:
                # A paper form with a question left blank: kept, never scored.
                keyed["listen"] = None
                actions.enter_paper_response(
                    by=by, link=link, answers=keyed, received_on=day, language="en"
                )
            else:
                actions.submit_response(
                    link=link, answers=keyed, language=rng.choice(["en", "en", "cy"]), day=day
                )
    # A team link with one-use codes, ready to print.
    coded = actions.create_link(
        by=by,
        team=team,
        instrument="collaborate-5",
        valid_from=today,
        valid_to=today + datetime.timedelta(days=14),
        one_use=True,
    )
    actions.create_tokens(by=by, link=coded, count=12)

    # Observed: recorded consultations rated with the checklist; most rated by both observers.
    for n in range(10):
        key = ["nair", "rees"][n % 2]
        consultation = actions.add_consultation(
            by=by,
            team=team,
            clinician=clinicians[key],
            instrument=CHECKLIST,
            reference=f"Recording {n + 1:02d}",
            occurred_on=today - datetime.timedelta(days=7 * (10 - n)),
            mode="recorded",
        )
        quality = 0.7 if key == "nair" else 0.55
        first = _ratings(rng, quality)
        actions.rate_consultation(
            by=by, consultation=consultation, rater=observers[0].person, ratings=first
        )
        if n < 8:
            # The second rater mostly agrees, sometimes one step apart.
            second = {
                k: (
                    v
                    if v == "na" or rng.random() < 0.8
                    else max(0, min(2, v + rng.choice([-1, 1])))
                )
                for k, v in first.items()
            }
            actions.rate_consultation(
                by=by, consultation=consultation, rater=observers[1].person, ratings=second
            )
