"""Insight studies: teams, participants with attributes, a COM-B codebook with inductive codes,
interview transcripts with speaker turns, codings by one or two coders at code-point offsets
inside participants' turns, and the full-text search index over every transcript."""

from coproduce.insight import frameworks, search
from coproduce.insight.actions.studies import SPECIAL_STANDARD
from coproduce.insight.models import (
    STANDARD_ATTRIBUTES,
    Attribute,
    Code,
    Coder,
    Coding,
    Participant,
    Source,
    Study,
    StudyMember,
    Turn,
)

from .base import PLACES, Run, uuid_from, weighted
from .people import BOARDS
from .projects import SERVICES, _spread

TOPICS = [
    ("Taking part in decisions about", "taking-part"),
    ("Barriers to coproducing", "barriers"),
    ("Carers' experience of", "carers"),
    ("Welsh-language involvement in", "welsh-language"),
    ("Paying people for their time in", "payment"),
]
INDUCTIVE = {
    "physical_capability": ["Fatigue and pain", "Getting there"],
    "psychological_capability": ["Understanding the papers", "Jargon and acronyms"],
    "physical_opportunity": ["Time off work", "Travel costs", "Meeting times"],
    "social_opportunity": ["Being listened to", "Staff attitudes", "Peer support"],
    "reflective_motivation": ["Seeing change happen", "Trust in the organisation"],
    "automatic_motivation": ["Confidence", "Feeling welcome"],
}
QUESTIONS = [
    "Can you tell me how you first got involved?",
    "What made it easier to take part?",
    "What got in the way?",
    "How did the meetings work for you?",
    "Did you feel your views changed anything?",
    "How were you paid or thanked for your time?",
    "Was there anything about the language used?",
    "What would you change if you could?",
    "Oedd hi'n bosib siarad Cymraeg yn y cyfarfodydd?",
    "How did staff respond when you raised a concern?",
]
# Answer sentences, filled with a service and a place; a few in Welsh, with circumflexes and an
# emoji outside the Basic Multilingual Plane, so every offset is tested as a code point.
SENTENCES = [
    "The meetings about {service} were always in the day, when I am at work.",
    "I could not get to {place} without a car, and the bus only runs twice a day.",
    "Nobody explained the papers before the meeting, so I felt lost.",
    "The coproduction lead rang me the week before, which made a real difference.",
    "When they changed the leaflet for {service} because of what we said, I felt listened to.",
    "There were so many acronyms that I stopped asking what they meant.",
    "I was paid for my time on the same day as the staff, which felt fair.",
    "Mae'n anodd cyrraedd yr ysbyty yn {place} heb gar.",
    "Roedd y cyfarfod yn Gymraeg, ac roedd hynny'n bwysig i mi.",
    "Dw i'n gofalu am fy mam bob dydd, felly mae amser yn brin.",
    "My carer came with me and they made sure there was a seat for her too.",
    "Some of the consultants did not seem to want us there at first.",
    "After a year the staff treated us as part of the team.",
    "I worried that the payment would affect my benefits.",
    "The easy-read version of the agenda meant I could join in properly.",
    "We were asked for our views but never told what happened next.",
    "Meeting online helped on bad days, when the pain is worse.",
    "I felt more confident after the training day in {place}.",
    "It felt like the decisions about {service} had been made before we arrived.",
    "Having another person with lived experience in the room helped me speak up.",
    "Roedd y staff yn groesawgar iawn 🙂 ac yn gwrando.",
    "The tŷ coffi in {place} was a much better place to meet than the hospital.",
    "I stopped going when the meetings moved to the evening.",
    "They paid for a taxi, so getting there was not a worry any more.",
    "I still do not know who decides the budget for {service}.",
    "Being a co-chair meant I could put things on the agenda myself.",
]
VALUES = {
    "public": {"role": ["patient", "carer", "community member"], "setting": ["community"]},
    "clinician": {
        "role": ["GP", "nurse", "consultant", "allied health professional"],
        "setting": ["primary care", "secondary care"],
    },
}


def _codebook(study_pk: int, rng, rows: list) -> list[tuple[int, str]]:
    """The six COM-B codes and inductive codes under them; returns (code id, polarity bias)."""
    data = frameworks.comb()
    source = data["source"].strip()
    made = []
    order = 0
    for component in data["components"]:
        parent = Code(
            study_id=study_pk,
            name=component["name"],
            colour=component["colour"],
            definition=f"{component['definition']}\n\nSource: {source}",
            comb=component["key"],
            framework_key=f"comb:{component['key']}",
            order=order,
            guid=uuid_from(rng),
        )
        rows.append(parent)
        made.append(parent)
        order += 1
        for name in INDUCTIVE[component["key"]]:
            order += 1
            child = Code(
                study_id=study_pk,
                parent=parent,
                name=name,
                colour=component["colour"],
                definition=f"What participants said about {name.lower()}.",
                comb=component["key"],
                order=order,
                guid=uuid_from(rng),
            )
            rows.append(child)
            made.append(child)
    return made


def _transcript(rng, participant: str, service: str, place: str):
    """(text, turns as (speaker, start, end), sentence spans per participant turn)."""
    parts, turns, spans = [], [], []
    position = 0
    for _pair in range(rng.randint(15, 25)):
        for speaker in ("Interviewer", participant):
            label = f"{speaker}: "
            if speaker == "Interviewer":
                body = rng.choice(QUESTIONS)
                sentences = []
            else:
                picked = rng.sample(SENTENCES, rng.randint(2, 5))
                sentences = [s.format(service=service, place=place) for s in picked]
                body = " ".join(sentences)
            line = label + body
            start = position
            if sentences:
                offset = start + len(label)
                turn_spans = []
                for s in sentences:
                    turn_spans.append((offset, offset + len(s)))
                    offset += len(s) + 1
                spans.append((len(turns), turn_spans))
            turns.append((speaker, start, start + len(line)))
            parts.append(line + "\n")
            position += len(line) + 1
    return "".join(parts), turns, spans


def _codings(run, rng, source, spans, codes, coders, count, created) -> list[Coding]:
    """`count` codings on whole sentences (or two in a row) of participants' turns; a source
    with a second coder has many of its passages coded by both."""
    out, seen = [], set()
    primary, second = coders[0], (coders[1] if len(coders) > 1 and rng.random() < 0.3 else None)
    attempts = 0
    while len(out) < count and attempts < count * 20:
        attempts += 1
        _turn, sentences = rng.choice(spans)
        i = rng.randrange(len(sentences))
        j = min(len(sentences) - 1, i + (1 if rng.random() < 0.3 else 0))
        start, end = sentences[i][0], sentences[j][1]
        polarity = weighted(rng, [("barrier", 45), ("facilitator", 35), ("neutral", 20)])
        for coder in [primary] + ([second] if second and rng.random() < 0.6 else []):
            selection = uuid_from(rng)
            for code in rng.sample(codes, k=1 if rng.random() < 0.75 else 2):
                key = (coder, code.pk, start, end)
                if key in seen or len(out) >= count:
                    continue
                seen.add(key)
                out.append(
                    Coding(
                        source_id=source,
                        code_id=code.pk,
                        coder_id=coder,
                        start=start,
                        end=end,
                        polarity=polarity,
                        selection=selection,
                        guid=uuid_from(rng),
                        created_at=created,
                    )
                )
    return out


def _team(run, rng, study_index, org):
    """(person, role) for the study team."""
    regions, signins = run.shared["region_people"], run.shared["signins"]
    region = regions[org["board"]]
    staff = region["professional"] or region["lived_experience"]
    lived = region["lived_experience"] or staff
    team = {rng.choice(staff): "lead", rng.choice(staff): "coder", rng.choice(lived): "coder"}
    team.setdefault(rng.choice(lived), "viewer")
    if study_index == 0:
        team = {signins["lead"]: "lead", signins["member"]: "coder", **team}
    return list(team.items())


def generate(run: Run) -> None:
    rng = run.rng("insight")
    orgs, people = run.shared["orgs"], run.shared["people"]
    boards = [o for o in orgs if o["kind"] == "health_board"]
    research = [o for o in orgs if o["kind"] in ("research", "trust")]
    projects_by_board: dict = {}
    for project in run.shared["projects"]:
        projects_by_board.setdefault(project["board"], []).append(project["pk"])
    shares = [share for _n, _s, share in BOARDS]
    total = run.counts["studies"]
    sources_per = _spread(run.counts["sources"], total)
    codings_per = _spread(run.counts["codings"], run.counts["sources"])
    source_number = 0
    for n, study_pk in enumerate(run.ids(Study, total)):
        if n == 0 or rng.random() < 0.6:
            org = (
                boards[0] if n == 0 else boards[rng.choices(range(len(boards)), weights=shares)[0]]
            )
        else:
            org = rng.choice(research)
        topic, topic_slug = TOPICS[n % len(TOPICS)]
        service = rng.choice(SERVICES)
        place = PLACES[n % len(PLACES)]
        created = run.at(run.days_ago(rng.randint(30, 2 * 365)))
        local = projects_by_board.get(org["board"], [])
        run.write(
            Study,
            [
                Study(
                    pk=study_pk,
                    organisation_id=org["pk"],
                    project_id=rng.choice(local) if local and rng.random() < 0.5 else None,
                    slug=f"{topic_slug}-{n + 1}",
                    title=f"{topic} {service} ({place})",
                    description="Interviews with people who took part, and with staff.",
                    descriptor_template="{role}, {setting}",
                    guid=uuid_from(rng),
                    created_at=created,
                )
            ],
        )
        team = _team(run, rng, n, org)
        run.write(
            StudyMember,
            [
                StudyMember(pk=pk, study_id=study_pk, person_id=person, role=role)
                for pk, (person, role) in zip(run.ids(StudyMember, len(team)), team, strict=True)
            ],
        )
        attributes = [
            Attribute(
                pk=pk,
                study_id=study_pk,
                name=name,
                label=str(label),
                special_category=name in SPECIAL_STANDARD,
                order=i,
                guid=uuid_from(rng),
            )
            for i, ((name, label), pk) in enumerate(
                zip(STANDARD_ATTRIBUTES, run.ids(Attribute, len(STANDARD_ATTRIBUTES)), strict=True)
            )
        ]
        run.write(Attribute, attributes)
        codes: list = []
        _codebook(study_pk, rng, codes)
        for code, pk in zip(codes, run.ids(Code, len(codes)), strict=True):
            code.pk = pk
            code.created_at = created
        for code in codes:
            code.parent_id = code.parent.pk if code.parent else None
        run.write(Code, codes)
        coder_people = [p for p, role in team if role in ("lead", "coder")]
        coder_ids = list(run.ids(Coder, len(coder_people)))
        run.write(
            Coder,
            [
                Coder(pk=pk, study_id=study_pk, person_id=p, name=people[p][2], guid=uuid_from(rng))
                for pk, p in zip(coder_ids, coder_people, strict=True)
            ],
        )
        # The coders who code are the ones with the coder role (then the lead).
        coding_coders = coder_ids[1:] + coder_ids[:1] if len(coder_ids) > 1 else coder_ids
        count = sources_per[n]
        participants = []
        for k, pk in enumerate(run.ids(Participant, count)):
            group = "public" if k % 3 else "clinician"
            participants.append(
                Participant(
                    pk=pk,
                    study_id=study_pk,
                    identifier=f"P{k + 1:02d}",
                    speaker_labels=[f"P{k + 1:02d}"],
                    attributes={
                        "sample_group": group,
                        "role": rng.choice(VALUES[group]["role"]),
                        "setting": rng.choice(VALUES[group]["setting"]),
                        "area": rng.choice(PLACES),
                        "gender": rng.choice(["woman", "man", "woman", "man", "non-binary"]),
                        "age_band": rng.choice(["18-29", "30-44", "45-59", "60-74", "75+"]),
                        "deprivation_quintile": str(rng.randint(1, 5)),
                    },
                    guid=uuid_from(rng),
                    created_at=created,
                )
            )
        run.write(Participant, participants)
        sources, turns, links, codings = [], [], [], []
        through = Source.participants.through
        for participant, pk in zip(participants, run.ids(Source, count), strict=True):
            text, spoken, spans = _transcript(rng, participant.identifier, service, place)
            sources.append(
                Source(
                    pk=pk,
                    study_id=study_pk,
                    name=f"Interview {participant.identifier}",
                    kind="interview",
                    text=text,
                    original_filename=f"interview-{participant.identifier.lower()}.docx",
                    guid=uuid_from(rng),
                    created_at=created,
                )
            )
            for i, ((speaker, start, end), turn_pk) in enumerate(
                zip(spoken, run.ids(Turn, len(spoken)), strict=True)
            ):
                turns.append(
                    Turn(
                        pk=turn_pk,
                        source_id=pk,
                        index=i,
                        speaker=speaker,
                        participant_id=participant.pk if speaker != "Interviewer" else None,
                        start=start,
                        end=end,
                    )
                )
            links.append(
                through(pk=run.ids(through, 1)[0], source_id=pk, participant_id=participant.pk)
            )
            codings += _codings(
                run, rng, pk, spans, codes, coding_coders, codings_per[source_number], created
            )
            source_number += 1
        run.write(Source, sources)
        run.write(Turn, turns)
        run.write(through, links, label="insight.Source_participants")
        for coding, pk in zip(codings, run.ids(Coding, len(codings)), strict=True):
            coding.pk = pk
        run.write(Coding, codings)
        # The search index is the product's own (insight/search/), so searches on generated
        # data find what they would find on imported data.
        made = search.index_sources([s.pk for s in sources])
        run.written["insight.SearchPassage"] = run.written.get("insight.SearchPassage", 0) + made
        run.progress.add("insight.SearchPassage", made)
