"""The insight demo study: loaded with the whole demo, exact counts, idempotent."""

import random
from collections import Counter

import pytest
from django.utils import timezone

from coproduce.core.agreement import cohen_kappa
from coproduce.insight import demo as insight_demo
from coproduce.insight.models import (
    Attribute,
    Code,
    CodebookVersion,
    Coder,
    Coding,
    InterventionCandidate,
    MatrixCell,
    Memo,
    Participant,
    Source,
    Study,
    StudyMember,
    Theme,
    Turn,
)
from coproduce.people.models import Organisation, Person
from coproduce.projects.models import Project
from coproduce.site import demo

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres

MODELS = (
    StudyMember,
    Attribute,
    Participant,
    Source,
    Turn,
    Code,
    CodebookVersion,
    Coder,
    Coding,
    Memo,
    Theme,
    MatrixCell,
    InterventionCandidate,
)
KEYS = ["admin", "lead", "cochair", "clinician", "member", "visitor"]


def _context():
    """The DemoContext coproduce.site.demo.load() hands to each app, rebuilt from the database."""
    emails = [s[1] for s in demo.SIGN_INS[: len(KEYS)]]
    return demo.DemoContext(
        rng=random.Random(2026),
        now=timezone.now(),
        organisations={"board": Organisation.objects.get(slug=demo.HEALTH_BOARD_SLUG)},
        people={k: Person.objects.get(email=e) for k, e in zip(KEYS, emails, strict=True)},
        others=[],
        projects=list(Project.objects.order_by("pk")),
    )


def _load_all():
    demo.load()
    # If the demo did not add the insight study, add it the way coproduce.site.demo would.
    if not Study.objects.filter(slug=insight_demo.SLUG).exists():
        insight_demo.load(_context())


def _counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_demo_transcripts_resolve_every_sentence():
    # Every coded sentence occurs exactly once in its transcript (no database needed).
    total = 0
    for spec in insight_demo.sources():
        assert 8 <= len(insight_demo.speaker_turns(spec["text"])) <= 20, spec["name"]
        for rows in (spec["codings"], spec.get("second") or ()):
            for _codes, _polarity, sentence in rows:
                start, end = insight_demo.sentence_span(spec["text"], sentence, spec["name"])
                assert spec["text"][start:end] == sentence
                total += 1
    assert total == 232


def test_demo_speaker_turns_cover_whole_lines():
    text = "Interviewer: Croeso.\nP21: Diolch – it’s fine.\n\nP22: Ŵy.\n"
    assert insight_demo.speaker_turns(text) == [
        ("Interviewer", 0, 20),
        ("P21", 21, 45),
        ("P22", 47, 55),
    ]
    assert text[47:55] == "P22: Ŵy."


def test_demo_sentence_span_refuses_missing_or_repeated():
    with pytest.raises(ValueError, match="found 0 times"):
        insight_demo.sentence_span("P01: Yes.", "No.", "Interview P01")
    with pytest.raises(ValueError, match="found 2 times"):
        insight_demo.sentence_span("P01: Yes. Yes.", "Yes.", "Interview P01")


@pytest.mark.django_db
def test_demo_study_loads_with_exact_counts():
    _load_all()
    study = Study.objects.get(slug="coproduction-barriers-wales")
    assert study.title == "Barriers and facilitators to coproduction in health care in Wales"
    assert study.organisation.slug == demo.HEALTH_BOARD_SLUG
    assert study.project.title == "Redesigning the diabetes clinic"
    assert study.descriptor_template == "{descriptor}"
    assert study.bcw_variant == "2014"
    assert _counts() == {
        "StudyMember": 4,
        "Attribute": 10,
        "Participant": 34,
        "Source": 28,
        "Turn": 266,
        "Code": 18,
        "CodebookVersion": 1,
        "Coder": 4,
        "Coding": 245,
        "Memo": 5,
        "Theme": 12,
        "MatrixCell": 13,
        "InterventionCandidate": 4,
    }
    team = {(m.person.email, m.role) for m in study.members.select_related("person")}
    assert team == {
        ("lead@demo.coproduce.test", "lead"),
        ("cochair@demo.coproduce.test", "lead"),
        ("clinician@demo.coproduce.test", "coder"),
        ("member@demo.coproduce.test", "coder"),
    }

    # Participants: 18 public in five samples, 16 clinicians in three settings.
    people = {p.identifier: p.attributes for p in study.participants.all()}
    assert Counter(a["sample_group"] for a in people.values()) == {
        "clinician": 16,
        "long-term condition": 4,
        "recent emergency care": 3,
        "parent of young children": 4,
        "high-deprivation area": 4,
        "affluent area": 3,
    }
    assert Counter(a.get("setting") for a in people.values()) == {
        None: 18,
        "primary": 5,
        "secondary": 5,
        "emergency": 6,
    }
    assert people["P19"]["descriptor"] == "primary care clinician, GP"
    assert people["P01"]["descriptor"] == "patient with a long-term condition"
    assert people["P23"]["descriptor"] == "secondary care clinician, midwife"
    assert people["P01"]["deprivation_quintile"] == "3"
    # Not recorded, so Table 1 has something to show for it.
    missing = Counter(
        name
        for a in people.values()
        for name in ("gender", "age_band", "disability", "employment")
        if name not in a
    )
    assert missing == {"gender": 1, "age_band": 1, "disability": 2, "employment": 2}
    assert study.attributes.get(name="deprivation_quintile").type == "integer"

    # Sources: 26 interviews and 2 focus groups, every participant turn linked.
    assert Counter(study.sources.values_list("kind", flat=True)) == {
        "interview": 26,
        "focus_group": 2,
    }
    group = study.sources.get(name="Focus group A (public, Swansea Bay)")
    assert sorted(group.participants.values_list("identifier", flat=True)) == [
        "P15",
        "P16",
        "P17",
        "P18",
    ]
    assert "Gŵyl Dewi" in group.text
    assert Turn.objects.filter(participant=None).exclude(speaker="Interviewer").count() == 0

    # Codebook: six COM-B codes and twelve inductive codes under them.
    inductive = study.codes.filter(framework_key="")
    assert inductive.count() == 12
    assert not inductive.filter(parent=None).exists()
    assert study.codebook_versions.get().snapshot[0]["name"] == "Physical capability"
    assert len(study.codebook_versions.get().snapshot) == 18

    # Codings: exact sentences, two coders, six transcripts double-coded.
    assert Counter(Coding.objects.values_list("coder__person__email", flat=True)) == {
        "clinician@demo.coproduce.test": 125,
        "member@demo.coproduce.test": 120,
    }
    assert Counter(Coding.objects.values_list("polarity", flat=True)) == {
        "barrier": 147,
        "facilitator": 90,
        "neutral": 8,
    }
    coding = Coding.objects.get(
        source__name="Interview P01",
        code__name="Health literacy",
        coder__person__email__startswith="clin",
    )
    assert coding.source.text[coding.start : coding.end] == (
        "Half the letters I get I have to ask my daughter to read for me."
    )
    double = sorted(
        s.name for s in study.sources.all() if s.codings.values("coder").distinct().count() == 2
    )
    assert double == [
        "Interview P02",
        "Interview P06",
        "Interview P11",
        "Interview P20",
        "Interview P24",
        "Interview P27",
    ]
    assert _turn_kappa(study, double) == pytest.approx(0.7519, abs=1e-4)

    # Themes, matrix, memos, candidates.
    assert study.themes.filter(parent=None).count() == 8
    assert Counter(study.themes.values_list("classification", flat=True)) == {
        "barrier": 8,
        "facilitator": 2,
        "both": 2,
    }
    assert Counter(m.target for m in study.memos.all()) == {
        "study": 1,
        "code": 1,
        "source": 1,
        "participant": 1,
        "coding": 1,
    }
    selected = InterventionCandidate.objects.get(selected=True)
    assert (selected.theme.name, selected.function) == (
        "Time and targets",
        "environmental_restructuring",
    )
    assert len(selected.apease) == 6

    # Loading again changes nothing.
    before = _counts()
    insight_demo.load(_context())
    assert demo.load() is False
    assert _counts() == before


def _turn_kappa(study, names) -> float:
    """Cohen's kappa between the two coders over (speaker turn, inductive code) presence."""
    codes = list(study.codes.filter(framework_key=""))
    first, second = [], []
    for source in study.sources.filter(name__in=names):
        coders = sorted({c.coder_id for c in source.codings.all()})
        codings = list(source.codings.all())
        for turn in source.turns.all():
            for code in codes:
                marks = [
                    any(
                        c.coder_id == coder
                        and c.code_id == code.pk
                        and turn.start <= c.start
                        and c.end <= turn.end
                        for c in codings
                    )
                    for coder in coders
                ]
                first.append(marks[0])
                second.append(marks[1])
    return cohen_kappa(first, second)
