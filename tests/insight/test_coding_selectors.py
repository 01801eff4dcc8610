"""The plain-SQL reads of the coding click (insight/selectors/coding.py, core/sql.py) return
what the ORM returns for the same question, including for other studies, other coders and
non-ASCII text."""

import pytest

from coproduce.insight import actions
from coproduce.insight.models import Coding, StudyRole, Turn
from coproduce.insight.selectors import coding as selectors
from coproduce.insight.selectors.studies import study_with_role

from .sweep import build

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres

TEXT = "Cyfwelydd: Sut oedd hi?\nP01: Café ’n’ 😀 — nobody listened.\nP02: Dim.\n"


@pytest.fixture
def objects(world):
    objects = build(world)
    study = objects["study"]
    p2 = actions.add_participant(by=None, study=study, identifier="P02", attributes={})
    first = TEXT.index("P01")
    second = TEXT.index("P02")
    source = actions.add_source(
        by=None,
        study=study,
        name="Focus group",
        text=TEXT,
        turns=[
            ("Cyfwelydd", 0, first - 1),
            ("P01", first, second - 1),
            ("P02", second, len(TEXT) - 1),
        ],
    )
    actions.link_turns(by=None, source=source, speaker="P02", participant=p2)
    codes = list(study.codes.order_by("pk")[:3])
    member = actions.coder_for(study=study, person=world["member"])
    cochair = actions.coder_for(study=study, person=world["cochair"])
    emoji = TEXT.index("😀")
    actions.add_coding(
        by=None, source=source, codes=codes[:2], start=emoji, end=emoji + 1, coder=member
    )
    actions.add_coding(
        by=None, source=source, codes=[codes[2]], start=first, end=second - 1, coder=cochair
    )
    return objects | {"focus": source, "codes": codes, "member": member, "cochair": cochair}


def test_source_in_study_same_as_orm_and_not_across_studies(world, objects):
    study, source = objects["study"], objects["focus"]
    found = selectors.source_in_study(study, source.pk)
    assert (found.pk, found.name, found.text) == (source.pk, "Focus group", TEXT)
    other = actions.create_study(by=None, organisation=world["org"], title="Other", slug="other")
    assert selectors.source_in_study(other, source.pk) is None


def test_codes_among_keeps_only_this_studys_numbered_codes(world, objects):
    study, codes = objects["study"], objects["codes"]
    other = actions.create_study(by=None, organisation=world["org"], title="Other", slug="other")
    foreign = other.codes.first()
    asked = [str(codes[1].pk), "x1", "", str(foreign.pk), str(codes[0].pk), str(codes[0].pk)]
    found = selectors.codes_among(study, asked)
    assert [(c.pk, c.name, c.study_id) for c in found] == [
        (c.pk, c.name, study.pk) for c in sorted(codes[:2], key=lambda c: c.pk)
    ]
    assert selectors.codes_among(study, ["abc"]) == []


def test_person_coder_finds_only_that_persons_coder(world, objects):
    study = objects["study"]
    assert selectors.person_coder(study, world["member"].pk).pk == objects["member"].pk
    assert selectors.person_coder(study, world["lead"].pk) is None


def test_codes_already_on_exact_span_and_coder_only(world, objects):
    source, codes, member = objects["focus"], objects["codes"], objects["member"]
    emoji = TEXT.index("😀")
    ids = [c.pk for c in codes]
    assert selectors.codes_already_on(source, member, emoji, emoji + 1, ids) == {
        codes[0].pk,
        codes[1].pk,
    }
    assert selectors.codes_already_on(source, member, emoji, emoji + 2, ids) == set()
    assert selectors.codes_already_on(source, objects["cochair"], emoji, emoji + 1, ids) == set()
    assert selectors.codes_already_on(source, member, emoji, emoji + 1, []) == set()


def test_coding_count_all_and_one_persons(world, objects):
    source = objects["focus"]
    assert selectors.coding_count(source) == Coding.objects.filter(source=source).count() == 3
    assert selectors.coding_count(source, coder_person_id=world["member"].pk) == 2
    assert selectors.coding_count(source, coder_person_id=world["cochair"].pk) == 1
    assert selectors.coding_count(source, coder_person_id=world["lead"].pk) == 0


def test_transcript_rows_match_the_orm(world, objects):
    source = objects["focus"]
    turns = list(
        Turn.objects.filter(source=source)
        .order_by("index")
        .values_list("start", "end", "speaker", "participant__identifier")
    )
    assert selectors._turn_rows(source) == turns
    assert turns[2][3] == "P02" and turns[0][3] is None
    orm = sorted(
        Coding.objects.filter(source=source).values_list(
            "pk",
            "start",
            "end",
            "polarity",
            "code_id",
            "code__name",
            "coder__name",
            "coder__person_id",
        )
    )
    assert sorted(selectors._coding_rows(source)) == orm
    mine = [row for row in orm if row[7] == world["member"].pk]
    assert sorted(selectors._coding_rows(source, coder_person_id=world["member"].pk)) == mine


def test_transcript_span_reads_only_touched_turns_and_their_codings(world, objects):
    source = objects["focus"]
    emoji = TEXT.index("😀")
    blocks = selectors.transcript(source, span=(emoji, emoji + 1))
    assert [b.speaker for b in blocks] == ["P01"]
    assert sorted(m.code_name for m in blocks[0].codings) == sorted(
        c.name for c in objects["codes"]
    )
    assert [m.quote for m in blocks[0].codings if m.start == emoji] == ["😀", "😀"]


def test_study_with_role_reads_the_team_role(world, objects):
    study = objects["study"]
    assert study_with_role(study.slug, world["member"].pk).my_study_role == StudyRole.CODER
    assert study_with_role(study.slug, world["cochair"].pk).my_study_role == StudyRole.LEAD
    assert study_with_role(study.slug, world["finance"].pk).my_study_role is None
    assert study_with_role("no-such-study", world["member"].pk) is None
