"""The demo dataset: a fictional Welsh health board, its partners, 60 people and 6 projects,
then each app's own demo data on top (coproduce/<app>/demo.py).

Loaded through the same actions the product uses, so the audit trail is real. Idempotent: if the
demo health board exists, nothing is changed.
"""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from coproduce.accounts import actions as account_actions
from coproduce.core.demo import HEALTH_BOARD_SLUG, PASSWORD, SIGN_INS, DemoContext
from coproduce.core.discovery import app_modules
from coproduce.people import actions as people_actions
from coproduce.people.models import AccessNeedCode, Organisation, PerspectiveCode
from coproduce.projects import actions as project_actions

from .generate import generated

FIRST = [
    "Angharad",
    "Bethan",
    "Carys",
    "Dafydd",
    "Eleri",
    "Ffion",
    "Gareth",
    "Gwen",
    "Huw",
    "Iolo",
    "Lowri",
    "Meinir",
    "Nia",
    "Owain",
    "Rhian",
    "Rhys",
    "Sioned",
    "Tomos",
    "Aled",
    "Catrin",
    "Amira",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Femi",
    "Grace",
    "Hassan",
    "Jack",
    "Kiran",
]
LAST = [
    "Jones",
    "Williams",
    "Davies",
    "Evans",
    "Thomas",
    "Roberts",
    "Hughes",
    "Lewis",
    "Morgan",
    "Griffiths",
    "Price",
    "Owen",
    "Rees",
    "Jenkins",
    "Pritchard",
    "Ahmed",
    "Okafor",
    "Khan",
]
INTERESTS = [
    "diabetes care",
    "mental health services",
    "maternity",
    "dementia and carers",
    "cancer pathways",
    "learning disability",
    "GP access",
    "community transport",
    "young carers",
    "stroke rehabilitation",
]

PROJECTS = [
    {
        "title": "Redesigning the diabetes clinic",
        "purpose": "Make the diabetes clinic work for people who use it, from booking to review.",
        "shared_aims": "Fewer missed appointments; reviews that start from what matters to the "
        "person; information in Welsh and English.",
        "scale": "service",
        "stage": "co_design",
        "status": "active",
    },
    {
        "title": "Memory café partnership",
        "purpose": "Run monthly memory cafés with people living with dementia and their carers.",
        "shared_aims": "Carers and people with dementia plan and host every café.",
        "scale": "team",
        "stage": "co_deliver",
        "status": "active",
    },
    {
        "title": "Mental health crisis pathway review",
        "purpose": "Evaluate the new crisis line with people who have used it.",
        "shared_aims": "An evaluation designed, carried out and reported with people with lived "
        "experience.",
        "scale": "organisation",
        "stage": "co_assess",
        "status": "active",
    },
    {
        "title": "Community transport priorities",
        "purpose": "Decide together which transport schemes the health board funds next year.",
        "shared_aims": "A shared list of priorities and a fair way of choosing between them.",
        "scale": "region",
        "stage": "co_commission",
        "status": "planning",
    },
    {
        "title": "Maternity voices group",
        "purpose": "Improve antenatal information with parents who have recently used the service.",
        "shared_aims": "Leaflets and classes written with parents, in both languages.",
        "scale": "service",
        "stage": "co_design",
        "status": "paused",
    },
    {
        "title": "GP practice health champions",
        "purpose": "Volunteers and practice staff run health checks and social prescribing.",
        "shared_aims": "Champions and staff share the running of the programme.",
        "scale": "team",
        "stage": "co_deliver",
        "status": "closed",
    },
]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def is_loaded() -> bool:
    return Organisation.objects.filter(slug=HEALTH_BOARD_SLUG).exists()


@transaction.atomic
def load() -> bool:
    """Load the demo; returns False (and changes nothing) if it is already there, or if the
    database holds generated data (coproduce.site.generate), which has its own demo sign-ins."""
    if is_loaded() or generated():
        return False
    rng = random.Random(2026)
    by = None  # the system, recorded as such in the audit trail
    board = people_actions.create_organisation(
        by=by,
        name="Dyffryn Teg University Health Board",
        slug=HEALTH_BOARD_SLUG,
        kind="health_board",
        description="A fictional Welsh health board used for the demonstration.",
        require_mfa_for_staff=False,
    )
    practice = people_actions.create_organisation(
        by=by,
        name="Bridge Street Surgery",
        slug="bridge-street-surgery",
        kind="gp_practice",
        description="A fictional GP practice in the health board's area.",
    )
    community = people_actions.create_organisation(
        by=by,
        name="Cyswllt Cymunedol Community Link",
        slug="cyswllt-cymunedol",
        kind="community",
        description="A fictional peer-support and volunteering charity.",
    )
    orgs = [board, practice, community]

    def person(name, perspectives, *, needs=(), language="en", email="", interests=""):
        return people_actions.create_person(
            by=by,
            full_name=name,
            # "Dr Priya Nair" is Priya, not "Dr".
            preferred_name=next(
                w for w in name.split() if w not in ("Dr", "Mr", "Mrs", "Ms", "Miss", "Prof")
            ),
            email=email,
            preferred_language=language,
            contact_preference="email" if email else rng.choice(["phone", "post"]),
            phone=f"01632 {rng.randint(100000, 999999)}",
            interests=interests,
            access_needs=list(needs),
            perspectives=list(perspectives),
            special_category_consent=bool(needs or perspectives),
            consent_method="paper",
        )

    # The named demo sign-ins first.
    admin = person("Siân Powell", ["professional"], email=SIGN_INS[0][1])
    lead = person("Mared Llywelyn", ["professional"], email=SIGN_INS[1][1], language="cy")
    cochair = person(
        "Alun Bevan",
        ["lived_experience", "carer"],
        email=SIGN_INS[2][1],
        needs=["large_print", "step_free"],
        interests="diabetes care",
    )
    clinician = person("Dr Priya Nair", ["professional"], email=SIGN_INS[3][1])
    member = person(
        "Ceri Watkins",
        ["lived_experience"],
        email=SIGN_INS[4][1],
        needs=["easy_read"],
        language="cy",
        interests="dementia and carers",
    )
    visitor = person("Sam O'Neill", [], email=SIGN_INS[5][1])
    for p, email in zip(
        [admin, lead, cochair, clinician, member, visitor],
        [s[1] for s in SIGN_INS[:6]],
        strict=True,
    ):
        account_actions.create_account(by=by, person=p, email=email, password=PASSWORD)
    people_actions.link_organisation(
        by=by,
        person=admin,
        organisation=board,
        role="admin",
        job_title="Patient experience manager",
    )
    people_actions.link_organisation(
        by=by, person=lead, organisation=board, role="lead", job_title="Coproduction lead"
    )
    people_actions.link_organisation(
        by=by, person=clinician, organisation=practice, role="staff", job_title="GP partner"
    )
    people_actions.link_organisation(
        by=by, person=cochair, organisation=community, role="member", job_title="Volunteer"
    )

    # 54 more people with mixed perspectives and access needs.
    others = []
    needs_pool = list(AccessNeedCode.values)
    for i in range(54):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
        perspective = rng.choices(list(PerspectiveCode.values), weights=[5, 2, 3, 1], k=1)[0]
        needs = rng.sample(needs_pool[:-1], k=rng.choice([0, 0, 1, 1, 2]))
        p = person(
            name,
            [perspective],
            needs=needs,
            language=rng.choice(["en", "en", "cy"]),
            email=f"person{i + 1}@example.org" if rng.random() > 0.25 else "",
            interests=", ".join(rng.sample(INTERESTS, 2)),
        )
        if perspective == "professional":
            people_actions.link_organisation(
                by=by, person=p, organisation=rng.choice(orgs[:2]), role="staff"
            )
        elif perspective == "community":
            people_actions.link_organisation(by=by, person=p, organisation=community, role="member")
        others.append((p, perspective))

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    ctx = DemoContext(
        rng=rng,
        now=now,
        organisations={"board": board, "practice": practice, "community": community},
        people={
            "admin": admin,
            "lead": lead,
            "cochair": cochair,
            "clinician": clinician,
            "member": member,
            "visitor": visitor,
        },
        others=others,
    )
    for index, spec in enumerate(PROJECTS):
        project = project_actions.create_project(
            by=by, organisations=[board, practice] if index % 2 else [board, community], **spec
        )
        ctx.projects.append(project)
        # Co-chairs: one with lived experience, one from staff, with equal powers.
        if index == 0:
            chairs = [(cochair, "lived_experience"), (clinician, "professional")]
        elif index == 1:
            chairs = [(member, "carer"), (lead, "professional")]
        else:
            lived = [p for p, pv in others if pv == "lived_experience"]
            staff = [p for p, pv in others if pv == "professional"]
            chairs = [
                (lived[index], "lived_experience"),
                (staff[index % len(staff)], "professional"),
            ]
        for p, pv in chairs:
            project_actions.add_member(
                by=by,
                project=project,
                person=p,
                perspective=pv,
                role="co_chair",
                joined_on=(now - datetime.timedelta(days=200)).date(),
            )
        chosen = {p.pk for p, _ in chairs}
        pool = [(p, pv) for p, pv in others if p.pk not in chosen]
        for p, pv in rng.sample(pool, k=8 + index):
            project_actions.add_member(
                by=by,
                project=project,
                person=p,
                perspective=pv,
                role=rng.choice(["member", "member", "member", "observer"]),
                joined_on=(now - datetime.timedelta(days=rng.randint(30, 180))).date(),
            )
        if index == 0:
            project_actions.add_member(
                by=by, project=project, person=member, perspective="lived_experience", role="member"
            )
        # Two past meetings with attendance and papers, one or two upcoming.
        for k, weeks in enumerate([-8, -3, 2, 6][: 3 + (index % 2)]):
            start = (now + datetime.timedelta(weeks=weeks)).replace(hour=10 + (k % 3))
            meeting = project_actions.schedule_meeting(
                by=by,
                project=project,
                notify=False,
                title=f"Group meeting {k + 1}",
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2),
                place="Canolfan Gymunedol, Heol y Bont" if k % 2 == 0 else "",
                online_link="https://meet.example.org/coproduce" if k % 2 == 1 else "",
                accessibility="Step-free entrance, hearing loop, papers in large print and easy "
                "read on request. Travel and carer costs paid.",
                notes="Agenda: welcome, what changed since last time, decisions, any other "
                "business."
                if weeks < 0
                else "",
            )
            project_actions.add_paper(
                by=by,
                meeting=meeting,
                title="Agenda",
                upload=SimpleUploadedFile(
                    "agenda.txt", f"Agenda for {meeting.title}\n".encode(), "text/plain"
                ),
            )
            if k == 0:
                project_actions.add_paper(
                    by=by,
                    meeting=meeting,
                    title="Summary of feedback",
                    upload=SimpleUploadedFile("feedback-summary.pdf", PDF, "application/pdf"),
                )
            if weeks < 0:
                statuses = {}
                for m in project.memberships.filter(left_on__isnull=True):
                    statuses[m.person_id] = rng.choices(
                        ["present", "apologies", "absent"], weights=[7, 2, 1]
                    )[0]
                project_actions.record_attendance(by=by, meeting=meeting, statuses=statuses)
    # Each app adds its part (coproduce/<app>/demo.py), in INSTALLED_APPS order.
    for app_demo in app_modules("demo"):
        app_demo.load(ctx)
    return True
