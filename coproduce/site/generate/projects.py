"""Projects with their organisations and members, meetings over three years with attendance,
and decisions with the positions members took."""

import datetime

from coproduce.decisions import rules_of_method
from coproduce.decisions.models import NEEDS_REASON, OBJECTING, Decision, Position
from coproduce.projects.models import Attendance, Meeting, Membership, Project

from .base import PLACES, Run, uuid_from, weighted
from .people import BOARDS

AIMS = "Redesigning|Improving|Reviewing|Co-designing|Evaluating|Rethinking|Planning".split("|")
SERVICES = (
    "the diabetes clinic|memory cafés|the mental health crisis pathway|community transport|"
    "antenatal information|GP appointment booking|hospital discharge|stroke rehabilitation|"
    "young carers' support|learning disability health checks|cancer follow-up|"
    "chronic pain services|Welsh-language services|the falls service|children's mental health"
).split("|")
SCALES = ["team", "service", "service", "organisation", "region"]
STAGES = ["co_commission", "co_design", "co_design", "co_deliver", "co_assess"]
THINGS = (
    "meeting time|venue for next year|easy-read leaflet|terms of reference|budget for travel|"
    "evaluation questions|recruitment plan|feedback survey|training day|newsletter|"
    "priorities for the year|payment policy|accessibility checklist|interview panel|"
    "Welsh-language plan|clinic letter|waiting-room changes|peer-support sessions|"
    "community event|report to the board"
).split("|")
VERBS = "Agree the|Adopt the|Change the|Choose the|Approve the|Pilot the".split("|")
METHODS = [("consent", 40), ("consensus", 25), ("vote", 20), ("advice", 15)]
STANCES = {
    "consent": [("consent", 80), ("stand_aside", 12), ("object", 8)],
    "consensus": [("agree", 70), ("abstain", 12), ("disagree", 13), ("block", 5)],
    "vote": [("yes", 65), ("no", 25), ("abstain", 10)],
    "advice": [("advice", 1)],
}
COMMENTS = {
    "object": "This would leave out people who cannot travel to the hospital.",
    "block": "We cannot agree this until the budget is clear.",
    "advice": "Try it for three months and ask the group again.",
    "disagree": "I would rather we waited for the survey results.",
}
ACCESSIBILITY = (
    "Step-free entrance, hearing loop, papers in large print and easy read on request. "
    "Travel and carer costs paid."
)
DEMO_PROJECTS = 3  # the first projects hold the demo sign-ins


def _spread(total: int, parts: int) -> list[int]:
    """total split into `parts` whole numbers differing by at most one (exact counts)."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _projects(run: Run, rng) -> list[dict]:
    orgs = run.shared["orgs"]
    local = {}
    for org in orgs:
        if org["kind"] != "health_board":
            local.setdefault(org["board"], []).append(org["pk"])
    shares = [share for _n, _s, share in BOARDS]
    total = run.counts["projects"]
    meetings = _spread(run.counts["meetings"], total)
    projects, rows, through = [], [], []
    through_model = Project.organisations.through
    for n, pk in enumerate(run.ids(Project, total)):
        board = 0 if n < DEMO_PROJECTS else rng.choices(range(len(BOARDS)), weights=shares)[0]
        if n < DEMO_PROJECTS:
            # Running now, with meetings behind and ahead of them, to explore in the demo.
            start, spacing = run.days_ago(400), 40
        else:
            start, spacing = run.days_ago(rng.randint(60, 3 * 365)), rng.randint(21, 63)
        days = [start + datetime.timedelta(days=14 + k * spacing) for k in range(meetings[n])]
        last = days[-1] if days else start
        if n < DEMO_PROJECTS or (days and days[0] <= run.as_of < last):
            status = "active"
        elif days and days[0] > run.as_of:
            status = "planning"
        else:
            status = "closed" if rng.random() < 0.8 else "paused"
        service = rng.choice(SERVICES)
        place = PLACES[(n * 7 + board) % len(PLACES)]
        created = run.at(start, hour=9)
        rows.append(
            Project(
                pk=pk,
                title=f"{rng.choice(AIMS)} {service} in {place}",
                purpose=f"Work with the people who use {service} in {place} to make it work "
                "for them.",
                shared_aims="Decisions made together; information in Welsh and English; "
                "everyone's time recognised.",
                scale=rng.choice(SCALES),
                stage=rng.choice(STAGES),
                status=status,
                created_at=created,
                updated_at=created,
            )
        )
        partners = rng.sample(
            local.get(board, []), k=min(len(local.get(board, [])), rng.randint(0, 2))
        )
        project_orgs = [run.shared["boards"][board], *partners]
        projects.append(
            {"pk": pk, "board": board, "start": start, "days": days, "orgs": project_orgs}
        )
        through += [through_model(project_id=pk, organisation_id=o) for o in project_orgs]
    run.write(Project, rows)
    for row, pk in zip(through, run.ids(through_model, len(through)), strict=True):
        row.pk = pk
    run.write(through_model, through, label="projects.Project_organisations")
    return projects


def _pick(rng, pool: list, taken: set):
    for _attempt in range(20):
        pk = rng.choice(pool)
        if pk not in taken:
            taken.add(pk)
            return pk
    return None


def _memberships(run: Run, rng, projects: list[dict]) -> None:
    regions, people, signins = (run.shared[k] for k in ("region_people", "people", "signins"))
    fixed = {
        0: [
            ("cochair", "co_chair", "lived_experience"),
            ("clinician", "co_chair", "professional"),
            ("member", "member", "lived_experience"),
        ],
        1: [("member", "co_chair", "carer"), ("lead", "co_chair", "professional")],
        2: [("member", "member", "lived_experience")],
    }
    rows = []
    ids = iter(run.ids(Membership, len(projects) * 30))
    for n, project in enumerate(projects):
        region = regions[project["board"]]
        lived = region["lived_experience"] + region["carer"]
        start = project["start"]
        members, taken = [], set()
        for key, role, perspective in fixed.get(n, ()):
            taken.add(signins[key])
            members.append((signins[key], perspective, role, start, None))
        chairs = sum(1 for m in members if m[2] == "co_chair")
        for pool in [lived, region["professional"]] if chairs < 2 else []:
            pk = _pick(rng, pool, taken)
            if pk is not None:
                members.append((pk, people[pk][1], "co_chair", start, None))
        for _i in range(rng.randint(6, 20)):
            perspective = weighted(
                rng,
                [("lived_experience", 45), ("carer", 15), ("professional", 30), ("community", 10)],
            )
            pk = _pick(rng, region[perspective] or lived, taken)
            if pk is None:
                continue
            joined = min(start + datetime.timedelta(days=rng.randint(-20, 200)), run.as_of)
            left = None
            if rng.random() < 0.1:
                left = joined + datetime.timedelta(days=rng.randint(60, 400))
                left = left if left < run.as_of else None
            role = "observer" if rng.random() < 0.12 else "member"
            members.append((pk, people[pk][1], role, joined, left))
        project["members"] = []
        for person, perspective, role, joined, left in members:
            pk = next(ids)
            rows.append(
                Membership(
                    pk=pk,
                    project_id=project["pk"],
                    person_id=person,
                    perspective=perspective,
                    role=role,
                    joined_on=joined,
                    left_on=left,
                )
            )
            project["members"].append((pk, person, perspective, role, joined, left))
        if len(rows) >= 5000:
            run.write(Membership, rows)
            rows = []
    run.write(Membership, rows)


def _present(members, day):
    """The members on the day (joined, not yet left)."""
    return [m for m in members if m[4] <= day and (m[5] is None or m[5] > day)]


def _meetings(run: Run, rng, projects: list[dict]) -> None:
    meetings, attendance = [], []
    total = sum(len(p["days"]) for p in projects)
    meeting_ids = iter(run.ids(Meeting, total))
    attendance_ids = iter(run.ids(Attendance, total * 30))
    for project in projects:
        project["meetings"] = []
        for k, day in enumerate(project["days"]):
            pk = next(meeting_ids)
            starts = run.at(day, hour=rng.choice([10, 14, 18]))
            cancelled = rng.random() < 0.03
            online = k % 3 == 1
            meetings.append(
                Meeting(
                    pk=pk,
                    project_id=project["pk"],
                    title=f"Group meeting {k + 1}",
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=2),
                    place="" if online else f"Canolfan Gymunedol, {rng.choice(PLACES)}",
                    online_link="https://meet.example.org/coproduce" if online else "",
                    accessibility=ACCESSIBILITY,
                    notes="Agenda: welcome, what changed since last time, decisions, any other "
                    "business."
                    if day < run.as_of
                    else "",
                    cancelled=cancelled,
                    uid=uuid_from(rng),
                    created_at=run.at(min(day, run.as_of) - datetime.timedelta(days=28), hour=9),
                )
            )
            project["meetings"].append((pk, day))
            if day >= run.as_of or cancelled:
                continue
            for _m, person, perspective, _role, _joined, _left in _present(project["members"], day):
                status = weighted(rng, [("present", 7), ("apologies", 2), ("absent", 1)])
                attendance.append(
                    Attendance(
                        pk=next(attendance_ids),
                        meeting_id=pk,
                        person_id=person,
                        perspective=perspective,
                        status=status,
                    )
                )
        if len(attendance) >= 10000:
            run.write(Meeting, meetings)
            run.write(Attendance, attendance)
            meetings, attendance = [], []
    run.write(Meeting, meetings)
    run.write(Attendance, attendance)


def _decisions(run: Run, rng, projects: list[dict]) -> None:
    per_project = _spread(run.counts["decisions"], len(projects))
    decision_ids = iter(run.ids(Decision, run.counts["decisions"]))
    position_ids = iter(run.ids(Position, run.counts["decisions"] * 8))
    decisions, positions = [], []
    for project, count in zip(projects, per_project, strict=True):
        members = project["members"]
        chairs = [m for m in members if m[3] == "co_chair"] or members
        for d in range(count):
            pk = next(decision_ids)
            if project["meetings"]:
                meeting_id, day = project["meetings"][d % len(project["meetings"])]
            else:
                meeting_id, day = None, project["start"]
            created = min(day - datetime.timedelta(days=rng.randint(3, 14)), run.as_of)
            created = max(created, project["start"])
            title = f"{rng.choice(VERBS)} {rng.choice(THINGS)}"
            closed = day < run.as_of - datetime.timedelta(days=7)
            decided = run.at(min(day, run.as_of), hour=12) if closed else None
            current = [m for m in _present(members, created) if m[3] != "observer"]
            if rng.random() < 0.05 and closed:
                decisions.append(
                    Decision(
                        pk=pk,
                        project_id=project["pk"],
                        title=title,
                        proposal=f"{title}, as the organisation set out.",
                        status="closed",
                        outcome="adopted",
                        outcome_statement="Decided by the organisation; reported to the group.",
                        decided_at=decided,
                        taken_outside_group=True,
                        outside_reason="A statutory deadline fell before the group could meet.",
                        outside_organisation_id=project["orgs"][0],
                        created_at=decided,
                    )
                )
                continue
            method = weighted(rng, METHODS)
            proposer = rng.choice(current or members)
            taken = rng.sample(current, k=min(len(current), rng.randint(2, 8)))
            stances = []
            for member in taken:
                stance = weighted(rng, STANCES[method])
                resolved = closed and stance in OBJECTING and rng.random() < 0.7
                stances.append((stance, resolved))
                updated = run.at(
                    min(created + datetime.timedelta(days=rng.randint(1, 10)), run.as_of), 11
                )
                positions.append(
                    Position(
                        pk=next(position_ids),
                        decision_id=pk,
                        person_id=member[1],
                        perspective=member[2],
                        stance=stance,
                        comment=COMMENTS.get(stance, "") if stance in NEEDS_REASON else "",
                        resolved=resolved,
                        resolution_note="The proposal was changed to meet the objection."
                        if resolved
                        else "",
                        resolved_at=updated if resolved else None,
                        updated_at=updated,
                    )
                )
            outcome = statement = ""
            if closed:
                result = rules_of_method.result(method, rules_of_method.tally(stances))
                if not result.ready or rng.random() < 0.04:
                    outcome = "withdrawn"
                elif result.adopted is None:
                    outcome = "adopted" if rng.random() < 0.8 else "not_adopted"
                else:
                    outcome = "adopted" if result.adopted else "not_adopted"
                statement = {
                    "adopted": "Agreed: we will go ahead as proposed.",
                    "not_adopted": "Not agreed this time; we will come back to it.",
                    "withdrawn": "Withdrawn by the proposer.",
                }[outcome]
            decisions.append(
                Decision(
                    pk=pk,
                    project_id=project["pk"],
                    meeting_id=meeting_id,
                    title=title,
                    proposal=f"{title} as set out in the paper for the meeting, starting next "
                    "month and reviewed after six months.",
                    proposer_id=proposer[1],
                    proposer_perspective=proposer[2],
                    method=method,
                    status="closed" if closed else "open",
                    outcome=outcome,
                    outcome_statement=statement,
                    review_date=(decided + datetime.timedelta(days=180)).date()
                    if closed and outcome == "adopted" and rng.random() < 0.3
                    else None,
                    respond_by=None if closed else max(day, run.as_of),
                    decided_at=decided,
                    decider_id=rng.choice(chairs)[1] if method == "advice" else None,
                    advice_notes="We weighed the advice and went ahead with changes."
                    if method == "advice" and closed
                    else "",
                    created_at=run.at(created, hour=9),
                )
            )
        if len(positions) >= 10000:
            run.write(Decision, decisions)
            run.write(Position, positions)
            decisions, positions = [], []
    run.write(Decision, decisions)
    run.write(Position, positions)


def generate(run: Run) -> None:
    rng = run.rng("projects")
    projects = _projects(run, rng)
    _memberships(run, rng, projects)
    run.section("meetings")
    _meetings(run, run.rng("meetings"), projects)
    run.section("decisions")
    _decisions(run, run.rng("decisions"), projects)
    run.shared["projects"] = projects
