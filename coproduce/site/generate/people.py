"""Organisations, the register (people, perspectives, access needs, consents, organisation
roles) and the demo sign-ins' accounts."""

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from coproduce.accounts.models import User
from coproduce.core.demo import HEALTH_BOARD_SLUG, PASSWORD, SIGN_INS
from coproduce.people.models import (
    AccessNeed,
    AccessNeedCode,
    Consent,
    Organisation,
    OrganisationLink,
    Person,
    Perspective,
)

from .base import (
    FIRST_NAMES,
    LAST_NAMES,
    PLACES,
    STREETS,
    Run,
    email_for,
    weighted,
)

# The seven health boards (fictional, like the demo's), largest first, with their share of
# the register, projects and studies.
BOARDS = [
    ("Dyffryn Teg University Health Board", HEALTH_BOARD_SLUG, 25),
    ("Arfordir Gorllewin Health Board", "arfordir-gorllewin-health-board", 18),
    ("Cymoedd Uchaf University Health Board", "cymoedd-uchaf-health-board", 16),
    ("Bro Hafren Health Board", "bro-hafren-health-board", 14),
    ("Gogledd Eryri Health Board", "gogledd-eryri-health-board", 12),
    ("Glannau Teifi Health Board", "glannau-teifi-health-board", 9),
    ("Gororau Teaching Health Board", "gororau-health-board", 6),
]
# The other 43 organisations, by kind, each in one board's area.
OTHERS = [("trust", 3), ("gp_practice", 16), ("council", 8), ("community", 12), ("research", 4)]
PERSPECTIVES = [("lived_experience", 45), ("carer", 15), ("professional", 30), ("community", 10)]
INTERESTS = (
    "diabetes care|mental health services|maternity|dementia and carers|cancer pathways|"
    "learning disability|GP access|community transport|young carers|stroke rehabilitation|"
    "Welsh-language services|hospital discharge|children's services|chronic pain"
).split("|")
JOB_TITLES = {
    "admin": "Patient experience manager",
    "lead": "Coproduction lead",
    "finance": "Finance officer",
    "staff": "Service manager",
    "member": "Volunteer",
}
# Who the demo sign-ins are, in SIGN_INS order: name, perspectives, preferred language.
SIGN_IN_PEOPLE = [
    ("admin", "Siân Powell", ["professional"], "en"),
    ("lead", "Mared Llywelyn", ["professional"], "cy"),
    ("cochair", "Alun Bevan", ["lived_experience", "carer"], "en"),
    ("clinician", "Dr Priya Nair", ["professional"], "en"),
    ("member", "Ceri Watkins", ["lived_experience"], "cy"),
    ("visitor", "Sam O'Neill", [], "en"),
    ("finance", "Rhodri Finch", ["professional"], "en"),
    ("practice_manager", "Eluned Prosser", ["professional"], "en"),
]


def _organisations(run: Run, rng) -> None:
    rows, orgs = [], []
    created = run.at(run.days_ago(4 * 365))
    ids = iter(run.ids(Organisation, len(BOARDS) + sum(n for _k, n in OTHERS)))
    for index, (name, slug, _share) in enumerate(BOARDS):
        pk = next(ids)
        rows.append(
            Organisation(
                pk=pk,
                name=name,
                slug=slug,
                kind="health_board",
                description="A fictional Welsh health board (generated data).",
                require_mfa_for_staff=False,
                created_at=created,
            )
        )
        orgs.append({"pk": pk, "kind": "health_board", "board": index, "slug": slug})
    shares = [share for _n, _s, share in BOARDS]
    names = {
        "trust": "{place} NHS Trust",
        "gp_practice": "{street} Surgery, {place}",
        "council": "{place} County Council",
        "community": "{place} Carers and Peer Support",
        "research": "{place} Health Research Unit",
    }
    number = 0
    for kind, n in OTHERS:
        for i in range(n):
            number += 1
            # The largest board has at least one of each kind (the demo sign-ins need a practice).
            board = 0 if i == 0 else rng.choices(range(len(BOARDS)), weights=shares)[0]
            place = PLACES[number % len(PLACES)]
            name = names[kind].format(place=place, street=STREETS[number % len(STREETS)])
            slug = f"{kind.replace('_', '-')}-{number}"
            pk = next(ids)
            rows.append(
                Organisation(
                    pk=pk,
                    name=name,
                    slug=slug,
                    kind=kind,
                    description="A fictional organisation (generated data).",
                    require_mfa_for_staff=kind == "trust",
                    created_at=created,
                )
            )
            orgs.append({"pk": pk, "kind": kind, "board": board, "slug": slug})
    run.write(Organisation, rows)
    run.shared["orgs"] = orgs
    run.shared["boards"] = [o["pk"] for o in orgs if o["kind"] == "health_board"]


def _person(pk, name, *, language, email, rng, run) -> Person:
    joined = run.at(run.days_ago(rng.randint(30, 5 * 365)), hour=9)
    first = next(
        (w for w in name.split() if w not in ("Dr", "Mr", "Mrs", "Ms", "Miss", "Prof")), name
    )
    return Person(
        pk=pk,
        full_name=name,
        preferred_name=first,
        email=email,
        phone=f"01632 {rng.randint(100000, 999999)}",
        contact_preference="email" if email else rng.choice(["phone", "post", "in_person"]),
        preferred_language=language,
        interests=", ".join(rng.sample(INTERESTS, 2)),
        created_at=joined,
        updated_at=joined,
    )


def _register(run: Run, rng) -> None:
    total = run.counts["people"]
    ids = run.ids(Person, total)
    perspective_ids = iter(run.ids(Perspective, total * 2))
    need_ids = iter(run.ids(AccessNeed, total * 2))
    consent_ids = iter(run.ids(Consent, total))
    shares = [share for _n, _s, share in BOARDS]
    needs_pool = [c for c in AccessNeedCode.values if c != "other"]
    # region_people[board][perspective] -> person ids; "people" holds (board, perspective, name).
    region_people = [{p: [] for p, _w in PERSPECTIVES} for _b in BOARDS]
    people = {}
    signins = {}
    batch = {Person: [], Perspective: [], AccessNeed: [], Consent: []}

    def flush():
        for model, rows in batch.items():
            run.write(model, rows)
            rows.clear()

    for n, pk in enumerate(ids):
        if n < len(SIGN_IN_PEOPLE):
            key, name, perspectives, language = SIGN_IN_PEOPLE[n]
            board, email = 0, SIGN_INS[n][1]
            needs = ["large_print", "step_free"] if key == "cochair" else []
            needs = ["easy_read"] if key == "member" else needs
            signins[key] = pk
        else:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            board = rng.choices(range(len(BOARDS)), weights=shares)[0]
            perspectives = [] if rng.random() < 0.04 else [weighted(rng, PERSPECTIVES)]
            if perspectives and rng.random() < 0.12:
                second = weighted(rng, PERSPECTIVES)
                if second not in perspectives:
                    perspectives.append(second)
            needs = rng.sample(needs_pool, k=rng.choice([0, 0, 0, 0, 0, 1, 1, 2]))
            language = "cy" if rng.random() < 0.2 else "en"
            email = email_for(name, n) if rng.random() < 0.75 else ""
        person = _person(pk, name, language=language, email=email, rng=rng, run=run)
        batch[Person].append(person)
        for code in perspectives:
            batch[Perspective].append(
                Perspective(pk=next(perspective_ids), person_id=pk, code=code)
            )
        for code in needs:
            batch[AccessNeed].append(AccessNeed(pk=next(need_ids), person_id=pk, code=code))
        if perspectives or needs:
            # Special-category data is held only with consent (people.actions rule).
            batch[Consent].append(
                Consent(
                    pk=next(consent_ids),
                    person_id=pk,
                    purpose="special_category",
                    method=rng.choice(["paper", "online", "verbal"]),
                    given_at=person.created_at,
                )
            )
        main = perspectives[0] if perspectives else "lived_experience"
        people[pk] = (board, main, name)
        if n >= len(SIGN_IN_PEOPLE):
            region_people[board][main].append(pk)
        if len(batch[Person]) >= 5000:
            flush()
    flush()
    run.shared.update(people=people, region_people=region_people, signins=signins)


def _links(run: Run, rng) -> None:
    """Staff work for an organisation in their area, community members belong to a community
    organisation; every organisation has an admin and leads, every board a finance officer."""
    orgs, regions, signins = run.shared["orgs"], run.shared["region_people"], run.shared["signins"]
    by_board = {}
    for org in orgs:
        by_board.setdefault(org["board"], []).append(org)
    wanted = {}  # (person, org) -> role
    for board, region in enumerate(regions):
        local = by_board.get(board, [])
        employers = [o for o in local if o["kind"] != "community"]
        community = [o for o in local if o["kind"] == "community"] or employers
        for pk in region["professional"]:
            wanted[(pk, rng.choice(employers)["pk"])] = "staff"
        for pk in region["community"]:
            wanted[(pk, rng.choice(community)["pk"])] = "member"
    for org in orgs:
        staff = regions[org["board"]]["professional"]
        if org["board"] == 0 and org["kind"] == "health_board":
            continue  # the demo admin, lead and finance officer hold these roles
        roles = ["admin", "lead", "lead"] + (["finance"] if org["kind"] == "health_board" else [])
        for role, pk in zip(roles, rng.sample(staff, k=min(len(staff), len(roles))), strict=False):
            wanted[(pk, org["pk"])] = role
    board0 = orgs[0]["pk"]
    practice = next(o for o in orgs if o["kind"] == "gp_practice" and o["board"] == 0)["pk"]
    community = next(o for o in orgs if o["kind"] == "community" and o["board"] == 0)["pk"]
    for key, org, role in [
        ("admin", board0, "admin"),
        ("lead", board0, "lead"),
        ("finance", board0, "finance"),
        ("clinician", practice, "staff"),
        ("practice_manager", practice, "lead"),
        ("cochair", community, "member"),
    ]:
        wanted[(signins[key], org)] = role
    run.shared["practice"] = practice
    created = run.at(run.days_ago(365))
    rows = [
        OrganisationLink(
            pk=pk,
            person_id=person,
            organisation_id=org,
            role=role,
            job_title=JOB_TITLES[role],
            created_at=created,
        )
        for pk, ((person, org), role) in zip(
            run.ids(OrganisationLink, len(wanted)), sorted(wanted.items()), strict=True
        )
    ]
    run.write(OrganisationLink, rows)


def _accounts(run: Run, rng) -> None:
    """Only the demo sign-ins have accounts: everyone else is on the register only, as most
    people on a real register are. One password hash each, with a salt from the seed."""
    signins = run.shared["signins"]
    users, addresses = [], []
    joined = run.at(run.days_ago(365))
    user_ids = run.ids(User, len(SIGN_INS))
    address_ids = run.ids(EmailAddress, len(SIGN_INS))
    keys = [k for k, *_rest in SIGN_IN_PEOPLE]
    for (_role, email, _password), user_pk, address_pk in zip(
        SIGN_INS, user_ids, address_ids, strict=True
    ):
        salt = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(22))
        users.append(
            User(
                pk=user_pk, email=email, password=make_password(PASSWORD, salt), date_joined=joined
            )
        )
        addresses.append(
            EmailAddress(pk=address_pk, user_id=user_pk, email=email, primary=True, verified=True)
        )
    run.write(User, users)
    run.write(EmailAddress, addresses)
    for key, user in zip(keys, users, strict=True):
        Person.objects.filter(pk=signins[key]).update(user_id=user.pk)


def generate(run: Run) -> None:
    rng = run.rng("people")
    _organisations(run, rng)
    _register(run, rng)
    _links(run, rng)
    _accounts(run, rng)
