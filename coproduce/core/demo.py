"""What every app's demo loader shares: the sign-ins' password, the demo health board's slug,
the sign-in table, and the context the site-level loader (coproduce.site.demo) hands each app's
`demo.load(ctx)`. Kept in core so the apps' demo modules depend only on core."""

import datetime
import random
from dataclasses import dataclass, field

PASSWORD = "demo-coproduce-2026"
HEALTH_BOARD_SLUG = "dyffryn-teg-health-board"
SIGN_INS = [
    ("Organisation admin", "admin@demo.coproduce.test", PASSWORD),
    ("Coproduction lead", "lead@demo.coproduce.test", PASSWORD),
    ("Co-chair with lived experience", "cochair@demo.coproduce.test", PASSWORD),
    ("Staff co-chair (clinician)", "clinician@demo.coproduce.test", PASSWORD),
    ("Project member with lived experience", "member@demo.coproduce.test", PASSWORD),
    ("Signed-in person without a project", "visitor@demo.coproduce.test", PASSWORD),
    # Created by coproduce.recognition.demo (the finance officer belongs to that part).
    ("Finance officer", "finance@demo.coproduce.test", PASSWORD),
    # Created by coproduce.consultations.demo: sees the GP practice's consultation measures.
    ("Practice manager", "practice-manager@demo.coproduce.test", PASSWORD),
]


@dataclass
class DemoContext:
    """What each app's demo loader (coproduce/<app>/demo.py) builds on."""

    rng: random.Random
    now: datetime.datetime
    organisations: dict  # "board", "practice", "community" -> Organisation
    people: dict  # "admin", "lead", "cochair", "clinician", "member", "visitor" -> Person
    others: list  # (Person, perspective code) for the 54 other people
    projects: list = field(default_factory=list)  # in PROJECTS order
    by: object = None  # the actor recorded in the audit trail (None: the system)
